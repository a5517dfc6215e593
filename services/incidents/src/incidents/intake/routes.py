"""`POST /v1/incidents` and `GET /v1/incidents/{id}`."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response

from incidents.deps import ReaderDep, ReporterDep
from incidents.duplicates.service import possible_duplicates
from incidents.intake import repository, service
from incidents.intake.fast import catalogue_cache, report_at_once
from incidents.intake.presenter import present_incident
from incidents.intake.schemas import IncidentCreate, IncidentOut
from incidents.intake.service import Reported, Respond
from incidents.intake.writes import Claim
from incidents.privacy.reads import phone_shown, record_phone_reads
from incidents.tables import idempotency_keys
from pingan_shared.concurrency import etag, set_etag
from pingan_shared.db import Database, SessionDep
from pingan_shared.errors import not_found, problem_responses
from pingan_shared.idempotency import (
    IdempotencyKeyHeader,
    StoredResponse,
    replay_stored,
    request_hash,
)

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])
CREATE = "incidents_create"


@router.post(
    "",
    name=CREATE,
    summary="Report an incident (警情上报)",
    status_code=201,
    response_model=IncidentOut,
    responses={
        200: {"description": "A county system's repeated push: the incident made before"},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_incident(
    body: IncidentCreate,
    request: Request,
    principal: ReporterDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record a report from a patrol member, police office, community staff or county system.

    The on-duty contacts of the area hear of it. With an `Idempotency-Key`, a retry returns the
    first response; a county system's `external_ref` makes a repeated push return the same incident.
    """
    claim = None
    if idempotency_key is not None:
        claim = Claim(principal.sub, CREATE, idempotency_key, request_hash(body))
    respond = partial(present_incident, principal=principal)
    database: Database = request.app.state.database
    if body.external_ref is None:
        cache = catalogue_cache(request.app.state)
        outcome = await report_at_once(database, cache, body, principal, claim, respond)
        return _answer(outcome, response)
    async with database.transaction() as conn:
        outcome = await service.report(conn, body, principal, claim, respond)
        if isinstance(outcome, Reported) and not outcome.created and idempotency_key:
            # A repeated push: the key keeps the answer naming the incident made before.
            await idempotency_keys.complete(
                conn,
                principal=principal.sub,
                operation=CREATE,
                key=idempotency_key,
                status_code=200,
                body=respond(outcome.incident, outcome.category_name).model_dump(mode="json"),
            )
    return _answer(outcome, response, respond)


def _answer(
    outcome: Reported | StoredResponse, response: Response, respond: Respond | None = None
) -> Response | Any:
    if isinstance(outcome, StoredResponse):
        return replay_stored(outcome, response)
    incident = outcome.incident
    headers = {"Location": f"/v1/incidents/{incident.id}", "ETag": etag(incident.version)}
    if outcome.created and outcome.answer is not None:
        # The answer the key keeps, serialised once: FastAPI need not check and dump it again.
        return Response(outcome.answer, 201, headers, media_type="application/json")
    assert respond is not None
    out = respond(outcome.incident, outcome.category_name)
    return Response(out.model_dump_json(), 200, headers, media_type="application/json")


@router.get(
    "/{incident_id}",
    name="incidents_get",
    summary="Read an incident (警情详情)",
    response_model=IncidentOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_incident(
    incident_id: uuid.UUID, session: SessionDep, principal: ReaderDep, response: Response
) -> IncidentOut:
    """One incident; 404 when it does not exist or lies outside the caller's areas."""
    incident = await repository.get_incident(session, incident_id)
    if incident is None or not principal.can_see(incident.area_code):
        raise not_found("incident")
    set_etag(response, incident.version)
    name = await repository.category_name(session, incident.category)
    out = present_incident(incident, name, principal)
    out.possible_duplicates = await possible_duplicates(session, incident.id, principal)
    if out.reporter is not None and phone_shown(incident.reporter_phone, out.reporter.phone):
        await record_phone_reads(session, principal, [incident.id], "incidents_get")
    return out
