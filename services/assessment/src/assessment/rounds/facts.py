"""The plain inputs and outputs of scoring (`assessment.rounds.scoring`): a scheme's rules and one
unit's evidence in, the unit's score with the provenance of every number out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class IndicatorRule:
    """An indicator as scoring needs it; `kinds` None means it applies to every unit."""

    code: str
    block: str
    max_points: Decimal
    measure: str
    per_fault: Decimal = Decimal(0)
    stop_at_zero: bool = True
    categories: tuple[str, ...] = ()
    survey: str | None = None
    threshold: float | None = None
    target_hours: Decimal | None = None
    kinds: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class BlockRule:
    """A block: its parent block (None at the top), points and cap on its deductions."""

    code: str
    parent: str | None
    max_points: Decimal
    cap: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SchemeRules:
    """A scheme version as scoring needs it. `blocks` are in tree order, parents first;
    `bands` are (name, minimum) from the highest; `bonus_items` map a code to its points."""

    full_score: Decimal
    bonus_cap: Decimal
    unfixed_multiplier: Decimal
    bands: tuple[tuple[str, Decimal], ...]
    failing_band: str
    blocks: tuple[BlockRule, ...]
    indicators: tuple[IndicatorRule, ...]
    bonus_items: Mapping[str, Decimal] = field(default_factory=dict)


class FindingFact(NamedTuple):
    """A finding (检查发现) on an indicator: its faults, whether a second person confirmed it,
    whether its rectification was found unfixed on re-inspection. (Tuples: a round has hundreds
    of thousands of findings.)"""

    id: str
    indicator: str
    faults: int
    confirmed: bool = True
    unfixed: bool = False


class ManualFact(NamedTuple):
    """A deduction scored by hand (人工评分)."""

    id: str
    indicator: str
    deduction: Decimal


@dataclass(frozen=True, slots=True)
class SurveyFact:
    """The unit's survey samples pooled: how many were asked, aware and taking part, and where
    the samples came from (`scope`: the unit itself, or the area they describe)."""

    sample_ids: tuple[str, ...]
    n_asked: int
    n_aware: int
    n_participating: int
    scope: str = "unit"


@dataclass(frozen=True, slots=True)
class AreaIncidents:
    """Incidents by category in the unit's area over the round's period (from incidents)."""

    area_code: str
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class PatrolHours:
    """Hours patrolled in the unit's area over the round's period (from incidents)."""

    area_code: str
    hours: Decimal


class BonusFact(NamedTuple):
    """A bonus awarded (加分) on a bonus item."""

    id: str
    item: str
    points: Decimal


class VetoFact(NamedTuple):
    """A veto (一票否决) on a condition; only a confirmed one fails the unit."""

    id: str
    condition: str
    confirmed: bool = True


@dataclass(slots=True)
class UnitEvidence:
    """Everything a unit is scored on in a round."""

    unit_id: str
    kind: str
    findings: list[FindingFact] = field(default_factory=list)
    manual: list[ManualFact] = field(default_factory=list)
    survey: SurveyFact | None = None
    incidents: AreaIncidents | None = None
    patrol: PatrolHours | None = None
    bonuses: list[BonusFact] = field(default_factory=list)
    vetoes: list[VetoFact] = field(default_factory=list)
    # Confirmed findings already tallied per indicator code: (faults of those not found
    # unfixed, faults of those found unfixed). A round reads them so, added up by PostgreSQL;
    # when set, `findings` is not read and the finding ids are looked up when a score is read.
    tallies: dict[str, tuple[int, int]] | None = None


FindingIds = Mapping[str, tuple[list[str], list[str]]]


def readable_findings(
    compact: Mapping[str, Sequence[Any]], ids: FindingIds | None = None
) -> dict[str, dict[str, Any]]:
    """Findings provenance, [deduction, faults] with [finding ids, ids found unfixed] when
    scoring saw them, spelt out: {"deduction", "faults", "findings", "unfixed"}. Stored scores
    keep the first two only; `ids` (per indicator code) supplies the rest on reading."""
    out: dict[str, dict[str, Any]] = {}
    for code, entry in compact.items():
        listed, unfixed = entry[2:4] if len(entry) >= 4 else (ids or {}).get(code, ([], []))
        out[code] = {"deduction": entry[0], "faults": entry[1], "findings": listed}
        if unfixed:
            out[code]["unfixed"] = unfixed
    return out


@dataclass(slots=True)
class UnitResult:
    """A unit's score with the provenance of every deduction: `findings` by indicator code (in
    the compact form of `readable_findings`, ids only when scored from `FindingFact`s), `indicators` for the other measures (and every
    indicator measured from data); an indicator in neither kept its full points."""

    unit_id: str
    kind: str
    total: Decimal
    score: Decimal
    raw: Decimal
    applicable_max: Decimal
    bonus: Decimal
    rating: str
    vetoed: bool
    blocks: dict[str, float]
    indicators: dict[str, dict[str, Any]]
    findings: dict[str, list[Any]]
    not_applicable: list[str]
    inconclusive: list[str]
    bonus_detail: dict[str, Any]
    vetoes: list[str]

    def indicator(self, code: str) -> dict[str, Any]:
        """One indicator's provenance, spelt out."""
        if code in self.findings:
            return readable_findings({code: self.findings[code]})[code]
        return self.indicators[code]

    def details(self) -> dict[str, Any]:
        """The provenance as stored with the score (JSON)."""
        return {
            "score": float(self.score),
            "raw": float(self.raw),
            "applicable_max": float(self.applicable_max),
            "blocks": self.blocks,
            "indicators": self.indicators,
            # Deduction and faults only: a round's 200,000 finding ids are looked up per unit
            # when its score is read (`assessment.rounds.provenance`), not stored 10,000 times.
            "findings": {code: entry[:2] for code, entry in self.findings.items()},
            "not_applicable": self.not_applicable,
            "inconclusive": self.inconclusive,
            "bonus": self.bonus_detail,
            "vetoes": self.vetoes,
        }
