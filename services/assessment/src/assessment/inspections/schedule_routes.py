"""`/v1/inspection-schedules`: regular inspection schedules (定期检查计划)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from assessment.inspections import schedules
from assessment.inspections.access import DrawerDep, DrawReaderDep
from assessment.inspections.draw_schemas import ScheduleCreate, ScheduleOut
from assessment.inspections.models import InspectionSchedule
from assessment.inspections.paging import keyset
from assessment.tables import idempotency_keys
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/inspection-schedules", tags=["inspections"])
CREATE = "assessment_schedules_create"


def present_schedule(schedule: InspectionSchedule) -> ScheduleOut:
    """A schedule as stored."""
    return ScheduleOut.model_validate(schedule, from_attributes=True)


@router.post(
    "",
    name=CREATE,
    summary="Plan a regular inspection (定期检查计划)",
    status_code=201,
    response_model=ScheduleOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_schedule(
    body: ScheduleCreate,
    session: SessionDep,
    principal: DrawerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """The assessment office plans regular inspections of a unit kind in an area, every
    `every_days` days from `next_due`; the inspectors are told the day before each due date."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    schedule = await schedules.create_schedule(session, body, principal)
    out = present_schedule(schedule)
    response.headers["Location"] = f"/v1/inspection-schedules?round_id={schedule.round_id}"
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="assessment_schedules_list",
    summary="List regular inspection schedules (定期检查计划列表)",
    response_model=Page[ScheduleOut],
    responses=problem_responses(401, 403, 422),
)
async def list_schedules(
    session: SessionDep,
    principal: DrawReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    round_id: uuid.UUID | None = None,
) -> Page[ScheduleOut]:
    """Schedules whose area meets the caller's areas, ordered by area code."""
    after = keyset(page, str)
    rows = await schedules.list_schedules(session, principal.areas, round_id, after, page.limit + 1)
    shown = rows[: page.limit]
    next_cursor = None
    if len(rows) > page.limit:
        next_cursor = encode_cursor([shown[-1].area_code, str(shown[-1].id)])
    return Page[ScheduleOut](items=[present_schedule(s) for s in shown], next_cursor=next_cursor)
