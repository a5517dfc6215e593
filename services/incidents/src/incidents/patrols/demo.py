"""The demo town's patrols: a patrol team (义务巡防队) per street community and a village guard
team (义务护村队) per village, guard points at the hot spots, evening schedules and three weeks
of patrol logs with tracks. Idempotent: ids are derived from the town, a second load adds nothing.

Each team is led by the area's patrol leader contact; the other members are generated from
`random.Random`, so the same town gives the same teams. The leader of the first community's team
carries the subject `demo-patrol`, the `sub` of the demo patrol token `make run` prints.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import time, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.demo_logs import DemoTeam, build_logs
from incidents.patrols.demo_rows import demo_id, insert_missing
from incidents.patrols.models import (
    GuardAssignment,
    GuardPoint,
    PatrolMember,
    PatrolSchedule,
    PatrolTeam,
    TeamKind,
)
from incidents.patrols.shifts.recurrence import LOCAL_TIME
from incidents.patrols.shifts.service import materialise_shifts
from pingan_shared.demo_town import DemoTown, leaf_area_at, leaf_areas
from pingan_shared.demo_town.names import PersonFactory

DEMO_PATROL_SUBJECT = "demo-patrol"
HISTORY_DAYS = 21
# Street communities patrol every evening 19:00–22:00; villages four evenings 20:00–24:00.
SCHEDULES = {
    "community": ([1, 2, 3, 4, 5, 6, 7], time(19, 0), 180),
    "village": ([1, 3, 5, 6], time(20, 0), 240),
}


def _teams(town: DemoTown) -> list[DemoTeam]:
    """(area, team row, member rows) for every community and village, leader first."""
    people = PersonFactory(random.Random(f"{town.seed}/patrols"))  # noqa: S311 - demo data
    token_area = next(a.code for a in town.areas if a.level == "community")
    teams = []
    for area in town.areas:
        if area.level not in ("community", "village"):
            continue
        kind = TeamKind.patrol_team if area.level == "community" else TeamKind.village_guard_team
        suffix = "义务巡防队" if kind is TeamKind.patrol_team else "义务护村队"
        team_id = demo_id("team", area.code)
        leader = next(c for c in town.contacts_for(area.code) if c.role == "patrol_leader")
        members = [
            {
                "name": leader.name,
                "phone": leader.phone,
                "wecom_user_id": leader.wecom_user_id,
                "subject": DEMO_PATROL_SUBJECT
                if area.code == token_area
                else f"demo-{area.code}-0",
            }
        ]
        for n in range(1, people.rng.randint(4, 6)):
            person = people.person()
            members.append(
                {
                    "name": person.name,
                    "phone": person.phone,
                    "wecom_user_id": f"demo-{area.code}-m{n}",
                    "subject": f"demo-{area.code}-{n}",
                }
            )
        member_rows = [
            {"id": demo_id("member", area.code, n), "team_id": team_id, "active": True, **m}
            for n, m in enumerate(members)
        ]
        team = {
            "id": team_id,
            "name": f"{area.name}{suffix}",
            "kind": kind.value,
            "area_code": area.code,
            "active": True,
        }
        teams.append((area, team, member_rows))
    return teams


def _guard_points(
    town: DemoTown, teams: Sequence[DemoTeam]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A guard point at each hot spot, held by two members of the team of its community."""
    points, assignments = [], []
    leaves = leaf_areas(town.areas)
    for spot in town.hot_spots:
        area = leaf_area_at(leaves, spot.lat, spot.lon)
        point_id = demo_id("guard-point", spot.key)
        points.append(
            {
                "id": point_id,
                "name": f"{spot.name}守点",
                "area_code": area.code,
                "lat": spot.lat,
                "lon": spot.lon,
                "address": spot.name,
                "active": True,
            }
        )
        owner = next(m for a, _, m in teams if area.code.startswith(a.code))
        assignments += [{"guard_point_id": point_id, "member_id": m["id"]} for m in owner[1:3]]
    return points, assignments


def _schedules(town: DemoTown, teams: Sequence[DemoTeam]) -> list[dict[str, Any]]:
    valid_from = town.now.astimezone(LOCAL_TIME).date() - timedelta(days=HISTORY_DAYS + 7)
    rows = []
    for area, team, _ in teams:
        weekdays, start, minutes = SCHEDULES[area.level]
        rows.append(
            {
                "id": demo_id("schedule", area.code),
                "team_id": team["id"],
                "area_code": area.code,
                "weekdays": weekdays,
                "start_time": start,
                "duration_minutes": minutes,
                "valid_from": valid_from,
                "active": True,
            }
        )
    return rows


async def load_demo_patrols(session: AsyncSession, town: DemoTown) -> dict[str, int]:
    """Insert what is missing of the town's patrols; returns how many rows of each kind were
    added. The town's areas and contacts must be loaded first."""
    teams = _teams(town)
    added = {"teams": await insert_missing(session, PatrolTeam, [t for _, t, _ in teams])}
    members = [m for _, _, ms in teams for m in ms]
    added["members"] = await insert_missing(session, PatrolMember, members)
    for _, team, team_members in teams:
        await session.execute(
            update(PatrolTeam)
            .where(col(PatrolTeam.id) == team["id"], col(PatrolTeam.leader_id).is_(None))
            .values(leader_id=team_members[0]["id"])
        )
    points, assignments = _guard_points(town, teams)
    added["guard_points"] = await insert_missing(session, GuardPoint, points)
    await insert_missing(session, GuardAssignment, assignments)
    schedules = _schedules(town, teams)
    added["schedules"] = await insert_missing(session, PatrolSchedule, schedules)
    since = town.now - timedelta(days=HISTORY_DAYS + 1)
    until = town.now + timedelta(days=14)
    schedule_ids = [s["id"] for s in schedules]
    added["shifts"] = await materialise_shifts(
        session, until, since=since, schedule_ids=schedule_ids
    )
    added.update(await build_logs(session, town, teams, SCHEDULES))
    return added
