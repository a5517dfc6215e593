"""Publishing a round as a bulletin (发布通报), and correcting a published one (更正).

Publishing computes the round afresh and freezes the result as bulletin version 1, tells units
and their leaders, and reveals the round's sealed covert inspections. After that a change is a
correction: its changes and a recomputation in one transaction, frozen as the next version with
its reason and what it changed; earlier versions stay readable.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.service import canonical_json, record
from assessment.inspections.sealing import reveal_round
from assessment.rounds import access
from assessment.rounds.bulletins import bulletin_content, changes
from assessment.rounds.compute import Prepared, locked_round, score_round, scores_digest
from assessment.rounds.models import AssessmentRound, Bulletin, RoundStatus, Veto, VetoStatus
from assessment.rounds.notices import tell_about_bulletin
from assessment.rounds.schemas import CorrectionIn, IndividualCommendation, PublishIn
from assessment.rounds.scores import RankedUnit
from assessment.rounds.service import award_bonus, round_unit, set_manual_score
from assessment.rounds.vetoes import decide_veto
from assessment.schemes.models import Scheme, VetoCondition
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError


async def publish_round(
    session: AsyncSession,
    principal: Principal,
    round_id: uuid.UUID,
    prepared: Prepared,
    body: PublishIn,
) -> Bulletin:
    """Compute the round, freeze it as bulletin version 1, tell units and leaders, reveal the
    covert inspections (`prepared` by `compute.prepare`)."""
    assessment_round = await locked_round(session, round_id)
    access.not_published(assessment_round)
    for i, person in enumerate(body.individuals):
        if person.unit_id is not None:
            field = f"body.individuals.{i}.unit_id"
            await round_unit(
                session, principal, assessment_round, prepared.scheme, person.unit_id, field
            )
    ranked, content, now = await _scored_content(
        session, assessment_round, prepared, body.individuals, body.note
    )
    bulletin = await _freeze(session, assessment_round, content, principal, None, now)
    reveal = await reveal_round(session, round_id, actor=principal.sub)
    await record(
        session,
        actor=principal.sub,
        action="bulletin.published",
        entity="bulletin",
        entity_id=str(bulletin.id),
        data={
            "round_id": str(round_id),
            "version": bulletin.version,
            "content_sha256": content_digest(content),
            "scores_sha256": scores_digest(ranked),
            "covert_revealed": len(reveal.revealed),
            "covert_seals_broken": [str(b.inspection_id) for b in reveal.broken],
        },
    )
    await tell_about_bulletin(
        session,
        bulletin_id=bulletin.id,
        title=f"{assessment_round.name}通报",
        round_area=assessment_round.area_code,
        ranked=ranked,
    )
    return bulletin


async def correct_round(
    session: AsyncSession,
    principal: Principal,
    round_id: uuid.UUID,
    prepared: Prepared,
    body: CorrectionIn,
) -> Bulletin:
    """Apply a correction's changes to a published round, recompute it and publish the next
    bulletin version with the reason and what changed (`prepared` with `published=True`)."""
    assessment_round = await locked_round(session, round_id)
    if assessment_round.status != RoundStatus.published:
        raise ProblemError(
            409, "round-not-published", "the round is not published: change it directly"
        )
    await _apply(session, principal, assessment_round, prepared, body)
    previous = await latest_bulletin(session, round_id)
    assert previous is not None
    ranked, content, now = await _scored_content(
        session, assessment_round, prepared, [], previous.content.get("note")
    )
    content["commendations"]["individuals"] = previous.content["commendations"]["individuals"]
    content["reason"] = body.reason
    content["changes"] = changes(previous.content, content)
    bulletin = await _freeze(session, assessment_round, content, principal, body.reason, now)
    await record(
        session,
        actor=principal.sub,
        action="bulletin.corrected",
        entity="bulletin",
        entity_id=str(bulletin.id),
        data={
            "round_id": str(round_id),
            "version": bulletin.version,
            "reason": body.reason,
            "content_sha256": content_digest(content),
            "changed_units": [c["unit_id"] for c in content["changes"]],
        },
    )
    changed = {c["unit_id"] for c in content["changes"]}
    await tell_about_bulletin(
        session,
        bulletin_id=bulletin.id,
        title=f"{assessment_round.name}通报更正(第{bulletin.version}版)",
        round_area=assessment_round.area_code,
        ranked=[r for r in ranked if str(r.unit.id) in changed],
        correction=body.reason,
    )
    return bulletin


async def _scored_content(
    session: AsyncSession,
    assessment_round: AssessmentRound,
    prepared: Prepared,
    individuals: Sequence[IndividualCommendation],
    note: str | None,
) -> tuple[list[RankedUnit], dict[str, Any], datetime]:
    """Score the round afresh and build the bulletin's content from it."""
    ranked = await score_round(session, assessment_round, prepared)
    now = datetime.now(UTC)
    content = bulletin_content(
        assessment_round,
        prepared.scheme,
        ranked,
        vetoes=await _confirmed_vetoes(session, assessment_round.id),
        individuals=individuals,
        published_at=now,
        note=note,
    )
    return ranked, content, now


async def _apply(
    session: AsyncSession,
    principal: Principal,
    assessment_round: AssessmentRound,
    prepared: Prepared,
    body: CorrectionIn,
) -> None:
    scheme: Scheme = prepared.scheme
    for manual in body.manual_scores:
        await set_manual_score(session, assessment_round, scheme, manual, principal)
    for bonus in body.bonus_awards:
        await award_bonus(session, assessment_round, scheme, bonus, principal)
    for decision in body.veto_decisions:
        await decide_veto(
            session, principal, assessment_round.id, decision.veto_id, decision, correcting=True
        )


async def _freeze(
    session: AsyncSession,
    assessment_round: AssessmentRound,
    content: dict[str, Any],
    principal: Principal,
    reason: str | None,
    now: datetime,
) -> Bulletin:
    version = await session.scalar(
        select(func.coalesce(func.max(col(Bulletin.version)), 0)).where(
            col(Bulletin.round_id) == assessment_round.id
        )
    )
    content["version"] = int(version or 0) + 1
    bulletin = Bulletin(
        round_id=assessment_round.id,
        version=content["version"],
        content=content,
        reason=reason,
        published_by=principal.sub,
        published_at=now,
    )
    session.add(bulletin)
    assessment_round.status = RoundStatus.published
    assessment_round.published_at = assessment_round.published_at or now
    session.add(assessment_round)
    await session.flush()
    return bulletin


async def _confirmed_vetoes(
    session: AsyncSession, round_id: uuid.UUID
) -> Sequence[tuple[Veto, VetoCondition]]:
    rows = await session.execute(
        select(Veto, VetoCondition)
        .join(VetoCondition, col(VetoCondition.id) == col(Veto.veto_condition_id))
        .where(col(Veto.round_id) == round_id, col(Veto.status) == VetoStatus.confirmed)
        .order_by(col(Veto.decided_at), col(Veto.id))
    )
    return [(v, c) for v, c in rows.all()]


async def latest_bulletin(session: AsyncSession, round_id: uuid.UUID) -> Bulletin | None:
    """The newest bulletin version of a round."""
    query = (
        select(Bulletin)
        .where(col(Bulletin.round_id) == round_id)
        .order_by(col(Bulletin.version).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 of a bulletin's canonical JSON, as the audit log keeps it."""
    data = json.loads(json.dumps(content, default=str))
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()
