"""Patrol tables: teams, members, guard points, schedules, shifts, logs, track points, findings.

Kinds are strings with CHECK constraints (easier to extend than native enums). Teams and members
are never deleted, only made inactive, because logs and shifts keep pointing at them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field

from incidents.tables import Table


class TeamKind(StrEnum):
    """What a team is."""

    patrol_team = "patrol_team"  # 义务巡防队, a street community's
    village_guard_team = "village_guard_team"  # 义务护村队, a village's


TEAM_KINDS_SQL = "kind IN ('patrol_team', 'village_guard_team')"


def _created_at() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


def _version() -> Any:
    return Field(default=1, sa_column_kwargs={"server_default": text("1")})


class PatrolTeam(Table, table=True):
    """A patrol team (义务巡防队) or village guard team (义务护村队) of an area."""

    __tablename__ = "patrol_teams"
    __table_args__ = (
        UniqueConstraint("area_code", "name"),
        CheckConstraint(TEAM_KINDS_SQL, name="kind"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100)
    kind: str = Field(sa_type=String(30))
    area_code: str = Field(foreign_key="areas.code", index=True, max_length=20)
    # The leader is one of the team's members; the cycle team ⇄ member is closed after creation.
    leader_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(Uuid, ForeignKey("patrol_members.id", use_alter=True), nullable=True),
    )
    active: bool = True
    version: int = _version()
    created_at: datetime | None = _created_at()


class PatrolMember(Table, table=True):
    """A volunteer of a team. `subject` is the `sub` of the member's patrol token."""

    __tablename__ = "patrol_members"
    __table_args__ = (
        UniqueConstraint("team_id", "phone"),
        UniqueConstraint("team_id", "subject"),
        Index("ix_patrol_members_subject", "subject"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    team_id: uuid.UUID = Field(foreign_key="patrol_teams.id", index=True)
    name: str = Field(max_length=100)
    phone: str = Field(max_length=20)
    wecom_user_id: str | None = Field(default=None, max_length=64)
    subject: str | None = Field(default=None, max_length=200)
    active: bool = True
    version: int = _version()
    created_at: datetime | None = _created_at()


class GuardPoint(Table, table=True):
    """A fixed guard point (保安守点): a place guards hold."""

    __tablename__ = "guard_points"
    __table_args__ = (UniqueConstraint("area_code", "name"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100)
    area_code: str = Field(foreign_key="areas.code", index=True, max_length=20)
    lat: float
    lon: float
    address: str | None = Field(default=None, max_length=300)
    active: bool = True
    version: int = _version()
    created_at: datetime | None = _created_at()


class GuardAssignment(Table, table=True):
    """A member assigned to guard a point."""

    __tablename__ = "guard_assignments"
    __table_args__ = (PrimaryKeyConstraint("guard_point_id", "member_id"),)

    guard_point_id: uuid.UUID = Field(foreign_key="guard_points.id")
    member_id: uuid.UUID = Field(foreign_key="patrol_members.id", index=True)


class PatrolSchedule(Table, table=True):
    """A weekly schedule (排班): on `weekdays` (ISO, 1 = Monday) from `start_time` local time
    (business time zone) for `duration_minutes`, between `valid_from` and `valid_to` (inclusive)."""

    __tablename__ = "patrol_schedules"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 1 AND 1440", name="duration"),
        CheckConstraint(
            "cardinality(weekdays) >= 1 AND weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]",
            name="weekdays",
        ),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    team_id: uuid.UUID = Field(foreign_key="patrol_teams.id", index=True)
    area_code: str = Field(foreign_key="areas.code", max_length=20)
    route: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    weekdays: list[int] = Field(sa_column=Column(ARRAY(SmallInteger), nullable=False))
    start_time: time = Field(sa_type=Time())
    duration_minutes: int = Field(sa_type=Integer())
    valid_from: date = Field(sa_type=Date())
    valid_to: date | None = Field(default=None, sa_type=Date())
    active: bool = True
    version: int = _version()
    created_at: datetime | None = _created_at()


class PatrolShift(Table, table=True):
    """A shift (班次): a team on duty over an area (and optionally a route) from start to end.

    Shifts made from a schedule carry its id; (schedule, start) is unique, so making them again
    adds nothing. A cancelled shift stays, so the schedule does not bring it back.
    """

    __tablename__ = "patrol_shifts"
    __table_args__ = (
        UniqueConstraint("schedule_id", "starts_at"),
        CheckConstraint(
            "ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'", name="span"
        ),
        Index("ix_patrol_shifts_starts_at", "starts_at"),
        Index("ix_patrol_shifts_team_id_starts_at", "team_id", "starts_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    team_id: uuid.UUID = Field(foreign_key="patrol_teams.id")
    area_code: str = Field(foreign_key="areas.code", max_length=20)
    route: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    starts_at: datetime = Field(sa_type=DateTime(timezone=True))
    ends_at: datetime = Field(sa_type=DateTime(timezone=True))
    schedule_id: uuid.UUID | None = Field(default=None, foreign_key="patrol_schedules.id")
    cancelled: bool = False
    created_at: datetime | None = _created_at()


class PatrolLog(Table, table=True):
    """One patrol (巡防记录): a member's check-in, and check-out when it ends.

    A member has at most one open log (a partial unique index), so a phone that retries a
    check-in without its key cannot open a second one.
    """

    __tablename__ = "patrol_logs"
    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at > started_at", name="span"),
        Index("ix_patrol_logs_team_id_started_at", "team_id", "started_at"),
        Index("ix_patrol_logs_started_at", "started_at"),
        Index(
            "ix_patrol_logs_area_code_pattern",
            "area_code",
            postgresql_ops={"area_code": "text_pattern_ops"},
        ),
        Index(
            "uq_patrol_logs_open_member",
            "member_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    team_id: uuid.UUID = Field(foreign_key="patrol_teams.id")
    member_id: uuid.UUID = Field(foreign_key="patrol_members.id")
    shift_id: uuid.UUID | None = Field(default=None, foreign_key="patrol_shifts.id")
    area_code: str = Field(foreign_key="areas.code", max_length=20)
    started_at: datetime = Field(sa_type=DateTime(timezone=True))
    start_lat: float
    start_lon: float
    start_cell: str = Field(max_length=16)
    ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    end_lat: float | None = None
    end_lon: float | None = None
    created_by: str = Field(max_length=200)
    created_at: datetime | None = _created_at()


class TrackPoint(Table, table=True):
    """A position a phone recorded during a patrol; one per (log, time)."""

    __tablename__ = "patrol_track_points"
    __table_args__ = (PrimaryKeyConstraint("log_id", "at"),)

    log_id: uuid.UUID = Field(foreign_key="patrol_logs.id")
    at: datetime = Field(sa_type=DateTime(timezone=True))
    lat: float
    lon: float
    cell: str = Field(max_length=16)
    accuracy_m: float | None = None


class PatrolFinding(Table, table=True):
    """Something seen on patrol (巡防发现); `incident_id` when it was reported as an incident."""

    __tablename__ = "patrol_findings"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    log_id: uuid.UUID = Field(foreign_key="patrol_logs.id", index=True)
    category: str = Field(foreign_key="categories.code", max_length=40)
    text: str = Field(sa_type=Text())
    found_at: datetime = Field(sa_type=DateTime(timezone=True))
    lat: float
    lon: float
    address: str | None = Field(default=None, max_length=300)
    incident_id: uuid.UUID | None = Field(default=None, foreign_key="incidents.id")
    created_by: str = Field(max_length=200)
    created_at: datetime | None = _created_at()
