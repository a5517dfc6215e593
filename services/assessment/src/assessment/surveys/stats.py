"""Survey rates (知晓率 / 参与率): Wilson score intervals, a sample-size planner, and the rule a
rate indicator scores by. Plain functions of plain numbers.

A sample's design enters both the interval and the planner the same way, so the two agree:
- design effect `deff` (clustered sampling, e.g. a few households per building): the sample
  counts as `n / deff` independent answers (Kish's effective sample size);
- a finite population `N`: sampling without replacement shrinks the variance by (N − n)/(N − 1),
  so the sample counts as `n (N − 1)/(N − n)` answers; asking everyone (n = N) leaves no
  uncertainty at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

CONFIDENCE = 0.95
# The smallest distance between a rate and its threshold the planner is asked to resolve: a rate
# sitting on the threshold would otherwise need an infinite sample.
MIN_RESOLVABLE_MARGIN = 0.01


def z_score(confidence: float = CONFIDENCE) -> float:
    """The two-sided standard normal quantile of `confidence` (1.959964 for 95 %)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval of a proportion."""

    low: float
    high: float


def wilson_interval(successes: float, trials: float, z: float | None = None) -> Interval:
    """Wilson's (1927) score interval of `successes` out of `trials` (either may be effective,
    non-integer counts); [0, 1] when nothing was asked."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError("need 0 <= successes <= trials")
    if trials == 0:
        return Interval(0.0, 1.0)
    z = z_score() if z is None else z
    p = successes / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n)
    # Rounding must not push a bound past the observed rate or out of [0, 1].
    return Interval(max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def effective_sample_size(
    n: int, population: int | None = None, design_effect: float = 1.0
) -> float:
    """How many independent answers `n` answers are worth (see the module's docstring);
    infinite for a census."""
    if design_effect < 1:
        raise ValueError("the design effect is at least 1")
    effective = n / design_effect
    if population is not None:
        if population < n:
            raise ValueError("the sample cannot exceed the population")
        if population == n:
            return math.inf
        effective *= (population - 1) / (population - n)
    return effective


@dataclass(frozen=True, slots=True)
class RateEstimate:
    """A rate with its interval: `k` of `n` asked, the interval from the effective sample."""

    n: int
    k: int
    rate: float
    low: float
    high: float


def estimate_rate(
    n: int, k: int, *, population: int | None = None, design_effect: float = 1.0
) -> RateEstimate:
    """The observed rate `k / n` with its 95 % Wilson interval (0 and [0, 1] when n = 0)."""
    if not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    rate = k / n if n else 0.0
    effective = effective_sample_size(n, population, design_effect) if n else 0.0
    if math.isinf(effective):
        return RateEstimate(n, k, rate, rate, rate)
    interval = wilson_interval(rate * effective, effective)
    return RateEstimate(n, k, rate, interval.low, interval.high)


def plan_sample_size(
    margin: float,
    expected_rate: float = 0.5,
    *,
    population: int | None = None,
    design_effect: float = 1.0,
    confidence: float = CONFIDENCE,
) -> int:
    """How many to ask so the interval's half-width is about `margin`: Cochran's
    n0 = z² p (1 − p) / e², times the design effect, then the finite-population correction
    n = n0 / (1 + (n0 − 1) / N); rounded up, and never more than the population."""
    if not 0 < margin < 1:
        raise ValueError("margin must lie strictly between 0 and 1")
    if not 0 <= expected_rate <= 1:
        raise ValueError("expected_rate must lie between 0 and 1")
    if design_effect < 1:
        raise ValueError("the design effect is at least 1")
    z = z_score(confidence)
    # p (1 − p) vanishes at 0 and 1; plan as if one answer in a hundred differed.
    p = min(max(expected_rate, 0.01), 0.99)
    n0 = z * z * p * (1 - p) / (margin * margin) * design_effect
    if population is not None:
        if population < 1:
            raise ValueError("the population is at least 1")
        n0 = n0 / (1 + (n0 - 1) / population)
        return min(math.ceil(n0 - 1e-9), population)
    return math.ceil(n0 - 1e-9)


class Verdict(StrEnum):
    """What a rate means for its indicator."""

    passed = "pass"  # the whole interval is at or above the threshold
    deduct = "deduct"  # the whole interval is below the threshold
    inconclusive = "inconclusive"  # the interval straddles the threshold


@dataclass(frozen=True, slots=True)
class RateVerdict:
    """A rate judged against a threshold; `sample_more` only when inconclusive."""

    verdict: Verdict
    estimate: RateEstimate
    threshold: float
    sample_more: int | None = None

    @property
    def message(self) -> str:
        """The verdict in words, in English and Chinese."""
        if self.verdict is Verdict.passed:
            return "pass (达标)"
        if self.verdict is Verdict.deduct:
            return "deduct: the upper bound is below the threshold (未达标, 扣分)"
        return f"inconclusive — sample {self.sample_more} more (结论不确定, 需再抽样 {self.sample_more} 人)"


def assess_rate(
    n: int,
    k: int,
    threshold: float,
    *,
    population: int | None = None,
    design_effect: float = 1.0,
) -> RateVerdict:
    """Judge the rate k/n against `threshold` by its 95 % Wilson interval [low, high].

    The rule a rate indicator (知晓率/参与率 指标) scores by:
    - pass when low >= threshold: the rate is at or above the threshold beyond reasonable doubt;
    - deduct only when high < threshold: even the most favourable reading misses it;
    - otherwise the interval straddles the threshold: "inconclusive — sample N more", never a
      deduction for sampling noise. N comes from `plan_sample_size` with the observed rate as
      the expected one and the distance between rate and threshold (at least
      MIN_RESOLVABLE_MARGIN) as the margin: the total needed, less those already asked, at
      least one. It is a plan, not a promise: the next answers may move the rate.
    Nothing asked (n = 0) is inconclusive too.
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must lie in (0, 1]")
    estimate = estimate_rate(n, k, population=population, design_effect=design_effect)
    if n > 0 and estimate.low >= threshold:
        return RateVerdict(Verdict.passed, estimate, threshold)
    if n > 0 and estimate.high < threshold:
        return RateVerdict(Verdict.deduct, estimate, threshold)
    margin = max(abs(estimate.rate - threshold), MIN_RESOLVABLE_MARGIN) if n else 0.05
    expected = estimate.rate if n else 0.5
    needed = plan_sample_size(
        min(margin, 0.99), expected, population=population, design_effect=design_effect
    )
    room = (population - n) if population is not None else None
    more = max(needed - n, 1)
    if room is not None:
        more = min(more, room)
    return RateVerdict(Verdict.inconclusive, estimate, threshold, sample_more=more)
