"""Incident counts by category over a period and an area (and everything inside it)."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, NANJIE_GRID, TOWN, report, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

ADMIN = bearer("admin", areas=["530128"])
PERIOD = "from=2026-11-01T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00"


@pytest.fixture(autouse=True)
async def _incidents(session: AsyncSession, client: httpx.AsyncClient) -> None:
    await seed_areas(session)
    reports = [
        report(category="theft", area_code=NANJIE),
        report(category="theft", area_code=NANJIE_GRID),
        report(category="fraud", area_code=NANJIE),
        report(category="fight", area_code=BEIJIE),
        report(category="theft", area_code=NANJIE, occurred_at="2026-10-31T23:59:00+08:00"),
    ]
    for body in reports:
        assert (await client.post("/v1/incidents", json=body, headers=ADMIN)).status_code == 201


async def test_counts_by_category_include_sub_areas_and_respect_the_period(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(f"/v1/statistics/incidents?area={NANJIE}&{PERIOD}", headers=ADMIN)
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["area_name"] == "南街社区"
    assert stats["total"] == 3
    assert stats["by_category"] == [
        {"category": "theft", "name": "盗窃", "count": 2},
        {"category": "fraud", "name": "诈骗", "count": 1},
    ]


async def test_the_town_counts_both_communities(client: httpx.AsyncClient) -> None:
    stats = (
        await client.get(f"/v1/statistics/incidents?area={TOWN}&{PERIOD}", headers=ADMIN)
    ).json()
    assert stats["total"] == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("area=abc", "query.area"),
        (
            f"area={NANJIE}&from=2026-12-01T00:00:00%2B08:00&to=2026-11-01T00:00:00%2B08:00",
            "query.from",
        ),
        (f"area={NANJIE}&from=yesterday", "query.from"),
        (f"area={NANJIE}&from=2026-11-01T00:00:00", "query.from"),
    ],
)
async def test_bad_queries_name_the_parameter(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/v1/statistics/incidents?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_unknown_area_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/statistics/incidents?area=530128999999", headers=ADMIN)
    assert response.status_code == 404
