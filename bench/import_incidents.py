"""Import of 100,000 incidents from CSV: rows per second, against a baseline in the same run.

The baseline is asyncpg's COPY of the same rows into a bare table (no checks, no conversion):
what the database alone needs. The import itself reads the file, checks every row with the
rules of `POST /v1/incidents`, and writes them all in one transaction.

    .venv/bin/python bench/import_incidents.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

from incidents.demo import load_demo_town
from pingan_shared.db import Database
from pingan_shared.demo_town import CATEGORIES, build_demo_town
from pingan_shared.testing import migrated_database

MIGRATIONS = Path(__file__).resolve().parents[1] / "services/incidents/src/incidents/migrations"
HEADER = ["category", "description", "occurred_at", "lat", "lon", "area_code", "external_ref"]


def make_rows(count: int) -> list[list[str]]:
    """Plausible rows over the demo town's leaf areas, from a fixed seed."""
    town = build_demo_town()
    leaves = [a for a in town.areas if a.level in ("grid", "village")]
    rng = random.Random(7)
    rows = []
    for n in range(count):
        area = rng.choice(leaves)
        rows.append(
            [
                rng.choice(list(CATEGORIES)),
                "历史警情补录",
                f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 20:15",
                f"{area.lat + rng.uniform(-0.003, 0.003):.6f}",
                f"{area.lon + rng.uniform(-0.003, 0.003):.6f}",
                area.code,
                f"HIST-{n:07d}",
            ]
        )
    return rows


async def baseline(dsn: str, rows: list[list[str]]) -> float:
    """Seconds asyncpg's COPY takes for the same rows into a bare table."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE TABLE bare (category text, description text, occurred_at text,"
            " lat text, lon text, area_code text, external_ref text)"
        )
        started = time.perf_counter()
        await conn.copy_records_to_table("bare", records=[tuple(r) for r in rows])
        return time.perf_counter() - started
    finally:
        await conn.close()


async def main(count: int) -> int:
    """Build the file, time the baseline and the import, print both."""
    rows = make_rows(count)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([HEADER, *rows])
        async with migrated_database("benchimport", MIGRATIONS) as url:
            database = Database(url, pool_size=1)
            async with database.session() as session:
                await load_demo_town(session, build_demo_town())
            await database.dispose()
            bare = await baseline(url.replace("postgresql+asyncpg://", "postgresql://"), rows)
            env = {**os.environ, "INCIDENTS_DATABASE_URL": url}
            started = time.perf_counter()
            done = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "incidents", "import-incidents", str(path)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            took = time.perf_counter() - started
            if done.returncode != 0:
                print(done.stdout, done.stderr)
                return 1
    print(f"{'step':<52}{'seconds':>9}{'rows/s':>10}")
    print(f"{'baseline: asyncpg COPY into a bare table':<52}{bare:>9.1f}{count / bare:>10,.0f}")
    print(
        f"{'python -m incidents import-incidents (whole command)':<52}{took:>9.1f}{count / took:>10,.0f}"
    )
    print(done.stdout.strip())
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    sys.exit(asyncio.run(main(parser.parse_args().rows)))
