"""Test data for the analysis routes: the area tree with populations, two registered places, and
incidents written directly with chosen times, places and suspects."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from incidents_factories import BEIJIE, NANJIE, TOWN, seed_areas
from incidents_listing import add_incidents, incident_row
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Area
from incidents.places.models import Place, PlaceKind
from pingan_shared.settings import business_timezone
from pingan_shared.testing import bearer

ADMIN = bearer("admin", areas=["530128"])
MARKET = uuid.UUID("00000000-0000-0000-0000-00000000000a")
COMPOUND = uuid.UUID("00000000-0000-0000-0000-00000000000b")
POPULATIONS = {TOWN: 10_000, NANJIE: 4_000, BEIJIE: 6_000}
# The named period of most tests and the months around it (business time zone).
PERIOD = "period=2026-11"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in the business time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=business_timezone())


async def seed_analysis_areas(session: AsyncSession) -> None:
    """The test area tree with populations, and a market in 南街 and a compound in 北街."""
    await seed_areas(session)
    for code, people in POPULATIONS.items():
        await session.execute(update(Area).where(col(Area.code) == code).values(population=people))
    session.add_all(
        [
            Place(id=MARKET, kind=PlaceKind.market, name="南街农贸市场", area_code=NANJIE,
                  address="南街 1 号"),
            Place(id=COMPOUND, kind=PlaceKind.residential_compound, name="北街小区",
                  area_code=BEIJIE, address="北街 8 号"),
        ]
    )  # fmt: skip
    await session.flush()


async def add(session: AsyncSession, *rows: dict[str, Any]) -> None:
    """Insert incidents given as overrides of `incident_row`."""
    await add_incidents(session, *[incident_row(**row) for row in rows])
