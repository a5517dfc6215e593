"""What reporting an incident tells people: a `send_message` job through the outbox."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas import repository as areas
from incidents.areas.models import Area
from incidents.intake.models import Incident, Severity
from incidents.tables import infrastructure
from pingan_shared.contracts.messages import (
    SEND_MESSAGE_JOB,
    Priority,
    Recipient,
    SendMessage,
)
from pingan_shared.outbox import add_job
from pingan_shared.queue import NOTIFY_QUEUE

TEMPLATE_INCIDENT_REPORTED = "incident_reported"
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
_PRIORITY = {
    Severity.low: Priority.routine,
    Severity.medium: Priority.routine,
    Severity.high: Priority.urgent,
    Severity.critical: Priority.critical,
}


async def notify_incident_reported(
    session: AsyncSession, incident: Incident, area: Area, category_name: str
) -> None:
    """Queue a message to the on-duty contacts of the incident's area (or nearest ancestor)."""
    contacts = await areas.duty_contacts(session, area.code)
    recipients = [
        Recipient(
            name=c.name,
            phone=c.phone,
            wecom_user_id=c.wecom_user_id,
            wecom_robot_key=c.wecom_robot_key,
        )
        for c in contacts
        if c.phone or c.wecom_user_id or c.wecom_robot_key
    ]
    if not recipients:
        return
    message = SendMessage(
        message_key=f"incident-reported:{incident.id}",
        template=TEMPLATE_INCIDENT_REPORTED,
        params={
            "incident_id": str(incident.id),
            "category": category_name,
            "severity": incident.severity.value,
            "area": area.name,
            "title": incident.title,
            "description": incident.description[:200],
            "address": incident.address or "",
            "occurred_at": incident.occurred_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
        },
        recipients=recipients,
        priority=_PRIORITY[incident.severity],
        source="incidents",
    )
    await add_job(
        session, infrastructure.outbox, queue=NOTIFY_QUEUE, job=SEND_MESSAGE_JOB, payload=message
    )
