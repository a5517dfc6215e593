"""Following rectifications and schedules through (跟踪落实): a unit is reminded 3 days and 1 day
before its rectification's deadline; the day after it, an unanswered rectification is overdue and
escalated (督办) to the unit's leaders; a schedule's inspectors are told the day before a regular
inspection is due.

Each reminder or escalation is recorded in the rectification's `reminded` (a schedule's by moving
its `next_due` on) in the same transaction as its `send_message` job in the outbox, so a second
run sends nothing; the message key carries the same parts, so notify drops a copy too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.inspections import rectification_repository, schedules
from assessment.inspections.models import InspectionSchedule, RectificationStatus
from assessment.inspections.notices import (
    KIND_NAMES,
    contact_of,
    inspector_recipients,
    leaders_of,
    send,
)
from assessment.inspections.rectification_repository import Row
from assessment.inspections.rules import (
    REMINDER_DAYS,
    SCHEDULE_NOTICE,
    is_overdue,
    local_today,
    next_cycle,
    reminder_step,
)
from assessment.schemes.models import Indicator
from assessment.units.models import UnitKind
from pingan_shared.contracts.messages import Channel, Priority

BATCH = 100
ACTOR = "assessment-worker"
ESCALATED = "escalated"


@dataclass(frozen=True, slots=True)
class Batch:
    """What one batch did, and the last row it looked at (the next batch starts after it)."""

    looked_at: int
    sent: int
    last: uuid.UUID | None


async def _indicator_name(session: AsyncSession, row: Row) -> str:
    indicator = await session.get(Indicator, row[1].indicator_id)
    return indicator.name if indicator else str(row[1].indicator_id)


async def _mark(session: AsyncSession, row: Row, step: str, data: dict[str, str]) -> None:
    rectification = row[0]
    rectification.reminded = [*rectification.reminded, step]
    rectification.version += 1
    await record(
        session,
        actor=ACTOR,
        action="rectification.reminded" if step != ESCALATED else "rectification.escalated",
        entity="rectification",
        entity_id=str(rectification.id),
        data={"step": step, **data},
    )


async def _remind(session: AsyncSession, row: Row, today: date) -> bool:
    rectification, _, _, unit = row
    step = reminder_step(rectification.deadline, today)
    if step is None or step in rectification.reminded:
        return False
    left = (rectification.deadline - today).days
    text = (
        f"【整改提醒】{unit.name}“{await _indicator_name(session, row)}”的整改期限为"
        f"{rectification.deadline.isoformat()}，还剩{left}天。请按期整改并在系统中答复。"
    )
    await send(session, f"rectification-{step}:{rectification.id}", text, [contact_of(unit)])
    await _mark(session, row, step, {"deadline": rectification.deadline.isoformat()})
    return True


async def _escalate(session: AsyncSession, row: Row, today: date) -> bool:
    rectification, _, _, unit = row
    if not is_overdue(rectification.deadline, today) or ESCALATED in rectification.reminded:
        return False
    rectification.status = RectificationStatus.overdue
    days = (today - rectification.deadline).days
    text = (
        f"【整改督办】{unit.name}“{await _indicator_name(session, row)}”已超过整改期限"
        f"（{rectification.deadline.isoformat()}）{days}天仍未答复整改情况，请督促落实。"
    )
    recipients = await leaders_of(session, unit)
    await send(
        session,
        f"rectification-escalated:{rectification.id}",
        text,
        recipients,
        priority=Priority.urgent,
    )
    await _mark(session, row, ESCALATED, {"deadline": rectification.deadline.isoformat()})
    return True


async def follow_up_rectifications(
    session: AsyncSession, after: uuid.UUID | None = None, now: datetime | None = None
) -> Batch:
    """Remind or escalate one batch of open rectifications whose deadline is near or past."""
    today = local_today(now or datetime.now(UTC))
    until = today + timedelta(days=max(REMINDER_DAYS))
    rows = await rectification_repository.due_for_follow_up(session, until, after, BATCH)
    sent = 0
    for row in rows:
        sent += await _remind(session, row, today)
        sent += await _escalate(session, row, today)
    await session.flush()
    return Batch(len(rows), sent, rows[-1][0].id if rows else None)


async def _announce(session: AsyncSession, schedule: InspectionSchedule, today: date) -> None:
    due = next_cycle(schedule.next_due, schedule.every_days, today)
    what = KIND_NAMES.get(UnitKind(schedule.unit_kind), "") if schedule.unit_kind else "各"
    text = (
        f"【定期检查提醒】区域{schedule.area_code}{what}的定期检查于{due.isoformat()}到期，"
        "请按时检查并录入检查结果。"
    )
    await send(
        session,
        f"schedule-due:{schedule.id}:{due.isoformat()}",
        text,
        inspector_recipients(schedule.inspectors),
        channels=[Channel.wecom_app],
    )
    schedule.next_due = due + timedelta(days=schedule.every_days)
    await record(
        session,
        actor=ACTOR,
        action="schedule.announced",
        entity="schedule",
        entity_id=str(schedule.id),
        data={"due": due.isoformat(), "next_due": schedule.next_due.isoformat()},
    )


async def announce_schedules(
    session: AsyncSession, after: uuid.UUID | None = None, now: datetime | None = None
) -> Batch:
    """Tell one batch of schedules' inspectors of the regular inspection due tomorrow (or
    today, or missed), and move each schedule on to its next cycle."""
    today = local_today(now or datetime.now(UTC))
    due = await schedules.due_schedules(session, today + SCHEDULE_NOTICE, after, BATCH)
    for schedule in due:
        await _announce(session, schedule, today)
    await session.flush()
    return Batch(len(due), len(due), due[-1].id if due else None)
