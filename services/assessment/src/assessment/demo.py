"""Load the demo town's assessed units (idempotent: a second run adds nothing).

Units inside a community or village belong to its residents' committee or village committee
(`parent_unit_id`), so an assessment round can look at a community together with its units.
Demo units get ids derived from their keys, so demo tokens can name a unit before it is loaded.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.schemes.examples import load_example_schemes
from assessment.units.models import Unit, UnitKind
from pingan_shared.db import Database
from pingan_shared.demo_town import build_demo_town
from pingan_shared.demo_town.models import DemoTown, DemoUnit
from pingan_shared.settings import ServiceSettings

_UNIT_NAMESPACE = uuid.UUID("b4c1f0d2-8e37-4a5b-9c6d-2f1e0a7b3c58")
COMMITTEE_KINDS = frozenset({UnitKind.community, UnitKind.village})


def demo_unit_id(key: str) -> uuid.UUID:
    """The id the demo gives the unit with this key."""
    return uuid.uuid5(_UNIT_NAMESPACE, key)


async def load_demo(settings: ServiceSettings) -> None:
    """Load the demo town's units and the example schemes into the assessment database."""
    database = Database(settings.database_url, pool_size=2)
    try:
        async with database.session() as session:
            added = await load_demo_town(session, build_demo_town())
            schemes = await load_example_schemes(session)
    finally:
        await database.dispose()
    sys.stdout.write(f"assessment demo: {added} units, {schemes} example schemes added\n")


async def load_demo_town(session: AsyncSession, town: DemoTown) -> int:
    """Insert the units of `town` that are missing; returns how many were added."""
    committees = [u for u in town.units if UnitKind(u.kind) in COMMITTEE_KINDS]
    others = [u for u in town.units if UnitKind(u.kind) not in COMMITTEE_KINDS]
    added = await _insert(session, [_row(u, None) for u in committees])
    # Read the committees back rather than trusting the derived ids: one may have been
    # registered through the API before the demo was loaded.
    found = await session.execute(
        select(col(Unit.area_code), col(Unit.id)).where(
            col(Unit.key).in_([u.key for u in committees])
        )
    )
    committee_by_area = dict(found.all())
    rows = [_row(u, _parent(u.area_code, committee_by_area)) for u in others]
    return added + await _insert(session, rows)


def _parent(area_code: str, committee_by_area: dict[str, uuid.UUID]) -> uuid.UUID | None:
    """The committee of the nearest community or village the area lies inside."""
    for length in range(len(area_code), 0, -1):
        parent = committee_by_area.get(area_code[:length])
        if parent is not None:
            return parent
    return None


def _row(unit: DemoUnit, parent_unit_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "id": demo_unit_id(unit.key),
        "key": unit.key,
        "kind": UnitKind(unit.kind),
        "name": unit.name,
        "area_code": unit.area_code,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "contact_wecom_user_id": unit.contact_wecom_user_id,
        "parent_unit_id": parent_unit_id,
    }


async def _insert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    result = await session.execute(
        insert(Unit).values(list(rows)).on_conflict_do_nothing().returning(col(Unit.id))
    )
    return len(result.all())
