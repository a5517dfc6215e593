"""Coverage tables: the SQL figures laid out per team, area or ISO week, with names and zeros."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas.models import Area
from incidents.patrols.cells import PLACES_METHOD
from incidents.patrols.coverage import repository
from incidents.patrols.coverage.repository import CoverageQuery, Figures, Group
from incidents.patrols.coverage.schemas import CoverageOut, CoverageRow
from incidents.patrols.models import TeamKind
from incidents.patrols.shifts.recurrence import LOCAL_TIME
from incidents.patrols.times import utc


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def _row(figures: Figures, **labels: Any) -> CoverageRow:
    return CoverageRow(
        **labels, hours=_hours(figures.seconds), places=figures.places, patrols=figures.logs
    )


def local_weeks(start: datetime, end: datetime) -> list[datetime]:
    """The local Mondays 00:00 (naive, business time zone) of the ISO weeks meeting [start, end)."""
    first = start.astimezone(LOCAL_TIME).date()
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while datetime.combine(monday, time(), tzinfo=LOCAL_TIME) < end:
        weeks.append(datetime.combine(monday, time()))
        monday += timedelta(days=7)
    return weeks


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def _rows(
    session: AsyncSession, q: CoverageQuery, group: Group, found: dict[Any, Figures]
) -> list[CoverageRow]:
    if group == "team":
        teams = await repository.teams_to_show(session, q, list(found))
        rows = [
            _row(
                found.get(t.id, Figures()),
                team_id=t.id,
                team_name=t.name,
                kind=TeamKind(t.kind),
                area_code=t.area_code,
            )
            for t in teams
        ]
        return sorted(rows, key=lambda r: (-r.hours, -r.places, r.team_name or ""))
    if group == "area":
        names = await repository.area_names(session, list(found))
        return [
            _row(found[code], area_code=code, area_name=names.get(code)) for code in sorted(found)
        ]
    return [
        _row(
            found.get(week, Figures()),
            week=_week_label(week.date()),
            week_start=week.date(),
        )
        for week in local_weeks(q.start, q.end)
    ]


async def coverage(
    session: AsyncSession,
    area: Area,
    start: datetime,
    end: datetime,
    group: Group,
    team_ids: Collection[uuid.UUID] | None,
) -> CoverageOut:
    """Hours patrolled and places covered inside `area` during [start, end), in total and per
    group (of `team_ids` only, when given: a patrol member's own teams)."""
    q = CoverageQuery(area_prefix=area.code, start=start, end=end, team_ids=team_ids)
    total = (await repository.figures(session, q, None)).get(None, Figures())
    found = await repository.figures(session, q, group)
    return CoverageOut(
        area_code=area.code,
        area_name=area.name,
        period_from=utc(start),
        period_to=utc(end),
        group=group,
        places_method=PLACES_METHOD,
        hours=_hours(total.seconds),
        places=total.places,
        patrols=total.logs,
        rows=await _rows(session, q, group, found),
    )
