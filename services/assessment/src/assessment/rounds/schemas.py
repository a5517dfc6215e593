"""API shapes of rounds (考核轮次), hand scores, bonuses, vetoes, scores and bulletins."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from assessment.rounds.models import RoundStatus, VetoStatus
from assessment.schemes.schemas import CategoryCode, Points
from assessment.units.models import UnitKind
from assessment.units.schemas import AREA_CODE

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class RoundCreate(BaseModel):
    """A round of one scheme version over an area and a period (考核轮次)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scheme_id": "3f1c2a9e-8d4b-4c1e-9f7a-2b6d5e8c1a03",
                    "name": "2026年度屏山镇平安单位考核",
                    "area_code": "530128100",
                    "period_start": "2026-01-01",
                    "period_end": "2026-12-31",
                }
            ]
        },
    )

    scheme_id: uuid.UUID = Field(description="The scheme version it runs on (locked from now on)")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    area_code: str = Field(pattern=AREA_CODE, description="Area assessed (统计用区划代码)")
    period_start: date
    period_end: date = Field(description="Last day of the period (inclusive)")

    @model_validator(mode="after")
    def _period(self) -> RoundCreate:
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        return self


class RoundOut(BaseModel):
    """A round and where it is: open, computed or published."""

    id: uuid.UUID
    scheme_id: uuid.UUID
    scheme_code: str
    scheme_version: int
    name: str
    area_code: str
    period_start: date
    period_end: date
    status: RoundStatus
    version: int
    created_by: str
    created_at: datetime
    computed_at: datetime | None = None
    published_at: datetime | None = None


class ManualScoreIn(BaseModel):
    """A deduction scored by hand on a `manual` indicator (人工评分); replaces an earlier one."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    indicator_id: uuid.UUID
    deduction: Points = Field(description="Points off, at most the indicator's points")
    note: Note | None = None


class ManualScoreOut(BaseModel):
    """A hand score."""

    id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    indicator_id: uuid.UUID
    deduction: Points
    note: str | None = None
    scored_by: str
    created_at: datetime


class Evidence(BaseModel):
    """Evidence of a bonus (证明材料): a document or photo URL and its SHA-256."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://", max_length=1000)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    note: Note | None = None


class BonusAwardCreate(BaseModel):
    """A bonus (加分) awarded to a unit on one of the scheme's bonus items, with evidence."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    bonus_item_id: uuid.UUID
    points: Points = Field(gt=0, description="At most the bonus item's points")
    evidence: list[Evidence] = Field(min_length=1, max_length=20)


class BonusAwardOut(BaseModel):
    """A bonus awarded."""

    id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    bonus_item_id: uuid.UUID
    points: Points
    evidence: list[dict[str, Any]]
    awarded_by: str
    created_at: datetime


class VetoCreate(BaseModel):
    """A proposed veto (一票否决) of a unit on one of the scheme's veto conditions."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    veto_condition_id: uuid.UUID
    reason: Reason
    incident_id: str | None = Field(default=None, min_length=1, max_length=100)


class VetoDecision(BaseModel):
    """The assessment office's decision on a proposed veto, with its reason."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirmed", "rejected"]
    reason: Reason


class IncidentVetoIn(BaseModel):
    """A major incident (重大案事件) linked to a unit: proposes a veto in every open round that
    assesses the unit over the incident's time, on each veto condition naming its category."""

    model_config = ConfigDict(extra="forbid")

    incident_id: str = Field(min_length=1, max_length=100)
    unit_id: uuid.UUID
    category: CategoryCode
    occurred_at: datetime
    summary: Reason


class VetoOut(BaseModel):
    """A veto and its decision."""

    id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    veto_condition_id: uuid.UUID
    reason: str
    incident_id: str | None = None
    status: VetoStatus
    proposed_by: str
    decided_by: str | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None
    created_at: datetime


class ComputeOut(BaseModel):
    """What computing a round gave: how many units, by rating, and what needs attention."""

    round: RoundOut
    units: int
    ratings: dict[str, int]
    vetoed: int
    inconclusive: int = Field(description="Units with a survey indicator still inconclusive")


class UnitScoreOut(BaseModel):
    """A unit's score in a round, with its rank in its kind and area (排名)."""

    unit_id: uuid.UUID
    unit_name: str
    kind: UnitKind
    area_code: str
    total: Points
    score: Points
    bonus: Points
    rating: str
    vetoed: bool
    rank: int | None = None
    rank_in_round: int | None = None
    details: dict[str, Any] | None = Field(
        default=None, description="Provenance of every number (which findings, incidents, survey)"
    )


class IndividualCommendation(BaseModel):
    """A person commended (个人表彰) in the bulletin."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    unit_id: uuid.UUID | None = None
    reason: Reason


class PublishIn(BaseModel):
    """Publishing a round (发布通报): the people commended and a note for the bulletin."""

    model_config = ConfigDict(extra="forbid")

    individuals: list[IndividualCommendation] = Field(default_factory=list, max_length=500)
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] | None = None


class CorrectionIn(BaseModel):
    """A correction of a published round (更正): changes, and the reason that goes into the new
    bulletin version."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    manual_scores: list[ManualScoreIn] = Field(default_factory=list, max_length=1000)
    bonus_awards: list[BonusAwardCreate] = Field(default_factory=list, max_length=1000)
    veto_decisions: list[CorrectedVeto] = Field(default_factory=list, max_length=1000)


class CorrectedVeto(VetoDecision):
    """A veto decided again in a correction."""

    veto_id: uuid.UUID


class BulletinSummary(BaseModel):
    """A bulletin version (通报) in a list."""

    id: uuid.UUID
    round_id: uuid.UUID
    version: int
    reason: str | None = None
    published_by: str
    published_at: datetime


class BulletinOut(BulletinSummary):
    """A bulletin version as the caller may read it."""

    content: dict[str, Any]


CorrectionIn.model_rebuild()
