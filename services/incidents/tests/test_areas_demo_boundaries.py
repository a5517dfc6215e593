"""The demo town's boundaries: its incidents' points resolve to the areas they were filed under."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col

from incidents.areas.geo import resolve_area
from incidents.areas.models import Area, AreaBoundary
from incidents.demo import load_demo_town
from pingan_shared.demo_town import build_demo_town


async def test_demo_incidents_resolve_to_their_areas(
    session: AsyncSession, connection: AsyncConnection
) -> None:
    town = build_demo_town(now=datetime(2026, 11, 28, tzinfo=UTC))
    await load_demo_town(session, town)
    drawn = select(func.count()).select_from(Area).where(col(Area.boundary).is_not(None))
    assert (await session.execute(drawn)).scalar_one() == len(town.areas)
    rings = (await session.execute(select(func.count()).select_from(AreaBoundary))).scalar_one()
    await load_demo_town(session, town)  # a second load draws nothing again
    assert (
        await session.execute(select(func.count()).select_from(AreaBoundary))
    ).scalar_one() == rings
    raw = await connection.get_raw_connection()
    conn: asyncpg.Connection = raw.driver_connection
    related = 0
    for incident in town.incidents:
        code = await resolve_area(conn, incident.lat, incident.lon)
        assert code is not None  # every point lies inside the town
        if code.startswith(incident.area_code) or incident.area_code.startswith(code):
            related += 1
    # Incidents were filed under the nearest centre; squares only approximate those cells.
    assert related / len(town.incidents) >= 0.85
