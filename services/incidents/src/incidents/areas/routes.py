"""`/v1/areas`: the area tree the caller may see, and the areas' boundaries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from incidents.areas import repository, service
from incidents.areas.schemas import AreaDetail, AreaFeatures, AreaOut, Boundary
from incidents.deps import ReaderDep
from pingan_shared.auth import Principal, Role, effective_areas, require_roles
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/areas", tags=["areas"])
AdminDep = Annotated[Principal, Depends(require_roles(Role.admin))]
WithinQuery = Annotated[
    str | None, Query(pattern=r"^\d{1,20}$", description="Only areas inside this code")
]
CodePath = Annotated[str, Path(pattern=r"^\d{6,20}$", description="Area code (区划代码)")]


@router.get(
    "",
    name="areas_list",
    summary="List areas (区划): county, town, community, village, grid",
    response_model=Page[AreaOut],
    responses=problem_responses(401, 403, 422),
)
async def list_areas(
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    within: WithinQuery = None,
) -> Page[AreaOut]:
    """Areas inside the caller's areas (and `within`, if given), ordered by code; each names its
    parent, so a client can build the tree."""
    after = str(page.after[0]) if page.after else None
    prefixes = effective_areas(within, principal.areas)
    areas = await repository.list_areas(session, prefixes, after=after, limit=page.limit + 1)
    items = [AreaOut.model_validate(a) for a in areas[: page.limit]]
    next_cursor = encode_cursor([items[-1].code]) if len(areas) > page.limit else None
    return Page[AreaOut](items=items, next_cursor=next_cursor)


@router.get(
    ".geojson",
    name="areas_geojson",
    summary="Area boundaries (区划边界) as a GeoJSON FeatureCollection, for maps",
    response_model=AreaFeatures,
    responses=problem_responses(401, 403, 422),
)
async def areas_geojson(
    session: SessionDep, principal: ReaderDep, within: WithinQuery = None
) -> AreaFeatures:
    """The areas with a boundary inside the caller's areas (and `within`), ordered by code."""
    return await service.features(session, effective_areas(within, principal.areas))


@router.get(
    "/{code}",
    name="areas_get",
    summary="One area (区划) with its boundary",
    response_model=AreaDetail,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_area(session: SessionDep, principal: ReaderDep, code: CodePath) -> AreaDetail:
    """An area inside the caller's areas, with its boundary if one was drawn."""
    return service.detail(await service.visible_area(session, principal, code))


@router.put(
    "/{code}/boundary",
    name="areas_set_boundary",
    summary="Draw an area's boundary (区划边界): a GeoJSON Polygon or MultiPolygon",
    response_model=AreaDetail,
    responses=problem_responses(401, 403, 404, 422),
)
async def set_boundary(
    session: SessionDep, principal: AdminDep, code: CodePath, body: Boundary
) -> AreaDetail:
    """Replace the area's boundary; points inside it then resolve to this area (or a deeper one)."""
    return await service.set_boundary(session, principal, code, body)


@router.delete(
    "/{code}/boundary",
    name="areas_remove_boundary",
    summary="Remove an area's boundary (删除区划边界)",
    response_model=AreaDetail,
    responses=problem_responses(401, 403, 404, 422),
)
async def remove_boundary(session: SessionDep, principal: AdminDep, code: CodePath) -> AreaDetail:
    """Remove the area's boundary; points inside it then resolve to its parent's (or a sibling's)
    boundary, and reports there need an area code."""
    return await service.set_boundary(session, principal, code, None)
