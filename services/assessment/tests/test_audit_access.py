"""Who may read the audit log, and how it is listed: filters, pages, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record

from .factories import ADMIN, auth

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
PATHS = ("/v1/audit", "/v1/audit/verify")


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", PATHS)
async def test_only_the_assessment_office_reads(
    client: httpx.AsyncClient, role: str, path: str
) -> None:
    response = await client.get(path, headers=auth(role))
    assert response.status_code == (200 if role == "admin" else 403), response.text


@pytest.mark.parametrize("path", PATHS)
async def test_without_token(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 401


async def _entries(session: AsyncSession) -> None:
    for entity, entity_id in [("finding", "f-1"), ("finding", "f-2"), ("bulletin", "b-1")]:
        await record(
            session,
            actor="admin-1",
            action=f"{entity}.create",
            entity=entity,
            entity_id=entity_id,
            data={"id": entity_id},
        )


async def _list(client: httpx.AsyncClient, query: str) -> list[str]:
    response = await client.get(f"/v1/audit?{query}", headers=ADMIN)
    assert response.status_code == 200, response.text
    return [e["entity_id"] for e in response.json()["items"]]


async def test_filters(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _entries(session)
    assert await _list(client, "entity=finding&entity_id=f-2") == ["f-2"]
    assert await _list(client, "entity=bulletin") == ["b-1"]
    now = datetime.now(UTC)
    since = (now - timedelta(minutes=5)).isoformat().replace("+", "%2B")
    until = (now + timedelta(minutes=5)).isoformat().replace("+", "%2B")
    assert await _list(client, f"entity=finding&from={since}&to={until}") == ["f-1", "f-2"]
    assert await _list(client, f"entity=finding&from={until}") == []


async def test_entries_carry_their_chain(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _entries(session)
    response = await client.get("/v1/audit?entity=finding", headers=ADMIN)
    first, second = response.json()["items"]
    assert second["prev_hash"] == first["hash"]
    assert first["data"] == {"id": "f-1"}
    assert first["actor"] == "admin-1"


async def test_pages_in_chain_order(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _entries(session)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = "entity=finding&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(f"/v1/audit?{query}", headers=ADMIN)).json()
        seen += [e["entity_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["f-1", "f-2"]


NAIVE = "2026-11-28T10:00:00"
LATER = "2026-11-28T10:00:00%2B08:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=garbage!", "query.cursor"),
        ("cursor=WyJhIl0", "query.cursor"),  # ["a"]: another list's cursor
        ("cursor=WzEuNV0", "query.cursor"),  # [1.5]
        ("limit=0", "query.limit"),
        (f"from={NAIVE}", "query.from"),
        (f"from={LATER}&to={LATER}", "query.to"),
        (f"entity={'x' * 41}", "query.entity"),
    ],
)
async def test_bad_queries_name_the_field(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/v1/audit?{query}", headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field
