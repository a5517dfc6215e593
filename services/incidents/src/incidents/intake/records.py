"""An incident as the intake path holds it before and after writing: plain data, no ORM state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

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
    place_id: uuid.UUID | None = None
    suspect_count: int | None = None
    suspect_gender: str | None = None
    suspect_age_band: str | None = None
    suspect_non_local: bool | None = None
    suspect_traits: str | None = None
    modus_operandi: list[str] = field(default_factory=list)
    loss_amount: Decimal | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    status: IncidentStatus = IncidentStatus.reported
    version: int = 1
