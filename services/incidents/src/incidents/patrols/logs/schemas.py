"""API shapes of patrol logs (巡防记录): check-in, track points, check-out, findings."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from incidents.intake.models import Severity
from incidents.patrols.positions import CoordSystem, Position, PositionOut

MAX_TRACK_BATCH = 1000


class CheckIn(BaseModel):
    """A member starts a patrol (签到): which team, who, when and where."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "team_id": "0b7f3c1e-2a4d-4a8e-9a61-3f7e2d1c0b9a",
                    "member_id": "5d2e8f41-7c3b-4e2a-8f1d-6a9b0c3e2d17",
                    "at": "2026-11-28T19:02:00+08:00",
                    "position": {"lat": 25.5528, "lon": 102.4688},
                }
            ]
        },
    )

    team_id: uuid.UUID
    member_id: uuid.UUID
    at: AwareDatetime
    position: Position


class CheckOut(BaseModel):
    """The patrol ends (签退)."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    position: Position


class TrackPointIn(BaseModel):
    """A position the phone recorded; one per time, so a resent point is not stored twice."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=10_000)


class TrackBatch(BaseModel):
    """Track points (巡逻轨迹) a phone uploads, e.g. after leaving a dead zone."""

    model_config = ConfigDict(extra="forbid")

    coord_system: CoordSystem = "wgs84"
    points: list[TrackPointIn] = Field(min_length=1, max_length=MAX_TRACK_BATCH)


class TrackOut(BaseModel):
    """What a track upload did: points received, newly stored, and the log's total."""

    log_id: uuid.UUID
    received: int
    stored: int
    total: int


class FindingCreate(BaseModel):
    """Something seen on patrol (巡防发现); `report: true` also reports it as an incident."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "菜市场后门消防通道被三轮车堵塞",
                    "category": "fire_hazard",
                    "position": {"lat": 25.5531, "lon": 102.4692},
                    "report": True,
                }
            ]
        },
    )

    text: str = Field(min_length=1, max_length=2000)
    category: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    position: Position
    found_at: AwareDatetime | None = Field(default=None, description="When; now if omitted")
    report: bool = Field(default=False, description="Also report it as an incident (上报警情)")
    severity: Severity | None = Field(default=None, description="For the incident, if reported")


class FindingOut(BaseModel):
    """A finding; `incident_id` when it was reported as an incident."""

    id: uuid.UUID
    log_id: uuid.UUID
    category: str
    text: str
    found_at: datetime
    position: PositionOut
    incident_id: uuid.UUID | None = None


class TrackPointOut(BaseModel):
    """A stored track point (WGS-84)."""

    at: datetime
    lat: float
    lon: float


class LogOut(BaseModel):
    """A patrol log; `ended_at` is null while the patrol goes on."""

    id: uuid.UUID
    team_id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    shift_id: uuid.UUID | None = None
    area_code: str
    started_at: datetime
    start_position: PositionOut
    ended_at: datetime | None = None
    end_position: PositionOut | None = None


class LogDetail(LogOut):
    """A patrol log with its track and findings."""

    track: list[TrackPointOut]
    findings: list[FindingOut]
