"""Dispatch: automatic (the team on duty, else the nearest police office), by hand, and the
messages it sends to the target and, for high severity, to the area's police office."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from incidents_factories import BEIJIE, NANJIE, NANJIE_GRID, TOWN, seed_areas
from incidents_patrols import add_team
from incidents_workflow import TEAM_ID, TEAM_TARGET, act, drive, messages, new_incident, timeline
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Contact, ContactRole
from incidents.patrols.models import PatrolShift
from incidents.workflow.dispatch import DutyMember, DutyTeam, on_duty_lookup, patrols_on_duty
from pingan_shared.testing import bearer

TEAM = DutyTeam(
    team_id=TEAM_ID,
    name="南街义务巡防队",
    area_code=NANJIE,
    members=[
        DutyMember(name="队员甲", wecom_user_id="member-a"),
        DutyMember(name="队长老周", phone="13600002222", is_leader=True),
    ],
)


class Roster:
    """An injected duty roster: the teams it answers with, and what it was asked."""

    def __init__(self, teams: Sequence[DutyTeam]) -> None:
        self.teams = list(teams)
        self.asked: list[tuple[str, datetime]] = []

    async def __call__(self, session: AsyncSession, area_code: str, at: datetime) -> list[DutyTeam]:
        self.asked.append((area_code, at))
        return [t for t in self.teams if area_code.startswith(t.area_code)]


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


@pytest.fixture
async def roster(app_and_client: tuple[FastAPI, httpx.AsyncClient]) -> AsyncIterator[Roster]:
    """Routes look duty up in this roster (empty unless a test adds teams)."""
    app = app_and_client[0]
    injected = Roster([])
    app.dependency_overrides[on_duty_lookup] = lambda: injected
    try:
        yield injected
    finally:
        app.dependency_overrides.pop(on_duty_lookup, None)


AUTO = {"action": "dispatch", "target": "auto"}


async def test_auto_dispatch_picks_the_team_on_duty_and_tells_its_members(
    client: httpx.AsyncClient, session: AsyncSession, roster: Roster
) -> None:
    roster.teams.append(TEAM)
    incident = await drive(client, await new_incident(client, session), "accepted")
    response = await act(client, incident["id"], 2, AUTO)
    assert response.status_code == 200, response.text
    assert response.json()["handling"]["target"] == {
        "kind": "patrol_team",
        "id": TEAM_ID,
        "name": "南街义务巡防队",
        "area_code": NANJIE,
    }
    assert roster.asked[0][0] == NANJIE
    entry = (await timeline(session, incident["id"]))[-1]
    assert entry.data["auto"] is True
    [message] = await messages(session, "incident_dispatched")
    assert [r["name"] for r in message["recipients"]] == ["队长老周", "队员甲"]  # leader first
    assert message["message_key"] == f"incident-dispatched:{incident['id']}:3"
    assert set(message["params"]) == {
        "incident_id",
        "title",
        "area",
        "category",
        "severity",
        "target",
        "address",
        "occurred_at",
    }
    assert (message["params"]["target"], message["params"]["area"]) == (
        "南街义务巡防队",
        "南街社区",
    )


async def test_without_a_team_on_duty_auto_dispatch_falls_back_to_the_police_office(
    client: httpx.AsyncClient, session: AsyncSession, roster: Roster
) -> None:
    incident = await drive(
        client, await new_incident(client, session, area_code=NANJIE_GRID), "accepted"
    )
    response = await act(client, incident["id"], 2, AUTO)
    assert response.status_code == 200, response.text
    target = response.json()["handling"]["target"]
    assert (target["kind"], target["name"], target["area_code"]) == (
        "police_office",
        "李警官",
        NANJIE,
    )
    [message] = await messages(session, "incident_dispatched")
    assert [r.get("phone") for r in message["recipients"]] == ["13800001111"]


async def test_the_police_office_of_the_nearest_ancestor_serves_an_area_without_one(
    client: httpx.AsyncClient, session: AsyncSession, roster: Roster
) -> None:
    headers = bearer("police", areas=[BEIJIE])
    incident = await drive(
        client, await new_incident(client, session, headers, area_code=BEIJIE), "accepted"
    )
    nobody = await act(client, incident["id"], 2, AUTO)
    assert nobody.status_code == 422
    assert nobody.json()["errors"][0]["code"] == "no_dispatch_target"

    session.add(
        Contact(
            area_code=TOWN, name="屏山派出所", role=ContactRole.police_office, phone="13800002222"
        )
    )
    await session.flush()
    response = await act(client, incident["id"], 2, AUTO)
    assert response.status_code == 200, response.text
    assert response.json()["handling"]["target"]["name"] == "屏山派出所"


async def test_the_default_lookup_reads_the_patrol_roster(session: AsyncSession) -> None:
    now = datetime.now(UTC)
    assert await patrols_on_duty(session, NANJIE, now) == []
    team, _ = await add_team(
        session,
        NANJIE,
        "南街社区义务巡防队",
        [("李建国", "13800000001", "patrol-1"), ("王芳", "13800000002", "patrol-2")],
    )
    session.add(
        PatrolShift(
            team_id=team.id,
            area_code=NANJIE,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1),
        )
    )
    await session.flush()
    [on_duty] = await patrols_on_duty(session, NANJIE_GRID, now)
    assert (on_duty.team_id, on_duty.name) == (str(team.id), "南街社区义务巡防队")
    assert [(m.name, m.is_leader) for m in on_duty.members] == [("李建国", True), ("王芳", False)]
    assert await patrols_on_duty(session, BEIJIE, now) == []


async def test_auto_dispatch_through_the_real_roster(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    now = datetime.now(UTC)
    team, _ = await add_team(
        session, NANJIE, "南街社区义务巡防队", [("李建国", "13800000001", None)]
    )
    session.add(
        PatrolShift(
            team_id=team.id,
            area_code=NANJIE,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1),
        )
    )
    await session.flush()
    incident = await drive(client, await new_incident(client, session), "accepted")
    response = await act(client, incident["id"], 2, AUTO)
    assert response.status_code == 200, response.text
    assert response.json()["handling"]["target"]["id"] == str(team.id)
    [message] = await messages(session, "incident_dispatched")
    assert [r["phone"] for r in message["recipients"]] == ["13800000001"]


async def test_dispatch_to_a_contact_by_id_tells_that_contact(
    client: httpx.AsyncClient, session: AsyncSession, roster: Roster
) -> None:
    police = (
        await session.execute(select(Contact).where(col(Contact.name) == "李警官"))
    ).scalar_one()
    incident = await drive(client, await new_incident(client, session), "accepted")
    target = {"kind": "police_office", "id": str(police.id)}
    response = await act(client, incident["id"], 2, {"action": "dispatch", "target": target})
    assert response.status_code == 200, response.text
    assert response.json()["handling"]["target"]["name"] == "李警官"
    [message] = await messages(session, "incident_dispatched")
    assert [r["phone"] for r in message["recipients"]] == ["13800001111"]

    wrong_kind = {"kind": "community_staff", "id": str(police.id)}
    refused = await act(client, incident["id"], 3, {"action": "dispatch", "target": wrong_kind})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.target.id"


async def test_an_off_duty_team_is_reached_through_the_areas_duty_contacts(
    client: httpx.AsyncClient, session: AsyncSession, roster: Roster
) -> None:
    incident = await drive(client, await new_incident(client, session), "accepted")
    response = await act(client, incident["id"], 2, {"action": "dispatch", "target": TEAM_TARGET})
    assert response.status_code == 200
    [message] = await messages(session, "incident_dispatched")
    reached = {r.get("wecom_robot_key") or r.get("phone") for r in message["recipients"]}
    assert reached == {"nanjie-key", "13800001111"}


@pytest.mark.parametrize(("severity", "police_told"), [("high", True), ("medium", False)])
async def test_high_severity_dispatch_also_tells_the_police_office(
    client: httpx.AsyncClient,
    session: AsyncSession,
    roster: Roster,
    severity: str,
    police_told: bool,
) -> None:
    roster.teams.append(TEAM)
    incident = await drive(
        client, await new_incident(client, session, severity=severity), "accepted"
    )
    response = await act(client, incident["id"], 2, AUTO)
    assert response.status_code == 200
    [message] = await messages(session, "incident_dispatched")
    phones: list[Any] = [r.get("phone") for r in message["recipients"]]
    assert ("13800001111" in phones) is police_told
    assert message["priority"] == ("urgent" if severity == "high" else "routine")
