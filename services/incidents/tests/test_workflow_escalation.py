"""Overdue incidents escalate up the area tree (超时督办): supervised, a timeline entry, a message
to the duty contacts one level up; once per level, climbing a level per further time limit."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from incidents_factories import COUNTY, TOWN, seed_areas
from incidents_workflow import act, handling, messages, new_incident, timeline
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Contact, ContactRole
from incidents.intake.models import Incident
from incidents.workflow.escalation import escalate_overdue
from incidents.workflow.jobs import CRON_JOBS, escalate_overdue_incidents
from incidents.workflow.models import IncidentEscalation, IncidentHandling


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)
    session.add(
        Contact(
            area_code=COUNTY,
            name="县综治中心",
            role=ContactRole.duty_robot,
            wecom_robot_key="county-key",
        )
    )
    await session.flush()


async def _reported_at(session: AsyncSession, incident_id: str) -> datetime:
    row = await handling(session, incident_id)
    return row.accept_due - timedelta(minutes=row.accept_minutes)


async def _version(session: AsyncSession, incident_id: str) -> int:
    incident = await session.get(Incident, uuid.UUID(incident_id), populate_existing=True)
    assert incident is not None
    return incident.version


async def test_an_incident_not_accepted_in_time_is_escalated_to_the_parent_area_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session, severity="critical")  # accept within 5 min
    reported = await _reported_at(session, incident["id"])
    assert await escalate_overdue(session, reported + timedelta(minutes=4)) == 0

    assert await escalate_overdue(session, reported + timedelta(minutes=7)) == 1
    row = await handling(session, incident["id"])
    assert (row.supervised, row.escalation_level) == (True, 1)
    assert row.next_escalation_at == row.accept_due + timedelta(minutes=5)
    assert await _version(session, incident["id"]) == 2
    entry = (await timeline(session, incident["id"]))[-1]
    assert (entry.action, entry.actor_sub, entry.from_status, entry.to_status) == (
        "escalate",
        "incidents-worker",
        "reported",
        "reported",
    )
    assert entry.data == {"stage": "accept", "level": 1, "area_code": TOWN, "overdue_minutes": 2}
    [message] = await messages(session, "incident_escalated")
    assert [r["wecom_robot_key"] for r in message["recipients"]] == ["town-key"]
    assert message["params"] == {
        "incident_id": incident["id"],
        "title": incident["title"],
        "area": "南街社区",
        "category": "盗窃",
        "overdue_minutes": 2,
        "level": 1,
        "stage": "accept",
    }
    assert message["priority"] == "critical"

    # The same minute again (a second worker, a retried job): nothing more.
    assert await escalate_overdue(session, reported + timedelta(minutes=7)) == 0
    assert await escalate_overdue(session, reported + timedelta(minutes=9)) == 0
    assert len(await messages(session, "incident_escalated")) == 1
    assert len(await timeline(session, incident["id"])) == 2


async def test_escalation_climbs_a_level_per_time_limit_up_to_the_top(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session, severity="critical")
    reported = await _reported_at(session, incident["id"])
    assert await escalate_overdue(session, reported + timedelta(minutes=6)) == 1
    assert await escalate_overdue(session, reported + timedelta(minutes=11)) == 1
    assert (
        await escalate_overdue(session, reported + timedelta(days=2)) == 0
    )  # the county is the top
    levels = (
        await session.execute(
            select(col(IncidentEscalation.level), col(IncidentEscalation.area_code)).where(
                col(IncidentEscalation.incident_id) == uuid.UUID(incident["id"])
            )
        )
    ).all()
    assert sorted(levels) == [(1, TOWN), (2, COUNTY)]
    keys = [
        m["recipients"][0]["wecom_robot_key"] for m in await messages(session, "incident_escalated")
    ]
    assert sorted(keys) == ["county-key", "town-key"]
    assert (await handling(session, incident["id"])).next_escalation_at is None


async def test_after_acceptance_the_arrive_limit_escalates_again_and_resolution_ends_it(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session, severity="critical")
    reported = await _reported_at(session, incident["id"])
    await escalate_overdue(session, reported + timedelta(minutes=6))
    accepted = await act(client, incident["id"], 2, {"action": "accept"})
    assert accepted.status_code == 200, accepted.text
    row = await handling(session, incident["id"])
    assert row.supervised  # 督办 until handled
    assert row.arrive_due is not None
    assert await escalate_overdue(session, row.arrive_due + timedelta(minutes=1)) == 1
    stages = [
        e.data.get("stage")
        for e in await timeline(session, incident["id"])
        if e.action == "escalate"
    ]
    assert stages == ["accept", "arrive"]

    current = await _version(session, incident["id"])
    for body in (
        {"action": "dispatch", "target": {"kind": "police_office", "name": "南街警务室"}},
        {"action": "start"},
        {"action": "resolve", "note": "已处置"},
    ):
        response = await act(client, incident["id"], current, body)
        assert response.status_code == 200, response.text
        current += 1
    row = await handling(session, incident["id"])
    assert (row.supervised, row.next_escalation_at) == (False, None)
    assert await escalate_overdue(session, reported + timedelta(days=30)) == 0


async def test_the_worker_job_escalates_what_is_overdue_now(
    client: httpx.AsyncClient,
    session: AsyncSession,
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    incident = await new_incident(client, session)
    await session.execute(
        update(IncidentHandling)
        .where(col(IncidentHandling.incident_id) == uuid.UUID(incident["id"]))
        .values(
            accept_due=func.now() - timedelta(minutes=30),
            next_escalation_at=func.now() - timedelta(minutes=30),
        )
    )
    await session.flush()
    ctx = {"database": app_and_client[0].state.database}
    assert await escalate_overdue_incidents(ctx) == 1
    assert await escalate_overdue_incidents(ctx) == 0
    assert [job.name for job in CRON_JOBS] == ["escalate_overdue_incidents"]
