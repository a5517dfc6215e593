"""Incident and category tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, DateTime, Index, Numeric, String, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field

from incidents.places import models as _places  # noqa: F401 - `incidents.place_id` refers to it
from incidents.tables import Table


class Severity(StrEnum):
    """How serious an incident is."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class Source(StrEnum):
    """The channel an incident came in through."""

    resident = "resident"  # 群众
    patrol = "patrol"  # 巡防队员
    police_office = "police_office"  # 警务室
    community_staff = "community_staff"  # 社区工作人员
    county_system = "county_system"  # 县级系统


class IncidentStatus(StrEnum):
    """Where an incident is in its handling (上报 → 受理 → 分拨 → 处置 → 办结)."""

    reported = "reported"
    accepted = "accepted"
    rejected = "rejected"
    merged = "merged"
    dispatched = "dispatched"
    in_progress = "in_progress"
    resolved = "resolved"
    closed = "closed"
    reopened = "reopened"


class Category(Table, table=True):
    """An incident category of the managed catalogue (案件类型)."""

    __tablename__ = "categories"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=40)
    default_severity: Severity
    active: bool = True


def _timestamp(nullable: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), server_default=func.now(), nullable=nullable)


class Incident(Table, table=True):
    """A reported incident (警情)."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("source_system", "external_ref"),
        Index("ix_incidents_area_code_occurred", "area_code", "occurred_at"),
        Index(
            "ix_incidents_area_code_pattern",
            "area_code",
            postgresql_ops={"area_code": "text_pattern_ops"},
        ),
        Index("ix_incidents_created_at_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    category: str = Field(foreign_key="categories.code", max_length=40)
    severity: Severity
    status: IncidentStatus = IncidentStatus.reported
    title: str = Field(max_length=200)
    description: str
    occurred_at: datetime = Field(sa_type=DateTime(timezone=True))
    occurred_from: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    occurred_to: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    lat: float
    lon: float
    address: str | None = Field(default=None, max_length=300)
    area_code: str = Field(foreign_key="areas.code", max_length=20)
    reporter_name: str | None = Field(default=None, max_length=100)
    reporter_phone: str | None = Field(default=None, max_length=20)
    anonymous: bool = False
    source: Source
    source_system: str | None = Field(default=None, max_length=100)
    external_ref: str | None = Field(default=None, max_length=200)
    reported_by: str = Field(max_length=200)
    place_id: uuid.UUID | None = Field(default=None, foreign_key="places.id")
    suspect_count: int | None = None
    suspect_gender: str | None = Field(default=None, sa_type=String(10))
    suspect_age_band: str | None = Field(default=None, sa_type=String(10))
    suspect_non_local: bool | None = None
    suspect_traits: str | None = Field(default=None, max_length=500)
    modus_operandi: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String(40)), nullable=False, server_default="{}"),
    )
    loss_amount: Decimal | None = Field(default=None, sa_type=Numeric(12, 2))
    attachments: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    version: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    created_at: datetime | None = Field(default=None, sa_column=_timestamp())
    updated_at: datetime | None = Field(default=None, sa_column=_timestamp())
