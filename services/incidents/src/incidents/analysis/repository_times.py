"""Aggregates of when incidents happen (发案时段), in SQL, in one scan.

Incidents are first grouped by the quarter hour of `occurred_at` (epoch seconds, cheap to compute
per row) and, for those known only by a window, the window itself. Quarter hours are exact in every
time zone (all UTC offsets are whole quarter hours), so the few thousand groups then give, in the
business time zone, the months and ISO weeks (`date_trunc`) and the weekday × hour of point times,
and the windows go to the aoristic spread with their number of incidents as weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.analysis.filters import AnalysisFilters, Period, conditions
from incidents.analysis.repository import (
    Counts,
    period_counts,
    prepare,
    record_batches,
    spanning,
    which_dimension,
)
from incidents.intake.models import Incident

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)
WINDOW = 7
"""GROUPING() of none of month, week, slot: the row of an occurrence window."""


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


def times_query(
    filters: AnalysisFilters, periods: Sequence[Period], zone: str, bins: str
) -> Select[Any]:
    """The query of `time_counts`: rows of (GROUPING(), month, week, slot, window from, window
    to, one sum per period); GROUPING() 7 marks a window."""
    occurred_from, occurred_to = col(Incident.occurred_from), col(Incident.occurred_to)
    windowed = and_(occurred_from.is_not(None), occurred_to.is_not(None))
    # date_bin keeps the timestamp type (cheap to hash); the origin is any whole quarter hour.
    bin_start = func.date_bin(text(f"interval '{bins}'"), col(Incident.occurred_at), EPOCH)
    window_from = case((windowed, occurred_from)).label("window_from")
    window_to = case((windowed, occurred_to)).label("window_to")
    sums = range(len(periods))
    fine = (
        select(bin_start.label("bin"), window_from, window_to, *period_counts(periods))
        .where(*conditions(spanning(filters, periods)))
        .group_by(bin_start, window_from, window_to)
        .cte("fine")
    )
    point = fine.c.window_from.is_(None)
    # Local times once per bin (not per incident), then months, weeks and weekday × hour.
    bins_ = (
        select(
            func.timezone(zone, fine.c.bin).label("local"),
            point.label("point"),
            *[func.sum(fine.c[f"n{i}"]).label(f"n{i}") for i in sums],
        )
        .group_by(fine.c.bin, point)
        .subquery("bins")
    )
    local = bins_.c.local
    slot = func.extract("isodow", local) * 100 + func.extract("hour", local)
    derived = select(
        func.date_trunc("month", local).label("month"),
        func.date_trunc("week", local).label("week"),
        case((bins_.c.point, slot)).label("slot"),
        *[bins_.c[f"n{i}"] for i in sums],
    ).subquery("local")
    sets = [derived.c.month, derived.c.week, derived.c.slot]
    no_time = null().cast(Float)
    calendar = select(
        func.grouping(*sets),
        *sets,
        no_time.label("window_from"),
        no_time.label("window_to"),
        *[cast(func.sum(derived.c[f"n{i}"]), BigInteger) for i in sums],
    ).group_by(func.grouping_sets(*[tuple_(c) for c in sets]))
    windows = (
        select(
            literal(WINDOW),
            null().label("month"),
            null().label("week"),
            null().label("slot"),
            # Epoch seconds (double precision): what the aoristic spread takes, cheap to send.
            func.date_part("epoch", fine.c.window_from),
            func.date_part("epoch", fine.c.window_to),
            *[cast(func.sum(fine.c[f"n{i}"]), BigInteger) for i in sums],
        )
        .where(fine.c.window_from.is_not(None))
        .group_by(fine.c.window_from, fine.c.window_to)
    )
    return select(union_all(calendar, windows).subquery())


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
    query = times_query(filters, periods, str(zone), bin_size(zone, span.start, span.end))
    await prepare(session)
    found = TimeCounts(windowed=[0] * len(periods))
    async for rows in record_batches(session, query):
        windows = [row for row in rows if row[0] == WINDOW]
        if windows:
            counts = [tuple(row[6:]) for row in windows]
            spread([row[4] for row in windows], [row[5] for row in windows], counts)
            in_batch = [sum(c[i] for c in counts) for i in range(len(periods))]
            found.windowed = [a + b for a, b in zip(found.windowed, in_batch, strict=True)]
        for row in rows:
            if row[0] == WINDOW:
                continue
            month, week, slot_code = row[1:4]
            which = which_dimension(row[0], 3)
            if which == 0:
                found.months[month] = tuple(row[6:])
            elif which == 1:
                found.weeks[week] = tuple(row[6:])
            elif slot_code is not None:  # null: the windowed incidents
                found.slots[divmod(int(slot_code), 100)] = tuple(row[6:])
    return found
