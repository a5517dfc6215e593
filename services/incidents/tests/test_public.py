"""Residents report without an account, follow their report by receipt, and are rate-limited."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from incidents_factories import NANJIE, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident
from pingan_shared.testing import bearer

BODY = {
    "category": "theft",
    "description": "小区门口自行车被盗",
    "occurred_at": "2026-11-20T08:00:00+08:00",
    "location": {"lat": 25.5561, "lon": 102.4682},
    "area_code": NANJIE,
}


@pytest.fixture(autouse=True)
async def _fresh(session: AsyncSession, app_and_client: tuple[FastAPI, httpx.AsyncClient]) -> None:
    await seed_areas(session)


async def test_an_anonymous_resident_reports_and_follows_by_receipt(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    created = await client.post("/v1/public/reports", json=BODY)
    assert created.status_code == 201, created.text
    receipt = created.json()["receipt"]
    assert created.json()["status_name"] == "已上报"
    stored = await session.get(Incident, created.json()["incident_id"])
    assert stored is not None
    assert (stored.source, stored.anonymous, stored.reporter_phone) == ("resident", True, None)
    assert stored.reported_by == "public"  # no address kept
    status = await client.get(f"/v1/public/reports/{receipt}")
    assert status.status_code == 200
    assert status.json()["category_name"] == "盗窃"
    assert "reporter" not in status.json()
    # Staff see it like any other report.
    staff = await client.get(f"/v1/incidents/{stored.id}", headers=bearer("police", areas=[NANJIE]))
    assert staff.json()["source"] == "resident"


async def test_a_named_resident_keeps_their_phone_for_the_answer(client: httpx.AsyncClient) -> None:
    body = {**BODY, "reporter": {"name": "刘女士", "phone": "13700001234"}}
    created = (await client.post("/v1/public/reports", json=body)).json()
    staff = await client.get(
        f"/v1/incidents/{created['incident_id']}", headers=bearer("community", areas=[NANJIE])
    )
    assert staff.json()["reporter"] == {"name": "刘女士", "phone": "13700001234"}


async def test_unknown_receipts_and_bad_input(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/public/reports/" + "x" * 24)).status_code == 404
    assert (await client.get("/v1/public/reports/short")).status_code == 422
    bad = await client.post("/v1/public/reports", json={**BODY, "area_code": "530128100001999"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.area_code"


async def test_a_retry_with_the_same_key_gets_the_same_receipt(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "phone-7"}
    first = await client.post("/v1/public/reports", json=BODY, headers=headers)
    again = await client.post("/v1/public/reports", json=BODY, headers=headers)
    assert again.json() == first.json()


async def test_an_address_is_limited_per_hour(client: httpx.AsyncClient) -> None:
    answers = [(await client.post("/v1/public/reports", json=BODY)).status_code for _ in range(11)]
    assert answers == [201] * 10 + [429]


async def test_a_retry_is_answered_even_past_the_limit(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "phone-9"}
    first = await client.post("/v1/public/reports", json=BODY, headers=headers)
    for _ in range(10):
        await client.post("/v1/public/reports", json=BODY)
    again = await client.post("/v1/public/reports", json=BODY, headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
