"""`GET /v1/audit/verify` catches rows edited, removed or re-hashed behind the service's back."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry
from assessment.audit.service import entry_hash, record

from .factories import ADMIN


async def _chain(session: AsyncSession, count: int = 4) -> list[AuditEntry]:
    return [
        await record(
            session,
            actor=f"inspector-{i}",
            action="finding.create",
            entity="finding",
            entity_id=f"f-{i}",
            data={"points": i + 0.5, "note": "灭火器过期"},
        )
        for i in range(count)
    ]


async def _behind_the_back(session: AsyncSession, statement: str, **params: object) -> None:
    """Run SQL with triggers off, as a database superuser could (the append-only trigger too)."""
    await session.execute(text("SET LOCAL session_replication_role = replica"))
    await session.execute(text(statement), params)
    await session.execute(text("SET LOCAL session_replication_role = origin"))


async def _verify(client: httpx.AsyncClient) -> dict[str, object]:
    response = await client.get("/v1/audit/verify", headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_an_intact_chain_verifies(client: httpx.AsyncClient, session: AsyncSession) -> None:
    entries = await _chain(session)
    body = await _verify(client)
    assert body["ok"] is True
    assert body["first_broken"] is None
    assert body["last_good_id"] == entries[-1].id
    assert body["head_hash"] == entries[-1].hash
    assert isinstance(body["checked"], int)
    assert body["checked"] >= len(entries)


async def test_an_edited_field_breaks_its_own_hash(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    entries = await _chain(session)
    victim = entries[1]
    await _behind_the_back(
        session,
        "UPDATE audit_log SET data = jsonb_set(data, '{points}', '0') WHERE id = :id",
        id=victim.id,
    )
    body = await _verify(client)
    assert body["ok"] is False
    assert body["last_good_id"] == entries[0].id
    edited = {"points": 0, "note": "灭火器过期"}
    assert body["first_broken"] == {
        "id": victim.id,
        "field": "hash",
        "expected": entry_hash(
            prev_hash=victim.prev_hash,
            at=victim.at,
            actor=victim.actor,
            action=victim.action,
            entity=victim.entity,
            entity_id=victim.entity_id,
            data=edited,
        ),
        "found": victim.hash,
    }


async def test_a_rehashed_entry_breaks_the_next_link(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    entries = await _chain(session)
    victim = entries[1]
    forged = entry_hash(
        prev_hash=victim.prev_hash,
        at=victim.at,
        actor="someone-else",
        action=victim.action,
        entity=victim.entity,
        entity_id=victim.entity_id,
        data=victim.data,
    )
    await _behind_the_back(
        session,
        "UPDATE audit_log SET actor = 'someone-else', hash = :hash WHERE id = :id",
        hash=forged,
        id=victim.id,
    )
    body = await _verify(client)
    assert body["first_broken"] == {
        "id": entries[2].id,
        "field": "prev_hash",
        "expected": forged,
        "found": victim.hash,
    }


async def test_a_removed_entry_breaks_the_next_link(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    entries = await _chain(session)
    await _behind_the_back(session, "DELETE FROM audit_log WHERE id = :id", id=entries[2].id)
    body = await _verify(client)
    assert body["first_broken"] == {
        "id": entries[3].id,
        "field": "prev_hash",
        "expected": entries[1].hash,
        "found": entries[2].hash,
    }


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
async def test_the_database_refuses_edits_through_normal_sql(
    client: httpx.AsyncClient, session: AsyncSession, statement: str
) -> None:
    await _chain(session, 2)
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))
    assert (await _verify(client))["ok"] is True
