"""Who may create, read, change and version schemes: the role matrix of every scheme route."""

from __future__ import annotations

import httpx
import pytest

from .assessment_rounds_world import create_scheme, scheme_body
from .factories import auth

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
READERS = {"admin", "leader", "inspector", "unit", "service"}


def content() -> dict:
    body = scheme_body()
    body.pop("code")
    return body


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_create(client: httpx.AsyncClient, role: str) -> None:
    response = await client.post("/v1/schemes", json=scheme_body(), headers=auth(role))
    assert response.status_code == (201 if role == "admin" else 403), response.text


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_read_and_list(client: httpx.AsyncClient, role: str) -> None:
    scheme = await create_scheme(client)
    expected = 200 if role in READERS else 403
    read = await client.get(f"/v1/schemes/{scheme['id']}", headers=auth(role))
    listed = await client.get("/v1/schemes", headers=auth(role))
    assert (read.status_code, listed.status_code) == (expected, expected)


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_update(client: httpx.AsyncClient, role: str) -> None:
    scheme = await create_scheme(client)
    url = f"/v1/schemes/{scheme['id']}"
    etag = (await client.get(url, headers=auth("admin"))).headers["ETag"]
    response = await client.put(url, json=content(), headers={**auth(role), "If-Match": etag})
    assert response.status_code == (200 if role == "admin" else 403), response.text


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_new_version(client: httpx.AsyncClient, role: str) -> None:
    scheme = await create_scheme(client)
    response = await client.post(
        f"/v1/schemes/{scheme['id']}/versions", json={}, headers=auth(role)
    )
    assert response.status_code == (201 if role == "admin" else 403), response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/schemes"), ("GET", "/v1/schemes"), ("GET", "/v1/schemes/{id}"),
     ("PUT", "/v1/schemes/{id}"), ("POST", "/v1/schemes/{id}/versions")],
)  # fmt: skip
async def test_without_a_token(client: httpx.AsyncClient, method: str, path: str) -> None:
    scheme = await create_scheme(client)
    response = await client.request(method, path.format(id=scheme["id"]), json={})
    assert response.status_code == 401
