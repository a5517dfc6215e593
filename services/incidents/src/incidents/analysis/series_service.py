"""Series of an area and period: the candidate incidents from SQL, `find_series`, and the answer
with each series' members and the reasons they were grouped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.analysis.filters import AnalysisFilters, conditions
from incidents.analysis.knox import local_metres
from incidents.analysis.report_schemas import (
    SeriesAnswer,
    SeriesLinkOut,
    SeriesMember,
    SeriesOut,
    SeriesRulesOut,
)
from incidents.analysis.series import (
    Series,
    SeriesIncident,
    SeriesRules,
    common_tags,
    find_series,
)
from incidents.areas.models import Area
from incidents.intake.models import Category, Incident
from incidents.patrols.times import utc

MAX_INCIDENTS = 5000
"""The most recent incidents with a modus operandi a request considers: pairs stay bounded."""
MAX_LINKS = 100
METHOD = (
    "Incidents are linked when of one category, within radius_m and window_days of each other, "
    "with modus operandi at least mo_similarity alike (character-level similarity, 1 for the "
    "same tag) and suspects who do not contradict each other (gender, age band, local or not); "
    "a series is a connected group of links with at least min_size incidents. Only incidents "
    "that record a modus operandi are considered. 同类、时空相近、作案手段相似、嫌疑人特征不矛盾的警情连成系列。"
)


async def candidates(session: AsyncSession, filters: AnalysisFilters) -> tuple[list[Any], bool]:
    """The most recent incidents of the filters that record a modus operandi, at most
    `MAX_INCIDENTS`, and whether more matched."""
    query = (
        select(
            col(Incident.id),
            col(Incident.category),
            col(Incident.occurred_at),
            col(Incident.lat),
            col(Incident.lon),
            col(Incident.modus_operandi),
            col(Incident.suspect_gender),
            col(Incident.suspect_age_band),
            col(Incident.suspect_non_local),
            col(Incident.suspect_traits),
            col(Incident.title),
            col(Incident.address),
            col(Incident.area_code),
        )
        .where(*conditions(filters), func.cardinality(col(Incident.modus_operandi)) > 0)
        .order_by(col(Incident.occurred_at).desc(), col(Incident.id))
        .limit(MAX_INCIDENTS + 1)
    )
    rows = list((await session.execute(query)).all())
    return rows[:MAX_INCIDENTS], len(rows) > MAX_INCIDENTS


def _incident(row: Any) -> SeriesIncident:
    return SeriesIncident(
        id=row.id,
        category=row.category,
        occurred_at=row.occurred_at,
        lat=row.lat,
        lon=row.lon,
        modus_operandi=tuple(row.modus_operandi),
        suspect_gender=row.suspect_gender,
        suspect_age_band=row.suspect_age_band,
        suspect_non_local=row.suspect_non_local,
        suspect_traits=row.suspect_traits,
    )


def _reasons(
    rules: SeriesRules, name: str, mo: Sequence[str], traits: Sequence[str], radius: float
) -> list[str]:
    reasons = [
        f"同一类别 one category: {name}",
        f"每起与另一起相距不超过 {rules.radius_m:.0f} 米、间隔不超过 {rules.window_days:g} 天 "
        f"each within {rules.radius_m:.0f} m and {rules.window_days:g} days of another",
        f"作案手段相似 modus operandi alike (≥ {rules.mo_similarity:g})"
        + (f": {'；'.join(mo)}" if mo else ""),
        f"全部在中心 {radius:.0f} 米内 all within {radius:.0f} m of their centre",
        "嫌疑人特征不矛盾 suspects do not contradict each other"
        + (f"; shared traits 共同特征: {'、'.join(traits)}" if traits else ""),
    ]
    return reasons


def _series_out(
    series: Series, rows: Sequence[Any], rules: SeriesRules, names: dict[str, str]
) -> SeriesOut:
    members = [rows[m] for m in series.members]
    lats = np.array([r.lat for r in members])
    lons = np.array([r.lon for r in members])
    centre = (float(lats.mean()), float(lons.mean()))
    x, y = local_metres(lons, lats, origin=(centre[1], centre[0]))
    radius = float(np.hypot(x, y).max())
    mo = common_tags([r.modus_operandi for r in members], (len(members) + 1) // 2)
    traits = common_tags([_incident(r).traits for r in members], 2)
    name = names.get(members[0].category, members[0].category)
    strongest = sorted(series.links, key=lambda k: (-k.mo_similarity, k.distance_m))[:MAX_LINKS]
    first, last = members[0].occurred_at, members[-1].occurred_at
    return SeriesOut(
        key=members[0].id,
        category=members[0].category,
        category_name=name,
        size=len(members),
        first_at=utc(first),
        last_at=utc(last),
        span_days=round((last - first).total_seconds() / 86_400, 2),
        centre_lat=round(centre[0], 6),
        centre_lon=round(centre[1], 6),
        radius_m=round(radius, 1),
        modus_operandi=mo,
        suspect_traits=traits,
        reasons=_reasons(rules, name, mo, traits, radius),
        members=[
            SeriesMember(
                id=r.id,
                occurred_at=utc(r.occurred_at),
                title=r.title,
                address=r.address,
                area_code=r.area_code,
                lat=r.lat,
                lon=r.lon,
                modus_operandi=list(r.modus_operandi),
            )
            for r in members
        ],
        links=[
            SeriesLinkOut(
                a=rows[k.a].id,
                b=rows[k.b].id,
                distance_m=k.distance_m,
                days_apart=k.days_apart,
                mo_similarity=k.mo_similarity,
                shared_traits=list(k.shared_traits),
            )
            for k in strongest
        ],
        links_total=len(series.links),
    )


async def series_answer(
    session: AsyncSession, area: Area, filters: AnalysisFilters, rules: SeriesRules
) -> SeriesAnswer:
    """The series of the area and period by `rules` (see `incidents.analysis.series`)."""
    rows, truncated = await candidates(session, filters)
    found = find_series([_incident(r) for r in rows], rules)
    codes = {rows[s.members[0]].category for s in found}
    query = select(col(Category.code), col(Category.name)).where(col(Category.code).in_(codes))
    names: dict[str, str] = dict((await session.execute(query)).all())
    return SeriesAnswer(
        area_code=area.code,
        area_name=area.name,
        period_from=utc(filters.period.start),
        period_to=utc(filters.period.end),
        method=METHOD,
        rules=SeriesRulesOut(
            radius_m=rules.radius_m,
            window_days=rules.window_days,
            mo_similarity=rules.mo_similarity,
            min_size=rules.min_size,
        ),
        considered=len(rows),
        max_incidents=MAX_INCIDENTS,
        truncated=truncated,
        series=[_series_out(s, rows, rules, names) for s in found],
    )
