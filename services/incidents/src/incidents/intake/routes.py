"""`POST /v1/incidents` and `GET /v1/incidents/{id}`."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response

from incidents.deps import ReaderDep, ReporterDep
from incidents.intake import repository, service
from incidents.intake.presenter import present_incident
from incidents.intake.schemas import IncidentCreate, IncidentOut
from incidents.tables import idempotency_keys
from pingan_shared.concurrency import set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import not_found, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate

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
    session: SessionDep,
    principal: ReporterDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record a report from a patrol member, police office, community staff or county system.

    The on-duty contacts of the area hear of it. With an `Idempotency-Key`, a retry returns the
    first response; a county system's `external_ref` makes a repeated push return the same incident.
    """
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    incident, created = await service.report_incident(session, body, principal)
    names = await repository.category_names(session)
    out = present_incident(incident, names[incident.category], principal)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/incidents/{incident.id}"
    set_etag(response, incident.version)
    await keyed.record(out, status_code=response.status_code)
    return out


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
    names = await repository.category_names(session)
    set_etag(response, incident.version)
    return present_incident(incident, names[incident.category], principal)
