"""The calendar of a focus problem as plain rules: its default target date, when its owner is
reminded, and how far up the area tree an overdue problem has been escalated.

Days are local days of the business time zone: a target date of 1 March is met by the end of
1 March local time, and a problem is overdue from 2 March.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from incidents.workflow.escalation import escalation_level
from pingan_shared.settings import business_timezone

TARGET_MONTHS = 3
"""The speech's "solve the outstanding problems within three months" (三个月内)."""
REMINDER_DAYS = (14, 3)
"""Days before the target date when the owner is reminded."""
ESCALATION_STEP = timedelta(days=30)
"""An overdue problem climbs one more level up the area tree each 30 days it stays unsolved."""


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def default_target(created_on: date) -> date:
    """The target date of a problem created on `created_on`: three months later."""
    return add_months(created_on, TARGET_MONTHS)


def local_today(now: datetime | None = None) -> date:
    """Today in the business time zone."""
    return (now or datetime.now(UTC)).astimezone(business_timezone()).date()


def local_midnight(day: date) -> datetime:
    """The moment `day` starts in the business time zone."""
    return datetime.combine(day, time(), tzinfo=business_timezone())


def reminder_step(target: date, today: date) -> int | None:
    """Which reminder is due today: the nearest of `REMINDER_DAYS` the target is within, or None
    (too early, or past the target date). A problem made 5 days before its target gets only the
    3-day reminder: a late 14-day one would say nothing new."""
    left = (target - today).days
    if left < 0:
        return None
    within = [days for days in REMINDER_DAYS if left <= days]
    return min(within) if within else None


def escalation_step(target: date, today: date, levels: int) -> int | None:
    """The level an overdue problem has reached (1 the day after its target date, one more per
    `ESCALATION_STEP`, at most `levels`), or None when it is not overdue or nobody is above."""
    overdue = today - target
    if overdue <= timedelta(0) or levels < 1:
        return None
    return escalation_level(overdue - timedelta(days=1), ESCALATION_STEP, levels)
