"""Recording inspections: the happy path, where each kind comes from, and bad input refused
with a problem naming the field and nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.models import Inspection

from .assessment_inspections_data import (
    INSPECTOR_A,
    INSPECTOR_B,
    OFFICE,
    add_round,
    audit_entries,
    inspection_body,
    make_world,
    record,
)


async def _count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Inspection))).scalar_one())


async def test_record_an_open_inspection(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    body = inspection_body(world, inspectors=["insp-a", "insp-b"])
    response = await client.post(
        "/v1/inspections", json=body, headers={**INSPECTOR_A, "Idempotency-Key": "k1"}
    )
    assert response.status_code == 201, response.text
    out = response.json()
    assert response.headers["Location"] == f"/v1/inspections/{out['id']}"
    assert response.headers["ETag"] == '"1"'
    assert out["status"] == "draft"
    assert out["sealed"] is False
    assert out["inspectors"] == ["insp-a", "insp-b"]
    assert out["location"] == {"lat": 25.5561, "lon": 102.4682}
    assert out["created_by"] == "insp-a"
    assert out["findings"] == []
    again = await client.post(
        "/v1/inspections", json=body, headers={**INSPECTOR_A, "Idempotency-Key": "k1"}
    )
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == out["id"]
    assert await _count(session) == 1
    [entry] = await audit_entries(session, entity_id=out["id"])
    assert (entry.action, entry.actor) == ("inspection.created", "insp-a")
    assert entry.data["inspectors"] == ["insp-a", "insp-b"]


async def test_submit_needs_the_current_version(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    draft = await record(client, world, submit=False)
    path = f"/v1/inspections/{draft['id']}/submit"
    assert (await client.post(path, headers=INSPECTOR_A)).status_code == 428
    stale = await client.post(path, headers={**INSPECTOR_A, "If-Match": '"1"'})
    assert stale.status_code == 412  # the finding added moved it to version 2
    done = await client.post(path, headers={**INSPECTOR_A, "If-Match": '"2"'})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "submitted"
    assert done.json()["submitted_at"] is not None
    twice = await client.post(path, headers={**INSPECTOR_A, "If-Match": '"3"'})
    assert twice.status_code == 409


async def test_an_inspector_records_only_visits_they_made(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    body = inspection_body(world, inspectors=["insp-b"])
    response = await client.post("/v1/inspections", json=body, headers=INSPECTOR_A)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.inspectors"
    by_office = await client.post("/v1/inspections", json=body, headers=OFFICE)
    assert by_office.status_code == 201  # paper forms entered by the office
    assert await _count(session) == 1


async def test_only_its_inspectors_add_findings_and_submit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    draft = await record(client, world, findings=(), submit=False)
    finding = {"indicator_id": str(world.indicators["G1"])}
    path = f"/v1/inspections/{draft['id']}"
    added = await client.post(f"{path}/findings", json=finding, headers=INSPECTOR_B)
    assert added.status_code == 403
    submitted = await client.post(f"{path}/submit", headers={**INSPECTOR_B, "If-Match": "*"})
    assert submitted.status_code == 403
    assert (await client.post(f"{path}/findings", json=finding, headers=OFFICE)).status_code == 201


def _future() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"round_id": "00000000-0000-4000-8000-000000000000"}, "body.round_id"),
        ({"unit_id": "00000000-0000-4000-8000-000000000000"}, "body.unit_id"),
        ({"unit": "market"}, "body.unit_id"),  # the scheme does not assess markets
        ({"inspected_at": "future"}, "body.inspected_at"),
        ({"inspected_at": "2026-11-28T10:00:00"}, "body.inspected_at"),  # no offset
        ({"inspectors": ["insp-a", "insp-a"]}, "body.inspectors"),
        ({"inspectors": []}, "body.inspectors"),
        ({"kind": "surprise"}, "body.kind"),
        ({"kind": "spot"}, "body.draw_id"),
        ({"kind": "regular"}, "body.schedule_id"),
        ({"draw_id": "00000000-0000-4000-8000-000000000000"}, "body.draw_id"),
        ({"schedule_id": "00000000-0000-4000-8000-000000000000"}, "body.schedule_id"),
        ({"reinspection_of": "00000000-0000-4000-8000-000000000000"}, "body.reinspection_of"),
        ({"location": {"lat": 95, "lon": 102}}, "body.location.lat"),
        ({"notes": "x" * 4001}, "body.notes"),
        ({"colour": "red"}, "body.colour"),
    ],
)
async def test_bad_input_names_the_field(
    client: httpx.AsyncClient, session: AsyncSession, overrides: dict[str, Any], field: str
) -> None:
    world = await make_world(session, client)
    if "unit" in overrides:
        overrides = {"unit_id": world.units[overrides.pop("unit")]["id"]}
    if overrides.get("inspected_at") == "future":
        overrides["inspected_at"] = _future()
    body = inspection_body(world, **overrides)
    response = await client.post("/v1/inspections", json=body, headers=INSPECTOR_A)
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field
    assert await _count(session) == 0


async def test_unit_outside_the_round_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    beijie_round = await add_round(session, world.scheme_id, area="530128100002")
    body = inspection_body(world, round_id=str(beijie_round))
    response = await client.post("/v1/inspections", json=body, headers=INSPECTOR_A)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "outside_round"


async def test_a_published_round_takes_no_inspection(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    published = await add_round(session, world.scheme_id, status="published")
    body = inspection_body(world, round_id=str(published))
    response = await client.post("/v1/inspections", json=body, headers=INSPECTOR_A)
    assert response.status_code == 409
    assert response.json()["type"].endswith("/round-published")
    assert await _count(session) == 0


async def test_reinspection_by_other_inspectors(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    first = await record(client, world, inspectors=["insp-a", "insp-c"])
    same = inspection_body(world, reinspection_of=first["id"], inspectors=["insp-a"])
    refused = await client.post("/v1/inspections", json=same, headers=INSPECTOR_A)
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert (error["field"], error["code"]) == ("body.inspectors", "same_inspector")
    by_office = inspection_body(world, reinspection_of=first["id"], inspectors=["insp-c"])
    assert (await client.post("/v1/inspections", json=by_office, headers=OFFICE)).status_code == 422
    other = inspection_body(world, reinspection_of=first["id"], inspectors=["insp-b"])
    accepted = await client.post("/v1/inspections", json=other, headers=INSPECTOR_B)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["reinspection_of"] == first["id"]
    draft = await record(client, world, submit=False)
    of_draft = inspection_body(world, reinspection_of=draft["id"], inspectors=["insp-b"])
    response = await client.post("/v1/inspections", json=of_draft, headers=INSPECTOR_B)
    assert response.json()["errors"][0]["code"] == "not_submitted"
    of_other_unit = inspection_body(
        world,
        reinspection_of=first["id"],
        inspectors=["insp-b"],
        unit_id=world.units["compound"]["id"],
    )
    response = await client.post("/v1/inspections", json=of_other_unit, headers=INSPECTOR_B)
    assert response.json()["errors"][0]["field"] == "body.reinspection_of"
