"""API shapes of the analyses (案情分析): breakdown, times, suspects' traits.

The spatial answers (hot spots, hot places, near repeats) are in `schemas_spatial`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field

from incidents.analysis.filters import Period, Unit


class PeriodOut(BaseModel):
    """A period [from, to); `unit` when it is a named calendar unit."""

    period_from: datetime
    period_to: datetime
    unit: Unit | None = None

    @classmethod
    def of(cls, period: Period) -> PeriodOut:
        """The API shape of a period, in UTC as every answer of the API."""
        return cls(
            period_from=period.start.astimezone(UTC),
            period_to=period.end.astimezone(UTC),
            unit=period.unit,
        )


class Periods(BaseModel):
    """The period analysed and those it is compared with (环比 and 同比), where it is."""

    period: PeriodOut
    previous: PeriodOut | None = Field(default=None, description="The period just before (环比)")
    year_earlier: PeriodOut | None = Field(
        default=None, description="The same period a year earlier (同比)"
    )


class Figure(BaseModel):
    """One group's incidents in the period, its share, and the two comparisons."""

    key: str | None = Field(description="The group's code; null for incidents that record none")
    name: str
    count: int
    share: float = Field(description="count / the period's total (0 when the total is 0)")
    previous: int
    year_earlier: int
    change: float | None = Field(
        description="(count − previous) / previous; null when previous is 0"
    )
    change_year_earlier: float | None = Field(
        description="(count − year_earlier) / year_earlier; null when that is 0"
    )
    rate_per_1000: float | None = Field(
        default=None,
        description="Incidents in the period per 1,000 residents (万人发案率 / 10), where the "
        "population is known: the group's own for areas, the analysed area's for the others",
    )


class AnalysisHeader(BaseModel):
    """What was analysed: the area and the periods."""

    area_code: str
    area_name: str
    population: int | None
    periods: Periods


class Breakdown(AnalysisHeader):
    """Counts and shares by category, child area, place kind, place, source, status and severity
    (案件构成), with changes against the previous period and a year earlier."""

    total: Figure
    by_category: list[Figure]
    by_area: list[Figure] = Field(description="By child area; key null: in the area itself")
    by_place_kind: list[Figure] = Field(description="Key null: not at a registered place")
    by_place: list[Figure] = Field(description="The most frequent registered places")
    by_source: list[Figure]
    by_status: list[Figure]
    by_severity: list[Figure]


class TrendPoint(BaseModel):
    """Incidents in one month or week (local calendar; weeks start on Monday)."""

    start: date
    count: int


class Times(AnalysisHeader):
    """When incidents happen (发案时段): the aoristic 7 × 24 matrix and the trends."""

    total: int
    previous_total: int
    windowed: int = Field(description="Incidents known only by a window from–to (spread)")
    matrix: list[list[float]] = Field(
        description="7 × 24: rows Monday to Sunday, columns hours 0–23, business time zone; "
        "sums to `total`"
    )
    previous_matrix: list[list[float]] = Field(description="The same for the previous period")
    by_weekday: list[float] = Field(description="Row sums of `matrix`, Monday first")
    by_hour: list[float] = Field(description="Column sums of `matrix`")
    monthly: list[TrendPoint]
    weekly: list[TrendPoint]


class SuspectTraits(AnalysisHeader):
    """What reporters saw of the perpetrators (作案人员特点), as counts only: never a list of
    people. Shares are of all incidents in the period; key null: not recorded."""

    total: Figure
    described: Figure = Field(description="Incidents with anything recorded about suspects")
    by_gender: list[Figure]
    by_age_band: list[Figure]
    by_origin: list[Figure] = Field(description="local / non_local (外来流动人口)")
    by_modus_operandi: list[Figure] = Field(
        description="Per tag (作案手段); an incident with several tags counts under each"
    )
