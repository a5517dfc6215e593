"""`GET /v1/analysis/breakdown`: counts, shares, changes and rates of a hand-countable month."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_analysis import ADMIN, COMPOUND, MARKET, PERIOD, add, local, seed_analysis_areas
from incidents_factories import BEIJIE, NANJIE, NANJIE_GRID, TOWN
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import IncidentStatus, Severity, Source


@pytest.fixture(autouse=True)
async def _incidents(session: AsyncSession) -> None:
    await seed_analysis_areas(session)
    await add(
        session,
        # November 2026: five counted incidents.
        {"occurred_at": local(2026, 11, 5, 10), "place_id": MARKET},
        {"occurred_at": local(2026, 11, 6, 10), "area_code": NANJIE_GRID, "place_id": MARKET,
         "status": IncidentStatus.closed},
        {"occurred_at": local(2026, 11, 7, 10), "category": "fraud", "source": Source.patrol,
         "severity": Severity.low},
        {"occurred_at": local(2026, 11, 8, 22), "category": "fight", "area_code": BEIJIE,
         "place_id": COMPOUND, "severity": Severity.high},
        {"occurred_at": local(2026, 11, 30, 23, 59), "area_code": TOWN},
        # Not counted: rejected, and the first moment of December.
        {"occurred_at": local(2026, 11, 9), "area_code": BEIJIE, "status": IncidentStatus.rejected},
        {"occurred_at": local(2026, 12, 1)},
        # October 2026 (the previous period) and November 2025 (a year earlier).
        {"occurred_at": local(2026, 10, 3)},
        {"occurred_at": local(2026, 10, 31, 23)},
        {"occurred_at": local(2025, 11, 3), "category": "fight", "area_code": BEIJIE},
        {"occurred_at": local(2025, 11, 4)},
    )  # fmt: skip


async def _breakdown(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.get(f"/v1/analysis/breakdown?{query}", headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _counts(figures: list[dict[str, Any]]) -> list[tuple[str | None, int, int, int]]:
    return [(f["key"], f["count"], f["previous"], f["year_earlier"]) for f in figures]


async def test_the_towns_month_against_october_and_a_year_earlier(
    client: httpx.AsyncClient,
) -> None:
    body = await _breakdown(client, f"area={TOWN}&{PERIOD}")
    assert body["periods"]["period"] == {
        "period_from": "2026-10-31T16:00:00Z", "period_to": "2026-11-30T16:00:00Z",
        "unit": "month",
    }  # fmt: skip
    assert body["periods"]["previous"]["period_from"] == "2026-09-30T16:00:00Z"
    assert body["periods"]["year_earlier"]["period_from"] == "2025-10-31T16:00:00Z"
    total = body["total"]
    assert (total["count"], total["previous"], total["year_earlier"]) == (5, 2, 2)
    assert total["change"] == 1.5
    assert total["change_year_earlier"] == 1.5
    assert total["rate_per_1000"] == 0.5  # 5 incidents, 10,000 residents
    assert _counts(body["by_category"]) == [
        ("theft", 3, 2, 1), ("fight", 1, 0, 1), ("fraud", 1, 0, 0),
    ]  # fmt: skip
    theft = body["by_category"][0]
    assert (theft["name"], theft["share"], theft["change"]) == ("盗窃", 0.6, 0.5)
    assert theft["change_year_earlier"] == 2.0
    assert body["by_category"][1]["change"] is None  # nothing in October to compare with


async def test_by_area_place_source_status_and_severity(client: httpx.AsyncClient) -> None:
    body = await _breakdown(client, f"area={TOWN}&{PERIOD}")
    assert _counts(body["by_area"]) == [
        (NANJIE, 3, 2, 1), (TOWN, 1, 0, 0), (BEIJIE, 1, 0, 1),
    ]  # fmt: skip
    names = [f["name"] for f in body["by_area"]]
    assert names == ["南街社区", "屏山镇(本级)", "北街社区"]
    rates = [f["rate_per_1000"] for f in body["by_area"]]
    assert rates == [0.75, None, pytest.approx(1000 / 6000)]
    assert _counts(body["by_place_kind"]) == [
        (None, 2, 2, 2), ("market", 2, 0, 0), ("residential_compound", 1, 0, 0),
    ]  # fmt: skip
    assert [f["name"] for f in body["by_place_kind"]] == ["未记录", "市场", "居民小区"]
    assert [(f["key"], f["name"], f["count"]) for f in body["by_place"]] == [
        (str(MARKET), "南街农贸市场", 2), (str(COMPOUND), "北街小区", 1),
    ]  # fmt: skip
    assert _counts(body["by_source"]) == [("resident", 4, 2, 2), ("patrol", 1, 0, 0)]
    assert _counts(body["by_status"]) == [("reported", 4, 2, 2), ("closed", 1, 0, 0)]
    assert _counts(body["by_severity"]) == [
        ("medium", 3, 2, 2), ("high", 1, 0, 0), ("low", 1, 0, 0),
    ]  # fmt: skip


async def test_a_community_counts_only_itself_and_its_grid(client: httpx.AsyncClient) -> None:
    body = await _breakdown(client, f"area={NANJIE}&{PERIOD}")
    assert body["total"]["count"] == 3
    assert body["total"]["rate_per_1000"] == 0.75
    assert _counts(body["by_area"]) == [(NANJIE, 2, 2, 1), (NANJIE_GRID, 1, 0, 0)]


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("category=theft", 3),
        ("category=theft&category=fraud", 4),
        ("severity=low", 1),
        ("place_kind=market", 2),
        ("place_kind=market&place_kind=residential_compound", 3),
        ("category=fight&place_kind=market", 0),
    ],
)
async def test_filters_narrow_every_period(
    client: httpx.AsyncClient, query: str, total: int
) -> None:
    body = await _breakdown(client, f"area={TOWN}&{PERIOD}&{query}")
    assert body["total"]["count"] == total
    assert sum(f["count"] for f in body["by_category"]) == total


async def test_from_and_to_compare_with_the_same_length_before(
    client: httpx.AsyncClient,
) -> None:
    query = "from=2026-11-05T00:00:00%2B08:00&to=2026-11-07T00:00:00%2B08:00"
    body = await _breakdown(client, f"area={TOWN}&{query}")
    assert body["periods"]["previous"]["period_from"] == "2026-11-02T16:00:00Z"
    assert (body["total"]["count"], body["total"]["previous"]) == (2, 0)
    assert body["periods"]["period"]["unit"] is None
