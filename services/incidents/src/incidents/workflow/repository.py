"""Queries of the workflow: handling rows, the version claim, timeline, followers, escalation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Area
from incidents.intake.models import Incident, IncidentStatus
from incidents.workflow.models import (
    IncidentEscalation,
    IncidentFollower,
    IncidentHandling,
    TimelineEntry,
)


async def get_handling(session: AsyncSession, incident_id: uuid.UUID) -> IncidentHandling | None:
    """The handling row of an incident, if it has one."""
    return await session.get(IncidentHandling, incident_id)


async def claim(
    session: AsyncSession,
    incident_id: uuid.UUID,
    *,
    version: int,
    from_status: IncidentStatus,
    to_status: IncidentStatus,
    at: datetime,
) -> int | None:
    """Move an incident to `to_status` if it is still at `version` (and `from_status`); the new
    version, or None when someone else changed it first. Two racing dispatchers: one wins."""
    statement = (
        update(Incident)
        .where(col(Incident.id) == incident_id)
        .where(col(Incident.version) == version)
        .where(col(Incident.status) == from_status)
        .values(status=to_status, version=col(Incident.version) + 1, updated_at=at)
        .returning(col(Incident.version))
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def bump_version(session: AsyncSession, incident_id: uuid.UUID, at: datetime) -> None:
    """Mark a change of an incident's handling that keeps its status (its ETag changes)."""
    await session.execute(
        update(Incident)
        .where(col(Incident.id) == incident_id)
        .values(version=col(Incident.version) + 1, updated_at=at)
        .execution_options(synchronize_session=False)
    )


async def add_timeline(session: AsyncSession, entry: TimelineEntry) -> None:
    """Append a timeline entry."""
    session.add(entry)
    await session.flush()


async def list_timeline(
    session: AsyncSession, incident_id: uuid.UUID, *, after: int | None, limit: int
) -> list[TimelineEntry]:
    """An incident's timeline in the order it happened, after the cursor."""
    query = select(TimelineEntry).where(col(TimelineEntry.incident_id) == incident_id)
    if after is not None:
        query = query.where(col(TimelineEntry.id) > after)
    result = await session.execute(query.order_by(col(TimelineEntry.id)).limit(limit))
    return list(result.scalars())


async def add_followers(session: AsyncSession, parent_id: uuid.UUID, duplicate: Incident) -> None:
    """The duplicate's reporter, and whoever followed the duplicate, now follow the parent."""
    rows = [
        {
            "incident_id": parent_id,
            "duplicate_id": duplicate.id,
            "reporter_sub": duplicate.reported_by,
        }
    ]
    await session.execute(insert(IncidentFollower).values(rows).on_conflict_do_nothing())
    f = IncidentFollower
    inherited = select(literal(parent_id), col(f.duplicate_id), col(f.reporter_sub)).where(
        col(f.incident_id) == duplicate.id
    )
    await session.execute(
        insert(IncidentFollower)
        .from_select(["incident_id", "duplicate_id", "reporter_sub"], inherited)
        .on_conflict_do_nothing()
    )


async def follower_reporters(session: AsyncSession, incident_id: uuid.UUID) -> list[Incident]:
    """The merged duplicates following an incident whose reporters left a phone."""
    query = (
        select(Incident)
        .join(IncidentFollower, col(IncidentFollower.duplicate_id) == col(Incident.id))
        .where(col(IncidentFollower.incident_id) == incident_id)
        .where(col(Incident.anonymous).is_(False), col(Incident.reporter_phone).is_not(None))
        .order_by(col(Incident.created_at))
    )
    return list((await session.execute(query)).scalars())


async def ancestor_codes(session: AsyncSession, area_code: str) -> list[str]:
    """The areas above `area_code`, nearest first (a code's prefixes are its ancestors)."""
    prefixes = [area_code[:n] for n in range(len(area_code) - 1, 0, -1)]
    query = (
        select(col(Area.code))
        .where(col(Area.code).in_(prefixes))
        .order_by(func.length(col(Area.code)).desc())
    )
    return list((await session.execute(query)).scalars())


async def due_for_escalation(
    session: AsyncSession, now: datetime, limit: int
) -> Sequence[tuple[IncidentHandling, Incident]]:
    """Handling rows whose next escalation is due, with their incidents, locked; rows another
    worker holds are skipped, so two workers never escalate the same incident at once."""
    query = (
        select(IncidentHandling, Incident)
        .join(Incident, col(Incident.id) == col(IncidentHandling.incident_id))
        .where(col(IncidentHandling.next_escalation_at) <= now)
        .order_by(col(IncidentHandling.next_escalation_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(handling, incident) for handling, incident in await session.execute(query)]


async def record_escalation(session: AsyncSession, escalation: IncidentEscalation) -> bool:
    """Record an escalation unless that (incident, round, stage, level) was escalated before."""
    statement = (
        insert(IncidentEscalation)
        .values(**escalation.model_dump())
        .on_conflict_do_nothing()
        .returning(col(IncidentEscalation.level))
    )
    return (await session.execute(statement)).first() is not None
