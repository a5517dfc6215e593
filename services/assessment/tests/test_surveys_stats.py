"""Survey statistics: Wilson intervals, the sample-size planner and the rate indicator's rule."""

from __future__ import annotations

import math
from typing import Any

import pytest

from assessment.surveys.stats import (
    Verdict,
    assess_rate,
    effective_sample_size,
    estimate_rate,
    plan_sample_size,
    wilson_interval,
    z_score,
)


def test_z_of_95_percent() -> None:
    assert z_score() == pytest.approx(1.959964, abs=1e-6)


def test_wilson_by_hand() -> None:
    # 8 of 10 with z = 1.96: z²/n = 0.38416; centre = (0.8 + 0.19208) / 1.38416 = 0.716738;
    # half = 1.96 * sqrt(0.016 + 0.009604) / 1.38416 = 1.96 * 0.160012 / 1.38416 = 0.226580.
    interval = wilson_interval(8, 10, z=1.96)
    assert interval.low == pytest.approx(0.716738 - 0.226580, abs=2e-6)
    assert interval.high == pytest.approx(0.716738 + 0.226580, abs=2e-6)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score, Wilson
        # 1927, without continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_examples(k: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(k, n)
    assert round(interval.low, 4) == low
    assert round(interval.high, 4) == high


def test_wilson_is_symmetric_and_stays_in_bounds() -> None:
    aware, unaware = wilson_interval(17, 20), wilson_interval(3, 20)
    assert aware.low == pytest.approx(1 - unaware.high)
    assert aware.high == pytest.approx(1 - unaware.low)
    everyone = wilson_interval(20, 20)
    assert everyone.high == 1.0
    assert everyone.low < 1.0
    assert wilson_interval(0, 0) == wilson_interval(0, 0).__class__(0.0, 1.0)


@pytest.mark.parametrize(("k", "n"), [(-1, 10), (11, 10), (1, -1)])
def test_wilson_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(k, n)


@pytest.mark.parametrize(
    ("margin", "rate", "population", "deff", "size"),
    [
        (0.05, 0.5, None, 1.0, 385),  # 1.959964² x 0.25 / 0.0025 = 384.15
        (0.03, 0.5, None, 1.0, 1068),  # 3.841459 x 0.25 / 0.0009 = 1067.07
        (0.05, 0.5, None, 2.0, 769),  # twice 384.15 = 768.29
        (0.05, 0.9, None, 1.0, 139),  # 3.841459 x 0.09 / 0.0025 = 138.29
        # Krejcie & Morgan (1970), Table 1 (same formula, ±5 %, P = 0.5): N = 1000 -> 278,
        # N = 100 -> 80.
        (0.05, 0.5, 1000, 1.0, 278),
        (0.05, 0.5, 100, 1.0, 80),
        (0.05, 0.5, 1000, 2.0, 435),  # 768.29 / (1 + 767.29 / 1000) = 434.7
        (0.01, 0.5, 50, 1.0, 50),  # never more than everyone
    ],
)
def test_sample_size_plans(
    margin: float, rate: float, population: int | None, deff: float, size: int
) -> None:
    assert plan_sample_size(margin, rate, population=population, design_effect=deff) == size


def test_planner_treats_certain_rates_as_one_in_a_hundred() -> None:
    assert plan_sample_size(0.05, 1.0) == plan_sample_size(0.05, 0.99) == 16  # 15.21


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": 0}, "margin"),
        ({"margin": 0.05, "expected_rate": 1.5}, "expected_rate"),
        ({"margin": 0.05, "design_effect": 0.5}, "design effect"),
        ({"margin": 0.05, "population": 0}, "population"),
    ],
)
def test_planner_refuses_nonsense(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_sample_size(**kwargs)


def test_effective_sample_size() -> None:
    assert effective_sample_size(100) == 100
    assert effective_sample_size(100, design_effect=2) == 50
    assert effective_sample_size(100, population=200) == pytest.approx(100 * 199 / 100)
    assert math.isinf(effective_sample_size(200, population=200))
    with pytest.raises(ValueError, match="population"):
        effective_sample_size(201, population=200)


def test_design_effect_widens_and_a_census_closes_the_interval() -> None:
    plain = estimate_rate(100, 80)
    clustered = estimate_rate(100, 80, design_effect=2)
    assert clustered.low < plain.low
    assert clustered.high > plain.high
    census = estimate_rate(100, 80, population=100)
    assert (census.low, census.high) == (0.8, 0.8)


def test_a_rate_clearly_above_passes() -> None:
    judged = assess_rate(200, 180, 0.8)  # 0.90, interval about [0.851, 0.934]
    assert judged.verdict is Verdict.passed
    assert judged.estimate.low >= 0.8
    assert judged.sample_more is None


def test_a_rate_clearly_below_deducts() -> None:
    judged = assess_rate(200, 120, 0.8)  # 0.60, interval about [0.531, 0.665]
    assert judged.verdict is Verdict.deduct
    assert judged.estimate.high < 0.8


def test_a_straddling_rate_is_inconclusive_with_the_planners_count() -> None:
    # 82 of 100 against 0.80: interval about [0.733, 0.883]. Planner with p = 0.82 and margin
    # 0.02: 3.841459 x 0.82 x 0.18 / 0.0004 = 1417.5 -> 1418 in all, 1318 more.
    judged = assess_rate(100, 82, 0.8)
    assert judged.verdict is Verdict.inconclusive
    assert judged.estimate.low < 0.8 < judged.estimate.high
    assert judged.sample_more == 1318
    assert "sample 1318 more" in judged.message


def test_a_rate_on_the_threshold_plans_for_the_smallest_margin() -> None:
    judged = assess_rate(100, 80, 0.8)
    assert judged.verdict is Verdict.inconclusive
    assert judged.sample_more == plan_sample_size(0.01, 0.8) - 100


def test_nothing_asked_is_inconclusive() -> None:
    judged = assess_rate(0, 0, 0.8)
    assert judged.verdict is Verdict.inconclusive
    assert judged.sample_more == 385


def test_a_small_population_caps_the_advice() -> None:
    judged = assess_rate(40, 33, 0.8, population=60)
    assert judged.verdict is Verdict.inconclusive
    assert judged.sample_more is not None
    assert 1 <= judged.sample_more <= 20


def test_a_census_is_never_inconclusive() -> None:
    assert assess_rate(60, 47, 0.8, population=60).verdict is Verdict.deduct  # 0.783
    assert assess_rate(60, 48, 0.8, population=60).verdict is Verdict.passed  # 0.800
