"""Helpers of the Open311 tests: XML parsing, an issued key, a valid form."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
from incidents_factories import NANJIE

BASE = "/open311/v2"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def parse_xml(response: httpx.Response) -> ET.Element:
    """The root element of an XML answer, after checking its declaration and media type."""
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    root = ET.fromstring(response.content)  # noqa: S314 - XML our own server wrote
    assert "}" not in root.tag  # no namespace
    return root


def children(element: ET.Element) -> list[str]:
    """The tags of an element's children, in order."""
    return [child.tag for child in element]


def errors_of(response: httpx.Response) -> list[tuple[int, str]]:
    """(code, description) of an Open311 error answer in either format."""
    if response.headers["content-type"].startswith("application/json"):
        return [(e["code"], e["description"]) for e in response.json()]
    root = parse_xml(response)
    assert root.tag == "errors"
    result = []
    for error in root:
        assert error.tag == "error"
        assert children(error) == ["code", "description"]
        result.append((int(error.findtext("code") or 0), error.findtext("description") or ""))
    return result


def form(api_key: str, /, **overrides: Any) -> dict[str, Any]:
    """A valid `POST requests` form in 南街, with overrides (None removes a field)."""
    body: dict[str, Any] = {
        "api_key": api_key,
        "jurisdiction_id": NANJIE,
        "service_code": "theft",
        "lat": "25.5528",
        "long": "102.4688",
        "address_string": "屏山镇南街 12 号",
        "description": "电动车在楼下被盗,联系我 13912345678",
        "first_name": "芳",
        "last_name": "王",
        "phone": "+86 139-1234-5678",
        "account_id": "acc-1",
        "media_url": "https://example.org/photo.jpg",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}
