"""Queries on shifts and schedules."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.models import PatrolLog, PatrolSchedule, PatrolShift, PatrolTeam
from incidents.patrols.shifts.recurrence import MAX_SHIFT

INSERT_CHUNK = 1000


def _inside(column: Any, prefixes: Sequence[str]) -> ColumnElement[bool]:
    return or_(*[column.startswith(p) for p in prefixes])


async def list_shifts(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    team_ids: Collection[uuid.UUID] | None,
    start: datetime | None,
    end: datetime | None,
    include_cancelled: bool,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[PatrolShift]:
    """Shifts over areas inside `prefixes` that overlap [start, end), by start time."""
    if not prefixes or (team_ids is not None and not team_ids):
        return []
    query = select(PatrolShift).where(_inside(col(PatrolShift.area_code), prefixes))
    if team_ids is not None:
        query = query.where(col(PatrolShift.team_id).in_(team_ids))
    if start is not None:
        query = query.where(col(PatrolShift.ends_at) > start)
    if end is not None:
        query = query.where(col(PatrolShift.starts_at) < end)
    if not include_cancelled:
        query = query.where(col(PatrolShift.cancelled).is_(False))
    if after is not None:
        query = query.where(tuple_(col(PatrolShift.starts_at), col(PatrolShift.id)) > after)
    query = query.order_by(col(PatrolShift.starts_at), col(PatrolShift.id)).limit(limit)
    return list((await session.execute(query)).scalars())


async def shifts_covering(
    session: AsyncSession, area_code: str, at: datetime, *, include_inside: bool
) -> list[tuple[PatrolShift, PatrolTeam]]:
    """Per active team, its most local uncancelled shift covering `at` (start ≤ at < end) whose
    area contains `area_code` (or, with `include_inside`, lies inside it)."""
    contains = literal(area_code).startswith(col(PatrolShift.area_code))
    where_area = or_(contains, col(PatrolShift.area_code).startswith(area_code))
    query = (
        select(PatrolShift, PatrolTeam)
        .join(PatrolTeam, col(PatrolTeam.id) == col(PatrolShift.team_id))
        .where(
            col(PatrolShift.cancelled).is_(False),
            col(PatrolTeam.active).is_(True),
            col(PatrolShift.starts_at) <= at,
            # Shifts last at most a day, so this bounds the index range scan.
            col(PatrolShift.starts_at) > at - MAX_SHIFT,
            col(PatrolShift.ends_at) > at,
            where_area if include_inside else contains,
        )
        .order_by(
            col(PatrolShift.team_id),
            func.length(col(PatrolShift.area_code)).desc(),
            col(PatrolShift.starts_at),
        )
        .ext(distinct_on(col(PatrolShift.team_id)))
    )
    return list((await session.execute(query)).all())


async def insert_shifts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert shifts made by schedules, skipping those made before; returns how many are new."""
    created = 0
    for i in range(0, len(rows), INSERT_CHUNK):
        result = await session.execute(
            insert(PatrolShift)
            .values(list(rows[i : i + INSERT_CHUNK]))
            .on_conflict_do_nothing(index_elements=["schedule_id", "starts_at"])
            .returning(col(PatrolShift.id))
        )
        created += len(result.all())
    return created


async def schedules_to_materialise(
    session: AsyncSession,
    *,
    schedule_ids: Collection[uuid.UUID] | None,
    prefixes: Sequence[str] | None,
) -> list[PatrolSchedule]:
    """Active schedules of active teams (among `schedule_ids`, inside `prefixes`, if given)."""
    query = (
        select(PatrolSchedule)
        .join(PatrolTeam, col(PatrolTeam.id) == col(PatrolSchedule.team_id))
        .where(col(PatrolSchedule.active).is_(True), col(PatrolTeam.active).is_(True))
    )
    if schedule_ids is not None:
        query = query.where(col(PatrolSchedule.id).in_(schedule_ids))
    if prefixes is not None:
        query = query.where(_inside(col(PatrolSchedule.area_code), prefixes))
    return list((await session.execute(query.order_by(col(PatrolSchedule.id)))).scalars())


async def drop_unstarted_shifts(
    session: AsyncSession, schedule_id: uuid.UUID, now: datetime
) -> datetime | None:
    """Delete a schedule's shifts that have not started, are not cancelled and have no patrol
    logs; returns the latest start deleted."""
    result = await session.execute(
        delete(PatrolShift)
        .where(
            col(PatrolShift.schedule_id) == schedule_id,
            col(PatrolShift.starts_at) > now,
            col(PatrolShift.cancelled).is_(False),
            ~exists().where(col(PatrolLog.shift_id) == col(PatrolShift.id)),
        )
        .returning(col(PatrolShift.starts_at))
    )
    starts = [row[0] for row in result.all()]
    return max(starts) if starts else None


async def list_schedules(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    team_ids: Collection[uuid.UUID] | None,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[PatrolSchedule]:
    """Schedules over areas inside `prefixes`, by area and id."""
    if not prefixes or (team_ids is not None and not team_ids):
        return []
    query = select(PatrolSchedule).where(_inside(col(PatrolSchedule.area_code), prefixes))
    if team_ids is not None:
        query = query.where(col(PatrolSchedule.team_id).in_(team_ids))
    if after is not None:
        query = query.where(tuple_(col(PatrolSchedule.area_code), col(PatrolSchedule.id)) > after)
    query = query.order_by(col(PatrolSchedule.area_code), col(PatrolSchedule.id)).limit(limit)
    return list((await session.execute(query)).scalars())
