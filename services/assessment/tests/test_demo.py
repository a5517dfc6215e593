"""`python -m assessment demo`: the demo town's units, loaded idempotently, with parent links."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.demo import demo_unit_id, load_demo_town
from assessment.units.models import Unit
from pingan_shared.demo_town import build_demo_town

from .factories import ADMIN, auth, create_unit

TOWN = build_demo_town()


async def test_loads_every_unit_once(session: AsyncSession) -> None:
    assert await load_demo_town(session, TOWN) == len(TOWN.units)
    assert await load_demo_town(session, TOWN) == 0
    count = await session.scalar(select(func.count()).select_from(Unit))
    assert count == len(TOWN.units)


async def test_units_belong_to_their_committee(session: AsyncSession) -> None:
    await load_demo_town(session, TOWN)
    units = {str(u.key): u for u in (await session.execute(select(Unit))).scalars()}
    demo = {u.key: u for u in TOWN.units}
    assert units.keys() == demo.keys()
    for key, unit in units.items():
        assert unit.id == demo_unit_id(key)
        if unit.kind in ("community", "village"):
            assert unit.parent_unit_id is None
            continue
        assert unit.parent_unit_id is not None, key
        parent = next(u for u in units.values() if u.id == unit.parent_unit_id)
        assert parent.kind in ("community", "village")
        assert demo[key].area_code.startswith(parent.area_code)
    assert units["campus-08"].parent_unit_id == demo_unit_id("village-201")  # a village school


async def test_links_to_a_committee_registered_before(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    committee = next(u for u in TOWN.units if u.key == "community-001")
    registered = await create_unit(
        client,
        key=committee.key,
        kind="community",
        name=committee.name,
        area_code=committee.area_code,
    )
    await load_demo_town(session, TOWN)
    children = await session.scalar(
        select(func.count()).where(col(Unit.parent_unit_id) == registered["id"])
    )
    assert children
    assert not await session.get(Unit, demo_unit_id("community-001"))


async def test_demo_unit_contact_reads_its_unit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await load_demo_town(session, TOWN)
    unit_id = str(demo_unit_id("market-01"))
    own = await client.get(f"/v1/units/{unit_id}", headers=auth("unit", unit_id=unit_id))
    assert own.status_code == 200
    assert own.json()["key"] == "market-01"
    everything = await client.get("/v1/units?limit=500", headers=ADMIN)
    assert len(everything.json()["items"]) == len(TOWN.units)
