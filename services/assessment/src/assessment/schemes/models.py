"""Scheme tables. A scheme is immutable once a round has run on it (`locked`): a change is a new
version, a new row with the same `code`."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ARRAY, Column, DateTime, Numeric, String, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from assessment.tables import Table


class Measure(StrEnum):
    """How an indicator is measured."""

    findings = "findings"  # inspection findings (检查发现)
    incidents = "incidents"  # incident statistics from the incidents service (警情)
    survey = "survey"  # an awareness or participation rate (知晓率 / 参与率)
    patrol = "patrol"  # patrol coverage (巡防覆盖)
    manual = "manual"  # scored by hand (人工评分)


def _points(**kwargs: Any) -> Any:
    return Field(sa_type=Numeric(7, 2), **kwargs)


def _created() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class Scheme(Table, table=True):
    """A scheme version (考核方案): what it applies to, its full score, its rating bands."""

    __tablename__ = "schemes"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=60)
    version: int = 1
    name: str = Field(max_length=200)
    period: str = Field(max_length=20)  # year, half, quarter, month
    unit_kinds: list[str] = Field(sa_type=ARRAY(String(30)))
    full_score: Decimal = _points(default=Decimal(100))
    bonus_cap: Decimal = _points(default=Decimal(0))
    # [{"name": "优秀", "min": 90}, …] highest first; below the last, or vetoed: the failing band.
    rating_bands: list[dict[str, Any]] = Field(sa_type=JSONB)
    failing_band: str = Field(default="不合格", max_length=20)
    # A finding found unfixed on re-inspection deducts this many times its points (整改不到位).
    unfixed_multiplier: Decimal = _points(default=Decimal(2))
    locked: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    created_at: datetime | None = _created()


class SchemeBlock(Table, table=True):
    """A block of indicators (考核板块); blocks may nest. `cap` limits the block's deductions."""

    __tablename__ = "scheme_blocks"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    scheme_id: uuid.UUID = Field(foreign_key="schemes.id", index=True)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="scheme_blocks.id")
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    max_points: Decimal = _points()
    cap: Decimal | None = _points(default=None)
    position: int = 0


class Indicator(Table, table=True):
    """An indicator (考核指标): its points, how it is measured and its rule.

    `rule` holds the measure's parameters: `per_fault` (points off per fault), `stop_at_zero`
    (扣完为止, default true), and by measure `categories` (incidents), `survey` ("awareness" or
    "participation") and `threshold`, `target_hours` (patrol). `applicable_kinds`, when set, are
    the unit kinds it applies to; for other units it is "not applicable" and leaves the maximum.
    """

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    scheme_id: uuid.UUID = Field(foreign_key="schemes.id", index=True)
    block_id: uuid.UUID = Field(foreign_key="scheme_blocks.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=300)
    max_points: Decimal = _points()
    measure: Measure = Field(sa_type=String(20))
    rule: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    applicable_kinds: list[str] | None = Field(default=None, sa_type=ARRAY(String(30)))
    position: int = 0


class BonusItem(Table, table=True):
    """A bonus item (加分项): awarded with evidence, up to its points; the scheme caps the sum."""

    __tablename__ = "bonus_items"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    scheme_id: uuid.UUID = Field(foreign_key="schemes.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=300)
    max_points: Decimal = _points()


class VetoCondition(Table, table=True):
    """A veto condition (一票否决): met, it fails the unit whatever its score."""

    __tablename__ = "veto_conditions"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    scheme_id: uuid.UUID = Field(foreign_key="schemes.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=300)
    # Incident categories whose major incident at the unit proposes this veto, if any.
    incident_categories: list[str] | None = Field(default=None, sa_type=ARRAY(String(40)))
