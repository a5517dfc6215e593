"""Aoristic 7 × 24 matrix of when incidents happen (发案时段): day of week × hour of day.

An incident known only to have happened between `from` and `to` adds weight 1, spread over the
hours of the week its window overlaps in proportion to the overlap (Ratcliffe 2002, "Aoristic
signatures and the spatio-temporal analysis of high volume crime patterns"). A point time (a
zero-length window) puts its whole weight in its hour. A window of a week or more says nothing
about the time of day or the weekday, so it is spread evenly over all 168 hours.

Rows are weekdays Monday (0) to Sunday (6) — PostgreSQL's `isodow - 1` — and columns hours 0-23,
both in the business time zone. Daylight-saving zones are handled: a window is cut at each change
of UTC offset, so a repeated local hour counts twice and a skipped one not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pingan_shared.settings import business_timezone

HOURS_PER_WEEK = 168
EVEN_SPREAD_SECONDS = 7 * 86_400
"""Windows this long or longer carry no information on the hour of week: spread evenly."""
# The Unix epoch fell on a Thursday: local hour h since the epoch is hour (h + 72) of the week.
_EPOCH_HOUR_OF_WEEK = 3 * 24

Times = ArrayLike | Sequence[datetime]


def epoch_seconds(values: Times) -> NDArray[np.float64]:
    """Seconds since the Unix epoch of `values`: numbers (taken as epoch seconds), numpy
    datetime64 (taken as UTC) or time-zone-aware datetimes."""
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.datetime64):
        micros = array.astype("datetime64[us]").astype(np.int64)
        return micros.astype(np.float64) / 1e6
    if array.dtype == object:
        stamps = []
        for value in array.ravel():
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise ValueError("times must be numbers, datetime64 or time-zone-aware datetimes")
            stamps.append(value.timestamp())
        return np.asarray(stamps, dtype=np.float64).reshape(array.shape)
    return array.astype(np.float64)


def aoristic_matrix(
    starts: Times,
    ends: Times | None = None,
    zone: tzinfo | None = None,
    weights: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """The 7 × 24 aoristic matrix of incidents with occurrence windows [starts, ends).

    `ends=None` means point times. `zone` defaults to the business time zone. `weights` (default
    1 each) lets a caller pass one row per distinct window with its number of incidents, as a SQL
    `GROUP BY occurred_from, occurred_to` gives. The matrix sums to the total weight.
    """
    start = epoch_seconds(starts).ravel()
    end = start.copy() if ends is None else epoch_seconds(ends).ravel()
    if start.shape != end.shape:
        raise ValueError("starts and ends must have the same length")
    if np.any(end < start):
        raise ValueError("an occurrence window ends before it starts")
    weight = np.ones_like(start) if weights is None else np.asarray(weights, np.float64).ravel()
    if weight.shape != start.shape:
        raise ValueError("weights must have one value per window")
    zone = zone or business_timezone()
    duration = end - start
    slots = np.zeros(HOURS_PER_WEEK)
    # Long windows: every hour of the week equally.
    long = duration >= EVEN_SPREAD_SECONDS
    slots += weight[long].sum() / HOURS_PER_WEEK
    short = ~long
    local_start, local_end, piece_weight = _local_pieces(
        start[short], end[short], weight[short], zone
    )
    slots += _spread(local_start, local_end, piece_weight)
    return slots.reshape(7, 24)


def hour_counts_matrix(
    isodow: ArrayLike, hour: ArrayLike, counts: ArrayLike
) -> NDArray[np.float64]:
    """The 7 × 24 matrix of point-time counts SQL grouped by ISO weekday (1-7) and hour (0-23);
    add it to `aoristic_matrix` of the windowed incidents for the whole picture."""
    day = np.asarray(isodow, np.int64) - 1
    hours = np.asarray(hour, np.int64)
    if np.any((day < 0) | (day > 6) | (hours < 0) | (hours > 23)):
        raise ValueError("isodow must be 1-7 and hour 0-23")
    return _tally(day * 24 + hours, np.asarray(counts, np.float64)).reshape(7, 24)


def _tally(
    slots: NDArray[np.int64], weights: NDArray[np.float64], size: int = HOURS_PER_WEEK
) -> NDArray[np.float64]:
    return np.bincount(slots, weights, minlength=size).astype(np.float64)


def _local_pieces(
    start: NDArray[np.float64], end: NDArray[np.float64], weight: NDArray[np.float64], zone: tzinfo
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Windows cut at UTC-offset changes, as local seconds since the epoch, each piece with the
    share of its window's weight per second (or the whole weight for a point time)."""
    if start.size == 0:
        return start, end, weight
    changes, offsets = _offset_changes(zone, float(start.min()), float(end.max()))
    # Offset period i runs from bounds[i] to bounds[i + 1]; a window covers periods first..last.
    bounds = np.concatenate(([-np.inf], changes, [np.inf]))
    first = np.searchsorted(changes, start, side="right")
    last = np.maximum(np.searchsorted(changes, end, side="left"), first)
    pieces = last - first + 1
    owner = np.repeat(np.arange(start.size), pieces)
    period = first[owner] + np.arange(owner.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    piece_start = np.maximum(start[owner], bounds[period])
    piece_end = np.minimum(end[owner], bounds[period + 1])
    offset = offsets[period]
    duration = end - start
    per_second = np.divide(weight, duration, out=weight.copy(), where=duration > 0)
    return piece_start + offset, piece_end + offset, per_second[owner]


def _offset_changes(
    zone: tzinfo, low: float, high: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Instants (epoch seconds) where `zone`'s UTC offset changes within [low, high], and the
    offsets in force before, between and after them (one more offset than changes)."""

    def offset(second: float) -> float:
        delta = datetime.fromtimestamp(second, UTC).astimezone(zone).utcoffset()
        return delta.total_seconds() if delta else 0.0

    # Offsets change at most a few times a year: sample daily, then bisect to the second.
    days = np.arange(np.floor(low / 86_400), np.floor(high / 86_400) + 2) * 86_400
    sampled = [offset(day) for day in days]
    changes, offsets = [], [sampled[0]]
    for day, before, after in zip(days, sampled, sampled[1:], strict=False):
        if before == after:
            continue
        lo, hi = float(day), float(day) + 86_400
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if offset(mid) == before else (lo, mid)
        changes.append(hi)
        offsets.append(after)
    return np.asarray(changes, np.float64), np.asarray(offsets, np.float64)


def _spread(
    start: NDArray[np.float64], end: NDArray[np.float64], per_second: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Hour-of-week totals of pieces [start, end) in local epoch seconds, `per_second` each."""
    first_hour = np.floor(start / 3600)
    last_hour = np.floor(end / 3600)
    first_slot = ((first_hour + _EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK).astype(np.int64)
    last_slot = ((last_hour + _EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK).astype(np.int64)
    # A piece within one hour (a point time carries its whole weight there).
    one = first_hour == last_hour
    inside = np.where(end == start, per_second, (end - start) * per_second)
    slots = _tally(first_slot[one], inside[one])
    apart = ~one
    head = ((first_hour + 1) * 3600 - start) * per_second
    tail = (end - last_hour * 3600) * per_second
    slots += _tally(first_slot[apart], head[apart]) + _tally(last_slot[apart], tail[apart])
    # Whole hours in between: a run of fewer than 168 slots after the first, which may wrap
    # past Sunday 23:00; added as +w at its start and -w past its end of a difference array.
    full = (last_hour - first_hour - 1).astype(np.int64)
    run = apart & (full > 0)
    begin = (first_slot[run] + 1) % HOURS_PER_WEEK
    stop = begin + full[run]
    hourly = 3600 * per_second[run]
    wraps = stop > HOURS_PER_WEEK
    size = HOURS_PER_WEEK + 1
    diff = _tally(begin, hourly, size) - _tally(np.minimum(stop, HOURS_PER_WEEK), hourly, size)
    diff += _tally(np.zeros(int(wraps.sum()), np.int64), hourly[wraps], size)
    diff -= _tally(stop[wraps] - HOURS_PER_WEEK, hourly[wraps], size)
    return slots + np.cumsum(diff)[:HOURS_PER_WEEK]
