"""Rounds and the incidents service: counts and patrol hours asked over HTTP for the round's
period; incidents down or confused is a clear 503 or 502 with nothing written, never a zero."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry
from assessment.rounds.models import UnitScore
from pingan_shared.testing import free_port

from .assessment_fake_patrols import FakeIncidentsWithPatrols
from .assessment_rounds_world import create_scheme, scheme_body
from .conftest import FAILING_AREA
from .factories import ADMIN, NANJIE_GRID, TEST_SECRET, TOWN, create_unit
from .fake_incidents import FakeIncidentsArea

PATROL_GRID = "530128100002001"


@pytest.fixture(scope="module")
def patrols() -> Iterator[FakeIncidentsWithPatrols]:
    """A fake incidents API that knows one grid's counts and patrol hours."""
    fake = FakeIncidentsWithPatrols(
        secret=TEST_SECRET,
        areas={PATROL_GRID: FakeIncidentsArea("北街一网格", [("theft", "盗窃", 1)])},
        patrol_hours={PATROL_GRID: 72.5},
    )
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


async def town_round(client: httpx.AsyncClient, scheme: dict[str, Any]) -> str:
    response = await client.post(
        "/v1/rounds",
        json={"scheme_id": scheme["id"], "name": "屏山镇上半年考核", "area_code": TOWN,
              "period_start": "2026-01-01", "period_end": "2026-06-30"},
        headers=ADMIN,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def nothing_written(session: AsyncSession, client: httpx.AsyncClient, round_id: str) -> None:
    assert await session.scalar(select(func.count()).select_from(UnitScore)) == 0
    computed = await session.scalar(
        select(func.count()).where(AuditEntry.action == "round.computed")
    )
    assert computed == 0
    read = await client.get(f"/v1/rounds/{round_id}", headers=ADMIN)
    assert read.json()["status"] == "open"


async def test_incidents_failing_is_a_503_and_nothing_is_written(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    round_id = await town_round(client, await create_scheme(client))
    await create_unit(client, name="西街小学", area_code=FAILING_AREA)
    response = await client.post(f"/v1/rounds/{round_id}/compute", headers=ADMIN)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert response.json()["type"].endswith("/incidents-unavailable")
    await nothing_written(session, client, round_id)


async def test_incidents_unreachable_is_a_503(other_app: Any) -> None:
    async with other_app(incidents_url=f"http://127.0.0.1:{free_port()}") as app:
        round_id = await town_round(app, await create_scheme(app))
        await create_unit(app, name="南街小学", area_code=NANJIE_GRID)
        response = await app.post(f"/v1/rounds/{round_id}/compute", headers=ADMIN)
        assert response.status_code == 503
        read = await app.get(f"/v1/rounds/{round_id}", headers=ADMIN)
        assert read.json()["status"] == "open"


async def test_an_area_incidents_does_not_know_is_a_502(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    round_id = await town_round(client, await create_scheme(client))
    await create_unit(client, name="北街小学", area_code="530128100002")
    response = await client.post(f"/v1/rounds/{round_id}/compute", headers=ADMIN)
    assert response.status_code == 502
    assert "530128100002" in response.json()["detail"]
    await nothing_written(session, client, round_id)


async def test_a_scheme_without_incident_indicators_does_not_ask(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    body = scheme_body()
    body["blocks"][1]["indicators"][0] = {
        "code": "B1", "name": "安全检查", "max_points": 30, "measure": "findings",
        "rule": {"per_fault": 1},
    }  # fmt: skip
    round_id = await town_round(client, await create_scheme(client, **body))
    await create_unit(client, name="西街小学", area_code=FAILING_AREA)
    response = await client.post(f"/v1/rounds/{round_id}/compute", headers=ADMIN)
    assert response.status_code == 200, response.text


async def test_patrol_hours_short_of_target_deduct(
    other_app: Any, patrols: FakeIncidentsWithPatrols
) -> None:
    body = scheme_body()
    body["blocks"][0]["indicators"][1] = {
        "code": "A2", "name": "护校巡防时长不少于80小时", "max_points": 20, "measure": "patrol",
        "rule": {"per_fault": 0.5, "target_hours": 80},
    }  # fmt: skip
    async with other_app(incidents_url=patrols.url) as app:
        round_id = await town_round(app, await create_scheme(app, **body))
        unit = await create_unit(app, name="北街小学", area_code=PATROL_GRID)
        response = await app.post(f"/v1/rounds/{round_id}/compute", headers=ADMIN)
        assert response.status_code == 200, response.text
        score = await app.get(f"/v1/rounds/{round_id}/scores/{unit['id']}", headers=ADMIN)
    a2 = score.json()["details"]["indicators"]["A2"]
    # 7.5 hours short × 0.5 = 3.75; one theft costs 1 in B.
    assert (a2["hours"], a2["target_hours"], a2["deduction"]) == (72.5, 80.0, 3.75)
    assert score.json()["details"]["indicators"]["B1"]["count"] == 1
    coverage = next(r for r in patrols.requests if r.get("path") == "/v1/patrols/coverage")
    assert coverage["query"]["from"] == "2026-01-01T00:00:00+08:00"
    assert coverage["query"]["to"] == "2026-07-01T00:00:00+08:00"  # the last day included
    assert coverage["claims"]["roles"] == ["service"]
