"""Possible duplicates: the scoring by hand, the search, and what GET shows."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, report, seed_areas
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from incidents.duplicates.jobs import find_duplicates_job
from incidents.duplicates.scoring import Limits, likeness, text_similarity
from pingan_shared.db import Database
from pingan_shared.geo import distance_m
from pingan_shared.testing import bearer

POLICE = bearer("police", areas=[NANJIE])


def test_distance_of_a_known_pair() -> None:
    # One thousandth of a degree of latitude is 111.2 m anywhere.
    assert distance_m(25.0, 102.0, 25.001, 102.0) == pytest.approx(111.19, abs=0.01)


def test_likeness_by_hand() -> None:
    limits = Limits(200.0, timedelta(hours=10))
    alike = likeness(limits, 50.0, timedelta(hours=-2), "电动车被盗", "电动车被盗")
    assert alike is not None
    # place 1 - 50/200 = 0.75; time 1 - 2/10 = 0.8; text 1.0 → 0.4·0.75 + 0.3·0.8 + 0.3·1.0
    assert alike.score == pytest.approx(0.84)
    assert alike.minutes_apart == 120.0
    assert likeness(limits, 201.0, timedelta(0), "a", "a") is None
    assert likeness(limits, 0.0, timedelta(hours=11), "a", "a") is None
    assert text_similarity("电动车在楼下被盗", "楼下电动车被盗了") > text_similarity(
        "电动车被盗", "邻居吵架"
    )


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def test_a_repeated_report_is_found_and_shown(
    client: httpx.AsyncClient,
    app_and_client: tuple[object, httpx.AsyncClient],
    connection: AsyncConnection,
) -> None:
    first = (await client.post("/v1/incidents", json=report(), headers=POLICE)).json()
    near = report(
        description="楼下电动车被盗了",
        occurred_at="2026-11-20T22:00:00+08:00",
        location={"lat": 25.5563, "lon": 102.4683},
    )
    second = (await client.post("/v1/incidents", json=near, headers=POLICE)).json()
    unrelated = report(category="dispute", description="邻居吵架")
    await client.post("/v1/incidents", json=unrelated, headers=POLICE)
    database: Database = app_and_client[0].state.database  # type: ignore[attr-defined]
    found = await find_duplicates_job({"database": database}, {"incident_id": second["id"]})
    assert found == 1
    for incident_id, other in ((second["id"], first["id"]), (first["id"], second["id"])):
        shown = (await client.get(f"/v1/incidents/{incident_id}", headers=POLICE)).json()
        [dup] = shown["possible_duplicates"]
        assert dup["incident_id"] == other
        assert dup["distance_m"] < 50
        assert dup["minutes_apart"] == 30.0
    # A second run adds nothing.
    assert await find_duplicates_job({"database": database}, {"incident_id": second["id"]}) == 1
    assert (
        await find_duplicates_job({"database": database}, {"incident_id": str(uuid.uuid4())}) == 0
    )


async def test_a_duplicate_in_a_neighbouring_area_stays_invisible(
    client: httpx.AsyncClient,
    app_and_client: tuple[object, httpx.AsyncClient],
    connection: AsyncConnection,
) -> None:
    town = bearer("police", areas=["530128100"])
    first = (await client.post("/v1/incidents", json=report(area_code=BEIJIE), headers=town)).json()
    second = (await client.post("/v1/incidents", json=report(), headers=town)).json()
    database: Database = app_and_client[0].state.database  # type: ignore[attr-defined]
    assert await find_duplicates_job({"database": database}, {"incident_id": second["id"]}) == 1
    seen_by_town = (await client.get(f"/v1/incidents/{second['id']}", headers=town)).json()
    assert [d["incident_id"] for d in seen_by_town["possible_duplicates"]] == [first["id"]]
    seen_by_nanjie = (await client.get(f"/v1/incidents/{second['id']}", headers=POLICE)).json()
    assert seen_by_nanjie["possible_duplicates"] == []
