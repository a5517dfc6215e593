"""`/v1/patrols/guard-points`: fixed guard points (保安守点) and their guards."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from incidents.patrols.access import ManagerDep, PatrolReaderDep, own_team_ids
from incidents.patrols.guard_points import repository, service
from incidents.patrols.guard_points.presenter import present_guard_point
from incidents.patrols.guard_points.schemas import (
    GuardPointCreate,
    GuardPointOut,
    GuardPointUpdate,
)
from incidents.patrols.models import GuardPoint
from incidents.patrols.paging import next_cursor, read_cursor
from incidents.tables import idempotency_keys
from pingan_shared.auth import effective_areas
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/v1/patrols/guard-points", tags=["patrols"])
CREATE = "patrols_guard_point_create"


@router.post(
    "",
    name=CREATE,
    summary="Create a fixed guard point (新建保安守点)",
    status_code=201,
    response_model=GuardPointOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_guard_point(
    body: GuardPointCreate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Create a guard point in the caller's areas, held by the given members."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    point = await service.create_guard_point(session, body, principal)
    guards = await repository.guards_by_point(session, [point.id])
    out = present_guard_point(point, guards.get(point.id, []), principal)
    response.headers["Location"] = f"/v1/patrols/guard-points/{point.id}"
    set_etag(response, point.version)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="patrols_guard_point_list",
    summary="List fixed guard points (保安守点列表)",
    response_model=Page[GuardPointOut],
    responses=problem_responses(401, 403, 422),
)
async def list_guard_points(
    session: SessionDep,
    principal: PatrolReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    area: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only points inside this area")
    ] = None,
    active: Annotated[bool | None, Query(description="Only active (or inactive) points")] = None,
) -> Page[GuardPointOut]:
    """Guard points in the caller's areas (a patrol member: those their teams hold)."""
    points = await repository.list_guard_points(
        session,
        effective_areas(area, principal.areas),
        active=active,
        team_ids=await own_team_ids(session, principal),
        after=read_cursor(page.after, (str, str, uuid.UUID)),
        limit=page.limit + 1,
    )
    shown = points[: page.limit]
    guards = await repository.guards_by_point(session, [p.id for p in shown])

    def key(point: GuardPoint) -> tuple[str, str, uuid.UUID]:
        return (point.area_code, point.name, point.id)

    return Page(
        items=[present_guard_point(p, guards.get(p.id, []), principal) for p in shown],
        next_cursor=next_cursor(points, page.limit, key),
    )


@router.get(
    "/{point_id}",
    name="patrols_guard_point_get",
    summary="Read a fixed guard point (保安守点详情)",
    response_model=GuardPointOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_guard_point(
    point_id: uuid.UUID, session: SessionDep, principal: PatrolReaderDep, response: Response
) -> GuardPointOut:
    """One guard point and its guards; 404 outside the caller's areas."""
    point = await service.visible_guard_point(session, principal, point_id)
    guards = await repository.guards_by_point(session, [point.id])
    set_etag(response, point.version)
    return present_guard_point(point, guards.get(point.id, []), principal)


@router.patch(
    "/{point_id}",
    name="patrols_guard_point_update",
    summary="Change a fixed guard point (修改保安守点)",
    response_model=GuardPointOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def update_guard_point(
    point_id: uuid.UUID,
    body: GuardPointUpdate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> GuardPointOut:
    """Change a guard point at the version named by `If-Match`."""
    point = await service.update_guard_point(session, point_id, body, if_match, principal)
    guards = await repository.guards_by_point(session, [point.id])
    set_etag(response, point.version)
    return present_guard_point(point, guards.get(point.id, []), principal)
