"""API shapes of fixed guard points (保安守点)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from incidents.intake.schemas import AREA_CODE
from incidents.patrols.positions import Position, PositionOut

GUARDS_DESCRIPTION = "Members who hold the point (守点队员), by member id"


class GuardPointCreate(BaseModel):
    """A fixed guard point and the members assigned to hold it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "南街农贸市场守点",
                    "area_code": "530128100001",
                    "position": {"lat": 25.5531, "lon": 102.4692, "address": "南街农贸市场东门"},
                    "guard_member_ids": [],
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=100)
    area_code: str = Field(pattern=AREA_CODE)
    position: Position
    guard_member_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description=GUARDS_DESCRIPTION
    )
    active: bool = True


class GuardPointUpdate(BaseModel):
    """Changes to a guard point; `guard_member_ids` replaces the guards."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    position: Position | None = None
    guard_member_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=50, description=GUARDS_DESCRIPTION
    )
    active: bool | None = None


class GuardOut(BaseModel):
    """A member holding a point; the phone is masked for leaders and systems."""

    member_id: uuid.UUID
    team_id: uuid.UUID
    name: str
    phone: str


class GuardPointOut(BaseModel):
    """A fixed guard point (保安守点)."""

    id: uuid.UUID
    name: str
    area_code: str
    position: PositionOut
    active: bool
    version: int
    created_at: datetime
    guards: list[GuardOut]
