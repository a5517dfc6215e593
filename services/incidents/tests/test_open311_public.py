"""Open311 reads are public: they show residents' reports only, never sensitive kinds of case."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import NANJIE, report, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

RESIDENT = {
    "category": "theft",
    "description": "自行车被盗",
    "occurred_at": "2026-11-20T08:00:00+08:00",
    "location": {"lat": 25.5561, "lon": 102.4682},
    "area_code": NANJIE,
}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def test_only_residents_reports_of_open_kinds_are_listed(client: httpx.AsyncClient) -> None:
    await client.post("/v1/public/reports", json=RESIDENT)
    await client.post("/v1/public/reports", json={**RESIDENT, "category": "drugs"})
    await client.post("/v1/incidents", json=report(), headers=bearer("patrol", areas=[NANJIE]))
    listed = await client.get("/open311/v2/requests.json")
    assert listed.status_code == 200
    assert [r["service_code"] for r in listed.json()] == ["theft"]


async def test_positions_are_rounded_and_addresses_left_out(client: httpx.AsyncClient) -> None:
    body = {
        **RESIDENT,
        "location": {"lat": 25.556123, "lon": 102.468271, "address": "南街 12 号 3 单元"},
    }
    await client.post("/v1/public/reports", json=body)
    [shown] = (await client.get("/open311/v2/requests.json")).json()
    assert (shown["lat"], shown["long"]) == (25.556, 102.468)
    assert shown.get("address") is None


async def test_a_residents_call_recorded_by_staff_is_not_public(client: httpx.AsyncClient) -> None:
    staff = bearer("police", areas=[NANJIE])
    recorded = await client.post("/v1/incidents", json=report(source="resident"), headers=staff)
    assert recorded.status_code == 201
    assert (await client.get("/open311/v2/requests.json")).json() == []
