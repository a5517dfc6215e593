"""Queries of focus problems: problems and measures, their incidents week by week, reminders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import h3  # type: ignore[import-untyped]  # h3 ships no type information
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    DateTime,
    Text,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.geo import polygon_text
from incidents.areas.models import PolygonType
from incidents.focus.models import FocusMeasure, FocusProblem, FocusReminder, FocusStatus
from incidents.intake.models import Incident
from incidents.listing.repository import area_prefix
from incidents.statistics.repository import NOT_COUNTED


async def list_problems(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    statuses: Sequence[FocusStatus],
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[FocusProblem]:
    """Problems inside any of `prefixes`, nearest target date first, after the cursor."""
    if not prefixes:
        return []
    query = select(FocusProblem).where(
        or_(*[col(FocusProblem.area_code).startswith(p) for p in prefixes])
    )
    if statuses:
        query = query.where(col(FocusProblem.status).in_([s.value for s in statuses]))
    if after is not None:
        key = func.row(col(FocusProblem.target_date), col(FocusProblem.id))
        query = query.where(key > func.row(*after))
    query = query.order_by(col(FocusProblem.target_date), col(FocusProblem.id)).limit(limit)
    return list((await session.execute(query)).scalars())


async def measures_by_problem(
    session: AsyncSession, problem_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FocusMeasure]]:
    """The measures of each problem, in the order they were recorded."""
    if not problem_ids:
        return {}
    query = (
        select(FocusMeasure)
        .where(col(FocusMeasure.problem_id).in_(problem_ids))
        .order_by(col(FocusMeasure.problem_id), col(FocusMeasure.id))
    )
    found: dict[uuid.UUID, list[FocusMeasure]] = {}
    for measure in (await session.execute(query)).scalars():
        found.setdefault(measure.problem_id, []).append(measure)
    return found


async def has_measures(session: AsyncSession, problem_id: uuid.UUID) -> bool:
    """Whether any measure was recorded against the problem."""
    query = select(exists().where(col(FocusMeasure.problem_id) == problem_id))
    return bool((await session.execute(query)).scalar())


def _cells_condition(cells: Sequence[str]) -> list[ColumnElement[bool]]:
    """Incidents inside any of the cells: a bounding box the area index narrows, then the
    cells' outlines as planar polygons (an H3 edge bends less than a millimetre off a straight
    line at these sizes). A point on an edge two cells share counts once."""
    rings = [[(lon, lat) for lat, lon in h3.cell_to_boundary(cell)] for cell in cells]
    lons = [lon for ring in rings for lon, _ in ring]
    lats = [lat for ring in rings for _, lat in ring]
    texts = [polygon_text([*ring, ring[0]]) for ring in rings]
    shapes = (
        select(cast(func.unnest(literal(texts, ARRAY(Text))), PolygonType()).label("shape"))
        .cte("cell_shapes")
        .prefix_with("MATERIALIZED")
    )
    point = func.point(col(Incident.lon), col(Incident.lat))
    return [
        col(Incident.lat).between(min(lats), max(lats)),
        col(Incident.lon).between(min(lons), max(lons)),
        exists().where(shapes.c.shape.op("@>")(point)),
    ]


async def weekly_counts(
    session: AsyncSession, problem: FocusProblem, boundaries: Sequence[datetime]
) -> list[int]:
    """Incidents of the problem (its area, cells, place and categories) in each week between
    consecutive `boundaries`; rejected and merged reports are not counted."""
    where: list[ColumnElement[bool]] = [
        area_prefix(problem.area_code),
        col(Incident.occurred_at) >= boundaries[0],
        col(Incident.occurred_at) < boundaries[-1],
        col(Incident.status).not_in(NOT_COUNTED),
    ]
    if problem.categories:
        where.append(col(Incident.category).in_(problem.categories))
    if problem.place_id is not None:
        where.append(col(Incident.place_id) == problem.place_id)
    if problem.cells:
        where.extend(_cells_condition(problem.cells))
    edges = literal(list(boundaries), ARRAY(DateTime(timezone=True)))
    # width_bucket against the week edges: bucket i is [edges[i-1], edges[i]), local weeks exact.
    bucket = func.width_bucket(col(Incident.occurred_at), edges)
    query = select(bucket, func.count()).where(*where).group_by(bucket)
    counts = [0] * (len(boundaries) - 1)
    for index, count in (await session.execute(query)).all():
        counts[index - 1] = count
    return counts


async def due_for_follow_up(
    session: AsyncSession, until: date, limit: int, after: uuid.UUID | None
) -> list[FocusProblem]:
    """Unresolved problems whose target date is on or before `until`, locked; rows another
    worker holds are skipped, so two workers never remind about the same problem at once."""
    query = select(FocusProblem).where(
        col(FocusProblem.status).in_([FocusStatus.open.value, FocusStatus.overdue.value]),
        col(FocusProblem.target_date) <= until,
    )
    if after is not None:
        query = query.where(col(FocusProblem.id) > after)
    query = query.order_by(col(FocusProblem.id)).limit(limit).with_for_update(skip_locked=True)
    return list((await session.execute(query)).scalars())


async def record_reminder(session: AsyncSession, reminder: FocusReminder) -> bool:
    """Record a reminder unless that (problem, kind, target date, step) was recorded before."""
    statement = (
        insert(FocusReminder)
        .values(**reminder.model_dump())
        .on_conflict_do_nothing()
        .returning(col(FocusReminder.step))
    )
    return (await session.execute(statement)).first() is not None
