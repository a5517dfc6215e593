"""Patrol logs from phones: check-in, track points, check-out and findings, retried after dead
zones; a finding reported as an incident in one step."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_factories import NANJIE
from incidents_patrols import (
    LEADER_SUB,
    MEMBER_SUB,
    NANJIE_POINT,
    PatrolSeed,
    count,
    iso,
    seed_patrols,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident, Source
from incidents.patrols.models import PatrolFinding, PatrolLog, TrackPoint
from pingan_shared.testing import bearer

MEMBER = bearer("patrol", areas=[NANJIE], sub=MEMBER_SUB)
LEADER = bearer("patrol", areas=[NANJIE], sub=LEADER_SUB)
POSITION = dict(NANJIE_POINT)


@pytest.fixture
async def seed(session: AsyncSession) -> PatrolSeed:
    return await seed_patrols(session)


def check_in(seed: PatrolSeed, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "team_id": str(seed.team),
        "member_id": str(seed.member),
        "at": iso("2026-11-20 18:10"),
        "position": POSITION,
    }
    body.update(overrides)
    return body


def point(at: str, lat: float = 25.5528, lon: float = 102.4688) -> dict[str, Any]:
    return {"at": iso(at), "lat": lat, "lon": lon}


async def test_a_patrol_from_check_in_to_check_out(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    started = await client.post("/v1/patrols/logs", json=check_in(seed), headers=MEMBER)
    assert started.status_code == 201, started.text
    log = started.json()
    assert (log["shift_id"], log["area_code"], log["ended_at"]) == (str(seed.shift), NANJIE, None)
    assert (log["member_name"], log["started_at"]) == ("王芳", "2026-11-20T10:10:00Z")
    path = f"/v1/patrols/logs/{log['id']}"

    batch = {"points": [point("2026-11-20 18:15"), point("2026-11-20 18:20", 25.5540)]}
    batch["points"].append(batch["points"][0])  # a phone may send a point twice
    first = await client.post(f"{path}/track", json=batch, headers=MEMBER)
    assert first.json() == {"log_id": log["id"], "received": 3, "stored": 2, "total": 2}
    resent = await client.post(f"{path}/track", json=batch, headers=MEMBER)
    assert (resent.json()["stored"], resent.json()["total"]) == (0, 2)

    end = {"at": iso("2026-11-20 21:40"), "position": POSITION}
    ended = await client.post(f"{path}/check-out", json=end, headers=MEMBER)
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_at"] == "2026-11-20T13:40:00Z"
    again = await client.post(f"{path}/check-out", json=end, headers=MEMBER)
    assert again.json() == ended.json()
    other = {"at": iso("2026-11-20 21:45"), "position": POSITION}
    refused = await client.post(f"{path}/check-out", json=other, headers=MEMBER)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "body.at"

    late = {"points": [point("2026-11-20 21:30")]}  # uploaded after check-out, within the patrol
    assert (await client.post(f"{path}/track", json=late, headers=MEMBER)).json()["total"] == 3
    detail = (await client.get(path, headers=bearer("police", areas=[NANJIE]))).json()
    assert [p["at"] for p in detail["track"]] == [
        "2026-11-20T10:15:00Z",
        "2026-11-20T10:20:00Z",
        "2026-11-20T13:30:00Z",
    ]


async def test_a_teammate_may_log_for_the_team(client: httpx.AsyncClient, seed: PatrolSeed) -> None:
    started = await client.post("/v1/patrols/logs", json=check_in(seed), headers=LEADER)
    assert started.status_code == 201, started.text
    assert started.json()["member_id"] == str(seed.member)


async def test_check_in_outside_any_shift_counts_for_the_teams_area(
    client: httpx.AsyncClient, seed: PatrolSeed
) -> None:
    body = check_in(seed, at=iso("2026-11-21 09:00"))
    log = (await client.post("/v1/patrols/logs", json=body, headers=MEMBER)).json()
    assert (log["shift_id"], log["area_code"]) == (None, NANJIE)


async def test_check_in_is_idempotent_by_key_and_one_at_a_time_without(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed
) -> None:
    keyed = {**MEMBER, "Idempotency-Key": "phone-7-checkin-1"}
    first = await client.post("/v1/patrols/logs", json=check_in(seed), headers=keyed)
    again = await client.post("/v1/patrols/logs", json=check_in(seed), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    unkeyed = await client.post("/v1/patrols/logs", json=check_in(seed), headers=MEMBER)
    assert unkeyed.status_code == 409
    assert first.json()["id"] in unkeyed.json()["detail"]
    assert await count(session, PatrolLog) == 2  # the seeded one and this


BAD_CHECK_INS = [
    ({"at": "2099-01-01T00:00:00+08:00"}, "body.at"),
    ({"at": "2026-11-20T18:10:00"}, "body.at"),
    ({"position": {"lat": 48.85, "lon": 2.35}}, "body.position"),
    ({"position": {"lat": 25.5, "lon": 181}}, "body.position.lon"),
    ({"member_id": "other_member"}, "body.member_id"),
    ({"team_id": "other_team"}, "body.team_id"),
    ({"member_id": "leader"}, "body.member_id"),  # already on patrol (the seeded open log)
    ({"surprise": 1}, "body.surprise"),
]


@pytest.mark.parametrize(("override", "field"), BAD_CHECK_INS)
async def test_bad_check_in_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    seed: PatrolSeed,
    override: dict[str, Any],
    field: str,
) -> None:
    values = {k: str(getattr(seed, v)) if hasattr(seed, str(v)) else v for k, v in override.items()}
    response = await client.post("/v1/patrols/logs", json=check_in(seed, **values), headers=MEMBER)
    assert response.status_code in (409, 422), response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await count(session, PatrolLog) == 1


GOOD = point("2026-11-20 18:20")
BAD_TRACKS = [  # a good point first: a batch is stored whole or not at all
    ({"points": [GOOD, point("2026-11-20 18:00")]}, "body.points.1.at"),  # before the check-in
    ({"points": [GOOD, point("2099-11-20 18:00")]}, "body.points.1.at"),
    ({"points": [GOOD, {**point("2026-11-20 18:30"), "lat": 91}]}, "body.points.1.lat"),
    ({"points": [GOOD, point("2026-11-20 18:30", 48.85, 2.35)]}, "body.points.1"),
    ({"points": []}, "body.points"),
    ({"points": [GOOD] * 1001}, "body.points"),
    ({"coord_system": "bd09", "points": [GOOD]}, "body.coord_system"),
]


@pytest.mark.parametrize(("body", "field"), BAD_TRACKS)
async def test_bad_track_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed, body: Any, field: str
) -> None:
    response = await client.post(f"/v1/patrols/logs/{seed.log}/track", json=body, headers=LEADER)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await count(session, TrackPoint) == 0


@pytest.mark.parametrize(
    ("at", "field"),
    [
        ("2026-11-20 18:00", "body.at"),
        ("2026-11-21 18:06", "body.at"),
        ("2099-01-01 00:00", "body.at"),
    ],
)
async def test_bad_check_out_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed, at: str, field: str
) -> None:
    body = {"at": iso(at), "position": POSITION}
    response = await client.post(
        f"/v1/patrols/logs/{seed.log}/check-out", json=body, headers=LEADER
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    log = await session.get(PatrolLog, seed.log)
    assert log is not None
    await session.refresh(log)
    assert log.ended_at is None


def finding(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": "菜市场后门消防通道被三轮车堵塞",
        "category": "fire_hazard",
        "position": {**POSITION, "address": "南街农贸市场后门"},
        "found_at": iso("2026-11-20 19:30"),
    }
    body.update(overrides)
    return body


async def test_a_finding_becomes_an_incident_in_one_step(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed
) -> None:
    path = f"/v1/patrols/logs/{seed.log}/findings"
    headers = {**LEADER, "Idempotency-Key": "finding-1"}
    created = await client.post(path, json=finding(report=True), headers=headers)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["incident_id"] is not None
    incident = (await session.execute(select(Incident))).scalar_one()
    assert str(incident.id) == out["incident_id"]
    assert (incident.category, incident.area_code, incident.source) == (
        "fire_hazard",
        NANJIE,
        Source.patrol,
    )
    assert (incident.reporter_name, incident.reporter_phone) == ("李建国", "13800000001")
    assert incident.description == "菜市场后门消防通道被三轮车堵塞"
    assert incident.reported_by == LEADER_SUB
    retried = await client.post(path, json=finding(report=True), headers=headers)
    assert retried.json() == out
    assert await count(session, Incident) == 1
    assert await count(session, PatrolFinding) == 1
    read = await client.get(f"/v1/incidents/{out['incident_id']}", headers=LEADER)
    assert read.status_code == 200
    assert read.json()["source"] == "patrol"


async def test_a_finding_without_report_makes_no_incident(
    client: httpx.AsyncClient, session: AsyncSession, seed: PatrolSeed
) -> None:
    created = await client.post(
        f"/v1/patrols/logs/{seed.log}/findings", json=finding(), headers=LEADER
    )
    assert created.status_code == 201, created.text
    assert created.json()["incident_id"] is None
    assert await count(session, Incident) == 0
    detail = (await client.get(f"/v1/patrols/logs/{seed.log}", headers=LEADER)).json()
    assert [f["id"] for f in detail["findings"]] == [created.json()["id"]]


BAD_FINDINGS = [
    ({"category": "alien_abduction"}, "body.category"),
    ({"category": "Theft"}, "body.category"),
    ({"text": ""}, "body.text"),
    ({"text": "很" * 2001}, "body.text"),
    ({"found_at": "2099-01-01T00:00:00+08:00"}, "body.found_at"),
    ({"found_at": iso("2026-11-19 12:00")}, "body.found_at"),
    ({"position": {"lat": 48.85, "lon": 2.35}}, "body.position"),
    ({"severity": "apocalyptic"}, "body.severity"),
]


@pytest.mark.parametrize(("override", "field"), BAD_FINDINGS)
async def test_bad_finding_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    seed: PatrolSeed,
    override: dict[str, Any],
    field: str,
) -> None:
    body = finding(report=True, **override)
    response = await client.post(f"/v1/patrols/logs/{seed.log}/findings", json=body, headers=LEADER)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await count(session, PatrolFinding) == 0
    assert await count(session, Incident) == 0


async def test_log_list_pages_newest_first(client: httpx.AsyncClient, seed: PatrolSeed) -> None:
    body = check_in(seed, at=iso("2026-11-21 18:10"))
    newer = (await client.post("/v1/patrols/logs", json=body, headers=MEMBER)).json()
    staff = bearer("community", areas=[NANJIE])
    page = (await client.get("/v1/patrols/logs?limit=1", headers=staff)).json()
    assert [log["id"] for log in page["items"]] == [newer["id"]]
    rest = (
        await client.get(f"/v1/patrols/logs?limit=1&cursor={page['next_cursor']}", headers=staff)
    ).json()
    assert [log["id"] for log in rest["items"]] == [str(seed.log)]
    assert rest["next_cursor"] is None
    still_open = (await client.get("/v1/patrols/logs?open=true", headers=staff)).json()
    assert len(still_open["items"]) == 2
