"""`POST /open311/v2/requests.{fmt}`: api_key handling, the incident it makes, and its errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_open311 import BASE, FORM, children, errors_of, form, parse_xml
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas.models import Area
from incidents.intake.models import Incident, Source
from incidents.open311.keys import hash_key, issue_api_key, revoke_api_key
from incidents.open311.models import Open311ApiKey, Open311Request
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]


@pytest.fixture
async def api_key(session: AsyncSession) -> str:
    await seed_areas(session)
    return await issue_api_key(session, "城市通", [NANJIE])


async def incident_count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(Incident))).scalar_one()


async def post(
    client: httpx.AsyncClient, fmt: str, data: dict[str, Any], **kw: Any
) -> httpx.Response:
    return await client.post(
        f"{BASE}/requests.{fmt}", data=data, headers=FORM | kw.pop("headers", {})
    )


async def test_a_request_becomes_an_incident(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str
) -> None:
    response = await post(client, "json", form(api_key))
    assert response.status_code == 201, response.text
    [created] = response.json()
    assert list(created) == ["service_request_id", "service_notice", "account_id"]
    assert created["account_id"] == "acc-1"
    assert "已受理" in created["service_notice"]
    incident = await session.get(Incident, created["service_request_id"])
    assert incident is not None
    assert (incident.category, incident.area_code, incident.source) == (
        "theft",
        NANJIE,
        Source.resident,
    )
    assert (incident.reporter_name, incident.reporter_phone) == ("王芳", "13912345678")
    assert incident.anonymous is False
    assert incident.reported_by == "open311:城市通"
    assert (incident.lat, incident.lon, incident.address) == (25.5528, 102.4688, "屏山镇南街 12 号")
    extra = await session.get(Open311Request, incident.id)
    assert extra is not None
    assert extra.media_url == "https://example.org/photo.jpg"


async def test_the_xml_answer_is_shaped_as_the_specification(
    client: httpx.AsyncClient, api_key: str
) -> None:
    response = await post(client, "xml", form(api_key, account_id=None))
    assert response.status_code == 201, response.text
    root = parse_xml(response)
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    account = request.find("account_id")
    assert account is not None
    assert account.text is None  # <account_id/>, as the specification shows


async def test_without_name_or_phone_the_report_is_anonymous(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str
) -> None:
    data = form(api_key, first_name=None, last_name=None, phone=None)
    created = (await post(client, "json", data)).json()[0]
    incident = await session.get(Incident, created["service_request_id"])
    assert incident is not None
    assert incident.anonymous is True
    assert incident.reporter_name is None


async def test_an_address_alone_places_the_report_at_its_area(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str
) -> None:
    data = form(api_key, lat=None, long=None)
    response = await post(client, "json", data)
    assert response.status_code == 400  # the test area has no centre
    assert "lat, long" in errors_of(response)[0][1]
    await session.execute(update(Area).where(Area.code == NANJIE).values(lat=25.55, lon=102.47))
    created = (await post(client, "json", data)).json()[0]
    incident = await session.get(Incident, created["service_request_id"])
    assert incident is not None
    assert (incident.lat, incident.lon) == (25.55, 102.47)


async def test_only_a_hash_of_the_key_is_stored(session: AsyncSession, api_key: str) -> None:
    [stored] = (await session.execute(select(Open311ApiKey))).scalars()
    assert stored.key_hash == hash_key(api_key)
    assert api_key not in (stored.key_hash, stored.client_name)


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("key", [None, "", "not-a-key"], ids=["missing", "empty", "unknown"])
async def test_without_a_valid_key_it_is_403(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str, fmt: str, key: str | None
) -> None:
    response = await post(client, fmt, form(api_key, api_key=key))
    assert response.status_code == 403
    [(code, description)] = errors_of(response)
    assert code == 403
    assert "api_key" in description
    assert await incident_count(session) == 0


async def test_a_revoked_key_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str
) -> None:
    assert await revoke_api_key(session, "城市通") is True
    assert (await post(client, "json", form(api_key))).status_code == 403
    assert await revoke_api_key(session, "nobody") is False


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_a_bearer_token_does_not_replace_the_key(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str, role: str
) -> None:
    response = await post(
        client, "json", form(api_key, api_key=None), headers=bearer(role, areas=[NANJIE])
    )
    assert response.status_code == 403
    assert await incident_count(session) == 0


async def test_a_key_reports_only_in_its_areas(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str
) -> None:
    response = await post(client, "xml", form(api_key, jurisdiction_id=BEIJIE))
    assert response.status_code == 403
    assert BEIJIE in errors_of(response)[0][1]
    assert await incident_count(session) == 0


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"service_code": "alien_abduction"}, 404, ["service_code"]),
        ({"jurisdiction_id": "530128100009"}, 404, ["jurisdiction_id"]),
        ({"service_code": None, "jurisdiction_id": ""}, 400, ["service_code", "jurisdiction_id"]),
        ({"jurisdiction_id": "nanjie"}, 400, ["jurisdiction_id"]),
        ({"long": None}, 400, ["lat, long"]),
        ({"lat": "north"}, 400, ["lat, long"]),
        ({"lat": "95"}, 400, ["lat, long"]),
        ({"lat": None, "long": None, "address_string": None}, 400, ["location"]),
        ({"lat": "48.85", "long": "2.35"}, 400, ["location"]),
        ({"phone": "12345"}, 400, ["phone"]),
        ({"description": "<script>alert(1)</script>"}, 400, ["description"]),
        ({"description": "长" * 4001}, 400, ["description"]),
        ({"media_url": "javascript:alert(1)"}, 400, ["media_url"]),
        ({"phone": "1", "media_url": "ftp://x"}, 400, ["phone", "media_url"]),
    ],
    ids=lambda v: str(v)[:30] if not isinstance(v, int) else str(v),
)
async def test_bad_requests_answer_open311_errors_and_write_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    api_key: str,
    overrides: dict[str, Any],
    status: int,
    words: list[str],
) -> None:
    response = await post(client, "json", form(api_key, **overrides))
    assert response.status_code == status, response.text
    errors = errors_of(response)
    assert [code for code, _ in errors] == [status] * len(words)
    for word, (_, description) in zip(words, errors, strict=True):
        assert word in description
    assert await incident_count(session) == 0


async def test_a_json_body_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, api_key: str
) -> None:
    response = await client.post(f"{BASE}/requests.json", json=form(api_key))
    assert response.status_code == 400
    assert "x-www-form-urlencoded" in errors_of(response)[0][1]
    assert await incident_count(session) == 0
