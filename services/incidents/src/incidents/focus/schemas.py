"""API shapes of focus problems (突出问题), their measures (整治措施) and their effect (整治成效)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from incidents.focus.models import FocusSource, FocusStatus
from incidents.intake.schemas import AREA_CODE
from incidents.listing.params import CategoryCode

H3_CELL = r"^[0-9a-f]{15}$"
MAX_CELLS = 500
MAX_CATEGORIES = 20
MOBILE = r"^1[3-9]\d{9}$"


class FocusOwner(BaseModel):
    """Who answers for the problem (责任人): a duty contact by id, or a name with a mobile phone
    and/or a WeCom user id to remind."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, pattern=MOBILE)
    wecom_user_id: str | None = Field(default=None, min_length=1, max_length=64)
    contact_id: uuid.UUID | None = Field(default=None, description="A duty contact of the area")

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not (self.contact_id or self.phone or self.wecom_user_id):
            raise ValueError("give contact_id, or a phone or wecom_user_id to remind the owner")
        return self


class FocusProblemCreate(BaseModel):
    """A focus problem made from a hot spot (its H3 cells), a hot place, an area or a series."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "锦绣花园白天入室盗窃",
                    "source": "series",
                    "area_code": "530128100001",
                    "cells": ["8940d1a4a2bffff"],
                    "categories": ["burglary"],
                    "owner": {"name": "李警官", "phone": "13800001111"},
                    "measures_started_on": "2026-12-01",
                }
            ]
        },
    )

    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    source: FocusSource
    source_ref: str | None = Field(
        default=None, max_length=200, description="What it came from, e.g. a series key"
    )
    area_code: str = Field(pattern=AREA_CODE)
    cells: list[str] = Field(
        default_factory=list,
        max_length=MAX_CELLS,
        description="H3 cells (resolution 7-10) it covers; empty: the whole area",
    )
    place_id: uuid.UUID | None = Field(default=None, description="The hot place (易发案部位)")
    categories: list[CategoryCode] = Field(
        default_factory=list, max_length=MAX_CATEGORIES, description="Empty: every category"
    )
    owner: FocusOwner
    measures_started_on: date | None = Field(
        default=None, description="When the measures started; else the first measure's date"
    )
    target_date: date | None = Field(
        default=None, description="整改期限; three months after today by default"
    )

    @model_validator(mode="after")
    def _source_needs(self) -> Self:
        if self.source == FocusSource.hot_spot and not self.cells:
            raise ValueError("a problem made from a hot spot needs its cells")
        if self.source == FocusSource.hot_place and self.place_id is None:
            raise ValueError("a problem made from a hot place needs its place_id")
        return self


class FocusProblemUpdate(BaseModel):
    """Changes to a problem. `status` may be set to `resolved` (with a resolution) or back to
    `open`; `overdue` is the worker's to set. A null `place_id` removes the place."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    cells: list[str] | None = Field(default=None, max_length=MAX_CELLS)
    place_id: uuid.UUID | None = None
    categories: list[CategoryCode] | None = Field(default=None, max_length=MAX_CATEGORIES)
    owner: FocusOwner | None = None
    measures_started_on: date | None = None
    target_date: date | None = None
    status: Literal["open", "resolved"] | None = None
    resolution: str | None = Field(default=None, min_length=1, max_length=2000)


class MeasureCreate(BaseModel):
    """A measure taken (整治措施) and the day it was taken."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"taken_on": "2026-12-01", "text": "小区加装门禁和监控"}]},
    )

    taken_on: date
    text: str = Field(min_length=1, max_length=2000)


class MeasureOut(BaseModel):
    """A measure recorded against a problem."""

    id: int
    taken_on: date
    text: str
    recorded_by: str
    recorded_at: datetime


class FocusOwnerOut(BaseModel):
    """The owner as recorded."""

    name: str | None
    phone: str | None
    wecom_user_id: str | None
    contact_id: uuid.UUID | None


class FocusProblemOut(BaseModel):
    """A focus problem (突出问题) with its measures, oldest first."""

    id: uuid.UUID
    title: str
    description: str | None
    source: FocusSource
    source_ref: str | None
    area_code: str
    cells: list[str]
    place_id: uuid.UUID | None
    categories: list[str]
    owner: FocusOwnerOut
    measures_started_on: date | None
    target_date: date
    status: FocusStatus
    escalation_level: int = Field(description="0, or how many levels up it was escalated")
    resolution: str | None
    resolved_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    measures: list[MeasureOut]


class WeekCount(BaseModel):
    """Incidents in one week counted from the day the measures started (week 0 starts then)."""

    week: int
    starts_on: date
    count: int
    period: Literal["before", "after"]


class EffectTest(BaseModel):
    """The conditional binomial test of a lower weekly rate after the measures than before."""

    method: str
    before: int
    after: int
    before_weeks: int
    after_weeks: int
    rate_ratio: float | None = Field(description="after / before weekly rate; null if undefined")
    ratio_low: float | None
    ratio_high: float | None = Field(description="null when unbounded")
    p: float = Field(description="one-sided p-value of a drop")
    alpha: float
    drop_beyond_chance: bool
    conclusion: str


class FocusEffectOut(BaseModel):
    """Incidents of the problem's place and categories week by week before and after the
    measures started, and whether the drop is more than chance (整治成效)."""

    problem_id: uuid.UUID
    measures_started_on: date | None
    weeks: list[WeekCount]
    test: EffectTest | None
    note: str
