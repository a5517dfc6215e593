"""`GET /v1/incidents` with three filters (area + category + time range) over 1,000,000 incidents:
p50/p95/p99 through HTTP, against a baseline measured in the same run: the same SQL run directly
through asyncpg, no HTTP. Prints both, and the plans of the query (EXPLAIN ANALYZE, BUFFERS).

A throwaway database gets the migrations, the demo town's areas and a million synthetic
incidents (COPY, secondary indexes built after the load, then VACUUM ANALYZE); the API runs as
one uvicorn worker; requests go one at a time. Then the town's exports are streamed (CSV and
GeoJSON of a quarter, XLSX of a month) while the API's memory is watched. The database is dropped
at the end.

    .venv/bin/python bench/incident_list.py [--rows 1000000] [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx
from incident_list_data import CATEGORY_WEIGHTS, SEED, YEARS, load  # bench/, beside this file
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from incidents.listing.repository import list_query
from incidents.listing.schemas import IncidentFilters, IncidentSort
from pingan_shared.demo_town import build_demo_town
from pingan_shared.demo_town.models import DemoArea
from pingan_shared.testing import RedisServer, free_port, migrated_database
from pingan_shared.tokens import mint_token

REPO = Path(__file__).resolve().parents[1]
MIGRATIONS = REPO / "services/incidents/src/incidents/migrations"
# Export windows: (path, days of the town's incidents).
EXPORTS = (
    ("/v1/incidents/export.csv", 91),
    ("/v1/incidents/incidents.geojson", 91),
    ("/v1/incidents/export.xlsx", 30),
)
PAGE = 50


@contextmanager
def serve(args: list[str], env: dict[str, str], port: int) -> Iterator[tuple[str, int]]:
    """Run the API until the block ends; yields its base URL and pid once it is ready."""
    process = subprocess.Popen(
        args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/readyz", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


@dataclass(frozen=True)
class Sample:
    """One request's filters: an area, one or two categories, a window of 7 to 90 days."""

    area: str
    categories: tuple[str, ...]
    start: datetime
    end: datetime

    def query(self) -> str:
        """The URL query of `GET /v1/incidents`."""
        params = [("area", self.area), *[("category", c) for c in self.categories]]
        params += [("occurred_from", self.start.isoformat()), ("occurred_to", self.end.isoformat())]
        return urlencode([*params, ("limit", str(PAGE))])

    def sql(self) -> tuple[str, list[Any]]:
        """The list's own SQL (from its repository) and parameters, as asyncpg runs them."""
        filters = IncidentFilters(
            categories=self.categories, area=self.area, occurred_from=self.start,
            occurred_to=self.end,
        )  # fmt: skip
        query = list_query(filters, [self.area], IncidentSort.newest).limit(PAGE + 1)
        compiled = query.compile(
            dialect=asyncpg_dialect(),  # type: ignore[no-untyped-call]  # SQLAlchemy's own
            compile_kwargs={"render_postcompile": True},
        )
        return str(compiled), [compiled.params[name] for name in compiled.positiontup or ()]


def samples(n: int, areas: list[DemoArea], now: datetime) -> list[Sample]:
    """Varied filters: areas of every level, common and rare categories, short and long windows."""
    rng = random.Random(SEED + 1)
    by_level: dict[str, list[str]] = {}
    for area in areas:
        by_level.setdefault(area.level, []).append(area.code)
    levels, weights = ["town", "community", "village", "grid"], [15, 40, 20, 25]
    result = []
    for _ in range(n):
        code = rng.choice(by_level[rng.choices(levels, weights)[0]])
        categories = tuple(rng.sample(list(CATEGORY_WEIGHTS), rng.choice((1, 1, 1, 2))))
        length = timedelta(days=rng.randint(7, 90))
        end = now - timedelta(days=rng.uniform(0, YEARS * 365 - length.days))
        result.append(Sample(code, categories, end - length, end))
    return result


def percentiles(latencies: list[float]) -> str:
    """p50/p95/p99 (and max) in milliseconds."""
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return f"p50 {q[49]:6.2f}  p95 {q[94]:6.2f}  p99 {q[98]:6.2f}  max {max(latencies):6.2f} ms"


async def over_http(base_url: str, token: str, work: list[Sample]) -> tuple[list[float], int]:
    """Latency of each request, one at a time; and how many items came back in all."""
    latencies, items = [], 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
        for sample in work:
            started = time.perf_counter()
            response = await client.get(f"/v1/incidents?{sample.query()}")
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            items += len(response.json()["items"])
    return latencies, items


def rss(pid: int) -> int:
    """Resident memory of a process in bytes (Linux)."""
    resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


async def export(
    base_url: str, token: str, pid: int, path: str, days: int, now: datetime, base_dsn: str
) -> str:
    """Stream one export of the town's last `days`; its rate, size and the API process's peak
    memory while it ran."""
    since = now - timedelta(days=days)
    query = urlencode({"area": "530128100", "occurred_from": since.isoformat()})
    before = peak = rss(pid)
    size = 0
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=base_url, headers=headers, timeout=600) as client,
        client.stream("GET", f"{path}?{query}") as response,
    ):
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            peak = max(peak, rss(pid))
    seconds = time.perf_counter() - started
    rows = await count_rows(base_dsn, since)
    return (
        f"{path:<32}{days:>3} days {rows:>7,} rows {seconds:6.1f} s {rows / seconds:7,.0f} rows/s"
        f" {size / 2**20:6.1f} MiB; API memory {before / 2**20:.0f} → {peak / 2**20:.0f} MiB"
    )


async def direct(dsn: str, work: list[Sample]) -> tuple[list[float], int]:
    """Latency of the same query through asyncpg alone: prepared, as the app's driver does, and
    planned for each request's values, as the app asks (see `plan_for_these_values`)."""
    latencies, rows = [], 0
    conn = await asyncpg.connect(dsn, server_settings={"plan_cache_mode": "force_custom_plan"})
    try:
        for sample in work:
            sql, params = sample.sql()
            started = time.perf_counter()
            found = await conn.fetch(sql, *params)
            latencies.append((time.perf_counter() - started) * 1000)
            rows += min(len(found), PAGE)
    finally:
        await conn.close()
    return latencies, rows


async def count_rows(dsn: str, since: datetime) -> int:
    """How many incidents an export of the town since `since` holds."""
    conn = await asyncpg.connect(dsn)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM incidents WHERE occurred_at >= $1", since
        )
        return count
    finally:
        await conn.close()


async def explain(dsn: str, named: dict[str, Sample]) -> None:
    """Print the plan of each named sample as PostgreSQL ran it."""
    conn = await asyncpg.connect(dsn)
    try:
        for name, sample in named.items():
            sql, params = sample.sql()
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *params)
            print(f"\n-- {name}: {sample.query()}")
            print("\n".join(row[0] for row in plan))
    finally:
        await conn.close()


async def main(rows: int, requests: int) -> int:
    """Build the data, measure the baseline and the API, print the figures and the plans."""
    now = datetime.now(UTC)
    town = build_demo_town()
    areas = [a for a in town.areas if a.level != "county"]
    work = samples(requests + 30, areas, now)
    token = mint_token("bench", ["admin"], ["530128"])
    redis = RedisServer()
    redis.start()
    try:
        async with migrated_database("bench", MIGRATIONS) as url:
            await load(url, rows, now)
            dsn = url.replace("postgresql+asyncpg://", "postgresql://")
            await direct(dsn, work[:30])
            base_ms, base_rows = await direct(dsn, work[30:])
            port = free_port()
            env = {
                **os.environ, "PINGAN_ENV": "test", "REDIS_URL": redis.url,
                "INCIDENTS_DATABASE_URL": url, "INCIDENTS_PORT": str(port),
                "PINGAN_LOG_LEVEL": "WARNING",
            }  # fmt: skip
            with serve([sys.executable, "-m", "incidents", "api"], env, port) as (server, pid):
                await over_http(server, token, work[:30])
                http_ms, items = await over_http(server, token, work[30:])
                exports = [
                    await export(server, token, pid, path, days, now, dsn) for path, days in EXPORTS
                ]
            load_1m = os.getloadavg()[0]
            print(f"\n{requests} requests, area + category + time range, {PAGE} per page")
            print(f"(machine load average over the last minute: {load_1m:.2f})")
            print(f"baseline: asyncpg, same SQL   {percentiles(base_ms)}  ({base_rows} rows)")
            print(f"GET /v1/incidents (HTTP)      {percentiles(http_ms)}  ({items} items)")
            print("\nexports of the whole town, streamed")
            print("\n".join(exports))
            by_level = {a.code: a.level for a in areas}
            named = {}
            for level in ("town", "community", "village", "grid"):
                named[level] = next(s for s in work if by_level[s.area] == level)
            named["rare category in a village"] = Sample(
                "530128100207", ("drugs",), now - timedelta(days=90), now
            )
            named["two categories in a community"] = Sample(
                "530128100001", ("burglary", "robbery"), now - timedelta(days=90), now
            )
            await explain(dsn, named)
    finally:
        redis.stop()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.rows, arguments.requests)))
