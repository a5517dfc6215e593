"""What the workflow tells people: `send_message` jobs through the outbox, written in the same
transaction as the change they report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas import repository as areas
from incidents.areas.models import Contact
from incidents.intake.models import Category, Incident, Severity
from incidents.intake.notifications import _PRIORITY as PRIORITY_BY_SEVERITY
from incidents.intake.notifications import LOCAL_TIME
from incidents.tables import infrastructure
from incidents.workflow import repository
from incidents.workflow.dispatch import (
    DutyTeam,
    OnDutyLookup,
    contact_by_id,
    nearest_police_office,
)
from incidents.workflow.models import TargetKind
from incidents.workflow.schemas import TargetOut
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB, Priority, Recipient, SendMessage
from pingan_shared.outbox import add_job
from pingan_shared.queue import NOTIFY_QUEUE

TEMPLATE_DISPATCHED = "incident_dispatched"
TEMPLATE_RESOLVED = "incident_resolved"
TEMPLATE_ESCALATED = "incident_escalated"
SEVERE = frozenset({Severity.high, Severity.critical})


def contact_recipient(contact: Contact) -> Recipient | None:
    """A duty contact as a message recipient, if it has any address."""
    if not (contact.phone or contact.wecom_user_id or contact.wecom_robot_key):
        return None
    return Recipient(
        name=contact.name,
        phone=contact.phone,
        wecom_user_id=contact.wecom_user_id,
        wecom_robot_key=contact.wecom_robot_key,
    )


def team_recipients(team: DutyTeam) -> list[Recipient]:
    """The members of a team on duty, leader first."""
    members = sorted(team.members, key=lambda m: not m.is_leader)
    return [
        Recipient(name=m.name, phone=m.phone, wecom_user_id=m.wecom_user_id)
        for m in members
        if m.phone or m.wecom_user_id
    ]


def _unique(recipients: Iterable[Recipient | None]) -> list[Recipient]:
    seen: set[tuple[str | None, ...]] = set()
    result = []
    for r in recipients:
        if r is None:
            continue
        key = (r.phone, r.wecom_user_id, r.wecom_robot_key, r.openid)
        if key not in seen:
            seen.add(key)
            result.append(r)
    return result


async def _send(
    session: AsyncSession,
    key: str,
    template: str,
    params: dict[str, Any],
    recipients: list[Recipient],
    priority: Priority,
) -> None:
    if not recipients:
        return
    message = SendMessage(
        message_key=key,
        template=template,
        params=params,
        recipients=recipients,
        priority=priority,
        source="incidents",
    )
    await add_job(
        session, infrastructure.outbox, queue=NOTIFY_QUEUE, job=SEND_MESSAGE_JOB, payload=message
    )


async def _about(session: AsyncSession, incident: Incident) -> dict[str, Any]:
    """The parameters every incident message has: id, title, and the Chinese names of its area
    and category."""
    area = await areas.get_area(session, incident.area_code)
    category = await session.get(Category, incident.category)
    return {
        "incident_id": str(incident.id),
        "title": incident.title,
        "area": area.name if area else incident.area_code,
        "category": category.name if category else incident.category,
    }


async def _target_recipients(
    session: AsyncSession,
    target: TargetOut,
    team: DutyTeam | None,
    lookup: OnDutyLookup,
    now: datetime,
) -> list[Recipient]:
    area_code = target.area_code or ""
    recipients: list[Recipient] = []
    if target.kind == TargetKind.patrol_team:
        if team is None:
            on_duty = await lookup(session, area_code, now)
            team = next((t for t in on_duty if t.team_id == target.id), None)
        recipients = team_recipients(team) if team else []
    elif target.id is not None:
        contact = await contact_by_id(session, target.id)
        recipients = _unique([contact_recipient(contact)] if contact else [])
    if not recipients:
        # Nobody of the target is reachable (an off-duty team, a name only): the area's duty
        # contacts pass it on.
        contacts = await areas.duty_contacts(session, area_code)
        recipients = _unique(contact_recipient(c) for c in contacts)
    return recipients


async def notify_dispatched(
    session: AsyncSession,
    incident: Incident,
    target: TargetOut,
    team: DutyTeam | None,
    lookup: OnDutyLookup,
    now: datetime,
) -> None:
    """Tell the target (the team's members on duty, or the contact); for high and critical
    severity also the area's police office."""
    recipients = await _target_recipients(session, target, team, lookup, now)
    if incident.severity in SEVERE:
        police = await nearest_police_office(session, incident.area_code)
        recipients = _unique([*recipients, contact_recipient(police) if police else None])
    params = {
        **await _about(session, incident),
        "severity": incident.severity.value,
        "target": target.name or target.id or "",
        "address": incident.address or "",
        "occurred_at": incident.occurred_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
    }
    key = f"incident-dispatched:{incident.id}:{incident.version}"
    priority = PRIORITY_BY_SEVERITY[incident.severity]
    await _send(session, key, TEMPLATE_DISPATCHED, params, recipients, priority)


async def notify_resolved(
    session: AsyncSession, incident: Incident, note: str, now: datetime
) -> None:
    """Tell the reporter (unless anonymous) and the reporters of merged duplicates."""
    reporters = [incident, *await repository.follower_reporters(session, incident.id)]
    recipients = _unique(
        Recipient(name=r.reporter_name, phone=r.reporter_phone)
        for r in reporters
        if not r.anonymous and r.reporter_phone
    )
    params = {
        "incident_id": str(incident.id),
        "title": incident.title,
        "note": note[:200],
        "resolved_at": now.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
    }
    key = f"incident-resolved:{incident.id}:{incident.version}"
    await _send(session, key, TEMPLATE_RESOLVED, params, recipients, Priority.routine)


async def notify_escalated(
    session: AsyncSession,
    incident: Incident,
    *,
    area_code: str,
    level: int,
    stage: str,
    overdue_minutes: int,
    round_: int,
) -> None:
    """Tell the duty contacts of the area `level` steps above the incident's that it is overdue."""
    contacts = await areas.duty_contacts(session, area_code)
    recipients = _unique(contact_recipient(c) for c in contacts)
    params = {
        **await _about(session, incident),
        "overdue_minutes": overdue_minutes,
        "level": level,
        "stage": stage,
    }
    key = f"incident-escalated:{incident.id}:{round_}:{stage}:{level}"
    priority = max(PRIORITY_BY_SEVERITY[incident.severity], Priority.urgent, key=_urgency)
    await _send(session, key, TEMPLATE_ESCALATED, params, recipients, priority)


def _urgency(priority: Priority) -> int:
    return [Priority.routine, Priority.urgent, Priority.critical].index(priority)
