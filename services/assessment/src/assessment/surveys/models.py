"""Survey samples (抽样调查): how many were asked, aware, taking part."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, DateTime, func
from sqlmodel import Field

from assessment.tables import Table


def _created() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class SurveySample(Table, table=True):
    """One sample of a unit or an area in a period: n asked, n aware, n taking part."""

    __tablename__ = "survey_samples"
    __table_args__ = (
        CheckConstraint("n_aware <= n_asked AND n_participating <= n_asked", name="counts"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID | None = Field(default=None, foreign_key="assessment_rounds.id")
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="units.id", index=True)
    area_code: str = Field(max_length=20)
    period_start: date
    period_end: date
    n_asked: int
    n_aware: int
    n_participating: int
    method: str | None = Field(default=None, max_length=200)
    recorded_by: str = Field(max_length=200)
    created_at: datetime | None = _created()
