"""`/v1/patrols/shifts` and `/v1/patrols/on-duty`: shifts (班次) and who is on duty (在岗)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from incidents.areas import repository as areas
from incidents.patrols.access import ManagerDep, PatrolReaderDep, own_team_ids
from incidents.patrols.models import PatrolShift
from incidents.patrols.paging import next_cursor, read_cursor
from incidents.patrols.shifts import repository, service
from incidents.patrols.shifts.duty import on_duty
from incidents.patrols.shifts.presenter import present_on_duty, present_shift
from incidents.patrols.shifts.schemas import (
    MaterialiseOut,
    MaterialiseRequest,
    OnDutyOut,
    ShiftCreate,
    ShiftOut,
)
from incidents.patrols.times import utc
from incidents.tables import idempotency_keys
from pingan_shared.auth import effective_areas
from pingan_shared.db import SessionDep
from pingan_shared.errors import not_found, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/v1/patrols", tags=["patrols"])
CREATE = "patrols_shift_create"
AreaCode = Annotated[str, Query(pattern=r"^\d{6,20}$", description="Area code")]


@router.post(
    "/shifts",
    name=CREATE,
    summary="Put a team on a shift (新建班次)",
    status_code=201,
    response_model=ShiftOut,
    responses=problem_responses(401, 403, 422),
)
async def create_shift(
    body: ShiftCreate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """A team on duty over an area (or a route in it) from `starts_at` to `ends_at` (≤ 24 h)."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    out = present_shift(await service.create_shift(session, body, principal))
    response.headers["Location"] = f"/v1/patrols/shifts/{out.id}"
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "/shifts",
    name="patrols_shift_list",
    summary="List shifts (班次列表)",
    response_model=Page[ShiftOut],
    responses=problem_responses(401, 403, 422),
)
async def list_shifts(
    session: SessionDep,
    principal: PatrolReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    area: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only shifts inside this area")
    ] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Only this team's shifts")] = None,
    period_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="Shifts ending after this")
    ] = None,
    period_to: Annotated[
        AwareDatetime | None, Query(alias="to", description="Shifts starting before this")
    ] = None,
    include_cancelled: bool = False,
) -> Page[ShiftOut]:
    """Shifts in the caller's areas (a patrol member: their teams'), by start time."""
    teams = await own_team_ids(session, principal)
    if team_id is not None:
        teams = {team_id} if teams is None else {team_id} & teams
    shifts = await repository.list_shifts(
        session,
        effective_areas(area, principal.areas),
        team_ids=teams,
        start=period_from,
        end=period_to,
        include_cancelled=include_cancelled,
        after=read_cursor(page.after, (datetime, uuid.UUID)),
        limit=page.limit + 1,
    )

    def key(shift: PatrolShift) -> tuple[str, uuid.UUID]:
        return (shift.starts_at.isoformat(), shift.id)

    return Page(
        items=[present_shift(s) for s in shifts[: page.limit]],
        next_cursor=next_cursor(shifts, page.limit, key),
    )


@router.get(
    "/shifts/{shift_id}",
    name="patrols_shift_get",
    summary="Read a shift (班次详情)",
    response_model=ShiftOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_shift(
    shift_id: uuid.UUID, session: SessionDep, principal: PatrolReaderDep
) -> ShiftOut:
    """One shift; 404 outside the caller's areas or teams."""
    return present_shift(await service.visible_shift(session, principal, shift_id))


@router.post(
    "/shifts/{shift_id}/cancel",
    name="patrols_shift_cancel",
    summary="Cancel a shift (取消班次)",
    response_model=ShiftOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def cancel_shift(shift_id: uuid.UUID, session: SessionDep, principal: ManagerDep) -> ShiftOut:
    """Cancel a shift (again: no change). It stays listed as cancelled and its schedule does not
    make it again."""
    return present_shift(await service.cancel_shift(session, shift_id, principal))


@router.post(
    "/shifts/materialise",
    name="patrols_shift_materialise",
    summary="Make the next days' shifts from the weekly schedules (生成班次)",
    response_model=MaterialiseOut,
    responses=problem_responses(401, 403, 422),
)
async def materialise(
    session: SessionDep, principal: ManagerDep, body: MaterialiseRequest | None = None
) -> MaterialiseOut:
    """Make the shifts of the schedules in the caller's areas for the next `days` days; shifts
    made before are not made again (the worker does this daily too)."""
    now = datetime.now(UTC)
    until = now + timedelta(days=(body or MaterialiseRequest()).days)
    created = await service.materialise_shifts(
        session, until, since=now, area_prefixes=list(principal.areas)
    )
    return MaterialiseOut(created=created, until=until)


@router.get(
    "/on-duty",
    name="patrols_on_duty",
    summary="Who is on duty in an area at a moment (在岗查询)",
    response_model=OnDutyOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def who_is_on_duty(
    session: SessionDep,
    principal: PatrolReaderDep,
    area: AreaCode,
    at: Annotated[AwareDatetime | None, Query(description="The moment; now by default")] = None,
    include_inside: Annotated[
        bool, Query(description="Also teams on shifts over areas inside `area`")
    ] = False,
) -> OnDutyOut:
    """Teams whose shift covers `at` (start ≤ at < end) over `area` or an area containing it,
    most local first, with leader and members."""
    found = await areas.get_area(session, area)
    if found is None or not principal.can_see(found.code):
        raise not_found("area")
    moment = at or datetime.now(UTC)
    teams = await on_duty(session, found.code, moment, include_inside=include_inside)
    own = await own_team_ids(session, principal)
    return OnDutyOut(
        area_code=found.code,
        at=utc(moment),
        teams=[present_on_duty(t, principal) for t in teams if own is None or t.team_id in own],
    )
