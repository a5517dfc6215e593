"""Intake throughput and latency: `POST /v1/incidents` with an Idempotency-Key, against a baseline.

The baseline, measured in the same run on the same database server, is a bare FastAPI + asyncpg
route that inserts one row (`bench/baseline_insert_app.py`). Each server runs as one uvicorn
worker; wrk (Debian package `wrk`) drives them with 64 connections for the peak, then paces
requests at half the measured peak for the latency figures.

    .venv/bin/python bench/intake.py [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from incidents.demo import load_demo_town
from pingan_shared.db import Database
from pingan_shared.demo_town import build_demo_town
from pingan_shared.testing import RedisServer, free_port, migrated_database
from pingan_shared.tokens import mint_token

REPO = Path(__file__).resolve().parents[1]
MIGRATIONS = REPO / "services/incidents/src/incidents/migrations"
LUA = Path(__file__).with_name("intake.wrk.lua")
RESULT = re.compile(r"RESULT rps=([\d.]+) p50=([\d.]+) p99=([\d.]+) errors=(\d+) non2xx=(\d+)")


@contextmanager
def serve(args: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    """Run a server process until the block ends; yields its base URL once it answers."""
    process = subprocess.Popen(
        args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/docs", timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def wrk(
    url: str, seconds: int, connections: int, token: str, delay_ms: float = 0
) -> dict[str, float]:
    """Run wrk once; return rps, p50 and p99 (ms), errors and non-2xx answers."""
    env = {**os.environ, "PINGAN_TOKEN": token, "PINGAN_DELAY_MS": str(delay_ms)}
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA), url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    match = RESULT.search(done.stdout)
    if match is None:
        raise RuntimeError(done.stdout + done.stderr)
    rps, p50, p99, errors, non2xx = (float(g) for g in match.groups())
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "non2xx": non2xx}


def measure(name: str, url: str, seconds: int, token: str) -> dict[str, float]:
    """Peak throughput with 64 connections, then latency at half that rate."""
    wrk(url, 3, 64, token)  # warm up pools and caches
    peak = wrk(url, seconds, 64, token)
    connections = 16
    # Each connection waits `delay` after each answer, so the total is about half the peak
    # (wrk has no fixed-rate mode; the answer time, a few ms at that load, is allowed for).
    delay_ms = max(connections * 1000 / (peak["rps"] / 2) - 5, 0)
    half = wrk(url, seconds, connections, token, delay_ms)
    print(
        f"{name:<34}{peak['rps']:>9.0f}{peak['p50']:>9.1f}{peak['p99']:>9.1f}"
        f"{half['rps']:>10.0f}{half['p50']:>9.1f}{half['p99']:>9.1f}"
        f"{peak['errors'] + half['errors'] + peak['non2xx'] + half['non2xx']:>8.0f}"
    )
    return peak


async def prepare(database_url: str) -> None:
    """The demo town's areas and contacts (and its 300 incidents) in the bench database."""
    database = Database(database_url, pool_size=1)
    async with database.session() as session:
        await load_demo_town(session, build_demo_town())
    await database.dispose()


async def main(seconds: int) -> int:
    """Set up, measure both servers, print the table."""
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    redis = RedisServer()
    redis.start()
    token = mint_token("bench", ["police"], ["530128"])
    try:
        async with migrated_database("bench", MIGRATIONS) as url:
            await prepare(url)
            asyncpg_url = url.replace("postgresql+asyncpg://", "postgresql://")
            base_env = {**os.environ, "PINGAN_ENV": "test", "REDIS_URL": redis.url}
            print(
                f"{'server':<34}{'peak/s':>9}{'p50':>9}{'p99':>9}{'half/s':>10}{'p50':>9}{'p99':>9}{'errors':>8}"
            )
            port = free_port()
            baseline_env = {**base_env, "BASELINE_DATABASE_URL": asyncpg_url}
            uvicorn = [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.baseline_insert_app:app",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
            with serve(uvicorn, baseline_env, port) as server:
                baseline = measure("baseline: FastAPI + asyncpg insert", server, seconds, token)
            port = free_port()
            env = {**base_env, "INCIDENTS_DATABASE_URL": url, "INCIDENTS_PORT": str(port)}
            with serve([sys.executable, "-m", "incidents", "api"], env, port) as server:
                ours = measure("incidents_create (Idempotency-Key)", server, seconds, token)
            print(f"\nincidents_create peak = {ours['rps'] / baseline['rps']:.0%} of the baseline")
    finally:
        redis.stop()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    sys.exit(asyncio.run(main(parser.parse_args().seconds)))
