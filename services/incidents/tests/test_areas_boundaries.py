"""Area boundaries: checking GeoJSON, resolving points to the deepest area, who may draw them."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest
from incidents_boundaries import square
from incidents_factories import BEIJIE, NANJIE, NANJIE_GRID, TOWN, seed_areas
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from incidents.areas.geo import BoundaryError, polygon_parts, resolve_area, store_boundary
from incidents.areas.models import AreaBoundary
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_READ = {"admin", "leader", "police", "community", "patrol", "inspector", "service"}
GRID_SQUARE = square(102.468, 25.556, 0.001)


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def _raw(connection: AsyncConnection) -> asyncpg.Connection:
    raw = await connection.get_raw_connection()
    conn: asyncpg.Connection = raw.driver_connection
    return conn


async def test_a_point_resolves_to_the_deepest_area(connection: AsyncConnection) -> None:
    conn = await _raw(connection)
    await store_boundary(conn, TOWN, square(102.468, 25.556, 0.04))
    await store_boundary(conn, NANJIE, square(102.468, 25.556, 0.005))
    await store_boundary(conn, NANJIE_GRID, GRID_SQUARE)
    hole = square(102.49, 25.556, 0.002)["coordinates"][0]
    beijie = square(102.49, 25.556, 0.004)
    beijie["coordinates"].append(hole)
    await store_boundary(conn, BEIJIE, beijie)
    assert await resolve_area(conn, 25.556, 102.468) == NANJIE_GRID
    assert await resolve_area(conn, 25.5595, 102.4715) == NANJIE  # outside the grid
    assert await resolve_area(conn, 25.574, 102.486) == TOWN
    assert await resolve_area(conn, 25.556, 102.4935) == BEIJIE
    assert await resolve_area(conn, 25.556, 102.49) == TOWN  # in 北街's hole
    assert await resolve_area(conn, 26.5, 103.0) is None  # on no boundary


async def test_multipolygon_parts_all_count(connection: AsyncConnection) -> None:
    conn = await _raw(connection)
    parts = [square(102.40, 25.50, 0.001), square(102.60, 25.60, 0.001)]
    multi = {"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in parts]}
    await store_boundary(conn, BEIJIE, multi)
    assert await resolve_area(conn, 25.50, 102.40) == BEIJIE
    assert await resolve_area(conn, 25.60, 102.60) == BEIJIE
    assert await resolve_area(conn, 25.55, 102.50) is None
    await store_boundary(conn, BEIJIE, None)
    assert await resolve_area(conn, 25.50, 102.40) is None


RING = [[102.0, 25.0], [102.1, 25.0], [102.1, 25.1], [102.0, 25.0]]


@pytest.mark.parametrize(
    ("geometry", "field"),
    [
        ({"type": "Point", "coordinates": [102.0, 25.0]}, "type"),
        ({"type": "Polygon", "coordinates": []}, "coordinates"),
        ({"type": "Polygon", "coordinates": [RING[:3]]}, "coordinates.0"),
        ({"type": "Polygon", "coordinates": [[*RING[:3], [102.0, 25.05]]]}, "coordinates.0"),
        ({"type": "Polygon", "coordinates": [[[200.0, 25.0], *RING[1:]]]}, "coordinates.0.0"),
        ({"type": "Polygon", "coordinates": [[*RING[:3], [102.0, 95.0]]]}, "coordinates.0.3"),
        ({"type": "Polygon", "coordinates": [[[102.0, 25.0], "x", *RING[2:]]]}, "coordinates.0.1"),
        (
            {"type": "Polygon", "coordinates": [[RING[0], RING[1], RING[0], RING[0]]]},
            "coordinates.0",
        ),
        ({"type": "MultiPolygon", "coordinates": [[RING], [[RING[0]]]]}, "coordinates.1.0"),
    ],
)
def test_bad_geometries_name_the_part(geometry: dict[str, Any], field: str) -> None:
    with pytest.raises(BoundaryError) as caught:
        polygon_parts(geometry)
    assert caught.value.field == field


async def _rings(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(AreaBoundary))).scalar_one()


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_boundary_matrix(client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
    headers = bearer(role, areas=[NANJIE])
    put = await client.put(f"/v1/areas/{NANJIE}/boundary", json=GRID_SQUARE, headers=headers)
    assert put.status_code == (200 if role == "admin" else 403), put.text
    assert await _rings(session) == (1 if role == "admin" else 0)
    if role == "admin":
        assert put.json()["boundary"] == GRID_SQUARE
        outside = await client.put(
            f"/v1/areas/{BEIJIE}/boundary", json=GRID_SQUARE, headers=headers
        )
        assert outside.status_code == 404
    else:
        await client.put(f"/v1/areas/{NANJIE}/boundary", json=GRID_SQUARE, headers=bearer("admin"))
    read = await client.get(f"/v1/areas/{NANJIE}", headers=headers)
    assert read.status_code == (200 if role in MAY_READ else 403)
    if role in MAY_READ:
        assert read.json()["boundary"]["type"] == "Polygon"
    hidden = await client.get(f"/v1/areas/{NANJIE}", headers=bearer(role, areas=[BEIJIE]))
    assert hidden.status_code == (404 if role in MAY_READ else 403)
    features = await client.get("/v1/areas.geojson", headers=headers)
    assert features.status_code == (200 if role in MAY_READ else 403)
    if role in MAY_READ:
        assert [f["id"] for f in features.json()["features"]] == [NANJIE]
        elsewhere = await client.get(f"/v1/areas.geojson?within={BEIJIE}", headers=headers)
        assert elsewhere.json()["features"] == []


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_remove_boundary_matrix(
    client: httpx.AsyncClient, session: AsyncSession, role: str
) -> None:
    admin = bearer("admin")
    await client.put(f"/v1/areas/{NANJIE}/boundary", json=GRID_SQUARE, headers=admin)
    removed = await client.delete(
        f"/v1/areas/{NANJIE}/boundary", headers=bearer(role, areas=[NANJIE])
    )
    assert removed.status_code == (200 if role == "admin" else 403), removed.text
    assert await _rings(session) == (0 if role == "admin" else 1)
    if role == "admin":
        assert removed.json()["boundary"] is None
        outside = await client.delete(
            f"/v1/areas/{NANJIE}/boundary", headers=bearer("admin", areas=[BEIJIE])
        )
        assert outside.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "LineString", "coordinates": RING}, "body.type"),
        ({"type": "Polygon", "coordinates": [RING[:3]]}, "body.coordinates.0"),
        ({"type": "Polygon", "coordinates": [[[181.0, 25.0], *RING[1:]]]}, "body.coordinates.0.0"),
    ],
)
async def test_bad_boundaries_are_422_and_nothing_is_written(
    client: httpx.AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
) -> None:
    response = await client.put(f"/v1/areas/{NANJIE}/boundary", json=body, headers=bearer("admin"))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await _rings(session) == 0


async def test_unknown_area_is_404(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/v1/areas/530128100009/boundary", json=GRID_SQUARE, headers=bearer("admin")
    )
    assert response.status_code == 404
