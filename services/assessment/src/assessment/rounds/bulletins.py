"""What a bulletin (通报) says, built from a round's ranked scores.

- Units: every unit's total, score before bonus, bonus, rating, veto and ranks, in ranking order.
- Commendations (表彰): units rated in the top band and not vetoed; individuals named by the
  office when publishing.
- Carried deductions (扣分, into the annual comprehensive-governance assessment): every unit in
  the failing band carries the points it lost — the full score less its score — and the whole
  full score when vetoed.
- Accountability (追责): every confirmed veto, with its condition, reason and decision.
- A correction lists the units whose total, rating or rank changed from the previous version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from assessment.rounds.models import AssessmentRound, Veto
from assessment.rounds.schemas import IndividualCommendation
from assessment.rounds.scores import RankedUnit
from assessment.schemes.models import Scheme, VetoCondition

COMPARED = ("total", "rating", "rank", "vetoed")


def unit_line(r: RankedUnit) -> dict[str, Any]:
    """One unit's line in the bulletin."""
    return {
        "unit_id": str(r.unit.id),
        "name": r.unit.name,
        "kind": r.unit.kind,
        "area_code": r.unit.area_code,
        "rank_area": r.rank_area,
        "total": float(r.result.total),
        "score": float(r.result.score),
        "bonus": float(r.result.bonus),
        "rating": r.result.rating,
        "vetoed": r.result.vetoed,
        "rank": r.rank,
        "rank_in_round": r.rank_in_round,
    }


def bulletin_content(
    assessment_round: AssessmentRound,
    scheme: Scheme,
    ranked: Sequence[RankedUnit],
    *,
    vetoes: Sequence[tuple[Veto, VetoCondition]],
    individuals: Sequence[IndividualCommendation],
    published_at: datetime,
    note: str | None = None,
) -> dict[str, Any]:
    """The frozen content of a bulletin version."""
    ordered = sorted(ranked, key=lambda r: (r.unit.kind, r.rank_area, r.rank, str(r.unit.id)))
    names = {str(r.unit.id): r.unit.name for r in ranked}
    top = scheme.rating_bands[0]["name"] if scheme.rating_bands else None
    full = Decimal(scheme.full_score)
    return {
        "round": {
            "id": str(assessment_round.id),
            "name": assessment_round.name,
            "area_code": assessment_round.area_code,
            "period_start": assessment_round.period_start.isoformat(),
            "period_end": assessment_round.period_end.isoformat(),
        },
        "scheme": {
            "id": str(scheme.id),
            "code": scheme.code,
            "version": scheme.version,
            "name": scheme.name,
            "full_score": float(full),
        },
        "published_at": published_at.isoformat(),
        "note": note,
        "summary": {
            "units": len(ranked),
            "ratings": dict(Counter(r.result.rating for r in ranked)),
            "vetoed": sum(r.result.vetoed for r in ranked),
        },
        "units": [unit_line(r) for r in ordered],
        "commendations": {
            "units": [
                {
                    "unit_id": str(r.unit.id),
                    "name": r.unit.name,
                    "kind": r.unit.kind,
                    "total": float(r.result.total),
                    "rating": r.result.rating,
                }
                for r in ordered
                if r.result.rating == top and not r.result.vetoed
            ],
            "individuals": [
                {
                    "name": i.name,
                    "unit_id": str(i.unit_id) if i.unit_id else None,
                    "unit_name": names.get(str(i.unit_id)) if i.unit_id else None,
                    "reason": i.reason,
                }
                for i in individuals
            ],
        },
        "carried_deductions": [
            {
                "unit_id": str(r.unit.id),
                "name": r.unit.name,
                "points": float(full if r.result.vetoed else full - min(r.result.score, full)),
                "reason": "一票否决" if r.result.vetoed else f"考核等次为{r.result.rating}",
            }
            for r in ordered
            if r.result.rating == scheme.failing_band
        ],
        "accountability": [
            {
                "unit_id": str(veto.unit_id),
                "name": names.get(str(veto.unit_id)),
                "veto_id": str(veto.id),
                "condition": condition.code,
                "condition_name": condition.name,
                "reason": veto.reason,
                "incident_id": veto.incident_id,
                "decided_by": veto.decided_by,
                "decision_reason": veto.decision_reason,
            }
            for veto, condition in vetoes
        ],
    }


def changes(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The units whose total, rating, rank or veto differ between two bulletin versions."""
    before = {u["unit_id"]: u for u in previous.get("units", [])}
    found = []
    for unit in current.get("units", []):
        old = before.get(unit["unit_id"])
        if old is None or any(old.get(k) != unit.get(k) for k in COMPARED):
            found.append(
                {
                    "unit_id": unit["unit_id"],
                    "name": unit["name"],
                    "before": {k: old.get(k) for k in COMPARED} if old else None,
                    "after": {k: unit.get(k) for k in COMPARED},
                }
            )
    return found
