"""Queries on patrol logs, track points and findings."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.models import (
    PatrolFinding,
    PatrolLog,
    PatrolMember,
    PatrolShift,
    TrackPoint,
)
from incidents.patrols.shifts.recurrence import MAX_SHIFT


async def covering_shift(
    session: AsyncSession, team_id: uuid.UUID, at: datetime
) -> PatrolShift | None:
    """The team's uncancelled shift covering `at`, the most local if several."""
    query = (
        select(PatrolShift)
        .where(
            col(PatrolShift.team_id) == team_id,
            col(PatrolShift.cancelled).is_(False),
            col(PatrolShift.starts_at) <= at,
            col(PatrolShift.starts_at) > at - MAX_SHIFT,
            col(PatrolShift.ends_at) > at,
        )
        .order_by(func.length(col(PatrolShift.area_code)).desc(), col(PatrolShift.starts_at))
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def open_log_of(session: AsyncSession, member_id: uuid.UUID) -> PatrolLog | None:
    """The member's patrol not yet checked out, if any."""
    query = select(PatrolLog).where(
        col(PatrolLog.member_id) == member_id, col(PatrolLog.ended_at).is_(None)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_logs(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    team_ids: Collection[uuid.UUID] | None,
    start: datetime | None,
    end: datetime | None,
    open_only: bool | None,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[PatrolLog]:
    """Logs in areas inside `prefixes` started in [start, end), newest first."""
    if not prefixes or (team_ids is not None and not team_ids):
        return []
    query = select(PatrolLog).where(
        or_(*[col(PatrolLog.area_code).startswith(p) for p in prefixes])
    )
    if team_ids is not None:
        query = query.where(col(PatrolLog.team_id).in_(team_ids))
    if start is not None:
        query = query.where(col(PatrolLog.started_at) >= start)
    if end is not None:
        query = query.where(col(PatrolLog.started_at) < end)
    if open_only is not None:
        ended = col(PatrolLog.ended_at)
        query = query.where(ended.is_(None) if open_only else ended.is_not(None))
    if after is not None:
        query = query.where(tuple_(col(PatrolLog.started_at), col(PatrolLog.id)) < after)
    query = query.order_by(col(PatrolLog.started_at).desc(), col(PatrolLog.id).desc())
    return list((await session.execute(query.limit(limit))).scalars())


async def insert_track(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert track points, skipping times the log has already; returns how many are new."""
    if not rows:
        return 0
    result = await session.execute(
        insert(TrackPoint)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=["log_id", "at"])
        .returning(col(TrackPoint.at))
    )
    return len(result.all())


async def track_count(session: AsyncSession, log_id: uuid.UUID) -> int:
    """How many track points a log has."""
    query = select(func.count()).select_from(TrackPoint).where(col(TrackPoint.log_id) == log_id)
    return (await session.execute(query)).scalar_one()


async def track_of(session: AsyncSession, log_id: uuid.UUID) -> list[TrackPoint]:
    """A log's track points in time order."""
    query = select(TrackPoint).where(col(TrackPoint.log_id) == log_id).order_by(col(TrackPoint.at))
    return list((await session.execute(query)).scalars())


async def findings_of(session: AsyncSession, log_id: uuid.UUID) -> list[PatrolFinding]:
    """A log's findings in time order."""
    query = (
        select(PatrolFinding)
        .where(col(PatrolFinding.log_id) == log_id)
        .order_by(col(PatrolFinding.found_at), col(PatrolFinding.id))
    )
    return list((await session.execute(query)).scalars())


async def member_names(
    session: AsyncSession, member_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Member id → name."""
    if not member_ids:
        return {}
    query = select(col(PatrolMember.id), col(PatrolMember.name)).where(
        col(PatrolMember.id).in_(member_ids)
    )
    return dict((await session.execute(query)).all())
