"""`/v1/draws`: spot-check draws (抽查) — prepared with their candidates and seed, drawn, and
recomputed by anyone who may read them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response

from assessment.deps import IncidentsDep
from assessment.inspections import draw_service, draws
from assessment.inspections.access import DrawerDep, DrawReaderDep
from assessment.inspections.draw_schemas import (
    DrawCandidate,
    DrawCreate,
    DrawOut,
    DrawVerification,
)
from assessment.inspections.models import SpotDraw
from assessment.tables import idempotency_keys
from pingan_shared.db import DatabaseDep, SessionDep
from pingan_shared.errors import ProblemError, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate

router = APIRouter(prefix="/v1/draws", tags=["draws"])
CREATE = "assessment_draws_create"


def present_draw(spot_draw: SpotDraw) -> DrawOut:
    """A draw as recorded, with the digests of its seed and candidates."""
    assert spot_draw.created_at is not None, "created_at is set by the database"
    candidates = draws.candidates_from(spot_draw.candidates)
    return DrawOut(
        id=spot_draw.id,
        round_id=spot_draw.round_id,
        size=spot_draw.size,
        seed=spot_draw.seed,
        seed_sha256=draws.seed_digest(spot_draw.seed),
        candidates=[DrawCandidate.model_validate(c) for c in spot_draw.candidates],
        candidates_sha256=draws.candidates_digest(candidates),
        rule=spot_draw.rule,
        selected=None if spot_draw.selected is None else [uuid.UUID(s) for s in spot_draw.selected],
        drawn_by=spot_draw.drawn_by,
        created_at=spot_draw.created_at,
        drawn_at=spot_draw.drawn_at,
    )


@router.post(
    "",
    name=CREATE,
    summary="Prepare a spot-check draw (抽查): candidates, weights and seed, recorded first",
    status_code=201,
    response_model=DrawOut,
    responses=problem_responses(401, 403, 404, 409, 422, 502, 503),
)
async def create_draw(
    body: DrawCreate,
    database: DatabaseDep,
    principal: DrawerDep,
    incidents: IncidentsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record the candidate units (sorted by id, with weights), the rule and the seed — a public
    value given in advance, or a random 256-bit one — before anything is drawn. With `hot_spot`,
    units whose area had many incidents lately weigh more, as counted by the incidents service
    (503 when it cannot be reached: nothing is recorded)."""
    until = datetime.now(UTC).replace(microsecond=0)
    # The candidates are read and the draw written in two short sessions: incidents is asked in
    # between, and a slow incidents service must not hold this service's connections.
    async with database.session() as session:
        plan = await draw_service.plan_draw(session, body, principal)
    counts = None
    if body.hot_spot is not None:
        counts = await draw_service.count_incidents(incidents, plan.units, body.hot_spot, until)
    async with database.session() as session:
        keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
        if (replayed := await keyed.replay(response)) is not None:
            return replayed
        spot_draw = await draw_service.record_draw(session, plan, body, counts, until, principal)
        out = present_draw(spot_draw)
        await keyed.record(out, status_code=201)
    response.headers["Location"] = f"/v1/draws/{spot_draw.id}"
    return out


@router.get(
    "/{draw_id}",
    name="assessment_draws_get",
    summary="Read a spot-check draw (抽查记录)",
    response_model=DrawOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_draw(draw_id: uuid.UUID, session: SessionDep, principal: DrawReaderDep) -> DrawOut:
    """The draw's seed, candidates, rule and selection: everything needed to recompute it
    (`python -m assessment.inspections.draws draw.json`)."""
    return present_draw(await draw_service.visible_draw(session, principal, draw_id))


@router.post(
    "/{draw_id}/draw",
    name="assessment_draws_draw",
    summary="Draw (抽取): compute the selection from the recorded seed and candidates",
    response_model=DrawOut,
    responses=problem_responses(401, 403, 404, 409),
)
async def make_draw(draw_id: uuid.UUID, session: SessionDep, principal: DrawerDep) -> DrawOut:
    """Compute the selection, once (409 afterwards): the units with the largest keys."""
    return present_draw(await draw_service.make_draw(session, principal, draw_id))


@router.get(
    "/{draw_id}/verify",
    name="assessment_draws_verify",
    summary="Recompute a draw (抽查复核) from its seed and candidates",
    response_model=DrawVerification,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def verify_draw(
    draw_id: uuid.UUID, session: SessionDep, principal: DrawReaderDep
) -> DrawVerification:
    """Recompute the selection from the recorded seed and candidates and compare it with the
    recorded one; 409 before the draw is drawn."""
    spot_draw = await draw_service.visible_draw(session, principal, draw_id)
    if spot_draw.selected is None:
        raise ProblemError(409, "draw-not-drawn", "the draw has not been drawn yet")
    candidates = draws.candidates_from(spot_draw.candidates)
    recomputed = draws.draw(spot_draw.seed, candidates, spot_draw.size)
    return DrawVerification(
        draw_id=spot_draw.id,
        seed_sha256=draws.seed_digest(spot_draw.seed),
        candidates_sha256=draws.candidates_digest(candidates),
        selected=[uuid.UUID(s) for s in spot_draw.selected],
        recomputed=[uuid.UUID(s) for s in recomputed],
        matches=recomputed == list(spot_draw.selected),
    )
