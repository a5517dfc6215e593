"""Inspections, their findings, rectifications, schedules and spot-check draws."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ARRAY, Column, DateTime, Numeric, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from assessment.tables import Table


class InspectionKind(StrEnum):
    """The four kinds of inspection."""

    regular = "regular"  # 定期检查
    spot = "spot"  # 临时抽查
    open = "open"  # 明查
    covert = "covert"  # 暗访


class InspectionStatus(StrEnum):
    """An inspection is drafted, then submitted (covert ones sealed until publication)."""

    draft = "draft"
    submitted = "submitted"


class RectificationStatus(StrEnum):
    """整改: open → answered → closed, or unfixed (the deduction multiplies), or overdue."""

    open = "open"
    answered = "answered"
    closed = "closed"
    unfixed = "unfixed"
    overdue = "overdue"


def _created() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class Inspection(Table, table=True):
    """One visit to one unit. A covert one's content is sealed on submission: `commitment` is
    the SHA-256 of its canonical result, checked when the round's bulletin reveals it."""

    __tablename__ = "inspections"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    unit_id: uuid.UUID = Field(foreign_key="units.id", index=True)
    kind: InspectionKind = Field(sa_type=String(20))
    status: InspectionStatus = Field(default=InspectionStatus.draft, sa_type=String(20))
    inspectors: list[str] = Field(sa_type=ARRAY(String(200)))
    inspected_at: datetime = Field(sa_type=DateTime(timezone=True))
    lat: float | None = None
    lon: float | None = None
    notes: str | None = Field(default=None, max_length=4000)
    draw_id: uuid.UUID | None = Field(default=None, foreign_key="spot_draws.id")
    reinspection_of: uuid.UUID | None = Field(default=None, foreign_key="inspections.id")
    commitment: str | None = Field(default=None, max_length=64)
    # The random salt inside the commitment: kept here, never shown, until the reveal.
    seal_salt: str | None = Field(default=None, max_length=64)
    revealed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_by: str = Field(max_length=200)
    created_at: datetime | None = _created()
    submitted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    version: int = 1


class Finding(Table, table=True):
    """A finding (检查发现) on one indicator: faults and the deduction they make. It counts only
    once a second person, not its author, confirms it (four eyes)."""

    __tablename__ = "findings"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    inspection_id: uuid.UUID = Field(foreign_key="inspections.id", index=True)
    indicator_id: uuid.UUID = Field(foreign_key="indicators.id", index=True)
    faults: int = 1
    deduction: Decimal = Field(sa_type=Numeric(7, 2))
    note: str | None = Field(default=None, max_length=2000)
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    author: str = Field(max_length=200)
    confirmed_by: str | None = Field(default=None, max_length=200)
    confirmed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime | None = _created()


class Rectification(Table, table=True):
    """The rectification a finding requires (整改), its deadline and how it ended."""

    __tablename__ = "rectifications"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    finding_id: uuid.UUID = Field(foreign_key="findings.id", unique=True)
    deadline: date
    status: RectificationStatus = Field(default=RectificationStatus.open, sa_type=String(20))
    answer: str | None = Field(default=None, max_length=4000)
    answer_evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    answered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    reinspection_id: uuid.UUID | None = Field(default=None, foreign_key="inspections.id")
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    reminded: list[str] = Field(default_factory=list, sa_type=ARRAY(String(20)))
    created_at: datetime | None = _created()
    version: int = 1


class InspectionSchedule(Table, table=True):
    """A recurring regular inspection (定期检查) of a unit kind in an area."""

    __tablename__ = "inspection_schedules"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    unit_kind: str | None = Field(default=None, max_length=30)
    area_code: str = Field(max_length=20)
    every_days: int
    next_due: date
    inspectors: list[str] = Field(sa_type=ARRAY(String(200)))
    created_by: str = Field(max_length=200)
    created_at: datetime | None = _created()


class SpotDraw(Table, table=True):
    """A spot-check draw (抽查): the candidates and the seed are recorded before the draw, so
    anyone can recompute the same selection from the two; `rule` states any weighting."""

    __tablename__ = "spot_draws"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    seed: str = Field(max_length=128)
    size: int
    candidates: list[dict[str, Any]] = Field(sa_type=JSONB)  # [{"unit_id": …, "weight": …}]
    rule: str = Field(max_length=1000)
    selected: list[str] | None = Field(default=None, sa_type=JSONB)
    drawn_by: str = Field(max_length=200)
    created_at: datetime | None = _created()
    drawn_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
