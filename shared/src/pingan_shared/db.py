"""Database access: the async engine, the session a request works in, and table registries.

The session dependency owns the transaction: it commits when the route returns and rolls back
when it raises. Services and repositories only `flush()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

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

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, echo=echo
        )
        self._default_sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._sessionmaker = self._default_sessionmaker

    def bind_to(self, connection: AsyncConnection) -> None:
        """Run every session inside `connection`'s open transaction (tests roll it back)."""
        self._sessionmaker = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def unbind(self) -> None:
        """Undo `bind_to`: sessions use the engine's own connections again."""
        self._sessionmaker = self._default_sessionmaker

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

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session, from the app's `Database`; see `SessionDep`."""
    database: Database = request.app.state.database
    async with database.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
"""A route's session. `scope="function"` commits before the response goes out, so a 201 means
the row is durable and a client that reads right after sees it."""
