"""The demo's patrol history: evenings of patrols with a track point every five minutes, a walk
around the team's area, and now and then a finding. Teams differ in how often they turn out, so
coverage figures have something to tell."""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.cells import place_cell
from incidents.patrols.demo_rows import demo_id, insert_missing
from incidents.patrols.models import PatrolFinding, PatrolLog, PatrolShift, TrackPoint
from incidents.patrols.shifts.recurrence import LOCAL_TIME
from pingan_shared.demo_town import DemoArea, DemoTown, distance_m
from pingan_shared.geo import offset

DemoTeam = tuple[DemoArea, dict[str, Any], list[dict[str, Any]]]
"""A demo team: its area, its row and its members' rows (leader first)."""
Schedules = Mapping[str, tuple[list[int], time, int]]

HISTORY_DAYS = 21
TRACK_EVERY = timedelta(minutes=5)
WANDER_M = 700.0
FINDINGS = (
    ("fire_hazard", "楼道堆放杂物,堵塞消防通道"),
    ("fire_hazard", "电动车在楼道内充电"),
    ("public_order", "夜市路口有人酒后喧哗"),
    ("dispute", "邻里因停车位发生口角,已劝解"),
    ("other", "路灯不亮,已记录报修"),
)


def _walk(
    rng: random.Random, area: DemoArea, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Positions every five minutes on a walk that stays within reach of the area's centre."""
    lat, lon = offset(area.lat, area.lon, rng.uniform(-100, 100), rng.uniform(-100, 100))
    points, at = [], start
    while at < end:
        points.append({"at": at, "lat": lat, "lon": lon, "cell": place_cell(lat, lon)})
        bearing = rng.uniform(0, 2 * math.pi)
        if distance_m(lat, lon, area.lat, area.lon) > WANDER_M:
            bearing = math.atan2(area.lon - lon, area.lat - lat)  # turn back towards the centre
        step = rng.uniform(80, 220)
        lat, lon = offset(lat, lon, step * math.cos(bearing), step * math.sin(bearing))
        at += TRACK_EVERY
    return points


async def _shift_ids(
    session: AsyncSession, team_ids: Sequence[uuid.UUID], since: datetime
) -> dict[tuple[uuid.UUID, datetime], uuid.UUID]:
    query = select(col(PatrolShift.team_id), col(PatrolShift.starts_at), col(PatrolShift.id)).where(
        col(PatrolShift.team_id).in_(team_ids), col(PatrolShift.starts_at) >= since
    )
    return {(t, s): i for t, s, i in (await session.execute(query))}


def _evening(
    rng: random.Random, area: DemoArea, team: dict[str, Any], member: dict[str, Any], day: date,
    rule: tuple[list[int], time, int], shift_id: uuid.UUID | None,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """One patrol: its log row, track rows and finding rows."""
    _, start_time, minutes = rule
    planned = datetime.combine(day, start_time, tzinfo=LOCAL_TIME)
    start = planned + timedelta(minutes=rng.randint(-5, 15))
    end = planned + timedelta(minutes=minutes - rng.randint(0, 40))
    log_id = demo_id("log", area.code, day.isoformat())
    track = [{"log_id": log_id, **p} for p in _walk(rng, area, start, end)]
    first, last = track[0], track[-1]
    log = {
        "id": log_id,
        "team_id": team["id"],
        "member_id": member["id"],
        "shift_id": shift_id,
        "area_code": area.code,
        "started_at": start,
        "start_lat": first["lat"],
        "start_lon": first["lon"],
        "start_cell": first["cell"],
        "ended_at": end,
        "end_lat": last["lat"],
        "end_lon": last["lon"],
        "created_by": "demo",
    }
    findings = []
    if rng.random() < 0.15:
        category, text = rng.choice(FINDINGS)
        spot = rng.choice(track)
        findings.append(
            {
                "id": demo_id("finding", log_id),
                "log_id": log_id,
                "category": category,
                "text": text,
                "found_at": spot["at"],
                "lat": spot["lat"],
                "lon": spot["lon"],
                "created_by": "demo",
            }
        )
    return log, track, findings


async def build_logs(
    session: AsyncSession, town: DemoTown, teams: Sequence[DemoTeam], schedules: Schedules
) -> dict[str, int]:
    """Insert the last three weeks' patrols of every demo team; returns how many rows were added."""
    rng = random.Random(f"{town.seed}/patrol-logs")  # noqa: S311 - reproducible demo data
    today = town.now.astimezone(LOCAL_TIME).date()
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1)]
    since = datetime.combine(days[0], time(), tzinfo=LOCAL_TIME)
    shifts = await _shift_ids(session, [t["id"] for _, t, _ in teams], since)
    logs: list[dict[str, Any]] = []
    track: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for area, team, members in teams:
        rule = schedules[area.level]
        turnout = rng.uniform(0.55, 0.95)
        for day in days:
            if day.isoweekday() not in rule[0] or rng.random() > turnout:
                continue
            planned = datetime.combine(day, rule[1], tzinfo=LOCAL_TIME)
            shift_id = shifts.get((team["id"], planned))
            log, points, found = _evening(rng, area, team, rng.choice(members), day, rule, shift_id)
            logs.append(log)
            track += points
            findings += found
    return {
        "logs": await insert_missing(session, PatrolLog, logs),
        "track_points": await insert_missing(session, TrackPoint, track),
        "findings": await insert_missing(session, PatrolFinding, findings),
    }
