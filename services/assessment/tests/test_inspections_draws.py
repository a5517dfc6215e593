"""Spot-check draws through the API: candidates and seed recorded first, the draw computed once,
verified by anyone who may read it, hot spots weighted up by incidents' counts, and spot
inspections only of drawn units."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections import draws
from assessment.inspections.models import SpotDraw

from .assessment_inspections_data import (
    INSPECTOR_A,
    LEADER,
    OFFICE,
    World,
    audit_entries,
    inspection_body,
    make_world,
)
from .factories import NANJIE_GRID, OTHER_COUNTY, auth, create_unit
from .fake_incidents import FakeIncidents, FakeIncidentsArea

GRID_2 = "530128100001002"
FAILING_AREA = "530128100003"  # the shared fake incidents answers 500 for it (conftest)


@pytest.fixture
def two_grids(fake_incidents: FakeIncidents) -> Iterator[FakeIncidents]:
    """The fake incidents service also knows a quiet second grid (one theft)."""
    fake_incidents.areas[GRID_2] = FakeIncidentsArea("南街二网格", [("theft", "盗窃", 1)])
    try:
        yield fake_incidents
    finally:
        del fake_incidents.areas[GRID_2]


async def _prepare(client: httpx.AsyncClient, world: World, **body: Any) -> httpx.Response:
    return await client.post(
        "/v1/draws", json={"round_id": str(world.round_id), "size": 2, **body}, headers=OFFICE
    )


async def _draws(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(SpotDraw))).scalar_one())


async def test_prepare_draw_verify(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    prepared = await _prepare(client, world)
    assert prepared.status_code == 201, prepared.text
    record = prepared.json()
    ids = sorted([world.units["school"]["id"], world.units["compound"]["id"]])
    assert [c["unit_id"] for c in record["candidates"]] == ids  # markets are not assessed
    assert {c["weight"] for c in record["candidates"]} == {1}
    assert len(record["seed"]) == 64
    assert record["selected"] is None
    assert "Efraimidis-Spirakis" in record["rule"]
    [entry] = await audit_entries(session, entity_id=record["id"])
    assert entry.data["seed_sha256"] == record["seed_sha256"]
    assert entry.data["candidates_sha256"] == record["candidates_sha256"]

    drawn = await client.post(f"/v1/draws/{record['id']}/draw", headers=OFFICE)
    assert drawn.status_code == 200, drawn.text
    selected = drawn.json()["selected"]
    candidates = draws.candidates_from(record["candidates"])
    assert selected == draws.draw(record["seed"], candidates, 2)  # anyone can recompute it
    again = await client.post(f"/v1/draws/{record['id']}/draw", headers=OFFICE)
    assert again.status_code == 409
    for headers in (OFFICE, LEADER, INSPECTOR_A):
        verified = await client.get(f"/v1/draws/{record['id']}/verify", headers=headers)
        assert verified.status_code == 200
        assert verified.json()["matches"] is True
        assert verified.json()["recomputed"] == selected

    # A selection changed behind the service's back no longer verifies.
    await session.execute(
        text("UPDATE spot_draws SET selected = CAST(:s AS jsonb) WHERE id = :id"),
        {"s": f'["{selected[1]}", "{selected[0]}"]', "id": record["id"]},
    )
    verified = await client.get(f"/v1/draws/{record['id']}/verify", headers=LEADER)
    assert verified.json()["matches"] is False


async def test_a_public_seed_is_used_as_given(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    seed = "2026-12-05 福彩3D 第2026330期 512"
    record = (await _prepare(client, world, seed=seed, size=1)).json()
    assert record["seed"] == seed
    not_drawn = await client.get(f"/v1/draws/{record['id']}/verify", headers=OFFICE)
    assert not_drawn.status_code == 409
    drawn = (await client.post(f"/v1/draws/{record['id']}/draw", headers=OFFICE)).json()
    assert drawn["selected"] == draws.draw(seed, draws.candidates_from(record["candidates"]), 1)


async def test_spot_inspections_only_of_drawn_units(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    record = (await _prepare(client, world, size=1)).json()
    spot = inspection_body(world, kind="spot", draw_id=record["id"])
    undrawn = await client.post("/v1/inspections", json=spot, headers=INSPECTOR_A)
    assert undrawn.json()["errors"][0]["code"] == "not_drawn"
    [chosen] = (await client.post(f"/v1/draws/{record['id']}/draw", headers=OFFICE)).json()[
        "selected"
    ]
    other = next(u["id"] for u in world.units.values() if u["id"] != chosen)
    refused = await client.post(
        "/v1/inspections", json={**spot, "unit_id": other}, headers=INSPECTOR_A
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.unit_id"
    accepted = await client.post(
        "/v1/inspections", json={**spot, "unit_id": chosen}, headers=INSPECTOR_A
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["draw_id"] == record["id"]


async def test_hot_spots_weigh_more(
    client: httpx.AsyncClient, session: AsyncSession, two_grids: FakeIncidents
) -> None:
    world = await make_world(session, client)
    quiet = await create_unit(client, name="南街二网格小学", area_code=GRID_2)
    prepared = await _prepare(client, world, hot_spot={"min_incidents": 5, "weight": 3})
    assert prepared.status_code == 201, prepared.text
    record = prepared.json()
    weights = {c["unit_id"]: (c["weight"], c["incidents"]) for c in record["candidates"]}
    assert weights[world.units["school"]["id"]] == (3, 7)  # 5 thefts and 2 frauds
    assert weights[world.units["compound"]["id"]] == (3, 7)
    assert weights[quiet["id"]] == (1, 1)
    assert "weights: 3 for units whose area had >= 5 incidents (any category)" in record["rule"]
    asked = sorted(r["query"]["area"] for r in two_grids.requests)
    assert asked == sorted([NANJIE_GRID, GRID_2])  # once per area, not per unit
    frauds = (
        await _prepare(client, world, hot_spot={"min_incidents": 2, "categories": ["fraud"]})
    ).json()
    by_fraud = {c["unit_id"]: c["weight"] for c in frauds["candidates"]}
    assert by_fraud[world.units["school"]["id"]] == 2
    assert by_fraud[quiet["id"]] == 1


async def test_incidents_down_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, fake_incidents: FakeIncidents
) -> None:
    world = await make_world(session, client)
    await create_unit(client, name="失联网格学校", area_code=FAILING_AREA)
    response = await _prepare(client, world, hot_spot={"min_incidents": 1})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert await _draws(session) == 0
    plain = await _prepare(client, world)  # without weighting incidents is not asked
    assert plain.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"size": 3}, "body.size"),  # two candidates only
        ({"size": 0}, "body.size"),
        ({"unit_kind": "market"}, "body.unit_kind"),
        ({"unit_kind": "hospital"}, "body.unit_kind"),
        ({"area_code": "5301"}, "body.area_code"),
        ({"round_id": str(uuid.UUID(int=1))}, "body.round_id"),
        ({"hot_spot": {"min_incidents": 0}}, "body.hot_spot.min_incidents"),
        ({"hot_spot": {"min_incidents": 1, "weight": 1}}, "body.hot_spot.weight"),
        ({"seed": ""}, "body.seed"),
        ({"seed": "x" * 129}, "body.seed"),
    ],
)
async def test_bad_draws_name_the_field(
    client: httpx.AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
) -> None:
    world = await make_world(session, client)
    response = await _prepare(client, world, **body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert await _draws(session) == 0


ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_draw_permissions(
    client: httpx.AsyncClient, session: AsyncSession, role: str
) -> None:
    world = await make_world(session, client)
    record = (await _prepare(client, world)).json()
    undrawn = (await _prepare(client, world)).json()
    assert (await client.post(f"/v1/draws/{record['id']}/draw", headers=OFFICE)).is_success
    headers = auth(role, unit_id=world.units["school"]["id"])
    prepare = await client.post(
        "/v1/draws", json={"round_id": str(world.round_id), "size": 1}, headers=headers
    )
    assert prepare.status_code == (201 if role == "admin" else 403)
    drawn = await client.post(f"/v1/draws/{undrawn['id']}/draw", headers=headers)
    assert drawn.status_code == (200 if role == "admin" else 403)
    readers = {"admin", "leader", "inspector"}
    for path in ("", "/verify"):
        read = await client.get(f"/v1/draws/{record['id']}{path}", headers=headers)
        assert read.status_code == (200 if role in readers else 403)


async def test_draws_outside_the_callers_areas(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    record = (await _prepare(client, world)).json()
    elsewhere = auth("admin", areas=[OTHER_COUNTY])
    assert (await client.get(f"/v1/draws/{record['id']}", headers=elsewhere)).status_code == 404
    drawn = await client.post(f"/v1/draws/{record['id']}/draw", headers=elsewhere)
    assert drawn.status_code == 404
    refused = await client.post(
        "/v1/draws", json={"round_id": str(world.round_id), "size": 1}, headers=elsewhere
    )
    assert refused.status_code == 422  # no candidate in the caller's areas
    for path in ("/v1/draws/{id}", "/v1/draws/{id}/verify"):
        response = await client.get(path.format(id=record["id"]))
        assert response.status_code == 401
