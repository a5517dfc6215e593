"""A stored scheme version as the plain rules scoring reads (`assessment.rounds.facts`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from assessment.rounds.facts import BlockRule, IndicatorRule, SchemeRules
from assessment.schemes.models import Indicator
from assessment.schemes.repository import SchemeTree


@dataclass(frozen=True, slots=True)
class RoundRules:
    """The scheme's rules and how its rows' ids map to their codes."""

    rules: SchemeRules
    indicator_codes: dict[uuid.UUID, str]
    bonus_codes: dict[uuid.UUID, str]
    veto_codes: dict[uuid.UUID, str]

    def measures(self, measure: str) -> list[IndicatorRule]:
        """The indicators measured by `measure`."""
        return [i for i in self.rules.indicators if i.measure == measure]

    def kinds_measuring(self, measure: str, kinds: list[str]) -> set[str]:
        """Those of `kinds` that some indicator measured by `measure` applies to."""
        found: set[str] = set()
        for indicator in self.measures(measure):
            found |= set(kinds) if indicator.kinds is None else indicator.kinds & set(kinds)
        return found


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def indicator_rule(indicator: Indicator, block_code: str) -> IndicatorRule:
    """One stored indicator as scoring reads it."""
    rule = indicator.rule
    threshold = rule.get("threshold")
    return IndicatorRule(
        code=indicator.code,
        block=block_code,
        max_points=Decimal(indicator.max_points),
        measure=str(indicator.measure),
        per_fault=_decimal(rule.get("per_fault")) or Decimal(0),
        stop_at_zero=bool(rule.get("stop_at_zero", True)),
        categories=tuple(rule.get("categories") or ()),
        survey=rule.get("survey"),
        threshold=float(threshold) if threshold is not None else None,
        target_hours=_decimal(rule.get("target_hours")),
        kinds=frozenset(indicator.applicable_kinds) if indicator.applicable_kinds else None,
    )


def round_rules(tree: SchemeTree) -> RoundRules:
    """The rules of a stored scheme version."""
    scheme = tree.scheme
    block_code = {b.id: b.code for b in tree.blocks}
    blocks = tuple(
        BlockRule(
            code=b.code,
            parent=block_code[b.parent_id] if b.parent_id is not None else None,
            max_points=Decimal(b.max_points),
            cap=_decimal(b.cap),
        )
        for b in tree.blocks
    )
    rules = SchemeRules(
        full_score=Decimal(scheme.full_score),
        bonus_cap=Decimal(scheme.bonus_cap),
        unfixed_multiplier=Decimal(scheme.unfixed_multiplier),
        bands=tuple((str(b["name"]), Decimal(str(b["min"]))) for b in scheme.rating_bands),
        failing_band=scheme.failing_band,
        blocks=blocks,
        indicators=tuple(indicator_rule(i, block_code[i.block_id]) for i in tree.indicators),
        bonus_items={b.code: Decimal(b.max_points) for b in tree.bonus_items},
    )
    return RoundRules(
        rules=rules,
        indicator_codes={i.id: i.code for i in tree.indicators},
        bonus_codes={b.id: b.code for b in tree.bonus_items},
        veto_codes={v.id: v.code for v in tree.veto_conditions},
    )
