"""Each action through `POST /v1/incidents/{id}/actions`: its effect, its timeline entry, the
version it bumps, and the refusals (428, 412, 409, 422) that write nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from incidents_factories import report, seed_areas
from incidents_workflow import (
    POLICE,
    REPORTER_SUB,
    TEAM_ID,
    TEAM_TARGET,
    act,
    drive,
    handling,
    messages,
    new_incident,
    timeline,
)
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident
from incidents.workflow.models import TimelineEntry
from incidents.workflow.service import record_reported
from pingan_shared.db import Database


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def test_report_starts_the_handling_with_its_time_limits(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session, severity="critical")
    row = await handling(session, incident["id"])
    assert (row.accept_minutes, row.arrive_minutes, row.resolve_minutes) == (5, 15, 240)
    [entry] = await timeline(session, incident["id"])
    assert (entry.action, entry.from_status, entry.to_status) == ("report", None, "reported")
    assert entry.actor_sub == REPORTER_SUB
    assert row.next_escalation_at == row.accept_due
    assert row.deadline_stage == "accept"


async def test_reporting_starts_the_handling_once(
    client: httpx.AsyncClient,
    session: AsyncSession,
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    created = await client.post("/v1/incidents", json=report(), headers=POLICE)
    incident = await session.get(Incident, uuid.UUID(created.json()["id"]))
    assert incident is not None
    database: Database = app_and_client[0].state.database
    async with database.transaction() as conn:
        # Intake started it with the report; a second start changes nothing.
        assert await record_reported(conn, incident) is False
    [entry] = await timeline(session, created.json()["id"])
    assert (entry.action, entry.actor_sub, entry.data["source"]) == (
        "report",
        "police-1",
        "police_office",
    )


async def test_accept_dispatch_start_resolve_close_each_write_one_entry(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session)
    accepted = await act(client, incident["id"], 1, {"action": "accept", "note": "已受理"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.headers["ETag"] == '"2"'
    body = accepted.json()
    assert (body["status"], body["version"]) == ("accepted", 2)
    assert body["handling"]["accepted_at"] is not None
    assert "dispatch" in body["allowed_actions"]
    row = await handling(session, incident["id"])
    assert row.accepted_at is not None
    assert row.resolve_due == row.accepted_at + timedelta(minutes=4320)  # medium: 3 days
    assert row.arrive_due == row.accepted_at + timedelta(minutes=120)
    assert (row.deadline_stage, row.next_escalation_at) == ("arrive", row.arrive_due)

    steps: list[tuple[dict[str, Any], str]] = [
        ({"action": "dispatch", "target": TEAM_TARGET}, "dispatched"),
        ({"action": "start"}, "in_progress"),
        ({"action": "resolve", "note": "电动车已找回"}, "resolved"),
        ({"action": "close"}, "closed"),
    ]
    version = 2
    for step, state in steps:
        response = await act(client, incident["id"], version, step)
        assert response.status_code == 200, response.text
        version += 1
        assert (response.json()["status"], response.json()["version"]) == (state, version)
        assert response.headers["ETag"] == f'"{version}"'

    entries = await timeline(session, incident["id"])
    assert [(e.action, e.from_status, e.to_status) for e in entries] == [
        ("report", None, "reported"),
        ("accept", "reported", "accepted"),
        ("dispatch", "accepted", "dispatched"),
        ("start", "dispatched", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("close", "resolved", "closed"),
    ]
    assert entries[1].note == "已受理"
    assert entries[1].actor_sub == "admin-1"
    assert entries[1].actor_role == "admin"
    assert entries[2].data["target"]["id"] == TEAM_ID
    assert entries[4].note == "电动车已找回"
    row = await handling(session, incident["id"])
    assert row.target_kind == "patrol_team"
    assert row.started_at is not None
    assert row.resolved_at is not None
    assert row.closed_at is not None
    assert row.next_escalation_at is None  # nothing is due once resolved

    read = await client.get(f"/v1/incidents/{incident['id']}/timeline", headers=POLICE)
    assert read.status_code == 200
    assert [e["action"] for e in read.json()["items"]] == [e.action for e in entries]


async def test_reject_needs_a_reason_and_records_it(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session)
    missing = await act(client, incident["id"], 1, {"action": "reject"})
    assert missing.status_code == 422
    assert "body.reject.reason" in [e["field"] for e in missing.json()["errors"]]
    rejected = await act(client, incident["id"], 1, {"action": "reject", "reason": "重复报警"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["handling"]["reject_reason"] == "重复报警"
    assert rejected.json()["allowed_actions"] == []
    entry = (await timeline(session, incident["id"]))[-1]
    assert (entry.action, entry.note) == ("reject", "重复报警")


async def test_reassignment_is_a_second_dispatch(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await drive(client, await new_incident(client, session), "in_progress")
    other = {"kind": "community_staff", "name": "南街社区网格员"}
    again = await act(
        client, incident["id"], incident["version"], {"action": "dispatch", "target": other}
    )
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "dispatched"
    assert again.json()["handling"]["target"]["name"] == "南街社区网格员"
    entry = (await timeline(session, incident["id"]))[-1]
    assert entry.data["previous_target"]["id"] == TEAM_ID
    row = await handling(session, incident["id"])
    assert row.deadline_stage == "resolve"  # it was handled on site already


async def test_supervise_keeps_the_state_and_flags_the_incident(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    from pingan_shared.testing import bearer

    incident = await new_incident(client, session)
    leader = bearer("leader", areas=["530128"], sub="leader-1")
    response = await act(
        client, incident["id"], 1, {"action": "supervise", "note": "请今日办结"}, leader
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["version"]) == ("reported", 2)
    assert response.json()["handling"]["supervised"] is True
    entry = (await timeline(session, incident["id"]))[-1]
    assert (entry.action, entry.from_status, entry.to_status) == (
        "supervise",
        "reported",
        "reported",
    )
    resolved = await drive(client, {**incident, "version": 2}, "resolved")
    assert resolved["handling"]["supervised"] is False  # handled: no longer 督办


async def test_without_if_match_is_428_and_stale_is_412(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session)
    missing = await act(client, incident["id"], None, {"action": "accept"})
    assert missing.status_code == 428
    assert missing.json()["type"].endswith("/precondition-required")
    await act(client, incident["id"], 1, {"action": "accept"})
    stale = await act(client, incident["id"], 1, {"action": "dispatch", "target": TEAM_TARGET})
    assert stale.status_code == 412
    assert stale.json()["type"].endswith("/precondition-failed")
    assert [e.action for e in await timeline(session, incident["id"])] == ["report", "accept"]


async def test_a_transition_the_state_does_not_allow_is_409_naming_state_and_actions(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session)
    response = await act(client, incident["id"], 1, {"action": "resolve", "note": "好了"})
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("/transition-not-allowed")
    assert "reported" in problem["detail"]
    assert "accept, reject, merge, supervise" in problem["detail"]
    assert len(await timeline(session, incident["id"])) == 1
    assert (await handling(session, incident["id"])).resolved_at is None


BAD_BODIES = [
    ({"action": "fly"}, "body"),
    ({}, "body"),
    ({"action": "accept", "surprise": 1}, "body.accept.surprise"),
    ({"action": "dispatch"}, "body.dispatch.target"),
    ({"action": "dispatch", "target": {"kind": "patrol_team"}}, "body.dispatch.target"),
    ({"action": "dispatch", "target": {"kind": "army", "id": "x"}}, "body.dispatch.target"),
    ({"action": "dispatch", "target": "later"}, "body.dispatch.target"),
    ({"action": "merge", "into": "not-a-uuid"}, "body.merge.into"),
    ({"action": "rate", "stars": 6}, "body.rate.stars"),
    ({"action": "resolve", "note": ""}, "body.resolve.note"),
    ({"action": "accept", "note": "x" * 2001}, "body.accept.note"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
async def test_bad_bodies_are_422_naming_the_field_and_write_nothing(
    client: httpx.AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
) -> None:
    incident = await new_incident(client, session)
    response = await act(client, incident["id"], 1, body)
    assert response.status_code == 422, response.text
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f.startswith(field) for f in fields), fields
    assert len(await timeline(session, incident["id"])) == 1
    assert (await messages(session, "incident_dispatched")) == []


async def test_dispatch_to_an_unknown_area_or_contact_is_422(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await drive(client, await new_incident(client, session), "accepted")
    for target, field in [
        (
            {"kind": "police_office", "name": "x", "area_code": "530128999999"},
            "body.target.area_code",
        ),
        ({"kind": "police_office", "id": "00000000-0000-0000-0000-000000000000"}, "body.target.id"),
    ]:
        response = await act(client, incident["id"], 2, {"action": "dispatch", "target": target})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    entries: list[TimelineEntry] = await timeline(session, incident["id"])
    assert [e.action for e in entries] == ["report", "accept"]


async def test_timeline_pages_and_is_hidden_outside_the_area(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    from incidents_factories import BEIJIE

    from pingan_shared.testing import bearer

    incident = await drive(client, await new_incident(client, session), "in_progress")
    path = f"/v1/incidents/{incident['id']}/timeline"
    first = await client.get(path, params={"limit": 2}, headers=POLICE)
    assert [e["action"] for e in first.json()["items"]] == ["report", "accept"]
    second = await client.get(
        path, params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=POLICE
    )
    assert [e["action"] for e in second.json()["items"]] == ["dispatch", "start"]
    assert second.json()["next_cursor"] is None
    outside = await client.get(path, headers=bearer("police", areas=[BEIJIE]))
    assert outside.status_code == 404
    unit = await client.get(path, headers=bearer("unit"))
    assert unit.status_code == 403


async def test_phones_written_into_notes_are_masked_for_patrol_members(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    from incidents_factories import NANJIE

    from pingan_shared.testing import bearer

    incident = await new_incident(client, session)
    await act(client, incident["id"], 1, {"action": "accept", "note": "已联系失主 13912345678"})
    path = f"/v1/incidents/{incident['id']}/timeline"
    patrol = await client.get(path, headers=bearer("patrol", areas=[NANJIE]))
    assert patrol.json()["items"][1]["note"] == "已联系失主 139****5678"
    police = await client.get(path, headers=POLICE)
    assert police.json()["items"][1]["note"] == "已联系失主 13912345678"
