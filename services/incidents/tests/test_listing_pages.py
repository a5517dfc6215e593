"""Keyset pages of `GET /v1/incidents`: complete, without repeats, stable while rows arrive."""

from __future__ import annotations

import httpx
import pytest
from incidents_factories import NANJIE, seed_areas
from incidents_listing import BASE_TIME, add_incidents, hours, incident_row
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Severity
from pingan_shared.pagination import encode_cursor
from pingan_shared.testing import bearer

ADMIN = bearer("admin", areas=["530128"])
SEVERITIES = list(Severity)


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def walk(client: httpx.AsyncClient, query: str, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        response = await client.get(f"/v1/incidents?limit={limit}&{query}{suffix}", headers=ADMIN)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


@pytest.mark.parametrize("sort", ["-occurred_at", "occurred_at", "-created_at", "severity"])
async def test_pages_cover_the_list_once_in_every_sort(
    client: httpx.AsyncClient, session: AsyncSession, sort: str
) -> None:
    # Ties in time and severity: the id must break them for pages to neither skip nor repeat.
    await add_incidents(
        session,
        *[
            incident_row(occurred_at=BASE_TIME - hours(i // 3), severity=SEVERITIES[i % 4])
            for i in range(11)
        ],
    )
    whole = (await walk(client, f"sort={sort}", 500))[0]
    pages = await walk(client, f"sort={sort}", 4)
    assert [len(p) for p in pages] == [4, 4, 3]
    assert [i for page in pages for i in page] == whole
    assert len(set(whole)) == 11


async def test_pages_stay_stable_while_new_incidents_arrive(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await add_incidents(
        session, *[incident_row(occurred_at=BASE_TIME - hours(i)) for i in range(6)]
    )
    first = (await client.get("/v1/incidents?limit=3", headers=ADMIN)).json()
    before = [item["id"] for item in first["items"]]
    rest = (await walk(client, "", 500))[0][3:]
    # New reports of recent incidents land before the cursor: the next page is unchanged.
    await add_incidents(
        session, *[incident_row(occurred_at=BASE_TIME + hours(i + 1)) for i in range(3)]
    )
    second = await client.get(f"/v1/incidents?limit=3&cursor={first['next_cursor']}", headers=ADMIN)
    assert [item["id"] for item in second.json()["items"]] == rest
    assert not set(before) & {item["id"] for item in second.json()["items"]}


async def test_last_page_has_no_cursor(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await add_incidents(session, incident_row(), incident_row(area_code=NANJIE))
    page = (await client.get("/v1/incidents?limit=2", headers=ADMIN)).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"] is None


async def test_a_cursor_of_another_sort_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await add_incidents(session, incident_row(), incident_row(occurred_at=BASE_TIME - hours(1)))
    cursor = (await client.get("/v1/incidents?limit=1", headers=ADMIN)).json()["next_cursor"]
    response = await client.get(f"/v1/incidents?sort=severity&cursor={cursor}", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.cursor"
    forged = encode_cursor(["-occurred_at", "yesterday", "not-a-uuid"])
    response = await client.get(f"/v1/incidents?cursor={forged}", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.cursor"
