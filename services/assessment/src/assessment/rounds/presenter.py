"""Rows of rounds as the API shows them; a bulletin narrowed to what the caller may read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assessment.rounds.models import BonusAward, Bulletin, ManualScore, Veto
from assessment.rounds.schemas import (
    BonusAwardOut,
    BulletinOut,
    BulletinSummary,
    ManualScoreOut,
    VetoOut,
)
from pingan_shared.auth import in_areas


def _at(value: datetime | None) -> datetime:
    assert isinstance(value, datetime)
    return value


def present_manual(score: ManualScore) -> ManualScoreOut:
    """A hand score."""
    return ManualScoreOut(
        id=score.id,
        round_id=score.round_id,
        unit_id=score.unit_id,
        indicator_id=score.indicator_id,
        deduction=score.deduction,
        note=score.note,
        scored_by=score.scored_by,
        created_at=_at(score.created_at),
    )


def present_bonus(award: BonusAward) -> BonusAwardOut:
    """A bonus award."""
    return BonusAwardOut(
        id=award.id,
        round_id=award.round_id,
        unit_id=award.unit_id,
        bonus_item_id=award.bonus_item_id,
        points=award.points,
        evidence=award.evidence,
        awarded_by=award.awarded_by,
        created_at=_at(award.created_at),
    )


def present_veto(veto: Veto) -> VetoOut:
    """A veto and its decision."""
    return VetoOut(
        id=veto.id,
        round_id=veto.round_id,
        unit_id=veto.unit_id,
        veto_condition_id=veto.veto_condition_id,
        reason=veto.reason,
        incident_id=veto.incident_id,
        status=veto.status,
        proposed_by=veto.proposed_by,
        decided_by=veto.decided_by,
        decision_reason=veto.decision_reason,
        decided_at=veto.decided_at,
        created_at=_at(veto.created_at),
    )


def present_bulletin_summary(bulletin: Bulletin) -> BulletinSummary:
    """A bulletin version in a list."""
    return BulletinSummary(
        id=bulletin.id,
        round_id=bulletin.round_id,
        version=bulletin.version,
        reason=bulletin.reason,
        published_by=bulletin.published_by,
        published_at=_at(bulletin.published_at),
    )


def narrowed(content: dict[str, Any], prefixes: list[str], only_unit: str | None) -> dict[str, Any]:
    """A bulletin's content with the lines of units outside the caller's areas (or, for a unit
    contact, of other units) left out; commendations stay, as the printed bulletin names them."""

    def keep(line: dict[str, Any]) -> bool:
        if only_unit is not None:
            return bool(line.get("unit_id") == only_unit)
        area = line.get("area_code")
        return area is None or in_areas(str(area), prefixes)

    areas = {u["unit_id"]: u["area_code"] for u in content.get("units", [])}

    def keep_ref(line: dict[str, Any]) -> bool:
        return keep({"unit_id": line.get("unit_id"), "area_code": areas.get(line.get("unit_id"))})

    out = dict(content)
    out["units"] = [u for u in content.get("units", []) if keep(u)]
    for part in ("carried_deductions", "accountability", "changes"):
        if part in content:
            out[part] = [line for line in content[part] if keep_ref(line)]
    return out


def present_bulletin(
    bulletin: Bulletin, prefixes: list[str] | None = None, only_unit: str | None = None
) -> BulletinOut:
    """A bulletin version; narrowed unless `prefixes` is None (the office reads it whole)."""
    content = bulletin.content
    if prefixes is not None or only_unit is not None:
        content = narrowed(content, prefixes or [], only_unit)
    return BulletinOut(**present_bulletin_summary(bulletin).model_dump(), content=content)
