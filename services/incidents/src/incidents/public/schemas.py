"""API shapes of residents' reports."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from incidents.intake.details import Attachment
from incidents.intake.models import IncidentStatus
from incidents.intake.schemas import AREA_CODE, Location, Reporter

STATUS_NAMES = {
    IncidentStatus.reported: "已上报",
    IncidentStatus.accepted: "已受理",
    IncidentStatus.rejected: "不予受理",
    IncidentStatus.merged: "已合并",
    IncidentStatus.dispatched: "已分拨",
    IncidentStatus.in_progress: "处置中",
    IncidentStatus.resolved: "已办结",
    IncidentStatus.closed: "已关闭",
    IncidentStatus.reopened: "重新处理",
}


class PublicReport(BaseModel):
    """A resident's report (群众上报); leave out `reporter`, or set `anonymous`, to stay anonymous."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    description: str = Field(min_length=1, max_length=2000)
    occurred_at: AwareDatetime | None = None
    occurred_from: AwareDatetime | None = None
    occurred_to: AwareDatetime | None = None
    location: Location
    area_code: str | None = Field(default=None, pattern=AREA_CODE)
    reporter: Reporter | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=9)


class PublicReceiptOut(BaseModel):
    """What a resident keeps: the receipt code follows the report (the only time it is shown)."""

    receipt: str
    incident_id: uuid.UUID
    status: IncidentStatus
    status_name: str
    category_name: str
    reported_at: datetime


class PublicStatusOut(BaseModel):
    """Where a resident's report stands (no one's personal data)."""

    incident_id: uuid.UUID
    status: IncidentStatus
    status_name: str
    category_name: str
    area_code: str
    reported_at: datetime
    updated_at: datetime
