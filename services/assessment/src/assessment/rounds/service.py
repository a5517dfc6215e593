"""The rules of rounds: created on a scheme version (which it locks), hand scores and bonuses
recorded while the round is not published, every change audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.service import record
from assessment.rounds import access, repository
from assessment.rounds.models import AssessmentRound, BonusAward, ManualScore, RoundStatus
from assessment.rounds.schemas import BonusAwardCreate, ManualScoreIn, RoundCreate, RoundOut
from assessment.schemes import repository as schemes
from assessment.schemes.models import BonusItem, Indicator, Measure, Scheme
from assessment.units.models import Unit
from assessment.units.service import can_read
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error


def present_round(assessment_round: AssessmentRound, scheme: Scheme) -> RoundOut:
    """A round as the API shows it."""
    assert isinstance(assessment_round.created_at, datetime)
    return RoundOut(
        id=assessment_round.id,
        scheme_id=scheme.id,
        scheme_code=scheme.code,
        scheme_version=scheme.version,
        name=assessment_round.name,
        area_code=assessment_round.area_code,
        period_start=assessment_round.period_start,
        period_end=assessment_round.period_end,
        status=assessment_round.status,
        version=assessment_round.version,
        created_by=assessment_round.created_by,
        created_at=assessment_round.created_at,
        computed_at=assessment_round.computed_at,
        published_at=assessment_round.published_at,
    )


async def create_round(
    session: AsyncSession, body: RoundCreate, principal: Principal
) -> tuple[AssessmentRound, Scheme]:
    """Open a round in one of the caller's areas; its scheme version is locked from now on."""
    if not principal.can_see(body.area_code):
        raise ProblemError(403, "outside-areas", "you may not run rounds in this area")
    scheme = await schemes.get_scheme(session, body.scheme_id, for_update=True)
    if scheme is None:
        raise field_error("body.scheme_id", "unknown scheme", "unknown_scheme")
    await schemes.lock(session, scheme.id)
    assessment_round = await repository.add(
        session,
        AssessmentRound(
            scheme_id=scheme.id,
            name=body.name,
            area_code=body.area_code,
            period_start=body.period_start,
            period_end=body.period_end,
            created_by=principal.sub,
        ),
    )
    await session.refresh(scheme)
    await record(
        session,
        actor=principal.sub,
        action="round.created",
        entity="round",
        entity_id=str(assessment_round.id),
        data=body.model_dump(mode="json"),
    )
    return assessment_round, scheme


async def changeable_round(
    session: AsyncSession, principal: Principal, round_id: uuid.UUID
) -> tuple[AssessmentRound, Scheme]:
    """A round the caller sees that is not published (409 once it is)."""
    assessment_round, scheme = await access.visible_round(session, principal, round_id)
    access.not_published(assessment_round)
    return assessment_round, scheme


async def round_unit(
    session: AsyncSession,
    principal: Principal,
    assessment_round: AssessmentRound,
    scheme: Scheme,
    unit_id: uuid.UUID,
    field: str = "body.unit_id",
) -> Unit:
    """A unit the caller sees that the round assesses: inside its area, of its scheme's kinds."""
    unit = await session.get(Unit, unit_id)
    if unit is None or not can_read(principal, unit):
        raise field_error(field, "unknown unit", "unknown_unit")
    if not unit.area_code.startswith(assessment_round.area_code):
        raise field_error(field, "the unit is outside the round's area", "outside_round")
    if str(unit.kind) not in scheme.unit_kinds:
        raise field_error(field, f"the scheme does not assess {unit.kind} units", "wrong_kind")
    return unit


async def set_manual_score(
    session: AsyncSession,
    assessment_round: AssessmentRound,
    scheme: Scheme,
    body: ManualScoreIn,
    principal: Principal,
) -> ManualScore:
    """Score a unit by hand on a manual indicator, replacing an earlier hand score."""
    unit = await round_unit(session, principal, assessment_round, scheme, body.unit_id)
    indicator = await session.get(Indicator, body.indicator_id)
    if indicator is None or indicator.scheme_id != scheme.id:
        raise field_error("body.indicator_id", "not an indicator of the round's scheme", "unknown")
    if indicator.measure != Measure.manual:
        raise field_error(
            "body.indicator_id", f"measured by {indicator.measure}, not by hand", "not_manual"
        )
    if indicator.applicable_kinds and str(unit.kind) not in indicator.applicable_kinds:
        raise field_error(
            "body.indicator_id", f"not applicable to {unit.kind} units", "not_applicable"
        )
    if body.deduction > indicator.max_points:
        raise field_error(
            "body.deduction",
            f"more than the indicator's {indicator.max_points} points",
            "beyond_points",
        )
    before = await repository.find_manual_score(session, assessment_round.id, unit.id, indicator.id)
    # Read now: the upsert refreshes the same row object.
    previous = str(before.deduction) if before else None
    values = {
        "round_id": assessment_round.id,
        "unit_id": unit.id,
        "indicator_id": indicator.id,
        "deduction": body.deduction,
        "note": body.note,
        "scored_by": principal.sub,
    }
    score = await repository.upsert_manual_score(session, values)
    await record(
        session,
        actor=principal.sub,
        action="manual_score.set",
        entity="manual_score",
        entity_id=str(score.id),
        data={
            **body.model_dump(mode="json"),
            "round_id": str(assessment_round.id),
            "previous": previous,
        },
    )
    return score


async def award_bonus(
    session: AsyncSession,
    assessment_round: AssessmentRound,
    scheme: Scheme,
    body: BonusAwardCreate,
    principal: Principal,
) -> BonusAward:
    """Award a bonus with evidence, up to what the bonus item gives the unit in the round."""
    unit = await round_unit(session, principal, assessment_round, scheme, body.unit_id)
    item = await session.get(BonusItem, body.bonus_item_id)
    if item is None or item.scheme_id != scheme.id:
        raise field_error("body.bonus_item_id", "not a bonus item of the round's scheme", "unknown")
    awarded = await session.scalar(
        select(func.coalesce(func.sum(col(BonusAward.points)), 0)).where(
            col(BonusAward.round_id) == assessment_round.id,
            col(BonusAward.unit_id) == unit.id,
            col(BonusAward.bonus_item_id) == item.id,
        )
    )
    already = Decimal(awarded or 0)
    if already + body.points > item.max_points:
        raise field_error(
            "body.points",
            f"the item gives at most {item.max_points} points; {already} are awarded already",
            "beyond_points",
        )
    award = await repository.add(
        session,
        BonusAward(
            round_id=assessment_round.id,
            unit_id=unit.id,
            bonus_item_id=item.id,
            points=body.points,
            evidence=[e.model_dump(mode="json", exclude_none=True) for e in body.evidence],
            awarded_by=principal.sub,
        ),
    )
    await record(
        session,
        actor=principal.sub,
        action="bonus.awarded",
        entity="bonus_award",
        entity_id=str(award.id),
        data={**body.model_dump(mode="json"), "round_id": str(assessment_round.id)},
    )
    return award


async def list_recorded(
    session: AsyncSession,
    principal: Principal,
    assessment_round: AssessmentRound,
    table: type[ManualScore] | type[BonusAward],
) -> Sequence[ManualScore | BonusAward]:
    """Hand scores or bonus awards of the round's units the caller may read."""
    prefixes = access.reader_prefixes(principal, assessment_round)
    return await repository.list_in_round(
        session, table, assessment_round.id, prefixes, access.only_unit(principal)
    )


async def list_rounds(
    session: AsyncSession,
    principal: Principal,
    *,
    status: RoundStatus | None,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[tuple[AssessmentRound, Scheme]]:
    """Rounds whose area overlaps the caller's areas."""
    return await repository.list_rounds(
        session, list(principal.areas), status=status, after=after, limit=limit
    )
