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
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import httpx
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
        print(
            f"{units:>6,} units: median {statistics.median(times):.2f} s, best {min(times):.2f} s,"
            f" {size / 1e6:.2f} MB, peak Python memory {peak / 1e6:.1f} MB"
        )


async def main(runs: int) -> None:
    for name, units in SIZES:
        await measure(name, units, runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
