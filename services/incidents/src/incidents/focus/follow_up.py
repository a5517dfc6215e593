"""Relentless follow-up (跟踪督办) of focus problems: the owner is reminded 14 and 3 days before the
target date; an unsolved problem is overdue the day after it and escalated to the duty contacts
of the area above, one more level each 30 days.

Each reminder and escalation is recorded once per (problem, kind, target date, step), in the
same transaction as its `send_message` job in the outbox, so a second run sends nothing. The
message key carries the same parts, so notify drops a copy too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas import repository as areas
from incidents.areas.models import Contact
from incidents.focus import repository
from incidents.focus.models import FocusProblem, FocusReminder, FocusStatus, ReminderKind
from incidents.focus.rules import REMINDER_DAYS, escalation_step, local_today, reminder_step
from incidents.tables import infrastructure
from incidents.workflow.notifications import contact_recipient
from incidents.workflow.repository import ancestor_codes
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB, Priority, Recipient, SendMessage
from pingan_shared.outbox import add_job
from pingan_shared.queue import NOTIFY_QUEUE

TEMPLATE = "generic_text"
BATCH = 100
log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Batch:
    """What one batch did, and the last problem it looked at (the next batch starts after it)."""

    looked_at: int
    reminded: int
    escalated: int
    last: uuid.UUID | None


def _contacts(contacts: list[Contact]) -> list[Recipient]:
    return [r for r in (contact_recipient(c) for c in contacts) if r is not None]


async def _owner(session: AsyncSession, problem: FocusProblem) -> tuple[str, list[Recipient]]:
    """The owner's name and address; the area's duty contacts when the owner cannot be reached."""
    if problem.owner_contact_id is not None:
        contact = await session.get(Contact, problem.owner_contact_id)
        found = _contacts([contact]) if contact else []
        name = contact.name if contact else problem.owner_name or ""
    else:
        name = problem.owner_name or problem.owner_phone or problem.owner_wecom_user_id or ""
        found = [
            Recipient(
                name=problem.owner_name,
                phone=problem.owner_phone,
                wecom_user_id=problem.owner_wecom_user_id,
            )
        ]
    if not found:
        found = _contacts(await areas.duty_contacts(session, problem.area_code))
    return name, found


async def _send(
    session: AsyncSession, key: str, text: str, recipients: list[Recipient], priority: Priority
) -> None:
    if not recipients:
        log.warning("focus_problem_nobody_to_tell", message_key=key)
        return
    message = SendMessage(
        message_key=key,
        template=TEMPLATE,
        params={"text": text},
        recipients=recipients,
        priority=priority,
        source="incidents",
    )
    await add_job(
        session, infrastructure.outbox, queue=NOTIFY_QUEUE, job=SEND_MESSAGE_JOB, payload=message
    )


async def _area_name(session: AsyncSession, code: str) -> str:
    area = await areas.get_area(session, code)
    return area.name if area else code


async def _remind(session: AsyncSession, problem: FocusProblem, today: date, now: datetime) -> bool:
    step = reminder_step(problem.target_date, today)
    if step is None:
        return False
    reminder = FocusReminder(
        problem_id=problem.id,
        kind=ReminderKind.due.value,
        target_date=problem.target_date,
        step=step,
        area_code=problem.area_code,
        at=now,
    )
    if not await repository.record_reminder(session, reminder):
        return False
    owner, recipients = await _owner(session, problem)
    left = (problem.target_date - today).days
    when = "今天到期" if left == 0 else f"还剩{left}天"
    text = (
        f"【突出问题提醒】{await _area_name(session, problem.area_code)}“{problem.title}”"
        f"整改期限为{problem.target_date.isoformat()}，{when}（责任人：{owner}）。"
        "请落实整治措施，并在系统中录入已采取的措施。"
    )
    key = f"focus-due:{problem.id}:{problem.target_date.isoformat()}:{step}"
    await _send(session, key, text, recipients, Priority.routine)
    return True


async def _escalate(
    session: AsyncSession, problem: FocusProblem, today: date, now: datetime
) -> bool:
    if today <= problem.target_date:
        return False
    if problem.status == FocusStatus.open:
        problem.status = FocusStatus.overdue.value
        problem.version += 1
        problem.updated_at = now
    ancestors = await ancestor_codes(session, problem.area_code)
    level = escalation_step(problem.target_date, today, len(ancestors))
    if level is None:
        return False  # the top of the tree: nobody above to tell
    area_code = ancestors[level - 1]
    reminder = FocusReminder(
        problem_id=problem.id,
        kind=ReminderKind.escalated.value,
        target_date=problem.target_date,
        step=level,
        area_code=area_code,
        at=now,
    )
    if not await repository.record_reminder(session, reminder):
        return False
    problem.escalation_level = max(problem.escalation_level, level)
    problem.version += 1
    owner, _ = await _owner(session, problem)
    days = (today - problem.target_date).days
    text = (
        f"【突出问题督办】{await _area_name(session, problem.area_code)}“{problem.title}”"
        f"已超过整改期限（{problem.target_date.isoformat()}）{days}天仍未解决，"
        f"责任人：{owner}。请督促落实整治措施。"
    )
    recipients = _contacts(await areas.duty_contacts(session, area_code))
    key = f"focus-escalated:{problem.id}:{problem.target_date.isoformat()}:{level}"
    await _send(session, key, text, recipients, Priority.urgent)
    return True


async def follow_up_batch(
    session: AsyncSession, after: uuid.UUID | None = None, now: datetime | None = None
) -> Batch:
    """Remind or escalate one batch of unsolved problems whose target date is near or past."""
    now = now or datetime.now(UTC)
    today = local_today(now)
    until = today + timedelta(days=max(REMINDER_DAYS))
    problems = await repository.due_for_follow_up(session, until, BATCH, after)
    reminded = escalated = 0
    for problem in problems:
        if await _remind(session, problem, today, now):
            reminded += 1
        if await _escalate(session, problem, today, now):
            escalated += 1
    await session.flush()
    last = problems[-1].id if problems else None
    return Batch(len(problems), reminded, escalated, last)
