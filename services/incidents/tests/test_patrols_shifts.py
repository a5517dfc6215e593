"""Shifts, weekly schedules, making shifts from them, and who is on duty where and when."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, COUNTY, NANJIE, NANJIE_GRID, TOWN, seed_areas
from incidents_patrols import add_team, count, iso, local
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.models import PatrolSchedule, PatrolShift, PatrolTeam, TeamKind
from incidents.patrols.service import materialise_shifts, on_duty
from incidents.patrols.shifts.recurrence import LOCAL_TIME, WeeklyRule, occurrences
from pingan_shared.testing import bearer

STAFF = bearer("community", areas=[TOWN], sub="staff-1")
EVENINGS = WeeklyRule(
    weekdays=frozenset({1, 2, 3, 4, 5}),
    start_time=time(18, 0),
    duration=timedelta(hours=4),
    valid_from=date(2026, 11, 1),
    valid_to=date(2026, 11, 13),
)


def test_weekly_rule_makes_weekday_evenings_in_local_time() -> None:
    shifts = occurrences(EVENINGS, local("2026-11-02 00:00"), local("2026-11-16 00:00"))
    # Mon 2 … Fri 6, Mon 9 … Fri 13 (valid_to is inclusive); weekends have none.
    assert [s.astimezone(LOCAL_TIME).day for s, _ in shifts] == [
        2, 3, 4, 5, 6, 9, 10, 11, 12, 13,
    ]  # fmt: skip
    start, end = shifts[0]
    assert (start, end) == (local("2026-11-02 18:00"), local("2026-11-02 22:00"))
    assert start.tzinfo == UTC


def test_a_shift_under_way_is_made_and_one_starting_at_until_is_not() -> None:
    running = occurrences(EVENINGS, local("2026-11-03 21:00"), local("2026-11-04 18:00"))
    assert running == [(local("2026-11-03 18:00"), local("2026-11-03 22:00"))]
    ended = occurrences(EVENINGS, local("2026-11-03 22:00"), local("2026-11-04 18:00"))
    assert ended == []


@pytest.fixture
async def teams(session: AsyncSession) -> dict[str, PatrolTeam]:
    """Teams of 南街, 北街 and the town; the town's has an inactive member."""
    await seed_areas(session)
    nanjie, _ = await add_team(session, NANJIE, "南街队", [("甲", "13600000001", "a")])
    beijie, _ = await add_team(session, BEIJIE, "北街队", [("乙", "13600000002", "b")])
    town, people = await add_team(
        session,
        TOWN,
        "镇联防队",
        [("丙", "13600000003", "c"), ("丁", "13600000004", None)],
        TeamKind.patrol_team,
    )
    people[1].active = False
    grid, _ = await add_team(session, NANJIE, "南街网格队", [("戊", "13600000005", "e")])
    await session.flush()
    return {"nanjie": nanjie, "beijie": beijie, "town": town, "grid": grid}


async def _shift(
    session: AsyncSession, team: PatrolTeam, area: str, start: str, end: str
) -> PatrolShift:
    shift = PatrolShift(team_id=team.id, area_code=area, starts_at=local(start), ends_at=local(end))
    session.add(shift)
    await session.flush()
    return shift


@pytest.fixture
async def evening(session: AsyncSession, teams: dict[str, PatrolTeam]) -> None:
    """On 2026-11-20, 18:00–22:00: 南街 over 南街, 北街 over 北街, the town team over the town,
    the grid team over 南街's first grid."""
    day = "2026-11-20"
    await _shift(session, teams["nanjie"], NANJIE, f"{day} 18:00", f"{day} 22:00")
    await _shift(session, teams["beijie"], BEIJIE, f"{day} 18:00", f"{day} 22:00")
    await _shift(session, teams["town"], TOWN, f"{day} 18:00", f"{day} 22:00")
    await _shift(session, teams["grid"], NANJIE_GRID, f"{day} 18:00", f"{day} 22:00")


@pytest.mark.usefixtures("evening")
@pytest.mark.parametrize(
    ("area", "inside", "expected"),
    [
        (NANJIE_GRID, False, ["南街网格队", "南街队", "镇联防队"]),
        (NANJIE, False, ["南街队", "镇联防队"]),
        (NANJIE, True, ["南街网格队", "南街队", "镇联防队"]),
        (BEIJIE, False, ["北街队", "镇联防队"]),
        (TOWN, False, ["镇联防队"]),
        (COUNTY, False, []),
        (COUNTY, True, ["南街网格队", "北街队", "南街队", "镇联防队"]),
    ],
)
async def test_on_duty_across_area_levels(
    session: AsyncSession, area: str, inside: bool, expected: list[str]
) -> None:
    teams = await on_duty(session, area, local("2026-11-20 20:00"), include_inside=inside)
    assert [t.name for t in teams] == expected


@pytest.mark.usefixtures("evening")
@pytest.mark.parametrize(
    ("moment", "on"),
    [
        ("2026-11-20 17:59:59", False),
        ("2026-11-20 18:00", True),
        ("2026-11-20 21:59", True),
        ("2026-11-20 22:00", False),
    ],
)
async def test_a_shift_covers_its_start_but_not_its_end(
    session: AsyncSession, moment: str, on: bool
) -> None:
    teams = await on_duty(session, NANJIE, local(moment))
    assert ("南街队" in [t.name for t in teams]) is on


@pytest.mark.usefixtures("evening")
async def test_on_duty_lists_active_members_leader_first(
    client: httpx.AsyncClient, teams: dict[str, PatrolTeam]
) -> None:
    response = await client.get(
        f"/v1/patrols/on-duty?area={TOWN}&at=2026-11-20T21:59:00%2B08:00",
        headers=bearer("police", areas=[TOWN]),
    )
    assert response.status_code == 200, response.text
    [team] = response.json()["teams"]
    assert team["team_id"] == str(teams["town"].id)
    assert [(m["name"], m["leader"], m["phone"]) for m in team["members"]] == [
        ("丙", True, "13600000003")
    ]
    assert team["shift_area_code"] == TOWN
    later = await client.get(
        f"/v1/patrols/on-duty?area={TOWN}&at=2026-11-20T22:00:00%2B08:00",
        headers=bearer("leader", areas=[TOWN]),
    )
    assert later.json()["teams"] == []


async def test_an_inactive_team_or_cancelled_shift_is_not_on_duty(
    client: httpx.AsyncClient, session: AsyncSession, teams: dict[str, PatrolTeam]
) -> None:
    shift = await _shift(session, teams["nanjie"], NANJIE, "2026-11-20 18:00", "2026-11-20 22:00")
    cancelled = await client.post(f"/v1/patrols/shifts/{shift.id}/cancel", headers=STAFF)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancelled"] is True
    assert await on_duty(session, NANJIE, local("2026-11-20 20:00")) == []
    await _shift(session, teams["nanjie"], NANJIE, "2026-11-21 18:00", "2026-11-21 22:00")
    teams["nanjie"].active = False
    await session.flush()
    assert await on_duty(session, NANJIE, local("2026-11-21 20:00")) == []


async def _schedule(session: AsyncSession, team: PatrolTeam, **fields: Any) -> PatrolSchedule:
    fields.setdefault("valid_from", date(2026, 11, 1))
    schedule = PatrolSchedule(
        team_id=team.id,
        area_code=team.area_code,
        weekdays=[1, 2, 3, 4, 5],
        start_time=time(18, 0),
        duration_minutes=240,
        **fields,
    )
    session.add(schedule)
    await session.flush()
    return schedule


async def test_materialising_is_idempotent_and_respects_the_schedule(
    session: AsyncSession, teams: dict[str, PatrolTeam]
) -> None:
    schedule = await _schedule(session, teams["nanjie"], valid_to=date(2026, 11, 13))
    await _schedule(session, teams["beijie"], active=False)
    since, until = local("2026-11-02 00:00"), local("2026-11-16 00:00")
    assert await materialise_shifts(session, until, since=since) == 10
    assert await materialise_shifts(session, until, since=since) == 0
    assert await materialise_shifts(session, local("2026-11-04 00:00"), since=since) == 0
    assert await count(session, PatrolShift) == 10
    shifts = (await session.execute(select(PatrolShift))).scalars().all()
    assert {s.schedule_id for s in shifts} == {schedule.id}
    on_wednesday = [t.name for t in await on_duty(session, NANJIE, local("2026-11-04 21:59"))]
    assert on_wednesday == ["南街队"]
    assert await on_duty(session, NANJIE, local("2026-11-04 22:00")) == []
    assert await on_duty(session, NANJIE, local("2026-11-07 19:00")) == []  # a Saturday
    assert await on_duty(session, NANJIE, local("2026-11-16 19:00")) == []  # after valid_to


async def test_a_cancelled_scheduled_shift_is_not_made_again(
    client: httpx.AsyncClient, session: AsyncSession, teams: dict[str, PatrolTeam]
) -> None:
    await _schedule(session, teams["nanjie"])
    since, until = local("2026-11-02 00:00"), local("2026-11-03 00:00")
    assert await materialise_shifts(session, until, since=since) == 1
    shift = (await session.execute(select(PatrolShift))).scalar_one()
    await client.post(f"/v1/patrols/shifts/{shift.id}/cancel", headers=STAFF)
    assert await materialise_shifts(session, until, since=since) == 0
    assert await on_duty(session, NANJIE, local("2026-11-02 19:00")) == []


def schedule_body(team: PatrolTeam, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "team_id": str(team.id),
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "start_time": "19:00",
        "duration_minutes": 180,
        "valid_from": (datetime.now(UTC).date() - timedelta(days=7)).isoformat(),
    }
    body.update(overrides)
    return body


async def _scheduled_shifts(session: AsyncSession, schedule_id: str) -> list[PatrolShift]:
    query = select(PatrolShift).where(col(PatrolShift.schedule_id) == schedule_id)
    return list((await session.execute(query)).scalars())


async def test_a_new_schedule_makes_two_weeks_of_shifts_and_pausing_it_removes_them(
    client: httpx.AsyncClient, session: AsyncSession, teams: dict[str, PatrolTeam]
) -> None:
    created = await client.post(
        "/v1/patrols/schedules", json=schedule_body(teams["nanjie"]), headers=STAFF
    )
    assert created.status_code == 201, created.text
    schedule = created.json()
    assert (schedule["area_code"], schedule["timezone"]) == (NANJIE, "Asia/Shanghai")
    shifts = await _scheduled_shifts(session, schedule["id"])
    assert len(shifts) in (14, 15)  # daily; one more when today's has not ended yet
    assert all(s.starts_at.astimezone(LOCAL_TIME).hour == 19 for s in shifts)
    paused = await client.patch(
        f"/v1/patrols/schedules/{schedule['id']}",
        json={"active": False},
        headers={**STAFF, "If-Match": '"1"'},
    )
    assert paused.status_code == 200, paused.text
    now = datetime.now(UTC)
    assert [s for s in await _scheduled_shifts(session, schedule["id"]) if s.starts_at > now] == []
    resumed = await client.patch(
        f"/v1/patrols/schedules/{schedule['id']}",
        json={"active": True},
        headers={**STAFF, "If-Match": '"2"'},
    )
    assert resumed.status_code == 200
    assert len(await _scheduled_shifts(session, schedule["id"])) in (14, 15)


BAD_SCHEDULES = [
    ({"weekdays": []}, "body.weekdays"),
    ({"weekdays": [0, 1]}, "body.weekdays"),
    ({"weekdays": [1, 8]}, "body.weekdays"),
    ({"weekdays": [1, 1]}, "body.weekdays"),
    ({"start_time": "19:00+08:00"}, "body.start_time"),
    ({"start_time": "25:00"}, "body.start_time"),
    ({"duration_minutes": 0}, "body.duration_minutes"),
    ({"duration_minutes": 1441}, "body.duration_minutes"),
    ({"valid_from": "2026-12-01", "valid_to": "2026-11-30"}, "body"),
    ({"area_code": "530128100999"}, "body.area_code"),
    ({"team_id": "00000000-0000-0000-0000-000000000000"}, "body.team_id"),
]


@pytest.mark.parametrize(("override", "field"), BAD_SCHEDULES)
async def test_bad_schedule_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    teams: dict[str, PatrolTeam],
    override: dict[str, Any],
    field: str,
) -> None:
    body = schedule_body(teams["nanjie"], **override)
    response = await client.post("/v1/patrols/schedules", json=body, headers=STAFF)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await count(session, PatrolSchedule) == 0
    assert await count(session, PatrolShift) == 0


def shift_body(team: PatrolTeam, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "team_id": str(team.id),
        "starts_at": iso("2026-11-20 18:00"),
        "ends_at": iso("2026-11-20 22:00"),
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    "route",
    [
        [{"lat": 25.5528, "lon": 102.4688}, {"lat": 25.5540, "lon": 102.4700}],
        {"type": "LineString", "coordinates": [[102.4688, 25.5528], [102.4700, 25.5540]]},
    ],
    ids=["points", "geojson"],
)
async def test_shift_with_a_route_keeps_it_as_geojson(
    client: httpx.AsyncClient, teams: dict[str, PatrolTeam], route: Any
) -> None:
    body = shift_body(teams["nanjie"], area_code=NANJIE_GRID, route=route)
    created = await client.post("/v1/patrols/shifts", json=body, headers=STAFF)
    assert created.status_code == 201, created.text
    shift = created.json()
    assert shift["area_code"] == NANJIE_GRID
    assert shift["route"] == {
        "type": "LineString",
        "coordinates": [[102.4688, 25.5528], [102.4700, 25.5540]],
    }
    read = await client.get(f"/v1/patrols/shifts/{shift['id']}", headers=STAFF)
    assert read.json() == shift


BAD_SHIFTS = [
    ({"ends_at": iso("2026-11-20 18:00")}, "body"),
    ({"ends_at": iso("2026-11-21 18:01")}, "body"),
    ({"starts_at": "2026-11-20T18:00:00"}, "body.starts_at"),
    ({"team_id": "00000000-0000-0000-0000-000000000000"}, "body.team_id"),
    ({"route": [{"lat": 25.55, "lon": 102.46}]}, "body.route"),
    ({"route": [{"lat": 25.55, "lon": 102.46}, {"lat": 48.85, "lon": 2.35}]}, "body.route.1"),
    ({"route": {"type": "Point", "coordinates": [102.46, 25.55]}}, "body.route"),
]


@pytest.mark.parametrize(("override", "field"), BAD_SHIFTS)
async def test_bad_shift_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    teams: dict[str, PatrolTeam],
    override: dict[str, Any],
    field: str,
) -> None:
    body = shift_body(teams["nanjie"], **override)
    response = await client.post("/v1/patrols/shifts", json=body, headers=STAFF)
    assert response.status_code == 422, response.text
    assert any(e["field"].startswith(field) for e in response.json()["errors"])
    assert await count(session, PatrolShift) == 0


async def test_shift_list_filters_by_team_and_time(
    client: httpx.AsyncClient, teams: dict[str, PatrolTeam]
) -> None:
    for team in ("nanjie", "beijie"):
        for day in ("2026-11-20", "2026-11-21"):
            body = shift_body(
                teams[team], starts_at=iso(f"{day} 18:00"), ends_at=iso(f"{day} 22:00")
            )
            assert (
                await client.post("/v1/patrols/shifts", json=body, headers=STAFF)
            ).status_code == 201
    query = (
        f"team_id={teams['nanjie'].id}"
        "&from=2026-11-21T00:00:00%2B08:00&to=2026-11-22T00:00:00%2B08:00"
    )
    found = (await client.get(f"/v1/patrols/shifts?{query}", headers=STAFF)).json()["items"]
    assert [(s["team_id"], s["starts_at"]) for s in found] == [
        (str(teams["nanjie"].id), "2026-11-21T10:00:00Z")
    ]


async def test_materialise_route_reports_what_it_made(
    client: httpx.AsyncClient, session: AsyncSession, teams: dict[str, PatrolTeam]
) -> None:
    await _schedule(session, teams["nanjie"], valid_from=datetime.now(UTC).date())
    first = await client.post("/v1/patrols/shifts/materialise", json={"days": 7}, headers=STAFF)
    assert first.status_code == 200, first.text
    assert 4 <= first.json()["created"] <= 6  # weekdays among the next 7 days
    again = await client.post("/v1/patrols/shifts/materialise", json={"days": 7}, headers=STAFF)
    assert again.json()["created"] == 0
    too_far = await client.post("/v1/patrols/shifts/materialise", json={"days": 93}, headers=STAFF)
    assert too_far.status_code == 422
