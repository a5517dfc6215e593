"""API shapes of rectifications (整改)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from assessment.inspections.models import RectificationStatus
from assessment.inspections.schemas import Evidence, Text

STATUS_DESCRIPTION = (
    "open 待整改, answered 已答复 (awaiting re-inspection), closed 已整改, "
    "unfixed 整改不到位 (the deduction multiplies), overdue 逾期未整改"
)


class RectificationAnswer(BaseModel):
    """The unit's answer (整改答复): what it did, with evidence."""

    model_config = ConfigDict(extra="forbid")

    answer: Text = Field(examples=["已补齐门卫值班记录，并安排专人每日检查"])
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class RectificationVerdict(BaseModel):
    """What the re-inspection (复查) found: fixed (closed), or not (unfixed)."""

    model_config = ConfigDict(extra="forbid")

    reinspection_id: uuid.UUID = Field(
        description="The submitted re-inspection of the finding's inspection"
    )
    fixed: bool = Field(description="true: closed (已整改); false: unfixed (整改不到位)")


class RectificationOut(BaseModel):
    """A rectification a confirmed finding requires (整改)."""

    id: uuid.UUID
    finding_id: uuid.UUID
    inspection_id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    indicator_id: uuid.UUID
    deduction: Decimal = Field(description="The finding's points off (扣分)")
    deadline: date = Field(description="Rectify by this day (整改期限)")
    status: RectificationStatus = Field(description=STATUS_DESCRIPTION)
    answer: str | None = None
    answer_evidence: list[Evidence]
    answered_at: datetime | None = None
    reinspection_id: uuid.UUID | None = None
    closed_at: datetime | None = None
    reminded: list[str] = Field(description="Reminders and escalations sent (提醒/督办)")
    created_at: datetime
    version: int
