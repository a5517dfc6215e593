"""Open311 reads: discovery, services, a service's definition, in XML and JSON as the
specification prints them."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import seed_areas
from incidents_open311 import BASE, children, errors_of, parse_xml
from sqlalchemy.ext.asyncio import AsyncSession

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def test_discovery_in_both_formats(client: httpx.AsyncClient) -> None:
    root = parse_xml(await client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoints = root.find("endpoints")
    assert endpoints is not None
    [endpoint] = list(endpoints)
    assert endpoint.tag == "endpoint"
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "test"
    assert [f.text for f in endpoint.iter("format")] == ["text/xml", "application/json"]
    document = (await client.get(f"{BASE}/discovery.json")).json()
    assert list(document) == ["changeset", "contact", "key_service", "endpoints"]
    assert document["endpoints"][0]["formats"] == ["text/xml", "application/json"]


async def test_services_are_the_categories(client: httpx.AsyncClient) -> None:
    root = parse_xml(await client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = list(root)
    assert {s.tag for s in services} == {"service"}
    assert len(services) == 13
    for service in services:
        assert children(service) == SERVICE_FIELDS
        assert service.findtext("metadata") == "false"
        assert service.findtext("type") == "realtime"
    theft = next(s for s in services if s.findtext("service_code") == "theft")
    assert theft.findtext("service_name") == "盗窃"
    assert theft.findtext("group") == "侵财 property crime"
    listed = (await client.get(f"{BASE}/services.json")).json()
    assert [list(s) for s in listed] == [SERVICE_FIELDS] * 13
    assert next(s for s in listed if s["service_code"] == "fraud")["metadata"] is False


async def test_services_of_a_known_jurisdiction(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{BASE}/services.json?jurisdiction_id=530128100001")
    assert response.status_code == 200
    unknown = await client.get(f"{BASE}/services.json?jurisdiction_id=530128999999")
    assert unknown.status_code == 404
    assert errors_of(unknown)[0][0] == 404


async def test_service_definition_has_no_attributes(client: httpx.AsyncClient) -> None:
    root = parse_xml(await client.get(f"{BASE}/services/theft.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "theft"
    attributes = root.find("attributes")
    assert attributes is not None
    assert list(attributes) == []
    definition = (await client.get(f"{BASE}/services/theft.json")).json()
    assert definition == {"service_code": "theft", "attributes": []}


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_unknown_service_is_an_open311_404(client: httpx.AsyncClient, fmt: str) -> None:
    response = await client.get(f"{BASE}/services/alien_abduction.{fmt}")
    assert response.status_code == 404
    [(code, description)] = errors_of(response)
    assert code == 404
    assert "alien_abduction" in description


async def test_unknown_format_is_a_400_in_xml(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{BASE}/services.html")
    assert response.status_code == 400
    assert errors_of(response)[0][0] == 400


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_unknown_resources_are_open311_404s(client: httpx.AsyncClient, fmt: str) -> None:
    response = await client.get(f"{BASE}/bulletins.{fmt}")
    assert response.status_code == 404
    assert errors_of(response)[0][0] == 404
