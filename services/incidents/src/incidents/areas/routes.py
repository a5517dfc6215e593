"""`GET /v1/areas`: the area tree the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from incidents.areas import repository
from incidents.areas.schemas import AreaOut
from incidents.deps import ReaderDep
from pingan_shared.auth import effective_areas
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/areas", tags=["areas"])


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
    within: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only areas inside this code")
    ] = None,
) -> Page[AreaOut]:
    """Areas inside the caller's areas (and `within`, if given), ordered by code; each names its
    parent, so a client can build the tree."""
    after = str(page.after[0]) if page.after else None
    prefixes = effective_areas(within, principal.areas)
    areas = await repository.list_areas(session, prefixes, after=after, limit=page.limit + 1)
    items = [AreaOut.model_validate(a) for a in areas[: page.limit]]
    next_cursor = encode_cursor([items[-1].code]) if len(areas) > page.limit else None
    return Page[AreaOut](items=items, next_cursor=next_cursor)
