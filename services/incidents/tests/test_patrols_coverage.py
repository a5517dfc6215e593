"""Coverage figures against a case worked out by hand.

Period: Monday 2026-11-02 00:00 to Monday 2026-11-16 00:00 local, ISO weeks 45 and 46.
Places P1…P4 lie a kilometre apart along a meridian, so each is its own H3 cell.

| log | team | area        | check-in → check-out (local)   | hours in period      | cells counted          |
|-----|------|-------------|--------------------------------|----------------------|------------------------|
| L1  | A    | 南街        | Tue 11-03 19:00 → 21:30        | 2.5 (W45)            | in P1; track P1 P2 P2  |
| L2  | A    | 南街 grid   | Sun 11-08 23:00 → Mon 01:00    | 1 (W45) + 1 (W46)    | in P3; P3 (W45) P4 (W46)|
| L3  | A    | 南街        | Sun 11-01 23:00 → Mon 01:00    | 1 (W45), clipped     | track P4 at 00:30 only |
| L4  | B    | 北街        | Tue 11-10 19:00 → 20:00        | 1 (W46)              | in P1                  |
| L5  | A    | 南街        | Thu 11-12 19:00 → (open)       | none                 | in P4 (W46)            |
| L6  | A    | 南街        | Fri 11-20 19:00 → 20:00        | after the period     | none                   |
"""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, NANJIE_GRID, TOWN, seed_areas
from incidents_patrols import add_team, local
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.patrols.cells import place_cell
from incidents.patrols.models import PatrolLog, PatrolMember, PatrolTeam, TrackPoint
from pingan_shared.geo import offset
from pingan_shared.testing import bearer

ORIGIN = (25.5528, 102.4688)
P1, P2, P3, P4 = (offset(*ORIGIN, north_m=1000.0 * n, east_m=0.0) for n in range(4))
STAFF = bearer("admin", areas=[TOWN])
PERIOD = "from=2026-11-02T00:00:00%2B08:00&to=2026-11-16T00:00:00%2B08:00"


def _log(
    team: PatrolTeam,
    member: PatrolMember,
    area: str,
    start: str,
    end: str | None,
    at: tuple[float, float],
) -> PatrolLog:
    return PatrolLog(
        team_id=team.id,
        member_id=member.id,
        area_code=area,
        started_at=local(start),
        ended_at=local(end) if end else None,
        start_lat=at[0],
        start_lon=at[1],
        start_cell=place_cell(*at),
        created_by="test",
    )


def _track(log: PatrolLog, *points: tuple[str, tuple[float, float]]) -> list[TrackPoint]:
    return [
        TrackPoint(log_id=log.id, at=local(t), lat=p[0], lon=p[1], cell=place_cell(*p))
        for t, p in points
    ]


@pytest.fixture
async def teams(session: AsyncSession) -> dict[str, PatrolTeam]:
    await seed_areas(session)
    a, (a1, a2) = await add_team(
        session, NANJIE, "A队", [("甲", "13600000001", "a1"), ("乙", "13600000002", None)]
    )
    b, (b1,) = await add_team(session, BEIJIE, "B队", [("丙", "13600000003", None)])
    c, _ = await add_team(session, BEIJIE, "C队", [("丁", "13600000004", None)])
    logs = [
        _log(a, a1, NANJIE, "2026-11-03 19:00", "2026-11-03 21:30", P1),
        _log(a, a1, NANJIE_GRID, "2026-11-08 23:00", "2026-11-09 01:00", P3),
        _log(a, a2, NANJIE, "2026-11-01 23:00", "2026-11-02 01:00", P1),
        _log(b, b1, BEIJIE, "2026-11-10 19:00", "2026-11-10 20:00", P1),
        _log(a, a2, NANJIE, "2026-11-12 19:00", None, P4),
        _log(a, a1, NANJIE, "2026-11-20 19:00", "2026-11-20 20:00", P2),
    ]
    session.add_all(logs)
    await session.flush()
    l1, l2, l3, *_ = logs
    session.add_all(
        _track(l1, ("2026-11-03 19:10", P1), ("2026-11-03 19:40", P2), ("2026-11-03 20:10", P2))
        + _track(l2, ("2026-11-08 23:30", P3), ("2026-11-09 00:30", P4))
        + _track(l3, ("2026-11-01 23:30", P2), ("2026-11-02 00:30", P4))
    )
    await session.flush()
    return {"A": a, "B": b, "C": c}


def test_the_places_are_four_cells() -> None:
    assert len({place_cell(*p) for p in (P1, P2, P3, P4)}) == 4


async def _coverage(client: httpx.AsyncClient, query: str, headers: dict[str, str] = STAFF) -> dict:
    response = await client.get(f"/v1/patrols/coverage?{PERIOD}&{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _figures(row: dict) -> tuple[float, int, int]:
    return (row["hours"], row["places"], row["patrols"])


async def test_by_team(client: httpx.AsyncClient, teams: dict[str, PatrolTeam]) -> None:
    found = await _coverage(client, f"area={TOWN}&group=team")
    assert (found["hours"], found["places"], found["patrols"]) == (6.5, 4, 4)
    assert found["places_method"] == "h3_res9"
    assert [(r["team_name"], *_figures(r)) for r in found["rows"]] == [
        ("A队", 5.5, 4, 3),
        ("B队", 1.0, 1, 1),
        ("C队", 0.0, 0, 0),  # an active team that did not patrol still has its row
    ]


async def test_by_area(client: httpx.AsyncClient, teams: dict[str, PatrolTeam]) -> None:
    found = await _coverage(client, f"area={TOWN}&group=area")
    assert [(r["area_code"], r["area_name"], *_figures(r)) for r in found["rows"]] == [
        (NANJIE, "南街社区", 3.5, 3, 2),
        (NANJIE_GRID, "南街一网格", 2.0, 2, 1),
        (BEIJIE, "北街社区", 1.0, 1, 1),
    ]


async def test_by_week_splits_a_patrol_over_midnight_sunday(
    client: httpx.AsyncClient, teams: dict[str, PatrolTeam]
) -> None:
    found = await _coverage(client, f"area={TOWN}&group=week")
    assert [(r["week"], r["week_start"], *_figures(r)) for r in found["rows"]] == [
        ("2026-W45", "2026-11-02", 4.5, 4, 3),
        ("2026-W46", "2026-11-09", 2.0, 2, 2),
    ]


async def test_an_area_counts_what_lies_inside_it(
    client: httpx.AsyncClient, teams: dict[str, PatrolTeam]
) -> None:
    found = await _coverage(client, f"area={NANJIE}&group=team")
    assert (found["hours"], found["places"], found["patrols"]) == (5.5, 4, 3)
    assert [r["team_name"] for r in found["rows"]] == ["A队"]


async def test_a_patrol_member_sees_their_own_teams_figures(
    client: httpx.AsyncClient, teams: dict[str, PatrolTeam]
) -> None:
    member = bearer("patrol", areas=[TOWN], sub="a1")
    found = await _coverage(client, f"area={TOWN}&group=team", member)
    assert (found["hours"], found["patrols"]) == (5.5, 3)
    assert [r["team_name"] for r in found["rows"]] == ["A队"]
    stranger = bearer("patrol", areas=[TOWN], sub="nobody")
    assert (await _coverage(client, f"area={TOWN}", stranger))["rows"] == []


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        (f"area={TOWN}&group=month", 422, "query.group"),
        ("area=abc", 422, "query.area"),
        (
            f"area={TOWN}&from=2026-11-16T00:00:00%2B08:00&to=2026-11-02T00:00:00%2B08:00",
            422,
            "query.from",
        ),
        (
            f"area={TOWN}&from=2025-01-01T00:00:00%2B08:00&to=2026-11-02T00:00:00%2B08:00",
            422,
            "query.from",
        ),
        (f"area={TOWN}&from=2026-11-02T00:00:00", 422, "query.from"),
        ("area=530128100999", 404, None),
    ],
)
async def test_bad_coverage_queries(
    client: httpx.AsyncClient, query: str, status: int, field: str | None
) -> None:
    response = await client.get(f"/v1/patrols/coverage?{query}", headers=STAFF)
    assert response.status_code == status, response.text
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]
