"""`/v1/rounds`: create, read and list rounds; compute, publish and correct them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.deps import IncidentsDep
from assessment.rounds import access, service
from assessment.rounds.access import OfficeDep, ReaderDep
from assessment.rounds.compute import compute_round, paused_gc, prepare
from assessment.rounds.models import Bulletin, RoundStatus
from assessment.rounds.presenter import present_bulletin
from assessment.rounds.publish import correct_round, publish_round
from assessment.rounds.schemas import (
    BulletinOut,
    ComputeOut,
    CorrectionIn,
    PublishIn,
    RoundCreate,
    RoundOut,
)
from assessment.tables import idempotency_keys
from pingan_shared.concurrency import set_etag
from pingan_shared.db import Database, DatabaseDep, SessionDep, driver_connection
from pingan_shared.errors import field_error, problem_responses
from pingan_shared.idempotency import (
    IdempotencyKeyHeader,
    KeyedCreate,
    replay_stored,
    request_hash,
)
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/rounds", tags=["rounds"])
CREATE = "assessment_rounds_create"
PUBLISH = "assessment_rounds_publish"
CORRECT = "assessment_rounds_correct"
INCIDENTS_ERRORS = (502, 503)


@router.post(
    "",
    name=CREATE,
    summary="Open an assessment round (开展考核)",
    status_code=201,
    response_model=RoundOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_round(
    body: RoundCreate,
    session: SessionDep,
    principal: OfficeDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """A round of a scheme version over an area and a period. The scheme version is locked from
    now on: it never changes again (a change is a new version)."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    assessment_round, scheme = await service.create_round(session, body, principal)
    out = service.present_round(assessment_round, scheme)
    response.headers["Location"] = f"/v1/rounds/{out.id}"
    set_etag(response, out.version)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="assessment_rounds_list",
    summary="List assessment rounds (考核轮次列表)",
    response_model=Page[RoundOut],
    responses=problem_responses(401, 403, 422),
)
async def list_rounds(
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    status: Annotated[RoundStatus | None, Query(description="open, computed, published")] = None,
) -> Page[RoundOut]:
    """Rounds whose area overlaps the caller's areas, newest period first."""
    after = None
    if page.after is not None:
        after = _cursor(page.after)
    rows = await service.list_rounds(
        session, principal, status=status, after=after, limit=page.limit + 1
    )
    shown = rows[: page.limit]
    next_cursor = None
    if len(rows) > page.limit:
        last = shown[-1][0]
        next_cursor = encode_cursor([last.period_start.isoformat(), str(last.id)])
    return Page[RoundOut](
        items=[service.present_round(r, s) for r, s in shown], next_cursor=next_cursor
    )


def _cursor(key: list[Any]) -> tuple[date, uuid.UUID]:
    try:
        return date.fromisoformat(key[0]), uuid.UUID(key[1])
    except (IndexError, TypeError, ValueError):
        raise field_error("query.cursor", "not a cursor this service issued") from None


@router.get(
    "/{round_id}",
    name="assessment_rounds_get",
    summary="Read an assessment round (考核轮次详情)",
    response_model=RoundOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_round(
    round_id: uuid.UUID, session: SessionDep, principal: ReaderDep, response: Response
) -> RoundOut:
    """One round; 404 when it does not exist or lies outside the caller's areas."""
    assessment_round, scheme = await access.visible_round(session, principal, round_id)
    set_etag(response, assessment_round.version)
    return service.present_round(assessment_round, scheme)


@router.post(
    "/{round_id}/compute",
    name="assessment_rounds_compute",
    summary="Compute a round's scores and ranks (计算得分)",
    response_model=ComputeOut,
    responses=problem_responses(401, 403, 404, 409, 422, *INCIDENTS_ERRORS),
)
async def compute(
    round_id: uuid.UUID,
    database: DatabaseDep,
    principal: OfficeDep,
    incidents: IncidentsDep,
    response: Response,
) -> ComputeOut:
    """Score every unit of the round from its confirmed findings, rectifications, hand scores,
    bonuses, confirmed vetoes, surveys, and the incidents and patrol hours of its area (asked of
    the incidents service: 503 when it cannot be reached, never a silent zero); rank units within
    their kind and area. Repeatable until the round is published (409 after)."""
    assessment_round, scheme, counts = await compute_round(database, incidents, principal, round_id)
    set_etag(response, assessment_round.version)
    return ComputeOut(round=service.present_round(assessment_round, scheme), **counts)


@router.post(
    "/{round_id}/publish",
    name=PUBLISH,
    summary="Publish a round as a bulletin (发布通报)",
    status_code=201,
    response_model=BulletinOut,
    responses=problem_responses(401, 403, 404, 409, 422, *INCIDENTS_ERRORS),
)
async def publish(
    round_id: uuid.UUID,
    body: PublishIn,
    database: DatabaseDep,
    principal: OfficeDep,
    incidents: IncidentsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Compute the round afresh and freeze it as bulletin version 1: scores, ranks, ratings,
    commendations (表彰), deductions carried into the annual assessment, accountability (追责)
    for confirmed vetoes. Units and their leaders are told; sealed covert inspections are
    revealed. Once published, a change is a correction (409 here)."""
    keyed = Keyed(principal.sub, PUBLISH, idempotency_key, body)
    if (replayed := await _replayed(database, response, keyed)) is not None:
        return replayed
    prepared = await prepare(database, incidents, principal, round_id)

    async def make(session: AsyncSession) -> Bulletin:
        return await publish_round(session, principal, round_id, prepared, body)

    return await _new_version(database, response, keyed, round_id, make)


@router.post(
    "/{round_id}/corrections",
    name=CORRECT,
    summary="Correct a published round (通报更正)",
    status_code=201,
    response_model=BulletinOut,
    responses=problem_responses(401, 403, 404, 409, 422, *INCIDENTS_ERRORS),
)
async def correct(
    round_id: uuid.UUID,
    body: CorrectionIn,
    database: DatabaseDep,
    principal: OfficeDep,
    incidents: IncidentsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Apply hand scores, bonus awards and veto decisions to a published round, recompute it and
    publish the next bulletin version with the reason and the units it changed; earlier versions
    stay readable. Units whose result changed, and their leaders, are told."""
    keyed = Keyed(principal.sub, CORRECT, idempotency_key, body)
    if (replayed := await _replayed(database, response, keyed)) is not None:
        return replayed
    prepared = await prepare(database, incidents, principal, round_id, published=True)

    async def make(session: AsyncSession) -> Bulletin:
        return await correct_round(session, principal, round_id, prepared, body)

    return await _new_version(database, response, keyed, round_id, make)


@dataclass(frozen=True)
class Keyed:
    """Who asks for which operation under which Idempotency-Key, with what body."""

    principal: str
    operation: str
    key: str | None
    body: BaseModel


async def _replayed(database: Database, response: Response, keyed: Keyed) -> Any | None:
    """The first answer to a retried request, looked up before incidents is asked (and before
    the round, published by the first request, would refuse it)."""
    if keyed.key is None:
        return None
    async with database.session() as session:
        stored = await idempotency_keys.peek(
            await driver_connection(session),
            principal=keyed.principal,
            operation=keyed.operation,
            key=keyed.key,
            body_hash=request_hash(keyed.body),
        )
    return replay_stored(stored, response) if stored is not None else None


async def _new_version(
    database: Database,
    response: Response,
    keyed: Keyed,
    round_id: uuid.UUID,
    make: Callable[[AsyncSession], Awaitable[Bulletin]],
) -> Any:
    """Make a bulletin version in one transaction with its Idempotency-Key (a retry gets the
    first answer)."""
    async with database.session() as session:
        create = KeyedCreate(
            idempotency_keys, session, keyed.principal, keyed.operation, keyed.key, keyed.body
        )
        if (replayed := await create.replay(response)) is not None:
            return replayed
        with paused_gc():
            bulletin = await make(session)
        out = present_bulletin(bulletin)
        response.headers["Location"] = f"/v1/rounds/{round_id}/bulletins/{bulletin.version}"
        await create.record(out, status_code=201)
    return out
