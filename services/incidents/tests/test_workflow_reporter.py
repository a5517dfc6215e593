"""The reporter's side: merged duplicates follow their parent and hear of its resolution; the
handling is rated once; a reporter may reopen within seven days of resolution, staff any time."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_workflow import (
    ADMIN,
    POLICE,
    REPORTER,
    act,
    drive,
    handling,
    messages,
    new_incident,
    timeline,
)
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.workflow.models import IncidentFollower, IncidentHandling
from pingan_shared.testing import bearer


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def test_merge_marks_the_duplicate_and_its_reporter_follows_the_parent(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    parent = await new_incident(client, session)
    other_reporter = bearer("community", areas=[NANJIE], sub="community-3")
    duplicate = await new_incident(
        client,
        session,
        other_reporter,
        reporter={"name": "张伟", "phone": "13700001234"},
    )
    merged = await act(client, duplicate["id"], 1, {"action": "merge", "into": parent["id"]})
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged"
    assert merged.json()["handling"]["merged_into"] == parent["id"]
    entry = (await timeline(session, duplicate["id"]))[-1]
    assert (entry.action, entry.to_status, entry.data["into"]) == ("merge", "merged", parent["id"])
    parent_entry = (await timeline(session, parent["id"]))[-1]
    assert parent_entry.action == "duplicate_merged"
    assert parent_entry.data["duplicate"] == duplicate["id"]
    follower = (
        await session.execute(
            select(IncidentFollower).where(
                col(IncidentFollower.incident_id) == uuid.UUID(parent["id"])
            )
        )
    ).scalar_one()
    assert (str(follower.duplicate_id), follower.reporter_sub) == (duplicate["id"], "community-3")

    # The parent's resolution reaches both reporters.
    await drive(client, parent, "resolved")
    [message] = await messages(session, "incident_resolved")
    assert sorted(r["phone"] for r in message["recipients"]) == ["13700001234", "13912345678"]
    assert message["params"]["note"] == "已处置"


async def test_merge_refuses_itself_an_unknown_or_invisible_parent_and_a_merged_one(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await new_incident(client, session)
    elsewhere = await new_incident(
        client, session, bearer("police", areas=[BEIJIE]), area_code=BEIJIE
    )
    merged = await new_incident(client, session)
    await act(client, merged["id"], 1, {"action": "merge", "into": incident["id"]})
    for into, code in [
        (incident["id"], "self_merge"),
        (str(uuid.uuid4()), "unknown_incident"),
        (elsewhere["id"], "unknown_incident"),
        (merged["id"], "parent_not_open"),
    ]:
        body = {"action": "merge", "into": into}
        response = await act(client, incident["id"], 1, body, POLICE)
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert (error["field"], error["code"]) == ("body.into", code)
    assert [e.action for e in await timeline(session, incident["id"])] == [
        "report",
        "duplicate_merged",
    ]


async def test_resolution_reaches_the_reporter_unless_anonymous(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    named = await new_incident(client, session)
    await drive(client, named, "resolved")
    [message] = await messages(session, "incident_resolved")
    assert [r["phone"] for r in message["recipients"]] == ["13912345678"]
    assert message["message_key"] == f"incident-resolved:{named['id']}:5"
    assert set(message["params"]) == {"incident_id", "title", "note", "resolved_at"}

    anonymous = await new_incident(
        client, session, reporter={"phone": "13912345678", "anonymous": True}
    )
    await drive(client, anonymous, "resolved")
    assert len(await messages(session, "incident_resolved")) == 1


async def test_the_reporter_rates_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    incident = await drive(client, await new_incident(client, session), "resolved")
    version = incident["version"]
    too_early = await drive(client, await new_incident(client, session), "in_progress")
    refused = await act(
        client, too_early["id"], too_early["version"], {"action": "rate", "stars": 5}, REPORTER
    )
    assert refused.status_code == 409

    rated = await act(
        client,
        incident["id"],
        version,
        {"action": "rate", "stars": 5, "comment": "很及时"},
        REPORTER,
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["status"] == "resolved"
    assert rated.json()["handling"]["rating"]["stars"] == 5
    entry = (await timeline(session, incident["id"]))[-1]
    assert (entry.action, entry.note, entry.data) == (
        "rate",
        "很及时",
        {"stars": 5, "on_behalf": False},
    )

    again = await act(client, incident["id"], version + 1, {"action": "rate", "stars": 1}, POLICE)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/already-rated")
    assert (await handling(session, incident["id"])).rating == 5


async def test_staff_may_rate_on_the_reporters_behalf(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await drive(client, await new_incident(client, session), "closed")
    rated = await act(
        client, incident["id"], incident["version"], {"action": "rate", "stars": 3}, POLICE
    )
    assert rated.status_code == 200, rated.text
    assert (await timeline(session, incident["id"]))[-1].data == {"stars": 3, "on_behalf": True}


async def _resolved_days_ago(session: AsyncSession, incident_id: str, days: float) -> None:
    row = await handling(session, incident_id)
    assert row.resolved_at is not None
    await session.execute(
        update(IncidentHandling)
        .where(col(IncidentHandling.incident_id) == uuid.UUID(incident_id))
        .values(resolved_at=row.resolved_at - timedelta(days=days))
    )
    await session.flush()


async def test_the_reporter_reopens_within_seven_days(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await drive(client, await new_incident(client, session), "resolved")
    await _resolved_days_ago(session, incident["id"], 6.9)
    body = {"action": "reopen", "reason": "车又被偷了"}
    reopened = await act(client, incident["id"], incident["version"], body, REPORTER)
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "reopened"
    row = await handling(session, incident["id"])
    assert (row.reopen_count, row.resolved_at, row.deadline_stage) == (1, None, "arrive")
    assert row.next_escalation_at == row.arrive_due
    entry = (await timeline(session, incident["id"]))[-1]
    assert (entry.action, entry.note, entry.data) == ("reopen", "车又被偷了", {"by_reporter": True})


async def test_after_seven_days_only_staff_may_reopen(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await drive(client, await new_incident(client, session), "closed")
    await _resolved_days_ago(session, incident["id"], 8)
    body = {"action": "reopen", "reason": "车又被偷了"}
    late = await act(client, incident["id"], incident["version"], body, REPORTER)
    assert late.status_code == 409
    assert late.json()["type"].endswith("/reopen-window-closed")
    staff = await act(client, incident["id"], incident["version"], body, ADMIN)
    assert staff.status_code == 200, staff.text
    assert staff.json()["status"] == "reopened"
