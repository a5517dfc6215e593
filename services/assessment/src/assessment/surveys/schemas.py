"""API shapes of survey samples (抽样调查), their rates and the sample-size planner."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from assessment.surveys.stats import RateEstimate, RateVerdict
from assessment.units.schemas import AREA_CODE


class SurveySampleCreate(BaseModel):
    """One survey of a unit or an area in a period (抽样调查记录)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "area_code": "530128100001",
                    "period_start": "2026-10-01",
                    "period_end": "2026-10-31",
                    "n_asked": 120,
                    "n_aware": 103,
                    "n_participating": 61,
                    "method": "入户随机抽样",
                }
            ]
        },
    )

    unit_id: uuid.UUID | None = Field(
        default=None, description="The unit surveyed; its area is the sample's area"
    )
    area_code: str | None = Field(
        default=None, pattern=AREA_CODE, description="The area surveyed (统计用区划代码)"
    )
    round_id: uuid.UUID | None = Field(default=None, description="The assessment round it serves")
    period_start: date
    period_end: date
    n_asked: int = Field(ge=1, le=1_000_000, description="How many were asked (调查人数)")
    n_aware: int = Field(ge=0, description="How many knew the campaign (知晓人数)")
    n_participating: int = Field(ge=0, description="How many took part (参与人数)")
    method: str | None = Field(
        default=None, min_length=1, max_length=200, description="How they were chosen (抽样方法)"
    )

    @field_validator("n_aware", "n_participating")
    @classmethod
    def _at_most_asked(cls, value: int, info: ValidationInfo) -> int:
        asked = info.data.get("n_asked")
        if asked is not None and value > asked:
            who = "aware" if info.field_name == "n_aware" else "taking part"
            raise ValueError(f"more {who} ({value}) than asked ({asked})")
        return value

    @field_validator("period_end")
    @classmethod
    def _not_before_start(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("period_start")
        if start is not None and value < start:
            raise ValueError("the period ends before it starts")
        return value


class RateOut(BaseModel):
    """A rate with its 95 % Wilson score interval (威尔逊区间)."""

    n: int = Field(description="Asked")
    k: int = Field(description="Aware, or taking part")
    rate: float
    low: float = Field(description="Lower bound of the 95 % interval")
    high: float = Field(description="Upper bound of the 95 % interval")

    @classmethod
    def of(cls, estimate: RateEstimate) -> RateOut:
        """The API shape of an estimate."""
        return cls(
            n=estimate.n,
            k=estimate.k,
            rate=round(estimate.rate, 6),
            low=round(estimate.low, 6),
            high=round(estimate.high, 6),
        )


class SurveySampleOut(BaseModel):
    """A recorded survey with its awareness (知晓率) and participation (参与率) rates."""

    id: uuid.UUID
    unit_id: uuid.UUID | None = None
    area_code: str
    round_id: uuid.UUID | None = None
    period_start: date
    period_end: date
    n_asked: int
    n_aware: int
    n_participating: int
    method: str | None = None
    recorded_by: str
    created_at: datetime
    awareness: RateOut
    participation: RateOut


class VerdictOut(BaseModel):
    """A rate judged against a threshold (达标判定)."""

    verdict: str = Field(description="pass, deduct, or inconclusive")
    threshold: float
    sample_more: int | None = Field(
        default=None, description="When inconclusive: how many more to ask (建议追加样本量)"
    )
    message: str

    @classmethod
    def of(cls, judged: RateVerdict) -> VerdictOut:
        """The API shape of a verdict."""
        return cls(
            verdict=judged.verdict.value,
            threshold=judged.threshold,
            sample_more=judged.sample_more,
            message=judged.message,
        )


class PooledRates(BaseModel):
    """Every sample of a unit or area in a period, pooled (汇总知晓率/参与率)."""

    unit_id: uuid.UUID | None = None
    area_code: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    samples: int
    awareness: RateOut
    participation: RateOut
    awareness_verdict: VerdictOut | None = None
    participation_verdict: VerdictOut | None = None


class SampleSizePlan(BaseModel):
    """How many to ask (样本量测算)."""

    sample_size: int
    margin: float
    expected_rate: float
    population: int | None = None
    design_effect: float
    confidence: float
