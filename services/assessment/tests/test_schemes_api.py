"""Schemes through the API: created whole, refused field by field, read, listed, changed until a
round runs on them, and versioned."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry

from .assessment_rounds_world import create_scheme, scheme_body
from .factories import ADMIN, NANJIE


def fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["field"] for e in response.json()["errors"]]


async def test_create_and_read_a_scheme(client: httpx.AsyncClient, session: AsyncSession) -> None:
    response = await client.post("/v1/schemes", json=scheme_body(), headers=ADMIN)
    assert response.status_code == 201, response.text
    scheme = response.json()
    assert response.headers["Location"] == f"/v1/schemes/{scheme['id']}"
    assert (scheme["code"], scheme["version"], scheme["locked"]) == ("test-campus", 1, False)
    block_b = scheme["blocks"][1]
    assert (block_b["code"], block_b["cap"], block_b["max_points"]) == ("B", 10.0, 30.0)
    b1 = block_b["indicators"][0]
    assert b1["rule"] == {"per_fault": 1.0, "categories": ["theft", "fraud"], "stop_at_zero": True}
    c2 = scheme["blocks"][2]["indicators"][1]
    assert c2["applicable_kinds"] == ["market"]
    assert [b["name"] for b in scheme["rating_bands"]] == ["优秀", "良好", "合格"]
    read = await client.get(f"/v1/schemes/{scheme['id']}", headers=ADMIN)
    assert read.json() == scheme
    assert read.headers["ETag"] == response.headers["ETag"]
    [entry] = (
        await session.execute(select(AuditEntry).where(AuditEntry.entity_id == scheme["id"]))
    ).scalars()
    assert (entry.action, entry.data["code"]) == ("scheme.created", "test-campus")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["blocks"][0].update(max_points=45), "body.blocks.0.max_points"),
        (lambda b: b["blocks"][0]["indicators"][0].update(max_points=25), "body.blocks.0.max_points"),
        (lambda b: b.update(full_score=90), "body.full_score"),
        (lambda b: b["blocks"][1]["indicators"][0].update(code="A1"), "body.blocks.1.indicators.0.code"),
        (lambda b: b["blocks"][2].update(code="A"), "body.blocks.2.code"),
        (lambda b: b["rating_bands"][1].update(min=95), "body.rating_bands.1.min"),
        (lambda b: b["rating_bands"][0].update(min=120), "body.rating_bands.0.min"),
        (lambda b: b.update(failing_band="合格"), "body.failing_band"),
        (lambda b: b["blocks"][0]["indicators"][0]["rule"].pop("per_fault"),
         "body.blocks.0.indicators.0.rule.per_fault"),
        (lambda b: b["blocks"][0]["indicators"][1].update(rule={"per_fault": 1}),
         "body.blocks.0.indicators.1.rule.per_fault"),
        (lambda b: b["blocks"][1]["indicators"][0]["rule"].update(categories=[]),
         "body.blocks.1.indicators.0.rule.categories"),
        (lambda b: b["blocks"][2]["indicators"][0]["rule"].pop("threshold"),
         "body.blocks.2.indicators.0.rule.threshold"),
        (lambda b: b["blocks"][2]["indicators"][0]["rule"].update(threshold=1.5),
         "body.blocks.2.indicators.0.rule.threshold"),
        (lambda b: b["blocks"][2]["indicators"][0]["rule"].update(target_hours=10),
         "body.blocks.2.indicators.0.rule.target_hours"),
        (lambda b: b["blocks"][0]["indicators"][0]["rule"].update(per_fault=0),
         "body.blocks.0.indicators.0.rule.per_fault"),
        (lambda b: b["blocks"][2]["indicators"][1].update(applicable_kinds=["family"]),
         "body.blocks.2.indicators.1.applicable_kinds"),
        (lambda b: b["blocks"][1].update(cap=31), "body.blocks.1.cap"),
        (lambda b: b.update(bonus_cap=0), "body.bonus_cap"),
        (lambda b: b["veto_conditions"][1].update(code="V1"), "body.veto_conditions.1.code"),
        (lambda b: b["blocks"][0]["indicators"][0].update(measure="weather"),
         "body.blocks.0.indicators.0.measure"),
    ],
)  # fmt: skip
async def test_bad_schemes_name_the_field(
    client: httpx.AsyncClient, change: Any, field: str
) -> None:
    body = scheme_body()
    change(body)
    response = await client.post("/v1/schemes", json=body, headers=ADMIN)
    assert field in fields(response)
    listed = await client.get("/v1/schemes", headers=ADMIN)
    assert listed.json()["items"] == []  # nothing half-written


async def test_every_problem_is_named_at_once(client: httpx.AsyncClient) -> None:
    body = scheme_body(full_score=95)
    body["rating_bands"][2]["min"] = 85
    response = await client.post("/v1/schemes", json=body, headers=ADMIN)
    assert fields(response) == ["body.full_score", "body.rating_bands.2.min"]


async def test_a_kind_no_indicator_applies_to_is_refused(client: httpx.AsyncClient) -> None:
    body = scheme_body(unit_kinds=["market"])
    for block in body["blocks"]:
        for indicator in block["indicators"]:
            indicator["applicable_kinds"] = ["market"]
    body["unit_kinds"] = ["market", "family"]
    assert fields(await client.post("/v1/schemes", json=body, headers=ADMIN)) == ["body.unit_kinds"]


async def test_a_taken_code_is_a_conflict(client: httpx.AsyncClient) -> None:
    await create_scheme(client)
    again = await client.post("/v1/schemes", json=scheme_body(), headers=ADMIN)
    assert again.status_code == 409


async def test_idempotent_create(client: httpx.AsyncClient) -> None:
    headers = {**ADMIN, "Idempotency-Key": "scheme-1"}
    first = await client.post("/v1/schemes", json=scheme_body(), headers=headers)
    second = await client.post("/v1/schemes", json=scheme_body(), headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]


async def test_update_until_a_round_runs_on_it(client: httpx.AsyncClient) -> None:
    scheme = await create_scheme(client)
    url = f"/v1/schemes/{scheme['id']}"
    etag = (await client.get(url, headers=ADMIN)).headers["ETag"]
    body = scheme_body(name="测试平安校园考核细则(修订)")
    body.pop("code")
    assert (await client.put(url, json=body, headers=ADMIN)).status_code == 428
    stale = await client.put(url, json=body, headers={**ADMIN, "If-Match": '"0"'})
    assert stale.status_code == 412
    updated = await client.put(url, json=body, headers={**ADMIN, "If-Match": etag})
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "测试平安校园考核细则(修订)"
    assert updated.json()["id"] == scheme["id"]
    assert updated.headers["ETag"] != etag
    round_ = await client.post(
        "/v1/rounds",
        json={"scheme_id": scheme["id"], "name": "第一轮", "area_code": NANJIE,
              "period_start": "2026-01-01", "period_end": "2026-06-30"},
        headers=ADMIN,
    )  # fmt: skip
    assert round_.status_code == 201
    read = await client.get(url, headers=ADMIN)
    assert read.json()["locked"] is True
    locked = await client.put(url, json=body, headers={**ADMIN, "If-Match": read.headers["ETag"]})
    assert locked.status_code == 409
    assert locked.json()["type"].endswith("/scheme-locked")


async def test_new_versions_copy_or_replace_the_latest(client: httpx.AsyncClient) -> None:
    scheme = await create_scheme(client)
    copied = await client.post(f"/v1/schemes/{scheme['id']}/versions", json={}, headers=ADMIN)
    assert copied.status_code == 201, copied.text
    second = copied.json()
    assert (second["code"], second["version"]) == ("test-campus", 2)
    assert second["id"] != scheme["id"]
    strip = _without_ids
    assert strip(second["blocks"]) == strip(scheme["blocks"])
    content = scheme_body(bonus_cap=5)
    content.pop("code")
    replaced = await client.post(
        f"/v1/schemes/{second['id']}/versions", json={"content": content}, headers=ADMIN
    )
    assert (replaced.json()["version"], replaced.json()["bonus_cap"]) == (3, 5.0)
    old_base = await client.post(f"/v1/schemes/{scheme['id']}/versions", json={}, headers=ADMIN)
    assert old_base.status_code == 409
    assert old_base.json()["type"].endswith("/not-latest-version")
    bad = copy.deepcopy(content)
    bad["full_score"] = 50
    refused = await client.post(
        f"/v1/schemes/{replaced.json()['id']}/versions", json={"content": bad}, headers=ADMIN
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.full_score"


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


async def test_list_filters_and_pages(client: httpx.AsyncClient) -> None:
    first = await create_scheme(client)
    await client.post(f"/v1/schemes/{first['id']}/versions", json={}, headers=ADMIN)
    body = scheme_body(code="test-market", unit_kinds=["market"])
    body["blocks"][2]["indicators"][1]["applicable_kinds"] = None
    other = await client.post("/v1/schemes", json=body, headers=ADMIN)
    assert other.status_code == 201, other.text
    everything = (await client.get("/v1/schemes", headers=ADMIN)).json()["items"]
    assert [(s["code"], s["version"]) for s in everything] == [
        ("test-campus", 1), ("test-campus", 2), ("test-market", 1)
    ]  # fmt: skip
    campus = (await client.get("/v1/schemes?kind=campus", headers=ADMIN)).json()["items"]
    assert {s["code"] for s in campus} == {"test-campus"}
    versions = (await client.get("/v1/schemes?code=test-campus", headers=ADMIN)).json()
    assert [s["version"] for s in versions["items"]] == [1, 2]
    page = (await client.get("/v1/schemes?limit=2", headers=ADMIN)).json()
    rest = await client.get(f"/v1/schemes?limit=2&cursor={page['next_cursor']}", headers=ADMIN)
    assert [s["code"] for s in rest.json()["items"]] == ["test-market"]
    bad = await client.get("/v1/schemes?cursor=WzFd", headers=ADMIN)
    assert bad.status_code == 422


async def test_unknown_scheme_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/schemes/00000000-0000-0000-0000-000000000000", headers=ADMIN)
    assert response.status_code == 404
