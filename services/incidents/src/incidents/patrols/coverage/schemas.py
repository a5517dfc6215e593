"""API shapes of coverage figures (巡防覆盖统计)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from incidents.patrols.models import TeamKind


class CoverageRow(BaseModel):
    """The figures of one team, area or ISO week (weeks in the business time zone, from Monday)."""

    team_id: uuid.UUID | None = None
    team_name: str | None = None
    kind: TeamKind | None = None
    area_code: str | None = None
    area_name: str | None = None
    week: str | None = Field(default=None, examples=["2026-W48"])
    week_start: date | None = None
    hours: float = Field(description="Hours patrolled: check-in → check-out, clipped")
    places: int = Field(description="Distinct places covered (cells, see `places_method`)")
    patrols: int = Field(description="Checked-out patrols counted in `hours`")


class CoverageOut(BaseModel):
    """Hours patrolled and distinct places covered in an area over [from, to)."""

    area_code: str
    area_name: str
    period_from: datetime
    period_to: datetime
    group: Literal["team", "area", "week"]
    places_method: str = Field(
        description="What a place is: `h3_res9`, an H3 cell of resolution 9 (about 0.1 km²)"
    )
    hours: float
    places: int
    patrols: int
    rows: list[CoverageRow]
