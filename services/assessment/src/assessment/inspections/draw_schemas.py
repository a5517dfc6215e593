"""API shapes of spot-check draws (抽查) and regular inspection schedules (定期检查计划)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assessment.inspections.schemas import Account
from assessment.units.models import UnitKind
from assessment.units.schemas import AREA_CODE, KIND_DESCRIPTION

Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class HotSpotRule(BaseModel):
    """Weight up units in incident hot spots (警情高发): `weight` for a unit whose area had at
    least `min_incidents` incidents (of `categories`, or of any) in the `days` before the draw."""

    model_config = ConfigDict(extra="forbid")

    min_incidents: int = Field(ge=1, le=1_000_000, examples=[5])
    weight: int = Field(default=2, ge=2, le=100)
    days: int = Field(default=90, ge=1, le=366)
    categories: list[Category] | None = Field(default=None, min_length=1, max_length=20)


class DrawCreate(BaseModel):
    """A spot-check draw to prepare (抽查): candidates and seed are recorded before drawing."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "round_id": "6f1c2b9e-0000-4000-8000-000000000001",
                    "size": 5,
                    "unit_kind": "residential_compound",
                    "hot_spot": {"min_incidents": 5, "weight": 2, "days": 90},
                }
            ]
        },
    )

    round_id: uuid.UUID
    size: int = Field(ge=1, le=1000, description="How many units to draw (抽取数量)")
    unit_kind: UnitKind | None = Field(default=None, description=KIND_DESCRIPTION)
    area_code: str | None = Field(
        default=None, pattern=AREA_CODE, description="Only units inside this area"
    )
    hot_spot: HotSpotRule | None = None
    seed: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)] | (
        None
    ) = Field(
        default=None,
        description="A public value fixed in advance (e.g. a named lottery draw's numbers, "
        "公开随机数); without it the service records a random 256-bit seed",
    )


class DrawCandidate(BaseModel):
    """A candidate unit and its weight; `incidents` is what the hot-spot rule counted."""

    unit_id: uuid.UUID
    weight: int
    incidents: int | None = None


class DrawOut(BaseModel):
    """A draw: what it draws from, the seed, the rule, and — once drawn — the selection."""

    id: uuid.UUID
    round_id: uuid.UUID
    size: int
    seed: str
    seed_sha256: str
    candidates: list[DrawCandidate] = Field(description="Sorted by unit id")
    candidates_sha256: str
    rule: str
    selected: list[uuid.UUID] | None = Field(default=None, description="Drawn, first key first")
    drawn_by: str
    created_at: datetime
    drawn_at: datetime | None = None


class DrawVerification(BaseModel):
    """A recomputation of a draw from its recorded seed and candidates (抽查复核)."""

    draw_id: uuid.UUID
    seed_sha256: str
    candidates_sha256: str
    selected: list[uuid.UUID]
    recomputed: list[uuid.UUID]
    matches: bool


class ScheduleCreate(BaseModel):
    """A recurring regular inspection (定期检查计划) of a unit kind in an area."""

    model_config = ConfigDict(extra="forbid")

    round_id: uuid.UUID
    unit_kind: UnitKind | None = Field(default=None, description=KIND_DESCRIPTION)
    area_code: str = Field(pattern=AREA_CODE, description="Units inside this area")
    every_days: int = Field(ge=1, le=366, description="Repeats every so many days")
    next_due: date = Field(description="The first due date; not in the past")
    inspectors: list[Account] = Field(min_length=1, max_length=10)


class ScheduleOut(BaseModel):
    """A regular inspection schedule."""

    id: uuid.UUID
    round_id: uuid.UUID
    unit_kind: UnitKind | None = None
    area_code: str
    every_days: int
    next_due: date = Field(description="The next due date not yet announced to the inspectors")
    inspectors: list[str]
    created_by: str
    created_at: datetime
