"""Synthetic incidents for bench/incident_list.py: a million rows over the demo town's areas in
seconds (COPY; secondary indexes dropped for the load and built again after it)."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from pingan_shared.demo_town import CATEGORIES, build_demo_town
from pingan_shared.demo_town.models import DemoArea

YEARS = 3
SEED = 20261128
CATEGORY_WEIGHTS = {
    "theft": 25, "burglary": 8, "robbery": 3, "fraud": 12, "fight": 8, "dispute": 15,
    "harassment": 6, "drugs": 2, "gambling": 3, "traffic": 8, "fire_hazard": 4,
    "public_order": 4, "other": 2,
}  # fmt: skip
COLUMNS = (
    "id", "category", "severity", "status", "title", "description", "occurred_at", "lat", "lon",
    "address", "area_code", "reporter_name", "reporter_phone", "anonymous", "source",
    "reported_by", "version", "created_at", "updated_at",
)  # fmt: skip
DONE = ("closed", "closed", "closed", "closed", "resolved", "rejected", "merged")
OPEN = ("reported", "accepted", "dispatched", "in_progress", "resolved", "closed")
PLACES = ("楼下", "小区门口", "菜市场", "学校附近", "车站", "商铺", "村道", "家中")


def synthetic(n: int, leaves: list[DemoArea], now: datetime) -> Iterator[tuple[Any, ...]]:
    """`n` incidents over the last YEARS years, in the leaf areas, weighted by population."""
    rng = random.Random(SEED)
    span = YEARS * 365 * 86400
    codes = list(CATEGORY_WEIGHTS)
    categories = rng.choices(codes, weights=list(CATEGORY_WEIGHTS.values()), k=n)
    areas = rng.choices(leaves, weights=[a.population for a in leaves], k=n)
    for category, area in zip(categories, areas, strict=True):
        age = rng.random() * span
        occurred = now - timedelta(seconds=age)
        created = occurred + timedelta(minutes=rng.randint(5, 600))
        name, severity = CATEGORIES[category]
        anonymous = rng.random() < 0.3
        yield (
            uuid.uuid4(),
            category,
            severity,
            rng.choice(DONE if age > 30 * 86400 else OPEN),
            f"{area.name}{name}",
            f"{rng.choice(PLACES)}发生{name},编号{rng.randint(1, 99999)}",
            occurred,
            area.lat + rng.uniform(-0.003, 0.003),
            area.lon + rng.uniform(-0.003, 0.003),
            f"{area.name}{rng.randint(1, 200)}号",
            area.code,
            None if anonymous else "张三",
            None if anonymous else f"13{rng.randint(0, 999_999_999):09d}",
            anonymous,
            "resident",
            "bench",
            1,
            created,
            created + timedelta(hours=rng.randint(0, 72)),
        )


async def load(url: str, rows: int, now: datetime) -> None:
    """Areas of the demo town, then `rows` incidents by COPY; indexes rebuilt after the load."""
    town = build_demo_town()
    leaves = [a for a in town.areas if a.level in ("grid", "village")]
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.executemany(
            "INSERT INTO areas (code, name, level, parent_code, lat, lon, population) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (a.code, a.name, a.level, a.parent_code, a.lat, a.lon, a.population)
                for a in sorted(town.areas, key=lambda a: len(a.code))
            ],
        )
        indexes = await conn.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'incidents' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        # Generated rows reference existing areas and categories: skip the per-row FK checks.
        await conn.execute("SET session_replication_role = replica")
        started = time.perf_counter()
        await conn.copy_records_to_table(
            "incidents", records=synthetic(rows, leaves, now), columns=COLUMNS
        )
        copied = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '256MB'")
        for index in indexes:
            await conn.execute(index["indexdef"])
        await conn.execute("VACUUM (ANALYZE) incidents")
        done = time.perf_counter()
        print(
            f"loaded {rows:,} incidents: COPY {copied - started:.1f} s, "
            f"{len(indexes)} indexes + VACUUM ANALYZE {done - copied:.1f} s"
        )
    finally:
        await conn.close()
