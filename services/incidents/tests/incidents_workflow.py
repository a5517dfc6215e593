"""Helpers of the workflow tests: report an incident, take actions, drive it into a state."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from incidents_factories import NANJIE, TOWN, report
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.intake.models import Incident
from incidents.patrols.models import PatrolTeam
from incidents.tables import infrastructure
from incidents.workflow.models import IncidentHandling, TimelineEntry
from incidents.workflow.service import record_reported
from pingan_shared.testing import bearer

REPORTER_SUB = "resident-app-7"
REPORTER = bearer("patrol", areas=[NANJIE], sub=REPORTER_SUB)
ADMIN = bearer("admin", areas=[TOWN], sub="admin-1")
POLICE = bearer("police", areas=[NANJIE], sub="police-1")
TEAM_ID = "11111111-2222-3333-4444-555555555555"
TEAM_TARGET = {"kind": "patrol_team", "id": TEAM_ID, "name": "南街义务巡防队"}

# The actions that bring a reported incident into each state (the admin takes them).
PATHS: dict[str, list[dict[str, Any]]] = {
    "reported": [],
    "accepted": [{"action": "accept"}],
    "dispatched": [{"action": "accept"}, {"action": "dispatch", "target": TEAM_TARGET}],
    "in_progress": [
        {"action": "accept"},
        {"action": "dispatch", "target": TEAM_TARGET},
        {"action": "start"},
    ],
    "resolved": [
        {"action": "accept"},
        {"action": "dispatch", "target": TEAM_TARGET},
        {"action": "start"},
        {"action": "resolve", "note": "已处置"},
    ],
}
PATHS["closed"] = [*PATHS["resolved"], {"action": "close"}]
PATHS["rejected"] = [{"action": "reject", "reason": "不属实"}]
PATHS["reopened"] = [*PATHS["resolved"], {"action": "reopen", "reason": "又发生了"}]


async def seed_team(session: AsyncSession) -> None:
    """The patrol team `TEAM_TARGET` names, once."""
    if await session.get(PatrolTeam, uuid.UUID(TEAM_ID)) is None:
        session.add(
            PatrolTeam(
                id=uuid.UUID(TEAM_ID), name="南街义务巡防队", kind="patrol_team", area_code=NANJIE
            )
        )
        await session.flush()


async def new_incident(
    client: httpx.AsyncClient,
    session: AsyncSession,
    headers: dict[str, str] = REPORTER,
    **overrides: Any,
) -> dict[str, Any]:
    """Report an incident and start its handling, as intake does (the team it may be dispatched
    to is registered first)."""
    if await session.get(PatrolTeam, uuid.UUID(TEAM_ID)) is None:
        session.add(
            PatrolTeam(
                id=uuid.UUID(TEAM_ID), name="南街义务巡防队", kind="patrol_team", area_code=NANJIE
            )
        )
        await session.flush()
    body = report(**{"reporter": {"name": "王芳", "phone": "13912345678"}, **overrides})
    created = await client.post("/v1/incidents", json=body, headers=headers)
    assert created.status_code == 201, created.text
    incident = await session.get(Incident, uuid.UUID(created.json()["id"]))
    assert incident is not None
    await record_reported(session, incident)
    await session.flush()
    result: dict[str, Any] = created.json()
    return result


async def act(
    client: httpx.AsyncClient,
    incident_id: str,
    version: int | None,
    body: dict[str, Any],
    headers: dict[str, str] = ADMIN,
) -> httpx.Response:
    """POST one action with `If-Match: "version"` (none when `version` is None)."""
    if_match = {} if version is None else {"If-Match": f'"{version}"'}
    return await client.post(
        f"/v1/incidents/{incident_id}/actions", json=body, headers={**headers, **if_match}
    )


async def drive(client: httpx.AsyncClient, incident: dict[str, Any], state: str) -> dict[str, Any]:
    """Take the admin's actions that bring a reported incident into `state`; the last answer."""
    current = incident
    for body in PATHS[state]:
        response = await act(client, current["id"], current["version"], body)
        assert response.status_code == 200, response.text
        current = response.json()
    assert current["status"] == state
    return current


async def timeline(session: AsyncSession, incident_id: str) -> list[TimelineEntry]:
    """The stored timeline of an incident, in order."""
    query = (
        select(TimelineEntry)
        .where(col(TimelineEntry.incident_id) == uuid.UUID(incident_id))
        .order_by(col(TimelineEntry.id))
    )
    return list((await session.execute(query)).scalars())


async def handling(session: AsyncSession, incident_id: str) -> IncidentHandling:
    """The stored handling row, read afresh."""
    row = await session.get(IncidentHandling, uuid.UUID(incident_id), populate_existing=True)
    assert row is not None
    return row


async def messages(session: AsyncSession, template: str | None = None) -> list[dict[str, Any]]:
    """Payloads of the outbox, optionally of one template."""
    rows = await session.execute(
        select(infrastructure.outbox.c.payload).order_by(infrastructure.outbox.c.created_at)
    )
    payloads = [row[0] for row in rows]
    return [p for p in payloads if template is None or p.get("template") == template]
