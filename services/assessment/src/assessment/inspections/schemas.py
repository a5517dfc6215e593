"""API shapes of inspections (检查) and their findings (检查发现)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AnyHttpUrl, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from assessment.inspections.models import InspectionKind, InspectionStatus

KIND_DESCRIPTION = (
    "regular 定期检查 (from a schedule), spot 临时抽查 (from a draw), open 明查, covert 暗访 "
    "(sealed on submission until the round's bulletin is published)"
)
Account = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Field(description="An inspector's account id (the token's `sub`, their WeCom user id)"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Evidence(BaseModel):
    """A photo kept elsewhere (证据照片): where it is, and its SHA-256 to prove it unchanged."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(examples=["https://files.example.cn/inspections/0001.jpg"])
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file, lowercase hex")


class Location(BaseModel):
    """Where the inspection took place, WGS-84."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, examples=[25.5561])
    lon: float = Field(ge=-180, le=180, examples=[102.4682])


class InspectionCreate(BaseModel):
    """An inspection to record (录入检查)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "round_id": "6f1c2b9e-0000-4000-8000-000000000001",
                    "unit_id": "6f1c2b9e-0000-4000-8000-000000000002",
                    "kind": "open",
                    "inspectors": ["li.wei", "wang.fang"],
                    "inspected_at": "2026-11-28T10:30:00+08:00",
                    "location": {"lat": 25.5561, "lon": 102.4682},
                    "notes": "门卫室值班记录不全",
                }
            ]
        },
    )

    round_id: uuid.UUID = Field(description="The assessment round (考核轮次)")
    unit_id: uuid.UUID = Field(description="The unit inspected (被考核对象)")
    kind: InspectionKind = Field(description=KIND_DESCRIPTION)
    inspectors: list[Account] = Field(min_length=1, max_length=10, description="检查人员")
    inspected_at: AwareDatetime = Field(description="When the visit took place (检查时间)")
    location: Location | None = None
    notes: Text | None = Field(default=None, description="Notes (检查记录)")
    draw_id: uuid.UUID | None = Field(
        default=None, description="Required for a spot inspection: the draw that chose the unit"
    )
    schedule_id: uuid.UUID | None = Field(
        default=None, description="Required for a regular inspection: its schedule (检查计划)"
    )
    reinspection_of: uuid.UUID | None = Field(
        default=None,
        description="The inspection this one re-checks (复查); done by other inspectors",
    )


class FindingCreate(BaseModel):
    """A finding on one indicator (检查发现): how many faults were found."""

    model_config = ConfigDict(extra="forbid")

    indicator_id: uuid.UUID = Field(description="An indicator (指标) of the round's scheme")
    faults: int = Field(default=1, ge=1, le=1000, description="Faults found (问题处数)")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class FindingOut(BaseModel):
    """A finding; it counts (`confirmed`) only once a second person confirmed it (四眼原则)."""

    id: uuid.UUID
    inspection_id: uuid.UUID
    indicator_id: uuid.UUID
    faults: int
    deduction: Decimal = Field(description="Points off (扣分): faults × per fault, at most max")
    note: str | None = None
    evidence: list[Evidence]
    author: str
    confirmed: bool
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    created_at: datetime


class InspectionOut(BaseModel):
    """An inspection. A covert one is `sealed` until its round's bulletin is published: then
    only its existence, `commitment` and dates are shown, to anyone but the assessment office."""

    id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    kind: InspectionKind
    status: InspectionStatus
    sealed: bool = Field(description="Content withheld until the bulletin (暗访结果密封)")
    inspectors: list[str] | None = None
    inspected_at: datetime | None = None
    location: Location | None = None
    notes: str | None = None
    draw_id: uuid.UUID | None = None
    reinspection_of: uuid.UUID | None = None
    commitment: str | None = Field(
        default=None, description="SHA-256 of the sealed result (covert inspections)"
    )
    seal_salt: str | None = Field(
        default=None, description="The salt inside the commitment, shown once revealed"
    )
    revealed_at: datetime | None = None
    created_by: str | None = None
    created_at: datetime
    submitted_at: datetime | None = None
    version: int
    findings: list[FindingOut] | None = None


class FindingConfirm(BaseModel):
    """Confirming a finding (复核确认) by a second person; it opens a rectification (整改)."""

    model_config = ConfigDict(extra="forbid")

    rectification_deadline: date = Field(
        description="The unit must rectify by this day (整改期限), business time zone; not past"
    )
