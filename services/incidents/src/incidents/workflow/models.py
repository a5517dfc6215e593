"""Workflow tables: one handling row per incident, the append-only timeline, followers of merged
duplicates, escalations, and the time limits per category and severity.

Kinds and actions are strings with CHECK constraints (easier to extend than native enums).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from incidents.tables import Table


class Action(StrEnum):
    """What can be done to an incident through `POST /v1/incidents/{id}/actions`."""

    accept = "accept"  # 受理
    reject = "reject"  # 不予受理
    merge = "merge"  # 合并重复警情
    dispatch = "dispatch"  # 分拨 (again: 改派)
    start = "start"  # 到场处置
    resolve = "resolve"  # 办结
    close = "close"  # 归档
    reopen = "reopen"  # 重新办理
    rate = "rate"  # 评价
    supervise = "supervise"  # 督办


class TimelineKind(StrEnum):
    """Timeline entries that are not actions of the route."""

    report = "report"  # 上报
    escalate = "escalate"  # 超时自动督办
    duplicate_merged = "duplicate_merged"  # a duplicate was merged into this incident


TIMELINE_ACTIONS = [*(a.value for a in Action), *(k.value for k in TimelineKind)]


class TargetKind(StrEnum):
    """Whom an incident can be dispatched to."""

    patrol_team = "patrol_team"  # 义务巡防队 / 义务护村队
    police_office = "police_office"  # 社区警务室
    community_staff = "community_staff"  # 社区工作人员


class Stage(StrEnum):
    """A time limit of the handling (时限)."""

    accept = "accept"  # to accept
    arrive = "arrive"  # to arrive (start handling)
    resolve = "resolve"  # to resolve


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _when() -> Any:
    return Field(default=None, sa_type=DateTime(timezone=True))


class IncidentHandling(Table, table=True):
    """How an incident is being handled: target, time limits, supervision, merge, rating."""

    __tablename__ = "incident_handling"
    __table_args__ = (
        CheckConstraint(_in("target_kind", [k.value for k in TargetKind]), name="target_kind"),
        CheckConstraint(_in("deadline_stage", [s.value for s in Stage]), name="deadline_stage"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        Index(
            "ix_incident_handling_next_escalation_at",
            "next_escalation_at",
            postgresql_where=text("next_escalation_at IS NOT NULL"),
        ),
    )

    incident_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("incidents.id"), primary_key=True)
    )
    target_kind: str | None = Field(default=None, sa_type=String(20))
    target_id: str | None = Field(default=None, max_length=64)
    target_name: str | None = Field(default=None, max_length=100)
    target_area_code: str | None = Field(default=None, foreign_key="areas.code", max_length=20)
    # The limits in force when the incident came in; later edits of the table do not move them.
    accept_minutes: int
    arrive_minutes: int
    resolve_minutes: int
    accept_due: datetime = Field(sa_type=DateTime(timezone=True))
    arrive_due: datetime | None = _when()
    resolve_due: datetime | None = _when()
    accepted_at: datetime | None = _when()
    dispatched_at: datetime | None = _when()
    started_at: datetime | None = _when()
    resolved_at: datetime | None = _when()
    closed_at: datetime | None = _when()
    reject_reason: str | None = Field(default=None, sa_type=Text())
    merged_into: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("incidents.id"), nullable=True)
    )
    supervised: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    supervised_at: datetime | None = _when()
    escalation_level: int = Field(
        default=0, sa_type=SmallInteger(), sa_column_kwargs={"server_default": text("0")}
    )
    # The deadline the escalation job watches now, and when it next looks at the incident.
    deadline_stage: str | None = Field(default=None, sa_type=String(10))
    next_escalation_at: datetime | None = _when()
    reopen_count: int = Field(
        default=0, sa_type=SmallInteger(), sa_column_kwargs={"server_default": text("0")}
    )
    rating: int | None = Field(default=None, sa_type=SmallInteger())
    rating_comment: str | None = Field(default=None, sa_type=Text())
    rated_at: datetime | None = _when()
    rated_by: str | None = Field(default=None, max_length=200)

    def due(self, stage: Stage) -> datetime | None:
        """When `stage` is due."""
        return {
            Stage.accept: self.accept_due,
            Stage.arrive: self.arrive_due,
            Stage.resolve: self.resolve_due,
        }[stage]

    def limit_minutes(self, stage: Stage) -> int:
        """The time limit of `stage`, in minutes."""
        return {
            Stage.accept: self.accept_minutes,
            Stage.arrive: self.arrive_minutes,
            Stage.resolve: self.resolve_minutes,
        }[stage]


class TimelineEntry(Table, table=True):
    """One entry of an incident's timeline (处置记录). Append-only: a trigger refuses changes."""

    __tablename__ = "incident_timeline"
    __table_args__ = (
        CheckConstraint(_in("action", TIMELINE_ACTIONS), name="action"),
        Index("ix_incident_timeline_incident_id_id", "incident_id", "id"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True)
    )
    incident_id: uuid.UUID = Field(foreign_key="incidents.id")
    at: datetime = Field(sa_type=DateTime(timezone=True))
    actor_sub: str = Field(max_length=200)
    actor_role: str | None = Field(default=None, sa_type=String(20))
    action: str = Field(sa_type=String(20))
    from_status: str | None = Field(default=None, sa_type=String(20))
    to_status: str = Field(sa_type=String(20))
    note: str | None = Field(default=None, sa_type=Text())
    data: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    )


class IncidentFollower(Table, table=True):
    """A merged duplicate whose reporter now follows the parent incident (and hears of it)."""

    __tablename__ = "incident_followers"
    __table_args__ = (PrimaryKeyConstraint("incident_id", "duplicate_id"),)

    incident_id: uuid.UUID = Field(foreign_key="incidents.id")
    duplicate_id: uuid.UUID = Field(foreign_key="incidents.id", index=True)
    reporter_sub: str = Field(max_length=200)
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class IncidentEscalation(Table, table=True):
    """An automatic escalation (超时督办) of an overdue incident, at most one per
    (incident, handling round, stage, level)."""

    __tablename__ = "incident_escalations"
    __table_args__ = (
        PrimaryKeyConstraint("incident_id", "round", "stage", "level"),
        CheckConstraint(_in("stage", [s.value for s in Stage]), name="stage"),
    )

    incident_id: uuid.UUID = Field(foreign_key="incidents.id")
    round: int = Field(sa_type=SmallInteger())
    stage: str = Field(sa_type=String(10))
    level: int = Field(sa_type=SmallInteger())
    area_code: str = Field(foreign_key="areas.code", max_length=20)
    overdue_minutes: int
    at: datetime = Field(sa_type=DateTime(timezone=True))


class CategoryTimeLimit(Table, table=True):
    """Handling time limits (处置时限) of a category, for one severity or (NULL) any severity."""

    __tablename__ = "category_time_limits"
    __table_args__ = (
        UniqueConstraint("category", "severity", postgresql_nulls_not_distinct=True),
        CheckConstraint(_in("severity", ["low", "medium", "high", "critical"]), name="severity"),
        CheckConstraint(
            "accept_minutes > 0 AND arrive_minutes > 0 AND resolve_minutes > 0", name="positive"
        ),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True)
    )
    category: str = Field(foreign_key="categories.code", max_length=40)
    severity: str | None = Field(default=None, sa_type=String(10))
    accept_minutes: int
    arrive_minutes: int
    resolve_minutes: int
