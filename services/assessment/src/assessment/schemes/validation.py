"""The checks a scheme must pass before it is stored, each problem naming its field.

Points add up (an indicator's points to its block, a block's to its parent, the top blocks to the
full score); codes are unique within the scheme; bands go from the highest down; an indicator's
rule has exactly the fields its measure uses; applicable kinds are among the scheme's kinds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from assessment.schemes.models import Measure
from assessment.schemes.schemas import BlockIn, IndicatorIn, SchemeIn
from pingan_shared.errors import FieldError

MAX_DEPTH = 4
# The rule fields each measure needs; `stop_at_zero` is allowed for all.
REQUIRED_RULE_FIELDS: dict[Measure, frozenset[str]] = {
    Measure.findings: frozenset({"per_fault"}),
    Measure.incidents: frozenset({"per_fault", "categories"}),
    Measure.survey: frozenset({"per_fault", "survey", "threshold"}),
    Measure.patrol: frozenset({"per_fault", "target_hours"}),
    Measure.manual: frozenset(),
}


def _error(field: str, message: str, code: str) -> FieldError:
    return FieldError(field=field, message=message, code=code)


def scheme_problems(scheme: SchemeIn) -> list[FieldError]:
    """Every problem of `scheme`, in the order its fields appear; empty when it is valid."""
    problems: list[FieldError] = []
    kinds = {str(k) for k in scheme.unit_kinds}
    top = sum((b.max_points for b in scheme.blocks), Decimal(0))
    if top != scheme.full_score:
        problems.append(
            _error(
                "body.full_score",
                f"the blocks' points add up to {top}, not the full score {scheme.full_score}",
                "points_mismatch",
            )
        )
    block_codes: dict[str, str] = {}
    indicator_codes: dict[str, str] = {}
    for i, block in enumerate(scheme.blocks):
        path = f"body.blocks.{i}"
        problems += _block_problems(block, path, 1, kinds, block_codes, indicator_codes)
    problems += _kinds_without_indicators(scheme)
    problems += _band_problems(scheme)
    problems += _unique(
        (f"body.bonus_items.{i}.code", b.code) for i, b in enumerate(scheme.bonus_items)
    )
    problems += _unique(
        (f"body.veto_conditions.{i}.code", v.code) for i, v in enumerate(scheme.veto_conditions)
    )
    if scheme.bonus_items and scheme.bonus_cap == 0:
        problems.append(
            _error("body.bonus_cap", "bonus items need a cap above zero", "bonus_cap_zero")
        )
    for i, veto in enumerate(scheme.veto_conditions):
        if veto.incident_categories is not None and not veto.incident_categories:
            field = f"body.veto_conditions.{i}.incident_categories"
            problems.append(_error(field, "name a category or leave it out", "empty"))
    return problems


def _block_problems(
    block: BlockIn,
    path: str,
    depth: int,
    kinds: set[str],
    block_codes: dict[str, str],
    indicator_codes: dict[str, str],
) -> list[FieldError]:
    problems: list[FieldError] = []
    problems += _claim(block_codes, block.code, f"{path}.code")
    if depth > MAX_DEPTH:
        problems.append(
            _error(f"{path}.blocks", f"blocks nest at most {MAX_DEPTH} deep", "too_deep")
        )
    if not block.indicators and not block.blocks:
        problems.append(_error(f"{path}.indicators", "a block needs indicators or blocks", "empty"))
    children = sum((i.max_points for i in block.indicators), Decimal(0)) + sum(
        (b.max_points for b in block.blocks), Decimal(0)
    )
    if (block.indicators or block.blocks) and children != block.max_points:
        problems.append(
            _error(
                f"{path}.max_points",
                f"its indicators and blocks add up to {children}, not {block.max_points}",
                "points_mismatch",
            )
        )
    if block.cap is not None and block.cap > block.max_points:
        problems.append(
            _error(f"{path}.cap", f"above the block's {block.max_points} points", "cap_too_high")
        )
    for j, indicator in enumerate(block.indicators):
        at = f"{path}.indicators.{j}"
        problems += _claim(indicator_codes, indicator.code, f"{at}.code")
        problems += indicator_problems(indicator, at, kinds)
    for j, child in enumerate(block.blocks):
        at = f"{path}.blocks.{j}"
        problems += _block_problems(child, at, depth + 1, kinds, block_codes, indicator_codes)
    return problems


def indicator_problems(indicator: IndicatorIn, path: str, kinds: set[str]) -> list[FieldError]:
    """The problems of one indicator's rule and applicable kinds."""
    problems: list[FieldError] = []
    measure = indicator.measure
    required = REQUIRED_RULE_FIELDS[measure]
    given = {name for name in indicator.rule.model_fields_set if name != "stop_at_zero"}
    for name in sorted(given - required):
        problems.append(
            _error(f"{path}.rule.{name}", f"not a field of a {measure} rule", "unexpected_field")
        )
    for name in sorted(required):
        if getattr(indicator.rule, name) is None:
            problems.append(
                _error(f"{path}.rule.{name}", f"a {measure} rule needs it", "missing_field")
            )
    rule = indicator.rule
    if "per_fault" in required and rule.per_fault is not None and rule.per_fault <= 0:
        problems.append(_error(f"{path}.rule.per_fault", "must be above zero", "not_positive"))
    if "categories" in required and rule.categories is not None and not rule.categories:
        problems.append(_error(f"{path}.rule.categories", "name at least one category", "empty"))
    for kind in indicator.applicable_kinds or ():
        if str(kind) not in kinds:
            problems.append(
                _error(
                    f"{path}.applicable_kinds",
                    f"{kind} is not among the scheme's unit kinds",
                    "unknown_kind",
                )
            )
    return problems


def _kinds_without_indicators(scheme: SchemeIn) -> list[FieldError]:
    """A unit kind every indicator is "not applicable" to could never be scored."""
    indicators = [i for b in scheme.blocks for i in _indicators(b)]
    return [
        _error("body.unit_kinds", f"no indicator applies to {kind}", "kind_without_indicators")
        for kind in dict.fromkeys(scheme.unit_kinds)
        if not any(i.applicable_kinds is None or kind in i.applicable_kinds for i in indicators)
    ]


def _indicators(block: BlockIn) -> list[IndicatorIn]:
    return [*block.indicators, *(i for child in block.blocks for i in _indicators(child))]


def _band_problems(scheme: SchemeIn) -> list[FieldError]:
    problems: list[FieldError] = []
    bands = scheme.rating_bands
    for i, band in enumerate(bands):
        if band.min > scheme.full_score:
            problems.append(
                _error(f"body.rating_bands.{i}.min", "above the full score", "above_full_score")
            )
        if i and band.min >= bands[i - 1].min:
            problems.append(
                _error(
                    f"body.rating_bands.{i}.min",
                    f"bands go from the highest down: must be below {bands[i - 1].min}",
                    "not_descending",
                )
            )
    problems += _unique((f"body.rating_bands.{i}.name", b.name) for i, b in enumerate(bands))
    if scheme.failing_band in {b.name for b in bands}:
        problems.append(
            _error("body.failing_band", "the failing band is not one of the bands", "duplicate")
        )
    return problems


def _claim(seen: dict[str, str], code: str, field: str) -> list[FieldError]:
    if code in seen:
        return [_error(field, f"{code!r} is used by {seen[code]} already", "duplicate")]
    seen[code] = field
    return []


def _unique(fields: Iterable[tuple[str, str]]) -> Sequence[FieldError]:
    seen: dict[str, str] = {}
    problems: list[FieldError] = []
    for field, value in fields:
        problems += _claim(seen, value, field)
    return problems
