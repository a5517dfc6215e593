"""A focus problem's page (整治成效): its incidents week by week around the start of the measures,
and the exact conditional test of a drop, checked against hand-computed binomial sums."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import h3
import httpx
import pytest
from incidents_factories import NANJIE, seed_areas
from incidents_listing import add_incidents, incident_row
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis.change import rate_change
from incidents.focus.effect import effect_test, week_starts, whole_weeks_since
from incidents.focus.rules import local_midnight, local_today
from incidents.intake.models import IncidentStatus
from pingan_shared.geo import offset
from pingan_shared.testing import bearer

LEADER = bearer("leader", areas=[NANJIE])
CELL = h3.latlng_to_cell(25.5528, 102.4688, 9)
INSIDE = h3.cell_to_latlng(CELL)
OUTSIDE = offset(*INSIDE, north_m=2000, east_m=0)


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


def test_a_clear_drop_is_beyond_chance() -> None:
    # 12 incidents in 4 weeks before, 2 in 4 weeks after: given 14, the count after is
    # Binomial(14, 1/2) if nothing changed; P(X <= 2) = (1 + 14 + 91) / 2**14 = 106 / 16384.
    result = effect_test(rate_change(12, 2, 4, 4))
    assert result.p == pytest.approx(106 / 16384)
    assert result.rate_ratio == pytest.approx(1 / 6)
    assert result.ratio_low is not None
    assert result.ratio_low < 1 / 6 < (result.ratio_high or 0)
    assert result.drop_beyond_chance is True
    assert "more than chance" in result.conclusion


def test_a_small_drop_is_within_chance() -> None:
    # 5 before and 3 after over 4 + 4 weeks: P(X <= 3 | 8, 1/2) = (1 + 8 + 28 + 56) / 256.
    result = effect_test(rate_change(5, 3, 4, 4))
    assert result.p == pytest.approx(93 / 256)
    assert result.drop_beyond_chance is False
    assert "within chance" in result.conclusion


def test_unequal_periods_weigh_the_weeks() -> None:
    # 6 in 3 weeks, none in the 1 week after: P(X = 0 | 6, 1/4) = 0.75**6.
    result = effect_test(rate_change(6, 0, 3, 1))
    assert result.p == pytest.approx(0.75**6)
    assert result.rate_ratio == 0
    assert result.drop_beyond_chance is False


def test_nothing_before_or_after_is_nothing_to_test() -> None:
    result = effect_test(rate_change(0, 0, 4, 4))
    assert (result.p, result.rate_ratio, result.ratio_high) == (1.0, None, None)
    assert result.drop_beyond_chance is False


def test_weeks_are_counted_from_the_start_of_the_measures() -> None:
    start = local_today() - timedelta(days=30)
    assert whole_weeks_since(start, start + timedelta(days=30)) == 4
    assert whole_weeks_since(start, start + timedelta(days=6)) == 0
    assert whole_weeks_since(start, start + timedelta(days=800)) == 52
    assert week_starts(start, 2, 1) == [
        start - timedelta(days=14),
        start - timedelta(days=7),
        start,
        start + timedelta(days=7),
    ]


async def _problem(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "南街电动车被盗",
        "source": "hot_spot",
        "area_code": NANJIE,
        "cells": [CELL],
        "categories": ["theft"],
        "owner": {"phone": "13800001111"},
        **overrides,
    }
    response = await client.post("/v1/focus-problems", json=body, headers=LEADER)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_the_page_counts_the_problems_incidents_week_by_week(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    started = local_today() - timedelta(days=29)  # four whole weeks ago, and a day
    zero = local_midnight(started)

    def at(week: int, hours: float = 10, **overrides: Any) -> dict[str, Any]:
        moment = zero + timedelta(days=7 * week, hours=hours)
        return incident_row(
            **{"occurred_at": moment, "lat": INSIDE[0], "lon": INSIDE[1], **overrides}
        )

    per_week = {-4: 4, -3: 3, -2: 2, -1: 1, 0: 1}
    rows = [at(week, hours=h) for week, n in per_week.items() for h in range(1, n + 1)]
    rows += [
        at(-5),  # before the weeks shown
        at(4),  # the week in progress: not compared yet
        at(-2, category="burglary"),  # another category
        at(-3, lat=OUTSIDE[0], lon=OUTSIDE[1]),  # outside the cells
        at(-1, status=IncidentStatus.rejected),  # not an incident
        at(-1, hours=-0.5),  # 23:30 the evening before week -1 starts: week -2
    ]
    await add_incidents(session, *rows)
    made = await _problem(client, measures_started_on=started.isoformat())

    response = await client.get(
        f"/v1/focus-problems/{made['id']}/effect?weeks_before=4", headers=bearer("community")
    )
    assert response.status_code == 200, response.text
    page = response.json()
    assert [(w["week"], w["count"], w["period"]) for w in page["weeks"]] == [
        (-4, 4, "before"),
        (-3, 3, "before"),
        (-2, 3, "before"),
        (-1, 1, "before"),
        (0, 1, "after"),
        (1, 0, "after"),
        (2, 0, "after"),
        (3, 0, "after"),
    ]
    assert page["weeks"][4]["starts_on"] == started.isoformat()
    test = page["test"]
    # 11 before, 1 after, 4 + 4 weeks: P(X <= 1 | 12, 1/2) = (1 + 12) / 4096.
    assert (test["before"], test["after"], test["before_weeks"], test["after_weeks"]) == (
        11,
        1,
        4,
        4,
    )
    assert test["p"] == pytest.approx(13 / 4096)
    assert test["drop_beyond_chance"] is True
    assert page["note"] == test["conclusion"]


async def test_before_the_measures_start_the_page_shows_the_weeks_up_to_today(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await add_incidents(
        session,
        incident_row(
            occurred_at=local_midnight(local_today()) - timedelta(days=3),
            lat=INSIDE[0],
            lon=INSIDE[1],
        ),
    )
    made = await _problem(client, source="area", cells=[])
    page = (await client.get(f"/v1/focus-problems/{made['id']}/effect", headers=LEADER)).json()
    assert page["test"] is None
    assert "not started" in page["note"]
    assert len(page["weeks"]) == 12
    assert {w["period"] for w in page["weeks"]} == {"before"}
    assert [w["count"] for w in page["weeks"]][-1] == 1


@pytest.mark.parametrize("weeks", ["0", "53", "x"])
async def test_bad_weeks_are_refused(client: httpx.AsyncClient, weeks: str) -> None:
    made = await _problem(client)
    response = await client.get(
        f"/v1/focus-problems/{made['id']}/effect?weeks_before={weeks}", headers=LEADER
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.weeks_before"
