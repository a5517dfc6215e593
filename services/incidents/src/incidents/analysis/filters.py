"""The query parameters every analysis shares (分析条件): area, period, category, severity, place kind.

Parse them with the `AnalysisFiltersDep` dependency, check them against the database and the
caller's areas with `checked_filters`, and put `conditions(filters)` in the WHERE of every
aggregate. A period is half-open, [start, end); named periods are calendar units of the business
time zone (`pingan_shared.settings.business_timezone()`):

- `2024` a year, `2024-Q2` a quarter, `2024-05` a month, `2024-W19` an ISO week;
- or `from`/`to` (aware date-times), 30 days up to now when neither is given.

Comparisons: `Period.previous()` is the period of the same length just before (for a named period
the previous calendar unit: April before May); `Period.year_earlier()` the same dates a year before;
`Period.following()` the next one (a hot-spot map's test period).
Rejected reports and duplicates merged into another incident are never counted, as in the
statistics route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import Depends, Query
from pydantic import AwareDatetime
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas import repository as areas
from incidents.areas.models import Area
from incidents.intake.models import Category, Incident, Severity
from incidents.listing.params import CategoryCode
from incidents.listing.repository import area_prefix
from incidents.places.models import Place, PlaceKind
from incidents.statistics.repository import NOT_COUNTED
from pingan_shared.auth import Principal
from pingan_shared.errors import field_error, not_found
from pingan_shared.settings import business_timezone

Unit = Literal["year", "quarter", "month", "week"]
DEFAULT_PERIOD = timedelta(days=30)
# Five years: enough for a trend with its year-earlier comparison, short enough to stay an answer.
MAX_PERIOD = timedelta(days=5 * 366)
_NAMED = re.compile(
    r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|W(?P<week>\d{2})|(?P<month>\d{2})))?$"
)


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of occurrence times; `unit` when it is a named one."""

    start: datetime
    end: datetime
    unit: Unit | None = None

    @property
    def length(self) -> timedelta:
        """How long the period is."""
        return self.end - self.start

    def previous(self) -> Period:
        """The period just before: the previous calendar unit when named, else the same length."""
        if self.unit is None:
            return Period(self.start - self.length, self.start)
        local = self.start.astimezone(business_timezone())
        if self.unit == "week":
            return _named_period(local.date() - timedelta(days=7), "week")
        months = {"year": 12, "quarter": 3, "month": 1}[self.unit]
        index = local.year * 12 + local.month - 1 - months
        return _named_period(date(index // 12, index % 12 + 1, 1), self.unit)

    def following(self) -> Period:
        """The period just after: the next calendar unit when named, else the same length."""
        if self.unit is None:
            return Period(self.end, self.end + self.length)
        return _named_period(self.end.astimezone(business_timezone()).date(), self.unit)

    def year_earlier(self) -> Period:
        """The same local dates and times one year before (29 February becomes the 28th)."""
        if self.unit == "week":
            # The same ISO week of the previous year, so weekdays line up.
            year, week, _ = self.start.astimezone(business_timezone()).isocalendar()
            return _named_period(_iso_monday(year - 1, min(week, _iso_weeks(year - 1))), "week")
        return Period(_a_year_before(self.start), _a_year_before(self.end), self.unit)


@dataclass(frozen=True)
class AnalysisFilters:
    """What an analysis looks at: incidents of the area (code prefix) that occurred in the period."""

    area: str
    period: Period
    categories: tuple[str, ...] = ()
    severities: tuple[Severity, ...] = ()
    place_kinds: tuple[PlaceKind, ...] = ()

    def during(self, period: Period) -> AnalysisFilters:
        """The same filters over another period (the previous one, a year earlier, a following one)."""
        return replace(self, period=period)


def _a_year_before(moment: datetime) -> datetime:
    local = moment.astimezone(business_timezone())
    day = 28 if (local.month, local.day) == (2, 29) else local.day
    return local.replace(year=local.year - 1, day=day)


def _iso_weeks(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


def _iso_monday(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


def _named_period(first: date, unit: Unit) -> Period:
    """The calendar unit starting on `first` (a Monday for weeks), midnight to midnight locally."""
    if unit == "week":
        last = first + timedelta(days=7)
    else:
        months = {"year": 12, "quarter": 3, "month": 1}[unit]
        index = first.year * 12 + first.month - 1 + months
        last = date(index // 12, index % 12 + 1, 1)
    zone = business_timezone()
    return Period(
        datetime(first.year, first.month, first.day, tzinfo=zone),
        datetime(last.year, last.month, last.day, tzinfo=zone),
        unit,
    )


def parse_named_period(value: str) -> Period:
    """`2024`, `2024-Q2`, `2024-05` or `2024-W19` → the period; a 422 naming `query.period`."""
    found = _NAMED.match(value)
    year = int(found["year"]) if found else 0
    if found is None or not 1900 <= year <= 9998:
        raise field_error("query.period", "give 2024, 2024-Q2, 2024-05 or 2024-W19", "period")
    if found["quarter"]:
        return _named_period(date(year, 3 * int(found["quarter"]) - 2, 1), "quarter")
    if found["month"]:
        month = int(found["month"])
        if not 1 <= month <= 12:
            raise field_error("query.period", "month must be 01 to 12", "period")
        return _named_period(date(year, month, 1), "month")
    if found["week"]:
        week = int(found["week"])
        if not 1 <= week <= _iso_weeks(year):
            raise field_error(
                "query.period", f"{year} has ISO weeks 01 to {_iso_weeks(year)}", "period"
            )
        return _named_period(_iso_monday(year, week), "week")
    return _named_period(date(year, 1, 1), "year")


def analysis_period(
    period: Annotated[
        str | None,
        Query(description="统计期 named period: 2024, 2024-Q2, 2024-05 or 2024-W19"),
    ] = None,
    period_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="起 start (inclusive)")
    ] = None,
    period_to: Annotated[
        AwareDatetime | None, Query(alias="to", description="止 end (exclusive); now by default")
    ] = None,
) -> Period:
    """Dependency: the period of an analysis, named or from/to (30 days up to now by default)."""
    if period is not None:
        if period_from is not None or period_to is not None:
            raise field_error("query.period", "give either period or from/to, not both", "period")
        return parse_named_period(period)
    end = period_to or datetime.now(UTC)
    start = period_from or end - DEFAULT_PERIOD
    if start >= end:
        raise field_error("query.from", "must be before `to`", "empty_period")
    if end - start > MAX_PERIOD:
        raise field_error("query.to", "a period spans at most five years", "period_too_long")
    return Period(start, end)


def analysis_filters(
    area: Annotated[
        str, Query(pattern=r"^\d{6,20}$", description="区划 area code: it and everything inside it")
    ],
    period: Annotated[Period, Depends(analysis_period)],
    category: Annotated[
        list[CategoryCode] | None, Query(description="案件类型 category code; repeat for several")
    ] = None,
    severity: Annotated[
        list[Severity] | None, Query(description="严重程度 severity; repeat for several")
    ] = None,
    place_kind: Annotated[
        list[PlaceKind] | None, Query(description="地点类型 place kind; repeat for several")
    ] = None,
) -> AnalysisFilters:
    """Dependency: the filters of an analysis request, parsed (not yet checked against the data)."""
    return AnalysisFilters(
        area=area,
        period=period,
        categories=tuple(dict.fromkeys(category or ())),
        severities=tuple(dict.fromkeys(severity or ())),
        place_kinds=tuple(dict.fromkeys(place_kind or ())),
    )


AnalysisFiltersDep = Annotated[AnalysisFilters, Depends(analysis_filters)]


async def checked_filters(
    session: AsyncSession, principal: Principal, filters: AnalysisFilters
) -> Area:
    """The filters' area, after checking it is the caller's (404 otherwise, as statistics do)
    and that every category is in the catalogue (422 naming `query.category`)."""
    found = await areas.get_area(session, filters.area)
    if found is None or not principal.can_see(found.code):
        raise not_found("area")
    if filters.categories:
        query = select(col(Category.code)).where(col(Category.code).in_(filters.categories))
        known = set((await session.execute(query)).scalars())
        unknown = [c for c in filters.categories if c not in known]
        if unknown:
            raise field_error("query.category", f"unknown category: {', '.join(unknown)}")
    return found


def conditions(filters: AnalysisFilters) -> list[ColumnElement[bool]]:
    """The WHERE on `incidents` of an analysis: area prefix, period on `occurred_at`, filters,
    counted statuses only."""
    where: list[ColumnElement[bool]] = [
        area_prefix(filters.area),
        col(Incident.occurred_at) >= filters.period.start,
        col(Incident.occurred_at) < filters.period.end,
        col(Incident.status).not_in(NOT_COUNTED),
    ]
    if filters.categories:
        where.append(col(Incident.category).in_(filters.categories))
    if filters.severities:
        where.append(col(Incident.severity).in_(filters.severities))
    if filters.place_kinds:
        kinds = select(col(Place.id)).where(col(Place.kind).in_(filters.place_kinds))
        where.append(col(Incident.place_id).in_(kinds))
    return where
