"""The calendar of rectifications and schedules as plain rules, in local days of the business
time zone: a deadline of 1 March is met by the end of 1 March, and overdue from 2 March."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pingan_shared.settings import business_timezone

REMINDER_DAYS = (3, 1)
"""Days before a rectification's deadline when the unit is reminded."""
SCHEDULE_NOTICE = timedelta(days=1)
"""How long before a regular inspection is due its inspectors are told."""


def local_today(now: datetime | None = None) -> date:
    """Today in the business time zone."""
    return (now or datetime.now(UTC)).astimezone(business_timezone()).date()


def reminder_step(deadline: date, today: date) -> str | None:
    """The reminder due today (`due-3`, `due-1`): the nearest of `REMINDER_DAYS` the deadline is
    within, or None (too early, or past it). A rectification opened 2 days before its deadline
    gets only the 1-day reminder: a late 3-day one would say nothing new."""
    left = (deadline - today).days
    if left < 0:
        return None
    within = [days for days in REMINDER_DAYS if left <= days]
    return f"due-{min(within)}" if within else None


def is_overdue(deadline: date, today: date) -> bool:
    """Whether the deadline has passed."""
    return today > deadline


def shifted_deadline(deadline: date, opened_on: date, revealed_on: date) -> date:
    """A covert finding's deadline counted from the day the unit learns of it (the reveal):
    the same number of days it was given when the finding was confirmed."""
    return revealed_on + max(deadline - opened_on, timedelta(0))


def next_cycle(next_due: date, every_days: int, today: date) -> date:
    """The due date to announce now: `next_due`, or the last cycle after it that is already
    within notice (missed cycles are skipped, not announced one by one)."""
    step = timedelta(days=every_days)
    due = next_due
    while due + step <= today + SCHEDULE_NOTICE:
        due += step
    return due
