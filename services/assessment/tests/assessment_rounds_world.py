"""A small assessed world for the scheme, round and bulletin tests: a 100-point scheme, units in
the fake incidents' grid under their community committee, a round, findings and surveys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.models import Finding, Inspection, Rectification
from assessment.surveys.models import SurveySample

from .factories import ADMIN, NANJIE, NANJIE_GRID, create_unit

BANDS = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60}]


def scheme_body(**overrides: Any) -> dict[str, Any]:
    """A valid scheme: A (findings 20 at 2 a fault, manual 20), B (incidents 30, 1 each theft
    or fraud, capped at 10), C (awareness 20 at ≥ 90 %, market-only findings 10 at 5 a fault)."""
    body: dict[str, Any] = {
        "code": "test-campus",
        "name": "测试平安校园考核细则",
        "period": "year",
        "unit_kinds": ["campus", "market"],
        "bonus_cap": 3,
        "rating_bands": [dict(b) for b in BANDS],
        "blocks": [
            {"code": "A", "name": "一、安全防范", "max_points": 40, "indicators": [
                {"code": "A1", "name": "门卫值守和来访登记", "max_points": 20,
                 "measure": "findings", "rule": {"per_fault": 2}},
                {"code": "A2", "name": "组织领导", "max_points": 20, "measure": "manual"},
            ]},
            {"code": "B", "name": "二、治安状况", "max_points": 30, "cap": 10, "indicators": [
                {"code": "B1", "name": "侵财案件", "max_points": 30, "measure": "incidents",
                 "rule": {"per_fault": 1, "categories": ["theft", "fraud"]}},
            ]},
            {"code": "C", "name": "三、宣传与秩序", "max_points": 30, "indicators": [
                {"code": "C1", "name": "师生知晓率不低于90%", "max_points": 20, "measure": "survey",
                 "rule": {"per_fault": 0.5, "survey": "awareness", "threshold": 0.9}},
                {"code": "C2", "name": "市场经营秩序", "max_points": 10, "measure": "findings",
                 "rule": {"per_fault": 5}, "applicable_kinds": ["market"]},
            ]},
        ],
        "bonus_items": [{"code": "X1", "name": "获县级以上表彰", "max_points": 2}],
        "veto_conditions": [
            {"code": "V1", "name": "发生重大刑事案件", "incident_categories": ["robbery"]},
            {"code": "V2", "name": "弄虚作假"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def indicator_ids(scheme: dict[str, Any]) -> dict[str, str]:
    """The scheme's indicator ids by code."""
    found: dict[str, str] = {}

    def walk(block: dict[str, Any]) -> None:
        for indicator in block["indicators"]:
            found[indicator["code"]] = indicator["id"]
        for child in block["blocks"]:
            walk(child)

    for block in scheme["blocks"]:
        walk(block)
    return found


async def create_scheme(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a scheme as the office and return it."""
    response = await client.post("/v1/schemes", json=scheme_body(**overrides), headers=ADMIN)
    assert response.status_code == 201, response.text
    scheme: dict[str, Any] = response.json()
    return scheme


@dataclass
class World:
    """The scheme, units and round of a test."""

    scheme: dict[str, Any]
    indicators: dict[str, str]
    committee: dict[str, Any]
    units: dict[str, dict[str, Any]]
    round: dict[str, Any]

    @property
    def round_id(self) -> str:
        """The round's id."""
        return str(self.round["id"])

    def unit_id(self, key: str) -> str:
        """A unit's id by its key in `units`."""
        return str(self.units[key]["id"])


async def build_world(client: httpx.AsyncClient) -> World:
    """Two campuses and a market in 南街 grid one under 南街社区居委会, a round over 南街."""
    scheme = await create_scheme(client)
    committee = await create_unit(
        client, kind="community", name="南街社区居民委员会", area_code=NANJIE,
        contact={"name": "王主任", "phone": "13900000001", "wecom_user_id": "wangzr"},
    )  # fmt: skip
    units = {}
    for key, kind, name, phone in (
        ("school", "campus", "屏山镇第一小学", "13900000011"),
        ("middle", "campus", "禄劝县第二中学", "13900000012"),
        ("market", "market", "南街农贸市场", "13900000013"),
    ):
        units[key] = await create_unit(
            client, kind=kind, name=name, area_code=NANJIE_GRID, parent_unit_id=committee["id"],
            contact={"name": f"{name}联系人", "phone": phone},
        )  # fmt: skip
    response = await client.post(
        "/v1/rounds",
        json={"scheme_id": scheme["id"], "name": "2026年度南街平安创建考核", "area_code": NANJIE,
              "period_start": "2026-01-01", "period_end": "2026-12-31"},
        headers=ADMIN,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return World(scheme, indicator_ids(scheme), committee, units, response.json())


async def add_finding(
    session: AsyncSession,
    world: World,
    unit: str,
    indicator: str,
    faults: int = 1,
    *,
    confirmed: bool = True,
    unfixed: bool = False,
    kind: str = "open",
) -> uuid.UUID:
    """A submitted inspection of the unit with one finding (and its rectification)."""
    inspection = Inspection(
        round_id=uuid.UUID(world.round_id),
        unit_id=uuid.UUID(world.unit_id(unit)),
        kind=kind,
        status="submitted",
        inspectors=["inspector-li"],
        inspected_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
        created_by="inspector-li",
    )
    session.add(inspection)
    await session.flush()
    finding = Finding(
        inspection_id=inspection.id,
        indicator_id=uuid.UUID(world.indicators[indicator]),
        faults=faults,
        deduction=Decimal(faults),
        author="inspector-li",
        confirmed_by="inspector-zhao" if confirmed else None,
    )
    session.add(finding)
    await session.flush()
    status = "unfixed" if unfixed else "open"
    session.add(Rectification(finding_id=finding.id, deadline=date(2026, 7, 1), status=status))
    await session.flush()
    return finding.id


async def add_survey(
    session: AsyncSession, world: World, unit: str | None, asked: int, aware: int
) -> uuid.UUID:
    """A survey sample of a unit (or, with None, of the grid) in the round."""
    sample = SurveySample(
        round_id=uuid.UUID(world.round_id),
        unit_id=uuid.UUID(world.unit_id(unit)) if unit else None,
        area_code=NANJIE_GRID,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        n_asked=asked,
        n_aware=aware,
        n_participating=0,
        recorded_by="surveyor",
    )
    session.add(sample)
    await session.flush()
    return sample.id
