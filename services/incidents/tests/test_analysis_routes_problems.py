"""Bad input to the analysis routes answers problems naming the field; areas outside the
caller's are not found; the permission matrix of every analysis route."""

from __future__ import annotations

import httpx
import pytest
from incidents_analysis import ADMIN, seed_analysis_areas
from incidents_factories import BEIJIE, NANJIE, TOWN
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_ANALYSE = {"admin", "leader", "police", "community", "service", "inspector"}
ROUTES = [
    "breakdown",
    "times",
    "suspects",
    "hot-spots",
    "hot-spots.geojson",
    "hot-places",
    "near-repeat",
]
MONTH = "period=2026-11"


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_analysis_areas(session)


COMMON = [
    ("", "query.area"),
    ("area=abc", "query.area"),
    (f"area={TOWN}&from=2026-12-01T00:00:00%2B08:00&to=2026-11-01T00:00:00%2B08:00", "query.from"),
    (f"area={TOWN}&from=2026-11-01T00:00:00", "query.from"),
    (f"area={TOWN}&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "query.to"),
    (f"area={TOWN}&{MONTH}&from=2026-11-01T00:00:00Z", "query.period"),
    (f"area={TOWN}&period=2026-13", "query.period"),
    (f"area={TOWN}&period=2026-W54", "query.period"),
    (f"area={TOWN}&period=last-month", "query.period"),
    (f"area={TOWN}&{MONTH}&category=no_such_category", "query.category"),
    (f"area={TOWN}&{MONTH}&category=Theft!", "query.category.0"),
    (f"area={TOWN}&{MONTH}&severity=extreme", "query.severity.0"),
    (f"area={TOWN}&{MONTH}&place_kind=castle", "query.place_kind.0"),
]
SPECIFIC = [
    ("hot-spots", "resolution=6", "query.resolution"),
    ("hot-spots", "resolution=11", "query.resolution"),
    ("hot-spots.geojson", "resolution=11", "query.resolution"),
    ("hot-spots", "permutations=100", "query.permutations"),
    ("hot-spots", "alpha=0.5", "query.alpha"),
    ("hot-spots", "rings=0", "query.rings"),
    ("hot-places", "min_count=1", "query.min_count"),
    ("hot-places", "limit=101", "query.limit"),
    ("near-repeat", "distance_bands=a,b", "query.distance_bands"),
    ("near-repeat", "distance_bands=200,100", "query.distance_bands"),
    ("near-repeat", "distance_bands=100,nan", "query.distance_bands"),
    ("near-repeat", "distance_bands=100,6000", "query.distance_bands"),
    ("near-repeat", "time_bands=0,7", "query.time_bands"),
    ("near-repeat", "time_bands=" + ",".join(str(d) for d in range(1, 13)), "query.time_bands"),
    ("near-repeat", "permutations=9", "query.permutations"),
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("query", "field"), COMMON)
async def test_bad_filters_name_the_field(
    client: httpx.AsyncClient, route: str, query: str, field: str
) -> None:
    response = await client.get(f"/v1/analysis/{route}?{query}", headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(("route", "query", "field"), SPECIFIC)
async def test_bad_parameters_name_the_field(
    client: httpx.AsyncClient, route: str, query: str, field: str
) -> None:
    response = await client.get(f"/v1/analysis/{route}?area={TOWN}&{MONTH}&{query}", headers=ADMIN)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("route", ROUTES)
async def test_an_unknown_area_is_not_found(client: httpx.AsyncClient, route: str) -> None:
    response = await client.get(f"/v1/analysis/{route}?area=530128999999&{MONTH}", headers=ADMIN)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("role", ALL_ROLES)
async def test_analysis_matrix(client: httpx.AsyncClient, route: str, role: str) -> None:
    headers = bearer(role, areas=[NANJIE])
    inside = await client.get(f"/v1/analysis/{route}?area={NANJIE}&{MONTH}", headers=headers)
    assert inside.status_code == (200 if role in MAY_ANALYSE else 403), inside.text
    outside = await client.get(f"/v1/analysis/{route}?area={BEIJIE}&{MONTH}", headers=headers)
    assert outside.status_code == (404 if role in MAY_ANALYSE else 403)
    # The town holds the caller's community but is wider than it: refused as well.
    wider = await client.get(f"/v1/analysis/{route}?area={TOWN}&{MONTH}", headers=headers)
    assert wider.status_code == (404 if role in MAY_ANALYSE else 403)
