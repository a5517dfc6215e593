"""Spatial aggregates in SQL: incidents per snapped position, per place and address, and the
points of a Knox test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import BigInteger, Integer, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.analysis.filters import AnalysisFilters, Period, conditions
from incidents.analysis.repository import (
    fetch_records,
    period_counts,
    prepare,
    spanning,
)
from incidents.intake.models import Incident
from incidents.places.models import Place

SNAP_DEGREES = 1e-4
"""Grid positions are snapped to before their H3 cell is looked up: about 11 m north-south."""


@dataclass(frozen=True)
class SnappedCounts:
    """Distinct snapped positions (degrees) and their incidents in each period (n × periods)."""

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    counts: NDArray[np.int64]


async def snapped_counts(
    session: AsyncSession, filters: AnalysisFilters, periods: Sequence[Period]
) -> AsyncIterator[SnappedCounts]:
    """Incidents per position snapped to SNAP_DEGREES, counted in each period: the rows are the
    occupied grid squares, however many incidents. Fetched at once, not through a cursor (a
    cursor's query runs without parallel workers); extended statistics on the two expressions
    (migration 0013_analysis_index) let the planner aggregate inside the workers, so they must
    stay as written."""
    lat = cast(func.round(col(Incident.lat) / SNAP_DEGREES), Integer)
    lon = cast(func.round(col(Incident.lon) / SNAP_DEGREES), Integer)
    query = (
        select(lat, lon, *period_counts(periods))
        .where(*conditions(spanning(filters, periods)))
        .group_by(lat, lon)
    )
    await prepare(session)
    rows = await fetch_records(session, query)
    table = np.asarray(rows, np.int64).reshape(-1, 2 + len(periods))
    del rows  # the records cost several times the table
    degrees = table[:, :2].astype(np.float64) * SNAP_DEGREES
    yield SnappedCounts(degrees[:, 0], degrees[:, 1], table[:, 2:])


@dataclass(frozen=True)
class LocationRow:
    """A place (place_id set) or an address with its incidents in the period and the one before,
    and, the same on every row, the repeat-victimisation summary of all locations."""

    place_id: Any
    address: str | None
    area_code: str
    count: int
    previous: int
    first_at: datetime
    last_at: datetime
    categories: list[str]
    located: int
    repeat_locations: int
    repeat_incidents: int


async def hot_locations(
    session: AsyncSession,
    filters: AnalysisFilters,
    periods: Sequence[Period],
    limit: int,
) -> list[LocationRow]:
    """The `limit` places and the `limit` addresses (of incidents at no registered place) with
    the most incidents in the first period, most first, each row with the summary."""
    address = func.btrim(col(Incident.address))
    # A registered place is one location whatever addresses its incidents give.
    location_address = case((col(Incident.place_id).is_(None), address))
    current = and_(
        col(Incident.occurred_at) >= periods[0].start, col(Incident.occurred_at) < periods[0].end
    )
    counts = period_counts(periods)
    grouped = (
        select(
            col(Incident.place_id),
            func.min(address).label("address"),
            func.mode().within_group(col(Incident.area_code)).label("area_code"),
            *counts,
            func.min(col(Incident.occurred_at)).filter(current).label("first_at"),
            func.max(col(Incident.occurred_at)).filter(current).label("last_at"),
            func.array_agg(func.distinct(col(Incident.category)))
            .filter(current)
            .label("categories"),
        )
        .where(
            *conditions(spanning(filters, periods)),
            (col(Incident.place_id).is_not(None)) | (func.length(address) > 0),
        )
        .group_by(col(Incident.place_id), location_address)
        .subquery("locations")
    )
    n = grouped.c.n0
    repeated = n >= 2
    ranked = select(
        grouped,
        func.sum(n).over().label("located"),
        func.count().filter(repeated).over().label("repeat_locations"),
        cast(func.coalesce(func.sum(n).filter(repeated).over(), 0), BigInteger).label(
            "repeat_incidents"
        ),
        func.row_number()
        .over(partition_by=grouped.c.place_id.is_(None), order_by=(n.desc(), grouped.c.address))
        .label("rank"),
    ).subquery("ranked")
    # Rows under `min_count` are kept (up to `limit`) for the summary they carry.
    query = select(ranked).where(ranked.c.rank <= limit)
    query = query.order_by(ranked.c.n0.desc(), ranked.c.address)
    await prepare(session)
    return [
        LocationRow(
            place_id=row.place_id,
            address=row.address,
            area_code=row.area_code,
            count=row.n0,
            previous=row.n1,
            first_at=row.first_at,
            last_at=row.last_at,
            categories=sorted(row.categories or []),
            located=int(row.located),
            repeat_locations=int(row.repeat_locations),
            repeat_incidents=int(row.repeat_incidents),
        )
        for row in (await session.execute(query)).all()
    ]


async def places_by_id(session: AsyncSession, ids: Sequence[Any]) -> dict[Any, Place]:
    """Registered places by id."""
    if not ids:
        return {}
    found = await session.execute(select(Place).where(col(Place.id).in_(ids)))
    return {place.id: place for place in found.scalars()}


async def knox_points(
    session: AsyncSession, filters: AnalysisFilters, limit: int
) -> NDArray[np.float64] | None:
    """lon, lat and occurrence time (epoch days) of the period's incidents, n × 3; None when
    there are more than `limit`."""
    days = func.date_part("epoch", col(Incident.occurred_at)) / 86_400
    query = (
        select(col(Incident.lon), col(Incident.lat), days)
        .where(*conditions(filters))
        .limit(limit + 1)
    )
    await prepare(session)
    rows = await fetch_records(session, query)
    if len(rows) > limit:
        return None
    return np.asarray(rows, np.float64).reshape(-1, 3)
