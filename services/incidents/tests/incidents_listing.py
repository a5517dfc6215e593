"""Test data for lists, exports and Open311: incidents written directly with chosen times,
statuses and places (a list test needs control the intake route does not give)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from incidents_factories import NANJIE
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident, IncidentStatus, Severity, Source

BASE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PHONE = "13912345678"
MASKED = "139****5678"


def incident_row(**overrides: Any) -> dict[str, Any]:
    """The columns of one incident in 南街 at BASE_TIME, with overrides."""
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "category": "theft",
        "severity": Severity.medium,
        "status": IncidentStatus.reported,
        "title": "南街社区盗窃",
        "description": "电动车在楼下被盗",
        "occurred_at": BASE_TIME,
        "lat": 25.5528,
        "lon": 102.4688,
        "address": "屏山镇南街 12 号",
        "area_code": NANJIE,
        "reporter_name": "王芳",
        "reporter_phone": PHONE,
        "anonymous": False,
        "source": Source.resident,
        "reported_by": "tester",
    }
    row.update(overrides)
    return row


async def add_incidents(session: AsyncSession, *rows: dict[str, Any]) -> list[uuid.UUID]:
    """Insert incidents (one statement); returns their ids in the given order."""
    await session.execute(insert(Incident), list(rows))
    await session.flush()
    return [row["id"] for row in rows]


def hours(n: float) -> timedelta:
    """A shorthand for offsets from BASE_TIME."""
    return timedelta(hours=n)
