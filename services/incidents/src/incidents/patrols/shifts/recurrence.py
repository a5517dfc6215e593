"""Weekly schedules (排班) as plain rules: which shifts a schedule makes between two moments.

Times of day are local (Asia/Shanghai, the business time zone); shifts are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pingan_shared.settings import business_timezone

LOCAL_TIME = business_timezone()
MAX_SHIFT = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    """On each of `weekdays` (ISO: 1 = Monday … 7 = Sunday) from `start_time` local time for
    `duration`, on days from `valid_from` to `valid_to` (inclusive; None: open-ended)."""

    weekdays: frozenset[int]
    start_time: time
    duration: timedelta
    valid_from: date
    valid_to: date | None = None


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def occurrences(
    rule: WeeklyRule, since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The (start, end) in UTC of every shift of `rule` that ends after `since` and starts
    before `until`: a shift already under way at `since` is included, one starting at `until`
    is not."""
    # A shift that started the day before may still be running at `since`.
    first = max(rule.valid_from, (since - rule.duration).astimezone(LOCAL_TIME).date())
    last = until.astimezone(LOCAL_TIME).date()
    if rule.valid_to is not None:
        last = min(last, rule.valid_to)
    shifts = []
    for day in _days(first, last):
        if day.isoweekday() not in rule.weekdays:
            continue
        start = datetime.combine(day, rule.start_time, tzinfo=LOCAL_TIME).astimezone(UTC)
        end = start + rule.duration  # elapsed time, whatever the local clock does
        if end > since and start < until:
            shifts.append((start, end))
    return shifts
