"""`/v1/patrols/schedules`: weekly schedules (排班) that make shifts."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from incidents.patrols.access import ManagerDep, PatrolReaderDep, own_team_ids
from incidents.patrols.models import PatrolSchedule
from incidents.patrols.paging import next_cursor, read_cursor
from incidents.patrols.shifts import repository, service
from incidents.patrols.shifts.presenter import present_schedule
from incidents.patrols.shifts.schemas import ScheduleCreate, ScheduleOut, ScheduleUpdate
from incidents.tables import idempotency_keys
from pingan_shared.auth import effective_areas
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/v1/patrols/schedules", tags=["patrols"])
CREATE = "patrols_schedule_create"


@router.post(
    "",
    name=CREATE,
    summary="Create a weekly schedule (新建排班)",
    status_code=201,
    response_model=ScheduleOut,
    responses=problem_responses(401, 403, 422),
)
async def create_schedule(
    body: ScheduleCreate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """A team's weekly shifts in the business time zone's local time (Asia/Shanghai unless configured); the next two weeks' shifts are made
    at once, later ones by the worker each day."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    schedule = await service.create_schedule(session, body, principal)
    out = present_schedule(schedule)
    response.headers["Location"] = f"/v1/patrols/schedules/{schedule.id}"
    set_etag(response, schedule.version)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="patrols_schedule_list",
    summary="List weekly schedules (排班列表)",
    response_model=Page[ScheduleOut],
    responses=problem_responses(401, 403, 422),
)
async def list_schedules(
    session: SessionDep,
    principal: PatrolReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    area: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only schedules inside this area")
    ] = None,
) -> Page[ScheduleOut]:
    """Schedules in the caller's areas (a patrol member: their teams'), by area."""
    schedules = await repository.list_schedules(
        session,
        effective_areas(area, principal.areas),
        team_ids=await own_team_ids(session, principal),
        after=read_cursor(page.after, (str, uuid.UUID)),
        limit=page.limit + 1,
    )

    def key(schedule: PatrolSchedule) -> tuple[str, uuid.UUID]:
        return (schedule.area_code, schedule.id)

    return Page(
        items=[present_schedule(s) for s in schedules[: page.limit]],
        next_cursor=next_cursor(schedules, page.limit, key),
    )


@router.get(
    "/{schedule_id}",
    name="patrols_schedule_get",
    summary="Read a weekly schedule (排班详情)",
    response_model=ScheduleOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_schedule(
    schedule_id: uuid.UUID, session: SessionDep, principal: PatrolReaderDep, response: Response
) -> ScheduleOut:
    """One schedule; 404 outside the caller's areas or teams."""
    schedule = await service.visible_schedule(session, principal, schedule_id)
    set_etag(response, schedule.version)
    return present_schedule(schedule)


@router.patch(
    "/{schedule_id}",
    name="patrols_schedule_update",
    summary="End or pause a weekly schedule (修改排班)",
    response_model=ScheduleOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
)
async def update_schedule(
    schedule_id: uuid.UUID,
    body: ScheduleUpdate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ScheduleOut:
    """Set `valid_to` or `active` at the version named by `If-Match`; shifts not yet started
    are made again to match."""
    schedule = await service.update_schedule(session, schedule_id, body, if_match, principal)
    set_etag(response, schedule.version)
    return present_schedule(schedule)
