"""The intake's one-statement path: names from the catalogue cache are checked by the statement,
so a renamed or retired category is never written from a stale cache, and a report writes its
incident, handling, timeline and jobs together or not at all."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_factories import NANJIE, report, seed_areas
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident
from incidents.tables import infrastructure
from incidents.workflow.models import IncidentHandling, TimelineEntry
from pingan_shared.testing import bearer

POLICE = bearer("police", areas=[NANJIE], sub="police-1")


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def count(session: AsyncSession, table: Any) -> int:
    return (await session.execute(select(func.count()).select_from(table))).scalar_one()


async def test_a_report_writes_its_incident_handling_timeline_and_jobs(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    created = await client.post(
        "/v1/incidents", json=report(), headers={**POLICE, "Idempotency-Key": "k-1"}
    )
    assert created.status_code == 201, created.text
    assert await count(session, Incident) == 1
    handling = (await session.execute(select(IncidentHandling))).scalar_one()
    assert handling.deadline_stage == "accept"
    assert handling.accept_due is not None
    [entry] = (await session.execute(select(TimelineEntry))).scalars().all()
    assert (entry.action, entry.to_status, entry.actor_sub) == ("report", "reported", "police-1")
    jobs = (await session.execute(select(infrastructure.outbox.c.job))).scalars().all()
    assert sorted(jobs) == ["find_duplicates", "send_message"]


async def test_a_renamed_category_is_answered_with_its_new_name(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    first = await client.post("/v1/incidents", json=report(), headers=POLICE)
    assert first.json()["category_name"] == "盗窃"  # now in the cache
    await session.execute(text("UPDATE categories SET name = '盗窃案' WHERE code = 'theft'"))
    second = await client.post("/v1/incidents", json=report(), headers=POLICE)
    assert second.status_code == 201, second.text
    assert second.json()["category_name"] == "盗窃案"


async def test_a_retired_category_is_refused_though_cached(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    assert (await client.post("/v1/incidents", json=report(), headers=POLICE)).status_code == 201
    await session.execute(text("UPDATE categories SET active = false WHERE code = 'theft'"))
    refused = await client.post(
        "/v1/incidents", json=report(), headers={**POLICE, "Idempotency-Key": "k-2"}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.category"
    assert await count(session, Incident) == 1
    assert await count(session, infrastructure.idempotency_keys) == 0


async def test_a_changed_default_severity_is_not_taken_from_the_cache(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    assert (await client.post("/v1/incidents", json=report(), headers=POLICE)).status_code == 201
    await session.execute(
        text("UPDATE categories SET default_severity = 'high' WHERE code = 'theft'")
    )
    second = await client.post("/v1/incidents", json=report(), headers=POLICE)
    assert second.json()["severity"] == "high"
