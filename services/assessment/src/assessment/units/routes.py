"""`/v1/units`: register, list and read assessed units, and their areas' incident statistics."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from assessment.deps import IncidentsDep, UnitReaderDep, UnitWriterDep
from assessment.tables import idempotency_keys
from assessment.units import service
from assessment.units.models import UnitKind
from assessment.units.presenter import present_unit
from assessment.units.schemas import KIND_DESCRIPTION, UnitCreate, UnitIncidentStats, UnitOut
from pingan_shared.auth import effective_areas
from pingan_shared.concurrency import set_etag
from pingan_shared.db import DatabaseDep, SessionDep
from pingan_shared.errors import field_error, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/units", tags=["units"])
CREATE = "units_create"


@router.post(
    "",
    name=CREATE,
    summary="Register a unit for assessment (登记被考核对象)",
    status_code=201,
    response_model=UnitOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_unit(
    body: UnitCreate,
    session: SessionDep,
    principal: UnitWriterDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Register an institution, compound, campus, market, family, community or village committee
    in one of the caller's areas. A unit already registered under the same name in the area, or
    under the same `key`, is refused (409). With an `Idempotency-Key`, a retry returns the first
    response."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    unit = await service.register_unit(session, body, principal)
    out = present_unit(unit, principal)
    response.headers["Location"] = f"/v1/units/{unit.id}"
    set_etag(response, unit.version)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="units_list",
    summary="List assessed units (被考核对象列表)",
    response_model=Page[UnitOut],
    responses=problem_responses(401, 403, 422),
)
async def list_units(
    session: SessionDep,
    principal: UnitReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    kind: Annotated[UnitKind | None, Query(description=KIND_DESCRIPTION)] = None,
    area: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only units inside this area code")
    ] = None,
) -> Page[UnitOut]:
    """Units inside the caller's areas (and `area`, if given), ordered by area code and name; a
    unit contact sees its own unit only."""
    after = _cursor_key(page)
    prefixes = effective_areas(area, principal.areas)
    units = await service.list_readable_units(
        session, principal, prefixes, kind=kind, after=after, limit=page.limit + 1
    )
    shown = units[: page.limit]
    items = [present_unit(u, principal) for u in shown]
    next_cursor = None
    if len(units) > page.limit:
        next_cursor = encode_cursor([shown[-1].area_code, shown[-1].name])
    return Page[UnitOut](items=items, next_cursor=next_cursor)


def _cursor_key(page: PageParams) -> tuple[str, str] | None:
    if page.after is None:
        return None
    if len(page.after) != 2 or not all(isinstance(part, str) for part in page.after):
        # A cursor of another list: refuse it like any cursor this list did not issue.
        raise field_error("query.cursor", "not a cursor this service issued")
    return page.after[0], page.after[1]


@router.get(
    "/{unit_id}",
    name="units_get",
    summary="Read an assessed unit (被考核对象详情)",
    response_model=UnitOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_unit(
    unit_id: uuid.UUID, session: SessionDep, principal: UnitReaderDep, response: Response
) -> UnitOut:
    """One unit; 404 when it does not exist or the caller may not see it."""
    unit = await service.readable_unit(session, principal, unit_id)
    set_etag(response, unit.version)
    return present_unit(unit, principal)


@router.get(
    "/{unit_id}/incident-stats",
    name="units_incident_stats",
    summary="Incident statistics of a unit's area (单位所在区域警情统计)",
    response_model=UnitIncidentStats,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def unit_incident_stats(
    unit_id: uuid.UUID,
    database: DatabaseDep,
    principal: UnitReaderDep,
    incidents: IncidentsDep,
    period_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="Start (inclusive); 30 days ago")
    ] = None,
    period_to: Annotated[
        AwareDatetime | None, Query(alias="to", description="End (exclusive); now by default")
    ] = None,
) -> UnitIncidentStats:
    """Counts by category (案件类型) of the incidents that occurred in the unit's area during
    [from, to), as the incidents service reports them. 503 when incidents cannot be reached."""
    # The session ends before incidents is asked: a slow or absent incidents service must not
    # hold this service's database connections.
    async with database.session() as session:
        unit = await service.readable_unit(session, principal, unit_id)
    return await service.unit_incident_stats(incidents, unit, period_from, period_to)
