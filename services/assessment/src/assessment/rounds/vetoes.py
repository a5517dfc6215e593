"""Vetoes (一票否决): proposed by hand or by a major incident linked to a unit; they apply only
once the assessment office confirms them, with a reason, and a second person decides."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.rounds import access, repository
from assessment.rounds.models import AssessmentRound, Veto, VetoStatus
from assessment.rounds.schemas import IncidentVetoIn, VetoCreate, VetoDecision
from assessment.rounds.service import round_unit
from assessment.schemes.models import Scheme, VetoCondition
from assessment.units.models import Unit
from assessment.units.service import can_read
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error, not_found
from pingan_shared.settings import business_timezone


async def propose_veto(
    session: AsyncSession,
    assessment_round: AssessmentRound,
    scheme: Scheme,
    body: VetoCreate,
    principal: Principal,
) -> Veto:
    """Propose a veto of a unit on one of the scheme's conditions."""
    unit = await round_unit(session, principal, assessment_round, scheme, body.unit_id)
    condition = await session.get(VetoCondition, body.veto_condition_id)
    if condition is None or condition.scheme_id != scheme.id:
        raise field_error(
            "body.veto_condition_id", "not a veto condition of the round's scheme", "unknown"
        )
    veto = Veto(
        round_id=assessment_round.id,
        unit_id=unit.id,
        veto_condition_id=condition.id,
        reason=body.reason,
        incident_id=body.incident_id,
        proposed_by=principal.sub,
    )
    return await _proposed(session, veto, principal)


async def _proposed(session: AsyncSession, veto: Veto, principal: Principal) -> Veto:
    veto = await repository.add(session, veto)
    await record(
        session,
        actor=principal.sub,
        action="veto.proposed",
        entity="veto",
        entity_id=str(veto.id),
        data={
            "round_id": str(veto.round_id),
            "unit_id": str(veto.unit_id),
            "veto_condition_id": str(veto.veto_condition_id),
            "reason": veto.reason,
            "incident_id": veto.incident_id,
        },
    )
    return veto


async def decide_veto(
    session: AsyncSession,
    principal: Principal,
    round_id: uuid.UUID,
    veto_id: uuid.UUID,
    body: VetoDecision,
    *,
    correcting: bool = False,
) -> Veto:
    """Confirm or reject a proposed veto with a reason. A decided veto is decided again only in
    a correction of a published round."""
    veto = await repository.get_veto(session, veto_id, for_update=True)
    if veto is None or veto.round_id != round_id:
        raise not_found("veto")
    if veto.status != VetoStatus.proposed and not correcting:
        raise ProblemError(409, "veto-decided", f"the veto is {veto.status} already")
    if principal.sub == veto.proposed_by:
        raise ProblemError(
            403, "four-eyes", "a veto is decided by a second person, not by who proposed it"
        )
    previous = veto.status
    veto.status = VetoStatus(body.decision)
    veto.decided_by = principal.sub
    veto.decision_reason = body.reason
    veto.decided_at = datetime.now(UTC)
    session.add(veto)
    await session.flush()
    await record(
        session,
        actor=principal.sub,
        action=f"veto.{body.decision}",
        entity="veto",
        entity_id=str(veto.id),
        data={"round_id": str(round_id), "reason": body.reason, "previous": str(previous)},
    )
    return veto


async def propose_from_incident(
    session: AsyncSession, body: IncidentVetoIn, principal: Principal
) -> list[Veto]:
    """Propose a veto in every unpublished round assessing the unit on the incident's day, on
    each of its scheme's conditions that names the incident's category; once per incident."""
    unit = await session.get(Unit, body.unit_id)
    if unit is None or not can_read(principal, unit):
        raise field_error("body.unit_id", "unknown unit", "unknown_unit")
    day = body.occurred_at.astimezone(business_timezone()).date()
    proposed: list[Veto] = []
    for assessment_round, scheme in await repository.open_rounds_assessing(session, unit, day):
        if not access.overlaps(principal, assessment_round.area_code):
            continue
        conditions = await repository.veto_conditions_for(session, scheme.id, body.category)
        for condition in conditions:
            if await repository.veto_exists(
                session, assessment_round.id, condition.id, body.incident_id
            ):
                continue
            veto = Veto(
                round_id=assessment_round.id,
                unit_id=unit.id,
                veto_condition_id=condition.id,
                reason=f"重大案事件 {body.incident_id}: {body.summary}"[:2000],
                incident_id=body.incident_id,
                proposed_by=principal.sub,
            )
            proposed.append(await _proposed(session, veto, principal))
    return proposed
