"""Focus-problem tables: the problem, its append-only measures, and the reminders sent about it.

Kinds and statuses are strings with CHECK constraints (easier to extend than native enums).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from incidents.areas import models as _areas  # noqa: F401 - foreign keys refer to its tables
from incidents.places import models as _places  # noqa: F401 - `place_id` refers to it
from incidents.tables import Table


class FocusSource(StrEnum):
    """What the problem was made from."""

    hot_spot = "hot_spot"  # 热点区域: H3 cells
    hot_place = "hot_place"  # 易发案部位: a registered place
    area = "area"  # 区划: a whole area
    series = "series"  # 系列案件


class FocusStatus(StrEnum):
    """Where a problem stands; `overdue` is set by the worker once the target date has passed."""

    open = "open"  # 整治中
    overdue = "overdue"  # 逾期督办
    resolved = "resolved"  # 已解决


class ReminderKind(StrEnum):
    """A reminder before the target date, or an escalation after it."""

    due = "due"
    escalated = "escalated"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _timestamp() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class FocusProblem(Table, table=True):
    """A focus problem (突出问题): where (area, optionally cells or a place), which categories,
    who owns it, by when it must be solved, and where it stands."""

    __tablename__ = "focus_problems"
    __table_args__ = (
        CheckConstraint(_in("source", FocusSource), name="source"),
        CheckConstraint(_in("status", FocusStatus), name="status"),
        CheckConstraint(
            "owner_contact_id IS NOT NULL OR owner_phone IS NOT NULL"
            " OR owner_wecom_user_id IS NOT NULL",
            name="owner",
        ),
        Index("ix_focus_problems_status_target_date", "status", "target_date"),
        Index(
            "ix_focus_problems_area_code_pattern",
            "area_code",
            postgresql_ops={"area_code": "text_pattern_ops"},
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=Text())
    source: str = Field(sa_type=String(20))
    source_ref: str | None = Field(default=None, max_length=200)
    area_code: str = Field(foreign_key="areas.code", max_length=20)
    cells: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String(16)), nullable=False, server_default="{}"),
    )
    place_id: uuid.UUID | None = Field(default=None, foreign_key="places.id")
    categories: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String(40)), nullable=False, server_default="{}"),
    )
    owner_name: str | None = Field(default=None, max_length=100)
    owner_phone: str | None = Field(default=None, max_length=20)
    owner_wecom_user_id: str | None = Field(default=None, max_length=64)
    owner_contact_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("contacts.id"), nullable=True)
    )
    measures_started_on: date | None = Field(default=None, sa_type=Date())
    target_date: date = Field(sa_type=Date())
    status: str = Field(
        default=FocusStatus.open.value,
        sa_type=String(20),
        sa_column_kwargs={"server_default": FocusStatus.open.value},
    )
    escalation_level: int = Field(
        default=0, sa_type=SmallInteger(), sa_column_kwargs={"server_default": text("0")}
    )
    resolution: str | None = Field(default=None, sa_type=Text())
    resolved_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_by: str = Field(max_length=200)
    version: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    created_at: datetime | None = _timestamp()
    updated_at: datetime | None = _timestamp()


class FocusMeasure(Table, table=True):
    """A measure taken against a problem (整治措施). Append-only: a trigger refuses changes."""

    __tablename__ = "focus_measures"
    __table_args__ = (Index("ix_focus_measures_problem_id_id", "problem_id", "id"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True)
    )
    problem_id: uuid.UUID = Field(foreign_key="focus_problems.id")
    taken_on: date = Field(sa_type=Date())
    text: str = Field(sa_type=Text())
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime | None = _timestamp()


class FocusReminder(Table, table=True):
    """A reminder or escalation sent about a problem: one per (problem, kind, target date, step),
    where the step is the days left for a reminder and the level for an escalation."""

    __tablename__ = "focus_reminders"
    __table_args__ = (
        PrimaryKeyConstraint("problem_id", "kind", "target_date", "step"),
        CheckConstraint(_in("kind", ReminderKind), name="kind"),
    )

    problem_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("focus_problems.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(sa_type=String(20))
    target_date: date = Field(sa_type=Date())
    step: int = Field(sa_type=SmallInteger())
    area_code: str = Field(foreign_key="areas.code", max_length=20)
    at: datetime = Field(sa_type=DateTime(timezone=True))
