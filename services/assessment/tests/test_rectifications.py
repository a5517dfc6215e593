"""Rectification (整改): the unit answers its own, a re-inspection by other inspectors closes it or
finds it unfixed; who may read, answer and decide; bad input refused with nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from .assessment_inspections_data import (
    INSPECTOR_A,
    INSPECTOR_B,
    INSPECTOR_C,
    LEADER,
    OFFICE,
    SHA,
    World,
    audit_entries,
    confirm,
    make_world,
    record,
)
from .factories import BEIJIE, auth

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
ANSWER = {
    "answer": "已补齐门卫值班记录",
    "evidence": [{"url": "https://x.cn/b.jpg", "sha256": SHA}],
}


async def opened(
    client: httpx.AsyncClient, world: World, unit: str = "school"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A submitted inspection of `unit` by inspector A and the rectification its confirmed
    finding opened."""
    inspection = await record(client, world, unit_id=world.units[unit]["id"])
    finding = inspection["findings"][0]
    assert (await confirm(client, finding["id"])).status_code == 200
    listed = await client.get(
        f"/v1/rectifications?unit_id={world.units[unit]['id']}", headers=OFFICE
    )
    [rectification] = listed.json()["items"]
    assert rectification["finding_id"] == finding["id"]
    return inspection, rectification


async def _answer(
    client: httpx.AsyncClient, world: World, rectification: dict[str, Any], **extra: Any
) -> httpx.Response:
    headers = {**world.unit_token("school"), "If-Match": f'"{rectification["version"]}"'}
    headers.update(extra.pop("headers", {}))
    body = extra.pop("body", ANSWER)
    return await client.post(
        f"/v1/rectifications/{rectification['id']}/answer", json=body, headers=headers
    )


async def _reinspect(
    client: httpx.AsyncClient, world: World, inspection: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    sub = {"insp-b": INSPECTOR_B, "insp-c": INSPECTOR_C}
    name = next(k for k, v in sub.items() if v is headers)
    return await record(
        client,
        world,
        findings=(),
        headers=headers,
        inspectors=[name],
        reinspection_of=inspection["id"],
    )


async def _verdict(
    client: httpx.AsyncClient,
    rectification: dict[str, Any],
    reinspection_id: str,
    fixed: bool,
    headers: dict[str, str] = INSPECTOR_B,
    version: int | None = None,
) -> httpx.Response:
    return await client.post(
        f"/v1/rectifications/{rectification['id']}/verdict",
        json={"reinspection_id": reinspection_id, "fixed": fixed},
        headers={**headers, "If-Match": f'"{version or rectification["version"]}"'},
    )


async def test_the_unit_answers_and_a_reinspection_closes(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    inspection, rectification = await opened(client, world)
    assert rectification["status"] == "open"
    assert rectification["deduction"] == "2.00"
    answered = await _answer(client, world, rectification)
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered"
    assert answered.json()["answer_evidence"][0]["sha256"] == SHA
    assert answered.headers["ETag"] == '"2"'
    again = await _answer(client, world, answered.json())
    assert again.status_code == 409
    reinspection = await _reinspect(client, world, inspection, INSPECTOR_B)
    closed = await _verdict(client, answered.json(), reinspection["id"], True)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["reinspection_id"] == reinspection["id"]
    assert closed.json()["closed_at"] is not None
    twice = await _verdict(client, closed.json(), reinspection["id"], False)
    assert twice.status_code == 409
    actions = [e.action for e in await audit_entries(session, entity_id=rectification["id"])]
    assert actions == [
        "rectification.opened",
        "rectification.answered",
        "rectification.closed",
    ]


async def test_unfixed_on_reinspection(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    inspection, rectification = await opened(client, world)
    reinspection = await _reinspect(client, world, inspection, INSPECTOR_B)
    unfixed = await _verdict(client, rectification, reinspection["id"], False)
    assert unfixed.status_code == 200, unfixed.text
    assert unfixed.json()["status"] == "unfixed"  # the scoring multiplies its deduction
    late = await _answer(client, world, unfixed.json())
    assert late.status_code == 409


async def test_verdict_rules(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    inspection, rectification = await opened(client, world)
    unrelated = await record(client, world, headers=INSPECTOR_B, inspectors=["insp-b"])
    refused = await _verdict(client, rectification, unrelated["id"], True)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.reinspection_id"
    draft = await record(
        client,
        world,
        findings=(),
        submit=False,
        headers=INSPECTOR_B,
        inspectors=["insp-b"],
        reinspection_of=inspection["id"],
    )
    not_submitted = await _verdict(client, rectification, draft["id"], True)
    assert not_submitted.json()["errors"][0]["code"] == "not_submitted"
    reinspection = await _reinspect(client, world, inspection, INSPECTOR_C)
    outsider = await _verdict(client, rectification, reinspection["id"], True, INSPECTOR_B)
    assert outsider.status_code == 403  # B did not make this re-inspection
    stale = await _verdict(client, rectification, reinspection["id"], True, INSPECTOR_C, 7)
    assert stale.status_code == 412
    by_office = await _verdict(client, rectification, reinspection["id"], True, OFFICE)
    assert by_office.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answer": ""}, "body.answer"),
        ({"answer": "x" * 4001}, "body.answer"),
        ({}, "body.answer"),
        (
            {"answer": "ok", "evidence": [{"url": "https://x.cn", "sha256": "00"}]},
            "body.evidence.0.sha256",
        ),
    ],
)
async def test_bad_answers_name_the_field(
    client: httpx.AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
) -> None:
    world = await make_world(session, client)
    _, rectification = await opened(client, world)
    response = await _answer(client, world, rectification, body=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    read = await client.get(f"/v1/rectifications/{rectification['id']}", headers=OFFICE)
    assert read.json()["status"] == "open"


async def test_answers_need_the_current_version(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    _, rectification = await opened(client, world)
    path = f"/v1/rectifications/{rectification['id']}/answer"
    missing = await client.post(path, json=ANSWER, headers=world.unit_token("school"))
    assert missing.status_code == 428
    stale = await _answer(client, world, rectification, headers={"If-Match": '"9"'})
    assert stale.status_code == 412


async def test_a_unit_answers_only_its_own(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    _, rectification = await opened(client, world)
    other = await _answer(client, world, rectification, headers=world.unit_token("compound"))
    assert other.status_code == 404
    read = await client.get(
        f"/v1/rectifications/{rectification['id']}", headers=world.unit_token("compound")
    )
    assert read.status_code == 404
    listed = await client.get("/v1/rectifications", headers=world.unit_token("compound"))
    assert listed.json()["items"] == []
    mine = await client.get("/v1/rectifications", headers=world.unit_token("school"))
    assert [r["id"] for r in mine.json()["items"]] == [rectification["id"]]
    assert (await client.get("/v1/rectifications", headers=auth("unit"))).json()["items"] == []


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_rectification_routes_by_role(
    client: httpx.AsyncClient, session: AsyncSession, role: str
) -> None:
    world = await make_world(session, client)
    inspection, rectification = await opened(client, world)
    headers = auth(role, unit_id=world.units["school"]["id"], sub="insp-c")
    readers = {"admin", "leader", "inspector", "unit"}
    read = await client.get(f"/v1/rectifications/{rectification['id']}", headers=headers)
    assert read.status_code == (200 if role in readers else 403)
    listed = await client.get("/v1/rectifications", headers=headers)
    assert listed.status_code == (200 if role in readers else 403)
    answered = await _answer(client, world, rectification, headers=headers)
    assert answered.status_code == (200 if role == "unit" else 403), answered.text
    reinspection = await _reinspect(client, world, inspection, INSPECTOR_C)
    current = (await client.get(f"/v1/rectifications/{rectification['id']}", headers=OFFICE)).json()
    verdict = await _verdict(client, current, reinspection["id"], True, headers)
    assert verdict.status_code == (200 if role in {"admin", "inspector"} else 403), verdict.text


async def test_outside_the_callers_areas_is_not_found(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    _, rectification = await opened(client, world)
    for role in ("admin", "leader", "inspector"):
        headers = auth(role, areas=[BEIJIE])
        read = await client.get(f"/v1/rectifications/{rectification['id']}", headers=headers)
        assert read.status_code == 404
        assert (await client.get("/v1/rectifications", headers=headers)).json()["items"] == []
    for path in ("/v1/rectifications", f"/v1/rectifications/{rectification['id']}"):
        assert (await client.get(path)).status_code == 401


async def test_list_filters_and_pages(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    opened_ids = [(await opened(client, world, unit))[1]["id"] for unit in ("school", "compound")]
    assert (await client.get("/v1/rectifications?status=closed", headers=LEADER)).json()[
        "items"
    ] == []
    first = (await client.get("/v1/rectifications?limit=1", headers=INSPECTOR_A)).json()
    second = (
        await client.get(
            f"/v1/rectifications?limit=1&cursor={first['next_cursor']}", headers=INSPECTOR_A
        )
    ).json()
    assert sorted(r["id"] for r in first["items"] + second["items"]) == sorted(opened_ids)
    assert second["next_cursor"] is None
    bad = await client.get("/v1/rectifications?cursor=WzFd", headers=OFFICE)
    assert bad.json()["errors"][0]["field"] == "query.cursor"
