"""Automatic escalation of overdue incidents (超时督办).

An incident past the deadline of its stage (accept, arrive, resolve) is escalated one level up the
area tree: level 1 tells the parent area's duty contacts, and each further time limit that passes
without handling climbs one more level, up to the top of the tree. The incident shows as 督办
until handled. One escalation per (incident, round, stage, level): a second run sends nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident
from incidents.workflow import repository
from incidents.workflow.models import (
    IncidentEscalation,
    IncidentHandling,
    Stage,
    TimelineEntry,
    TimelineKind,
)
from incidents.workflow.notifications import notify_escalated
from incidents.workflow.transitions import OPEN_STATES

ESCALATION_ACTOR = "incidents-worker"
BATCH = 100


def escalation_level(overdue: timedelta, step: timedelta, levels: int) -> int:
    """The level an incident `overdue` past its deadline has reached: 1 at the deadline, one
    more per further time limit `step`, at most `levels` (the areas above it)."""
    return min(levels, 1 + int(overdue / step))


async def escalate_overdue(session: AsyncSession, now: datetime | None = None) -> int:
    """Escalate one batch of incidents whose next escalation is due; how many were escalated."""
    now = now or datetime.now(UTC)
    escalated = 0
    for handling, incident in await repository.due_for_escalation(session, now, BATCH):
        if await _escalate(session, handling, incident, now):
            escalated += 1
    await session.flush()
    return escalated


async def _escalate(
    session: AsyncSession, handling: IncidentHandling, incident: Incident, now: datetime
) -> bool:
    stage = Stage(handling.deadline_stage) if handling.deadline_stage else None
    due = handling.due(stage) if stage else None
    ancestors = await repository.ancestor_codes(session, incident.area_code)
    if stage is None or due is None or incident.status not in OPEN_STATES or not ancestors:
        handling.next_escalation_at = None  # nothing to watch, or nobody above to tell
        return False
    step = timedelta(minutes=handling.limit_minutes(stage))
    overdue = now - due
    level = escalation_level(overdue, step, len(ancestors))
    handling.next_escalation_at = due + level * step if level < len(ancestors) else None
    area_code = ancestors[level - 1]
    overdue_minutes = int(overdue.total_seconds() // 60)
    escalation = IncidentEscalation(
        incident_id=incident.id,
        round=handling.reopen_count,
        stage=stage.value,
        level=level,
        area_code=area_code,
        overdue_minutes=overdue_minutes,
        at=now,
    )
    if not await repository.record_escalation(session, escalation):
        return False
    handling.supervised = True
    handling.supervised_at = now
    handling.escalation_level = max(handling.escalation_level, level)
    await repository.bump_version(session, incident.id, now)
    await repository.add_timeline(
        session,
        TimelineEntry(
            incident_id=incident.id,
            at=now,
            actor_sub=ESCALATION_ACTOR,
            actor_role=None,
            action=TimelineKind.escalate.value,
            from_status=incident.status.value,
            to_status=incident.status.value,
            data={
                "stage": stage.value,
                "level": level,
                "area_code": area_code,
                "overdue_minutes": overdue_minutes,
            },
        ),
    )
    await notify_escalated(
        session,
        incident,
        area_code=area_code,
        level=level,
        stage=stage.value,
        overdue_minutes=overdue_minutes,
        round_=handling.reopen_count,
    )
    return True
