"""The example schemes: valid, loaded by the demo once, and a round of each over the demo town."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.clients.incidents import IncidentsClient
from assessment.config import AssessmentSettings
from assessment.demo import load_demo_town
from assessment.schemes.examples import example_schemes, load_example_schemes
from assessment.schemes.validation import scheme_problems
from pingan_shared.demo_town import build_demo_town

from .assessment_fake_patrols import FakeIncidentsWithPatrols
from .factories import ADMIN, TEST_SECRET, TOWN
from .fake_incidents import FakeIncidentsArea

DEMO = build_demo_town()


@pytest.fixture(scope="module")
def town_incidents() -> Iterator[FakeIncidentsWithPatrols]:
    """Incidents that knows every area of the demo town: two thefts and 50 patrol hours each."""
    areas = {a.code: FakeIncidentsArea(a.name, [("theft", "盗窃", 2)]) for a in DEMO.areas}
    fake = FakeIncidentsWithPatrols(
        secret=TEST_SECRET, areas=areas, patrol_hours={a.code: 50.0 for a in DEMO.areas}
    )
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def points(block: Any) -> float:
    return sum(float(i.max_points) for i in block.indicators) + sum(points(b) for b in block.blocks)


def test_the_examples_are_valid_100_point_schemes() -> None:
    schemes = example_schemes()
    assert [s.code for s in schemes] == ["pingan-danwei", "pingan-xiaoyuan", "pingan-xiaoqu"]
    for scheme in schemes:
        assert scheme_problems(scheme) == []
        assert sum(points(b) for b in scheme.blocks) == 100
        measures = {i.measure for b in scheme.blocks for i in b.indicators}
        assert {"findings", "incidents", "survey", "manual"} <= measures, scheme.code
    patrol = [
        s.code
        for s in schemes
        if any(i.measure == "patrol" for b in s.blocks for i in b.indicators)
    ]
    assert patrol == ["pingan-xiaoyuan", "pingan-xiaoqu"]


async def test_the_demo_loads_them_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    assert await load_example_schemes(session) == 3
    assert await load_example_schemes(session) == 0
    listed = (await client.get("/v1/schemes", headers=ADMIN)).json()["items"]
    assert sorted(s["name"] for s in listed) == [
        "平安单位创建考核细则", "平安小区创建考核细则", "平安校园创建考核细则"
    ]  # fmt: skip


@pytest.fixture
async def town_client(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
    client: httpx.AsyncClient,
    settings: AssessmentSettings,
    town_incidents: FakeIncidentsWithPatrols,
) -> AsyncIterator[httpx.AsyncClient]:
    """The test app asking the demo town's incidents fake over HTTP for the test's length."""
    app = app_and_client[0]
    usual = app.state.incidents
    town = IncidentsClient.from_settings(
        settings.model_copy(update={"incidents_url": town_incidents.url})
    )
    app.state.incidents = town
    try:
        yield client
    finally:
        app.state.incidents = usual
        await town.aclose()


@pytest.mark.parametrize("code", ["pingan-danwei", "pingan-xiaoyuan", "pingan-xiaoqu"])
async def test_a_round_of_each_over_the_demo_town(
    town_client: httpx.AsyncClient, session: AsyncSession, code: str
) -> None:
    app = town_client
    await load_demo_town(session, DEMO)
    await load_example_schemes(session)
    await session.flush()
    schemes = (await app.get(f"/v1/schemes?code={code}", headers=ADMIN)).json()["items"]
    created = await app.post(
        "/v1/rounds",
        json={"scheme_id": schemes[0]["id"], "name": "2026年屏山镇考核", "area_code": TOWN,
              "period_start": "2026-01-01", "period_end": "2026-12-31"},
        headers=ADMIN,
    )  # fmt: skip
    round_id = created.json()["id"]
    computed = await app.post(f"/v1/rounds/{round_id}/compute", headers=ADMIN)
    assert computed.status_code == 200, computed.text
    kinds = set(schemes[0]["unit_kinds"])
    assert computed.json()["units"] == sum(u.kind in kinds for u in DEMO.units)
    published = await app.post(f"/v1/rounds/{round_id}/publish", json={}, headers=ADMIN)
    assert published.status_code == 201, published.text
    document = await app.get(f"/v1/rounds/{round_id}/bulletins/1.docx", headers=ADMIN)
    assert document.status_code == 200
