"""Rounds, hand scores, bonuses and vetoes: what is refused (a clear 4xx naming the field,
nothing written) and what is kept."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry
from assessment.rounds.models import BonusAward, ManualScore

from .assessment_rounds_world import World, build_world, create_scheme
from .factories import ADMIN, BEIJIE, NANJIE, OTHER_COUNTY, auth, create_unit

INSPECTOR = auth("inspector", sub="inspector-li")
OFFICE_TWO = auth("admin", sub="office-two")
EVIDENCE = [{"url": "https://example.org/commendation.pdf", "sha256": "b" * 64}]


def problem_field(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["errors"][0]["field"])


async def test_round_create_refusals(client: httpx.AsyncClient) -> None:
    scheme = await create_scheme(client)
    body = {"scheme_id": scheme["id"], "name": "轮次", "area_code": NANJIE,
            "period_start": "2026-01-01", "period_end": "2026-12-31"}  # fmt: skip
    outside = await client.post("/v1/rounds", json=body, headers=auth("admin", areas=[BEIJIE]))
    assert outside.status_code == 403
    unknown = {**body, "scheme_id": "00000000-0000-0000-0000-000000000000"}
    assert problem_field(await client.post("/v1/rounds", json=unknown, headers=ADMIN)) == (
        "body.scheme_id"
    )
    backwards = {**body, "period_end": "2025-12-31"}
    assert problem_field(await client.post("/v1/rounds", json=backwards, headers=ADMIN)) == "body"
    scheme_after = await client.get(f"/v1/schemes/{scheme['id']}", headers=ADMIN)
    assert scheme_after.json()["locked"] is False  # nothing half-written


async def test_rounds_are_seen_where_areas_overlap(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    grid_leader = auth("leader", areas=[NANJIE + "001"])  # inside the round's area
    listed = await client.get("/v1/rounds", headers=grid_leader)
    assert [r["id"] for r in listed.json()["items"]] == [world.round_id]
    for headers in (auth("leader", areas=[BEIJIE]), auth("leader", areas=[OTHER_COUNTY])):
        assert (await client.get("/v1/rounds", headers=headers)).json()["items"] == []
        read = await client.get(f"/v1/rounds/{world.round_id}", headers=headers)
        assert read.status_code == 404


async def put_manual(client: httpx.AsyncClient, world: World, **body: Any) -> httpx.Response:
    values = {"unit_id": world.unit_id("school"), "indicator_id": world.indicators["A2"],
              "deduction": 3, **body}  # fmt: skip
    return await client.put(
        f"/v1/rounds/{world.round_id}/manual-scores", json=values, headers=INSPECTOR
    )


async def test_hand_scores_replace_and_are_audited(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await build_world(client)
    first = await put_manual(client, world, note="制度不健全")
    assert first.status_code == 200, first.text
    second = await put_manual(client, world, deduction=5)
    assert second.json()["deduction"] == 5.0
    assert await session.scalar(select(func.count()).select_from(ManualScore)) == 1
    entries = (
        (await session.execute(select(AuditEntry).where(AuditEntry.action == "manual_score.set")))
        .scalars()
        .all()
    )
    assert [e.data["previous"] for e in entries] == [None, "3.00"]
    listed = await client.get(f"/v1/rounds/{world.round_id}/manual-scores", headers=INSPECTOR)
    assert [s["deduction"] for s in listed.json()] == [5.0]


async def test_hand_score_refusals(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await build_world(client)
    assert problem_field(await put_manual(client, world, deduction=20.5)) == "body.deduction"
    assert problem_field(await put_manual(client, world, deduction=-1)) == "body.deduction"
    not_manual = await put_manual(client, world, indicator_id=world.indicators["A1"])
    assert problem_field(not_manual) == "body.indicator_id"
    other = await create_scheme(client, code="other-scheme")
    foreign = other["blocks"][0]["indicators"][1]["id"]
    assert problem_field(await put_manual(client, world, indicator_id=foreign)) == (
        "body.indicator_id"
    )
    elsewhere = await create_unit(client, name="北街小学", area_code=BEIJIE)
    assert problem_field(await put_manual(client, world, unit_id=elsewhere["id"])) == (
        "body.unit_id"
    )
    family = await create_unit(client, kind="family", name="张家", area_code=NANJIE + "001")
    assert problem_field(await put_manual(client, world, unit_id=family["id"])) == "body.unit_id"
    assert await session.scalar(select(func.count()).select_from(ManualScore)) == 0


async def award(client: httpx.AsyncClient, world: World, **body: Any) -> httpx.Response:
    values = {"unit_id": world.unit_id("school"), "bonus_item_id": world.scheme["bonus_items"][0]["id"],
              "points": 1.5, "evidence": EVIDENCE, **body}  # fmt: skip
    return await client.post(
        f"/v1/rounds/{world.round_id}/bonus-awards", json=values, headers=ADMIN
    )


async def test_bonus_awards_need_evidence_and_stay_within_the_item(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await build_world(client)
    assert (await award(client, world)).status_code == 201
    assert problem_field(await award(client, world, points=1)) == "body.points"  # 2.5 > 2
    assert problem_field(await award(client, world, evidence=[])) == "body.evidence"
    bad_hash = [{"url": "https://example.org/x.pdf", "sha256": "xyz"}]
    assert problem_field(await award(client, world, evidence=bad_hash)) == "body.evidence.0.sha256"
    assert (await award(client, world, points=0.5)).status_code == 201
    assert await session.scalar(select(func.count()).select_from(BonusAward)) == 2
    own = await client.get(
        f"/v1/rounds/{world.round_id}/bonus-awards",
        headers=auth("unit", unit_id=world.unit_id("market")),
    )
    assert own.json() == []  # another unit's awards are not shown to a unit contact


async def propose(client: httpx.AsyncClient, world: World, code: str = "V2") -> dict[str, Any]:
    condition = next(v for v in world.scheme["veto_conditions"] if v["code"] == code)
    response = await client.post(
        f"/v1/rounds/{world.round_id}/vetoes",
        json={"unit_id": world.unit_id("school"), "veto_condition_id": condition["id"],
              "reason": "安全台账系事后补做"},
        headers=INSPECTOR,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    out: dict[str, Any] = response.json()
    return out


async def test_veto_decisions(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    veto = await propose(client, world)
    assert veto["status"] == "proposed"
    url = f"/v1/rounds/{world.round_id}/vetoes/{veto['id']}/decision"
    body = {"decision": "confirmed", "reason": "经核实属实"}
    own = await client.post(url, json=body, headers=auth("admin", sub="inspector-li"))
    assert own.status_code == 403
    assert own.json()["type"].endswith("/four-eyes")
    no_reason = await client.post(url, json={"decision": "confirmed"}, headers=ADMIN)
    assert problem_field(no_reason) == "body.reason"
    decided = await client.post(url, json=body, headers=ADMIN)
    assert (decided.json()["status"], decided.json()["decided_by"]) == ("confirmed", "tester")
    again = await client.post(url, json=body, headers=OFFICE_TWO)
    assert again.status_code == 409
    unknown = await client.post(
        f"/v1/rounds/{world.round_id}/vetoes/00000000-0000-0000-0000-000000000000/decision",
        json=body,
        headers=ADMIN,
    )
    assert unknown.status_code == 404


async def test_only_a_confirmed_veto_fails_a_unit(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    rejected = await propose(client, world)
    await client.post(
        f"/v1/rounds/{world.round_id}/vetoes/{rejected['id']}/decision",
        json={"decision": "rejected", "reason": "证据不足"},
        headers=ADMIN,
    )
    await propose(client, world)  # proposed, never decided
    await client.post(f"/v1/rounds/{world.round_id}/compute", headers=ADMIN)
    score = await client.get(
        f"/v1/rounds/{world.round_id}/scores/{world.unit_id('school')}", headers=ADMIN
    )
    assert (score.json()["vetoed"], score.json()["rating"]) == (False, "优秀")


async def test_a_major_incident_proposes_a_veto_once(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    body = {"incident_id": "INC-9", "unit_id": world.unit_id("school"), "category": "robbery",
            "occurred_at": "2026-05-01T10:00:00+08:00", "summary": "校门口发生持刀抢劫"}  # fmt: skip
    service = auth("service", sub="incidents")
    first = await client.post("/v1/vetoes/from-incident", json=body, headers=service)
    assert first.status_code == 200, first.text
    [veto] = first.json()
    assert (veto["status"], veto["incident_id"], veto["proposed_by"]) == (
        "proposed", "INC-9", "incidents"
    )  # fmt: skip
    again = await client.post("/v1/vetoes/from-incident", json=body, headers=service)
    assert again.json() == []
    theft = await client.post(
        "/v1/vetoes/from-incident", json={**body, "category": "theft"}, headers=service
    )
    assert theft.json() == []  # no veto condition names thefts
    next_year = {**body, "incident_id": "INC-10", "occurred_at": "2027-01-02T10:00:00+08:00"}
    assert (
        await client.post("/v1/vetoes/from-incident", json=next_year, headers=service)
    ).json() == []
    listed = await client.get(f"/v1/rounds/{world.round_id}/vetoes", headers=ADMIN)
    assert [v["incident_id"] for v in listed.json()] == ["INC-9"]
