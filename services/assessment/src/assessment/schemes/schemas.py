"""API shapes of schemes (考核方案): blocks, indicators and their rules, bonus items, vetoes, bands."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

from assessment.schemes.models import Measure
from assessment.units.models import UnitKind
from assessment.units.schemas import KIND_DESCRIPTION

AS_NUMBER = PlainSerializer(float, return_type=float, when_used="json")
# Points go over the wire as JSON numbers (2.5), not the strings pydantic makes of a Decimal.
Points = Annotated[
    Decimal,
    Field(ge=0, le=Decimal("99999.99"), decimal_places=2),
    AS_NUMBER,
]
Multiplier = Annotated[
    Decimal,
    Field(ge=1, le=10, decimal_places=2),
    AS_NUMBER,
]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,40}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
CategoryCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Period = Literal["year", "half", "quarter", "month"]
MEASURE_DESCRIPTION = (
    "findings 检查发现, incidents 警情统计, survey 知晓率/参与率, patrol 巡防覆盖, manual 人工评分"
)


class Rule(BaseModel):
    """An indicator's rule (细则). Which fields a measure needs:

    - findings: `per_fault` — points off per fault of a confirmed finding;
    - incidents: `per_fault` per incident of `categories` in the unit's area and period;
    - survey: `survey` (awareness 知晓率 / participation 参与率), `threshold` (a share, 0.9),
      `per_fault` per percentage point the rate is short of it;
    - patrol: `target_hours` of patrol in the unit's area, `per_fault` per hour short;
    - manual: nothing (the deduction is scored by hand).

    `stop_at_zero` (扣完为止, default true) stops the indicator's deductions at its points.
    """

    model_config = ConfigDict(extra="forbid")

    per_fault: Points | None = Field(default=None, description="Points off per fault (每处扣分)")
    stop_at_zero: bool = Field(
        default=True, description="Deduct no more than the points (扣完为止)"
    )
    categories: list[CategoryCode] | None = Field(
        default=None, description="Incident categories counted (案件类型)"
    )
    survey: Literal["awareness", "participation"] | None = None
    threshold: Annotated[Decimal, AS_NUMBER] | None = Field(
        default=None, gt=0, lt=1, decimal_places=4, description="A share: 0.9 is 90 %"
    )
    target_hours: Annotated[Decimal, AS_NUMBER] | None = Field(
        default=None, gt=0, le=100000, decimal_places=2, description="Hours in the period"
    )


class IndicatorIn(BaseModel):
    """An indicator (考核指标)."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name = Field(description="Name as the town writes it (指标名称)")
    max_points: Points = Field(gt=0)
    measure: Measure = Field(description=MEASURE_DESCRIPTION)
    rule: Rule = Field(default_factory=Rule)
    applicable_kinds: list[UnitKind] | None = Field(
        default=None,
        min_length=1,
        description="Unit kinds it applies to; for others it is not applicable (不适用)",
    )


class BlockIn(BaseModel):
    """A block (考核板块) of indicators and nested blocks; `cap` limits its deductions."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name
    max_points: Points = Field(gt=0)
    cap: Points | None = Field(default=None, gt=0, description="Most this block can lose")
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=200)
    blocks: list[BlockIn] = Field(default_factory=list, max_length=50)


class BonusItemIn(BaseModel):
    """A bonus item (加分项), awarded with evidence up to its points."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name
    max_points: Points = Field(gt=0)


class VetoConditionIn(BaseModel):
    """A veto condition (一票否决); a major incident of `incident_categories` proposes it."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name
    incident_categories: list[CategoryCode] | None = None


class RatingBand(BaseModel):
    """A rating band (等次): a total of at least `min` earns it."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    min: Points


class SchemeIn(BaseModel):
    """A scheme version's content (考核方案)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    period: Period = Field(description="How often it is assessed: year, half, quarter, month")
    unit_kinds: list[UnitKind] = Field(min_length=1, description=KIND_DESCRIPTION)
    full_score: Points = Field(default=Decimal(100), gt=0, description="Full score (满分)")
    bonus_cap: Points = Field(default=Decimal(0), description="Most bonus a unit can get")
    unfixed_multiplier: Multiplier = Field(
        default=Decimal(2),
        description="A finding found unfixed on re-inspection deducts this many times (整改不到位)",
    )
    rating_bands: list[RatingBand] = Field(
        min_length=1, max_length=10, description="Highest first, e.g. 优秀 ≥ 90, 良好 ≥ 80"
    )
    failing_band: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)
    ] = Field(default="不合格", description="Below the last band, or vetoed (一票否决)")
    blocks: list[BlockIn] = Field(min_length=1, max_length=50)
    bonus_items: list[BonusItemIn] = Field(default_factory=list, max_length=100)
    veto_conditions: list[VetoConditionIn] = Field(default_factory=list, max_length=100)


class SchemeCreate(SchemeIn):
    """A new scheme (version 1) under a code of its own."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$")] = Field(
        description="The scheme's code, shared by its versions"
    )


class IndicatorOut(BaseModel):
    """An indicator as stored; its rule lists the fields that were set."""

    id: uuid.UUID
    code: str
    name: str
    max_points: Points
    measure: Measure
    rule: dict[str, Any]
    applicable_kinds: list[UnitKind] | None = None


class BlockOut(BaseModel):
    """A block as stored, with its indicators and nested blocks."""

    id: uuid.UUID
    code: str
    name: str
    max_points: Points
    cap: Points | None = None
    indicators: list[IndicatorOut]
    blocks: list[BlockOut]


class BonusItemOut(BonusItemIn):
    """A bonus item as stored."""

    id: uuid.UUID


class VetoConditionOut(VetoConditionIn):
    """A veto condition as stored."""

    id: uuid.UUID


class SchemeSummary(BaseModel):
    """A scheme version in a list."""

    id: uuid.UUID
    code: str
    version: int
    name: str
    period: str
    unit_kinds: list[UnitKind]
    full_score: Points
    locked: bool = Field(description="A round ran on it: it never changes (已锁定)")
    created_at: datetime


class SchemeOut(SchemeSummary):
    """A scheme version with everything it is made of."""

    bonus_cap: Points
    unfixed_multiplier: Multiplier
    rating_bands: list[RatingBand]
    failing_band: str
    blocks: list[BlockOut]
    bonus_items: list[BonusItemOut]
    veto_conditions: list[VetoConditionOut]


class SchemeVersionCreate(BaseModel):
    """A new version of a scheme: a copy of the latest, or `content` when given."""

    model_config = ConfigDict(extra="forbid")

    content: SchemeIn | None = Field(
        default=None, description="The new version's content; leave out to copy the latest"
    )
