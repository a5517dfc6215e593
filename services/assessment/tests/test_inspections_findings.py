"""Findings: on an indicator of the round's scheme that applies to the unit, with the deduction
its rule gives, and evidence checked; bad input names the field and writes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.models import Finding

from .assessment_inspections_data import (
    INSPECTOR_A,
    SHA,
    World,
    add_scheme,
    audit_entries,
    make_world,
    record,
)


async def _count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Finding))).scalar_one())


async def _add(
    client: httpx.AsyncClient, world: World, inspection_id: str, **body: Any
) -> httpx.Response:
    body.setdefault("indicator_id", str(world.indicators["G1"]))
    return await client.post(
        f"/v1/inspections/{inspection_id}/findings", json=body, headers=INSPECTOR_A
    )


@pytest.mark.parametrize(
    ("code", "faults", "deduction"),
    [
        ("G1", 1, "2.00"),
        ("G1", 2, "4.00"),
        ("G1", 3, "5.00"),
        ("G1", 100, "5.00"),
        ("G3", 1, "3.00"),
    ],
)
async def test_deduction_is_faults_times_points_never_beyond_the_maximum(
    client: httpx.AsyncClient, session: AsyncSession, code: str, faults: int, deduction: str
) -> None:
    world = await make_world(session, client)
    draft = await record(client, world, findings=(), submit=False)
    response = await _add(
        client, world, draft["id"], indicator_id=str(world.indicators[code]), faults=faults
    )
    assert response.status_code == 201, response.text
    finding = response.json()
    assert finding["deduction"] == deduction
    assert finding["author"] == "insp-a"
    assert finding["confirmed"] is False
    read = await client.get(f"/v1/inspections/{draft['id']}", headers=INSPECTOR_A)
    assert [f["id"] for f in read.json()["findings"]] == [finding["id"]]
    assert read.headers["ETag"] == '"2"'


async def test_beyond_the_points_without_stop_at_zero_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    draft = await record(client, world, findings=(), submit=False)
    response = await _add(
        client, world, draft["id"], indicator_id=str(world.indicators["G3"]), faults=2
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("body.faults", "beyond_points")
    assert await _count(session) == 0


async def test_indicator_must_be_the_schemes_and_apply(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    _, others = await add_scheme(session, ["campus"])
    draft = await record(client, world, findings=(), submit=False)
    cases = {
        str(others["G1"]): "outside_scheme",
        str(world.indicators["G2"]): "not_applicable",  # compounds only; this is a school
        str(world.indicators["I1"]): "not_by_findings",
        "00000000-0000-4000-8000-000000000000": "unknown_indicator",
    }
    for indicator_id, code in cases.items():
        response = await _add(client, world, draft["id"], indicator_id=indicator_id)
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == ("body.indicator_id", code)
    compound = await record(
        client, world, findings=(("G2", 3),), submit=False, unit_id=world.units["compound"]["id"]
    )
    assert compound["findings"][0]["deduction"] == "3.00"
    assert await _count(session) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"faults": 0}, "body.faults"),
        ({"faults": "many"}, "body.faults"),
        ({"indicator_id": "G1"}, "body.indicator_id"),
        (
            {"evidence": [{"url": "https://x.cn/a.jpg", "sha256": "AB" * 32}]},
            "body.evidence.0.sha256",
        ),
        (
            {"evidence": [{"url": "https://x.cn/a.jpg", "sha256": "ab" * 31}]},
            "body.evidence.0.sha256",
        ),
        ({"evidence": [{"url": "ftp://x.cn/a.jpg", "sha256": SHA}]}, "body.evidence.0.url"),
        ({"evidence": [{"url": "not a url", "sha256": SHA}]}, "body.evidence.0.url"),
        ({"evidence": [{"url": "https://x.cn/a.jpg"}]}, "body.evidence.0.sha256"),
        ({"deduction": 3}, "body.deduction"),  # the rule decides the points, not the client
    ],
)
async def test_bad_findings_name_the_field(
    client: httpx.AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
) -> None:
    world = await make_world(session, client)
    draft = await record(client, world, findings=(), submit=False)
    response = await _add(client, world, draft["id"], **body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert await _count(session) == 0


async def test_no_finding_once_submitted(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world)
    response = await _add(client, world, inspection["id"])
    assert response.status_code == 409
    assert await _count(session) == 1


async def test_findings_are_audited_with_their_evidence(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world, findings=(("G1", 2),))
    finding = inspection["findings"][0]
    assert finding["evidence"] == [{"url": "https://files.example.cn/a.jpg", "sha256": SHA}]
    [entry] = await audit_entries(session, entity_id=finding["id"])
    assert entry.action == "finding.added"
    assert entry.data["deduction"] == "4.00"
    assert entry.data["evidence"][0]["sha256"] == SHA


async def test_unknown_inspection_is_not_found(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    response = await _add(client, world, "00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
