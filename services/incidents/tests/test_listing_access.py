"""Who may list and export incidents, and what of the reporter each role sees."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_listing import MASKED, PHONE, add_incidents, incident_row
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_LIST = {"admin", "leader", "police", "community", "patrol", "inspector", "service"}
MAY_EXPORT = {"admin", "leader", "police", "community", "service"}
SEES_PHONE = {"admin", "police", "community"}
EXPORTS = [
    "/v1/incidents/export.csv",
    "/v1/incidents/export.xlsx",
    "/v1/incidents/incidents.geojson",
]


@pytest.fixture(autouse=True)
async def _incidents(session: AsyncSession) -> None:
    await seed_areas(session)
    await add_incidents(session, incident_row(area_code=NANJIE))


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_list_matrix_and_masking(client: httpx.AsyncClient, role: str) -> None:
    inside = await client.get("/v1/incidents", headers=bearer(role, areas=[NANJIE]))
    assert inside.status_code == (200 if role in MAY_LIST else 403), inside.text
    outside = await client.get("/v1/incidents", headers=bearer(role, areas=[BEIJIE]))
    assert outside.status_code == (200 if role in MAY_LIST else 403)
    if role not in MAY_LIST:
        return
    [item] = inside.json()["items"]
    assert item["reporter"] == {"name": "王芳", "phone": PHONE if role in SEES_PHONE else MASKED}
    # Outside the caller's areas the incident is invisible, not forbidden.
    assert outside.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", EXPORTS)
async def test_export_matrix(client: httpx.AsyncClient, role: str, path: str) -> None:
    response = await client.get(path, headers=bearer(role, areas=[NANJIE]))
    assert response.status_code == (200 if role in MAY_EXPORT else 403), response.text
    if role not in MAY_EXPORT:
        assert response.headers["content-type"].startswith("application/problem+json")
    outside = await client.get(path, headers=bearer(role, areas=[BEIJIE]))
    assert outside.status_code == (200 if role in MAY_EXPORT else 403)


@pytest.mark.parametrize("path", ["/v1/incidents", *EXPORTS])
async def test_a_token_is_required(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_anonymous_reports_show_no_reporter(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await add_incidents(
        session,
        incident_row(area_code=BEIJIE, anonymous=True, reporter_name=None, reporter_phone=None),
    )
    [item] = (await client.get("/v1/incidents", headers=bearer("admin", areas=[BEIJIE]))).json()[
        "items"
    ]
    assert item["anonymous"] is True
    assert item["reporter"] is None
