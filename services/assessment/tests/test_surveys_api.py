"""Recording survey samples and reading their rates: bad input named by field, nothing written,
an audit entry per sample, pooled rates judged against thresholds, the planner route."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry
from assessment.rounds.models import AssessmentRound, RoundStatus
from assessment.schemes.models import Scheme
from assessment.surveys.models import SurveySample

from .factories import ADMIN, BEIJIE, NANJIE, NANJIE_GRID, auth, create_unit

INSPECTOR = auth("inspector", sub="inspector-li")


def sample_body(**overrides: Any) -> dict[str, Any]:
    """A valid survey of the Nanjie grid, with overrides."""
    body: dict[str, Any] = {
        "area_code": NANJIE_GRID,
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "n_asked": 100,
        "n_aware": 82,
        "n_participating": 40,
        "method": "入户随机抽样",
    }
    body.update(overrides)
    return body


async def _count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(SurveySample))).scalar_one())


async def _round(session: AsyncSession, status: RoundStatus, area: str = NANJIE) -> uuid.UUID:
    scheme = Scheme(
        code=f"s-{uuid.uuid4().hex[:8]}",
        name="平安小区考核方案",
        period="year",
        unit_kinds=["residential_compound"],
        rating_bands=[{"name": "合格", "min": 60}],
    )
    session.add(scheme)
    await session.flush()
    assessment_round = AssessmentRound(
        scheme_id=scheme.id,
        name="2026年度",
        area_code=area,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        status=status,
        created_by="admin",
    )
    session.add(assessment_round)
    await session.flush()
    return assessment_round.id


async def test_record_and_read_with_rates(client: httpx.AsyncClient, session: AsyncSession) -> None:
    response = await client.post("/v1/surveys", json=sample_body(), headers=INSPECTOR)
    assert response.status_code == 201, response.text
    sample = response.json()
    assert response.headers["Location"] == f"/v1/surveys/{sample['id']}"
    assert sample["recorded_by"] == "inspector-li"
    assert sample["awareness"]["rate"] == 0.82
    assert sample["awareness"]["low"] < 0.82 < sample["awareness"]["high"]
    assert sample["participation"]["k"] == 40
    read = await client.get(f"/v1/surveys/{sample['id']}", headers=ADMIN)
    assert read.json() == sample
    entry = (
        await session.execute(select(AuditEntry).where(AuditEntry.entity_id == sample["id"]))
    ).scalar_one()
    assert (entry.actor, entry.action, entry.entity) == (
        "inspector-li",
        "survey.record",
        "survey_sample",
    )
    assert entry.data["n_aware"] == 82


async def test_a_units_sample_takes_the_units_area(client: httpx.AsyncClient) -> None:
    unit = await create_unit(client)
    body = sample_body(unit_id=unit["id"])
    del body["area_code"]
    response = await client.post("/v1/surveys", json=body, headers=INSPECTOR)
    assert response.status_code == 201, response.text
    assert response.json()["area_code"] == unit["area_code"]


async def test_idempotent_retry(client: httpx.AsyncClient, session: AsyncSession) -> None:
    headers = {**INSPECTOR, "Idempotency-Key": "survey-1"}
    first = await client.post("/v1/surveys", json=sample_body(), headers=headers)
    again = await client.post("/v1/surveys", json=sample_body(), headers=headers)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert await _count(session) == 1
    other = await client.post("/v1/surveys", json=sample_body(n_aware=1), headers=headers)
    assert other.status_code in (409, 422)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"n_aware": 101}, "body.n_aware"),
        ({"n_participating": 120}, "body.n_participating"),
        ({"n_asked": 0, "n_aware": 0, "n_participating": 0}, "body.n_asked"),
        ({"n_aware": -1}, "body.n_aware"),
        ({"period_end": "2026-09-30"}, "body.period_end"),
        ({"area_code": "abc"}, "body.area_code"),
        ({"area_code": None}, "body.area_code"),
        ({"unit_id": str(uuid.uuid4())}, "body.unit_id"),
        ({"round_id": str(uuid.uuid4())}, "body.round_id"),
        ({"surplus": 1}, "body.surplus"),
    ],
)
async def test_bad_samples_name_the_field_and_write_nothing(
    client: httpx.AsyncClient, session: AsyncSession, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/surveys", json=sample_body(**overrides), headers=INSPECTOR)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await _count(session) == 0


async def test_more_aware_than_asked_is_refused_by_the_database_too(session: AsyncSession) -> None:
    sample = SurveySample(
        area_code=NANJIE_GRID,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        n_asked=10,
        n_aware=11,
        n_participating=0,
        recorded_by="x",
    )
    session.add(sample)
    with pytest.raises(IntegrityError, match="ck_survey_samples_counts"):
        async with session.begin_nested():
            await session.flush()


async def test_a_unit_in_another_area_is_unknown(client: httpx.AsyncClient) -> None:
    unit = await create_unit(client)
    headers = auth("inspector", areas=[BEIJIE])
    body = sample_body(unit_id=unit["id"], area_code=None)
    response = await client.post("/v1/surveys", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.unit_id"


async def test_a_unit_and_another_area_contradict(client: httpx.AsyncClient) -> None:
    unit = await create_unit(client)
    response = await client.post(
        "/v1/surveys", json=sample_body(unit_id=unit["id"], area_code=BEIJIE), headers=INSPECTOR
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.area_code"


async def test_rounds(client: httpx.AsyncClient, session: AsyncSession) -> None:
    open_round = await _round(session, RoundStatus.open)
    ok = await client.post(
        "/v1/surveys", json=sample_body(round_id=str(open_round)), headers=INSPECTOR
    )
    assert ok.status_code == 201, ok.text
    published = await _round(session, RoundStatus.published)
    refused = await client.post(
        "/v1/surveys", json=sample_body(round_id=str(published)), headers=INSPECTOR
    )
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/round-published")
    elsewhere = await _round(session, RoundStatus.open, area=BEIJIE)
    outside = await client.post(
        "/v1/surveys", json=sample_body(round_id=str(elsewhere)), headers=INSPECTOR
    )
    assert outside.status_code == 422
    assert await _count(session) == 1


async def _rates(client: httpx.AsyncClient, query: str, headers: dict[str, str] = ADMIN) -> Any:
    response = await client.get(f"/v1/surveys/rates?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_pooled_rates_and_verdicts(client: httpx.AsyncClient) -> None:
    for aware, taking_part in [(45, 10), (46, 12)]:
        body = sample_body(n_asked=50, n_aware=aware, n_participating=taking_part)
        assert (await client.post("/v1/surveys", json=body, headers=INSPECTOR)).status_code == 201
    other = sample_body(area_code=BEIJIE, n_asked=10, n_aware=1, n_participating=1)
    assert (await client.post("/v1/surveys", json=other, headers=INSPECTOR)).status_code == 201
    pooled = await _rates(
        client, f"area={NANJIE}&awareness_threshold=0.8&participation_threshold=0.5"
    )
    assert pooled["samples"] == 2
    assert (pooled["awareness"]["n"], pooled["awareness"]["k"]) == (100, 91)
    assert pooled["awareness_verdict"]["verdict"] == "pass"  # [0.838, 0.952]
    assert pooled["participation_verdict"]["verdict"] == "deduct"  # 0.22, [0.150, 0.311]
    straddling = await _rates(client, f"area={NANJIE}&awareness_threshold=0.9")
    assert straddling["awareness_verdict"]["verdict"] == "inconclusive"
    assert straddling["awareness_verdict"]["sample_more"] > 0
    assert "participation_verdict" not in straddling or straddling["participation_verdict"] is None
    later = await _rates(client, f"area={NANJIE}&from=2026-11-01")
    assert later["samples"] == 0
    assert (later["awareness"]["low"], later["awareness"]["high"]) == (0.0, 1.0)


async def test_planner_route(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/v1/surveys/sample-size?margin=0.05&population=1000", headers=INSPECTOR
    )
    assert response.status_code == 200, response.text
    assert response.json()["sample_size"] == 278


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("margin=0", "query.margin"),
        ("margin=0.05&expected_rate=2", "query.expected_rate"),
        ("margin=0.05&population=0", "query.population"),
        ("margin=0.05&design_effect=0.5", "query.design_effect"),
        ("expected_rate=0.5", "query.margin"),
    ],
)
async def test_planner_bad_input(client: httpx.AsyncClient, query: str, field: str) -> None:
    response = await client.get(f"/v1/surveys/sample-size?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/surveys/rates?awareness_threshold=1.5", "query.awareness_threshold"),
        ("/v1/surveys/rates?from=2026-10-02&to=2026-10-01", "query.to"),
        ("/v1/surveys?cursor=WyJhIl0", "query.cursor"),
        ("/v1/surveys?area=x", "query.area"),
        ("/v1/surveys/not-a-uuid", "path.sample_id"),
    ],
)
async def test_bad_queries(client: httpx.AsyncClient, path: str, field: str) -> None:
    response = await client.get(path, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


async def test_list_pages_and_filters(client: httpx.AsyncClient) -> None:
    unit = await create_unit(client)
    ids = []
    for i in range(3):
        body = sample_body(n_aware=50 + i)
        ids.append((await client.post("/v1/surveys", json=body, headers=INSPECTOR)).json()["id"])
    body = sample_body(unit_id=unit["id"], area_code=None)
    unit_sample = (await client.post("/v1/surveys", json=body, headers=INSPECTOR)).json()["id"]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(f"/v1/surveys?{query}", headers=ADMIN)).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # One test transaction gives every sample the same created_at; the id breaks the tie.
    assert sorted(seen) == sorted([*ids, unit_sample])
    assert len(seen) == len(set(seen))
    only_unit = (await client.get(f"/v1/surveys?unit_id={unit['id']}", headers=ADMIN)).json()
    assert [s["id"] for s in only_unit["items"]] == [unit_sample]
