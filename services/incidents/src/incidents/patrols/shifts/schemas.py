"""API shapes of shifts, weekly schedules and who is on duty."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from incidents.intake.schemas import AREA_CODE
from incidents.patrols.models import TeamKind
from incidents.patrols.positions import ROUTE_DESCRIPTION, LineString, RouteIn
from incidents.patrols.shifts.recurrence import MAX_SHIFT
from pingan_shared.settings import business_timezone

AREA_DESCRIPTION = "Area patrolled (巡防区域); the team's area when omitted"


class ShiftCreate(BaseModel):
    """A shift (班次): a team on duty over an area or route, at most 24 hours."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "team_id": "0b7f3c1e-2a4d-4a8e-9a61-3f7e2d1c0b9a",
                    "starts_at": "2026-11-28T18:00:00+08:00",
                    "ends_at": "2026-11-28T22:00:00+08:00",
                }
            ]
        },
    )

    team_id: uuid.UUID
    area_code: str | None = Field(default=None, pattern=AREA_CODE, description=AREA_DESCRIPTION)
    route: RouteIn | None = Field(default=None, description=ROUTE_DESCRIPTION)
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _span(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.ends_at - self.starts_at > MAX_SHIFT:
            raise ValueError("a shift lasts at most 24 hours")
        return self


class ShiftOut(BaseModel):
    """A shift; `schedule_id` when a weekly schedule made it."""

    id: uuid.UUID
    team_id: uuid.UUID
    area_code: str
    route: LineString | None = None
    starts_at: datetime
    ends_at: datetime
    schedule_id: uuid.UUID | None = None
    cancelled: bool


class ScheduleCreate(BaseModel):
    """A weekly schedule (排班) in the business time zone's local time (Asia/Shanghai unless configured): on `weekdays` (1 = Monday …
    7 = Sunday) from `start_time` for `duration_minutes`, from `valid_from` to `valid_to`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "team_id": "0b7f3c1e-2a4d-4a8e-9a61-3f7e2d1c0b9a",
                    "weekdays": [1, 2, 3, 4, 5],
                    "start_time": "19:00",
                    "duration_minutes": 180,
                    "valid_from": "2026-12-01",
                }
            ]
        },
    )

    team_id: uuid.UUID
    area_code: str | None = Field(default=None, pattern=AREA_CODE, description=AREA_DESCRIPTION)
    route: RouteIn | None = Field(default=None, description=ROUTE_DESCRIPTION)
    weekdays: list[int] = Field(min_length=1, max_length=7)
    start_time: time
    duration_minutes: int = Field(ge=1, le=1440)
    valid_from: date
    valid_to: date | None = None

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(not 1 <= day <= 7 for day in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        if len(set(value)) != len(value):
            raise ValueError("a weekday is given twice")
        return sorted(value)

    @field_validator("start_time")
    @classmethod
    def _local(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("a local time of day (business time zone), without an offset")
        return value

    @model_validator(mode="after")
    def _validity(self) -> Self:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to must not be before valid_from")
        return self


class ScheduleUpdate(BaseModel):
    """Ending or pausing a schedule; its shifts not yet started are made again to match."""

    model_config = ConfigDict(extra="forbid")

    valid_to: date | None = None
    active: bool | None = None


class ScheduleOut(BaseModel):
    """A weekly schedule."""

    id: uuid.UUID
    team_id: uuid.UUID
    area_code: str
    route: LineString | None = None
    weekdays: list[int]
    start_time: time
    duration_minutes: int
    valid_from: date
    valid_to: date | None = None
    timezone: str = Field(default_factory=lambda: business_timezone().key)
    active: bool
    version: int


class MaterialiseRequest(BaseModel):
    """How many days ahead to make shifts from the weekly schedules."""

    model_config = ConfigDict(extra="forbid")

    days: int = Field(default=14, ge=1, le=92)


class MaterialiseOut(BaseModel):
    """How many shifts were made (shifts made before are not made again)."""

    created: int
    until: datetime


class OnDutyMember(BaseModel):
    """A member of a team on duty; `leader` marks the team leader (队长)."""

    id: uuid.UUID
    name: str
    phone: str
    wecom_user_id: str | None = None
    leader: bool = False


class OnDutyTeam(BaseModel):
    """A team on duty at a moment (its own area in `area_code`), the shift that puts it there,
    and its active members, leader first."""

    team_id: uuid.UUID
    name: str
    kind: TeamKind
    area_code: str
    shift_id: uuid.UUID
    shift_area_code: str
    starts_at: datetime
    ends_at: datetime
    route: dict[str, Any] | None = None
    members: list[OnDutyMember]


class OnDutyOut(BaseModel):
    """Who is on duty (在岗) in an area at a moment, most local shift first."""

    area_code: str
    at: datetime
    teams: list[OnDutyTeam]
