"""The calendar of a focus problem: target dates, reminder days and escalation levels."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from incidents.focus.rules import (
    add_months,
    default_target,
    escalation_step,
    local_today,
    reminder_step,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 28), 3, date(2027, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # February is shorter
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # a leap year
        (date(2026, 10, 31), 2, date(2026, 12, 31)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_the_months_last(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_the_default_target_is_three_months_on() -> None:
    assert default_target(date(2026, 11, 28)) == date(2027, 2, 28)


def test_today_is_the_business_time_zones_day() -> None:
    # 18:00 UTC on 28 November is 02:00 on 29 November in Asia/Shanghai.
    assert local_today(datetime(2026, 11, 28, 18, 0, tzinfo=UTC)) == date(2026, 11, 29)


TARGET = date(2027, 2, 28)


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (date(2027, 2, 1), None),  # 27 days left
        (date(2027, 2, 13), None),  # 15 days left
        (date(2027, 2, 14), 14),
        (date(2027, 2, 20), 14),
        (date(2027, 2, 25), 3),
        (date(2027, 2, 28), 3),  # the day itself
        (date(2027, 3, 1), None),  # overdue: escalation's turn
    ],
)
def test_reminders_fall_14_and_3_days_before(today: date, step: int | None) -> None:
    assert reminder_step(TARGET, today) == step


@pytest.mark.parametrize(
    ("today", "levels", "level"),
    [
        (date(2027, 2, 28), 2, None),  # not overdue on the day
        (date(2027, 3, 1), 2, 1),
        (date(2027, 3, 30), 2, 1),  # 30 days overdue: still level 1
        (date(2027, 3, 31), 2, 2),  # 31 days: a step further
        (date(2027, 9, 1), 2, 2),  # no higher than the top
        (date(2027, 3, 5), 0, None),  # nobody above
    ],
)
def test_escalation_climbs_a_level_per_30_days(today: date, levels: int, level: int | None) -> None:
    assert escalation_step(TARGET, today, levels) == level
