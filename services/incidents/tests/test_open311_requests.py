"""Open311 `GET requests`, `requests/{id}` and `tokens/{token}`: public, without reporters."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_listing import PHONE, add_incidents, incident_row
from incidents_open311 import BASE, REQUEST_FIELDS, children, errors_of, parse_xml
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import IncidentStatus

NOW = datetime.now(UTC)


def at(days_ago: float, **overrides: Any) -> dict[str, Any]:
    moment = NOW - timedelta(days=days_ago)
    times = {"occurred_at": moment, "created_at": moment, "updated_at": moment}
    return incident_row(**({"reported_by": "open311:test"} | times | overrides))


def w3c(moment: str) -> str:
    return moment.replace("+", "%2B")


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def listed(client: httpx.AsyncClient, query: str = "") -> list[str]:
    response = await client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 200, response.text
    return [r["service_request_id"] for r in response.json()]


async def test_requests_in_xml_as_the_specification_prints_them(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    [incident_id] = await add_incidents(session, at(1, description=f"被盗,电话 {PHONE}"))
    response = await client.get(f"{BASE}/requests.xml")
    root = parse_xml(response)
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    assert children(request) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == str(incident_id)
    assert request.findtext("status") == "open"
    assert request.findtext("service_name") == "盗窃"
    assert request.findtext("description") == "被盗,电话 139****5678"
    assert (request.findtext("requested_datetime") or "").endswith("+08:00")
    assert request.findtext("lat") == "25.553"  # rounded to about 100 m in public
    assert request.findtext("long") == "102.469"
    # Nothing of the reporter, in either format.
    assert "王芳" not in response.text
    assert PHONE not in response.text
    as_json = (await client.get(f"{BASE}/requests.json")).json()
    assert [list(r) for r in as_json] == [REQUEST_FIELDS]
    assert "王芳" not in str(as_json)
    assert as_json[0]["expected_datetime"] is None


@pytest.mark.parametrize(
    ("status", "open311"),
    [
        (IncidentStatus.reported, "open"),
        (IncidentStatus.accepted, "open"),
        (IncidentStatus.dispatched, "open"),
        (IncidentStatus.in_progress, "open"),
        (IncidentStatus.reopened, "open"),
        (IncidentStatus.resolved, "closed"),
        (IncidentStatus.closed, "closed"),
        (IncidentStatus.rejected, "closed"),
        (IncidentStatus.merged, "closed"),
    ],
)
async def test_status_maps_onto_open_and_closed(
    client: httpx.AsyncClient, session: AsyncSession, status: IncidentStatus, open311: str
) -> None:
    [incident_id] = await add_incidents(session, at(1, status=status))
    [request] = (await client.get(f"{BASE}/requests/{incident_id}.json")).json()
    assert request["status"] == open311
    assert request["status_notes"]
    other = "closed" if open311 == "open" else "open"
    assert await listed(client, f"status={open311}") == [str(incident_id)]
    assert await listed(client, f"status={other}") == []
    assert await listed(client, "status=open,closed") == [str(incident_id)]


async def test_the_default_window_is_the_last_90_days(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    recent, old = await add_incidents(session, at(2), at(100))
    assert await listed(client) == [str(recent)]
    start = w3c((NOW - timedelta(days=120)).isoformat())
    end = w3c((NOW - timedelta(days=60)).isoformat())
    assert await listed(client, f"start_date={start}&end_date={end}") == [str(old)]
    assert await listed(client, f"start_date={start}") == [str(old)]
    # An empty parameter counts as absent.
    assert await listed(client, "start_date=&end_date=&status=") == [str(recent)]


async def test_ids_override_every_other_filter(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    recent, old = await add_incidents(session, at(2), at(200, category="fraud"))
    query = f"service_request_id={old},{recent}&status=closed&service_code=fight"
    assert set(await listed(client, query)) == {str(recent), str(old)}


async def test_service_codes_jurisdiction_and_pages(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    rows = [at(i, category="theft" if i % 2 else "fraud") for i in range(1, 8)]
    rows.append(at(1.5, category="theft", area_code=BEIJIE))
    ids = [str(i) for i in await add_incidents(session, *rows)]
    thefts = [ids[0], ids[7], ids[2], ids[4], ids[6]]
    assert await listed(client, "service_code=theft") == thefts
    assert len(await listed(client, "service_code=theft,fraud")) == 8
    assert await listed(client, f"service_code=theft&jurisdiction_id={NANJIE}") == [
        i for i in thefts if i != ids[7]
    ]
    assert await listed(client, "service_code=theft&page=2&page_size=2") == thefts[2:4]
    assert await listed(client, "service_code=theft&page=9&page_size=2") == []


async def test_updated_after_reads_older_requests_that_changed(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    changed, _ = await add_incidents(
        session,
        at(200, updated_at=NOW - timedelta(hours=1)),
        at(3, updated_at=NOW - timedelta(days=3)),
    )
    since = w3c((NOW - timedelta(days=1)).isoformat())
    assert await listed(client, f"updated_after={since}") == [str(changed)]


@pytest.mark.parametrize(
    ("query", "status", "word"),
    [
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400, "90 days"),
        ("start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", 400, "start_date"),
        ("start_date=yesterday", 400, "start_date"),
        ("end_date=2026-06-01T00:00:00", 400, "time zone"),
        ("status=pending", 400, "status"),
        ("service_code=alien_abduction", 400, "service_code"),
        ("service_request_id=42", 400, "service_request_id"),
        ("page=0", 400, "page"),
        ("page_size=1001", 400, "page_size"),
        ("jurisdiction_id=530128100009", 404, "jurisdiction_id"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_bad_filters_are_open311_errors(
    client: httpx.AsyncClient, query: str, status: int, word: str, fmt: str
) -> None:
    response = await client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == status, response.text
    [(code, description)] = errors_of(response)
    assert code == status
    assert word in description


async def test_one_request_and_its_token(client: httpx.AsyncClient, session: AsyncSession) -> None:
    [incident_id] = await add_incidents(session, at(1))
    root = parse_xml(await client.get(f"{BASE}/requests/{incident_id}.xml"))
    assert [r.tag for r in root] == ["request"]
    token = parse_xml(await client.get(f"{BASE}/tokens/{incident_id}.xml"))
    assert token.tag == "service_requests"
    [request] = list(token)
    assert children(request) == ["service_request_id", "token"]
    assert (await client.get(f"{BASE}/tokens/{incident_id}.json")).json() == [
        {"service_request_id": str(incident_id), "token": str(incident_id)}
    ]


@pytest.mark.parametrize("path", ["requests/{}.json", "requests/{}.xml", "tokens/{}.json"])
@pytest.mark.parametrize("missing", [str(uuid.uuid4()), "293944"])
async def test_unknown_requests_and_tokens_are_404(
    client: httpx.AsyncClient, path: str, missing: str
) -> None:
    response = await client.get(f"{BASE}/{path.format(missing)}")
    assert response.status_code == 404
    assert errors_of(response)[0][0] == 404
