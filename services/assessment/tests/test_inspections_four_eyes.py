"""Four eyes (四眼原则): a finding counts only once the assessment office confirms it — never
its author, never one of the inspection's own inspectors — and confirming opens a rectification
the unit is told of."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.models import Rectification
from assessment.inspections.rules import local_today

from .assessment_inspections_data import (
    INSPECTOR_A,
    INSPECTOR_B,
    OFFICE,
    OFFICE_2,
    confirm,
    make_world,
    messages,
    record,
)


async def _rectifications(session: AsyncSession) -> int:
    query = select(func.count()).select_from(Rectification)
    return int((await session.execute(query)).scalar_one())


async def test_a_second_person_confirms(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world, findings=(("G1", 2),))
    finding_id = inspection["findings"][0]["id"]
    response = await confirm(client, finding_id, days=10)
    assert response.status_code == 200, response.text
    finding = response.json()
    assert finding["confirmed"] is True
    assert finding["confirmed_by"] == "office-1"
    rectification = (await session.execute(select(Rectification))).scalar_one()
    assert rectification.finding_id.hex == finding_id.replace("-", "")
    assert rectification.deadline == local_today() + timedelta(days=10)
    assert rectification.status == "open"
    [notice] = [m for m in await messages(session) if m["message_key"].startswith("rectification")]
    assert notice["message_key"] == f"rectification-opened:{rectification.id}"
    assert notice["recipients"][0]["phone"] == "13812345678"  # the school's contact
    assert "指标G1" in notice["params"]["text"]
    assert "扣4.00分" in notice["params"]["text"]


async def test_the_author_may_not_confirm(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    # The office records a paper form itself, then tries to confirm its own finding.
    inspection = await record(client, world, headers=OFFICE, inspectors=["insp-a"])
    response = await confirm(client, inspection["findings"][0]["id"])
    assert response.status_code == 403
    assert response.json()["type"].endswith("/four-eyes")
    assert "author" in response.json()["detail"]
    assert await _rectifications(session) == 0
    assert (
        await confirm(client, inspection["findings"][0]["id"], headers=OFFICE_2)
    ).status_code == 200


async def test_an_inspector_of_the_visit_may_not_confirm(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    # office-2 went on the visit with inspector A; A wrote the finding.
    inspection = await record(client, world, inspectors=["insp-a", "office-2"])
    response = await confirm(client, inspection["findings"][0]["id"], headers=OFFICE_2)
    assert response.status_code == 403
    assert response.json()["type"].endswith("/four-eyes")
    assert await _rectifications(session) == 0


async def test_inspectors_do_not_confirm(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    inspection = await record(client, world)
    finding_id = inspection["findings"][0]["id"]
    for headers in (INSPECTOR_A, INSPECTOR_B):
        assert (await confirm(client, finding_id, headers=headers)).status_code == 403
    assert await _rectifications(session) == 0


async def test_confirmation_rules(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await make_world(session, client)
    draft = await record(client, world, submit=False)
    draft_finding = draft["findings"][0]["id"]
    not_yet = await confirm(client, draft_finding)
    assert not_yet.status_code == 409
    assert not_yet.json()["type"].endswith("/inspection-draft")
    inspection = await record(client, world)
    finding_id = inspection["findings"][0]["id"]
    past = await confirm(client, finding_id, days=-1)
    assert past.status_code == 422
    assert past.json()["errors"][0]["field"] == "body.rectification_deadline"
    unknown = await confirm(client, "00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404
    assert await _rectifications(session) == 0
    assert (await confirm(client, finding_id, days=0)).status_code == 200  # today is allowed
    again = await confirm(client, finding_id, headers=OFFICE_2)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/finding-confirmed")
    assert await _rectifications(session) == 1
    missing = await client.post(f"/v1/findings/{finding_id}/confirm", json={}, headers=OFFICE)
    assert missing.json()["errors"][0]["field"] == "body.rectification_deadline"
