"""Who may record, read, submit and confirm inspections: the role matrix of every route, area
scoping (404 outside), unit contacts limited to their own unit's submitted inspections, lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from .assessment_inspections_data import (
    INSPECTOR_A,
    LEADER,
    OFFICE,
    World,
    confirm,
    inspection_body,
    make_world,
    record,
)
from .factories import BEIJIE, NANJIE, OTHER_COUNTY, auth

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
RECORDERS = {"admin", "inspector"}
READERS = {"admin", "leader", "inspector", "unit"}


def _as(role: str, world: World) -> dict[str, str]:
    return auth(role, unit_id=world.units["school"]["id"], sub="tester")


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_record_by_role(client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
    world = await make_world(session, client)
    body = inspection_body(world, inspectors=["tester"])
    response = await client.post("/v1/inspections", json=body, headers=_as(role, world))
    assert response.status_code == (201 if role in RECORDERS else 403), response.text


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_findings_and_submit_by_role(
    client: httpx.AsyncClient, session: AsyncSession, role: str
) -> None:
    world = await make_world(session, client)
    # Recorded by the office with "tester" as its inspector.
    draft = await record(
        client, world, findings=(), submit=False, headers=OFFICE, inspectors=["tester"]
    )
    headers = _as(role, world)
    finding = {"indicator_id": str(world.indicators["G1"])}
    added = await client.post(
        f"/v1/inspections/{draft['id']}/findings", json=finding, headers=headers
    )
    assert added.status_code == (201 if role in RECORDERS else 403), added.text
    submit = await client.post(
        f"/v1/inspections/{draft['id']}/submit", headers={**headers, "If-Match": "*"}
    )
    assert submit.status_code == (200 if role in RECORDERS else 403), submit.text


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_confirm_by_role(client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world)
    response = await confirm(client, inspection["findings"][0]["id"], headers=_as(role, world))
    assert response.status_code == (200 if role == "admin" else 403), response.text


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_read_by_role(client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world)
    headers = _as(role, world)
    expected = 200 if role in READERS else 403
    read = await client.get(f"/v1/inspections/{inspection['id']}", headers=headers)
    assert read.status_code == expected
    listed = await client.get("/v1/inspections", headers=headers)
    assert listed.status_code == expected
    if expected == 200:
        assert read.json()["findings"][0]["deduction"] == "2.00"
        assert [i["id"] for i in listed.json()["items"]] == [inspection["id"]]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/inspections",
        "/v1/inspections/{id}",
        "/v1/inspections/{id}/findings",
        "/v1/inspections/{id}/submit",
        "/v1/findings/{finding}/confirm",
    ],
)
async def test_every_route_wants_a_token(
    client: httpx.AsyncClient, session: AsyncSession, path: str
) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world)
    url = path.format(id=inspection["id"], finding=inspection["findings"][0]["id"])
    method = "GET" if path in ("/v1/inspections", "/v1/inspections/{id}") else "POST"
    response = await client.request(method, url, json={})
    assert response.status_code == 401


async def test_outside_the_callers_areas_is_not_found(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world)
    finding_id = inspection["findings"][0]["id"]
    for role in ("admin", "leader", "inspector"):
        headers = auth(role, areas=[BEIJIE, OTHER_COUNTY], sub="elsewhere")
        read = await client.get(f"/v1/inspections/{inspection['id']}", headers=headers)
        assert read.status_code == 404
        assert (await client.get("/v1/inspections", headers=headers)).json()["items"] == []
    elsewhere = auth("admin", areas=[BEIJIE], sub="office-9")
    assert (await confirm(client, finding_id, headers=elsewhere)).status_code == 404
    inspector = auth("inspector", areas=[BEIJIE], sub="insp-a")
    response = await client.post("/v1/inspections", json=inspection_body(world), headers=inspector)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_unit"


async def test_a_unit_contact_sees_its_own_submitted_inspections(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    school = await record(client, world)
    draft = await record(client, world, submit=False)
    compound = await record(client, world, unit_id=world.units["compound"]["id"])
    own = world.unit_token("school")
    assert (await client.get(f"/v1/inspections/{school['id']}", headers=own)).status_code == 200
    assert (await client.get(f"/v1/inspections/{draft['id']}", headers=own)).status_code == 404
    assert (await client.get(f"/v1/inspections/{compound['id']}", headers=own)).status_code == 404
    listed = await client.get("/v1/inspections", headers=own)
    assert [i["id"] for i in listed.json()["items"]] == [school["id"]]
    no_claim = auth("unit")
    assert (await client.get("/v1/inspections", headers=no_claim)).json()["items"] == []
    read = await client.get(f"/v1/inspections/{school['id']}", headers=no_claim)
    assert read.status_code == 404


async def test_list_filters_and_pages(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    made: list[dict[str, Any]] = []
    for n in range(5):
        unit = "school" if n % 2 == 0 else "compound"
        made.append(await record(client, world, submit=n < 4, unit_id=world.units[unit]["id"]))

    async def ids(query: str, headers: dict[str, str] = OFFICE) -> list[str]:
        response = await client.get(f"/v1/inspections{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    # Newest recorded first; within one transaction (a test's) the time ties, and ids decide.
    newest_first = await ids("")
    assert sorted(newest_first) == sorted(m["id"] for m in made)
    compound = await ids(f"?unit_id={world.units['compound']['id']}")
    assert sorted(compound) == sorted([made[3]["id"], made[1]["id"]])
    assert await ids("?status=draft") == [made[4]["id"]]
    assert await ids("?kind=covert") == []
    assert await ids(f"?round_id={world.round_id}&area={NANJIE}") == newest_first
    assert await ids(f"?area={BEIJIE}") == []
    assert await ids("", LEADER) == newest_first
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(f"/v1/inspections{query}", headers=INSPECTOR_A)).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == newest_first


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?cursor=WzFd", "query.cursor"),
        ("?kind=surprise", "query.kind"),
        ("?limit=0", "query.limit"),
    ],
)
async def test_bad_list_queries(
    client: httpx.AsyncClient, session: AsyncSession, query: str, field: str
) -> None:
    response = await client.get(f"/v1/inspections{query}", headers=OFFICE)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_bad_ids_are_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    assert (await client.get("/v1/inspections/nope", headers=OFFICE)).status_code == 422
    missing = "/v1/inspections/00000000-0000-4000-8000-000000000000"
    assert (await client.get(missing, headers=OFFICE)).status_code == 404
