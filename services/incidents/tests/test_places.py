"""Registering, listing and reading places, and who may."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_REGISTER = {"admin", "leader", "police", "community"}
MAY_READ = MAY_REGISTER | {"patrol", "service", "inspector"}
MARKET = {
    "kind": "market",
    "name": "南街农贸市场",
    "area_code": NANJIE,
    "lat": 25.556,
    "lon": 102.468,
}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_place_matrix(client: httpx.AsyncClient, role: str) -> None:
    headers = bearer(role, areas=[NANJIE])
    created = await client.post("/v1/places", json=MARKET, headers=headers)
    assert created.status_code == (201 if role in MAY_REGISTER else 403), created.text
    if created.status_code != 201:
        created = await client.post("/v1/places", json=MARKET, headers=bearer("admin"))
    place_id = created.json()["id"]
    read = await client.get(f"/v1/places/{place_id}", headers=headers)
    assert read.status_code == (200 if role in MAY_READ else 403)
    outside = await client.get(f"/v1/places/{place_id}", headers=bearer(role, areas=[BEIJIE]))
    assert outside.status_code == (404 if role in MAY_READ else 403)
    listed = await client.get("/v1/places", headers=headers)
    assert listed.status_code == (200 if role in MAY_READ else 403)


async def test_list_pages_and_filters(client: httpx.AsyncClient) -> None:
    admin = bearer("admin")
    for i in range(5):
        kind = "market" if i % 2 else "shop"
        body = {**MARKET, "kind": kind, "name": f"场所{i}"}
        assert (await client.post("/v1/places", json=body, headers=admin)).status_code == 201
    first = (await client.get("/v1/places?limit=3", headers=admin)).json()
    second = (
        await client.get(f"/v1/places?limit=3&cursor={first['next_cursor']}", headers=admin)
    ).json()
    names = {p["name"] for p in first["items"] + second["items"]}
    assert names == {f"场所{i}" for i in range(5)}
    assert second["next_cursor"] is None
    markets = (await client.get("/v1/places?kind=market", headers=admin)).json()["items"]
    assert {p["name"] for p in markets} == {"场所1", "场所3"}


@pytest.mark.parametrize(
    ("override", "status", "field"),
    [
        ({"kind": "castle"}, 422, "body.kind"),
        ({"lat": 25.5, "lon": None}, 422, "body"),
        ({"area_code": "530128100001999"}, 422, "body.area_code"),
        ({"area_code": BEIJIE}, 403, None),
    ],
)
async def test_bad_places(
    client: httpx.AsyncClient, override: dict[str, object], status: int, field: str | None
) -> None:
    response = await client.post(
        "/v1/places", json={**MARKET, **override}, headers=bearer("police", areas=[NANJIE])
    )
    assert response.status_code == status, response.text
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]


async def test_external_key_is_unique(client: httpx.AsyncClient) -> None:
    body = {**MARKET, "external_key": "MKT-001"}
    assert (await client.post("/v1/places", json=body, headers=bearer("admin"))).status_code == 201
    again = await client.post("/v1/places", json=body, headers=bearer("admin"))
    assert again.status_code == 409
