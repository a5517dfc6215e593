"""`GET /v1/units/{id}/incident-stats`: asked of incidents over real HTTP with a service token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from pingan_shared.testing import bearer, free_port

from .conftest import FAILING_AREA
from .factories import ADMIN, BEIJIE, COUNTY, auth, create_unit, unit_body
from .fake_incidents import FakeIncidents

PERIOD = {"from": "2026-11-01T00:00:00+08:00", "to": "2026-11-28T00:00:00+08:00"}
ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
READERS = {"admin", "leader", "inspector", "service", "unit"}


async def test_counts_pass_through(
    client: httpx.AsyncClient, fake_incidents: FakeIncidents
) -> None:
    unit = await create_unit(client)
    response = await client.get(
        f"/v1/units/{unit['id']}/incident-stats", params=PERIOD, headers=ADMIN
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "unit_id": unit["id"],
        "area_code": unit["area_code"],
        "period_from": "2026-11-01T00:00:00+08:00",
        "period_to": "2026-11-28T00:00:00+08:00",
        "total": 7,
        "by_category": [
            {"category": "theft", "name": "盗窃", "count": 5},
            {"category": "fraud", "name": "诈骗", "count": 2},
        ],
    }
    [asked] = fake_incidents.requests
    assert asked["query"] == {"area": unit["area_code"], **PERIOD}


async def test_incidents_is_asked_with_a_service_token(
    client: httpx.AsyncClient, fake_incidents: FakeIncidents
) -> None:
    unit = await create_unit(client)
    headers = auth("inspector")
    response = await client.get(f"/v1/units/{unit['id']}/incident-stats", headers=headers)
    assert response.status_code == 200, response.text
    claims: dict[str, Any] = fake_incidents.requests[0]["claims"]
    assert claims["sub"] == "assessment"
    assert claims["roles"] == ["service"]
    assert claims["areas"] == ["53"]


async def test_default_period_is_left_to_incidents(
    client: httpx.AsyncClient, fake_incidents: FakeIncidents
) -> None:
    unit = await create_unit(client)
    response = await client.get(f"/v1/units/{unit['id']}/incident-stats", headers=ADMIN)
    assert response.status_code == 200
    assert fake_incidents.requests[0]["query"] == {"area": unit["area_code"]}
    assert response.json()["total"] == 7


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_stats_by_role(client: httpx.AsyncClient, role: str) -> None:
    unit = await create_unit(client)
    headers = auth(role, unit_id=unit["id"] if role == "unit" else None)
    response = await client.get(f"/v1/units/{unit['id']}/incident-stats", headers=headers)
    assert response.status_code == (200 if role in READERS else 403), response.text


async def test_area_unknown_to_incidents(
    client: httpx.AsyncClient, fake_incidents: FakeIncidents
) -> None:
    unit = await create_unit(client, area_code=BEIJIE)
    response = await client.get(f"/v1/units/{unit['id']}/incident-stats", headers=ADMIN)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/area-not-found")
    assert fake_incidents.requests[0]["query"]["area"] == BEIJIE


async def test_incidents_failing_is_unavailable(client: httpx.AsyncClient) -> None:
    unit = await create_unit(client, area_code=FAILING_AREA)
    response = await client.get(f"/v1/units/{unit['id']}/incident-stats", headers=ADMIN)
    assert response.status_code == 503
    assert response.json()["detail"] == "incidents service unavailable"
    assert "Retry-After" in response.headers


async def test_incidents_down_is_unavailable(other_app: Any) -> None:
    nothing_listens = f"http://127.0.0.1:{free_port()}"
    async with other_app(incidents_url=nothing_listens) as client:
        unit = await create_unit(client)
        response = await client.get(f"/v1/units/{unit['id']}/incident-stats", headers=ADMIN)
    assert response.status_code == 503
    assert response.json()["title"] == "Service Unavailable"
    assert response.json()["detail"] == "incidents service unavailable"


async def test_token_areas_are_a_setting(other_app: Any, fake_incidents: FakeIncidents) -> None:
    async with other_app(
        incidents_url=fake_incidents.url, incidents_token_areas=[BEIJIE]
    ) as client:
        unit = await create_unit(client)
        response = await client.get(f"/v1/units/{unit['id']}/incident-stats", headers=ADMIN)
    # The fake, like incidents, hides areas outside the token's areas.
    assert response.status_code == 404
    assert fake_incidents.requests[0]["claims"]["areas"] == [BEIJIE]


async def test_incidents_refusing_the_token_is_a_bad_gateway(
    other_app: Any, fake_incidents: FakeIncidents
) -> None:
    secret = "a-secret-incidents-does-not-share-0123"
    admin = bearer("admin", areas=[COUNTY], secret=secret)
    async with other_app(incidents_url=fake_incidents.url, jwt_secret=SecretStr(secret)) as client:
        created = await client.post("/v1/units", json=unit_body(), headers=admin)
        assert created.status_code == 201
        unit_id = created.json()["id"]
        response = await client.get(f"/v1/units/{unit_id}/incident-stats", headers=admin)
    assert response.status_code == 502
    assert response.json()["type"].endswith("/incidents-bad-answer")
    assert fake_incidents.requests == []  # refused before it was counted


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-11-28T00:00:00+08:00", "to": "2026-11-01T00:00:00+08:00"}, "query.from"),
        ({"from": "2026-11-01T00:00:00"}, "query.from"),
        ({"to": "yesterday"}, "query.to"),
    ],
)
async def test_bad_period_is_refused_before_asking(
    client: httpx.AsyncClient, fake_incidents: FakeIncidents, query: dict[str, str], field: str
) -> None:
    unit = await create_unit(client)
    response = await client.get(
        f"/v1/units/{unit['id']}/incident-stats", params=query, headers=ADMIN
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert fake_incidents.requests == []
