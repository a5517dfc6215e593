"""Aggregations over incidents, done in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.intake.models import Category, Incident, IncidentStatus

NOT_COUNTED = (IncidentStatus.rejected, IncidentStatus.merged)


async def counts_by_category(
    session: AsyncSession, area_prefix: str, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """(code, name, count) per category with at least one incident, most frequent first.

    Rejected reports and duplicates merged into another incident are not counted.
    """
    count = func.count(col(Incident.id))
    query = (
        select(col(Category.code), col(Category.name), count)
        .join(Incident, col(Incident.category) == col(Category.code))
        .where(
            col(Incident.area_code).startswith(area_prefix),
            col(Incident.occurred_at) >= start,
            col(Incident.occurred_at) < end,
            col(Incident.status).not_in(NOT_COUNTED),
        )
        .group_by(col(Category.code), col(Category.name))
        .order_by(count.desc(), col(Category.code))
    )
    return [(code, name, n) for code, name, n in (await session.execute(query)).all()]
