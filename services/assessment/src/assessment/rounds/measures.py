"""What each measure deducts (rule 2 of `assessment.rounds.scoring`), in hundredths of a point.

Points have two decimals, so whole hundredths (ints) are exact and several times faster than
Decimals over a round's hundreds of thousands of findings; a product that can have more decimals
(the unfixed multiplier, patrol hours) is rounded half up to the hundredth. Each function returns
the loss and its provenance: which findings, hand scores, incidents, samples or hours it came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from assessment.rounds.facts import IndicatorRule, UnitEvidence
from assessment.surveys.stats import RateVerdict, Verdict, assess_rate


def cents(value: Decimal) -> int:
    """Points as whole hundredths (values have at most two decimals)."""
    return int(value.scaleb(2).to_integral_value())


def half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator rounded half up, for non-negative numbers."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True, slots=True)
class Counted:
    """An indicator as scoring counts it: its points and points per fault in hundredths."""

    rule: IndicatorRule
    max_c: int
    per_fault_c: int


def findings_losses(
    unit: UnitEvidence, counted: dict[str, Counted], multiplier_c: int
) -> dict[str, tuple[int, int, list[str] | None, list[str] | None]]:
    """Per findings indicator: (loss, faults, finding ids, ids of those found unfixed): per_fault
    × faults of confirmed findings, unfixed ones `multiplier` times. Ids are None when the unit's
    findings came tallied (`UnitEvidence.tallies`)."""
    if unit.tallies is not None:
        return {
            code: (
                _loss(counted[code], faults, unfixed, multiplier_c),
                faults + unfixed,
                None,
                None,
            )
            for code, (faults, unfixed) in unit.tallies.items()
            if code in counted  # else not applicable to the unit, or not measured by findings
        }
    # Faults are tallied per indicator first: one product per indicator, not per finding.
    tally: dict[str, tuple[list[int], list[str], list[str]]] = {}
    for finding in unit.findings:
        if not finding.confirmed:
            continue  # four eyes: a finding counts once a second person confirmed it
        entry = tally.get(finding.indicator)
        if entry is None:
            if finding.indicator not in counted:
                continue  # not applicable to the unit, or not measured by findings
            entry = tally[finding.indicator] = ([0, 0], [], [])
        entry[1].append(finding.id)
        if finding.unfixed:
            entry[0][1] += finding.faults
            entry[2].append(finding.id)
        else:
            entry[0][0] += finding.faults
    return {
        code: (_loss(counted[code], faults, unfixed, multiplier_c), faults + unfixed, ids, bad)
        for code, ((faults, unfixed), ids, bad) in tally.items()
    }


def _loss(counted: Counted, faults: int, unfixed: int, multiplier_c: int) -> int:
    loss = counted.per_fault_c * faults
    if unfixed:
        loss += half_up(counted.per_fault_c * unfixed * multiplier_c, 100)  # 整改不到位
    return loss


def manual_losses(
    unit: UnitEvidence, manual: dict[str, Counted]
) -> dict[str, tuple[int, dict[str, Any]]]:
    """Per hand-scored indicator: the deductions scored by hand, added up."""
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for score in unit.manual:
        if score.indicator not in manual:
            continue
        before, provenance = out.get(score.indicator, (0, {"manual_scores": []}))
        provenance["manual_scores"].append(score.id)
        out[score.indicator] = (before + cents(score.deduction), provenance)
    return out


def measured_loss(counted: Counted, unit: UnitEvidence) -> tuple[int, dict[str, Any], bool]:
    """(loss, provenance, inconclusive) of an incidents, survey or patrol indicator."""
    indicator = counted.rule
    if indicator.measure == "incidents":
        if unit.incidents is None:
            raise ValueError(f"no incident counts for unit {unit.unit_id}")
        by_category = {c: unit.incidents.counts.get(c, 0) for c in indicator.categories}
        count = sum(by_category.values())
        provenance = {"area_code": unit.incidents.area_code, "incidents": by_category,
                      "count": count}  # fmt: skip
        return counted.per_fault_c * count, provenance, False
    if indicator.measure == "patrol":
        if unit.patrol is None or indicator.target_hours is None:
            raise ValueError(f"no patrol hours for unit {unit.unit_id}")
        short_c = max(cents(indicator.target_hours) - cents(unit.patrol.hours), 0)
        provenance = {
            "area_code": unit.patrol.area_code,
            "hours": float(unit.patrol.hours),
            "target_hours": float(indicator.target_hours),
        }
        return half_up(counted.per_fault_c * short_c, 100), provenance, False
    return survey_loss(counted, unit)


@lru_cache(maxsize=4096)
def _verdict(n: int, k: int, threshold: float) -> RateVerdict:
    # Units sharing an area's pooled samples share their verdict.
    return assess_rate(n, k, threshold)


def survey_loss(counted: Counted, unit: UnitEvidence) -> tuple[int, dict[str, Any], bool]:
    """A rate judged by its Wilson interval: per_fault for every percentage point (or part of
    one) by which the upper bound misses the threshold; nothing while inconclusive."""
    indicator, survey = counted.rule, unit.survey
    n = survey.n_asked if survey else 0
    k = 0
    if survey is not None:
        k = survey.n_aware if indicator.survey == "awareness" else survey.n_participating
    threshold = indicator.threshold or 0.0
    verdict = _verdict(n, k, threshold)
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
        return 0, provenance, True
    if verdict.verdict is Verdict.passed:
        return 0, provenance, False
    short = math.ceil(round((threshold - estimate.high) * 100, 9))
    provenance["points_short"] = short
    return counted.per_fault_c * short, provenance, False
