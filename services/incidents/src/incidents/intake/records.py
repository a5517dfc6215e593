"""An incident as the intake path holds it before and after writing: plain data, no ORM state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from incidents.intake.models import IncidentStatus, Severity, Source


@dataclass(slots=True)
class IncidentRecord:
    """The columns of one incident, as written by the intake statement."""

    id: uuid.UUID
    category: str
    severity: Severity
    title: str
    description: str
    occurred_at: datetime
    occurred_from: datetime | None
    occurred_to: datetime | None
    lat: float
    lon: float
    address: str | None
    area_code: str
    reporter_name: str | None
    reporter_phone: str | None
    anonymous: bool
    source: Source
    source_system: str | None
    external_ref: str | None
    reported_by: str
    created_at: datetime
    updated_at: datetime
    status: IncidentStatus = IncidentStatus.reported
    version: int = 1
