"""Open311 requests carry their handling: `expected_datetime` from the time limits, and
`agency_responsible` from the dispatch target, in both formats, read in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from incidents_factories import seed_areas
from incidents_listing import add_incidents, incident_row
from incidents_open311 import BASE, parse_xml
from incidents_workflow import ADMIN, TEAM_TARGET, act, handling, seed_team
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from incidents.intake.models import Incident
from incidents.workflow.service import record_reported

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)
    await seed_team(session)


def w3c(moment: datetime | None) -> str | None:
    """A time as Open311 shows it: seconds, the business time zone's offset."""
    if moment is None:
        return None
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


async def reported(session: AsyncSession, *, with_handling: bool = True) -> str:
    """A resident's report of today; its handling started unless `with_handling` is False."""
    now = datetime.now(UTC) - timedelta(hours=1)
    [incident_id] = await add_incidents(
        session,
        incident_row(occurred_at=now, created_at=now, updated_at=now, reported_by="public"),
    )
    if with_handling:
        incident = await session.get(Incident, incident_id)
        assert incident is not None
        await record_reported(session, incident)
        await session.flush()
    return str(incident_id)


async def take(client: httpx.AsyncClient, incident_id: str, *bodies: dict[str, Any]) -> None:
    """Take the admin's actions on an incident, in order."""
    for body in bodies:
        current = await client.get(f"/v1/incidents/{incident_id}", headers=ADMIN)
        assert current.status_code == 200, current.text
        response = await act(client, incident_id, current.json()["version"], body)
        assert response.status_code == 200, response.text


async def in_both(client: httpx.AsyncClient, incident_id: str) -> tuple[Any, Any]:
    """(expected_datetime, agency_responsible) of a request read as JSON, after checking the
    XML single read and the JSON list say the same."""
    [as_json] = (await client.get(f"{BASE}/requests/{incident_id}.json")).json()
    root = parse_xml(await client.get(f"{BASE}/requests/{incident_id}.xml"))
    [element] = list(root)
    # XML has no null: an absent value is an empty element.
    assert element.findtext("expected_datetime") == (as_json["expected_datetime"] or "")
    assert element.findtext("agency_responsible") == (as_json["agency_responsible"] or "")
    listed = (await client.get(f"{BASE}/requests.json?service_request_id={incident_id}")).json()
    assert listed == [as_json]
    return as_json["expected_datetime"], as_json["agency_responsible"]


async def test_without_a_handling_row_both_are_empty(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident_id = await reported(session, with_handling=False)
    assert await in_both(client, incident_id) == (None, None)


async def test_a_reported_request_is_expected_by_its_accept_limit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident_id = await reported(session)
    h = await handling(session, incident_id)
    expected, agency = await in_both(client, incident_id)
    assert expected == w3c(h.accept_due)
    assert expected is not None
    assert expected.endswith("+08:00")
    assert agency is None


async def test_once_accepted_it_is_expected_by_its_resolve_limit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident_id = await reported(session)
    await take(client, incident_id, {"action": "accept"})
    h = await handling(session, incident_id)
    assert h.resolve_due is not None
    assert h.resolve_due != h.accept_due
    assert await in_both(client, incident_id) == (w3c(h.resolve_due), None)


async def test_a_dispatched_request_names_the_team(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident_id = await reported(session)
    await take(
        client, incident_id, {"action": "accept"}, {"action": "dispatch", "target": TEAM_TARGET}
    )
    h = await handling(session, incident_id)
    assert await in_both(client, incident_id) == (w3c(h.resolve_due), "南街义务巡防队")
    root = parse_xml(await client.get(f"{BASE}/requests.xml"))
    [element] = [r for r in root if r.findtext("service_request_id") == incident_id]
    assert element.findtext("agency_responsible") == "南街义务巡防队"
    assert element.findtext("expected_datetime") == w3c(h.resolve_due)


async def test_a_community_staff_target_is_not_named(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    incident_id = await reported(session)
    target = {"kind": "community_staff", "name": "李梅"}
    await take(client, incident_id, {"action": "accept"}, {"action": "dispatch", "target": target})
    _, agency = await in_both(client, incident_id)
    assert agency == "社区工作人员 Community staff"
    assert "李梅" not in (await client.get(f"{BASE}/requests.json")).text


@pytest.fixture
def statements(connection: AsyncConnection) -> Iterator[list[str]]:
    """The SQL statements run on the test's connection while the test runs."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", record)
    yield seen
    event.remove(sync, "before_cursor_execute", record)


async def test_a_page_is_one_statement_whatever_its_size(
    client: httpx.AsyncClient, session: AsyncSession, statements: list[str]
) -> None:
    ids = [await reported(session) for _ in range(3)]
    await reported(session, with_handling=False)
    await take(client, ids[0], {"action": "accept"}, {"action": "dispatch", "target": TEAM_TARGET})
    await take(client, ids[1], {"action": "accept"})
    statements.clear()
    rows = (await client.get(f"{BASE}/requests.json")).json()
    assert len(rows) == 4
    reads = [s for s in statements if "incident_handling" in s]
    assert len(reads) == 1
    assert "LEFT OUTER JOIN incident_handling" in reads[0]
    by_id = {r["service_request_id"]: r for r in rows}
    assert by_id[ids[0]]["agency_responsible"] == "南街义务巡防队"
    assert by_id[ids[1]]["agency_responsible"] is None
    due = {i: await handling(session, i) for i in ids}
    assert by_id[ids[1]]["expected_datetime"] == w3c(due[ids[1]].resolve_due)
    assert by_id[ids[2]]["expected_datetime"] == w3c(due[ids[2]].accept_due)
    [unhandled] = set(by_id) - set(ids)
    assert uuid.UUID(unhandled)
    assert by_id[unhandled]["expected_datetime"] is None
