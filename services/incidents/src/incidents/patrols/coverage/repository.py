"""Coverage figures, aggregated in SQL: hours patrolled and distinct places (H3 cells) covered.

Hours are the checked-out patrols' check-in → check-out spans clipped to the period (and, by
week, to each week, so a patrol over Sunday midnight counts in both weeks). Places are the
distinct cells of the track points recorded in the period and of the check-ins made in it;
a patrol not yet checked out adds places but no hours.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    ColumnClause,
    DateTime,
    Select,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Area
from incidents.patrols.models import PatrolLog, PatrolTeam, TrackPoint
from pingan_shared.settings import business_timezone

Group = Literal["team", "area", "week"]
LOCAL_ZONE = business_timezone().key
WEEK: ColumnClause[Any] = literal_column("interval '7 days'")
S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True, slots=True)
class CoverageQuery:
    """Patrols in areas inside `area_prefix` (of `team_ids` only, if given) in [start, end)."""

    area_prefix: str
    start: datetime
    end: datetime
    team_ids: Collection[uuid.UUID] | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """One group's figures."""

    seconds: float = 0.0
    logs: int = 0
    places: int = 0


def _moment(value: datetime) -> Any:
    return literal(value, DateTime(timezone=True))


def _local_week(moment: Any) -> Any:
    """The local (business time zone) Monday 00:00 starting the ISO week of a timestamptz."""
    return func.date_trunc("week", func.timezone(LOCAL_ZONE, moment))


def _in_scope(query: S, q: CoverageQuery) -> S:
    query = query.where(col(PatrolLog.area_code).startswith(q.area_prefix))
    if q.team_ids is not None:
        query = query.where(col(PatrolLog.team_id).in_(q.team_ids))
    return query


async def hours(
    session: AsyncSession, q: CoverageQuery, group: Group | None
) -> dict[Any, tuple[float, int]]:
    """Group key → (seconds patrolled, patrols counted); the key is None without a group."""
    lo: list[Any] = [col(PatrolLog.started_at), _moment(q.start)]
    hi: list[Any] = [col(PatrolLog.ended_at), _moment(q.end)]
    key: Any = None
    source: Any = None
    if group == "week":
        weeks = select(
            func.generate_series(
                _local_week(_moment(q.start)), func.timezone(LOCAL_ZONE, _moment(q.end)), WEEK
            ).label("local_start")
        ).subquery("weeks")
        key = weeks.c.local_start
        lo.append(func.timezone(LOCAL_ZONE, weeks.c.local_start))
        hi.append(func.timezone(LOCAL_ZONE, weeks.c.local_start + WEEK))
        source = weeks
    elif group == "team":
        key = col(PatrolLog.team_id)
    elif group == "area":
        key = col(PatrolLog.area_code)
    start, end = func.greatest(*lo), func.least(*hi)
    seconds = func.sum(func.extract("epoch", end - start))
    patrols = func.count(func.distinct(col(PatrolLog.id)))
    query = select(seconds, patrols).select_from(PatrolLog)
    if source is not None:
        query = query.join(source, literal(True))
    query = _in_scope(query, q).where(col(PatrolLog.ended_at).is_not(None), end > start)
    if key is None:
        total = (await session.execute(query)).one()
        return {None: (float(total[0] or 0), total[1])} if total[1] else {}
    rows = await session.execute(query.add_columns(key).group_by(key))
    return {k: (float(s or 0), n) for s, n, k in rows}


async def places(session: AsyncSession, q: CoverageQuery, group: Group | None) -> dict[Any, int]:
    """Group key → distinct H3 cells of track points and check-ins in the period."""
    track: Select[*tuple[Any, ...]] = _in_scope(
        select(
            col(PatrolLog.team_id),
            col(PatrolLog.area_code),
            col(TrackPoint.cell).label("cell"),
            col(TrackPoint.at).label("at"),
        ).join(PatrolLog, col(PatrolLog.id) == col(TrackPoint.log_id)),
        q,
    ).where(col(TrackPoint.at) >= q.start, col(TrackPoint.at) < q.end)
    check_ins: Select[*tuple[Any, ...]] = _in_scope(
        select(
            col(PatrolLog.team_id),
            col(PatrolLog.area_code),
            col(PatrolLog.start_cell).label("cell"),
            col(PatrolLog.started_at).label("at"),
        ),
        q,
    ).where(col(PatrolLog.started_at) >= q.start, col(PatrolLog.started_at) < q.end)
    cells = union_all(track, check_ins).subquery("cells")
    distinct_cells = func.count(func.distinct(cells.c.cell))
    if group is None:
        total = (await session.execute(select(distinct_cells))).scalar_one()
        return {None: total} if total else {}
    keys = {"team": cells.c.team_id, "area": cells.c.area_code, "week": _local_week(cells.c.at)}
    key = keys[group]
    query = select(key, distinct_cells).group_by(key)
    return dict((await session.execute(query)).all())


async def figures(
    session: AsyncSession, q: CoverageQuery, group: Group | None
) -> dict[Any, Figures]:
    """Group key → hours, patrols and places together."""
    by_hours = await hours(session, q, group)
    by_places = await places(session, q, group)
    return {
        key: Figures(
            seconds=by_hours.get(key, (0.0, 0))[0],
            logs=by_hours.get(key, (0.0, 0))[1],
            places=by_places.get(key, 0),
        )
        for key in by_hours.keys() | by_places.keys()
    }


async def teams_to_show(
    session: AsyncSession, q: CoverageQuery, with_figures: Collection[uuid.UUID]
) -> list[PatrolTeam]:
    """The teams a by-team table shows: those with figures, and every active team of the area
    (in `team_ids`, if given), so a team that did not patrol shows as zero."""
    quiet = col(PatrolTeam.area_code).startswith(q.area_prefix) & col(PatrolTeam.active).is_(True)
    if q.team_ids is not None:
        quiet = quiet & col(PatrolTeam.id).in_(q.team_ids)
    query = select(PatrolTeam).where(or_(col(PatrolTeam.id).in_(with_figures), quiet))
    return list((await session.execute(query)).scalars())


async def area_names(session: AsyncSession, codes: Collection[str]) -> dict[str, str]:
    """Area code → name."""
    query = select(col(Area.code), col(Area.name)).where(col(Area.code).in_(codes))
    return dict((await session.execute(query)).all())
