"""Who may take each action (ARCHITECTURE.md §4), over all eight roles: inside their areas the
allowed roles succeed and the others get 403; outside their areas the incident does not exist."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_workflow import TEAM_ID, TEAM_TARGET, act, drive, new_incident, seed_team, timeline
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.patrols.models import PatrolMember
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
HANDLERS = {"admin", "police", "community"}
ACTORS = {"admin", "leader", "police", "community", "patrol", "service"}

# action → (state it is taken from, body, roles that may take it)
MATRIX: dict[str, tuple[str, dict[str, Any], set[str]]] = {
    "accept": ("reported", {}, HANDLERS),
    "reject": ("reported", {"reason": "不属实"}, HANDLERS),
    "merge": ("reported", {}, HANDLERS),
    "dispatch": ("accepted", {"target": TEAM_TARGET}, HANDLERS),
    "start": ("dispatched", {}, HANDLERS | {"patrol"}),  # dispatched to a patrol team
    "resolve": ("in_progress", {"note": "已处置"}, HANDLERS | {"patrol"}),
    "close": ("resolved", {}, HANDLERS),
    "reopen": ("resolved", {"reason": "又发生了"}, HANDLERS),
    "rate": ("resolved", {"stars": 4}, HANDLERS),
    "supervise": ("reported", {}, {"admin", "leader"}),
}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)
    await seed_team(session)
    # The patrol caller of the matrix is a member of the team incidents are dispatched to.
    member = PatrolMember(
        team_id=uuid.UUID(TEAM_ID), name="赵队员", phone="13600001111", subject="matrix-user"
    )
    session.add(member)
    await session.flush()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
async def test_action_matrix(
    client: httpx.AsyncClient, session: AsyncSession, action: str, role: str
) -> None:
    state, fields, allowed = MATRIX[action]
    incident = await drive(client, await new_incident(client, session), state)
    body = {"action": action, **fields}
    if action == "merge":
        body["into"] = (await new_incident(client, session))["id"]
    entries = len(await timeline(session, incident["id"]))

    outside = bearer(role, areas=[BEIJIE], sub="matrix-user")
    response = await act(client, incident["id"], incident["version"], body, outside)
    assert response.status_code == (404 if role in ACTORS else 403), response.text

    inside = bearer(role, areas=[NANJIE], sub="matrix-user")
    response = await act(client, incident["id"], incident["version"], body, inside)
    assert response.status_code == (200 if role in allowed else 403), response.text
    written = len(await timeline(session, incident["id"])) - entries
    assert written == (1 if role in allowed else 0)
    if response.status_code == 403:
        assert response.json()["type"].endswith("/forbidden")


async def test_a_patrol_member_may_not_start_what_went_to_a_police_office(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await drive(client, await new_incident(client, session), "accepted")
    police_office = {"kind": "police_office", "name": "南街警务室"}
    dispatched = await act(
        client, incident["id"], 2, {"action": "dispatch", "target": police_office}
    )
    assert dispatched.status_code == 200
    patrol = bearer("patrol", areas=[NANJIE], sub="patrol-9")
    response = await act(client, incident["id"], 3, {"action": "start"}, patrol)
    assert response.status_code == 403


async def test_a_patrol_member_of_another_team_may_not_start_it(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident = await drive(client, await new_incident(client, session), "dispatched")
    stranger = bearer("patrol", areas=[NANJIE], sub="patrol-of-another-team")
    response = await act(client, incident["id"], incident["version"], {"action": "start"}, stranger)
    assert response.status_code == 403
