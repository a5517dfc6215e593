"""What reporting an incident tells people: a `send_message` job through the outbox, to the
on-duty contacts of its area (the write statement resolves them, see `intake.writes`)."""

from __future__ import annotations

import uuid

from incidents.intake.models import Severity
from incidents.intake.records import IncidentRecord
from incidents.intake.writes import OutboxMessage
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB, Priority, Recipient, SendMessage
from pingan_shared.queue import NOTIFY_QUEUE
from pingan_shared.settings import business_timezone

TEMPLATE_INCIDENT_REPORTED = "incident_reported"
LOCAL_TIME = business_timezone()
_PRIORITY = {
    Severity.low: Priority.routine,
    Severity.medium: Priority.routine,
    Severity.high: Priority.urgent,
    Severity.critical: Priority.critical,
}
# The contract needs a recipient to validate; the real ones are added by the database.
_PLACEHOLDER = [Recipient(wecom_robot_key="resolved-by-the-database")]


def incident_reported_message(
    incident: IncidentRecord, area_name: str, category_name: str
) -> OutboxMessage:
    """The `send_message` job announcing a new incident, without its recipients."""
    message = SendMessage(
        message_key=f"incident-reported:{incident.id}",
        template=TEMPLATE_INCIDENT_REPORTED,
        params={
            "incident_id": str(incident.id),
            "category": category_name,
            "severity": incident.severity.value,
            "area": area_name,
            "title": incident.title,
            "description": incident.description[:200],
            "address": incident.address or "",
            "occurred_at": incident.occurred_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
        },
        recipients=_PLACEHOLDER,
        priority=_PRIORITY[incident.severity],
        source="incidents",
    )
    return OutboxMessage(
        id=uuid.uuid4(),
        queue=NOTIFY_QUEUE,
        job=SEND_MESSAGE_JOB,
        payload=message.model_dump(mode="json", exclude={"recipients"}),
    )
