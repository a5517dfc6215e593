"""`/v1/places`: register, list and read places (场所)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.exc import IntegrityError

from incidents.areas import repository as areas
from incidents.deps import ReaderDep, StaffDep
from incidents.places import repository
from incidents.places.models import Place, PlaceKind
from incidents.places.schemas import PlaceCreate, PlaceOut
from incidents.tables import idempotency_keys
from pingan_shared.auth import effective_areas
from pingan_shared.db import SessionDep
from pingan_shared.errors import ProblemError, field_error, not_found, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/places", tags=["places"])
CREATE = "places_create"


@router.post(
    "",
    name=CREATE,
    summary="Register a place (登记场所)",
    status_code=201,
    response_model=PlaceOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_place(
    body: PlaceCreate,
    session: SessionDep,
    principal: StaffDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Register a place in one of the caller's areas; an `external_key` may be used once."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    if not principal.can_see(body.area_code):
        raise ProblemError(403, "outside-areas", "you may not register places in this area")
    if await areas.get_area(session, body.area_code) is None:
        raise field_error("body.area_code", f"unknown area {body.area_code!r}", "unknown_area")
    place = Place(**body.model_dump())
    session.add(place)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise ProblemError(409, "place-exists", "a place with this external_key exists") from None
    out = PlaceOut.model_validate(place)
    response.headers["Location"] = f"/v1/places/{place.id}"
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="places_list",
    summary="List places (场所列表)",
    response_model=Page[PlaceOut],
    responses=problem_responses(401, 403, 422),
)
async def list_places(
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    within: Annotated[str | None, Query(pattern=r"^\d{1,20}$")] = None,
    kind: PlaceKind | None = None,
) -> Page[PlaceOut]:
    """Places inside the caller's areas (and `within`), optionally of one kind."""
    after = (
        (str(page.after[0]), str(page.after[1])) if page.after and len(page.after) == 2 else None
    )
    prefixes = effective_areas(within, principal.areas)
    places = await repository.list_places(session, prefixes, kind, after, page.limit + 1)
    items = [PlaceOut.model_validate(p) for p in places[: page.limit]]
    more = len(places) > page.limit
    cursor = encode_cursor([items[-1].area_code, str(items[-1].id)]) if more else None
    return Page[PlaceOut](items=items, next_cursor=cursor)


@router.get(
    "/{place_id}",
    name="places_get",
    summary="Read a place (场所详情)",
    response_model=PlaceOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_place(place_id: uuid.UUID, session: SessionDep, principal: ReaderDep) -> PlaceOut:
    """One place; 404 outside the caller's areas."""
    place = await repository.get_place(session, place_id)
    if place is None or not principal.can_see(place.area_code):
        raise not_found("place")
    return PlaceOut.model_validate(place)
