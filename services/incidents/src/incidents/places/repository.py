"""Queries on places."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.places.models import Place, PlaceKind


async def get_place(session: AsyncSession, place_id: uuid.UUID) -> Place | None:
    """One place by id."""
    return await session.get(Place, place_id)


async def list_places(
    session: AsyncSession,
    prefixes: Sequence[str],
    kind: PlaceKind | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[Place]:
    """Places inside `prefixes`, ordered by (area_code, id), after the cursor."""
    if not prefixes:
        return []
    query = select(Place).where(or_(*[col(Place.area_code).startswith(p) for p in prefixes]))
    if kind is not None:
        query = query.where(col(Place.kind) == kind)
    if after is not None:
        query = query.where(
            (col(Place.area_code) > after[0])
            | ((col(Place.area_code) == after[0]) & (col(Place.id) > uuid.UUID(after[1])))
        )
    query = query.order_by(col(Place.area_code), col(Place.id)).limit(limit)
    return list((await session.execute(query)).scalars())
