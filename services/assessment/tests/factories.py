"""Test data of the assessment tests: areas of the demo county, unit bodies, tokens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from pingan_shared.testing import bearer

TEST_SECRET = "assessment-tests-jwt-secret-0123456789"

COUNTY, TOWN = "530128", "530128100"
NANJIE, BEIJIE = "530128100001", "530128100002"
NANJIE_GRID = "530128100001001"
OTHER_COUNTY = "530129"


def auth(
    *roles: str, areas: Sequence[str] = (COUNTY,), unit_id: str | None = None, sub: str = "tester"
) -> dict[str, str]:
    """Authorization headers for a token signed with the tests' secret."""
    return bearer(*roles, areas=areas, sub=sub, unit_id=unit_id, secret=TEST_SECRET)


ADMIN = auth("admin")


def unit_body(**overrides: Any) -> dict[str, Any]:
    """A valid unit to register, with overrides."""
    body: dict[str, Any] = {
        "kind": "campus",
        "name": "禄劝县第一中学",
        "area_code": NANJIE_GRID,
        "contact": {"name": "张丽", "phone": "13812345678", "wecom_user_id": "zhangli"},
    }
    body.update(overrides)
    return body


async def create_unit(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Register a unit as an admin of the county and return it."""
    response = await client.post("/v1/units", json=unit_body(**overrides), headers=ADMIN)
    assert response.status_code == 201, response.text
    unit: dict[str, Any] = response.json()
    return unit
