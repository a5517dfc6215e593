"""The ranking of a round as XLSX: `GET /v1/rounds/{id}/ranking.xlsx` for 10,000 units, through
the app in-process (auth, the ranking query in batches, openpyxl's write-only workbook, the
streamed answer), with the memory it takes at 2,500 and at 10,000 units.

Each size gets a throwaway database with a seeded round (bench/assessment_round_data.py, few
findings: the export reads scores), computed once. Memory is the peak of Python's allocations
(tracemalloc) during one export, in a pass of its own since tracing slows the code down.

    .venv/bin/python bench/assessment_export.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import asyncpg
import httpx
from openpyxl import Workbook
from pydantic import SecretStr

import assessment
from assessment.clients.incidents import IncidentsClient
from assessment.config import AssessmentSettings
from assessment.main import create_app
from assessment.rounds.compute import compute_round
from pingan_shared.db import Database
from pingan_shared.testing import asgi_client, bearer
from pingan_shared.testing.databases import migrated_database

sys.path.insert(0, str(Path(__file__).parent))
from assessment_round_data import OFFICE, TOWN, load

MIGRATIONS = Path(assessment.__file__).parent / "migrations"
SECRET = "bench-assessment-export-secret-0123456789"  # noqa: S105 - a throwaway database's
SIZES = (("assessmentexporta", 2_500), ("assessmentexportb", 10_000))


async def export(client: httpx.AsyncClient, path: str) -> int:
    """One export read to its end; its size in bytes."""
    size = 0
    headers = bearer("admin", areas=[TOWN], secret=SECRET)
    async with client.stream("GET", path, headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        async for chunk in response.aiter_bytes():
            size += len(chunk)
    return size


async def measure(name: str, units: int, runs: int) -> None:
    async with migrated_database(name, MIGRATIONS) as url:
        loaded = await load(url, units, units * 2)
        database = Database(url, pool_size=2)
        # Never asked: the bench scheme measures nothing through incidents.
        incidents = IncidentsClient(httpx.AsyncClient(base_url="http://127.0.0.1:9"))
        try:
            await compute_round(database, incidents, OFFICE, loaded.round_id)
        finally:
            await incidents.aclose()
            await database.dispose()
        settings = AssessmentSettings(
            database_url=url,
            environment="test",
            log_json=False,
            log_level="WARNING",
            jwt_secret=SecretStr(SECRET),
        )
        path = f"/v1/rounds/{loaded.round_id}/ranking.xlsx"
        async with asgi_client(create_app(settings)) as (_, client):
            await export(client, path)  # warm up: connections, imports
            times, size = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                size = await export(client, path)
                times.append(time.perf_counter() - started)
            tracemalloc.start()
            await export(client, path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rows = await rows_of(url, loaded.round_id)
        baseline = plain_workbook(rows)
        print(
            f"{units:>6,} units: median {statistics.median(times):.2f} s, best {min(times):.2f} s,"
            f" {size / 1e6:.2f} MB, peak Python memory {peak / 1e6:.1f} MB;"
            f" baseline (openpyxl alone, {len(rows):,} rows in memory): {baseline:.2f} s"
        )


async def rows_of(url: str, round_id: object) -> list[list[object]]:
    """The ranking's rows as the export writes them, read in one query."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        records = await conn.fetch(
            "SELECT s.rank, u.name, u.kind::text, u.area_code, left(u.area_code, 12),"
            " (s.details->>'score')::numeric, s.bonus, s.total, s.rating, s.vetoed,"
            " (s.details->>'rank_in_round')::int, s.unit_id::text"
            " FROM unit_scores s JOIN units u ON u.id = s.unit_id WHERE s.round_id = $1",
            round_id,
        )
    finally:
        await conn.close()
    return [list(r) for r in records]


def plain_workbook(rows: list[list[object]]) -> float:
    """Seconds openpyxl's write-only mode takes for the same rows, nothing else around it."""
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ranking")
    for row in rows:
        sheet.append(row)
    workbook.save(io.BytesIO())
    return time.perf_counter() - started


async def main(runs: int) -> None:
    print(f"load average before: {' '.join(str(x) for x in os.getloadavg())}")
    for name, units in SIZES:
        await measure(name, units, runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
