"""Teams, members and guard points: create, read, change, bad input, idempotency, masking."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE
from incidents_patrols import NANJIE_POINT, PatrolSeed, count, seed_patrols
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.patrols.models import GuardPoint, PatrolMember, PatrolTeam
from pingan_shared.testing import bearer


def _headers(role: str = "community", areas: list[str] | None = None) -> dict[str, str]:
    return bearer(role, areas=areas or [NANJIE], sub=f"{role}-1")


@pytest.fixture
async def seed(session: AsyncSession) -> PatrolSeed:
    return await seed_patrols(session)


def new_team(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "南街第二巡防队",
        "kind": "patrol_team",
        "area_code": NANJIE,
        "members": [
            {"name": "赵敏", "phone": "13600000001", "leader": True, "subject": "zhao"},
            {"name": "钱多", "phone": "13600000002", "wecom_user_id": "qianduo"},
        ],
    }
    body.update(overrides)
    return body


async def test_team_is_created_with_members_and_leader(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    created = await client.post("/v1/patrols/teams", json=new_team(), headers=_headers())
    assert created.status_code == 201, created.text
    team = created.json()
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/v1/patrols/teams/{team['id']}"
    leader = next(m for m in team["members"] if m["name"] == "赵敏")
    assert team["leader_id"] == leader["id"]
    assert leader["leader"] is True
    assert leader["phone"] == "13600000001"
    assert [m["name"] for m in team["members"]] == sorted(m["name"] for m in team["members"])
    read = await client.get(f"/v1/patrols/teams/{team['id']}", headers=_headers("police"))
    assert read.json() == team


async def test_phones_are_masked_for_leaders_and_systems(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    for role, phone in [("leader", "138****0001"), ("service", "138****0001")]:
        team = (await client.get(f"/v1/patrols/teams/{seed.team}", headers=_headers(role))).json()
        assert next(m["phone"] for m in team["members"] if m["leader"]) == phone
    team = (await client.get(f"/v1/patrols/teams/{seed.team}", headers=_headers("admin"))).json()
    assert next(m["phone"] for m in team["members"] if m["leader"]) == "13800000001"


BAD_TEAMS = [
    ({"kind": "militia"}, "body.kind"),
    ({"area_code": "南街"}, "body.area_code"),
    ({"area_code": "530128100999"}, "body.area_code"),
    ({"name": ""}, "body.name"),
    ({"members": [{"name": "甲", "phone": "12345"}]}, "body.members.0.phone"),
    ({"members": [{"name": "", "phone": "13600000001"}]}, "body.members.0.name"),
    (
        {
            "members": [
                {"name": "甲", "phone": "13600000001", "leader": True},
                {"name": "乙", "phone": "13600000002", "leader": True},
            ]
        },
        "body",
    ),
    (
        {
            "members": [
                {"name": "甲", "phone": "13600000001"},
                {"name": "乙", "phone": "13600000001"},
            ]
        },
        "body.members.1.phone",
    ),
    ({"surprise": 1}, "body.surprise"),
]


@pytest.mark.parametrize(("override", "field"), BAD_TEAMS)
async def test_bad_team_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    seed: PatrolSeed,
    override: dict[str, Any],
    field: str,
) -> None:
    response = await client.post("/v1/patrols/teams", json=new_team(**override), headers=_headers())
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await count(session, PatrolTeam) == 3
    assert await count(session, PatrolMember) == 4


async def test_a_second_team_of_the_same_name_in_an_area_is_a_conflict(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed
) -> None:
    response = await client.post(
        "/v1/patrols/teams", json=new_team(name="南街社区义务巡防队"), headers=_headers()
    )
    assert response.status_code == 409, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["body.name"]
    assert await count(session, PatrolTeam) == 3
    elsewhere = new_team(name="南街社区义务巡防队", area_code=BEIJIE)
    assert (
        await client.post("/v1/patrols/teams", json=elsewhere, headers=_headers(areas=[BEIJIE]))
    ).status_code == 201


async def test_team_create_is_idempotent_by_key(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed
) -> None:
    headers = {**_headers(), "Idempotency-Key": "team-1"}
    first = await client.post("/v1/patrols/teams", json=new_team(), headers=headers)
    again = await client.post("/v1/patrols/teams", json=new_team(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post("/v1/patrols/teams", json=new_team(name="别的队"), headers=headers)
    assert other.status_code == 422
    assert await count(session, PatrolTeam) == 4


async def test_team_update_needs_the_current_version(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    path = f"/v1/patrols/teams/{seed.team}"
    body = {"leader_id": str(seed.member)}
    assert (await client.patch(path, json=body, headers=_headers())).status_code == 428
    stale = await client.patch(path, json=body, headers={**_headers(), "If-Match": '"7"'})
    assert stale.status_code == 412
    done = await client.patch(path, json=body, headers={**_headers(), "If-Match": '"1"'})
    assert done.status_code == 200, done.text
    assert (done.json()["leader_id"], done.json()["version"]) == (str(seed.member), 2)
    assert done.headers["ETag"] == '"2"'
    cleared = await client.patch(
        path, json={"leader_id": None}, headers={**_headers(), "If-Match": '"2"'}
    )
    assert cleared.json()["leader_id"] is None


@pytest.mark.parametrize("who", ["other_member", "nobody"])
async def test_the_leader_must_be_an_active_member_of_the_team(
    client: httpx.AsyncClient, seed: PatrolSeed, who: str
) -> None:
    leader = str(seed.other_member) if who == "other_member" else str(seed.log)
    response = await client.patch(
        f"/v1/patrols/teams/{seed.team}",
        json={"leader_id": leader},
        headers={**_headers(), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.leader_id"


async def test_members_are_added_once_per_phone_and_changed(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed
) -> None:
    path = f"/v1/patrols/teams/{seed.team}/members"
    body = {"name": "孙丽", "phone": "13600000007", "subject": "sunli"}
    headers = {**_headers(), "Idempotency-Key": "m-1"}
    first = await client.post(path, json=body, headers=headers)
    again = await client.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    taken = await client.post(
        path, json={"name": "又一个", "phone": "13600000007"}, headers=_headers()
    )
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["field"] == "body.phone"
    bad = await client.post(path, json={"name": "甲", "phone": "23600000007"}, headers=_headers())
    assert bad.status_code == 422
    assert await count(session, PatrolMember) == 5
    changed = await client.patch(
        f"/v1/patrols/members/{first.json()['id']}",
        json={"subject": None, "phone": "13600000008"},
        headers={**_headers(), "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["subject"], changed.json()["phone"]) == (None, "13600000008")


async def test_a_leader_made_inactive_stops_leading(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    response = await client.patch(
        f"/v1/patrols/members/{seed.leader}",
        json={"active": False},
        headers={**_headers(), "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["leader"] is False
    team = (await client.get(f"/v1/patrols/teams/{seed.team}", headers=_headers())).json()
    assert (team["leader_id"], team["version"]) == (None, 2)


async def test_team_list_filters_and_pages(client: httpx.AsyncClient, seed: PatrolSeed) -> None:
    town = _headers("admin", ["530128"])
    first = (await client.get("/v1/patrols/teams?limit=2", headers=town)).json()
    assert len(first["items"]) == 2
    rest = (
        await client.get(f"/v1/patrols/teams?limit=2&cursor={first['next_cursor']}", headers=town)
    ).json()
    names = [t["name"] for t in first["items"] + rest["items"]]
    assert names == ["南街社区义务巡防队", "北街社区义务巡防队", "旧县村义务护村队"]
    assert rest["next_cursor"] is None
    guards = await client.get("/v1/patrols/teams?kind=village_guard_team", headers=town)
    assert [t["name"] for t in guards.json()["items"]] == ["旧县村义务护村队"]
    bad = await client.get("/v1/patrols/teams?cursor=WyJ4Il0", headers=town)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.cursor"


def guard_point(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "南街小学守点",
        "area_code": NANJIE,
        "position": {**NANJIE_POINT, "address": "南街小学门口"},
    }
    body.update(overrides)
    return body


async def test_guard_point_with_guards_is_created_and_its_guards_replaced(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    body = guard_point(guard_member_ids=[str(seed.leader), str(seed.member)])
    created = await client.post("/v1/patrols/guard-points", json=body, headers=_headers())
    assert created.status_code == 201, created.text
    point = created.json()
    assert {g["member_id"] for g in point["guards"]} == {str(seed.leader), str(seed.member)}
    assert point["position"] == {**NANJIE_POINT, "address": "南街小学门口"}
    changed = await client.patch(
        f"/v1/patrols/guard-points/{point['id']}",
        json={"guard_member_ids": [str(seed.member)]},
        headers={**_headers(), "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert [g["member_id"] for g in changed.json()["guards"]] == [str(seed.member)]
    assert changed.json()["version"] == 2


async def test_gcj02_guard_point_is_stored_as_wgs84(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    body = guard_point(position={**NANJIE_POINT, "coord_system": "gcj02"})
    point = (await client.post("/v1/patrols/guard-points", json=body, headers=_headers())).json()
    assert 0.0005 < abs(point["position"]["lon"] - NANJIE_POINT["lon"]) < 0.01


BAD_POINTS = [
    ({"position": {"lat": 48.85, "lon": 2.35}}, "body.position"),
    ({"position": {"lat": 91, "lon": 102.4}}, "body.position.lat"),
    ({"guard_member_ids": ["not-a-uuid"]}, "body.guard_member_ids.0"),
    ({"name": "南街农贸市场守点"}, "body.name"),
]


@pytest.mark.parametrize(("override", "field"), BAD_POINTS)
async def test_bad_guard_point_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    seed: PatrolSeed,
    override: dict[str, Any],
    field: str,
) -> None:
    response = await client.post(
        "/v1/patrols/guard-points", json=guard_point(**override), headers=_headers()
    )
    assert response.status_code in (409, 422), response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await count(session, GuardPoint) == 1


async def test_guards_must_be_members_the_caller_may_assign(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed
) -> None:
    for ids, field in [
        ([str(seed.other_member)], "body.guard_member_ids.0"),
        ([str(seed.member), str(seed.member)], "body.guard_member_ids.1"),
    ]:
        body = guard_point(guard_member_ids=ids)
        response = await client.post("/v1/patrols/guard-points", json=body, headers=_headers())
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
    assert await count(session, GuardPoint) == 1
