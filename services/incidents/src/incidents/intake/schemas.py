"""API shapes of incident intake."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from incidents.duplicates.schemas import PossibleDuplicate
from incidents.intake.details import Attachment, LossAmount, ModusOperandiTag, Suspects
from incidents.intake.models import IncidentStatus, Severity, Source

CHINESE_MOBILE = r"^1[3-9]\d{9}$"
AREA_CODE = r"^\d{6,20}$"
FUTURE_TOLERANCE = timedelta(minutes=5)


class Location(BaseModel):
    """Where it happened: WGS-84 by default; `coord_system: "gcj02"` for map-app coordinates."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, examples=[25.5561])
    lon: float = Field(ge=-180, le=180, examples=[102.4682])
    coord_system: Literal["wgs84", "gcj02"] = "wgs84"
    address: str | None = Field(default=None, max_length=300, examples=["屏山镇南街 12 号楼下"])


class Reporter(BaseModel):
    """Who reported it (报警人); omit, or set `anonymous`, to report anonymously."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, pattern=CHINESE_MOBILE, examples=["13812345678"])
    anonymous: bool = False


class IncidentCreate(BaseModel):
    """A report (警情上报). Give `occurred_at`, or a window `occurred_from`–`occurred_to` when the
    time is only known to lie between two moments (burglaries found after the fact)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "category": "theft",
                    "description": "电动车在楼下被盗",
                    "occurred_at": "2026-11-28T21:30:00+08:00",
                    "location": {"lat": 25.5561, "lon": 102.4682},
                    "area_code": "530128100001",
                }
            ]
        },
    )

    category: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    severity: Severity | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    occurred_at: AwareDatetime | None = None
    occurred_from: AwareDatetime | None = None
    occurred_to: AwareDatetime | None = None
    location: Location
    area_code: str | None = Field(
        default=None,
        pattern=AREA_CODE,
        description="The area (区划代码); left out, it is the deepest area whose boundary holds "
        "the location",
    )
    reporter: Reporter | None = None
    source: Source | None = None
    external_ref: str | None = Field(default=None, min_length=1, max_length=200)
    place_id: uuid.UUID | None = Field(default=None, description="A registered place (场所)")
    suspects: Suspects | None = None
    modus_operandi: list[ModusOperandiTag] = Field(
        default_factory=list, max_length=10, description="Modus operandi tags (作案手段)"
    )
    loss_amount: LossAmount | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _time_given(self) -> Self:
        window = (self.occurred_from, self.occurred_to)
        if self.occurred_at is None and None in window:
            raise ValueError("give occurred_at, or both occurred_from and occurred_to")
        if None not in window and self.occurred_from > self.occurred_to:  # type: ignore[operator]
            raise ValueError("occurred_from must not be after occurred_to")
        return self


class LocationOut(BaseModel):
    """A stored location (WGS-84)."""

    lat: float
    lon: float
    address: str | None = None


class ReporterOut(BaseModel):
    """The reporter as the caller may see them; the phone is masked for most roles."""

    name: str | None = None
    phone: str | None = None


class IncidentOut(BaseModel):
    """An incident (警情)."""

    id: uuid.UUID
    status: IncidentStatus
    version: int
    category: str
    category_name: str
    severity: Severity
    title: str
    description: str
    occurred_at: datetime
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    location: LocationOut
    area_code: str
    anonymous: bool
    reporter: ReporterOut | None = None
    source: Source
    external_ref: str | None = None
    place_id: uuid.UUID | None = None
    suspects: Suspects | None = None
    modus_operandi: list[str] = []
    loss_amount: Decimal | None = None
    attachments: list[Attachment] = []
    possible_duplicates: list[PossibleDuplicate] = Field(
        default_factory=list, description="Found shortly after the report (疑似重复警情)"
    )
    created_at: datetime
    updated_at: datetime
