"""Did incidents drop after the measures started? (整治成效) A before/after test of two rates.

Counts a in T1 weeks before and b in T2 weeks after, each taken as Poisson. Given a + b, the
count after is Binomial(a + b, pi) with pi = T2 r2 / (T1 r1 + T2 r2); with no change in the
rate (r1 = r2), pi = T2 / (T1 + T2). The p-value is the exact one-sided binomial test against
"the rate after is lower" (Przyborowski & Wilenski 1940; the conditional test for two Poisson
rates). The rate ratio r2 / r1 has a 95 % interval from the exact (Clopper-Pearson) interval
of pi, mapped through r2 / r1 = (pi / (1 - pi)) (T1 / T2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import binomtest  # type: ignore[import-untyped]  # scipy ships no type information


@dataclass(frozen=True, slots=True)
class RateChange:
    """Incidents before and after a date, the rate ratio after / before with its 95 % interval,
    and the one-sided p-value of a drop (small p: the drop is more than chance)."""

    before: int
    after: int
    before_weeks: float
    after_weeks: float
    rate_ratio: float
    """(after / after_weeks) / (before / before_weeks); inf when nothing happened before."""
    ratio_low: float
    ratio_high: float
    p: float


def rate_change(before: int, after: int, before_weeks: float, after_weeks: float) -> RateChange:
    """The conditional binomial test of a lower rate after than before (see the module).

    With no incidents in either period there is nothing to test: the ratio is NaN, the
    interval (0, inf) and p = 1.
    """
    if before < 0 or after < 0 or before_weeks <= 0 or after_weeks <= 0:
        raise ValueError("counts must be non-negative and periods positive")
    total = before + after
    if total == 0:
        nan = float("nan")
        return RateChange(before, after, before_weeks, after_weeks, nan, 0.0, float("inf"), 1.0)
    share = after_weeks / (before_weeks + after_weeks)
    p = binomtest(after, total, share, alternative="less").pvalue
    interval = binomtest(after, total, share).proportion_ci(0.95, method="exact")
    scale = before_weeks / after_weeks
    return RateChange(
        before=before,
        after=after,
        before_weeks=before_weeks,
        after_weeks=after_weeks,
        rate_ratio=_odds(after / total) * scale,
        ratio_low=_odds(interval.low) * scale,
        ratio_high=_odds(interval.high) * scale,
        p=float(p),
    )


def weekly_change(before: Sequence[int], after: Sequence[int]) -> RateChange:
    """`rate_change` of weekly counts: one number per whole week before and after the date."""
    if not before or not after:
        raise ValueError("need at least one week before and one after")
    return rate_change(sum(before), sum(after), len(before), len(after))


def _odds(share: float) -> float:
    return float("inf") if share >= 1 else float(share) / (1 - float(share))
