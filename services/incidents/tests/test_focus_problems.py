"""Focus problems (突出问题): made from a hot spot, place, area or series; changed at a version;
measures appended, never changed; deleted only before any measure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import h3
import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.focus.rules import add_months, local_today
from incidents.places.models import Place, PlaceKind
from pingan_shared.testing import bearer

LEADER = bearer("leader", areas=[NANJIE], sub="leader-1")
CELL = h3.latlng_to_cell(25.5528, 102.4688, 9)


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


def problem(**overrides: Any) -> dict[str, Any]:
    """A problem made from a hot spot in 南街, with overrides."""
    body: dict[str, Any] = {
        "title": "南街夜间电动车被盗",
        "source": "hot_spot",
        "area_code": NANJIE,
        "cells": [CELL],
        "categories": ["theft"],
        "owner": {"name": "李警官", "phone": "13800001111"},
    }
    body.update(overrides)
    return body


async def _create(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/v1/focus-problems", json=problem(**overrides), headers=LEADER)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_problem_is_made_with_a_three_month_target_and_read_back(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/focus-problems", json=problem(), headers=LEADER)
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"/v1/focus-problems/{made['id']}"
    assert made["target_date"] == add_months(local_today(), 3).isoformat()
    assert (made["status"], made["escalation_level"], made["measures"]) == ("open", 0, [])
    assert made["owner"] == {
        "name": "李警官",
        "phone": "13800001111",
        "wecom_user_id": None,
        "contact_id": None,
    }
    read = await client.get(f"/v1/focus-problems/{made['id']}", headers=bearer("police"))
    assert read.status_code == 200
    assert read.json() == made


async def test_an_idempotency_key_replays_the_first_answer(client: httpx.AsyncClient) -> None:
    headers = {**LEADER, "Idempotency-Key": "focus-1"}
    first = await client.post("/v1/focus-problems", json=problem(), headers=headers)
    again = await client.post("/v1/focus-problems", json=problem(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post("/v1/focus-problems", json=problem(title="别的"), headers=headers)
    assert other.status_code == 422
    listed = await client.get("/v1/focus-problems", headers=LEADER)
    assert len(listed.json()["items"]) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cells": ["not-a-cell"]}, "body.cells"),
        ({"cells": [h3.latlng_to_cell(25.55, 102.46, 5)]}, "body.cells.0"),
        ({"cells": [CELL, CELL]}, "body.cells.1"),
        ({"cells": []}, "body"),  # a hot spot needs its cells
        ({"source": "hot_place", "cells": []}, "body"),  # a hot place needs its place
        ({"categories": ["theft", "no_such"]}, "body.categories.1"),
        ({"owner": {"name": "无联系方式"}}, "body.owner"),
        ({"owner": {"phone": "12345"}}, "body.owner.phone"),
        (
            {"owner": {"contact_id": "00000000-0000-0000-0000-000000000000"}},
            "body.owner.contact_id",
        ),
        ({"target_date": "2020-01-01"}, "body.target_date"),
        ({"area_code": "530128999999"}, "body.area_code"),
        ({"place_id": "00000000-0000-0000-0000-000000000000"}, "body.place_id"),
        ({"source": "rumour"}, "body.source"),
    ],
)
async def test_bad_problems_are_refused_naming_the_field(
    client: httpx.AsyncClient, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/focus-problems", json=problem(**overrides), headers=LEADER)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"].startswith(field) for e in response.json()["errors"]), response.text


async def test_a_problem_outside_the_leaders_areas_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/focus-problems",
        json=problem(area_code=BEIJIE, source="area", cells=[]),
        headers=LEADER,
    )
    assert response.status_code == 403


async def test_a_hot_place_problem_names_a_place_of_its_area(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    place = Place(kind=PlaceKind.market, name="南街农贸市场", area_code=NANJIE)
    elsewhere = Place(kind=PlaceKind.market, name="北街市场", area_code=BEIJIE)
    session.add_all([place, elsewhere])
    await session.flush()
    made = await _create(client, source="hot_place", cells=[], place_id=str(place.id))
    assert made["place_id"] == str(place.id)
    wrong = await client.post(
        "/v1/focus-problems",
        json=problem(source="hot_place", cells=[], place_id=str(elsewhere.id)),
        headers=LEADER,
    )
    assert wrong.status_code == 422


async def test_updates_need_the_version_read(client: httpx.AsyncClient) -> None:
    made = await _create(client)
    path = f"/v1/focus-problems/{made['id']}"
    missing = await client.patch(path, json={"title": "新标题"}, headers=LEADER)
    assert missing.status_code == 428
    stale = await client.patch(
        path, json={"title": "新标题"}, headers={**LEADER, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    changed = await client.patch(
        path,
        json={"title": "新标题", "target_date": (local_today() + timedelta(days=40)).isoformat()},
        headers={**LEADER, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["title"], changed.json()["version"]) == ("新标题", 2)
    assert changed.headers["ETag"] == '"2"'


async def test_resolving_needs_a_resolution_and_can_be_undone(client: httpx.AsyncClient) -> None:
    made = await _create(client)
    path = f"/v1/focus-problems/{made['id']}"
    bare = await client.patch(
        path, json={"status": "resolved"}, headers={**LEADER, "If-Match": "1"}
    )
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["field"] == "body.resolution"
    done = await client.patch(
        path,
        json={"status": "resolved", "resolution": "加装门禁后连续两月无案"},
        headers={**LEADER, "If-Match": "1"},
    )
    assert (done.json()["status"], done.json()["resolved_at"] is not None) == ("resolved", True)
    overdue = await client.patch(
        path, json={"status": "overdue"}, headers={**LEADER, "If-Match": "2"}
    )
    assert overdue.status_code == 422  # the worker's to set
    reopened = await client.patch(
        path, json={"status": "open"}, headers={**LEADER, "If-Match": "2"}
    )
    assert (reopened.json()["status"], reopened.json()["resolved_at"]) == ("open", None)


async def test_measures_are_appended_date_the_start_and_are_never_changed(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    made = await _create(client)
    path = f"/v1/focus-problems/{made['id']}/measures"
    today = local_today()
    first = await client.post(
        path,
        json={"taken_on": (today - timedelta(days=3)).isoformat(), "text": "加装监控"},
        headers={**LEADER, "Idempotency-Key": "m-1"},
    )
    assert first.status_code == 201, first.text
    assert first.json()["measures_started_on"] == (today - timedelta(days=3)).isoformat()
    replay = await client.post(
        path,
        json={"taken_on": (today - timedelta(days=3)).isoformat(), "text": "加装监控"},
        headers={**LEADER, "Idempotency-Key": "m-1"},
    )
    assert replay.json() == first.json()
    second = await client.post(
        path, json={"taken_on": today.isoformat(), "text": "夜间巡逻加密"}, headers=LEADER
    )
    body = second.json()
    assert [m["text"] for m in body["measures"]] == ["加装监控", "夜间巡逻加密"]
    assert body["measures_started_on"] == (today - timedelta(days=3)).isoformat()
    assert body["version"] == 3
    future = await client.post(
        path,
        json={"taken_on": (today + timedelta(days=1)).isoformat(), "text": "计划"},
        headers=LEADER,
    )
    assert future.status_code == 422
    stale = await client.post(
        path, json={"taken_on": today.isoformat(), "text": "x"}, headers={**LEADER, "If-Match": "1"}
    )
    assert stale.status_code == 412
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text("UPDATE focus_measures SET text = 'changed'"))


async def test_delete_only_before_any_measure(client: httpx.AsyncClient) -> None:
    made = await _create(client)
    path = f"/v1/focus-problems/{made['id']}"
    await client.post(
        f"{path}/measures",
        json={"taken_on": local_today().isoformat(), "text": "走访"},
        headers=LEADER,
    )
    refused = await client.delete(path, headers={**LEADER, "If-Match": "2"})
    assert refused.status_code == 409
    other = await _create(client)
    gone = await client.delete(
        f"/v1/focus-problems/{other['id']}", headers={**LEADER, "If-Match": "1"}
    )
    assert gone.status_code == 204
    assert (
        await client.get(f"/v1/focus-problems/{other['id']}", headers=LEADER)
    ).status_code == 404


async def test_the_list_pages_by_target_date_and_filters(client: httpx.AsyncClient) -> None:
    today = local_today()
    for days in (50, 10, 30):
        await _create(
            client, title=f"{days}", target_date=(today + timedelta(days=days)).isoformat()
        )
    first = await client.get("/v1/focus-problems?limit=2", headers=LEADER)
    assert [p["title"] for p in first.json()["items"]] == ["10", "30"]
    cursor = first.json()["next_cursor"]
    rest = await client.get(f"/v1/focus-problems?limit=2&cursor={cursor}", headers=LEADER)
    assert [p["title"] for p in rest.json()["items"]] == ["50"]
    assert rest.json()["next_cursor"] is None
    resolved = await client.get("/v1/focus-problems?status=resolved", headers=LEADER)
    assert resolved.json()["items"] == []
    bad = await client.get("/v1/focus-problems?cursor=bm90LWEtY3Vyc29y", headers=LEADER)
    assert bad.status_code == 422
    outside = await client.get(f"/v1/focus-problems?area={BEIJIE}", headers=LEADER)
    assert outside.json()["items"] == []
