"""Queries on units."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.units.models import Unit, UnitKind


async def get_unit(session: AsyncSession, unit_id: uuid.UUID) -> Unit | None:
    """One unit by id."""
    return await session.get(Unit, unit_id)


async def add_unit(session: AsyncSession, unit: Unit) -> Unit:
    """Insert a unit and read back its server-set columns."""
    session.add(unit)
    await session.flush()
    await session.refresh(unit)
    return unit


async def list_units(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    kind: UnitKind | None = None,
    only_id: uuid.UUID | None = None,
    after: tuple[str, str] | None = None,
    limit: int,
) -> list[Unit]:
    """Units inside any of `prefixes`, ordered by (area_code, name), after the cursor."""
    if not prefixes:
        return []
    query = select(Unit).where(or_(*[col(Unit.area_code).startswith(p) for p in prefixes]))
    if kind is not None:
        query = query.where(col(Unit.kind) == kind)
    if only_id is not None:
        query = query.where(col(Unit.id) == only_id)
    if after is not None:
        # (area_code, name) is unique, so it alone is a stable keyset.
        query = query.where(tuple_(col(Unit.area_code), col(Unit.name)) > tuple_(*after))
    query = query.order_by(col(Unit.area_code), col(Unit.name)).limit(limit)
    return list((await session.execute(query)).scalars())
