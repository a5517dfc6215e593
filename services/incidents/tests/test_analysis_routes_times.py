"""`GET /v1/analysis/times` and `/suspects`: a hand-filled 7 × 24 matrix with aoristic windows,
the trends, and suspects' traits counted without listing anyone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_analysis import ADMIN, PERIOD, add, local, seed_analysis_areas
from incidents_factories import TOWN
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis import repository

MONDAY, TUESDAY, WEDNESDAY, FRIDAY = 0, 1, 2, 4


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_analysis_areas(session)


async def _get(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    response = await client.get(f"/v1/analysis/{path}?area={TOWN}&{PERIOD}", headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_points_fill_their_hour_and_windows_spread_over_theirs(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await add(
        session,
        {"occurred_at": local(2026, 11, 20, 21, 30)},  # Friday 21:00–22:00
        {"occurred_at": local(2026, 11, 20, 21, 5)},
        {"occurred_at": local(2026, 11, 2, 8)},  # Monday 08:00
        # Monday 22:00 to Tuesday 02:00: a quarter in each of four hours.
        {"occurred_at": local(2026, 11, 17), "occurred_from": local(2026, 11, 16, 22),
         "occurred_to": local(2026, 11, 17, 2)},
        # Half an hour either side of Wednesday 11:00.
        {"occurred_at": local(2026, 11, 18, 11), "occurred_from": local(2026, 11, 18, 10, 45),
         "occurred_to": local(2026, 11, 18, 11, 15)},
        {"occurred_at": local(2026, 10, 14, 3)},  # October: Wednesday 03:00
    )  # fmt: skip
    body = await _get(client, "times")
    assert (body["total"], body["previous_total"], body["windowed"]) == (5, 1, 2)
    assert body["periods"]["previous"]["period_from"] == "2026-09-30T16:00:00Z"
    assert body["periods"]["year_earlier"] is None
    expected = [[0.0] * 24 for _ in range(7)]
    expected[FRIDAY][21] = 2
    expected[MONDAY][8] = 1
    for day, hour in ((MONDAY, 22), (MONDAY, 23), (TUESDAY, 0), (TUESDAY, 1)):
        expected[day][hour] = 0.25
    expected[WEDNESDAY][10] = expected[WEDNESDAY][11] = 0.5
    assert body["matrix"] == expected
    previous = [[0.0] * 24 for _ in range(7)]
    previous[WEDNESDAY][3] = 1
    assert body["previous_matrix"] == previous
    assert body["by_weekday"] == [1.5, 0.5, 1.0, 0.0, 2.0, 0.0, 0.0]
    assert sum(body["by_hour"]) == 5
    assert body["monthly"] == [{"start": "2026-11-01", "count": 5}]
    assert body["weekly"] == [
        {"start": "2026-10-26", "count": 0},
        {"start": "2026-11-02", "count": 1},
        {"start": "2026-11-09", "count": 0},
        {"start": "2026-11-16", "count": 4},
        {"start": "2026-11-23", "count": 0},
        {"start": "2026-11-30", "count": 0},
    ]


async def test_windows_read_one_at_a_time_give_the_same_matrix(
    session: AsyncSession, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add(
        session,
        *[{"occurred_at": local(2026, 11, d, 12), "occurred_from": local(2026, 11, d, 9),
           "occurred_to": local(2026, 11, d, 15 + d % 3)} for d in range(1, 8)],
        {"occurred_at": local(2026, 11, 3, 4)},
    )  # fmt: skip
    whole = await _get(client, "times")
    monkeypatch.setattr(repository, "BATCH", 1)
    batched = await _get(client, "times")
    assert batched == whole
    assert (whole["total"], whole["windowed"]) == (8, 7)
    assert sum(map(sum, whole["matrix"])) == pytest.approx(8, abs=1e-4)  # rounded to 1e-6


async def test_a_quarter_has_three_months_and_nothing_is_zero_length(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await add(session, {"occurred_at": local(2026, 8, 31, 23, 59)})
    response = await client.get(f"/v1/analysis/times?area={TOWN}&period=2026-Q3", headers=ADMIN)
    body = response.json()
    assert [m["start"] for m in body["monthly"]] == ["2026-07-01", "2026-08-01", "2026-09-01"]
    assert [m["count"] for m in body["monthly"]] == [0, 1, 0]
    assert body["matrix"][MONDAY][23] == 1


def _figures(figures: list[dict[str, Any]]) -> list[tuple[str | None, int, int]]:
    return [(f["key"], f["count"], f["previous"]) for f in figures]


async def test_suspects_traits_are_counts_against_the_previous_month(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    november = local(2026, 11, 10, 20)
    await add(
        session,
        {"occurred_at": november, "suspect_gender": "male", "suspect_age_band": "18_25",
         "suspect_non_local": True, "modus_operandi": ["撬锁", "夜间"], "suspect_count": 1},
        {"occurred_at": november, "suspect_gender": "male", "suspect_age_band": "26_35",
         "suspect_non_local": False, "modus_operandi": ["撬锁"]},
        {"occurred_at": november, "suspect_gender": "female", "suspect_age_band": "unknown"},
        {"occurred_at": november},
        {"occurred_at": local(2026, 10, 10), "suspect_gender": "male",
         "modus_operandi": ["撬锁"]},
    )  # fmt: skip
    body = await _get(client, "suspects")
    assert (body["total"]["count"], body["total"]["previous"]) == (4, 1)
    assert (body["described"]["count"], body["described"]["share"]) == (3, 0.75)
    assert _figures(body["by_gender"]) == [("male", 2, 1), ("female", 1, 0), (None, 1, 0)]
    assert [f["name"] for f in body["by_gender"]] == ["男", "女", "未记录"]
    assert _figures(body["by_age_band"]) == [
        (None, 1, 1), ("18_25", 1, 0), ("26_35", 1, 0), ("unknown", 1, 0),
    ]  # fmt: skip
    assert _figures(body["by_origin"]) == [(None, 2, 1), ("local", 1, 0), ("non_local", 1, 0)]
    assert _figures(body["by_modus_operandi"]) == [("撬锁", 2, 1), ("夜间", 1, 0)]
    assert body["by_modus_operandi"][0]["change"] == 1.0
    # Figures only: nothing that lists incidents or people.
    assert set(body) == {
        "area_code", "area_name", "population", "periods", "total", "described", "by_gender",
        "by_age_band", "by_origin", "by_modus_operandi",
    }  # fmt: skip
