"""`GET /v1/incidents`: every filter, their combinations, sorts, and bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, NANJIE_GRID, TOWN, seed_areas
from incidents_listing import BASE_TIME, add_incidents, hours, incident_row
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import IncidentStatus, Severity
from incidents.places.models import Place, PlaceKind
from pingan_shared.testing import bearer

ADMIN = bearer("admin", areas=["530128"])


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def ids(client: httpx.AsyncClient, query: str, headers: dict[str, str] = ADMIN) -> list[str]:
    response = await client.get(f"/v1/incidents?limit=500&{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def as_str(*values: Any) -> list[str]:
    return [str(v) for v in values]


async def test_status_category_and_severity_take_several_values(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    reported, accepted, closed = await add_incidents(
        session,
        incident_row(status=IncidentStatus.reported, category="theft", severity=Severity.low),
        incident_row(status=IncidentStatus.accepted, category="fraud", severity=Severity.high),
        incident_row(status=IncidentStatus.closed, category="fight", severity=Severity.critical),
    )
    assert set(await ids(client, "status=reported&status=closed")) == set(as_str(reported, closed))
    assert set(await ids(client, "category=fraud&category=fight")) == set(as_str(accepted, closed))
    assert await ids(client, "severity=high") == as_str(accepted)
    assert await ids(client, "status=closed&category=theft") == []


async def test_area_is_a_prefix_bounded_by_the_callers_areas(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    nanjie, grid, beijie = await add_incidents(
        session,
        incident_row(area_code=NANJIE),
        incident_row(area_code=NANJIE_GRID, occurred_at=BASE_TIME - hours(1)),
        incident_row(area_code=BEIJIE, occurred_at=BASE_TIME - hours(2)),
    )
    assert await ids(client, "") == as_str(nanjie, grid, beijie)
    assert await ids(client, f"area={NANJIE}") == as_str(nanjie, grid)
    assert await ids(client, f"area={NANJIE_GRID}") == as_str(grid)
    nanjie_staff = bearer("community", areas=[NANJIE])
    # Asking for the whole town with a community's token reads the community.
    assert await ids(client, f"area={TOWN}", nanjie_staff) == as_str(nanjie, grid)
    assert await ids(client, f"area={BEIJIE}", nanjie_staff) == []
    both = bearer("police", areas=[NANJIE_GRID, BEIJIE])
    assert await ids(client, "", both) == as_str(grid, beijie)


async def test_time_range_is_from_inclusive_to_exclusive(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    early, middle, late = await add_incidents(
        session,
        incident_row(occurred_at=BASE_TIME - hours(48)),
        incident_row(occurred_at=BASE_TIME - hours(24)),
        incident_row(occurred_at=BASE_TIME),
    )
    start = (BASE_TIME - hours(24)).isoformat().replace("+", "%2B")
    end = BASE_TIME.isoformat().replace("+", "%2B")
    assert await ids(client, f"occurred_from={start}&occurred_to={end}") == as_str(middle)
    assert await ids(client, f"occurred_from={start}") == as_str(late, middle)
    assert await ids(client, f"occurred_to={start}") == as_str(early)


async def test_bounding_box_keeps_points_inside(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    inside, _ = await add_incidents(
        session,
        incident_row(lat=25.5528, lon=102.4688),
        incident_row(lat=25.5900, lon=102.5000, occurred_at=BASE_TIME - hours(1)),
    )
    assert await ids(client, "bbox=102.46,25.55,102.47,25.56") == as_str(inside)
    assert await ids(client, "bbox=102.40,25.60,102.41,25.61") == []


async def test_text_searches_title_and_description_literally(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    by_title, by_description, percent = await add_incidents(
        session,
        incident_row(title="菜市场扒窃", description="钱包丢失"),
        incident_row(title="南街社区盗窃", description="菜市场门口电动车被盗"),
        incident_row(title="诈骗", description="对方要求转账 100% 返现"),
    )
    assert set(await ids(client, "q=菜市场")) == set(as_str(by_title, by_description))
    assert await ids(client, "q=100%25") == as_str(percent)
    # `%` and `_` are literal characters, not wildcards.
    assert await ids(client, "q=%25") == as_str(percent)
    assert await ids(client, "q=_") == []
    assert await ids(client, "q=WALLET") == []


async def test_place_keeps_incidents_linked_to_it(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    market = Place(kind=PlaceKind.market, name="屏山农贸市场", area_code=NANJIE)
    school = Place(kind=PlaceKind.campus, name="屏山小学", area_code=NANJIE)
    session.add_all([market, school])
    await session.flush()
    at_market, at_school, _ = await add_incidents(
        session,
        incident_row(place_id=market.id),
        incident_row(place_id=school.id, occurred_at=BASE_TIME - hours(1)),
        incident_row(occurred_at=BASE_TIME - hours(2)),
    )
    assert await ids(client, f"place={market.id}") == as_str(at_market)
    assert await ids(client, f"place={market.id}&place={school.id}") == as_str(at_market, at_school)


async def test_filters_combine(client: httpx.AsyncClient, session: AsyncSession) -> None:
    wanted, *_ = await add_incidents(
        session,
        incident_row(area_code=NANJIE_GRID, category="theft"),
        incident_row(area_code=NANJIE_GRID, category="fraud"),
        incident_row(area_code=BEIJIE, category="theft"),
        incident_row(area_code=NANJIE_GRID, category="theft", occurred_at=BASE_TIME - hours(99)),
    )
    start = (BASE_TIME - hours(24)).isoformat().replace("+", "%2B")
    query = f"area={NANJIE}&category=theft&occurred_from={start}&status=reported&q=被盗"
    assert await ids(client, query) == as_str(wanted)


async def test_sorts(client: httpx.AsyncClient, session: AsyncSession) -> None:
    old_critical, new_low, middle_high = await add_incidents(
        session,
        incident_row(occurred_at=BASE_TIME - hours(10), severity=Severity.critical),
        incident_row(occurred_at=BASE_TIME, severity=Severity.low),
        incident_row(occurred_at=BASE_TIME - hours(5), severity=Severity.high),
    )
    assert await ids(client, "") == as_str(new_low, middle_high, old_critical)
    assert await ids(client, "sort=occurred_at") == as_str(old_critical, middle_high, new_low)
    assert await ids(client, "sort=severity") == as_str(old_critical, middle_high, new_low)
    # One transaction gives one created_at: the id breaks the tie, newest order is id-descending.
    assert await ids(client, "sort=-created_at") == sorted(
        as_str(old_critical, new_low, middle_high), reverse=True
    )


async def test_items_are_shaped_like_the_single_read(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    [incident_id] = await add_incidents(session, incident_row())
    listed = (await client.get("/v1/incidents", headers=ADMIN)).json()["items"][0]
    single = (await client.get(f"/v1/incidents/{incident_id}", headers=ADMIN)).json()
    assert listed == single
    assert listed["category_name"] == "盗窃"


BAD_QUERIES = [
    ("status=lost", "query.status.0"),
    ("severity=extreme", "query.severity.0"),
    ("category=Theft", "query.category.0"),
    ("category=alien_abduction", "query.category"),
    ("area=53x", "query.area"),
    ("place=market", "query.place.0"),
    ("occurred_from=2026-11-20T00:00:00", "query.occurred_from"),
    ("occurred_from=2026-11-20T00:00:00Z&occurred_to=2026-11-19T00:00:00Z", "query.occurred_from"),
    ("bbox=1,2,3", "query.bbox"),
    ("bbox=102.5,25.5,102.4,25.6", "query.bbox"),
    ("bbox=a,b,c,d", "query.bbox"),
    ("bbox=0,0,0,91", "query.bbox"),
    ("q=" + "x" * 101, "query.q"),
    ("sort=title", "query.sort"),
    ("limit=0", "query.limit"),
    ("limit=501", "query.limit"),
    ("cursor=!!", "query.cursor"),
]


@pytest.mark.parametrize(("query", "field"), BAD_QUERIES, ids=[q[:40] for q, _ in BAD_QUERIES])
async def test_bad_input_is_a_422_naming_the_field(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/v1/incidents?{query}", headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]
