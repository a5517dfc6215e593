"""Queries on areas and contacts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Area, Contact


async def get_area(session: AsyncSession, code: str) -> Area | None:
    """One area by code."""
    return await session.get(Area, code)


async def list_areas(
    session: AsyncSession, prefixes: Sequence[str], *, after: str | None, limit: int
) -> list[Area]:
    """Areas inside any of `prefixes`, ordered by code, after the cursor."""
    if not prefixes:
        return []
    query = select(Area).where(or_(*[col(Area.code).startswith(p) for p in prefixes]))
    if after is not None:
        query = query.where(col(Area.code) > after)
    result = await session.execute(query.order_by(col(Area.code)).limit(limit))
    return list(result.scalars())


async def duty_contacts(session: AsyncSession, area_code: str) -> list[Contact]:
    """The on-duty contacts of an area, or of its nearest ancestor that has any."""
    ancestors = [area_code[:n] for n in range(len(area_code), 0, -1)]
    query = (
        select(Contact)
        .where(col(Contact.area_code).in_(ancestors), col(Contact.on_duty).is_(True))
        .order_by(func.length(Contact.area_code).desc(), col(Contact.role), col(Contact.name))
    )
    contacts = list((await session.execute(query)).scalars())
    if not contacts:
        return []
    nearest = contacts[0].area_code
    return [c for c in contacts if c.area_code == nearest]


async def areas_with_boundaries(session: AsyncSession, prefixes: Sequence[str]) -> list[Area]:
    """Areas inside any of `prefixes` that have a boundary, ordered by code."""
    if not prefixes:
        return []
    query = select(Area).where(
        or_(*[col(Area.code).startswith(p) for p in prefixes]), col(Area.boundary).is_not(None)
    )
    return list((await session.execute(query.order_by(col(Area.code)))).scalars())
