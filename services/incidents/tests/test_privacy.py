"""Reads of reporters' phones in clear are recorded, and only the office may list them."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import NANJIE, report, seed_areas
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def _incident(client: httpx.AsyncClient) -> str:
    body = report(reporter={"name": "王芳", "phone": "13912345678"})
    created = await client.post(
        "/v1/incidents", json=body, headers=bearer("patrol", areas=[NANJIE])
    )
    return str(created.json()["id"])


async def test_clear_reads_are_recorded_masked_ones_are_not(client: httpx.AsyncClient) -> None:
    incident_id = await _incident(client)
    await client.get(
        f"/v1/incidents/{incident_id}", headers=bearer("police", areas=[NANJIE], sub="li")
    )
    await client.get(
        f"/v1/incidents/{incident_id}", headers=bearer("patrol", areas=[NANJIE], sub="zhao")
    )
    reads = await client.get(
        f"/v1/privacy/phone-reads?incident_id={incident_id}", headers=bearer("admin")
    )
    assert reads.status_code == 200
    assert [(r["reader"], r["purpose"]) for r in reads.json()] == [("li", "incidents_get")]


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_only_the_office_lists_reads(client: httpx.AsyncClient, role: str) -> None:
    incident_id = await _incident(client)
    answer = await client.get(
        f"/v1/privacy/phone-reads?incident_id={incident_id}", headers=bearer(role)
    )
    assert answer.status_code == (200 if role == "admin" else 403)


async def test_the_record_cannot_be_rewritten(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident_id = await _incident(client)
    await client.get(f"/v1/incidents/{incident_id}", headers=bearer("police", areas=[NANJIE]))
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text("DELETE FROM personal_data_reads"))


async def test_lists_and_exports_record_the_phones_they_show(client: httpx.AsyncClient) -> None:
    incident_id = await _incident(client)
    police = bearer("police", areas=[NANJIE], sub="li")
    assert (await client.get("/v1/incidents", headers=police)).status_code == 200
    assert (await client.get("/v1/incidents/export.csv", headers=police)).status_code == 200
    await client.get("/v1/incidents", headers=bearer("leader", areas=[NANJIE]))  # masked: no read
    reads = await client.get(
        f"/v1/privacy/phone-reads?incident_id={incident_id}", headers=bearer("admin")
    )
    assert sorted(r["purpose"] for r in reads.json()) == ["incidents_export", "incidents_list"]
