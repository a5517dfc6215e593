"""Did the measures work? (整治成效) A problem's incidents week by week around the day its measures
started, and the exact conditional test of a lower weekly rate after than before
(`incidents.analysis.change`).

Weeks are counted from local midnight of the day the measures started: week -1 is the seven days
before, week 0 the seven days from it. Only whole weeks after the start are compared, so the week
in progress waits until it is over.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis.change import RateChange, weekly_change
from incidents.focus import repository
from incidents.focus.models import FocusProblem
from incidents.focus.rules import local_midnight, local_today
from incidents.focus.schemas import EffectTest, FocusEffectOut, WeekCount

DEFAULT_WEEKS_BEFORE = 12
MAX_WEEKS = 52
ALPHA = 0.05
METHOD = (
    "Exact conditional binomial test of two Poisson rates (Przyborowski & Wilenski 1940): given "
    "the n incidents of the T1 weeks before and T2 weeks after the measures started, the count "
    "after is Binomial(n, T2 / (T1 + T2)) if the weekly rate did not change; p is the chance of "
    "a count after this low or lower. It takes incidents as independent at a steady rate within "
    "each period: seasons, reporting changes and displacement to nearby places are not allowed "
    "for. 以精确条件二项检验比较整治前后的周发案率。"
)


def week_starts(anchor: date, weeks_before: int, weeks_after: int) -> list[date]:
    """The first days of weeks -weeks_before … weeks_after (the last one closes the range)."""
    return [anchor + timedelta(days=7 * k) for k in range(-weeks_before, weeks_after + 1)]


def whole_weeks_since(start: date, today: date) -> int:
    """Whole weeks from `start` to the beginning of `today`, at most `MAX_WEEKS`."""
    return max(0, min(MAX_WEEKS, (today - start).days // 7))


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def conclusion(change: RateChange, alpha: float = ALPHA) -> tuple[bool, str]:
    """Whether the drop is beyond chance, and a sentence a town leader can read."""
    if change.before + change.after == 0:
        return False, "No incidents before or after: nothing to compare (前后均无发案)."
    before = change.before / change.before_weeks
    after = change.after / change.after_weeks
    rates = f"{before:.2f} a week before, {after:.2f} after (p = {change.p:.3g})"
    if change.p < alpha and after < before:
        return True, f"The drop is more than chance (降幅超出偶然波动): {rates}."
    if after < before:
        return False, f"A drop, but within chance (降幅在偶然波动之内): {rates}."
    return False, f"No drop (未见下降): {rates}."


def effect_test(change: RateChange) -> EffectTest:
    """The test's figures and its reading."""
    dropped, sentence = conclusion(change)
    return EffectTest(
        method=METHOD,
        before=change.before,
        after=change.after,
        before_weeks=int(change.before_weeks),
        after_weeks=int(change.after_weeks),
        rate_ratio=_finite(change.rate_ratio),
        ratio_low=_finite(change.ratio_low),
        ratio_high=_finite(change.ratio_high),
        p=change.p,
        alpha=ALPHA,
        drop_beyond_chance=dropped,
        conclusion=sentence,
    )


async def problem_effect(
    session: AsyncSession,
    problem: FocusProblem,
    weeks_before: int = DEFAULT_WEEKS_BEFORE,
    now: datetime | None = None,
) -> FocusEffectOut:
    """The problem's weekly incidents around the start of its measures and the test of a drop;
    before the measures start, the weeks up to today and no test."""
    today = local_today(now or datetime.now(UTC))
    started = problem.measures_started_on
    if started is not None and started <= today:
        anchor, weeks_after = started, whole_weeks_since(started, today)
    else:
        anchor, weeks_after = today, 0
    starts = week_starts(anchor, weeks_before, weeks_after)
    counts = await repository.weekly_counts(session, problem, [local_midnight(d) for d in starts])
    weeks = [
        WeekCount(
            week=k - weeks_before,
            starts_on=starts[k],
            count=count,
            period="before" if k < weeks_before else "after",
        )
        for k, count in enumerate(counts)
    ]
    test = None
    if started is None or started > today:
        note = "The measures have not started: no comparison yet (整治措施尚未开始)."
    elif weeks_after == 0:
        note = "Less than a whole week since the measures started: no comparison yet."
    else:
        test = effect_test(weekly_change(counts[:weeks_before], counts[weeks_before:]))
        note = test.conclusion
    return FocusEffectOut(
        problem_id=problem.id,
        measures_started_on=started,
        weeks=weeks,
        test=test,
        note=note,
    )
