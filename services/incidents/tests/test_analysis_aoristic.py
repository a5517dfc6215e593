"""The aoristic 7 × 24 matrix against hand-computed windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from incidents.analysis.aoristic import aoristic_matrix, epoch_seconds, hour_counts_matrix

SHANGHAI = ZoneInfo("Asia/Shanghai")
MON, TUE, WED, SUN = 0, 1, 2, 6


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def nonzero(matrix: np.ndarray) -> dict[tuple[int, int], float]:
    return {(int(d), int(h)): float(matrix[d, h]) for d, h in zip(*np.nonzero(matrix), strict=True)}


def test_a_window_is_spread_in_proportion_to_its_overlap_with_each_hour() -> None:
    # Wednesday 21:30-23:30, two hours: half an hour in 21, a whole hour in 22, half in 23.
    matrix = aoristic_matrix([local(2026, 11, 25, 21, 30)], [local(2026, 11, 25, 23, 30)])
    assert matrix.shape == (7, 24)
    assert nonzero(matrix) == pytest.approx({(WED, 21): 0.25, (WED, 22): 0.5, (WED, 23): 0.25})


def test_a_window_across_midnight_spills_into_the_next_weekday() -> None:
    # Tuesday 22:00 to Wednesday 02:00: four hours, a quarter each.
    matrix = aoristic_matrix([local(2026, 11, 24, 22)], [local(2026, 11, 25, 2)])
    expected = {(TUE, 22): 0.25, (TUE, 23): 0.25, (WED, 0): 0.25, (WED, 1): 0.25}
    assert nonzero(matrix) == pytest.approx(expected)


def test_a_window_from_sunday_night_wraps_to_monday_morning() -> None:
    # Sunday 23:20 to Monday 00:30: 40 of 70 minutes on Sunday, 30 on Monday.
    matrix = aoristic_matrix([local(2026, 11, 29, 23, 20)], [local(2026, 11, 30, 0, 30)])
    assert nonzero(matrix) == pytest.approx({(SUN, 23): 40 / 70, (MON, 0): 30 / 70})


def test_whole_hours_between_partial_ends_wrap_past_the_end_of_the_week() -> None:
    # Saturday 12:15 to Wednesday 00:45 (3 d 12.5 h): 45 min in Sat 12, every hour from Sat 13
    # to Tue 23 whole (83 hours), 45 min in Wed 00. 84.5 hours in all.
    start, end = local(2026, 11, 28, 12, 15), local(2026, 12, 2, 0, 45)
    matrix = aoristic_matrix([start], [end])
    total_hours = (end - start) / timedelta(hours=1)
    assert total_hours == 84.5
    assert matrix[5, 12] == pytest.approx(0.75 / 84.5)
    assert matrix[2, 0] == pytest.approx(0.75 / 84.5)
    assert matrix[5, 13] == pytest.approx(1 / 84.5)
    assert matrix[0, 5] == pytest.approx(1 / 84.5)
    assert matrix[1, 23] == pytest.approx(1 / 84.5)
    assert matrix[2, 1] == 0
    assert matrix[5, 11] == 0
    assert np.count_nonzero(matrix) == 85
    assert matrix.sum() == pytest.approx(1)


def test_a_point_time_is_one_in_its_local_hour_in_the_business_zone() -> None:
    # 2026-07-01 00:30 UTC is Wednesday 08:30 in Shanghai (UTC+8 all year: no daylight saving).
    instant = datetime(2026, 7, 1, 0, 30, tzinfo=UTC)
    by_seconds = aoristic_matrix(np.array([instant.timestamp()]), zone=SHANGHAI)
    by_datetime64 = aoristic_matrix(np.array(["2026-07-01T00:30"], "datetime64[s]"), zone=SHANGHAI)
    assert nonzero(by_seconds) == {(WED, 8): 1.0}
    assert nonzero(by_datetime64) == {(WED, 8): 1.0}
    assert nonzero(aoristic_matrix([instant], zone=ZoneInfo("UTC"))) == {(WED, 0): 1.0}


def test_the_repeated_hour_of_a_daylight_saving_change_counts_twice() -> None:
    # New York, Sunday 2026-11-01: 00:30 EDT (04:30 UTC) to 02:30 EST (07:30 UTC) is three real
    # hours: half an hour in 00, 01:00-02:00 twice (EDT then EST), half an hour in 02.
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 11, 1, 4, 30, tzinfo=UTC)
    end = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    matrix = aoristic_matrix([start], [end], zone)
    assert nonzero(matrix) == pytest.approx({(SUN, 0): 0.5 / 3, (SUN, 1): 2 / 3, (SUN, 2): 0.5 / 3})


def test_windows_of_a_week_or_more_spread_evenly() -> None:
    start = local(2026, 11, 25, 21, 30)
    matrix = aoristic_matrix(
        [start, start, start], [start + timedelta(days=7), start + timedelta(days=10), start]
    )
    point = np.zeros((7, 24))
    point[WED, 21] = 1
    assert matrix - point == pytest.approx(np.full((7, 24), 2 / 168))
    silly = aoristic_matrix([datetime(1900, 1, 1, tzinfo=UTC)], [datetime(2100, 1, 1, tzinfo=UTC)])
    assert silly == pytest.approx(np.full((7, 24), 1 / 168))


def test_the_matrix_sums_to_the_number_of_incidents_or_their_weights() -> None:
    rng = np.random.default_rng(20261128)
    starts = rng.uniform(1.7e9, 1.8e9, 5000)
    ends = starts + rng.choice([0, 600, 5400, 86_400, 400_000, 700_000], 5000)
    matrix = aoristic_matrix(starts, ends, SHANGHAI)
    assert matrix.sum() == pytest.approx(5000)
    assert np.all(matrix >= 0)
    # One row per distinct window with its number of incidents gives the same matrix.
    weighted = aoristic_matrix(starts[:10], ends[:10], SHANGHAI, weights=np.full(10, 3))
    assert weighted == pytest.approx(3 * aoristic_matrix(starts[:10], ends[:10], SHANGHAI))


def test_point_counts_grouped_in_sql_become_the_same_matrix() -> None:
    # SQL: GROUP BY isodow, hour of the local time; Monday is 1 there, row 0 here.
    matrix = hour_counts_matrix([1, 7, 3], [0, 23, 8], [5, 2, 1])
    assert nonzero(matrix) == {(MON, 0): 5.0, (SUN, 23): 2.0, (WED, 8): 1.0}
    with pytest.raises(ValueError, match="isodow"):
        hour_counts_matrix([0], [1], [1])
    with pytest.raises(ValueError, match="hour"):
        hour_counts_matrix([1], [24], [1])


def test_impossible_windows_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="ends before"):
        aoristic_matrix([local(2026, 11, 25, 10)], [local(2026, 11, 25, 9)])
    with pytest.raises(ValueError, match="aware"):
        epoch_seconds([datetime(2026, 11, 25, 10)])
    with pytest.raises(ValueError, match="same length"):
        aoristic_matrix([1.0, 2.0], [3.0])
