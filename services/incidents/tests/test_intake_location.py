"""A report without an area code goes to the deepest area whose boundary holds its location."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import NANJIE, NANJIE_GRID, report, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

ADMIN = bearer("admin")


def square(lat: float, lon: float, half: float) -> dict[str, object]:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession, client: httpx.AsyncClient) -> None:
    await seed_areas(session)
    for code, half in ((NANJIE, 0.01), (NANJIE_GRID, 0.002)):
        put = await client.put(
            f"/v1/areas/{code}/boundary", json=square(25.5561, 102.4682, half), headers=ADMIN
        )
        assert put.status_code == 200, put.text


async def test_the_grid_holding_the_point_is_the_area(client: httpx.AsyncClient) -> None:
    body = report()
    del body["area_code"]
    created = await client.post(
        "/v1/incidents", json=body, headers=bearer("police", areas=[NANJIE])
    )
    assert created.status_code == 201, created.text
    assert created.json()["area_code"] == NANJIE_GRID
    near_edge = {**body, "location": {"lat": 25.5561 + 0.005, "lon": 102.4682}}
    created = await client.post("/v1/incidents", json=near_edge, headers=ADMIN)
    assert created.json()["area_code"] == NANJIE


async def test_a_point_in_no_area_needs_an_area_code(client: httpx.AsyncClient) -> None:
    body = report(location={"lat": 25.9, "lon": 102.9})
    del body["area_code"]
    refused = await client.post("/v1/incidents", json=body, headers=ADMIN)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.area_code"


async def test_the_resolved_area_must_be_the_callers(client: httpx.AsyncClient) -> None:
    body = report()
    del body["area_code"]
    refused = await client.post(
        "/v1/incidents", json=body, headers=bearer("police", areas=["530128100002"])
    )
    assert refused.status_code == 403
