"""The whole system as its users meet it: the six Procfile processes on free ports.

Each run gets its own databases, its own Redis and its own ports, so it never touches a running
`make run`, and it migrates and loads the demo exactly as ops would (`python -m <svc> migrate`).
"""

from __future__ import annotations

import os
import secrets
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from pingan_dev.procfile import read_procfile
from pingan_shared.testing import RedisServer, free_port
from pingan_shared.testing.databases import admin_dsn

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("incidents", "assessment", "notify")


@dataclass
class System:
    """Running processes and how to reach them."""

    env: dict[str, str]
    urls: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def log_tail(self, lines: int = 40) -> str:
        """The end of every process's log, for a failing assertion's message."""
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(parts)


async def create_databases(names: Mapping[str, str]) -> None:
    """Create a fresh database per service."""
    admin = await asyncpg.connect(admin_dsn())
    try:
        for name in names.values():
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def drop_databases(names: Mapping[str, str]) -> None:
    """Drop the run's databases."""
    admin = await asyncpg.connect(admin_dsn())
    try:
        for name in names.values():
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def database_names() -> dict[str, str]:
    """Database names that the stale-database sweep of the fixtures recognises."""
    return {svc: f"pingan_test_sys{svc}_{os.getpid()}" for svc in SERVICES}


def system_env(
    databases: Mapping[str, str], redis: RedisServer, extra: Mapping[str, str]
) -> dict[str, str]:
    """The environment every process gets, as ops would set it."""
    base = admin_dsn().rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    ports = {svc: free_port() for svc in SERVICES}
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PINGAN_ENV": "test",
        "PINGAN_JWT_SECRET": secrets.token_urlsafe(32),
        "REDIS_URL": redis.url,
        "INCIDENTS_URL": f"http://127.0.0.1:{ports['incidents']}",
        "INCIDENTS_OUTBOX_POLL_SECONDS": "0.2",
        "ASSESSMENT_OUTBOX_POLL_SECONDS": "0.2",
        "NOTIFY_OUTBOX_POLL_SECONDS": "0.2",
        **extra,
    }
    for svc in SERVICES:
        env[f"{svc.upper()}_DATABASE_URL"] = f"{base}/{databases[svc]}"
        env[f"{svc.upper()}_PORT"] = str(ports[svc])
    return env


def run_step(args: list[str], env: Mapping[str, str]) -> None:
    """Run a one-shot command (migrate, demo) and fail loudly with its output."""
    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, timeout=180, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(args)} failed:\n{done.stdout.decode()}\n{done.stderr.decode()}"
        )


def wait_ready(system: System, patience: float = 60.0) -> None:
    """Wait until every API's /readyz answers 200 and every process is still alive."""
    deadline = time.monotonic() + patience
    pending = dict(system.urls)
    while pending and time.monotonic() < deadline:
        for name, process in system.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}\n{system.log_tail()}")
        for svc, url in list(pending.items()):
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    del pending[svc]
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    if pending:
        raise RuntimeError(f"not ready: {sorted(pending)}\n{system.log_tail()}")


@contextmanager
def running(env: dict[str, str], logs: Path) -> Iterator[System]:
    """Start every Procfile process exactly as the Procfile says; stop them all afterwards."""
    urls = {svc: f"http://127.0.0.1:{env[f'{svc.upper()}_PORT']}" for svc in SERVICES}
    system = System(env=env, urls=urls, logs=logs)
    try:
        for process in read_procfile(REPO / "Procfile"):
            log = (logs / f"{process.name}.log").open("wb")
            system.processes[process.name] = subprocess.Popen(
                shlex.split(process.command),
                env=env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_ready(system)
        yield system
    finally:
        for process in system.processes.values():
            process.terminate()
        for process in system.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
