"""Real notify worker processes for tests: started exactly as the Procfile starts them, on a
throwaway migrated database and a Redis of the test's own, and killed by their process id.

    with Workers(notify_env(database_url, redis.url), tmp_path) as workers:
        first = workers.start("worker-a")
        ...
        first.kill()  # SIGKILL: no shutdown hook runs, the claim stays as it was
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import asyncpg

from pingan_dev.procfile import read_procfile
from pingan_shared.testing.fake_wecom import FakeWeComRobot

REPO = Path(__file__).resolve().parents[3]
WORKER = "notify-worker"
T = TypeVar("T")


def worker_command() -> list[str]:
    """The notify worker's command line, as the Procfile gives it."""
    [process] = [p for p in read_procfile(REPO / "Procfile") if p.name == WORKER]
    return shlex.split(process.command)


def notify_env(
    database_url: str, redis_url: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a worker on `database_url` and `redis_url`: no quiet hours and no
    frequency limits (tests run at any hour and send to one number), plus `extra`."""
    # Nothing NOTIFY_* leaks in from the shell: the process runs on what the test says only.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("NOTIFY_")}
    return {
        **inherited,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PINGAN_ENV": "test",
        "REDIS_URL": redis_url,
        "NOTIFY_DATABASE_URL": database_url,
        "NOTIFY_QUIET_START": "00:00",
        "NOTIFY_QUIET_END": "00:00",
        "NOTIFY_RATE_LIMITS_ENABLED": "false",
        **(extra or {}),
    }


@dataclass
class WorkerProcess:
    """One running worker and its log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer ends it, and reap it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Ask it to stop (SIGTERM); kill it when it does not within 15 s."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Workers:
    """Notify workers started on one environment; every one still running is stopped at exit."""

    env: dict[str, str]
    logs: Path
    started: list[WorkerProcess] = field(default_factory=list)

    def start(self, name: str) -> WorkerProcess:
        """Start a worker named `name` (its log is `<logs>/<name>.log`)."""
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                worker_command(), env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT
            )
        worker = WorkerProcess(name, process, log)
        self.started.append(worker)
        return worker

    def log_tail(self, lines: int = 30) -> str:
        """The end of every worker's log, for a failing assertion's message."""
        parts = []
        for worker in self.started:
            text = worker.log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {worker.name} (exit {worker.process.poll()})\n" + "\n".join(text))
        return "\n".join(parts)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for worker in self.started:
            worker.stop()


async def eventually(
    check: Callable[[], Awaitable[T | None]], what: str, workers: Workers, patience: float = 20
) -> T:
    """Poll `check` until it returns something truthy; fail after `patience` seconds with the
    workers' logs (a bound on a hung run, not a timing assertion)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {patience} s\n{workers.log_tail()}")


async def fetch(database_url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    """Rows of one query on a fresh connection to `database_url` (a SQLAlchemy asyncpg URL)."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn)
    try:
        rows: list[asyncpg.Record] = await connection.fetch(query, *args)
        return rows
    finally:
        await connection.close()


class HangingRobot(FakeWeComRobot):
    """The fake WeCom group robot that can also record a message and then hold its answer, as
    when the message went out and only the answer was lost."""

    def __init__(self, keys: set[str] | frozenset[str]) -> None:
        super().__init__(keys)
        self._holds: list[float] = []
        self._holds_lock = threading.Lock()

    def hang_next(self, n: int, seconds: float) -> None:
        """Hold the answer to the next `n` accepted messages for `seconds` (or until `stop`)."""
        with self._holds_lock:
            self._holds.extend([seconds] * n)

    def handle(self, key: str, raw: bytes) -> int:
        """Record and answer as the plain fake does, holding the answer when told to."""
        errcode = super().handle(key, raw)
        with self._holds_lock:
            seconds = self._holds.pop(0) if errcode == 0 and self._holds else 0.0
        if seconds:
            self.hold(seconds)
        return errcode
