"""Quiet hours (免打扰时段): routine messages wait until they end; urgent and critical ones go."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def quiet_until(now: datetime, start: time, end: time, zone: ZoneInfo) -> datetime | None:
    """When the quiet period holding `now` ends (aware, UTC-comparable), or None outside one.

    The period is [start, end) in local time and may cross midnight (22:00–07:00); start == end
    means no quiet hours.
    """
    if start == end:
        return None
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    crosses_midnight = start > end
    inside = (clock >= start or clock < end) if crosses_midnight else start <= clock < end
    if not inside:
        return None
    day = local.date()
    if crosses_midnight and clock >= start:
        day += timedelta(days=1)
    # Built from the date and zone, not by adding hours: right across a DST change too.
    return datetime.combine(day, end, tzinfo=zone)
