"""`POST /v1/incidents/{id}/actions` (every transition) and `GET /v1/incidents/{id}/timeline`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Response

from incidents.deps import ReaderDep
from incidents.intake import repository as intake
from incidents.privacy.reads import phone_shown, record_phone_reads
from incidents.workflow import repository, service
from incidents.workflow.dispatch import OnDutyLookupDep
from incidents.workflow.presenter import present_entry, present_workflow_incident
from incidents.workflow.schemas import (
    ACTION_EXAMPLES,
    ActionBody,
    TimelineEntryOut,
    WorkflowIncidentOut,
)
from incidents.workflow.transitions import ACTORS
from pingan_shared.auth import Principal, require_roles
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, problem_responses
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/incidents", tags=["workflow"])
ActorDep = Annotated[Principal, Depends(require_roles(*ACTORS))]


@router.post(
    "/{incident_id}/actions",
    name="workflow_act",
    summary="Take a handling action (受理 · 分拨 · 处置 · 办结 · 重办 · 督办 · 评价)",
    response_model=WorkflowIncidentOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def act(
    incident_id: uuid.UUID,
    body: Annotated[ActionBody, Body(openapi_examples=ACTION_EXAMPLES)],
    session: SessionDep,
    principal: ActorDep,
    response: Response,
    lookup: OnDutyLookupDep,
    if_match: IfMatchHeader = None,
) -> WorkflowIncidentOut:
    """Move an incident through its handling: accept, reject (with a reason), merge into a
    parent, dispatch (`"target": "auto"` picks the team on duty; again to reassign), start,
    resolve (with a note), close, reopen, rate (1–5 stars, once), supervise (督办).

    Send `If-Match` with the version you read (412 when it is stale, 428 without it); the answer
    carries the new version as its ETag. 409 names the current state and the actions it allows;
    403 when your role may not take the action; 404 outside your areas.
    """
    incident, handling = await service.apply_action(
        session, incident_id, body, principal, if_match, lookup=lookup
    )
    set_etag(response, incident.version)
    name = await intake.category_name(session, incident.category)
    kind = await service.acting_target_kind(session, principal, handling)
    out = present_workflow_incident(incident, handling, name, principal, kind)
    if out.reporter is not None and phone_shown(incident.reporter_phone, out.reporter.phone):
        await record_phone_reads(session, principal, [incident.id], "workflow_act")
    return out


@router.get(
    "/{incident_id}/timeline",
    name="workflow_timeline",
    summary="Read an incident's timeline (处置记录)",
    response_model=Page[TimelineEntryOut],
    responses=problem_responses(401, 403, 404, 422),
)
async def timeline(
    incident_id: uuid.UUID,
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[TimelineEntryOut]:
    """Every step of the incident's handling in order: who, when, from which state to which,
    and the note. Append-only."""
    await service.visible_incident(session, incident_id, principal)
    after = page.after[0] if page.after else None
    if after is not None and type(after) is not int:
        raise field_error("query.cursor", "not a cursor this service issued")
    entries = await repository.list_timeline(
        session, incident_id, after=after, limit=page.limit + 1
    )
    items = [present_entry(e, principal) for e in entries[: page.limit]]
    next_cursor = encode_cursor([items[-1].id]) if len(entries) > page.limit else None
    return Page[TimelineEntryOut](items=items, next_cursor=next_cursor)
