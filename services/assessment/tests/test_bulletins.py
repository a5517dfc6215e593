"""Publishing a round as a bulletin, who reads it, the messages it sends, and corrections."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry
from assessment.tables import infrastructure

from .assessment_rounds_world import World, add_finding, build_world
from .factories import ADMIN, BEIJIE, NANJIE, auth

OFFICE_TWO = auth("admin", sub="office-two")


async def propose_and_confirm_veto(client: httpx.AsyncClient, world: World, unit: str) -> str:
    condition = next(v for v in world.scheme["veto_conditions"] if v["code"] == "V2")
    proposed = await client.post(
        f"/v1/rounds/{world.round_id}/vetoes",
        json={"unit_id": world.unit_id(unit), "veto_condition_id": condition["id"],
              "reason": "台账资料系补做,弄虚作假"},
        headers=auth("inspector", sub="inspector-li"),
    )  # fmt: skip
    assert proposed.status_code == 201, proposed.text
    veto_id: str = proposed.json()["id"]
    decided = await client.post(
        f"/v1/rounds/{world.round_id}/vetoes/{veto_id}/decision",
        json={"decision": "confirmed", "reason": "经核实属实"},
        headers=OFFICE_TWO,
    )
    assert decided.status_code == 200, decided.text
    return veto_id


async def publish(client: httpx.AsyncClient, world: World, **body: object) -> dict:
    response = await client.post(f"/v1/rounds/{world.round_id}/publish", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()


async def outbox_texts(session: AsyncSession) -> dict[str, str]:
    rows = (await session.execute(select(infrastructure.outbox.c.payload))).scalars().all()
    return {p["message_key"]: p["params"]["text"] for p in rows}


async def test_publishing_freezes_a_bulletin_and_tells_units_and_leaders(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await build_world(client)
    await add_finding(session, world, "school", "A1", 2)
    veto_id = await propose_and_confirm_veto(client, world, "middle")
    bulletin = await publish(
        client,
        world,
        individuals=[{"name": "李明", "unit_id": world.unit_id("school"), "reason": "勇斗歹徒"}],
        note="望各单位对照整改。",
    )
    content = bulletin["content"]
    assert (bulletin["version"], content["version"], bulletin["reason"]) == (1, 1, None)
    totals = {u["name"]: (u["total"], u["rating"], u["rank"]) for u in content["units"]}
    # Every unit loses 7 to the grid's thefts and frauds; the school 4 more to its finding.
    assert totals == {
        "屏山镇第一小学": (87.78, "良好", 1),
        "禄劝县第二中学": (92.22, "不合格", 2),  # vetoed: failing whatever the score, ranked last
        "南街农贸市场": (93.0, "优秀", 1),
    }
    assert [u["name"] for u in content["commendations"]["units"]] == ["南街农贸市场"]
    assert content["commendations"]["individuals"][0]["unit_name"] == "屏山镇第一小学"
    assert content["carried_deductions"] == [
        {"unit_id": world.unit_id("middle"), "name": "禄劝县第二中学", "points": 100.0,
         "reason": "一票否决"}
    ]  # fmt: skip
    [record] = content["accountability"]
    assert (record["veto_id"], record["condition"]) == (veto_id, "V2")
    assert record["decision_reason"] == "经核实属实"

    texts = await outbox_texts(session)
    bulletin_id = bulletin["id"]
    assert (
        "屏山镇第一小学得分87.78" in texts[f"bulletin:{bulletin_id}:unit:{world.unit_id('school')}"]
    )
    assert "一票否决" in texts[f"bulletin:{bulletin_id}:unit:{world.unit_id('middle')}"]
    leader = texts[f"bulletin:{bulletin_id}:leader:{world.committee['id']}"]
    assert "3个单位参评" in leader

    round_ = (await client.get(f"/v1/rounds/{world.round_id}", headers=ADMIN)).json()
    assert round_["status"] == "published"
    actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert "bulletin.published" in actions


async def test_a_published_round_refuses_changes(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await build_world(client)
    await publish(client, world)
    manual = await client.put(
        f"/v1/rounds/{world.round_id}/manual-scores",
        json={"unit_id": world.unit_id("school"), "indicator_id": world.indicators["A2"],
              "deduction": 1},
        headers=ADMIN,
    )  # fmt: skip
    assert manual.status_code == 409
    assert manual.json()["type"].endswith("/round-published")
    for path in ("compute", "publish"):
        response = await client.post(f"/v1/rounds/{world.round_id}/{path}", json={}, headers=ADMIN)
        assert response.status_code == 409, path


async def test_a_correction_makes_a_new_version_and_the_old_stays_readable(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await build_world(client)
    await publish(client, world)
    response = await client.post(
        f"/v1/rounds/{world.round_id}/corrections",
        json={
            "reason": "复核发现组织领导工作不到位",
            "manual_scores": [{"unit_id": world.unit_id("school"),
                               "indicator_id": world.indicators["A2"], "deduction": 9}],
        },
        headers=ADMIN,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    second = response.json()
    assert (second["version"], second["reason"]) == (2, "复核发现组织领导工作不到位")
    [change] = second["content"]["changes"]
    assert change["name"] == "屏山镇第一小学"
    assert (change["before"]["total"], change["after"]["total"]) == (92.22, 82.22)
    first = await client.get(f"/v1/rounds/{world.round_id}/bulletins/1", headers=ADMIN)
    assert {u["name"]: u["total"] for u in first.json()["content"]["units"]}[
        "屏山镇第一小学"
    ] == 92.22
    versions = await client.get(f"/v1/rounds/{world.round_id}/bulletins", headers=ADMIN)
    assert [v["version"] for v in versions.json()] == [1, 2]
    texts = await outbox_texts(session)
    told = [k for k in texts if k.startswith(f"bulletin:{second['id']}:unit:")]
    assert told == [f"bulletin:{second['id']}:unit:{world.unit_id('school')}"]


async def test_a_correction_of_an_unpublished_round_is_refused(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    response = await client.post(
        f"/v1/rounds/{world.round_id}/corrections", json={"reason": "更正"}, headers=ADMIN
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/round-not-published")


async def test_readers_see_their_part_after_publication(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    await client.post(f"/v1/rounds/{world.round_id}/compute", headers=ADMIN)
    school = world.unit_id("school")
    contact = auth("unit", unit_id=school)
    before = await client.get(f"/v1/rounds/{world.round_id}/scores", headers=auth("leader"))
    assert before.status_code == 403  # covert results are in the scores until publication
    await publish(client, world)
    own = await client.get(f"/v1/rounds/{world.round_id}/scores", headers=contact)
    assert [s["unit_id"] for s in own.json()["items"]] == [school]
    other = await client.get(
        f"/v1/rounds/{world.round_id}/scores/{world.unit_id('market')}", headers=contact
    )
    assert other.status_code == 404
    bulletin = (
        await client.get(f"/v1/rounds/{world.round_id}/bulletins/1", headers=contact)
    ).json()
    assert [u["unit_id"] for u in bulletin["content"]["units"]] == [school]
    elsewhere = auth("leader", areas=[BEIJIE])
    hidden = await client.get(f"/v1/rounds/{world.round_id}/bulletins/1", headers=elsewhere)
    assert hidden.status_code == 404
    leader = await client.get(
        f"/v1/rounds/{world.round_id}/scores", headers=auth("leader", areas=[NANJIE])
    )
    assert len(leader.json()["items"]) == 3
    missing = await client.get(f"/v1/rounds/{world.round_id}/bulletins/7", headers=ADMIN)
    assert missing.status_code == 404
    assert uuid.UUID(bulletin["id"])


async def test_publish_with_an_idempotency_key_answers_a_retry_with_the_first_bulletin(
    client: httpx.AsyncClient,
) -> None:
    world = await build_world(client)
    url = f"/v1/rounds/{world.round_id}/publish"
    headers = {**ADMIN, "Idempotency-Key": "publish-2026"}
    first = await client.post(url, json={"note": "通报"}, headers=headers)
    again = await client.post(url, json={"note": "通报"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["id"] == first.json()["id"]
    other = await client.post(url, json={"note": "另一份"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
