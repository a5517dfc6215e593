"""Synthetic assessment data for bench/assessment_round.py and bench/assessment_export.py: a
100-point scheme of 60 indicators, units over the demo town's grids and villages, a round with
its inspections, findings (some unconfirmed, some found unfixed), hand scores, bonuses, vetoes
and survey samples, loaded by COPY in a few seconds. Seeded, so every run scores the same data."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from assessment.schemes.schemas import SchemeCreate
from assessment.schemes.service import create_scheme
from pingan_shared.auth import Principal, Role
from pingan_shared.db import Database
from pingan_shared.demo_town import build_demo_town

SEED = 20261129
TOWN = "530128100"
OFFICE = Principal(sub="bench", roles=frozenset({Role.admin}), areas=(TOWN,))
INSPECTIONS_PER_UNIT = 4


def bench_scheme() -> SchemeCreate:
    """Six blocks of ten indicators: 40 of 2 points, 20 of 1 (100 in all); findings, hand
    scores and two survey rates; two indicators for markets only."""
    blocks = []
    for b, letter in enumerate("ABCDEF"):
        points = 2 if b < 4 else 1
        indicators = []
        for i in range(10):
            code = f"{letter}{i + 1}"
            rule: dict[str, Any] = {"per_fault": 0.5 * points}
            measure = "findings"
            if i == 9:
                measure, rule = "manual", {}
            if letter == "F" and i in (0, 1):
                survey = "awareness" if i == 0 else "participation"
                measure, rule = "survey", {"survey": survey, "threshold": 0.8, "per_fault": 0.1}
            indicator: dict[str, Any] = {
                "code": code,
                "name": f"指标{code}",
                "max_points": points,
                "measure": measure,
                "rule": rule,
            }
            if letter == "E" and i in (2, 3):
                indicator["applicable_kinds"] = ["market"]
            indicators.append(indicator)
        blocks.append(
            {
                "code": letter,
                "name": f"板块{letter}",
                "max_points": 10 * points,
                "cap": 15 if points == 2 else None,
                "indicators": indicators,
            }
        )
    return SchemeCreate.model_validate(
        {
            "code": "bench-danwei",
            "name": "基准测试平安单位考核细则",
            "period": "year",
            "unit_kinds": ["institution", "market"],
            "bonus_cap": 3,
            "rating_bands": [
                {"name": "优秀", "min": 90},
                {"name": "良好", "min": 80},
                {"name": "合格", "min": 60},
            ],
            "blocks": blocks,
            "bonus_items": [{"code": "X1", "name": "县级表彰", "max_points": 2}],
            "veto_conditions": [{"code": "V1", "name": "发生重大案件"}],
        }
    )


@dataclass(frozen=True)
class Loaded:
    """What was loaded: the round and how much of everything."""

    round_id: uuid.UUID
    units: int
    findings: int


async def load(url: str, units: int, findings: int) -> Loaded:
    """The scheme (through the service, validated and audited), then everything else by COPY."""
    database = Database(url, pool_size=2)
    try:
        async with database.session() as session:
            scheme = await create_scheme(session, bench_scheme(), OFFICE)
    finally:
        await database.dispose()
    rng = random.Random(SEED)
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        round_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO assessment_rounds (id, scheme_id, name, area_code, period_start,"
            " period_end, status, version, created_by) VALUES ($1, $2, '基准测试轮次', $3,"
            " '2026-01-01', '2026-12-31', 'open', 1, 'bench')",
            round_id,
            scheme.id,
            TOWN,
        )
        await conn.execute("UPDATE schemes SET locked = true WHERE id = $1", scheme.id)
        indicators = {i.code: i for b in scheme.blocks for i in b.indicators}
        unit_ids = await _units(conn, rng, units)
        await _findings(conn, rng, round_id, unit_ids, indicators, findings)
        await _extras(conn, rng, round_id, unit_ids, indicators, scheme)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return Loaded(round_id, units, findings)


async def _units(conn: asyncpg.Connection, rng: random.Random, count: int) -> list[uuid.UUID]:
    leaves = [a.code for a in build_demo_town().areas if a.level in ("grid", "village")]
    ids = [uuid.uuid4() for _ in range(count)]
    records = [
        (
            uid,
            "market" if n % 5 == 0 else "institution",
            f"基准单位{n:05d}",
            rng.choice(leaves),
            f"联系人{n}",
            f"139{n:08d}",
        )
        for n, uid in enumerate(ids)
    ]
    await conn.copy_records_to_table(
        "units",
        records=records,
        columns=("id", "kind", "name", "area_code", "contact_name", "contact_phone"),
    )
    return ids


async def _findings(
    conn: asyncpg.Connection,
    rng: random.Random,
    round_id: uuid.UUID,
    unit_ids: list[uuid.UUID],
    indicators: dict[str, Any],
    count: int,
) -> None:
    measured = [i.id for i in indicators.values() if i.measure == "findings"]
    at = datetime(2026, 6, 1, tzinfo=UTC)
    inspections = [
        (
            uuid.uuid4(),
            round_id,
            uid,
            rng.choice(("regular", "spot", "open", "covert")),
            "submitted",
            ["bench-a", "bench-b"],
            at + timedelta(hours=rng.randint(0, 4000)),
            "bench-a",
            1,
        )
        for uid in unit_ids
        for _ in range(INSPECTIONS_PER_UNIT)
    ]
    await conn.copy_records_to_table(
        "inspections",
        records=inspections,
        columns=(
            "id",
            "round_id",
            "unit_id",
            "kind",
            "status",
            "inspectors",
            "inspected_at",
            "created_by",
            "version",
        ),
    )
    finding_rows: list[tuple[Any, ...]] = []
    rectifications: list[tuple[Any, ...]] = []
    for _ in range(count):
        finding_id = uuid.uuid4()
        faults = rng.choice((1, 1, 1, 2, 3))
        confirmed = "bench-c" if rng.random() < 0.95 else None
        finding_rows.append(
            (
                finding_id,
                rng.choice(inspections)[0],
                rng.choice(measured),
                faults,
                faults * 0.5,
                "[]",
                "bench-a",
                confirmed,
            )
        )
        status = rng.choices(("closed", "unfixed", "open"), (7, 1, 2))[0]
        rectifications.append((uuid.uuid4(), finding_id, date(2026, 8, 1), status, "[]", [], 1))
    await conn.copy_records_to_table(
        "findings",
        records=finding_rows,
        columns=(
            "id",
            "inspection_id",
            "indicator_id",
            "faults",
            "deduction",
            "evidence",
            "author",
            "confirmed_by",
        ),
    )
    await conn.copy_records_to_table(
        "rectifications",
        records=rectifications,
        columns=(
            "id",
            "finding_id",
            "deadline",
            "status",
            "answer_evidence",
            "reminded",
            "version",
        ),
    )


async def _extras(
    conn: asyncpg.Connection,
    rng: random.Random,
    round_id: uuid.UUID,
    unit_ids: list[uuid.UUID],
    indicators: dict[str, Any],
    scheme: Any,
) -> None:
    manual = [i.id for i in indicators.values() if i.measure == "manual"]
    await conn.copy_records_to_table(
        "manual_scores",
        records=[
            (uuid.uuid4(), round_id, uid, rng.choice(manual), rng.choice((0.5, 1)), "bench")
            for uid in unit_ids
        ],
        columns=("id", "round_id", "unit_id", "indicator_id", "deduction", "scored_by"),
    )
    item = scheme.bonus_items[0].id
    await conn.copy_records_to_table(
        "bonus_awards",
        records=[
            (uuid.uuid4(), round_id, uid, item, 1.5, json.dumps([{"url": "https://x"}]), "bench")
            for uid in unit_ids[::20]
        ],
        columns=("id", "round_id", "unit_id", "bonus_item_id", "points", "evidence", "awarded_by"),
    )
    condition = scheme.veto_conditions[0].id
    await conn.copy_records_to_table(
        "vetoes",
        records=[
            (uuid.uuid4(), round_id, uid, condition, "基准", "confirmed", "bench")
            for uid in unit_ids[::500]
        ],
        columns=(
            "id",
            "round_id",
            "unit_id",
            "veto_condition_id",
            "reason",
            "status",
            "proposed_by",
        ),
    )
    samples = []
    for uid in unit_ids[::2]:
        asked = rng.randint(30, 120)
        aware = rng.randint(int(asked * 0.6), asked)
        samples.append(
            (
                uuid.uuid4(),
                round_id,
                uid,
                TOWN,
                date(2026, 3, 1),
                date(2026, 3, 31),
                asked,
                aware,
                rng.randint(0, asked),
                "bench",
            )
        )
    await conn.copy_records_to_table(
        "survey_samples",
        records=samples,
        columns=(
            "id",
            "round_id",
            "unit_id",
            "area_code",
            "period_start",
            "period_end",
            "n_asked",
            "n_aware",
            "n_participating",
            "recorded_by",
        ),
    )
