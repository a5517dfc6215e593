"""Rounds (考核轮次), what is awarded or vetoed in them, their computed scores and bulletins."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, Numeric, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from assessment.tables import Table


class RoundStatus(StrEnum):
    """Where a round is."""

    open = "open"  # inspections and surveys are being recorded
    computed = "computed"  # scores computed, not yet published
    published = "published"  # frozen as a bulletin; changes are corrections


class VetoStatus(StrEnum):
    """A proposed veto waits for the assessment office."""

    proposed = "proposed"
    confirmed = "confirmed"
    rejected = "rejected"


def _created() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class AssessmentRound(Table, table=True):
    """A round of one scheme version over an area and period."""

    __tablename__ = "assessment_rounds"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    scheme_id: uuid.UUID = Field(foreign_key="schemes.id", index=True)
    name: str = Field(max_length=200)
    area_code: str = Field(max_length=20)
    period_start: date
    period_end: date
    status: RoundStatus = Field(default=RoundStatus.open, sa_type=String(20))
    version: int = 1
    created_by: str = Field(max_length=200)
    created_at: datetime | None = _created()
    computed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    published_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ManualScore(Table, table=True):
    """A deduction scored by hand on a `manual` indicator (人工评分)."""

    __tablename__ = "manual_scores"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", "indicator_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    unit_id: uuid.UUID = Field(foreign_key="units.id")
    indicator_id: uuid.UUID = Field(foreign_key="indicators.id")
    deduction: Decimal = Field(sa_type=Numeric(7, 2))
    note: str | None = Field(default=None, max_length=1000)
    scored_by: str = Field(max_length=200)
    created_at: datetime | None = _created()


class BonusAward(Table, table=True):
    """A bonus awarded to a unit (加分), with its evidence."""

    __tablename__ = "bonus_awards"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    unit_id: uuid.UUID = Field(foreign_key="units.id")
    bonus_item_id: uuid.UUID = Field(foreign_key="bonus_items.id")
    points: Decimal = Field(sa_type=Numeric(7, 2))
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    awarded_by: str = Field(max_length=200)
    created_at: datetime | None = _created()


class Veto(Table, table=True):
    """A veto (一票否决) proposed for a unit — by hand or from a major incident — that applies
    only once an admin confirms it, with a reason."""

    __tablename__ = "vetoes"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    unit_id: uuid.UUID = Field(foreign_key="units.id")
    veto_condition_id: uuid.UUID = Field(foreign_key="veto_conditions.id")
    reason: str = Field(max_length=2000)
    incident_id: str | None = Field(default=None, max_length=100)
    status: VetoStatus = Field(default=VetoStatus.proposed, sa_type=String(20))
    proposed_by: str = Field(max_length=200)
    decided_by: str | None = Field(default=None, max_length=200)
    decision_reason: str | None = Field(default=None, max_length=2000)
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime | None = _created()


class UnitScore(Table, table=True):
    """A unit's computed score in a round, with the provenance of every number (`details`)."""

    __tablename__ = "unit_scores"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    unit_id: uuid.UUID = Field(foreign_key="units.id")
    total: Decimal = Field(sa_type=Numeric(7, 2))
    bonus: Decimal = Field(sa_type=Numeric(7, 2))
    rating: str = Field(max_length=20)
    vetoed: bool = False
    rank: int | None = None  # within the unit's kind and area
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    computed_at: datetime | None = _created()


class Bulletin(Table, table=True):
    """A published round (通报): frozen scores, ranks, ratings, commendations, carried
    deductions and accountability. A correction is a new version with a reason."""

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("round_id", "version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="assessment_rounds.id", index=True)
    version: int = 1
    content: dict[str, Any] = Field(sa_type=JSONB)
    reason: str | None = Field(default=None, max_length=2000)  # a correction's reason
    published_by: str = Field(max_length=200)
    published_at: datetime | None = _created()
