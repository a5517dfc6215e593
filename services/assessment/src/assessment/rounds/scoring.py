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

Arithmetic is in whole hundredths of a point (`assessment.rounds.measures`): exact, and rounded
half up where a product has more decimals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessment.rounds.facts import BlockRule, SchemeRules, UnitEvidence, UnitResult
from assessment.rounds.measures import (
    Counted,
    cents,
    findings_losses,
    half_up,
    manual_losses,
    measured_loss,
)

MEASURED = ("incidents", "survey", "patrol")  # scored from data for every unit


@dataclass(frozen=True, slots=True)
class KindPlan:
    """What a scheme asks of one unit kind: its applicable indicators (by measure) and the
    points its blocks can give, in hundredths."""

    indicators: dict[str, Counted]
    by_findings: dict[str, Counted]
    by_hand: dict[str, Counted]
    measured: tuple[Counted, ...]
    block_max: dict[str, int]
    caps: dict[str, int | None]
    bottom_up: tuple[BlockRule, ...]
    applicable_max: int
    not_applicable: list[str]


def plan_for(rules: SchemeRules, kind: str) -> KindPlan:
    """The indicators that apply to `kind` and the points its blocks can give."""
    applicable = {
        i.code: Counted(i, cents(i.max_points), cents(i.per_fault))
        for i in rules.indicators
        if i.kinds is None or kind in i.kinds
    }
    block_max: dict[str, int] = defaultdict(int)
    for counted in applicable.values():
        block_max[counted.rule.block] += counted.max_c
    bottom_up = tuple(reversed(rules.blocks))
    for block in bottom_up:
        block_max.setdefault(block.code, 0)
        if block.parent is not None:
            block_max[block.parent] += block_max[block.code]
    top = sum(block_max[b.code] for b in rules.blocks if b.parent is None)
    if top == 0:
        raise ValueError(f"no indicator of the scheme applies to {kind}")

    def measure(name: str) -> dict[str, Counted]:
        return {c: i for c, i in applicable.items() if i.rule.measure == name}

    return KindPlan(
        indicators=applicable,
        by_findings=measure("findings"),
        by_hand=measure("manual"),
        measured=tuple(i for i in applicable.values() if i.rule.measure in MEASURED),
        block_max=dict(block_max),
        caps={b.code: cents(b.cap) if b.cap is not None else None for b in rules.blocks},
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


def _points(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)


def score_unit(rules: SchemeRules, unit: UnitEvidence, plan: KindPlan | None = None) -> UnitResult:
    """One unit's score by the rules in this module's docstring."""
    plan = plan or plan_for(rules, unit.kind)
    block_loss: dict[str, int] = defaultdict(int)
    # Findings provenance is kept compact (a round holds hundreds of thousands of findings):
    # [deduction, faults] and, when known, [finding ids, ids found unfixed];
    # `readable_findings` spells it out.
    findings: dict[str, list[Any]] = {}
    multiplier = cents(rules.unfixed_multiplier)
    for code, (loss, faults, ids, unfixed) in findings_losses(
        unit, plan.by_findings, multiplier
    ).items():
        counted = plan.indicators[code]
        taken = _taken(counted, loss)
        findings[code] = (
            [taken / 100, faults] if ids is None else [taken / 100, faults, ids, unfixed]
        )
        block_loss[counted.rule.block] += taken
    losses = manual_losses(unit, plan.by_hand)
    inconclusive: list[str] = []
    for counted in plan.measured:
        loss, provenance, unsure = measured_loss(counted, unit)
        losses[counted.rule.code] = (loss, provenance)
        if unsure:
            inconclusive.append(counted.rule.code)
    shown: dict[str, dict[str, Any]] = {}
    for code, (loss, provenance) in losses.items():
        counted = plan.indicators[code]
        taken = _taken(counted, loss)
        provenance["deduction"] = taken / 100
        shown[code] = provenance
        block_loss[counted.rule.block] += taken
    blocks: dict[str, float] = {}
    top_loss = 0
    for block in plan.bottom_up:
        most = plan.block_max[block.code]
        cap = plan.caps[block.code]
        taken = min(block_loss[block.code], most if cap is None else min(most, cap))
        blocks[block.code] = (most - taken) / 100
        if block.parent is None:
            top_loss += taken
        else:
            block_loss[block.parent] += taken
    raw = plan.applicable_max - top_loss
    score = _points(half_up(raw * cents(rules.full_score), plan.applicable_max))
    bonus, bonus_detail = _bonus(rules, unit)
    total = score + bonus
    vetoes = [v.id for v in unit.vetoes if v.confirmed]
    vetoed = bool(vetoes)
    return UnitResult(
        unit_id=unit.unit_id,
        kind=unit.kind,
        total=total,
        score=score,
        raw=_points(raw),
        applicable_max=_points(plan.applicable_max),
        bonus=bonus,
        rating=rating(rules, total, vetoed=vetoed),
        vetoed=vetoed,
        blocks=blocks,
        indicators=shown,
        findings=findings,
        not_applicable=plan.not_applicable,
        inconclusive=inconclusive,
        bonus_detail=bonus_detail,
        vetoes=vetoes,
    )


def _taken(counted: Counted, loss: int) -> int:
    """What an indicator loses: at most its points (扣完为止) unless its rule says otherwise."""
    return min(loss, counted.max_c) if counted.rule.stop_at_zero else loss


def _bonus(rules: SchemeRules, unit: UnitEvidence) -> tuple[Decimal, dict[str, Any]]:
    by_item: dict[str, Decimal] = defaultdict(Decimal)
    for award in unit.bonuses:
        by_item[award.item] += award.points
    counted = sum(
        (min(points, rules.bonus_items.get(item, Decimal(0))) for item, points in by_item.items()),
        Decimal(0),
    )
    bonus = min(counted, rules.bonus_cap)
    detail = {
        "awards": [a.id for a in unit.bonuses],
        "counted": float(counted),
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
