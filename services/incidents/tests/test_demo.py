"""The demo town loads once: a second load adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas.models import Area, Contact
from incidents.areas.repository import duty_contacts
from incidents.demo import load_demo_town
from incidents.intake.models import Incident
from pingan_shared.demo_town import build_demo_town


async def test_demo_town_loads_idempotently(session: AsyncSession) -> None:
    town = build_demo_town(now=datetime(2026, 11, 28, tzinfo=UTC))
    first = await load_demo_town(session, town)
    assert first == {"areas": len(town.areas), "contacts": len(town.contacts), "incidents": 300}
    again = await load_demo_town(session, town)
    assert again == {"areas": 0, "contacts": 0, "incidents": 0}
    for model, expected in [
        (Area, len(town.areas)),
        (Contact, len(town.contacts)),
        (Incident, 300),
    ]:
        assert (
            await session.execute(select(func.count()).select_from(model))
        ).scalar_one() == expected


async def test_every_demo_area_reaches_a_duty_robot(session: AsyncSession) -> None:
    town = build_demo_town(now=datetime(2026, 11, 28, tzinfo=UTC))
    await load_demo_town(session, town)
    for area in town.areas:
        if area.level == "county":
            continue
        robots = [c for c in await duty_contacts(session, area.code) if c.wecom_robot_key]
        assert robots, area.name
