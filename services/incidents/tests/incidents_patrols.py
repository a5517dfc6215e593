"""Test data for the patrol tests: teams in 南街, 北街 and a village, a guard point, a schedule,
a shift and an open patrol log, written straight to the database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from incidents_factories import BEIJIE, NANJIE, TOWN, seed_areas
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas.models import Area, AreaLevel
from incidents.patrols.cells import place_cell
from incidents.patrols.models import (
    GuardAssignment,
    GuardPoint,
    PatrolLog,
    PatrolMember,
    PatrolSchedule,
    PatrolShift,
    PatrolTeam,
    TeamKind,
)
from incidents.patrols.shifts.recurrence import LOCAL_TIME

VILLAGE = "530128100201"
LEADER_SUB = "patrol-nanjie-1"
MEMBER_SUB = "patrol-nanjie-2"
BEIJIE_SUB = "patrol-beijie-1"
NANJIE_POINT = {"lat": 25.5528, "lon": 102.4688}


def local(text: str) -> datetime:
    """A moment given in Asia/Shanghai local time, `"2026-11-20 18:00"`."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TIME)


def iso(text: str) -> str:
    """The RFC 3339 form of a local moment, for request bodies."""
    return local(text).isoformat()


@dataclass(frozen=True)
class PatrolSeed:
    """Ids of the seeded records."""

    team: uuid.UUID
    leader: uuid.UUID
    member: uuid.UUID
    other_team: uuid.UUID
    other_member: uuid.UUID
    village_team: uuid.UUID
    guard_point: uuid.UUID
    schedule: uuid.UUID
    shift: uuid.UUID
    log: uuid.UUID


async def add_team(
    session: AsyncSession,
    area_code: str,
    name: str,
    members: list[tuple[str, str, str | None]],
    kind: TeamKind = TeamKind.patrol_team,
) -> tuple[PatrolTeam, list[PatrolMember]]:
    """A team with members (name, phone, subject); the first member leads."""
    team = PatrolTeam(name=name, kind=kind.value, area_code=area_code)
    session.add(team)
    await session.flush()
    people = [
        PatrolMember(team_id=team.id, name=n, phone=p, subject=s, wecom_user_id=f"wx-{p}")
        for n, p, s in members
    ]
    session.add_all(people)
    await session.flush()
    team.leader_id = people[0].id
    await session.flush()
    return team, people


async def seed_patrols(session: AsyncSession) -> PatrolSeed:
    """The area tree of `seed_areas` plus a village, and patrol records in 南街 and 北街."""
    await seed_areas(session)
    session.add(Area(code=VILLAGE, name="旧县村", level=AreaLevel.village, parent_code=TOWN))
    await session.flush()
    team, (leader, member) = await add_team(
        session,
        NANJIE,
        "南街社区义务巡防队",
        [("李建国", "13800000001", LEADER_SUB), ("王芳", "13800000002", MEMBER_SUB)],
    )
    other, (other_member,) = await add_team(
        session, BEIJIE, "北街社区义务巡防队", [("张伟", "13900000001", BEIJIE_SUB)]
    )
    village, _ = await add_team(
        session,
        VILLAGE,
        "旧县村义务护村队",
        [("普志强", "13700000001", None)],
        TeamKind.village_guard_team,
    )
    point = GuardPoint(name="南街农贸市场守点", area_code=NANJIE, lat=25.5521, lon=102.4699)
    schedule = PatrolSchedule(
        team_id=team.id,
        area_code=NANJIE,
        weekdays=[1, 2, 3, 4, 5],
        start_time=time(18, 0),
        duration_minutes=240,
        valid_from=date(2026, 11, 1),
    )
    shift = PatrolShift(
        team_id=team.id,
        area_code=NANJIE,
        starts_at=local("2026-11-20 18:00"),
        ends_at=local("2026-11-20 22:00"),
    )
    session.add_all([point, schedule, shift])
    await session.flush()
    session.add(GuardAssignment(guard_point_id=point.id, member_id=leader.id))
    log = PatrolLog(
        team_id=team.id,
        member_id=leader.id,
        shift_id=shift.id,
        area_code=NANJIE,
        started_at=local("2026-11-20 18:05"),
        start_lat=NANJIE_POINT["lat"],
        start_lon=NANJIE_POINT["lon"],
        start_cell=place_cell(NANJIE_POINT["lat"], NANJIE_POINT["lon"]),
        created_by=LEADER_SUB,
    )
    session.add(log)
    await session.flush()
    return PatrolSeed(
        team=team.id,
        leader=leader.id,
        member=member.id,
        other_team=other.id,
        other_member=other_member.id,
        village_team=village.id,
        guard_point=point.id,
        schedule=schedule.id,
        shift=shift.id,
        log=log.id,
    )


async def count(session: AsyncSession, model: Any) -> int:
    """Rows of a table."""
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()
