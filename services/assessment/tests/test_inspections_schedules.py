"""Regular inspection schedules (定期检查计划): planned by the office, regular inspections only of
the units they cover, and inspectors told the day before each due date, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.follow_up import announce_schedules
from assessment.inspections.models import InspectionSchedule
from assessment.inspections.rules import local_today
from assessment.rounds.models import AssessmentRound, RoundStatus

from .assessment_inspections_data import (
    INSPECTOR_A,
    OFFICE,
    World,
    add_round,
    inspection_body,
    make_world,
    messages,
)
from .factories import BEIJIE, NANJIE, NANJIE_GRID, auth

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")


def _body(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "round_id": str(world.round_id),
        "unit_kind": "campus",
        "area_code": NANJIE,
        "every_days": 30,
        "next_due": (local_today() + timedelta(days=5)).isoformat(),
        "inspectors": ["insp-a", "insp-b"],
    }
    body.update(overrides)
    return body


async def _plan(client: httpx.AsyncClient, world: World, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/v1/inspection-schedules", json=_body(world, **overrides), headers=OFFICE
    )
    assert response.status_code == 201, response.text
    schedule: dict[str, Any] = response.json()
    return schedule


async def test_regular_inspections_follow_a_schedule(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    schedule = await _plan(client, world)
    assert schedule["inspectors"] == ["insp-a", "insp-b"]
    regular = inspection_body(world, kind="regular", schedule_id=schedule["id"])
    response = await client.post("/v1/inspections", json=regular, headers=INSPECTOR_A)
    assert response.status_code == 201, response.text
    compound = {**regular, "unit_id": world.units["compound"]["id"]}  # not a campus
    refused = await client.post("/v1/inspections", json=compound, headers=INSPECTOR_A)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "not_scheduled"
    other_round = await add_round(session, world.scheme_id)
    elsewhere = {**regular, "round_id": str(other_round)}
    refused = await client.post("/v1/inspections", json=elsewhere, headers=INSPECTOR_A)
    assert refused.json()["errors"][0]["field"] == "body.schedule_id"


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"next_due": "2020-01-01"}, 422, "body.next_due"),
        ({"unit_kind": "market"}, 422, "body.unit_kind"),
        ({"every_days": 0}, 422, "body.every_days"),
        ({"inspectors": []}, 422, "body.inspectors"),
        ({"inspectors": ["insp-a", "insp-a"]}, 422, "body.inspectors"),
        ({"area_code": "5301"}, 422, "body.area_code"),
        ({"round_id": str(uuid.UUID(int=1))}, 422, "body.round_id"),
        ({"area_code": "530129001"}, 403, None),  # outside the office's county
    ],
)
async def test_bad_schedules_are_refused(
    client: httpx.AsyncClient,
    session: AsyncSession,
    overrides: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    world = await make_world(session, client)
    response = await client.post(
        "/v1/inspection-schedules", json=_body(world, **overrides), headers=OFFICE
    )
    assert response.status_code == status, response.text
    if field is not None:
        assert response.json()["errors"][0]["field"] == field
    listed = await client.get("/v1/inspection-schedules", headers=OFFICE)
    assert listed.json()["items"] == []


async def test_the_area_must_be_inside_the_round(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    nanjie_round = await add_round(session, world.scheme_id, area=NANJIE)
    response = await client.post(
        "/v1/inspection-schedules",
        json=_body(world, round_id=str(nanjie_round), area_code=BEIJIE),
        headers=OFFICE,
    )
    assert response.json()["errors"][0]["code"] == "outside_round"


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_schedule_routes_by_role(
    client: httpx.AsyncClient, session: AsyncSession, role: str
) -> None:
    world = await make_world(session, client)
    await _plan(client, world)
    headers = auth(role, unit_id=world.units["school"]["id"])
    created = await client.post("/v1/inspection-schedules", json=_body(world), headers=headers)
    assert created.status_code == (201 if role == "admin" else 403)
    listed = await client.get("/v1/inspection-schedules", headers=headers)
    assert listed.status_code == (200 if role in {"admin", "leader", "inspector"} else 403)


async def test_the_list_meets_the_callers_areas(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    town = await _plan(client, world, area_code="530128100")
    nanjie = await _plan(client, world, area_code=NANJIE)

    async def ids(areas: list[str], query: str = "") -> list[str]:
        headers = auth("inspector", areas=areas)
        response = await client.get(f"/v1/inspection-schedules{query}", headers=headers)
        return [s["id"] for s in response.json()["items"]]

    assert await ids([NANJIE_GRID]) == [town["id"], nanjie["id"]]  # both cover the grid
    assert await ids([BEIJIE]) == [town["id"]]
    assert await ids(["530129"]) == []
    assert await ids(["530128"], f"?round_id={uuid.UUID(int=1)}") == []
    first = (await client.get("/v1/inspection-schedules?limit=1", headers=OFFICE)).json()
    rest = (
        await client.get(
            f"/v1/inspection-schedules?limit=1&cursor={first['next_cursor']}", headers=OFFICE
        )
    ).json()
    assert [s["id"] for s in first["items"] + rest["items"]] == [town["id"], nanjie["id"]]


async def test_inspectors_are_told_the_day_before_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    schedule = await _plan(client, world, every_days=7)
    due = local_today() + timedelta(days=5)
    assert (await announce_schedules(session)).sent == 0
    four_days_on = datetime.now(UTC) + timedelta(days=4)
    assert (await announce_schedules(session, now=four_days_on)).sent == 1
    assert (await announce_schedules(session, now=four_days_on)).sent == 0
    [message] = [m for m in await messages(session) if m["message_key"].startswith("schedule-due")]
    assert message["message_key"] == f"schedule-due:{schedule['id']}:{due.isoformat()}"
    assert [r["wecom_user_id"] for r in message["recipients"]] == ["insp-a", "insp-b"]
    assert message["channels"] == ["wecom_app"]
    assert "平安校园" in message["params"]["text"]
    row = await session.get(InspectionSchedule, uuid.UUID(schedule["id"]))
    assert row is not None
    await session.refresh(row)
    assert row.next_due == due + timedelta(days=7)


async def test_missed_cycles_are_skipped_not_announced_one_by_one(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    schedule = await _plan(client, world, every_days=7)
    later = datetime.now(UTC) + timedelta(days=5 + 7 * 3)  # three cycles missed
    assert (await announce_schedules(session, now=later)).sent == 1
    assert (await announce_schedules(session, now=later)).sent == 0
    row = await session.get(InspectionSchedule, uuid.UUID(schedule["id"]))
    assert row is not None
    await session.refresh(row)
    assert row.next_due > local_today(later)


async def test_a_published_rounds_schedules_are_quiet(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    await _plan(client, world)
    assessment_round = await session.get(AssessmentRound, world.round_id)
    assert assessment_round is not None
    assessment_round.status = RoundStatus.published
    await session.flush()
    assert (await announce_schedules(session, now=datetime.now(UTC) + timedelta(days=30))).sent == 0
