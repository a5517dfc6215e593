"""Reporting and reading incidents: the happy paths, bad input, idempotency and notifications."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, NANJIE_GRID, report, seed_areas
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident
from incidents.tables import infrastructure
from pingan_shared.testing import bearer

POLICE = bearer("police", areas=[NANJIE], sub="police-1")
PATROL = bearer("patrol", areas=[NANJIE], sub="patrol-1")


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def count(session: AsyncSession, table: Any) -> int:
    return (await session.execute(select(func.count()).select_from(table))).scalar_one()


async def outbox_payloads(session: AsyncSession) -> list[dict[str, Any]]:
    outbox = infrastructure.outbox
    rows = await session.execute(select(outbox.c.payload).where(outbox.c.job == "send_message"))
    return [row[0] for row in rows]


async def test_report_is_created_readable_and_notifies_the_area(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    body = report(reporter={"name": "王芳", "phone": "13912345678"})
    created = await client.post("/v1/incidents", json=body, headers=PATROL)
    assert created.status_code == 201, created.text
    incident = created.json()
    assert incident["status"] == "reported"
    assert incident["version"] == 1
    assert incident["category_name"] == "盗窃"
    assert incident["severity"] == "medium"  # the category's default
    assert incident["source"] == "patrol"
    assert created.headers["Location"] == f"/v1/incidents/{incident['id']}"
    assert created.headers["ETag"] == '"1"'

    read = await client.get(f"/v1/incidents/{incident['id']}", headers=POLICE)
    assert read.status_code == 200
    assert read.json()["reporter"] == {"name": "王芳", "phone": "13912345678"}

    [payload] = await outbox_payloads(session)
    assert payload["template"] == "incident_reported"
    assert payload["message_key"] == f"incident-reported:{incident['id']}"
    robots = [r["wecom_robot_key"] for r in payload["recipients"] if r.get("wecom_robot_key")]
    assert robots == ["nanjie-key"]
    assert payload["params"]["area"] == "南街社区"


async def test_reporter_phone_is_masked_for_patrol_members(client: httpx.AsyncClient) -> None:
    body = report(reporter={"name": "王芳", "phone": "13912345678"})
    created = (await client.post("/v1/incidents", json=body, headers=POLICE)).json()
    read = await client.get(f"/v1/incidents/{created['id']}", headers=PATROL)
    assert read.json()["reporter"]["phone"] == "139****5678"


@pytest.mark.parametrize(
    ("area", "robot"),
    [(NANJIE_GRID, "nanjie-key"), (BEIJIE, "town-key")],
    ids=["grid-uses-its-community", "community-without-contacts-uses-the-town"],
)
async def test_message_goes_to_the_nearest_area_with_contacts(
    client: httpx.AsyncClient, session: AsyncSession, area: str, robot: str
) -> None:
    headers = bearer("community", areas=["530128100"])
    created = await client.post("/v1/incidents", json=report(area_code=area), headers=headers)
    assert created.status_code == 201, created.text
    [payload] = await outbox_payloads(session)
    assert [r["wecom_robot_key"] for r in payload["recipients"] if r.get("wecom_robot_key")] == [
        robot
    ]


async def test_anonymous_report_keeps_no_reporter(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    body = report(reporter={"name": "王芳", "phone": "13912345678", "anonymous": True})
    created = (await client.post("/v1/incidents", json=body, headers=POLICE)).json()
    assert created["anonymous"] is True
    assert created["reporter"] is None
    stored = await session.get(Incident, created["id"])
    assert stored is not None
    assert (stored.reporter_name, stored.reporter_phone) == (None, None)


async def test_gcj02_location_is_stored_as_wgs84(client: httpx.AsyncClient) -> None:
    body = report(location={"lat": 25.5561, "lon": 102.4682, "coord_system": "gcj02"})
    created = (await client.post("/v1/incidents", json=body, headers=POLICE)).json()
    # In Yunnan the GCJ-02 shift is a few hundred metres, mostly east-west.
    assert 0.0005 < abs(created["location"]["lon"] - 102.4682) < 0.01
    assert created["location"]["lat"] != 25.5561


async def test_occurrence_window_sets_occurred_at_to_its_middle(client: httpx.AsyncClient) -> None:
    body = report(
        occurred_at=None,
        category="burglary",
        occurred_from="2026-11-20T08:00:00+08:00",
        occurred_to="2026-11-20T18:00:00+08:00",
    )
    created = await client.post("/v1/incidents", json=body, headers=POLICE)
    assert created.status_code == 201, created.text
    assert created.json()["occurred_at"].startswith("2026-11-20T05:00:00")  # 13:00 +08:00


BAD_REPORTS = [
    ({"category": "alien_abduction"}, "body.category"),
    ({"category": 7}, "body.category"),
    ({"location": {"lat": 91, "lon": 102.4}}, "body.location.lat"),
    ({"location": {"lat": 48.85, "lon": 2.35}}, "body.location"),
    ({"area_code": "530128100001999"}, "body.area_code"),
    ({"area_code": "南街"}, "body.area_code"),
    ({"occurred_at": "2099-01-01T00:00:00+08:00"}, "body.occurred_at"),
    ({"occurred_at": "2026-11-20T21:30:00"}, "body.occurred_at"),
    ({"occurred_at": None}, "body"),
    ({"description": ""}, "body.description"),
    ({"reporter": {"phone": "12345"}}, "body.reporter.phone"),
    ({"surprise": True}, "body.surprise"),
]


@pytest.mark.parametrize(("override", "field"), BAD_REPORTS)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, override: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/incidents", json=report(**override), headers=POLICE)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422
    assert field in [e["field"] for e in problem["errors"]]
    assert await count(session, Incident.__table__) == 0
    assert await count(session, infrastructure.outbox) == 0


async def test_malformed_json_is_a_problem_not_a_crash(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/incidents",
        content=b'{"category": "theft",',
        headers={**POLICE, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/validation")


async def test_same_idempotency_key_returns_the_first_incident(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = {**PATROL, "Idempotency-Key": "patrol-app-42"}
    first = await client.post("/v1/incidents", json=report(), headers=headers)
    again = await client.post("/v1/incidents", json=report(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post("/v1/incidents", json=report(description="另一件事"), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert await count(session, Incident.__table__) == 1
    assert len(await outbox_payloads(session)) == 1


async def test_county_system_push_with_external_ref_is_not_duplicated(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = bearer("service", areas=["530128"], sub="county-110")
    first = await client.post(
        "/v1/incidents", json=report(external_ref="110-20261120-0042"), headers=headers
    )
    again = await client.post(
        "/v1/incidents", json=report(external_ref="110-20261120-0042"), headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["source"] == "county_system"
    assert await count(session, Incident.__table__) == 1


async def test_a_repeated_push_answers_with_the_stored_incident(client: httpx.AsyncClient) -> None:
    headers = bearer("service", areas=["530128"], sub="county-110")
    first = await client.post("/v1/incidents", json=report(external_ref="110-7"), headers=headers)
    again = await client.post(
        "/v1/incidents", json=report(external_ref="110-7", category="fraud"), headers=headers
    )
    assert again.status_code == 200
    assert (again.json()["category"], again.json()["category_name"]) == ("theft", "盗窃")
    assert again.json()["id"] == first.json()["id"]
