"""Test data for the incidents tests: a small area tree with duty contacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas.models import Area, AreaLevel, Contact, ContactRole

COUNTY, TOWN, NANJIE, BEIJIE = "530128", "530128100", "530128100001", "530128100002"
NANJIE_GRID = "530128100001001"


async def seed_areas(session: AsyncSession) -> None:
    """County → town → two communities, a grid in 南街; robots on the town and 南街."""
    session.add_all(
        [
            Area(code=COUNTY, name="禄劝县", level=AreaLevel.county),
            Area(code=TOWN, name="屏山镇", level=AreaLevel.town, parent_code=COUNTY),
        ]
    )
    await session.flush()
    session.add_all(
        [
            Area(code=NANJIE, name="南街社区", level=AreaLevel.community, parent_code=TOWN),
            Area(code=BEIJIE, name="北街社区", level=AreaLevel.community, parent_code=TOWN),
        ]
    )
    await session.flush()
    session.add(Area(code=NANJIE_GRID, name="南街一网格", level=AreaLevel.grid, parent_code=NANJIE))
    session.add_all(
        [
            Contact(
                area_code=TOWN,
                name="屏山镇值班群",
                role=ContactRole.duty_robot,
                wecom_robot_key="town-key",
            ),
            Contact(
                area_code=NANJIE,
                name="南街社区值班群",
                role=ContactRole.duty_robot,
                wecom_robot_key="nanjie-key",
            ),
            Contact(
                area_code=NANJIE, name="李警官", role=ContactRole.police_office, phone="13800001111"
            ),
        ]
    )
    await session.flush()


def report(**overrides: Any) -> dict[str, Any]:
    """The smallest valid report (ARCHITECTURE.md §3), with overrides."""
    body: dict[str, Any] = {
        "category": "theft",
        "description": "电动车在楼下被盗",
        "occurred_at": "2026-11-20T21:30:00+08:00",
        "location": {"lat": 25.5561, "lon": 102.4682},
        "area_code": NANJIE,
    }
    body.update(overrides)
    return body
