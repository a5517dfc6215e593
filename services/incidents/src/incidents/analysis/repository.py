"""Aggregates of the breakdown and suspects' traits, in SQL: one scan for all the periods.

Each query groups the matching incidents once by the raw columns it needs (a hash aggregate
PostgreSQL can split over parallel workers), counting each period with `count(*) FILTER`, and
then folds that small result into one group per dimension with GROUPING SETS. Periods may overlap
(the previous period of a year is the year before), which FILTER counts allow and a CASE would not.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import col

from incidents.analysis.filters import AnalysisFilters, Period, conditions
from incidents.areas.models import Area
from incidents.intake.models import Category, Incident
from incidents.listing.repository import plan_for_these_values
from incidents.places.models import Place
from pingan_shared.db import driver_connection

Counts = tuple[int, ...]
"""Incidents of one group in each period asked for, in the order asked."""
BATCH = 10_000
"""Rows a server-side cursor hands over at a time."""
BREAKDOWN = ("category", "area", "place_kind", "place", "source", "status", "severity")


@dataclass(frozen=True)
class Named:
    """An area or place: its code or id, name and (for areas) population."""

    key: str
    name: str
    population: int | None = None


async def prepare(session: AsyncSession) -> None:
    """Settings of this transaction for one large aggregate: plans for the request's own values;
    hash tables in memory rather than sorts on disk; parallel scans even where the planner,
    unable to estimate the number of groups, would not pay for them (they halve a scan of a
    town's incidents); and no JIT (it costs more than it saves on a query under a second)."""
    await plan_for_these_values(session)
    settings = {
        "work_mem": "64MB",
        "jit": "off",
        "parallel_setup_cost": "0",
        "parallel_tuple_cost": "0",
    }
    # set_config(…, true) is SET LOCAL; one statement, one round trip.
    await session.execute(select(*[func.set_config(k, v, True) for k, v in settings.items()]))


def _for_driver(session: AsyncSession, query: ClauseElement) -> tuple[str, list[Any]]:
    """`query` as asyncpg's SQL and positional parameters."""
    compiled = query.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    assert isinstance(compiled, SQLCompiler)  # a statement compiles to SQL
    return str(compiled), [compiled.params[name] for name in compiled.positiontup or ()]


async def fetch_records(session: AsyncSession, query: ClauseElement) -> list[Any]:
    """The rows of `query` read straight through the driver, in the session's transaction: for
    thousands of small rows, asyncpg's records cost a fraction of ORM rows."""
    connection = await driver_connection(session)
    sql, parameters = _for_driver(session, query)
    rows: list[Any] = await connection.fetch(sql, *parameters)
    return rows


async def record_batches(session: AsyncSession, query: ClauseElement) -> AsyncIterator[list[Any]]:
    """The rows of `query` in lists of up to BATCH, through a server-side cursor in the
    session's transaction: memory holds one batch, however many rows there are."""
    connection = await driver_connection(session)
    sql, parameters = _for_driver(session, query)
    cursor = await connection.cursor(sql, *parameters)
    while rows := await cursor.fetch(BATCH):
        yield rows


def spanning(filters: AnalysisFilters, periods: Sequence[Period]) -> AnalysisFilters:
    """The filters over the smallest period holding all of `periods` (one index range)."""
    return filters.during(Period(min(p.start for p in periods), max(p.end for p in periods)))


def period_counts(periods: Sequence[Period]) -> list[ColumnElement[int]]:
    """`count(*) FILTER (WHERE occurred_at in the period)` for each period, labelled n0, n1…"""
    occurred = col(Incident.occurred_at)
    return [
        func.count().filter(and_(occurred >= period.start, occurred < period.end)).label(f"n{i}")
        for i, period in enumerate(periods)
    ]


def which_dimension(grouping: int, dimensions: int) -> int:
    """Which of the dimensions of a GROUPING() bitmask a row of GROUPING SETS is grouped by:
    the first whose bit is 0 (bits read leftmost dimension first)."""
    for i in range(dimensions):
        if not grouping >> (dimensions - 1 - i) & 1:
            return i
    raise ValueError(f"GROUPING() = {grouping} groups by no single dimension")


async def grouped(
    session: AsyncSession, query: Select[Any], names: Sequence[str], periods: int
) -> dict[str, dict[str | None, Counts]]:
    """Rows of a GROUPING SETS query (GROUPING() of all dimensions, dimension values…, one sum
    per period) by dimension, then by the dimension's value as text."""
    result: dict[str, dict[str | None, Counts]] = {name: {} for name in names}
    for row in (await session.execute(query)).all():
        i = which_dimension(row[0], len(names))
        value = row[1 + i]
        key = None if value is None else str(value)
        result[names[i]][key] = tuple(int(n or 0) for n in row[1 + len(names) :][:periods])
    return result


async def breakdown_counts(
    session: AsyncSession, filters: AnalysisFilters, periods: Sequence[Period], child_length: int
) -> dict[str, dict[str | None, Counts]]:
    """Counts per value of each BREAKDOWN dimension in each period. Areas are the child areas
    (the first `child_length` characters of the code; 0: no children, all under null)."""
    fine = (
        select(
            col(Incident.category),
            col(Incident.area_code),
            col(Incident.place_id),
            cast(col(Incident.source), String).label("source"),
            cast(col(Incident.status), String).label("status"),
            cast(col(Incident.severity), String).label("severity"),
            *period_counts(periods),
        )
        .where(*conditions(spanning(filters, periods)))
        .group_by(
            col(Incident.category),
            col(Incident.area_code),
            col(Incident.place_id),
            col(Incident.source),
            col(Incident.status),
            col(Incident.severity),
        )
        .cte("fine")
    )
    # A literal length, not a parameter: GROUP BY must repeat the select list's expression.
    child = (
        func.left(fine.c.area_code, literal_column(str(child_length))) if child_length else null()
    )
    dimensions = [
        fine.c.category,
        child,
        col(Place.kind),
        fine.c.place_id,
        fine.c.source,
        fine.c.status,
        fine.c.severity,
    ]
    sums = [func.sum(fine.c[f"n{i}"]) for i in range(len(periods))]
    query = (
        select(func.grouping(*dimensions), *dimensions, *sums)
        .select_from(fine.outerjoin(Place, col(Place.id) == fine.c.place_id))
        .group_by(func.grouping_sets(*[tuple_(d) for d in dimensions]))
    )
    await prepare(session)
    return await grouped(session, query, BREAKDOWN, len(periods))


@dataclass(frozen=True)
class SuspectGroup:
    """Incidents sharing everything recorded of their suspects, counted in each period."""

    gender: str | None
    age_band: str | None
    non_local: bool | None
    described: bool
    modus_operandi: tuple[str, ...]
    counts: Counts


async def suspect_groups(
    session: AsyncSession, filters: AnalysisFilters, periods: Sequence[Period]
) -> list[SuspectGroup]:
    """Incidents grouped by suspects' gender, age band, origin, whether anything is recorded,
    and modus operandi tags: as many groups as distinct combinations, whatever the incidents."""
    non_local = col(Incident.suspect_non_local)
    described = or_(
        col(Incident.suspect_count).is_not(None),
        col(Incident.suspect_gender).is_not(None),
        col(Incident.suspect_age_band).is_not(None),
        non_local.is_not(None),
        col(Incident.suspect_traits).is_not(None),
        func.cardinality(col(Incident.modus_operandi)) > 0,
    )
    keys = [
        col(Incident.suspect_gender),
        col(Incident.suspect_age_band),
        non_local,
        described,
        col(Incident.modus_operandi),
    ]
    query = (
        select(*keys, *period_counts(periods))
        .where(*conditions(spanning(filters, periods)))
        .group_by(*keys)
    )
    await prepare(session)
    rows: list[Any] = list((await session.execute(query)).all())
    return [
        SuspectGroup(
            gender=row[0],
            age_band=row[1],
            non_local=row[2],
            described=bool(row[3]),
            modus_operandi=tuple(row[4] or ()),
            counts=tuple(int(n) for n in row[5:]),
        )
        for row in rows
    ]


async def category_names(session: AsyncSession) -> dict[str, str]:
    """Category code → name, the whole catalogue (a few dozen rows)."""
    rows = await session.execute(select(col(Category.code), col(Category.name)))
    return {str(code): str(name) for code, name in rows.all()}


async def child_areas(session: AsyncSession, code: str) -> list[Named]:
    """The areas directly inside `code`, with their populations."""
    query = (
        select(col(Area.code), col(Area.name), col(Area.population))
        .where(col(Area.parent_code) == code)
        .order_by(col(Area.code))
    )
    return [Named(c, name, population) for c, name, population in (await session.execute(query))]


async def place_names(session: AsyncSession, ids: Sequence[str]) -> dict[str, str]:
    """Place id → name for the ids given."""
    if not ids:
        return {}
    query = select(col(Place.id), col(Place.name)).where(
        col(Place.id).in_([uuid.UUID(i) for i in ids])
    )
    return {str(key): name for key, name in (await session.execute(query)).all()}
