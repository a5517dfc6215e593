"""Scoring a unit in a round (计分规则): pure functions of the plain inputs in `facts.py`.

Every rule, in the order it applies:

1. Applicability (适用). An indicator with `kinds` applies only to units of those kinds; for any
   other unit it is not applicable (不适用) and leaves the maximum: it counts neither in the
   unit's points nor in the points the unit could have had.
2. Deductions per indicator (扣分), by measure:
   - findings: `per_fault` × faults of every CONFIRMED finding (four eyes); a finding whose
     rectification was found unfixed on re-inspection counts the scheme's `unfixed_multiplier`
     times (整改不到位). Unconfirmed findings count nothing.
   - manual: the deductions scored by hand, added up.
   - incidents: `per_fault` × the incidents of the rule's categories in the unit's area over the
     round's period. Without counts a unit cannot be scored (ValueError): never a silent zero.
   - survey: the rate (aware, or taking part, over asked; the unit's samples pooled) is judged by
     its Wilson 95 % interval (`assessment.surveys.stats.assess_rate`). Only when even the upper
     bound is below the threshold does it deduct: `per_fault` for every percentage point, or part
     of one, by which the upper bound falls short. An interval straddling the threshold, or no
     sample at all, deducts nothing and is reported "inconclusive — sample N more".
   - patrol: `per_fault` × the hours short of `target_hours` (to the hundredth); nothing at or
     above the target. Without hours a unit cannot be scored (ValueError).
3. Stop at zero (扣完为止): an indicator loses at most its points, unless its rule's
   `stop_at_zero` is false; then the excess counts against its block.
4. Blocks (板块): a block loses what its indicators and nested blocks lose, at most its cap when
   it has one, and at most its applicable points: a block never goes below zero.
5. Score: raw = applicable points − what the top blocks lose, scaled back to the full score
   (raw × full ÷ applicable points, to the hundredth, half up), so not-applicable indicators
   neither help nor hurt.
6. Bonus (加分): each item's awards count up to the item's points; all of them up to the
   scheme's bonus cap. Total = score + bonus.
7. Veto (一票否决): a CONFIRMED veto puts the unit in the failing band whatever its total;
   proposed or rejected vetoes count nothing.
8. Rating (等次): the first band, from the highest, whose minimum the total reaches; below the
   last band, the failing band.
9. Ranking (排名, `rank`): within a group (kind and area), by total from the highest; equal
   totals share a rank and the next rank skips (1, 2, 2, 4); vetoed units rank after every unit
   that was not vetoed, by total among themselves.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assessment.rounds.facts import (
    BlockRule,
    IndicatorRule,
    SchemeRules,
    UnitEvidence,
    UnitResult,
)
from assessment.surveys.stats import Verdict, assess_rate

CENT = Decimal("0.01")
ZERO = Decimal(0)
MEASURED = ("incidents", "survey", "patrol")  # scored from data for every unit


@dataclass(frozen=True, slots=True)
class KindPlan:
    """What a scheme asks of one unit kind: its applicable indicators and blocks' points."""

    indicators: dict[str, IndicatorRule]
    measured: tuple[IndicatorRule, ...]
    block_max: dict[str, Decimal]
    bottom_up: tuple[BlockRule, ...]
    applicable_max: Decimal
    not_applicable: list[str]


def plan_for(rules: SchemeRules, kind: str) -> KindPlan:
    """The indicators that apply to `kind` and the points its blocks can give."""
    applicable = {i.code: i for i in rules.indicators if i.kinds is None or kind in i.kinds}
    block_max: dict[str, Decimal] = defaultdict(Decimal)
    for indicator in applicable.values():
        block_max[indicator.block] += indicator.max_points
    bottom_up = tuple(reversed(rules.blocks))
    for block in bottom_up:
        block_max.setdefault(block.code, ZERO)
        if block.parent is not None:
            block_max[block.parent] += block_max[block.code]
    top = sum((block_max[b.code] for b in rules.blocks if b.parent is None), ZERO)
    if top == 0:
        raise ValueError(f"no indicator of the scheme applies to {kind}")
    return KindPlan(
        indicators=applicable,
        measured=tuple(i for i in applicable.values() if i.measure in MEASURED),
        block_max=dict(block_max),
        bottom_up=bottom_up,
        applicable_max=top,
        not_applicable=[i.code for i in rules.indicators if i.code not in applicable],
    )


def score_units(rules: SchemeRules, units: Iterable[UnitEvidence]) -> list[UnitResult]:
    """Score every unit, planning each unit kind once."""
    plans: dict[str, KindPlan] = {}
    results = []
    for unit in units:
        plan = plans.get(unit.kind)
        if plan is None:
            plan = plans[unit.kind] = plan_for(rules, unit.kind)
        results.append(score_unit(rules, unit, plan))
    return results


def score_unit(rules: SchemeRules, unit: UnitEvidence, plan: KindPlan | None = None) -> UnitResult:
    """One unit's score by the rules in this module's docstring."""
    plan = plan or plan_for(rules, unit.kind)
    losses: dict[str, Decimal] = {}
    shown: dict[str, dict[str, Any]] = {}
    inconclusive: list[str] = []
    for code, (loss, provenance) in _findings(rules, unit, plan).items():
        losses[code], shown[code] = loss, provenance
    for code, (loss, provenance) in _manual(unit, plan).items():
        losses[code] = losses.get(code, ZERO) + loss
        shown.setdefault(code, {}).update(provenance)
    for indicator in plan.measured:
        loss, provenance, unsure = _measured(indicator, unit)
        losses[indicator.code], shown[indicator.code] = loss, provenance
        if unsure:
            inconclusive.append(indicator.code)
    block_loss: dict[str, Decimal] = defaultdict(Decimal)
    for code, loss in losses.items():
        indicator = plan.indicators[code]
        taken = min(loss, indicator.max_points) if indicator.stop_at_zero else loss
        points = indicator.max_points - taken
        shown[code].update(
            measure=indicator.measure,
            max=float(indicator.max_points),
            deduction=float(taken),
            points=float(points),
        )
        if taken != loss:
            shown[code]["stopped_at_zero"] = True  # 扣完为止
        block_loss[indicator.block] += taken
    blocks: dict[str, float] = {}
    top_loss = ZERO
    for block in plan.bottom_up:
        limit = plan.block_max[block.code]
        if block.cap is not None:
            limit = min(limit, block.cap)
        taken = min(block_loss[block.code], limit)
        blocks[block.code] = float(plan.block_max[block.code] - taken)
        if block.parent is None:
            top_loss += taken
        else:
            block_loss[block.parent] += taken
    raw = plan.applicable_max - top_loss
    score = (raw * rules.full_score / plan.applicable_max).quantize(CENT, ROUND_HALF_UP)
    bonus, bonus_detail = _bonus(rules, unit)
    total = score + bonus
    vetoes = [v.id for v in unit.vetoes if v.confirmed]
    vetoed = bool(vetoes)
    return UnitResult(
        unit_id=unit.unit_id,
        kind=unit.kind,
        total=total,
        score=score,
        raw=raw,
        applicable_max=plan.applicable_max,
        bonus=bonus,
        rating=rating(rules, total, vetoed=vetoed),
        vetoed=vetoed,
        blocks=blocks,
        indicators=shown,
        not_applicable=plan.not_applicable,
        inconclusive=inconclusive,
        bonus_detail=bonus_detail,
        vetoes=vetoes,
    )


def _findings(
    rules: SchemeRules, unit: UnitEvidence, plan: KindPlan
) -> dict[str, tuple[Decimal, dict[str, Any]]]:
    out: dict[str, tuple[Decimal, dict[str, Any]]] = {}
    for finding in unit.findings:
        indicator = plan.indicators.get(finding.indicator)
        if not finding.confirmed or indicator is None or indicator.measure != "findings":
            continue
        loss = indicator.per_fault * finding.faults
        if finding.unfixed:
            loss *= rules.unfixed_multiplier
        before, provenance = out.get(finding.indicator, (ZERO, {"findings": []}))
        provenance["findings"].append(
            {"id": finding.id, "faults": finding.faults, "unfixed": finding.unfixed,
             "deduction": float(loss)}
        )  # fmt: skip
        out[finding.indicator] = (before + loss, provenance)
    return out


def _manual(unit: UnitEvidence, plan: KindPlan) -> dict[str, tuple[Decimal, dict[str, Any]]]:
    out: dict[str, tuple[Decimal, dict[str, Any]]] = {}
    for manual in unit.manual:
        indicator = plan.indicators.get(manual.indicator)
        if indicator is None or indicator.measure != "manual":
            continue
        before, provenance = out.get(manual.indicator, (ZERO, {"manual_scores": []}))
        provenance["manual_scores"].append({"id": manual.id, "deduction": float(manual.deduction)})
        out[manual.indicator] = (before + manual.deduction, provenance)
    return out


def _measured(indicator: IndicatorRule, unit: UnitEvidence) -> tuple[Decimal, dict[str, Any], bool]:
    """(loss, provenance, inconclusive) of an incidents, survey or patrol indicator."""
    if indicator.measure == "incidents":
        if unit.incidents is None:
            raise ValueError(f"no incident counts for unit {unit.unit_id}")
        counts = {c: unit.incidents.counts.get(c, 0) for c in indicator.categories}
        count = sum(counts.values())
        provenance = {"area_code": unit.incidents.area_code, "incidents": counts, "count": count}
        return indicator.per_fault * count, provenance, False
    if indicator.measure == "patrol":
        if unit.patrol is None or indicator.target_hours is None:
            raise ValueError(f"no patrol hours for unit {unit.unit_id}")
        short = max(indicator.target_hours - unit.patrol.hours, ZERO)
        provenance = {
            "area_code": unit.patrol.area_code,
            "hours": float(unit.patrol.hours),
            "target_hours": float(indicator.target_hours),
        }
        return (indicator.per_fault * short).quantize(CENT, ROUND_HALF_UP), provenance, False
    return _survey(indicator, unit)


def _survey(indicator: IndicatorRule, unit: UnitEvidence) -> tuple[Decimal, dict[str, Any], bool]:
    survey = unit.survey
    n = survey.n_asked if survey else 0
    k = 0
    if survey is not None:
        k = survey.n_aware if indicator.survey == "awareness" else survey.n_participating
    threshold = indicator.threshold or 0.0
    verdict = assess_rate(n, k, threshold)
    estimate = verdict.estimate
    provenance: dict[str, Any] = {
        "survey": indicator.survey,
        "samples": list(survey.sample_ids) if survey else [],
        "scope": survey.scope if survey else None,
        "n": n,
        "k": k,
        "rate": round(estimate.rate, 4),
        "interval": [round(estimate.low, 4), round(estimate.high, 4)],
        "threshold": threshold,
        "verdict": verdict.verdict.value,
    }
    if verdict.verdict is Verdict.inconclusive:
        provenance["sample_more"] = verdict.sample_more
        return ZERO, provenance, True
    if verdict.verdict is Verdict.passed:
        return ZERO, provenance, False
    # Percentage points (or part of one) by which even the upper bound misses the threshold.
    short = math.ceil(round((threshold - estimate.high) * 100, 9))
    provenance["points_short"] = short
    return indicator.per_fault * short, provenance, False


def _bonus(rules: SchemeRules, unit: UnitEvidence) -> tuple[Decimal, dict[str, Any]]:
    by_item: dict[str, Decimal] = defaultdict(Decimal)
    for award in unit.bonuses:
        by_item[award.item] += award.points
    counted = sum(
        (min(points, rules.bonus_items.get(item, ZERO)) for item, points in by_item.items()),
        ZERO,
    )
    bonus = min(counted, rules.bonus_cap)
    detail = {
        "awards": [{"id": a.id, "item": a.item, "points": float(a.points)} for a in unit.bonuses],
        "counted": float(counted),
        "cap": float(rules.bonus_cap),
        "points": float(bonus),
    }
    return bonus, detail


def rating(rules: SchemeRules, total: Decimal, *, vetoed: bool) -> str:
    """The band a total earns; the failing band below the last band or when vetoed."""
    if vetoed:
        return rules.failing_band
    for name, minimum in rules.bands:
        if total >= minimum:
            return name
    return rules.failing_band


def rank(entries: Sequence[tuple[str, Hashable, Decimal, bool]]) -> dict[str, int]:
    """Ranks of (id, group, total, vetoed) within each group: by total from the highest,
    vetoed after the rest, ties sharing a rank (1, 2, 2, 4)."""
    groups: dict[Hashable, list[tuple[str, Decimal, bool]]] = defaultdict(list)
    for unit_id, group, total, vetoed in entries:
        groups[group].append((unit_id, total, vetoed))
    ranks: dict[str, int] = {}
    for members in groups.values():
        members.sort(key=lambda m: (m[2], -m[1]))
        previous: tuple[bool, Decimal] | None = None
        current = 0
        for position, (unit_id, total, vetoed) in enumerate(members, start=1):
            if (vetoed, total) != previous:
                current, previous = position, (vetoed, total)
            ranks[unit_id] = current
    return ranks
