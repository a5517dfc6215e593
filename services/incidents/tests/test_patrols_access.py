"""Who may do what with patrols: every route over all eight roles, inside and outside the area.

Staff manage teams, members, guard points, schedules and shifts in their areas; patrol members
write their own team's logs; staff, patrol members (own team) and systems read; inspectors read
coverage only; unit contacts nothing. Outside the caller's areas a record is a 404; a create
naming an area outside is a 403 (as reporting an incident there), one naming a team the caller
cannot see a 422.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE
from incidents_patrols import LEADER_SUB, NANJIE_POINT, PatrolSeed, iso, seed_patrols
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MANAGE = {"admin", "leader", "police", "community"}
READ = MANAGE | {"patrol", "service"}
COVERAGE = READ | {"inspector"}
LOG = {"patrol"}
POSITION = {**NANJIE_POINT}


@dataclass(frozen=True)
class Route:
    """A route, who may call it, and what it answers inside and outside the caller's areas."""

    method: str
    path: Callable[[PatrolSeed], str]
    roles: set[str]
    ok: int
    outside: int | None = 404  # None: a list, which just leaves the record out
    body: Callable[[PatrolSeed], dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    listed: Callable[[PatrolSeed], str] | None = None


IF_MATCH = {"If-Match": '"1"'}
ROUTES = {
    "team_create": Route(
        "POST",
        lambda s: "/v1/patrols/teams",
        MANAGE,
        201,
        403,
        lambda s: {"name": "新队", "kind": "patrol_team", "area_code": NANJIE},
    ),
    "team_list": Route(
        "GET", lambda s: "/v1/patrols/teams", READ, 200, None, listed=lambda s: str(s.team)
    ),
    "team_get": Route("GET", lambda s: f"/v1/patrols/teams/{s.team}", READ, 200),
    "team_update": Route(
        "PATCH",
        lambda s: f"/v1/patrols/teams/{s.team}",
        MANAGE,
        200,
        body=lambda s: {"name": "南街巡防一队"},
        headers=IF_MATCH,
    ),
    "member_create": Route(
        "POST",
        lambda s: f"/v1/patrols/teams/{s.team}/members",
        MANAGE,
        201,
        body=lambda s: {"name": "赵云", "phone": "13600000009"},
    ),
    "member_update": Route(
        "PATCH",
        lambda s: f"/v1/patrols/members/{s.member}",
        MANAGE,
        200,
        body=lambda s: {"name": "王芳芳"},
        headers=IF_MATCH,
    ),
    "guard_point_create": Route(
        "POST",
        lambda s: "/v1/patrols/guard-points",
        MANAGE,
        201,
        403,
        lambda s: {"name": "学校门口守点", "area_code": NANJIE, "position": POSITION},
    ),
    "guard_point_list": Route(
        "GET",
        lambda s: "/v1/patrols/guard-points",
        READ,
        200,
        None,
        listed=lambda s: str(s.guard_point),
    ),
    "guard_point_get": Route(
        "GET", lambda s: f"/v1/patrols/guard-points/{s.guard_point}", READ, 200
    ),
    "guard_point_update": Route(
        "PATCH",
        lambda s: f"/v1/patrols/guard-points/{s.guard_point}",
        MANAGE,
        200,
        body=lambda s: {"active": False},
        headers=IF_MATCH,
    ),
    "schedule_create": Route(
        "POST",
        lambda s: "/v1/patrols/schedules",
        MANAGE,
        201,
        422,
        lambda s: {
            "team_id": str(s.team),
            "weekdays": [6, 7],
            "start_time": "09:00",
            "duration_minutes": 120,
            "valid_from": "2026-11-01",
        },
    ),
    "schedule_list": Route(
        "GET", lambda s: "/v1/patrols/schedules", READ, 200, None, listed=lambda s: str(s.schedule)
    ),
    "schedule_get": Route("GET", lambda s: f"/v1/patrols/schedules/{s.schedule}", READ, 200),
    "schedule_update": Route(
        "PATCH",
        lambda s: f"/v1/patrols/schedules/{s.schedule}",
        MANAGE,
        200,
        body=lambda s: {"active": False},
        headers=IF_MATCH,
    ),
    "shift_create": Route(
        "POST",
        lambda s: "/v1/patrols/shifts",
        MANAGE,
        201,
        422,
        lambda s: {
            "team_id": str(s.team),
            "starts_at": iso("2026-11-21 18:00"),
            "ends_at": iso("2026-11-21 22:00"),
        },
    ),
    "shift_list": Route(
        "GET", lambda s: "/v1/patrols/shifts", READ, 200, None, listed=lambda s: str(s.shift)
    ),
    "shift_get": Route("GET", lambda s: f"/v1/patrols/shifts/{s.shift}", READ, 200),
    "shift_cancel": Route("POST", lambda s: f"/v1/patrols/shifts/{s.shift}/cancel", MANAGE, 200),
    "shift_materialise": Route(
        "POST", lambda s: "/v1/patrols/shifts/materialise", MANAGE, 200, 200, lambda s: {"days": 7}
    ),
    "on_duty": Route(
        "GET",
        lambda s: f"/v1/patrols/on-duty?area={NANJIE}&at=2026-11-20T20:00:00%2B08:00",
        READ,
        200,
    ),
    "log_check_in": Route(
        "POST",
        lambda s: "/v1/patrols/logs",
        LOG,
        201,
        422,
        lambda s: {
            "team_id": str(s.team),
            "member_id": str(s.member),
            "at": iso("2026-11-20 18:10"),
            "position": POSITION,
        },
    ),
    "log_list": Route(
        "GET", lambda s: "/v1/patrols/logs", READ, 200, None, listed=lambda s: str(s.log)
    ),
    "log_get": Route("GET", lambda s: f"/v1/patrols/logs/{s.log}", READ, 200),
    "log_track": Route(
        "POST",
        lambda s: f"/v1/patrols/logs/{s.log}/track",
        LOG,
        200,
        body=lambda s: {"points": [{"at": iso("2026-11-20 18:10"), **NANJIE_POINT}]},
    ),
    "log_check_out": Route(
        "POST",
        lambda s: f"/v1/patrols/logs/{s.log}/check-out",
        LOG,
        200,
        body=lambda s: {"at": iso("2026-11-20 21:50"), "position": POSITION},
    ),
    "finding_create": Route(
        "POST",
        lambda s: f"/v1/patrols/logs/{s.log}/findings",
        LOG,
        201,
        body=lambda s: {
            "text": "消防通道堵塞",
            "category": "fire_hazard",
            "position": POSITION,
            "found_at": iso("2026-11-20 19:00"),
        },
    ),
    "coverage": Route("GET", lambda s: f"/v1/patrols/coverage?area={NANJIE}", COVERAGE, 200),
}


@pytest.fixture
async def seed(session: AsyncSession) -> PatrolSeed:
    return await seed_patrols(session)


async def _call(
    client: httpx.AsyncClient, route: Route, seed: PatrolSeed, role: str, area: str
) -> httpx.Response:
    headers = {**bearer(role, areas=[area], sub=LEADER_SUB), **route.headers}
    body = route.body(seed) if route.body else None
    return await client.request(route.method, route.path(seed), json=body, headers=headers)


async def test_every_patrol_route_is_in_the_matrix(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operations = {
        operation["operationId"].removeprefix("patrols_")
        for path, methods in schema["paths"].items()
        if path.startswith("/v1/patrols")
        for operation in methods.values()
    }
    assert operations == set(ROUTES)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", list(ROUTES))
async def test_matrix(client: httpx.AsyncClient, seed: PatrolSeed, name: str, role: str) -> None:
    route = ROUTES[name]
    # Outside first: a write inside would change what the outside call finds.
    outside = await _call(client, route, seed, role, BEIJIE)
    if role not in route.roles:
        assert outside.status_code == 403, outside.text
    elif route.outside is None:
        assert outside.status_code == 200
        assert route.listed is not None
        assert route.listed(seed) not in {item["id"] for item in outside.json()["items"]}
    else:
        assert outside.status_code == route.outside, outside.text
    inside = await _call(client, route, seed, role, NANJIE)
    assert inside.status_code == (route.ok if role in route.roles else 403), inside.text
    if route.listed is not None and role in route.roles:
        assert route.listed(seed) in {item["id"] for item in inside.json()["items"]}


@pytest.mark.parametrize(
    "name", ["team_get", "guard_point_get", "schedule_get", "shift_get", "log_get", "log_track"]
)
async def test_a_patrol_member_of_another_team_sees_nothing(
    client: httpx.AsyncClient, seed: PatrolSeed, name: str
) -> None:
    route = ROUTES[name]
    headers = bearer("patrol", areas=[NANJIE], sub="someone-else")
    body = route.body(seed) if route.body else None
    response = await client.request(route.method, route.path(seed), json=body, headers=headers)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("name", ["team_list", "guard_point_list", "schedule_list", "log_list"])
async def test_lists_show_a_patrol_member_only_their_teams(
    client: httpx.AsyncClient, seed: PatrolSeed, name: str
) -> None:
    route = ROUTES[name]
    town = bearer("patrol", areas=["530128"], sub=LEADER_SUB)
    stranger = bearer("patrol", areas=["530128"], sub="someone-else")
    mine = (await client.get(route.path(seed), headers=town)).json()["items"]
    assert mine
    assert all(item.get("team_id", item["id"]) != str(seed.other_team) for item in mine)
    assert (await client.get(route.path(seed), headers=stranger)).json()["items"] == []


async def test_on_duty_hides_other_teams_from_a_patrol_member(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    path = ROUTES["on_duty"].path(seed)
    staff = (await client.get(path, headers=bearer("police", areas=[NANJIE]))).json()
    assert [t["team_id"] for t in staff["teams"]] == [str(seed.team)]
    stranger = bearer("patrol", areas=[NANJIE], sub="someone-else")
    assert (await client.get(path, headers=stranger)).json()["teams"] == []
