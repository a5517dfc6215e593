"""`GET /v1/incidents` and its exports by the handling: `team` (the patrol team an incident is
dispatched to) and `supervised` (督办), alone, together and with the other filters."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_listing import BASE_TIME, add_incidents, hours, incident_row
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import IncidentStatus
from incidents.workflow.models import IncidentHandling
from pingan_shared.testing import bearer

ADMIN = bearer("admin", areas=["530128"])
TEAM = "0b9f7c1e-7a43-4d6e-9a51-3f7c2d1e8a01"
OTHER_TEAM = "5d2e8f90-1c3b-4a7d-8e6f-9b0a1c2d3e4f"
ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_LIST = {"admin", "leader", "police", "community", "patrol", "inspector", "service"}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


def handled(
    incident_id: uuid.UUID,
    kind: str | None = None,
    target: str | None = None,
    *,
    supervised: bool = False,
) -> dict[str, Any]:
    """A handling row, dispatched to (kind, target) when given."""
    return {
        "incident_id": incident_id,
        "target_kind": kind,
        "target_id": target,
        "target_name": "南街义务巡防队" if kind else None,
        "accept_minutes": 60,
        "arrive_minutes": 120,
        "resolve_minutes": 4320,
        "accept_due": BASE_TIME + timedelta(hours=1),
        "dispatched_at": BASE_TIME if kind else None,
        "supervised": supervised,
        "supervised_at": BASE_TIME if supervised else None,
    }


async def add_handling(session: AsyncSession, *rows: dict[str, Any]) -> None:
    """Insert handling rows (one statement)."""
    await session.execute(insert(IncidentHandling), list(rows))
    await session.flush()


async def ids(client: httpx.AsyncClient, query: str, headers: dict[str, str] = ADMIN) -> list[str]:
    response = await client.get(f"/v1/incidents?limit=500&{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
async def five(session: AsyncSession) -> list[str]:
    """Five incidents, newest first: to TEAM and supervised, to TEAM, to OTHER_TEAM and
    supervised, to a police office whose id is TEAM's text, and one with no handling row."""
    rows = [incident_row(occurred_at=BASE_TIME - hours(n)) for n in range(5)]
    rows[1]["status"] = IncidentStatus.in_progress
    found = await add_incidents(session, *rows)
    await add_handling(
        session,
        handled(found[0], "patrol_team", TEAM, supervised=True),
        handled(found[1], "patrol_team", TEAM),
        handled(found[2], "patrol_team", OTHER_TEAM, supervised=True),
        handled(found[3], "police_office", TEAM),
    )
    return [str(i) for i in found]


async def test_team_keeps_the_incidents_dispatched_to_that_team(
    client: httpx.AsyncClient, five: list[str]
) -> None:
    assert await ids(client, f"team={TEAM}") == five[:2]
    assert await ids(client, f"team={OTHER_TEAM}") == [five[2]]
    # An id in upper case is the same team.
    assert await ids(client, f"team={TEAM.upper()}") == five[:2]
    assert await ids(client, f"team={uuid.uuid4()}") == []


async def test_supervised_true_and_false_split_the_list(
    client: httpx.AsyncClient, five: list[str]
) -> None:
    assert await ids(client, "supervised=true") == [five[0], five[2]]
    # Without a handling row an incident is not supervised.
    assert await ids(client, "supervised=false") == [five[1], five[3], five[4]]
    assert await ids(client, "") == five


async def test_filters_combine(client: httpx.AsyncClient, five: list[str]) -> None:
    assert await ids(client, f"team={TEAM}&supervised=true") == [five[0]]
    assert await ids(client, f"team={TEAM}&supervised=false") == [five[1]]
    assert await ids(client, f"team={OTHER_TEAM}&supervised=false") == []
    assert await ids(client, f"team={TEAM}&status=in_progress") == [five[1]]
    assert await ids(client, f"team={TEAM}&status=closed") == []
    assert await ids(client, "supervised=true&sort=occurred_at") == [five[2], five[0]]
    period = f"occurred_to={(BASE_TIME - hours(0.5)).isoformat().replace('+', '%2B')}"
    assert await ids(client, f"team={TEAM}&{period}") == [five[1]]


async def test_keyset_pages_of_a_team(client: httpx.AsyncClient, session: AsyncSession) -> None:
    rows = [incident_row(occurred_at=BASE_TIME - hours(n % 3)) for n in range(7)]
    found = await add_incidents(session, *rows, incident_row())
    await add_handling(session, *[handled(i, "patrol_team", TEAM) for i in found[:7]])
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        response = await client.get(f"/v1/incidents?team={TEAM}&limit=3{cursor}", headers=ADMIN)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert len(seen) == 7
    assert set(seen) == {str(i) for i in found[:7]}
    assert seen == await ids(client, f"team={TEAM}")


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_the_filters_see_only_the_callers_areas(
    client: httpx.AsyncClient, session: AsyncSession, role: str
) -> None:
    nanjie, beijie = await add_incidents(
        session, incident_row(area_code=NANJIE), incident_row(area_code=BEIJIE)
    )
    await add_handling(
        session,
        handled(nanjie, "patrol_team", TEAM, supervised=True),
        handled(beijie, "patrol_team", TEAM, supervised=True),
    )
    for query in (f"team={TEAM}", "supervised=true", f"team={TEAM}&supervised=true"):
        response = await client.get(f"/v1/incidents?{query}", headers=bearer(role, areas=[NANJIE]))
        assert response.status_code == (200 if role in MAY_LIST else 403), response.text
        if role in MAY_LIST:
            assert [item["id"] for item in response.json()["items"]] == [str(nanjie)]


async def test_exports_apply_the_filters(client: httpx.AsyncClient, five: list[str]) -> None:
    response = await client.get(
        f"/v1/incidents/export.csv?team={TEAM}&supervised=false", headers=ADMIN
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [five[1]]
    geojson = await client.get("/v1/incidents/incidents.geojson?supervised=true", headers=ADMIN)
    assert [f["id"] for f in geojson.json()["features"]] == [five[0], five[2]]


@pytest.mark.parametrize(
    ("query", "field"),
    [("team=not-a-team", "query.team"), ("supervised=perhaps", "query.supervised")],
)
@pytest.mark.parametrize("path", ["/v1/incidents", "/v1/incidents/export.csv"])
async def test_bad_values_are_a_422_naming_the_field(
    client: httpx.AsyncClient, query: str, field: str, path: str
) -> None:
    response = await client.get(f"{path}?{query}", headers=ADMIN)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_the_team_and_supervision_indexes_exist(session: AsyncSession) -> None:
    found = await session.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incident_handling' "
            "AND indexname IN ('ix_incident_handling_patrol_team', "
            "'ix_incident_handling_supervised')"
        )
    )
    definitions = {str(name): str(definition) for name, definition in found}
    assert (
        "WHERE ((target_kind)::text = 'patrol_team'::text)"
        in (definitions["ix_incident_handling_patrol_team"])
    )
    assert "WHERE supervised" in definitions["ix_incident_handling_supervised"]
