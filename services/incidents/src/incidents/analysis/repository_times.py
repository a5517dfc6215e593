"""Aggregates of when incidents happen (发案时段), in SQL.

Two queries. The calendar groups every incident by the hour (or quarter hour) of `occurred_at`
alone, a key PostgreSQL aggregates in its parallel workers, counting point times apart with a
FILTER; quarter hours are exact in every time zone (all UTC offsets are whole quarter hours), so
those groups then give, in the business time zone, the months and ISO weeks (`date_trunc`) and the
weekday × hour of point times: a few hundred rows, fetched at once. The incidents known only by a
window are grouped by the window itself, read from their partial index (migration
0013_analysis_index) through a cursor, and go to the aoristic spread with their number of
incidents as weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    cast,
    func,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.analysis.filters import AnalysisFilters, Period, conditions
from incidents.analysis.repository import (
    Counts,
    fetch_records,
    period_counts,
    prepare,
    record_batches,
    spanning,
    which_dimension,
)
from incidents.intake.models import Incident

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)

Spread = Callable[[list[float], list[float], list[Counts]], None]
"""Takes a batch of distinct occurrence windows: starts and ends (epoch seconds) and their
incidents in each period."""


@dataclass
class TimeCounts:
    """Incidents per local month and week start and per (ISO weekday 1–7, hour) of point
    times, each with one count per period; and how many incidents had windows, per period."""

    months: dict[datetime, Counts] = field(default_factory=dict)
    weeks: dict[datetime, Counts] = field(default_factory=dict)
    slots: dict[tuple[int, int], Counts] = field(default_factory=dict)
    windowed: list[int] = field(default_factory=list)


def bin_size(zone: tzinfo, start: datetime, end: datetime) -> str:
    """`1 hour` when the zone's UTC offsets between start and end are whole hours (UTC hours
    are then local hours), else `15 minutes` (every offset in use is whole quarter hours)."""
    day, moments = timedelta(days=1), [end]
    while start < end and len(moments) < 4000:
        moments.append(start)
        start += day
    offsets = {m.astimezone(zone).utcoffset() or timedelta(0) for m in moments}
    return (
        "1 hour" if all(o % timedelta(hours=1) == timedelta(0) for o in offsets) else "15 minutes"
    )


def calendar_query(
    filters: AnalysisFilters, periods: Sequence[Period], zone: str, bins: str
) -> Select[Any]:
    """Rows of (GROUPING() of month, week, slot; month; week; slot; incidents per period; point
    times per period): every incident in its local month and week, point times in their
    weekday × hour (slot `isodow * 100 + hour`). A few hundred rows, however many incidents."""
    # date_bin keeps the timestamp type (cheap to hash); the origin is any whole quarter hour.
    bin_start = func.date_bin(text(f"interval '{bins}'"), col(Incident.occurred_at), EPOCH)
    point = or_(col(Incident.occurred_from).is_(None), col(Incident.occurred_to).is_(None))
    occurred = col(Incident.occurred_at)
    # The bin alone is the key, point times a FILTER count: grouped by bin and window, the
    # planner (unable to count the groups) aggregated everything in the leader; by the bin
    # alone, it aggregates inside the parallel workers.
    points = [
        func.count()
        .filter(and_(occurred >= period.start, occurred < period.end, point))
        .label(f"p{i}")
        for i, period in enumerate(periods)
    ]
    sums = range(len(periods))
    fine = (
        select(bin_start.label("bin"), *period_counts(periods), *points)
        .where(*conditions(spanning(filters, periods)))
        .group_by(bin_start)
        .subquery("fine")
    )
    # Local times once per bin (not per incident), then months, weeks and weekday × hour.
    local = func.timezone(zone, fine.c.bin)
    slot = func.extract("isodow", local) * 100 + func.extract("hour", local)
    derived = select(
        func.date_trunc("month", local).label("month"),
        func.date_trunc("week", local).label("week"),
        slot.label("slot"),
        *[fine.c[f"n{i}"] for i in sums],
        *[fine.c[f"p{i}"] for i in sums],
    ).subquery("local")
    sets = [derived.c.month, derived.c.week, derived.c.slot]
    return select(
        func.grouping(*sets),
        *sets,
        *[cast(func.sum(derived.c[f"n{i}"]), BigInteger) for i in sums],
        *[cast(func.sum(derived.c[f"p{i}"]), BigInteger) for i in sums],
    ).group_by(func.grouping_sets(*[tuple_(c) for c in sets]))


def windows_query(filters: AnalysisFilters, periods: Sequence[Period]) -> Select[Any]:
    """Rows of (window from, window to as epoch seconds, one count per period): one per distinct
    occurrence window, as many as incidents with windows."""
    occurred_from, occurred_to = col(Incident.occurred_from), col(Incident.occurred_to)
    return (
        select(
            # Epoch seconds (double precision): what the aoristic spread takes, cheap to send.
            func.date_part("epoch", occurred_from),
            func.date_part("epoch", occurred_to),
            *period_counts(periods),
        )
        .where(*conditions(spanning(filters, periods)), _windowed())
        .group_by(occurred_from, occurred_to)
    )


def _windowed() -> ColumnElement[bool]:
    return and_(col(Incident.occurred_from).is_not(None), col(Incident.occurred_to).is_not(None))


async def time_counts(
    session: AsyncSession,
    filters: AnalysisFilters,
    periods: Sequence[Period],
    zone: tzinfo,
    spread: Spread,
) -> TimeCounts:
    """Monthly and weekly counts and the weekday × hour of point times, per period, with local
    times in `zone`; the distinct windows go to `spread` batch by batch, as they are read (there
    are as many as incidents with windows)."""
    span = spanning(filters, periods).period
    calendar = calendar_query(filters, periods, str(zone), bin_size(zone, span.start, span.end))
    await prepare(session)
    found = TimeCounts(windowed=[0] * len(periods))
    # A plain fetch, not a cursor: PostgreSQL runs it on parallel workers, and its rows are
    # months, weeks and hours of the week, however many incidents.
    n = len(periods)
    for row in await fetch_records(session, calendar):
        month, week, slot_code = row[1:4]
        which = which_dimension(row[0], 3)
        if which == 0:
            found.months[month] = tuple(row[4 : 4 + n])
        elif which == 1:
            found.weeks[week] = tuple(row[4 : 4 + n])
        else:
            found.slots[divmod(int(slot_code), 100)] = tuple(row[4 + n :])
    async for rows in record_batches(session, windows_query(filters, periods)):
        counts = [tuple(row[2:]) for row in rows]
        spread([row[0] for row in rows], [row[1] for row in rows], counts)
        in_batch = [sum(c[i] for c in counts) for i in range(len(periods))]
        found.windowed = [a + b for a, b in zip(found.windowed, in_batch, strict=True)]
    return found
