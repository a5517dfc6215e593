"""`/v1/focus-problems`: focus problems (突出问题), their measures and their effect.

Town leaders and the comprehensive-governance office make and change problems in their areas;
every staff member of the area (police office, community staff) reads them.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from incidents.deps import STAFF
from incidents.focus import repository, service
from incidents.focus.effect import DEFAULT_WEEKS_BEFORE, MAX_WEEKS, problem_effect
from incidents.focus.models import FocusProblem, FocusStatus
from incidents.focus.presenter import present_problem
from incidents.focus.schemas import (
    FocusEffectOut,
    FocusProblemCreate,
    FocusProblemOut,
    FocusProblemUpdate,
    MeasureCreate,
)
from incidents.patrols.paging import next_cursor, read_cursor
from incidents.tables import idempotency_keys
from pingan_shared.auth import Principal, Role, effective_areas, require_roles
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/v1/focus-problems", tags=["focus"])
CREATE = "incidents_focus_problem_create"
ADD_MEASURE = "incidents_focus_problem_add_measure"
WRITERS = (Role.admin, Role.leader)
WriterDep = Annotated[Principal, Depends(require_roles(*WRITERS))]
ReaderDep = Annotated[Principal, Depends(require_roles(*STAFF))]


def _cursor(after: list[Any] | None) -> tuple[date, uuid.UUID] | None:
    key = read_cursor(after, (str, uuid.UUID))
    if key is None:
        return None
    try:
        return date.fromisoformat(key[0]), key[1]
    except ValueError:
        raise field_error("query.cursor", "not a cursor of this list") from None


async def _out(session: SessionDep, problem: FocusProblem, response: Response) -> FocusProblemOut:
    measures = await repository.measures_by_problem(session, [problem.id])
    set_etag(response, problem.version)
    return present_problem(problem, measures.get(problem.id, []))


@router.post(
    "",
    name=CREATE,
    summary="Make a focus problem (设立突出问题)",
    status_code=201,
    response_model=FocusProblemOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_problem(
    body: FocusProblemCreate,
    session: SessionDep,
    principal: WriterDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Turn a hot spot (its H3 cells), a hot place, an area or a series into a focus problem
    with an owner and a target date (three months from today unless given)."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    problem = await service.create_problem(session, body, principal)
    out = await _out(session, problem, response)
    response.headers["Location"] = f"/v1/focus-problems/{problem.id}"
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="incidents_focus_problem_list",
    summary="List focus problems (突出问题列表)",
    response_model=Page[FocusProblemOut],
    responses=problem_responses(401, 403, 422),
)
async def list_problems(
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    area: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only problems inside this area")
    ] = None,
    status: Annotated[
        list[FocusStatus] | None, Query(description="状态 status; repeat for several")
    ] = None,
) -> Page[FocusProblemOut]:
    """Problems in the caller's areas, nearest target date first."""
    problems = await repository.list_problems(
        session,
        effective_areas(area, principal.areas),
        statuses=status or [],
        after=_cursor(page.after),
        limit=page.limit + 1,
    )
    shown = problems[: page.limit]
    measures = await repository.measures_by_problem(session, [p.id for p in shown])
    return Page(
        items=[present_problem(p, measures.get(p.id, [])) for p in shown],
        next_cursor=next_cursor(problems, page.limit, lambda p: (p.target_date, p.id)),
    )


@router.get(
    "/{problem_id}",
    name="incidents_focus_problem_get",
    summary="Read a focus problem (突出问题详情)",
    response_model=FocusProblemOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_problem(
    problem_id: uuid.UUID, session: SessionDep, principal: ReaderDep, response: Response
) -> FocusProblemOut:
    """One problem with its measures; 404 outside the caller's areas."""
    problem = await service.visible_problem(session, principal, problem_id)
    return await _out(session, problem, response)


@router.patch(
    "/{problem_id}",
    name="incidents_focus_problem_update",
    summary="Change a focus problem (修改突出问题)",
    response_model=FocusProblemOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
)
async def update_problem(
    problem_id: uuid.UUID,
    body: FocusProblemUpdate,
    session: SessionDep,
    principal: WriterDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> FocusProblemOut:
    """Change a problem at the version named by `If-Match`: its place, owner, dates, or its
    status (resolved with a resolution, or open again)."""
    problem = await service.update_problem(session, problem_id, body, if_match, principal)
    return await _out(session, problem, response)


@router.delete(
    "/{problem_id}",
    name="incidents_focus_problem_delete",
    summary="Delete a focus problem made by mistake (删除误建的突出问题)",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def delete_problem(
    problem_id: uuid.UUID,
    session: SessionDep,
    principal: WriterDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Delete a problem at the version named by `If-Match`; 409 once measures are recorded."""
    await service.delete_problem(session, problem_id, if_match, principal)
    return Response(status_code=204)


@router.post(
    "/{problem_id}/measures",
    name=ADD_MEASURE,
    summary="Record a measure taken (录入整治措施)",
    status_code=201,
    response_model=FocusProblemOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def add_measure(
    problem_id: uuid.UUID,
    body: MeasureCreate,
    session: SessionDep,
    principal: WriterDep,
    response: Response,
    if_match: IfMatchHeader = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Append a measure (measures are never changed or removed); the problem is answered."""
    operation = f"{ADD_MEASURE}:{problem_id}"
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, operation, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    problem = await service.add_measure(session, problem_id, body, if_match, principal)
    out = await _out(session, problem, response)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "/{problem_id}/effect",
    name="incidents_focus_problem_effect",
    summary="Did the measures work? (整治成效)",
    response_model=FocusEffectOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def effect(
    problem_id: uuid.UUID,
    session: SessionDep,
    principal: ReaderDep,
    weeks_before: Annotated[
        int, Query(ge=1, le=MAX_WEEKS, description="Weeks before the measures to compare")
    ] = DEFAULT_WEEKS_BEFORE,
) -> FocusEffectOut:
    """The problem's incidents (its area, cells, place and categories) week by week before and
    after its measures started, and the stated test of whether the drop is more than chance."""
    problem = await service.visible_problem(session, principal, problem_id)
    return await problem_effect(session, problem, weeks_before)
