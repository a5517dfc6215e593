"""Load the demo town's areas, duty contacts and incidents (idempotent: a second run adds nothing).

Demo incidents are written directly, without notifications: loading six months of history must
not page the duty groups three hundred times.
"""

from __future__ import annotations

import sys
import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.demo_boundaries import load_demo_boundaries
from incidents.areas.models import Area, Contact
from incidents.intake.models import Incident, Severity, Source
from incidents.patrols.demo import load_demo_patrols
from pingan_shared.db import Database
from pingan_shared.demo_town import build_demo_town
from pingan_shared.demo_town.models import DemoIncident, DemoTown
from pingan_shared.settings import ServiceSettings

DEMO_SOURCE_SYSTEM = "demo"
_CONTACT_NAMESPACE = uuid.UUID("6f1d2a4e-5b0c-4c1e-9a53-0d6f3e2b7a10")


async def load_demo(settings: ServiceSettings) -> None:
    """Load the demo town into the incidents database."""
    database = Database(settings.database_url, pool_size=2)
    try:
        town = build_demo_town()
        async with database.session() as session:
            added = await load_demo_town(session, town)
            patrols = await load_demo_patrols(session, town)
    finally:
        await database.dispose()
    sys.stdout.write(
        "incidents demo: {areas} areas, {contacts} contacts, {incidents} incidents added\n".format(
            **added
        )
    )
    sys.stdout.write(
        "incidents demo patrols: " + ", ".join(f"{n} {kind}" for kind, n in patrols.items()) + "\n"
    )


async def load_demo_town(session: AsyncSession, town: DemoTown) -> dict[str, int]:
    """Insert what is missing of `town`; returns how many rows of each kind were added."""
    areas = await session.execute(
        insert(Area)
        .values(
            [
                {
                    "code": a.code,
                    "name": a.name,
                    "level": a.level,
                    "parent_code": a.parent_code,
                    "lat": a.lat,
                    "lon": a.lon,
                    "population": a.population,
                }
                for a in sorted(town.areas, key=lambda a: len(a.code))
            ]
        )
        .on_conflict_do_nothing()
        .returning(col(Area.code))
    )
    await load_demo_boundaries(session, town.areas)
    contacts = await session.execute(
        insert(Contact)
        .values(
            [
                {
                    # Stable ids make the load idempotent without a natural key.
                    "id": uuid.uuid5(_CONTACT_NAMESPACE, f"{c.area_code}/{c.role}/{c.name}"),
                    "area_code": c.area_code,
                    "name": c.name,
                    "role": c.role,
                    "phone": c.phone,
                    "wecom_user_id": c.wecom_user_id,
                    "wecom_robot_key": c.wecom_robot_key,
                }
                for c in town.contacts
            ]
        )
        .on_conflict_do_nothing()
        .returning(col(Contact.id))
    )
    known = set(
        (
            await session.execute(
                select(col(Incident.external_ref)).where(
                    col(Incident.source_system) == DEMO_SOURCE_SYSTEM
                )
            )
        ).scalars()
    )
    new = [_incident(i) for i in town.incidents if i.external_ref not in known]
    session.add_all(new)
    await session.flush()
    return {"areas": len(areas.all()), "contacts": len(contacts.all()), "incidents": len(new)}


def _incident(demo: DemoIncident) -> Incident:
    occurred_at = demo.occurred_at
    if occurred_at is None:
        assert demo.occurred_from is not None
        assert demo.occurred_to is not None
        occurred_at = demo.occurred_from + (demo.occurred_to - demo.occurred_from) / 2
    return Incident(
        category=demo.category,
        severity=Severity(demo.severity),
        title=demo.title,
        description=demo.description,
        occurred_at=occurred_at,
        occurred_from=demo.occurred_from,
        occurred_to=demo.occurred_to,
        lat=demo.lat,
        lon=demo.lon,
        address=demo.address,
        area_code=demo.area_code,
        reporter_name=demo.reporter_name,
        reporter_phone=demo.reporter_phone,
        anonymous=demo.anonymous,
        source=Source(demo.source),
        source_system=DEMO_SOURCE_SYSTEM,
        external_ref=demo.external_ref,
        reported_by="demo",
        suspect_count=demo.suspects.count if demo.suspects else None,
        suspect_gender=demo.suspects.gender if demo.suspects else None,
        suspect_age_band=demo.suspects.age_band if demo.suspects else None,
        suspect_non_local=demo.suspects.non_local if demo.suspects else None,
        suspect_traits="，".join(demo.suspects.traits) or None if demo.suspects else None,
        modus_operandi=[demo.modus_operandi] if demo.modus_operandi else [],
        loss_amount=demo.loss_amount,
    )
