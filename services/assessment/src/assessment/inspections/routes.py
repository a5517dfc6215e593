"""`/v1/inspections` and `/v1/findings`: record inspections and their findings, submit them
(covert ones sealed), read them, and confirm findings with a second pair of eyes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from assessment.inspections import findings as finding_service
from assessment.inspections import repository, service
from assessment.inspections.access import ConfirmerDep, ReaderDep, RecorderDep
from assessment.inspections.models import InspectionKind, InspectionStatus
from assessment.inspections.paging import keyset
from assessment.inspections.presenter import present_finding, present_inspection
from assessment.inspections.repository import InspectionFilter
from assessment.inspections.schemas import (
    KIND_DESCRIPTION,
    FindingConfirm,
    FindingCreate,
    FindingOut,
    InspectionCreate,
    InspectionOut,
)
from assessment.tables import idempotency_keys
from pingan_shared.auth import effective_areas
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(tags=["inspections"])
CREATE = "assessment_inspections_create"
ADD_FINDING = "assessment_findings_create"


@router.post(
    "/v1/inspections",
    name=CREATE,
    summary="Record an inspection (录入检查): regular 定期, spot 抽查, open 明查, covert 暗访",
    status_code=201,
    response_model=InspectionOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_inspection(
    body: InspectionCreate,
    session: SessionDep,
    principal: RecorderDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record a visit as a draft: a spot inspection names the draw that selected the unit, a
    regular one its schedule; a re-inspection (复查) is done by other inspectors than the first.
    An inspector must be one of the inspectors recorded."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    inspection = await service.create_inspection(session, body, principal)
    out = present_inspection(inspection, [], principal)
    response.headers["Location"] = f"/v1/inspections/{inspection.id}"
    set_etag(response, inspection.version)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "/v1/inspections",
    name="assessment_inspections_list",
    summary="List inspections (检查列表)",
    response_model=Page[InspectionOut],
    responses=problem_responses(401, 403, 422),
)
async def list_inspections(
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    round_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    kind: Annotated[InspectionKind | None, Query(description=KIND_DESCRIPTION)] = None,
    status: InspectionStatus | None = None,
    area: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only units inside this area code")
    ] = None,
) -> Page[InspectionOut]:
    """Inspections of units in the caller's areas, newest recorded first, without findings;
    sealed covert ones as placeholders. A unit contact sees its own unit's submitted ones."""
    after = keyset(page, datetime.fromisoformat)
    wanted = InspectionFilter(round_id=round_id, unit_id=unit_id, kind=kind, status=status)
    prefixes = effective_areas(area, principal.areas)
    rows = await service.list_visible(
        session, principal, prefixes, wanted, after=after, limit=page.limit + 1
    )
    shown = rows[: page.limit]
    next_cursor = None
    if len(rows) > page.limit:
        last = shown[-1]
        next_cursor = encode_cursor([last.created_at, str(last.id)])
    items = [present_inspection(i, None, principal) for i in shown]
    return Page[InspectionOut](items=items, next_cursor=next_cursor)


@router.get(
    "/v1/inspections/{inspection_id}",
    name="assessment_inspections_get",
    summary="Read an inspection and its findings (检查详情)",
    response_model=InspectionOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_inspection(
    inspection_id: uuid.UUID, session: SessionDep, principal: ReaderDep, response: Response
) -> InspectionOut:
    """One inspection with its findings; a sealed covert one as a placeholder."""
    inspection, _ = await service.visible_inspection(session, principal, inspection_id)
    findings = await repository.findings_of(session, [inspection.id])
    set_etag(response, inspection.version)
    return present_inspection(inspection, findings, principal)


@router.post(
    "/v1/inspections/{inspection_id}/findings",
    name=ADD_FINDING,
    summary="Record a finding (录入检查发现) on an indicator",
    status_code=201,
    response_model=FindingOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_finding(
    inspection_id: uuid.UUID,
    body: FindingCreate,
    session: SessionDep,
    principal: RecorderDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Add a finding to a draft inspection the caller takes part in. The indicator must be in
    the round's scheme, measured by findings and apply to the unit's kind; the deduction is
    faults × the rule's points per fault, never beyond the indicator's maximum (扣完为止)."""
    keyed = KeyedCreate(
        idempotency_keys, session, principal.sub, ADD_FINDING, idempotency_key, body
    )
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    finding = await finding_service.add_finding(session, principal, inspection_id, body)
    out = present_finding(finding)
    await keyed.record(out, status_code=201)
    return out


@router.post(
    "/v1/inspections/{inspection_id}/submit",
    name="assessment_inspections_submit",
    summary="Submit an inspection (提交检查); a covert one is sealed (暗访结果密封)",
    response_model=InspectionOut,
    responses=problem_responses(401, 403, 404, 409, 412, 428),
)
async def submit_inspection(
    inspection_id: uuid.UUID,
    session: SessionDep,
    principal: RecorderDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> InspectionOut:
    """Make the draft final (send `If-Match` with its version). Its findings then await a second
    person's confirmation; a covert inspection's result is committed to by a hash."""
    inspection, findings = await service.submit_inspection(
        session, principal, inspection_id, if_match
    )
    set_etag(response, inspection.version)
    return present_inspection(inspection, findings, principal)


@router.post(
    "/v1/findings/{finding_id}/confirm",
    name="assessment_findings_confirm",
    summary="Confirm a finding (复核确认, 四眼原则) and open its rectification (整改)",
    response_model=FindingOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def confirm_finding(
    finding_id: uuid.UUID, body: FindingConfirm, session: SessionDep, principal: ConfirmerDep
) -> FindingOut:
    """The assessment office confirms a submitted finding; never its author nor one of the
    inspection's inspectors (403). The finding then counts, and a rectification with the given
    deadline opens for the unit."""
    finding = await finding_service.confirm_finding(session, principal, finding_id, body)
    return present_finding(finding)
