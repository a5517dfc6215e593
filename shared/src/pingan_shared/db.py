"""Database access: the async engine, the session a request works in, and table registries.

The session dependency owns the transaction: it commits when the route returns and rolls back
when it raises. Services and repositories only `flush()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_registry() -> registry:
    """A table registry with its own metadata, so each service's tables stay apart."""
    return registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class Database:
    """One engine and its session factory for a service's own database."""

    def __init__(
        self, url: str, *, pool_size: int = 10, pre_ping: bool = False, echo: bool = False
    ) -> None:
        """`pre_ping` checks each connection before use (three round trips with asyncpg); without
        it a connection broken by a database restart fails one request, and the pool is renewed."""
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=pre_ping, echo=echo
        )
        self._default_sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._sessionmaker = self._default_sessionmaker
        self._pool_size = pool_size
        self._driver_pool: asyncpg.Pool | None = None
        self._driver_pool_lock = asyncio.Lock()
        self._bound: AsyncConnection | None = None

    def bind_to(self, connection: AsyncConnection) -> None:
        """Run every session and transaction inside `connection`'s open transaction (tests roll
        it back)."""
        self._bound = connection
        self._sessionmaker = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def unbind(self) -> None:
        """Undo `bind_to`: sessions use the engine's own connections again."""
        self._bound = None
        self._sessionmaker = self._default_sessionmaker

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """A bare asyncpg connection in a transaction that commits on success, for hot paths.

        It skips the ORM session altogether (see `driver_connection` for SQL inside a session).
        Bound to a test's connection, it is a savepoint inside the test's transaction.
        """
        if self._bound is not None:
            raw = await self._bound.get_raw_connection()
            await _begin_lazily_started(raw)
            connection: asyncpg.Connection = raw.driver_connection
            async with connection.transaction():  # a savepoint inside the test's transaction
                yield connection
            return
        pool = self._driver_pool or await self._create_driver_pool()
        async with pool.acquire() as connection, connection.transaction():
            yield connection

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A bare asyncpg connection in autocommit, for a hot path whose work is one statement
        (atomic by itself, and two round trips fewer than BEGIN … COMMIT).

        Bound to a test's connection, it is a savepoint inside the test's transaction, so a
        failing statement leaves the test's transaction usable, as it would a real connection.
        """
        if self._bound is not None:
            async with self.transaction() as connection:
                yield connection
            return
        pool = self._driver_pool or await self._create_driver_pool()
        async with pool.acquire() as connection:
            yield connection

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on any error."""
        async with self._sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def _create_driver_pool(self) -> asyncpg.Pool:
        async with self._driver_pool_lock:  # two first requests must not open two pools
            if self._driver_pool is None:
                url = self.engine.url.set(drivername="postgresql", query={})
                self._driver_pool = await asyncpg.create_pool(
                    url.render_as_string(hide_password=False),
                    min_size=1,
                    max_size=self._pool_size,
                    reset=_keep_session,
                )
            return self._driver_pool

    async def dispose(self) -> None:
        """Close every pooled connection."""
        if self._driver_pool is not None:
            await self._driver_pool.close()
        await self.engine.dispose()


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Release a pooled driver connection without asyncpg's reset query (a round trip on every
    request). Hot paths give their connections no session state to undo: no LISTEN, no session
    advisory locks, settings only `SET LOCAL`; an open transaction is still rolled back."""


async def get_database(request: Request) -> Database:
    """The app's `Database`, for routes that open connections or sessions themselves."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session, from the app's `Database`; see `SessionDep`."""
    database: Database = request.app.state.database
    async with database.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
"""A route's session. `scope="function"` commits before the response goes out, so a 201 means
the row is durable and a client that reads right after sees it."""


async def driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under `session`, inside the session's transaction.

    Hot paths send hand-written SQL through it: a statement costs a fraction of what the ORM
    spends building, compiling and reading it, and the transaction stays the session's own.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await _begin_lazily_started(raw)
    return raw.driver_connection


async def _begin_lazily_started(raw: Any) -> None:
    """Send the BEGIN that SQLAlchemy's asyncpg adapter holds back until its own first statement:
    SQL sent straight to the driver must not run ahead of it in autocommit (in tests, it would
    commit outside the test's rolled-back transaction)."""
    adapted = raw.dbapi_connection
    if (
        adapted is not None
        and adapted._transaction is None
        and adapted.isolation_level != "autocommit"
    ):
        await adapted._start_transaction()


async def get_transaction(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """The request's bare connection and transaction, from the app's `Database`."""
    database: Database = request.app.state.database
    async with database.transaction() as connection:
        yield connection


TransactionDep = Annotated[asyncpg.Connection, Depends(get_transaction, scope="function")]
"""A hot route's asyncpg connection in a transaction that commits before the response goes out."""
