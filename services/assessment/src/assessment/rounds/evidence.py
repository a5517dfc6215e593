"""What a round's units are scored on, read in a handful of set-based queries.

Findings of the round's submitted inspections (with whether a second person confirmed them and
whether re-inspection found them unfixed), hand scores, bonus awards, vetoes not rejected, and
survey samples: a unit's own samples pooled, else those of the deepest area holding it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.rounds.facts import (
    AreaIncidents,
    BonusFact,
    ManualFact,
    PatrolHours,
    SurveyFact,
    UnitEvidence,
    VetoFact,
)
from assessment.rounds.models import AssessmentRound
from assessment.rounds.rules import RoundRules
from pingan_shared.db import driver_connection


@dataclass(frozen=True, slots=True)
class RoundUnit:
    """A unit a round assesses."""

    id: uuid.UUID
    kind: str
    area_code: str
    name: str


@dataclass(frozen=True, slots=True)
class AreaFigures:
    """Figures asked of incidents per area code: counts by category, patrol hours."""

    incidents: Mapping[str, Mapping[str, int]]
    patrol_hours: Mapping[str, Decimal]


UNITS_SQL = """
SELECT id, kind, area_code, name FROM units
WHERE area_code LIKE $1 || '%' AND kind::text = ANY($2::text[])
ORDER BY area_code, name
"""
# Confirmed findings added up per unit and indicator by PostgreSQL: a unit's row lists the
# indicators by their position in $2 with the faults of findings not found unfixed and of those
# found unfixed, 10,000 rows in place of 200,000.
FINDINGS_SQL = """
SELECT t.unit_id::text, array_agg(t.position), array_agg(t.faults), array_agg(t.unfixed)
FROM (
    SELECT i.unit_id, x.position::int,
           coalesce(sum(f.faults) FILTER (WHERE r.finding_id IS NULL), 0)::int AS faults,
           coalesce(sum(f.faults) FILTER (WHERE r.finding_id IS NOT NULL), 0)::int AS unfixed
    FROM findings f
    JOIN inspections i ON i.id = f.inspection_id
    JOIN unnest($2::uuid[]) WITH ORDINALITY AS x(id, position) ON x.id = f.indicator_id
    LEFT JOIN rectifications r ON r.finding_id = f.id AND r.status = 'unfixed'
    WHERE i.round_id = $1 AND i.status = 'submitted' AND f.confirmed_by IS NOT NULL
    GROUP BY i.unit_id, x.position
) t
GROUP BY t.unit_id
"""
MANUAL_SQL = """
SELECT id::text, unit_id::text, indicator_id::text, deduction FROM manual_scores
WHERE round_id = $1
"""
BONUS_SQL = """
SELECT id::text, unit_id::text, bonus_item_id::text, points FROM bonus_awards WHERE round_id = $1
"""
VETOES_SQL = """
SELECT id::text, unit_id::text, veto_condition_id::text, status FROM vetoes
WHERE round_id = $1 AND status <> 'rejected'
"""
# A round's own samples, and samples of no round taken inside its period in an area that lies
# inside the round's area or holds it.
SURVEYS_SQL = """
SELECT id::text, unit_id::text, area_code, n_asked, n_aware, n_participating
FROM survey_samples
WHERE round_id = $1
   OR (round_id IS NULL AND period_start >= $2 AND period_end <= $3
       AND (area_code LIKE $4 || '%' OR starts_with($4, area_code)))
"""


async def round_units(
    session: AsyncSession, assessment_round: AssessmentRound, kinds: list[str]
) -> list[RoundUnit]:
    """The units inside the round's area of the kinds its scheme assesses."""
    connection = await driver_connection(session)
    rows = await connection.fetch(UNITS_SQL, assessment_round.area_code, kinds)
    return [RoundUnit(r["id"], r["kind"], r["area_code"], r["name"]) for r in rows]


async def gather(
    session: AsyncSession,
    assessment_round: AssessmentRound,
    rules: RoundRules,
    units: list[RoundUnit],
    figures: AreaFigures,
) -> list[UnitEvidence]:
    """Every unit's evidence in the round."""
    connection = await driver_connection(session)
    round_id = assessment_round.id
    # Ids as text: string keys hash once and are what the facts carry anyway.
    evidence = {
        str(u.id): UnitEvidence(
            str(u.id),
            u.kind,
            incidents=_incidents(u, figures),
            patrol=_patrol(u, figures),
            tallies={},
        )
        for u in units
    }
    codes = {str(k): v for k, v in rules.indicator_codes.items()}
    ids = list(rules.indicator_codes)
    by_position = [""] + [rules.indicator_codes[i] for i in ids]  # ordinality counts from 1
    for unit_id, positions, faults, unfixed in await connection.fetch(FINDINGS_SQL, round_id, ids):
        if (unit := evidence.get(unit_id)) is not None:
            indicators = map(by_position.__getitem__, positions)
            unit.tallies = dict(zip(indicators, zip(faults, unfixed, strict=True), strict=True))
    for r in await connection.fetch(MANUAL_SQL, round_id):
        if (unit := evidence.get(r["unit_id"])) and (code := codes.get(r["indicator_id"])):
            unit.manual.append(ManualFact(r["id"], code, r["deduction"]))
    bonus_codes = {str(k): v for k, v in rules.bonus_codes.items()}
    for r in await connection.fetch(BONUS_SQL, round_id):
        if (unit := evidence.get(r["unit_id"])) and (code := bonus_codes.get(r["bonus_item_id"])):
            unit.bonuses.append(BonusFact(r["id"], code, r["points"]))
    veto_codes = {str(k): v for k, v in rules.veto_codes.items()}
    for r in await connection.fetch(VETOES_SQL, round_id):
        if (unit := evidence.get(r["unit_id"])) and (
            code := veto_codes.get(r["veto_condition_id"])
        ):
            unit.vetoes.append(VetoFact(r["id"], code, r["status"] == "confirmed"))
    if rules.measures("survey"):
        samples = await connection.fetch(
            SURVEYS_SQL,
            round_id,
            assessment_round.period_start,
            assessment_round.period_end,
            assessment_round.area_code,
        )
        _attach_surveys(evidence, units, samples)
    return [evidence[str(u.id)] for u in units]


def _incidents(unit: RoundUnit, figures: AreaFigures) -> AreaIncidents | None:
    counts = figures.incidents.get(unit.area_code)
    return AreaIncidents(unit.area_code, counts) if counts is not None else None


def _patrol(unit: RoundUnit, figures: AreaFigures) -> PatrolHours | None:
    hours = figures.patrol_hours.get(unit.area_code)
    return PatrolHours(unit.area_code, hours) if hours is not None else None


def _pool(rows: list[Any], scope: str) -> SurveyFact:
    return SurveyFact(
        sample_ids=tuple(r["id"] for r in rows),
        n_asked=sum(r["n_asked"] for r in rows),
        n_aware=sum(r["n_aware"] for r in rows),
        n_participating=sum(r["n_participating"] for r in rows),
        scope=scope,
    )


def _attach_surveys(
    evidence: dict[str, UnitEvidence], units: list[RoundUnit], samples: list[Any]
) -> None:
    by_unit: dict[str, list[Any]] = defaultdict(list)
    by_area: dict[str, list[Any]] = defaultdict(list)
    for sample in samples:
        if sample["unit_id"] is not None:
            by_unit[sample["unit_id"]].append(sample)
        else:
            by_area[sample["area_code"]].append(sample)
    pooled_areas = {code: _pool(rows, f"area:{code}") for code, rows in by_area.items()}
    for unit in units:
        facts = evidence[str(unit.id)]
        own = by_unit.get(str(unit.id))
        if own:
            facts.survey = _pool(own, "unit")
            continue
        # The deepest area holding the unit that was sampled.
        for length in range(len(unit.area_code), 0, -1):
            pooled = pooled_areas.get(unit.area_code[:length])
            if pooled is not None:
                facts.survey = pooled
                break
