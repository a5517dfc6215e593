"""Who may record and read survey samples: the role matrix, area scoping, unit contacts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .factories import ADMIN, BEIJIE, NANJIE, OTHER_COUNTY, auth, create_unit
from .test_surveys_api import sample_body

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
RECORDERS = {"admin", "inspector"}
READERS = {"admin", "leader", "inspector", "service", "unit"}
READ_PATHS = (
    "/v1/surveys",
    "/v1/surveys/{id}",
    "/v1/surveys/rates",
    PLAN := "/v1/surveys/sample-size?margin=0.05",
)


async def _units_sample(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    unit = await create_unit(client)
    body = sample_body(unit_id=unit["id"], area_code=None)
    response = await client.post("/v1/surveys", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return unit, response.json()


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_record_by_role(client: httpx.AsyncClient, role: str) -> None:
    response = await client.post("/v1/surveys", json=sample_body(), headers=auth(role))
    assert response.status_code == (201 if role in RECORDERS else 403), response.text


@pytest.mark.parametrize("role", sorted(RECORDERS))
async def test_record_outside_the_callers_areas(client: httpx.AsyncClient, role: str) -> None:
    response = await client.post(
        "/v1/surveys", json=sample_body(), headers=auth(role, areas=[BEIJIE])
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("/outside-areas")


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", READ_PATHS)
async def test_read_by_role(client: httpx.AsyncClient, role: str, path: str) -> None:
    unit, sample = await _units_sample(client)
    headers = auth(role, unit_id=unit["id"])
    response = await client.get(path.format(id=sample["id"]), headers=headers)
    assert response.status_code == (200 if role in READERS else 403), response.text


@pytest.mark.parametrize("path", ["/v1/surveys", "/v1/surveys/{id}", "/v1/surveys/rates", PLAN])
async def test_without_token(client: httpx.AsyncClient, path: str) -> None:
    _, sample = await _units_sample(client)
    assert (await client.get(path.format(id=sample["id"]))).status_code == 401


async def test_create_without_token(client: httpx.AsyncClient) -> None:
    assert (await client.post("/v1/surveys", json=sample_body())).status_code == 401


@pytest.mark.parametrize("role", ["leader", "inspector", "service"])
async def test_outside_the_callers_areas_is_invisible(client: httpx.AsyncClient, role: str) -> None:
    unit, sample = await _units_sample(client)
    headers = auth(role, areas=[BEIJIE, OTHER_COUNTY])
    assert (await client.get(f"/v1/surveys/{sample['id']}", headers=headers)).status_code == 404
    assert (await client.get("/v1/surveys", headers=headers)).json()["items"] == []
    rates = await client.get(f"/v1/surveys/rates?unit_id={unit['id']}", headers=headers)
    assert rates.status_code == 404
    pooled = (await client.get(f"/v1/surveys/rates?area={NANJIE}", headers=headers)).json()
    assert pooled["samples"] == 0


async def test_a_unit_contact_sees_only_its_own_units_samples(client: httpx.AsyncClient) -> None:
    unit, own = await _units_sample(client)
    area_sample = (await client.post("/v1/surveys", json=sample_body(), headers=ADMIN)).json()
    other = await create_unit(client, name="屏山镇中心学校")
    other_body = sample_body(
        unit_id=other["id"], area_code=None, n_asked=10, n_aware=1, n_participating=1
    )
    assert (await client.post("/v1/surveys", json=other_body, headers=ADMIN)).status_code == 201
    headers = auth("unit", unit_id=unit["id"])
    listed = (await client.get("/v1/surveys", headers=headers)).json()["items"]
    assert [s["id"] for s in listed] == [own["id"]]
    assert (
        await client.get(f"/v1/surveys/{area_sample['id']}", headers=headers)
    ).status_code == 404
    pooled = (await client.get(f"/v1/surveys/rates?area={NANJIE}", headers=headers)).json()
    assert (pooled["samples"], pooled["awareness"]["n"]) == (1, own["n_asked"])
    other_rates = await client.get(f"/v1/surveys/rates?unit_id={other['id']}", headers=headers)
    assert other_rates.status_code == 404
    no_claim = auth("unit")
    assert (await client.get("/v1/surveys", headers=no_claim)).json()["items"] == []
    assert (await client.get(f"/v1/surveys/{own['id']}", headers=no_claim)).status_code == 404
