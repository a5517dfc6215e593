"""What the notify benches measure besides time: the CPU each process spent (Linux /proc), and
py-spy profiles of the workers while a run goes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each of `pids` has used so far (Linux /proc); gone ones are
    left out."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return used


def cpu_since(before: dict[int, float]) -> float:
    """CPU seconds the processes counted in `before` have used since (those still running)."""
    now = cpu_seconds(list(before))
    return sum(now[pid] - before[pid] for pid in now)


async def backend_pids(dsn: str) -> list[int]:
    """The PostgreSQL backends serving the bench database (the services' pools)."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return [r["pid"] for r in rows]


def redis_pid(url: str) -> int:
    """The pid of the redis-server listening on `url`'s port (it names its address in its
    process title)."""
    port = url.rsplit(":", 1)[1].split("/")[0]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.split(" ", 1)[0].endswith("redis-server") and f":{port}" in title:
            return int(proc.name)
    raise RuntimeError(f"no redis-server on port {port}")


@contextmanager
def profiled(py_spy: str | None, pids: list[int], path: Path) -> Iterator[None]:
    """Record `pids` with py-spy (raw, for flame graphs) while the block runs, when asked."""
    if not py_spy:
        yield
        return
    recorders = [
        subprocess.Popen(
            [py_spy, "record", "-p", str(pid), "-f", "raw", "-r", "100", "-o", f"{path}-{pid}.txt"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
        for recorder in recorders:
            recorder.wait(timeout=60)
        print(f"  profiles: {path}-<pid>.txt", file=sys.stderr)
