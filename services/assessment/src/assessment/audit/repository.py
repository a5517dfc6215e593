"""Queries on the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.models import AuditEntry

# Rows fetched per round trip while walking the chain: memory stays flat however long it is.
WALK_BATCH = 2000


async def chain_rows(session: AsyncSession) -> AsyncIterator[Row[tuple[object, ...]]]:
    """Every entry in id order, as plain rows from a server-side cursor (no ORM identity map)."""
    table = AuditEntry.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
    query = select(table).order_by(table.c.id).execution_options(yield_per=WALK_BATCH)
    result = await session.stream(query)
    async for row in result:
        yield row


async def list_entries(
    session: AsyncSession,
    *,
    entity: str | None,
    entity_id: str | None,
    at_from: datetime | None,
    at_to: datetime | None,
    after_id: int | None,
    limit: int,
) -> list[AuditEntry]:
    """Entries matching the filters in chain (id) order, after the cursor's id."""
    query = select(AuditEntry)
    if entity is not None:
        query = query.where(col(AuditEntry.entity) == entity)
    if entity_id is not None:
        query = query.where(col(AuditEntry.entity_id) == entity_id)
    if at_from is not None:
        query = query.where(col(AuditEntry.at) >= at_from)
    if at_to is not None:
        query = query.where(col(AuditEntry.at) < at_to)
    if after_id is not None:
        query = query.where(col(AuditEntry.id) > after_id)
    query = query.order_by(col(AuditEntry.id)).limit(limit)
    return list((await session.execute(query)).scalars())
