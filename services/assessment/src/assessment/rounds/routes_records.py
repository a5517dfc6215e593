"""What is recorded in a round before publication: hand scores (人工评分), bonuses (加分) and
vetoes (一票否决), and vetoes proposed by major incidents."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response

from assessment.rounds import access, service, vetoes
from assessment.rounds.access import (
    IncidentProposerDep,
    OfficeDep,
    ProposerDep,
    ReaderDep,
    ScorerDep,
)
from assessment.rounds.models import BonusAward, ManualScore, Veto
from assessment.rounds.presenter import present_bonus, present_manual, present_veto
from assessment.rounds.repository import list_in_round
from assessment.rounds.schemas import (
    BonusAwardCreate,
    BonusAwardOut,
    IncidentVetoIn,
    ManualScoreIn,
    ManualScoreOut,
    VetoCreate,
    VetoDecision,
    VetoOut,
)
from assessment.tables import idempotency_keys
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate

router = APIRouter(prefix="/v1/rounds/{round_id}", tags=["rounds"])
incident_router = APIRouter(prefix="/v1/vetoes", tags=["rounds"])
AWARD = "assessment_bonus_awards_create"
PROPOSE = "assessment_vetoes_create"
CHANGE_ERRORS = problem_responses(401, 403, 404, 409, 422)


@router.put(
    "/manual-scores",
    name="assessment_manual_scores_set",
    summary="Score a unit by hand on an indicator (人工评分)",
    response_model=ManualScoreOut,
    responses=CHANGE_ERRORS,
)
async def set_manual_score(
    round_id: uuid.UUID, body: ManualScoreIn, session: SessionDep, principal: ScorerDep
) -> ManualScoreOut:
    """Set the deduction of a unit on a hand-scored indicator, replacing an earlier one; at most
    the indicator's points. 409 once the round is published (then: a correction)."""
    assessment_round, scheme = await service.changeable_round(session, principal, round_id)
    score = await service.set_manual_score(session, assessment_round, scheme, body, principal)
    return present_manual(score)


@router.get(
    "/manual-scores",
    name="assessment_manual_scores_list",
    summary="List a round's hand scores (人工评分列表)",
    response_model=list[ManualScoreOut],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_manual_scores(
    round_id: uuid.UUID, session: SessionDep, principal: ScorerDep
) -> list[ManualScoreOut]:
    """Hand scores of the round's units inside the caller's areas."""
    assessment_round, _ = await access.visible_round(session, principal, round_id)
    rows = await service.list_recorded(session, principal, assessment_round, ManualScore)
    return [present_manual(r) for r in rows if isinstance(r, ManualScore)]


@router.post(
    "/bonus-awards",
    name=AWARD,
    summary="Award a unit a bonus with evidence (加分)",
    status_code=201,
    response_model=BonusAwardOut,
    responses=CHANGE_ERRORS,
)
async def award_bonus(
    round_id: uuid.UUID,
    body: BonusAwardCreate,
    session: SessionDep,
    principal: OfficeDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """A bonus on one of the scheme's bonus items, with evidence; the unit's awards on an item
    add up to at most its points, and the scheme caps the total when scoring."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, AWARD, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    assessment_round, scheme = await service.changeable_round(session, principal, round_id)
    award = await service.award_bonus(session, assessment_round, scheme, body, principal)
    out = present_bonus(award)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "/bonus-awards",
    name="assessment_bonus_awards_list",
    summary="List a round's bonus awards (加分列表)",
    response_model=list[BonusAwardOut],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_bonus_awards(
    round_id: uuid.UUID, session: SessionDep, principal: ReaderDep
) -> list[BonusAwardOut]:
    """Bonus awards of the round's units the caller may read (a unit contact: its own)."""
    assessment_round, _ = await access.visible_round(session, principal, round_id)
    rows = await service.list_recorded(session, principal, assessment_round, BonusAward)
    return [present_bonus(r) for r in rows if isinstance(r, BonusAward)]


@router.post(
    "/vetoes",
    name=PROPOSE,
    summary="Propose a veto of a unit (提出一票否决)",
    status_code=201,
    response_model=VetoOut,
    responses=CHANGE_ERRORS,
)
async def propose_veto(
    round_id: uuid.UUID,
    body: VetoCreate,
    session: SessionDep,
    principal: ProposerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """A proposed veto on one of the scheme's veto conditions, with its reason; it counts only
    once the assessment office confirms it."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, PROPOSE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    assessment_round, scheme = await service.changeable_round(session, principal, round_id)
    veto = await vetoes.propose_veto(session, assessment_round, scheme, body, principal)
    out = present_veto(veto)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "/vetoes",
    name="assessment_vetoes_list",
    summary="List a round's vetoes (一票否决列表)",
    response_model=list[VetoOut],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_vetoes(
    round_id: uuid.UUID, session: SessionDep, principal: ReaderDep
) -> list[VetoOut]:
    """Vetoes of the round's units the caller may read (a unit contact: its own)."""
    assessment_round, _ = await access.visible_round(session, principal, round_id)
    rows = await list_in_round(
        session,
        Veto,
        assessment_round.id,
        access.reader_prefixes(principal, assessment_round),
        access.only_unit(principal),
    )
    return [present_veto(r) for r in rows]


@router.post(
    "/vetoes/{veto_id}/decision",
    name="assessment_vetoes_decide",
    summary="Confirm or reject a proposed veto (审定一票否决)",
    response_model=VetoOut,
    responses=CHANGE_ERRORS,
)
async def decide_veto(
    round_id: uuid.UUID,
    veto_id: uuid.UUID,
    body: VetoDecision,
    session: SessionDep,
    principal: OfficeDep,
) -> VetoOut:
    """The assessment office confirms or rejects a proposed veto with a reason; not the person
    who proposed it (403). 409 for a veto decided already or a published round."""
    await service.changeable_round(session, principal, round_id)
    veto = await vetoes.decide_veto(session, principal, round_id, veto_id, body)
    return present_veto(veto)


@incident_router.post(
    "/from-incident",
    name="assessment_vetoes_from_incident",
    summary="A major incident linked to a unit proposes vetoes (重大案事件提出一票否决)",
    response_model=list[VetoOut],
    responses=problem_responses(401, 403, 422),
)
async def propose_from_incident(
    body: IncidentVetoIn, session: SessionDep, principal: IncidentProposerDep
) -> list[VetoOut]:
    """For every unpublished round assessing the unit on the incident's day, a proposed veto on
    each veto condition naming the incident's category; an incident proposes each once. The
    answer lists the vetoes proposed now (none when every one exists)."""
    proposed = await vetoes.propose_from_incident(session, body, principal)
    return [present_veto(v) for v in proposed]
