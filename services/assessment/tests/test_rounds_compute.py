"""Computing a round through the API: evidence gathered from the database and from incidents,
scores with provenance, ranks, and the round's state."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry
from assessment.rounds.models import UnitScore

from .assessment_rounds_world import World, add_finding, add_survey, build_world
from .factories import ADMIN, NANJIE_GRID
from .fake_incidents import FakeIncidents


async def compute(client: httpx.AsyncClient, world: World) -> dict:
    response = await client.post(f"/v1/rounds/{world.round_id}/compute", headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


async def scores(client: httpx.AsyncClient, world: World) -> dict[str, dict]:
    response = await client.get(f"/v1/rounds/{world.round_id}/scores", headers=ADMIN)
    assert response.status_code == 200, response.text
    return {s["unit_name"]: s for s in response.json()["items"]}


async def test_a_round_scores_every_unit_from_its_evidence(
    client: httpx.AsyncClient, session: AsyncSession, fake_incidents: FakeIncidents
) -> None:
    world = await build_world(client)
    first = await add_finding(session, world, "school", "A1", 2)  # 4 off
    await add_finding(session, world, "school", "A1", 3, confirmed=False)  # not counted
    await add_finding(session, world, "middle", "A1", 1, unfixed=True)  # 2 × 2 off
    await add_finding(session, world, "market", "C2", 1)  # 5 off
    await add_survey(session, world, "middle", 100, 70)  # upper bound 0.7811: 12 points × 0.5
    result = await compute(client, world)
    assert result["units"] == 3
    assert result["round"]["status"] == "computed"
    assert result["inconclusive"] == 2  # the school and the market were not surveyed

    by_name = await scores(client, world)
    # Incidents in the grid: 5 thefts and 2 frauds, 7 off B (cap 10) for every unit.
    # School: 90 applicable points (C2 is for markets) − 4 − 7 = 79 → 79 × 100 ÷ 90 = 87.78.
    school = by_name["屏山镇第一小学"]
    assert (school["total"], school["rating"]) == (87.78, "良好")
    middle = by_name["禄劝县第二中学"]
    market = by_name["南街农贸市场"]
    # Middle: 90 − 4 − 7 − 6 = 73 → 81.11; market: 100 − 7 − 5 = 88.
    assert middle["total"] == 81.11
    assert market["total"] == 88.0
    assert (school["rank"], middle["rank"], market["rank"]) == (1, 2, 1)  # ranked within kind

    detail = await client.get(
        f"/v1/rounds/{world.round_id}/scores/{world.unit_id('school')}", headers=ADMIN
    )
    provenance = detail.json()["details"]
    a1 = provenance["indicators"]["A1"]
    assert (a1["findings"], a1["faults"], a1["deduction"]) == ([str(first)], 2, 4.0)
    assert provenance["indicators"]["B1"]["incidents"] == {"theft": 5, "fraud": 2}
    assert provenance["indicators"]["B1"]["area_code"] == NANJIE_GRID
    assert provenance["not_applicable"] == ["C2"]
    assert provenance["inconclusive"] == ["C1"]
    assert provenance["indicators"]["C1"]["sample_more"] > 0
    middle_detail = await client.get(
        f"/v1/rounds/{world.round_id}/scores/{world.unit_id('middle')}", headers=ADMIN
    )
    c1 = middle_detail.json()["details"]["indicators"]["C1"]
    assert (c1["verdict"], c1["deduction"], c1["n"], c1["k"]) == ("deduct", 6.0, 100, 70)
    asked = {r["query"]["area"] for r in fake_incidents.requests}
    assert asked == {NANJIE_GRID}  # once per area, not per unit


async def test_computing_again_replaces_the_scores_and_is_audited(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await build_world(client)
    await compute(client, world)
    await add_finding(session, world, "school", "A1", 1)
    second = await compute(client, world)
    assert second["round"]["version"] == 3  # created, computed, computed again
    count = await session.scalar(select(func.count()).select_from(UnitScore))
    assert count == 3
    entries = (
        (await session.execute(select(AuditEntry).where(AuditEntry.action == "round.computed")))
        .scalars()
        .all()
    )
    assert len(entries) == 2
    assert entries[1].data["units"] == 3
    assert len(entries[1].data["digest"]) == 64
    assert entries[0].data["digest"] != entries[1].data["digest"]
