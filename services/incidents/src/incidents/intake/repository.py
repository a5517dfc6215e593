"""Queries on incidents and the category catalogue."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.intake.models import Category, Incident


async def get_category(session: AsyncSession, code: str) -> Category | None:
    """An active category of the catalogue."""
    category = await session.get(Category, code)
    return category if category is not None and category.active else None


async def category_names(session: AsyncSession) -> dict[str, str]:
    """Code → Chinese name of every category."""
    rows = await session.execute(select(col(Category.code), col(Category.name)))
    return {row.code: row.name for row in rows}


async def category_name(session: AsyncSession, code: str) -> str:
    """The Chinese name of one category (the catalogue never deletes a code incidents use)."""
    category = await session.get(Category, code)
    assert category is not None  # incidents.category is a foreign key to it
    return category.name


async def get_incident(session: AsyncSession, incident_id: uuid.UUID) -> Incident | None:
    """One incident by id."""
    return await session.get(Incident, incident_id)
