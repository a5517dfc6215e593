"""Test data of the inspection tests: a scheme with findings indicators, an open round over the
county, units, tokens for two inspectors and two office staff, and recording helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.models import AuditEntry
from assessment.inspections.rules import local_today
from assessment.rounds.models import AssessmentRound, RoundStatus
from assessment.schemes.models import Indicator, Measure, Scheme, SchemeBlock
from assessment.tables import infrastructure

from .factories import BEIJIE, COUNTY, NANJIE, auth, create_unit

INSPECTOR_A = auth("inspector", sub="insp-a")
INSPECTOR_B = auth("inspector", sub="insp-b")
INSPECTOR_C = auth("inspector", sub="insp-c")
OFFICE = auth("admin", sub="office-1")
OFFICE_2 = auth("admin", sub="office-2")
LEADER = auth("leader", sub="leader-1")
SHA = "ab" * 32


@dataclass
class World:
    """What a test inspects: the round, its indicators by code, and units by name."""

    scheme_id: uuid.UUID
    round_id: uuid.UUID
    indicators: dict[str, uuid.UUID]
    units: dict[str, dict[str, Any]] = field(default_factory=dict)

    def unit_token(self, name: str) -> dict[str, str]:
        """The token of a unit's contact person."""
        return auth("unit", unit_id=self.units[name]["id"], sub=f"contact-{name}")


async def add_scheme(
    session: AsyncSession, kinds: list[str]
) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """A scheme with four indicators: G1 (2 a fault, max 5), G2 (1 a fault, max 10, compounds
    only), G3 (3 a fault, max 5, no stop at zero) and I1 (measured by incidents)."""
    scheme = Scheme(
        code=f"t-{uuid.uuid4().hex[:8]}",
        name="平安单位考核方案",
        period="year",
        unit_kinds=kinds,
        rating_bands=[{"name": "合格", "min": 60}],
    )
    session.add(scheme)
    await session.flush()
    block = SchemeBlock(scheme_id=scheme.id, code="A", name="基础工作", max_points=Decimal(30))
    session.add(block)
    await session.flush()
    specs: list[tuple[str, Measure, int, dict[str, Any], list[str] | None]] = [
        ("G1", Measure.findings, 5, {"per_fault": 2}, None),
        ("G2", Measure.findings, 10, {"per_fault": "1"}, ["residential_compound"]),
        ("G3", Measure.findings, 5, {"per_fault": 3, "stop_at_zero": False}, None),
        ("I1", Measure.incidents, 10, {"per_fault": 1, "categories": ["theft"]}, None),
    ]
    indicators: dict[str, uuid.UUID] = {}
    for code, measure, points, rule, kinds_only in specs:
        indicator = Indicator(
            scheme_id=scheme.id,
            block_id=block.id,
            code=code,
            name=f"指标{code}",
            max_points=Decimal(points),
            measure=measure,
            rule=rule,
            applicable_kinds=kinds_only,
        )
        session.add(indicator)
        await session.flush()
        indicators[code] = indicator.id
    return scheme.id, indicators


async def add_round(
    session: AsyncSession, scheme_id: uuid.UUID, area: str = COUNTY, status: str = "open"
) -> uuid.UUID:
    """An assessment round of the scheme over `area`, this year."""
    today = local_today()
    assessment_round = AssessmentRound(
        scheme_id=scheme_id,
        name="年度考核",
        area_code=area,
        period_start=date(today.year, 1, 1),
        period_end=date(today.year, 12, 31),
        status=RoundStatus(status),
        created_by="office-1",
    )
    session.add(assessment_round)
    await session.flush()
    return assessment_round.id


async def make_world(session: AsyncSession, client: httpx.AsyncClient) -> World:
    """A round over the county and four units: a school and a compound in the Nanjie grid, a
    market in Beijie (not assessed by the scheme), and the Nanjie community committee."""
    scheme_id, indicators = await add_scheme(session, ["campus", "residential_compound"])
    world = World(scheme_id, await add_round(session, scheme_id), indicators)
    world.units["school"] = await create_unit(client)
    world.units["compound"] = await create_unit(
        client, kind="residential_compound", name="南街花园小区"
    )
    world.units["market"] = await create_unit(
        client, kind="market", name="北街农贸市场", area_code=BEIJIE
    )
    world.units["committee"] = await create_unit(
        client,
        kind="community",
        name="南街社区居委会",
        area_code=NANJIE,
        contact={"name": "王主任", "phone": "13900001111", "wecom_user_id": "wangzr"},
    )
    return world


def inspection_body(world: World, **overrides: Any) -> dict[str, Any]:
    """A valid open inspection of the school by inspector A, with overrides."""
    body: dict[str, Any] = {
        "round_id": str(world.round_id),
        "unit_id": world.units["school"]["id"],
        "kind": "open",
        "inspectors": ["insp-a"],
        "inspected_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "location": {"lat": 25.5561, "lon": 102.4682},
        "notes": "门卫室值班记录不全",
    }
    body.update(overrides)
    return body


async def record(
    client: httpx.AsyncClient,
    world: World,
    *,
    findings: tuple[tuple[str, int], ...] = (("G1", 1),),
    submit: bool = True,
    headers: dict[str, str] = INSPECTOR_A,
    **overrides: Any,
) -> dict[str, Any]:
    """Record an inspection with findings (indicator code, faults), submitted unless told not."""
    response = await client.post(
        "/v1/inspections", json=inspection_body(world, **overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    inspection: dict[str, Any] = response.json()
    for code, faults in findings:
        body = {
            "indicator_id": str(world.indicators[code]),
            "faults": faults,
            "evidence": [{"url": "https://files.example.cn/a.jpg", "sha256": SHA}],
        }
        added = await client.post(
            f"/v1/inspections/{inspection['id']}/findings", json=body, headers=headers
        )
        assert added.status_code == 201, added.text
    if submit:
        read = await client.get(f"/v1/inspections/{inspection['id']}", headers=headers)
        submitted = await client.post(
            f"/v1/inspections/{inspection['id']}/submit",
            headers={**headers, "If-Match": read.headers["ETag"]},
        )
        assert submitted.status_code == 200, submitted.text
        inspection = submitted.json()
    else:
        inspection = (
            await client.get(f"/v1/inspections/{inspection['id']}", headers=headers)
        ).json()
    return inspection


async def confirm(
    client: httpx.AsyncClient, finding_id: str, days: int = 14, headers: dict[str, str] = OFFICE
) -> httpx.Response:
    """Confirm a finding as the office with a deadline `days` from today."""
    deadline = (local_today() + timedelta(days=days)).isoformat()
    return await client.post(
        f"/v1/findings/{finding_id}/confirm",
        json={"rectification_deadline": deadline},
        headers=headers,
    )


async def messages(session: AsyncSession) -> list[dict[str, Any]]:
    """The `send_message` payloads in the outbox, oldest first."""
    table = infrastructure.outbox
    query = (
        select(table.c.payload).where(table.c.job == "send_message").order_by(table.c.created_at)
    )
    return [dict(p) for p in (await session.execute(query)).scalars()]


async def audit_entries(
    session: AsyncSession, *, entity_id: str | None = None, action: str | None = None
) -> list[AuditEntry]:
    """Audit entries about one entity, or of one action, in chain order."""
    query = select(AuditEntry).order_by(col(AuditEntry.id))
    if entity_id is not None:
        query = query.where(col(AuditEntry.entity_id) == entity_id)
    if action is not None:
        query = query.where(col(AuditEntry.action) == action)
    return list((await session.execute(query)).scalars())
