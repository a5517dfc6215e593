"""Rules on areas: who sees which, and drawing boundaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas import repository
from incidents.areas.geo import BoundaryError, polygon_parts, store_boundary
from incidents.areas.models import Area
from incidents.areas.schemas import AreaDetail, AreaFeature, AreaFeatures, Boundary
from pingan_shared.auth import Principal
from pingan_shared.errors import not_found


async def visible_area(session: AsyncSession, principal: Principal, code: str) -> Area:
    """The area, if it exists inside the caller's areas; 404 otherwise (existence does not leak)."""
    area = await repository.get_area(session, code)
    if area is None or not principal.can_see(code):
        raise not_found("area")
    return area


def detail(area: Area) -> AreaDetail:
    """An area with its boundary."""
    return AreaDetail.model_validate(area)


async def set_boundary(
    session: AsyncSession, principal: Principal, code: str, boundary: Boundary | None
) -> AreaDetail:
    """Check and store an area's boundary, replacing any earlier one; None removes it."""
    area = await visible_area(session, principal, code)
    geometry = None if boundary is None else boundary.model_dump()
    try:
        if geometry is not None:
            polygon_parts(geometry)
    except BoundaryError as exc:
        raise exc.problem() from None
    raw = await (await session.connection()).get_raw_connection()
    await store_boundary(cast(asyncpg.Connection, raw.driver_connection), code, geometry)
    await session.refresh(area)
    return detail(area)


async def features(session: AsyncSession, prefixes: Sequence[str]) -> AreaFeatures:
    """The areas inside `prefixes` that have a boundary, as GeoJSON."""
    areas = await repository.areas_with_boundaries(session, prefixes)
    return AreaFeatures(
        features=[
            AreaFeature(
                id=a.code,
                geometry=Boundary.model_validate(a.boundary),
                properties={
                    "code": a.code,
                    "name": a.name,
                    "level": a.level,
                    "parent_code": a.parent_code,
                },
            )
            for a in areas
        ]
    )
