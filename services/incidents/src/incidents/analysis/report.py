"""The town report (分析报告): what a leader reads in one piece. The breakdown, times, hot places
and suspects' traits of the area and period (the analyses' own answers), and the area's focus
problems with the effect of their measures, gathered once for the workbook and the charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis import service, service_spatial
from incidents.analysis.charts import ChartData
from incidents.analysis.filters import AnalysisFilters
from incidents.analysis.schemas import Breakdown, SuspectTraits, Times
from incidents.analysis.schemas_spatial import HotPlaces
from incidents.areas import repository as areas
from incidents.areas.models import Area
from incidents.focus import repository as focus
from incidents.focus.effect import problem_effect
from incidents.focus.models import FocusProblem
from pingan_shared.settings import business_timezone

HOT_PLACES = 20
MAX_FOCUS = 200
STATUS_NAMES = {"open": "整治中", "overdue": "逾期督办", "resolved": "已解决"}
SOURCE_NAMES = {
    "hot_spot": "热点区域",
    "hot_place": "易发案部位",
    "area": "区划",
    "series": "系列案件",
}


@dataclass(frozen=True, slots=True)
class FocusRow:
    """One focus problem as the report shows it, with the effect of its measures."""

    title: str
    area_name: str
    source: str
    status: str
    owner: str
    target_date: date
    measures_started_on: date | None
    measures: int
    latest_measure: str | None
    escalation_level: int
    before_per_week: float | None
    after_per_week: float | None
    p: float | None
    conclusion: str


@dataclass(frozen=True, slots=True)
class TownReport:
    """Everything the workbook and the charts show."""

    area_code: str
    area_name: str
    period_label: str
    generated_at: datetime
    zone: ZoneInfo
    breakdown: Breakdown
    times: Times
    hot_places: HotPlaces
    suspects: SuspectTraits
    focus: list[FocusRow]


def period_label(filters: AnalysisFilters, zone: ZoneInfo) -> str:
    """`2026-11` for a named month; else the local first and last days, `2026-11-01 至 2026-11-28`."""
    start = filters.period.start.astimezone(zone)
    last = (filters.period.end - timedelta(microseconds=1)).astimezone(zone)
    if filters.period.unit == "year":
        return f"{start.year}"
    if filters.period.unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if filters.period.unit == "month":
        return f"{start.year}-{start.month:02d}"
    if filters.period.unit == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.date().isoformat()} 至 {last.date().isoformat()}"


async def _focus_row(session: AsyncSession, problem: FocusProblem, measures: list[str]) -> FocusRow:
    effect = await problem_effect(session, problem)
    test = effect.test
    area = await areas.get_area(session, problem.area_code)
    return FocusRow(
        title=problem.title,
        area_name=area.name if area else problem.area_code,
        source=SOURCE_NAMES.get(problem.source, problem.source),
        status=STATUS_NAMES.get(problem.status, problem.status),
        owner=problem.owner_name or "",
        target_date=problem.target_date,
        measures_started_on=problem.measures_started_on,
        measures=len(measures),
        latest_measure=measures[-1] if measures else None,
        escalation_level=problem.escalation_level,
        before_per_week=round(test.before / test.before_weeks, 2) if test else None,
        after_per_week=round(test.after / test.after_weeks, 2) if test else None,
        p=round(test.p, 4) if test else None,
        conclusion=effect.note,
    )


async def focus_rows(session: AsyncSession, area: Area) -> list[FocusRow]:
    """The area's focus problems (at most `MAX_FOCUS`, nearest target first) with their effect.
    Owners are named; their phones are left out of a document that travels."""
    problems = await focus.list_problems(
        session, [area.code], statuses=[], after=None, limit=MAX_FOCUS
    )
    measures = await focus.measures_by_problem(session, [p.id for p in problems])
    return [
        await _focus_row(session, p, [m.text for m in measures.get(p.id, [])]) for p in problems
    ]


async def town_report(
    session: AsyncSession, area: Area, filters: AnalysisFilters, now: datetime | None = None
) -> TownReport:
    """Gather the report of the area and period."""
    zone = business_timezone()
    return TownReport(
        area_code=area.code,
        area_name=area.name,
        period_label=period_label(filters, zone),
        generated_at=(now or datetime.now(UTC)).astimezone(zone),
        zone=zone,
        breakdown=await service.breakdown(session, filters, area),
        times=await service.times(session, filters, area),
        hot_places=await service_spatial.hot_places(
            session, filters, area, min_count=2, limit=HOT_PLACES
        ),
        suspects=await service.suspects(session, filters, area),
        focus=await focus_rows(session, area),
    )


def chart_data(report: TownReport) -> ChartData:
    """What the charts draw: the 7 × 24 matrix, the weekly trend (monthly past half a year),
    and the categories."""
    times = report.times
    weekly = len(times.weekly) <= 26
    points = times.weekly if weekly else times.monthly
    label = "%m-%d" if weekly else "%Y-%m"
    return ChartData(
        title=f"{report.area_name} 警情分析 {report.period_label}",
        matrix=times.matrix,
        trend_title="趋势(按周)" if weekly else "趋势(按月)",
        trend=[(p.start.strftime(label), p.count) for p in points],
        categories=[(f.name, f.count) for f in report.breakdown.by_category if f.count],
    )
