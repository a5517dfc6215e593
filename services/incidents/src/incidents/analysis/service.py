"""Breakdown, times and suspects' traits (案件构成, 发案时段, 作案人员特点): SQL aggregates in,
answers out. The caller has checked the filters (`filters.checked_filters`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis import repository, repository_times
from incidents.analysis.aoristic import aoristic_matrix, hour_counts_matrix
from incidents.analysis.filters import AnalysisFilters, Period
from incidents.analysis.labels import NOT_RECORDED, name_of
from incidents.analysis.repository import Counts
from incidents.analysis.schemas import (
    AnalysisHeader,
    Breakdown,
    Figure,
    PeriodOut,
    Periods,
    SuspectTraits,
    Times,
    TrendPoint,
)
from incidents.areas.models import Area
from pingan_shared.settings import business_timezone

TOP_PLACES = 20
TOP_MODUS_OPERANDI = 20


def comparison_periods(period: Period) -> list[Period]:
    """The period, the one before it (环比) and the same one a year earlier (同比)."""
    return [period, period.previous(), period.year_earlier()]


def header(area: Area, periods: list[Period]) -> AnalysisHeader:
    """The area and the periods of an answer: the analysed one, then those it is compared with
    (the previous one, a year earlier) as far as given."""
    shown = [PeriodOut.of(p) for p in periods] + [None, None]
    return AnalysisHeader(
        area_code=area.code,
        area_name=area.name,
        population=area.population,
        periods=Periods(period=shown[0], previous=shown[1], year_earlier=shown[2]),
    )


def _change(now: int, before: int) -> float | None:
    return (now - before) / before if before else None


def figure(
    key: str | None, name: str, counts: Counts, total: int, population: int | None = None
) -> Figure:
    """One group's figures from its counts in the period, the previous one and a year earlier."""
    count, previous, year_earlier = counts
    return Figure(
        key=key,
        name=name,
        count=count,
        share=count / total if total else 0.0,
        previous=previous,
        year_earlier=year_earlier,
        change=_change(count, previous),
        change_year_earlier=_change(count, year_earlier),
        rate_per_1000=count * 1000 / population if population else None,
    )


def figures(
    groups: Mapping[str | None, Counts],
    total: int,
    name: Callable[[str | None], str],
    population: Callable[[str | None], int | None] = lambda _: None,
    limit: int | None = None,
) -> list[Figure]:
    """Figures of groups, most incidents in the period first (then the previous period's)."""
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0] or "\uffff"))
    return [figure(k, name(k), c, total, population(k)) for k, c in ordered[:limit]]


def _sum(groups: Iterable[Counts], periods: int = 3) -> Counts:
    totals = [0] * periods
    for counts in groups:
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    return tuple(totals)


async def breakdown(session: AsyncSession, filters: AnalysisFilters, area: Area) -> Breakdown:
    """Counts and shares by category, child area, place kind, place, source, status and severity,
    against the previous period and a year earlier; rates per 1,000 residents."""
    periods = comparison_periods(filters.period)
    children = {child.key: child for child in await repository.child_areas(session, area.code)}
    child_length = min((len(code) for code in children), default=0)
    groups = await repository.breakdown_counts(session, filters, periods, child_length)
    categories = await repository.category_names(session)
    places = await repository.place_names(session, [k for k in groups["place"] if k])
    # Every incident has exactly one severity: its groups add up to the total.
    totals = _sum(groups["severity"].values())
    total = totals[0]
    people = area.population

    def area_name(key: str | None) -> str:
        if key is None or key == area.code:
            return f"{area.name}(本级)"
        return children[key].name if key in children else key

    def by(dimension: str) -> list[Figure]:
        return figures(groups[dimension], total, lambda k: name_of(dimension, k), lambda _: people)

    return Breakdown(
        **header(area, periods).model_dump(),
        total=figure(None, area.name, totals, total, people),
        by_category=figures(
            groups["category"], total, lambda k: categories.get(k or "", k or NOT_RECORDED),
            lambda _: people,
        ),
        by_area=figures(
            groups["area"], total, area_name,
            lambda k: children[k].population if k in children else None,
        ),
        by_place_kind=by("place_kind"),
        by_place=figures(
            {k: c for k, c in groups["place"].items() if k is not None}, total,
            lambda k: places.get(k or "", k or NOT_RECORDED), lambda _: people, TOP_PLACES,
        ),
        by_source=by("source"),
        by_status=by("status"),
        by_severity=by("severity"),
    )  # fmt: skip


async def suspects(session: AsyncSession, filters: AnalysisFilters, area: Area) -> SuspectTraits:
    """Suspects' gender, age band, origin and modus operandi, counted over incidents and compared
    with the previous period and a year earlier. Counts only: no person is listed."""
    periods = comparison_periods(filters.period)
    groups = await repository.suspect_groups(session, filters, periods)
    sums: dict[str, dict[str | None, Counts]] = {}
    for dimension, key_of in (
        ("gender", lambda g: g.gender),
        ("age_band", lambda g: g.age_band),
        ("origin", lambda g: None if g.non_local is None else ("non_local" if g.non_local else "local")),
        ("described", lambda g: "true" if g.described else "false"),
    ):  # fmt: skip
        folded: dict[str | None, list[Counts]] = {}
        for group in groups:
            folded.setdefault(key_of(group), []).append(group.counts)
        sums[dimension] = {k: _sum(v) for k, v in folded.items()}
    tags: dict[str | None, list[Counts]] = {}
    for group in groups:
        for tag in dict.fromkeys(group.modus_operandi):
            tags.setdefault(tag, []).append(group.counts)
    totals = _sum(sums["described"].values())
    total = totals[0]
    described = sums["described"].get("true", (0, 0, 0))
    mo = {k: _sum(v) for k, v in tags.items()}
    return SuspectTraits(
        **header(area, periods).model_dump(),
        total=figure(None, area.name, totals, total),
        described=figure("true", "有作案人员信息", described, total),
        by_gender=figures(sums["gender"], total, lambda k: name_of("gender", k)),
        by_age_band=figures(sums["age_band"], total, lambda k: name_of("age_band", k)),
        by_origin=figures(sums["origin"], total, lambda k: name_of("origin", k)),
        by_modus_operandi=figures(mo, total, lambda k: k or NOT_RECORDED, limit=TOP_MODUS_OPERANDI),
    )


def _trend(counts: Mapping[datetime, Counts], starts: list[date]) -> list[TrendPoint]:
    by_day = {moment.date(): c[0] for moment, c in counts.items()}
    return [TrendPoint(start=day, count=by_day.get(day, 0)) for day in starts]


def _month_starts(first: date, last: date) -> list[date]:
    starts, day = [], first.replace(day=1)
    while day <= last:
        starts.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return starts


def _week_starts(first: date, last: date) -> list[date]:
    day = first - timedelta(days=first.weekday())
    return [day + timedelta(weeks=i) for i in range((last - day).days // 7 + 1)]


async def times(session: AsyncSession, filters: AnalysisFilters, area: Area) -> Times:
    """The aoristic 7 × 24 matrix of the period and the previous one, and the monthly and weekly
    trends of the period, in the business time zone."""
    periods = comparison_periods(filters.period)[:2]  # the matrix against the previous period
    zone = business_timezone()
    matrices = [np.zeros((7, 24)), np.zeros((7, 24))]

    def spread(starts: list[float], ends: list[float], counts: list[Counts]) -> None:
        weights = np.asarray(counts, np.float64)
        for i, matrix in enumerate(matrices):
            matrix += aoristic_matrix(starts, ends, zone, weights[:, i])

    found = await repository_times.time_counts(session, filters, periods, zone, spread)
    for i, matrix in enumerate(matrices):
        slots = [(day, hour, c[i]) for (day, hour), c in found.slots.items() if c[i]]
        if slots:
            matrix += hour_counts_matrix(*zip(*slots, strict=True))
    first = filters.period.start.astimezone(zone).date()
    last = (filters.period.end - timedelta(microseconds=1)).astimezone(zone).date()
    total = sum(c[0] for c in found.months.values())
    return Times(
        **header(area, periods).model_dump(),
        total=total,
        previous_total=sum(c[1] for c in found.months.values()),
        windowed=found.windowed[0],
        matrix=matrices[0].round(6).tolist(),
        previous_matrix=matrices[1].round(6).tolist(),
        by_weekday=matrices[0].sum(axis=1).round(6).tolist(),
        by_hour=matrices[0].sum(axis=0).round(6).tolist(),
        monthly=_trend(found.months, _month_starts(first, last)),
        weekly=_trend(found.weeks, _week_starts(first, last)),
    )
