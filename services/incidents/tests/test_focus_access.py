"""Who may do what with focus problems: every route over all eight roles, inside and outside the
caller's areas. Leaders and the governance office (admin) write; all staff of the area read;
patrol members, inspectors, unit contacts and other systems nothing. Outside the caller's areas
a problem is a 404; making one there is a 403."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.focus.rules import local_today
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
WRITE = {"admin", "leader"}
READ = {"admin", "leader", "police", "community"}


def body(area: str = NANJIE) -> dict[str, Any]:
    """A problem over a whole area."""
    return {
        "title": "夜间斗殴",
        "source": "area",
        "area_code": area,
        "owner": {"phone": "13800001111"},
    }


@dataclass(frozen=True)
class Route:
    """A route, who may call it, what it answers, and its body."""

    method: str
    path: Callable[[str], str]
    roles: set[str]
    ok: int
    json: Callable[[], dict[str, Any] | None] = lambda: None


ROUTES = {
    "list": Route("GET", lambda _: "/v1/focus-problems", READ, 200),
    "get": Route("GET", lambda pid: f"/v1/focus-problems/{pid}", READ, 200),
    "effect": Route("GET", lambda pid: f"/v1/focus-problems/{pid}/effect", READ, 200),
    "update": Route(
        "PATCH", lambda pid: f"/v1/focus-problems/{pid}", WRITE, 200, lambda: {"title": "改"}
    ),
    "measure": Route(
        "POST",
        lambda pid: f"/v1/focus-problems/{pid}/measures",
        WRITE,
        201,
        lambda: {"taken_on": local_today().isoformat(), "text": "夜间巡逻加密"},
    ),
    "delete": Route("DELETE", lambda pid: f"/v1/focus-problems/{pid}", WRITE, 204),
}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def _made(client: httpx.AsyncClient, area: str = NANJIE) -> str:
    response = await client.post(
        "/v1/focus-problems", json=body(area), headers=bearer("admin", areas=[area])
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_create_matrix(client: httpx.AsyncClient, role: str) -> None:
    inside = await client.post(
        "/v1/focus-problems", json=body(), headers=bearer(role, areas=[NANJIE])
    )
    assert inside.status_code == (201 if role in WRITE else 403), inside.text
    outside = await client.post(
        "/v1/focus-problems", json=body(BEIJIE), headers=bearer(role, areas=[NANJIE])
    )
    assert outside.status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", ROUTES)
async def test_route_matrix(client: httpx.AsyncClient, role: str, name: str) -> None:
    route = ROUTES[name]
    problem_id = await _made(client)
    headers = {**bearer(role, areas=[NANJIE]), "If-Match": '"1"'}
    inside = await client.request(
        route.method, route.path(problem_id), json=route.json(), headers=headers
    )
    assert inside.status_code == (route.ok if role in route.roles else 403), inside.text
    elsewhere = await _made(client, BEIJIE)
    outside = await client.request(
        route.method, route.path(elsewhere), json=route.json(), headers=headers
    )
    if role not in route.roles:
        assert outside.status_code == 403
    elif name == "list":
        assert elsewhere not in {p["id"] for p in outside.json()["items"]}
    else:
        assert outside.status_code == 404, outside.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not.a.jwt"}],
    ids=["missing", "garbage"],
)
async def test_without_a_good_token_it_is_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for method, path in (("GET", "/v1/focus-problems"), ("POST", "/v1/focus-problems")):
        response = await client.request(method, path, json=body(), headers=headers)
        assert response.status_code == 401
