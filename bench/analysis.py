"""Breakdown, times and hot spots over 1,000,000 incidents of one town: p50 of several runs of
each, called in-process (service functions, SQL included) and through HTTP, with the Python heap
peak of each call (tracemalloc) and the API process's resident memory while it answers. The
baseline, measured in the same run: a plain `count(*)` of the rows the answers read.

A throwaway database gets the migrations, the demo town's areas and a million synthetic incidents
(bench/incident_list_data.py's COPY loader), then places, occurrence windows and suspects
(bench/analysis_data.py). Three periods: all three years (every incident), the last year
(compared with the year before: two years of rows scanned) and the last 35 days (memory should
not grow with the rows). The database is dropped at the end.

    .venv/bin/python bench/analysis.py [--rows 1000000] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from analysis_data import enrich  # bench/, beside this file
from incident_list import rss, serve
from incident_list_data import load
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from incidents.analysis import service, service_spatial
from incidents.analysis.filters import AnalysisFilters, Period, conditions
from incidents.analysis.repository import prepare, spanning
from incidents.analysis.service import comparison_periods
from incidents.areas.models import Area
from pingan_shared.testing import RedisServer, free_port, migrated_database
from pingan_shared.tokens import mint_token

REPO = Path(__file__).resolve().parents[1]
MIGRATIONS = REPO / "services/incidents/src/incidents/migrations"
TOWN = "530128100"
BASELINE = "baseline: count(*)"
Call = Callable[[AsyncSession, AnalysisFilters, Area], Awaitable[Any]]


async def _hot_spots(session: AsyncSession, filters: AnalysisFilters, area: Area) -> Any:
    return await service_spatial.hot_spot_analysis(
        session, filters, area, resolution=9, rings=1, permutations=99, alpha=0.05, seed=0,
        predict=False,
    )  # fmt: skip


CALLS: dict[str, tuple[Call, str]] = {
    "breakdown": (service.breakdown, "/v1/analysis/breakdown"),
    "times": (service.times, "/v1/analysis/times"),
    "hot spots (res 9)": (_hot_spots, "/v1/analysis/hot-spots"),
}


def p50(seconds: list[float]) -> float:
    """The median, in milliseconds."""
    return statistics.median(seconds) * 1000


async def baseline(session: AsyncSession, filters: AnalysisFilters, area: Area) -> int:
    """What any answer must pay: `count(*)` of the incidents it reads (the breakdown's three
    periods), with the same WHERE and settings, no grouping."""
    periods = comparison_periods(filters.period)
    query = select(func.count()).where(*conditions(spanning(filters, periods)))
    await prepare(session)
    return int((await session.execute(query)).scalar_one())


async def in_process(url: str, filters: AnalysisFilters, runs: int) -> dict[str, tuple[float, int]]:
    """p50 milliseconds and the Python heap peak (bytes, one more run under tracemalloc) of
    the baseline and each call, each run in its own session as a request would be."""
    engine = create_async_engine(url)
    figures = {}
    calls: dict[str, Call] = {BASELINE: baseline} | {k: call for k, (call, _) in CALLS.items()}
    try:
        for name, call in calls.items():
            seconds = []
            for _ in range(runs + 1):  # the first run warms caches and is not counted
                async with AsyncSession(engine) as session:
                    area = await session.get(Area, filters.area)
                    assert area is not None
                    started = time.perf_counter()
                    await call(session, filters, area)
                    seconds.append(time.perf_counter() - started)
            async with AsyncSession(engine) as session:
                area = await session.get(Area, filters.area)
                assert area is not None
                tracemalloc.start()
                await call(session, filters, area)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            figures[name] = (p50(seconds[1:]), peak)
    finally:
        await engine.dispose()
    return figures


class PeakMemory:
    """Samples a process's resident memory every 5 ms in a thread, keeping the highest."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, rss(pid), threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss(self.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def over_http(
    base_url: str, pid: int, filters: AnalysisFilters, runs: int
) -> dict[str, tuple[float, int, int]]:
    """p50 milliseconds of each route, and the API's resident memory before and at its peak."""
    token = mint_token("bench", ["admin"], ["530128"])
    query = urlencode(
        {"area": filters.area, "from": filters.period.start.isoformat(),
         "to": filters.period.end.isoformat()}
    )  # fmt: skip
    figures = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120) as client:
        for name, (_, path) in CALLS.items():
            (await client.get(f"{path}?{query}")).raise_for_status()
            before, seconds = rss(pid), []
            with PeakMemory(pid) as memory:
                for _ in range(runs):
                    started = time.perf_counter()
                    response = await client.get(f"{path}?{query}")
                    seconds.append(time.perf_counter() - started)
                    response.raise_for_status()
            figures[name] = (p50(seconds), before, memory.peak)
    return figures


def mib(size: int) -> str:
    """Bytes as MiB."""
    return f"{size / 2**20:.1f} MiB"


async def main(rows: int, runs: int) -> int:
    """Load, enrich, measure and print."""
    now = datetime.now(UTC)
    periods = {
        "all three years (every incident)": Period(now - timedelta(days=3 * 365 + 1), now),
        "last 365 days (+ the year before)": Period(now - timedelta(days=365), now),
        "last 35 days (+ the 35 before)": Period(now - timedelta(days=35), now),
    }
    redis = RedisServer()
    redis.start()
    try:
        async with migrated_database("analysis", MIGRATIONS) as url:
            await load(url, rows, now)
            await enrich(url.replace("postgresql+asyncpg://", "postgresql://"))
            port = free_port()
            env = {
                **os.environ, "PINGAN_ENV": "test", "REDIS_URL": redis.url,
                "INCIDENTS_DATABASE_URL": url, "INCIDENTS_PORT": str(port),
                "PINGAN_LOG_LEVEL": "WARNING",
            }  # fmt: skip
            print(f"\n.venv/bin/python bench/analysis.py --rows {rows} --runs {runs}")
            print(f"{rows:,} incidents in the town {TOWN}; p50 of {runs} runs each")
            print(f"(machine load average over the last minute: {os.getloadavg()[0]:.2f})")
            for label, period in periods.items():
                filters = AnalysisFilters(area=TOWN, period=period)
                local = await in_process(url, filters, runs)
                with serve([sys.executable, "-m", "incidents", "api"], env, port) as (base, pid):
                    http = await over_http(base, pid, filters, runs)
                print(f"\n{label}")
                print(f"{'':<20}{'in-process':>12}{'heap peak':>12}{'HTTP':>12}  API memory")
                ms, heap = local[BASELINE]
                print(f"{BASELINE:<20}{ms:>9.0f} ms{mib(heap):>12}")
                for name in CALLS:
                    ms, heap = local[name]
                    http_ms, before, peak = http[name]
                    print(
                        f"{name:<20}{ms:>9.0f} ms{mib(heap):>12}{http_ms:>9.0f} ms"
                        f"  {mib(before)} → {mib(peak)}"
                    )
    finally:
        redis.stop()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.rows, arguments.runs)))
