"""Two writers at once do not fork the chain; a snapshot older than the lock is refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import AuditIsolationError, record
from pingan_shared.db import Database

WAITING_FOR_THE_CHAIN = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A database of the test's own, outside the rolled-back test transaction."""
    db = Database(database_url, pool_size=3)
    try:
        yield db
    finally:
        await db.dispose()


async def _remove(database: Database, ids: list[int]) -> None:
    """Take committed test entries out again, with the append-only trigger off."""
    async with database.session() as session:
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(text("DELETE FROM audit_log WHERE id = ANY(:ids)"), {"ids": ids})


async def _until_a_writer_waits(database: Database) -> None:
    async with database.engine.connect() as conn:
        for _ in range(2000):
            if (await conn.execute(text(WAITING_FOR_THE_CHAIN))).scalar_one():
                return
            await asyncio.sleep(0.005)
    pytest.fail("the second writer never waited for the chain's lock")


async def test_a_second_writer_waits_and_chains_on_the_first(database: Database) -> None:
    ids: list[int] = []
    try:
        async with (
            AsyncSession(database.engine, expire_on_commit=False) as first,
            AsyncSession(database.engine, expire_on_commit=False) as second,
        ):
            a = await record(
                first, actor="a", action="score.set", entity="score", entity_id="1", data={}
            )
            ids.append(a.id or 0)
            b_pending = asyncio.create_task(
                record(
                    second, actor="b", action="score.set", entity="score", entity_id="2", data={}
                )
            )
            await _until_a_writer_waits(database)
            await first.commit()
            b = await b_pending
            ids.append(b.id or 0)
            await second.commit()
        assert b.prev_hash == a.hash
        assert (b.id or 0) > (a.id or 0)
    finally:
        await _remove(database, ids)


async def test_a_repeatable_read_transaction_is_refused(database: Database) -> None:
    async with database.engine.connect() as conn:
        repeatable = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with AsyncSession(bind=repeatable) as session:
            with pytest.raises(AuditIsolationError):
                await record(session, actor="a", action="x.set", entity="x", entity_id="1", data={})
            await session.rollback()
