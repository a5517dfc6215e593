"""The before/after test of a focus problem's incidents, against hand-computed figures."""

from __future__ import annotations

import math

import pytest
from scipy.stats import beta  # type: ignore[import-untyped]  # scipy ships no type information

from incidents.analysis.change import rate_change, weekly_change


def test_a_drop_from_twenty_to_five_in_equal_periods() -> None:
    # 20 incidents in 10 weeks before, 5 in 10 weeks after. Given 25 in all, the count after is
    # Binomial(25, 1/2) with no change: P(X <= 5) = (C(25,0) + ... + C(25,5)) / 2^25
    # = (1 + 25 + 300 + 2300 + 12650 + 53130) / 33554432 = 68406 / 33554432.
    change = rate_change(before=20, after=5, before_weeks=10, after_weeks=10)
    assert change.p == pytest.approx(68406 / 33554432)
    assert change.rate_ratio == pytest.approx(0.25)
    # Clopper-Pearson for 5 of 25: Beta(5, 21) 2.5 % and Beta(6, 20) 97.5 % quantiles,
    # then the odds pi / (1 - pi) (equal periods).
    low, high = beta.ppf(0.025, 5, 21), beta.ppf(0.975, 6, 20)
    assert change.ratio_low == pytest.approx(low / (1 - low))
    assert change.ratio_high == pytest.approx(high / (1 - high))
    assert change.ratio_low < 0.25 < change.ratio_high < 1


def test_no_change_is_not_significant() -> None:
    # 10 and 10 in equal periods: P(X <= 10 | 20, 1/2) = (2^20 + C(20,10)) / 2 / 2^20
    # = (1048576 + 184756) / 2097152 = 0.588100.
    change = weekly_change([2, 3, 1, 4], [3, 2, 2, 3])
    assert (change.before, change.after, change.before_weeks, change.after_weeks) == (10, 10, 4, 4)
    assert change.p == pytest.approx(1233332 / 2097152)
    assert change.rate_ratio == pytest.approx(1.0)
    assert change.ratio_low < 1 < change.ratio_high


def test_unequal_periods_use_their_share_of_the_time() -> None:
    # 30 in 12 weeks, 10 in 8 weeks: rates 2.5 and 1.25 a week, ratio 0.5. With no change the
    # count after is Binomial(40, 8/20 = 0.4); P(X <= 10) = 0.0352 (sum of the 11 terms).
    change = rate_change(30, 10, 12, 8)
    terms = sum(math.comb(40, k) * 0.4**k * 0.6 ** (40 - k) for k in range(11))
    assert change.p == pytest.approx(terms)
    assert change.p == pytest.approx(0.0352, abs=1e-4)
    assert change.rate_ratio == pytest.approx(0.5)
    low = beta.ppf(0.025, 10, 31)
    assert change.ratio_low == pytest.approx(low / (1 - low) * 12 / 8)


def test_edge_cases_say_nothing_rather_than_fail() -> None:
    empty = rate_change(0, 0, 4, 4)
    assert math.isnan(empty.rate_ratio)
    assert empty.p == 1.0
    rise = rate_change(0, 3, 4, 4)
    assert rise.rate_ratio == math.inf
    assert rise.ratio_high == math.inf
    assert rise.p == 1.0
    with pytest.raises(ValueError, match="positive"):
        rate_change(1, 1, 0, 4)
    with pytest.raises(ValueError, match="week"):
        weekly_change([], [1])
