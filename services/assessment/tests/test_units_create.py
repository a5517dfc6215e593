"""`POST /v1/units` and `GET /v1/units/{id}`: registering and reading, validation, duplicates,
idempotency."""

from __future__ import annotations

import uuid

import httpx
import pytest

from .factories import ADMIN, BEIJIE, NANJIE, NANJIE_GRID, auth, create_unit, unit_body


async def test_create_then_read(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/units", json=unit_body(key="campus-01", incidents_place_id="place-7"), headers=ADMIN
    )
    assert response.status_code == 201, response.text
    unit = response.json()
    assert response.headers["Location"] == f"/v1/units/{unit['id']}"
    assert response.headers["ETag"] == '"1"'
    assert unit["kind"] == "campus"
    assert unit["name"] == "禄劝县第一中学"
    assert unit["area_code"] == NANJIE_GRID
    assert unit["key"] == "campus-01"
    assert unit["incidents_place_id"] == "place-7"
    assert unit["contact"] == {"name": "张丽", "phone": "13812345678", "wecom_user_id": "zhangli"}
    assert unit["version"] == 1
    assert unit["parent_unit_id"] is None

    read = await client.get(f"/v1/units/{unit['id']}", headers=ADMIN)
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    assert read.json() == unit


async def test_names_are_trimmed(client: httpx.AsyncClient) -> None:
    unit = await create_unit(client, name="  禄劝县民族中学 ")
    assert unit["name"] == "禄劝县民族中学"


async def test_parent_unit(client: httpx.AsyncClient) -> None:
    community = await create_unit(client, kind="community", name="南街社区居委会", area_code=NANJIE)
    compound = await create_unit(
        client, kind="residential_compound", name="锦绣花园", parent_unit_id=community["id"]
    )
    assert compound["parent_unit_id"] == community["id"]


async def test_unknown_parent_unit_is_named(client: httpx.AsyncClient) -> None:
    body = unit_body(parent_unit_id=str(uuid.uuid4()))
    response = await client.post("/v1/units", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.parent_unit_id"


async def test_parent_outside_the_callers_areas_is_unknown(client: httpx.AsyncClient) -> None:
    parent = await create_unit(client, kind="community", name="北街社区居委会", area_code=BEIJIE)
    nanjie_leader = auth("leader", areas=[NANJIE])
    body = unit_body(parent_unit_id=parent["id"])
    response = await client.post("/v1/units", json=body, headers=nanjie_leader)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_unit"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact": {"name": "张丽", "phone": "12812345678"}}, "body.contact.phone"),
        ({"contact": {"name": "张丽", "phone": "1381234567"}}, "body.contact.phone"),
        ({"area_code": "53012"}, "body.area_code"),
        ({"area_code": "5301281000a1"}, "body.area_code"),
        ({"kind": "hospital"}, "body.kind"),
        ({"name": "   "}, "body.name"),
        ({"key": "has space"}, "body.key"),
        ({"surprise": 1}, "body.surprise"),
    ],
)
async def test_validation_names_the_field(
    client: httpx.AsyncClient, overrides: dict[str, object], field: str
) -> None:
    response = await client.post("/v1/units", json=unit_body(**overrides), headers=ADMIN)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert [e["field"] for e in problem["errors"]] == [field]


async def test_missing_contact_is_named(client: httpx.AsyncClient) -> None:
    body = unit_body()
    del body["contact"]
    response = await client.post("/v1/units", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.contact"


async def test_malformed_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/units",
        content=b'{"kind": "campus", "name": ',
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"].startswith("body")
    assert error["code"] == "json_invalid"


async def test_same_name_in_the_same_area_conflicts(client: httpx.AsyncClient) -> None:
    await create_unit(client)
    response = await client.post("/v1/units", json=unit_body(), headers=ADMIN)
    assert response.status_code == 409
    assert response.json()["type"].endswith("/unit-exists")
    assert "name" in response.json()["detail"]


async def test_same_name_in_another_area_is_another_unit(client: httpx.AsyncClient) -> None:
    first = await create_unit(client)
    second = await create_unit(client, area_code=BEIJIE)
    assert first["id"] != second["id"]


async def test_same_key_conflicts(client: httpx.AsyncClient) -> None:
    await create_unit(client, key="inst-001")
    response = await client.post(
        "/v1/units", json=unit_body(key="inst-001", name="禄劝县公安局"), headers=ADMIN
    )
    assert response.status_code == 409
    assert "key" in response.json()["detail"]


async def test_idempotent_retry_returns_the_first_unit(client: httpx.AsyncClient) -> None:
    headers = {**ADMIN, "Idempotency-Key": "register-school-1"}
    first = await client.post("/v1/units", json=unit_body(), headers=headers)
    again = await client.post("/v1/units", json=unit_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    listed = await client.get("/v1/units", headers=ADMIN)
    assert [u["id"] for u in listed.json()["items"]] == [first.json()["id"]]


async def test_idempotency_key_with_another_body_is_refused(client: httpx.AsyncClient) -> None:
    headers = {**ADMIN, "Idempotency-Key": "register-school-2"}
    first = await client.post("/v1/units", json=unit_body(), headers=headers)
    assert first.status_code == 201
    other = await client.post("/v1/units", json=unit_body(name="屏山镇中心学校"), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")


async def test_read_unknown_unit(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/v1/units/{uuid.uuid4()}", headers=ADMIN)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_read_malformed_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/units/not-a-uuid", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.unit_id"
