"""`/v1/rectifications`: the rectifications (整改) confirmed findings open, the units' answers and
the re-inspections' verdicts."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from assessment.inspections import rectification_repository as repository
from assessment.inspections import rectifications as service
from assessment.inspections.access import AnswererDep, ReaderDep, VerdictDep, is_office
from assessment.inspections.models import RectificationStatus
from assessment.inspections.paging import keyset
from assessment.inspections.presenter import present_rectification
from assessment.inspections.rectification_repository import RectificationFilter
from assessment.inspections.rectification_schemas import (
    RectificationAnswer,
    RectificationOut,
    RectificationVerdict,
)
from assessment.units.service import own_unit_id, reads_only_own_unit
from pingan_shared.auth import effective_areas
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/rectifications", tags=["rectifications"])


@router.get(
    "",
    name="assessment_rectifications_list",
    summary="List rectifications (整改列表)",
    response_model=Page[RectificationOut],
    responses=problem_responses(401, 403, 422),
)
async def list_rectifications(
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    status: RectificationStatus | None = None,
    unit_id: uuid.UUID | None = None,
    round_id: uuid.UUID | None = None,
) -> Page[RectificationOut]:
    """Rectifications of units in the caller's areas, nearest deadline first; a unit contact
    sees its own unit's. Those of covert inspections appear once the bulletin reveals them."""
    after = keyset(page, date.fromisoformat)
    only_unit = None
    if reads_only_own_unit(principal):
        only_unit = own_unit_id(principal)
        if only_unit is None:
            return Page[RectificationOut](items=[])
    rows = await repository.list_rows(
        session,
        effective_areas(None, principal.areas),
        RectificationFilter(status=status, unit_id=unit_id, round_id=round_id),
        office=is_office(principal),
        only_unit=only_unit,
        after=after,
        limit=page.limit + 1,
    )
    shown = rows[: page.limit]
    next_cursor = None
    if len(rows) > page.limit:
        last = shown[-1][0]
        next_cursor = encode_cursor([last.deadline.isoformat(), str(last.id)])
    return Page[RectificationOut](
        items=[present_rectification(r) for r in shown], next_cursor=next_cursor
    )


@router.get(
    "/{rectification_id}",
    name="assessment_rectifications_get",
    summary="Read a rectification (整改详情)",
    response_model=RectificationOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_rectification(
    rectification_id: uuid.UUID, session: SessionDep, principal: ReaderDep, response: Response
) -> RectificationOut:
    """One rectification; 404 for another unit's, outside the caller's areas, or sealed."""
    row = await service.visible_rectification(session, principal, rectification_id)
    set_etag(response, row[0].version)
    return present_rectification(row)


@router.post(
    "/{rectification_id}/answer",
    name="assessment_rectifications_answer",
    summary="Answer a rectification (整改答复): what the unit did",
    response_model=RectificationOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def answer_rectification(
    rectification_id: uuid.UUID,
    body: RectificationAnswer,
    session: SessionDep,
    principal: AnswererDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RectificationOut:
    """The unit's contact says what was done, with evidence (send `If-Match`); the
    rectification then awaits a re-inspection."""
    row = await service.answer(session, principal, rectification_id, body, if_match)
    set_etag(response, row[0].version)
    return present_rectification(row)


@router.post(
    "/{rectification_id}/verdict",
    name="assessment_rectifications_verdict",
    summary="Record a re-inspection's verdict (复查结论): closed 已整改 or unfixed 整改不到位",
    response_model=RectificationOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def rectification_verdict(
    rectification_id: uuid.UUID,
    body: RectificationVerdict,
    session: SessionDep,
    principal: VerdictDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RectificationOut:
    """An inspector of the re-inspection (or the office) closes the rectification or finds it
    unfixed; unfixed, the scoring multiplies the finding's deduction (send `If-Match`)."""
    row = await service.decide(session, principal, rectification_id, body, if_match)
    set_etag(response, row[0].version)
    return present_rectification(row)
