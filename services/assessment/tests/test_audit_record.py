"""Appending to the audit log: each entry chained to the one before, the database refusing edits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.models import AuditEntry
from assessment.audit.service import GENESIS_HASH, check_link, entry_hash, record


async def test_entries_chain_on_the_previous_hash(session: AsyncSession) -> None:
    before = (
        await session.execute(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1))
    ).scalar_one_or_none()
    first = await record(
        session,
        actor="inspector-1",
        action="finding.create",
        entity="finding",
        entity_id="f-1",
        data={"points": 2.5, "note": "消防通道堵塞", "tiny": 1e-7},
    )
    second = await record(
        session,
        actor="admin-1",
        action="finding.confirm",
        entity="finding",
        entity_id="f-1",
        data={},
    )
    assert first.prev_hash == (before.hash if before else GENESIS_HASH)
    assert second.prev_hash == first.hash
    assert second.id is not None
    assert first.id is not None
    assert second.id > first.id
    assert first.hash == entry_hash(
        prev_hash=first.prev_hash,
        at=first.at,
        actor="inspector-1",
        action="finding.create",
        entity="finding",
        entity_id="f-1",
        data={"points": 2.5, "note": "消防通道堵塞", "tiny": 1e-7},
    )
    session.expunge_all()
    stored = (
        await session.execute(select(AuditEntry).where(col(AuditEntry.id) == first.id))
    ).scalar_one()
    assert check_link(stored, first.prev_hash) is None
