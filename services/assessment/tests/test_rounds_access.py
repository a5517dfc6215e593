"""The role matrix of every round route: each role's answer where the round's state allows the
call, so a 403 can only come from the gate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from .assessment_rounds_world import World, build_world
from .factories import ADMIN, NANJIE, auth

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
READERS = frozenset({"admin", "leader", "inspector", "unit", "service"})
OFFICE = frozenset({"admin"})
OFFICE_TWO = auth("admin", sub="office-two")


@dataclass(frozen=True)
class Call:
    """A route, who passes its gate, and what they get when the state allows the call."""

    method: str
    path: str
    allowed: frozenset[str]
    ok: int
    body: Callable[[World], Any] | None = None
    published: bool = False


def manual(w: World) -> dict[str, Any]:
    return {"unit_id": w.unit_id("school"), "indicator_id": w.indicators["A2"], "deduction": 1}


def bonus(w: World) -> dict[str, Any]:
    item = w.scheme["bonus_items"][0]["id"]
    evidence = [{"url": "https://example.org/award.pdf", "sha256": "a" * 64}]
    return {"unit_id": w.unit_id("school"), "bonus_item_id": item, "points": 1,
            "evidence": evidence}  # fmt: skip


def veto(w: World) -> dict[str, Any]:
    condition = w.scheme["veto_conditions"][1]["id"]
    return {"unit_id": w.unit_id("school"), "veto_condition_id": condition, "reason": "弄虚作假"}


def incident(w: World) -> dict[str, Any]:
    return {"incident_id": "INC-1", "unit_id": w.unit_id("school"), "category": "robbery",
            "occurred_at": "2026-05-01T10:00:00+08:00", "summary": "校门口发生抢劫"}  # fmt: skip


def new_round(w: World) -> dict[str, Any]:
    return {"scheme_id": w.scheme["id"], "name": "第二轮", "area_code": NANJIE,
            "period_start": "2026-01-01", "period_end": "2026-06-30"}  # fmt: skip


R = "/v1/rounds/{round}"
CALLS = [
    Call("POST", "/v1/rounds", OFFICE, 201, new_round),
    Call("GET", "/v1/rounds", READERS, 200),
    Call("GET", R, READERS, 200),
    Call("POST", R + "/compute", OFFICE, 200),
    Call("POST", R + "/publish", OFFICE, 201, lambda w: {}),
    Call("POST", R + "/corrections", OFFICE, 201, lambda w: {"reason": "复核更正"}, True),
    Call("PUT", R + "/manual-scores", frozenset({"admin", "inspector"}), 200, manual),
    Call("GET", R + "/manual-scores", frozenset({"admin", "inspector"}), 200),
    Call("POST", R + "/bonus-awards", OFFICE, 201, bonus),
    Call("GET", R + "/bonus-awards", READERS, 200),
    Call("POST", R + "/vetoes", frozenset({"admin", "leader", "inspector"}), 201, veto),
    Call("GET", R + "/vetoes", READERS, 200),
    Call("POST", R + "/vetoes/{veto}/decision", OFFICE, 200,
         lambda w: {"decision": "rejected", "reason": "证据不足"}),
    Call("POST", "/v1/vetoes/from-incident", frozenset({"admin", "service"}), 200, incident),
    Call("GET", R + "/scores", READERS, 200, published=True),
    Call("GET", R + "/scores/{school}", READERS, 200, published=True),
    Call("GET", R + "/ranking.xlsx", READERS, 200, published=True),
    Call("GET", R + "/ranking.png", READERS, 200, published=True),
    Call("GET", R + "/bulletins", READERS, 200, published=True),
    Call("GET", R + "/bulletins/1", READERS, 200, published=True),
    Call("GET", R + "/bulletins/1.docx", READERS, 200, published=True),
]  # fmt: skip


async def arrange(client: httpx.AsyncClient, call: Call) -> tuple[World, str]:
    world = await build_world(client)
    proposed = await client.post(
        f"/v1/rounds/{world.round_id}/vetoes", json=veto(world), headers=OFFICE_TWO
    )
    assert proposed.status_code == 201, proposed.text
    if call.published:
        published = await client.post(
            f"/v1/rounds/{world.round_id}/publish", json={}, headers=ADMIN
        )
        assert published.status_code == 201, published.text
    path = call.path.format(
        round=world.round_id, veto=proposed.json()["id"], school=world.unit_id("school")
    )
    return world, path


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method} {c.path}")
async def test_route_by_role(client: httpx.AsyncClient, call: Call, role: str) -> None:
    world, path = await arrange(client, call)
    headers = auth(role, unit_id=world.unit_id("school"))
    body = call.body(world) if call.body else None
    response = await client.request(call.method, path, json=body, headers=headers)
    expected = call.ok if role in call.allowed else 403
    assert response.status_code == expected, response.text


@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method} {c.path}")
async def test_route_without_a_token(client: httpx.AsyncClient, call: Call) -> None:
    world, path = await arrange(client, call)
    body = call.body(world) if call.body else None
    assert (await client.request(call.method, path, json=body)).status_code == 401
