"""From `git clone` to all six processes healthy with `make run`, on a cold and a warm checkout.

The cold run starts from a fresh clone with no virtualenv and no pip cache, as a new machine
would; the baseline is the warm run that follows in the same checkout (everything installed, the
demo already loaded). Each run uses its own databases, Redis database number and ports, so a
`make run` already running on this machine is left alone.

    .venv/bin/python bench/cold_start.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from pingan_shared.testing import free_port
from pingan_shared.testing.databases import admin_dsn

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("incidents", "assessment", "notify")
PATIENCE_SECONDS = 900


async def _drop(names: list[str]) -> None:
    admin = await asyncpg.connect(admin_dsn())
    try:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _environment(ports: dict[str, int], names: dict[str, str]) -> dict[str, str]:
    base = admin_dsn().rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PINGAN_"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    env.update(
        PIP_NO_CACHE_DIR="1", REDIS_URL="redis://127.0.0.1:6379/7", PINGAN_POSTGRES_URL=admin_dsn()
    )
    for svc in SERVICES:
        env[f"{svc.upper()}_PORT"] = str(ports[svc])
        env[f"{svc.upper()}_DATABASE_URL"] = f"{base}/{names[svc]}"
    return env


def _healthy(ports: dict[str, int]) -> bool:
    try:
        return all(
            httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            for port in ports.values()
        )
    except httpx.HTTPError:
        return False


def _make_run(checkout: Path, env: dict[str, str], ports: dict[str, int], log: Path) -> float:
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=checkout,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not _healthy(ports):
                if process.poll() is not None:
                    raise RuntimeError(f"make run exited with {process.returncode}; see {log}")
                if time.monotonic() - started > PATIENCE_SECONDS:
                    raise RuntimeError(f"not healthy after {PATIENCE_SECONDS} s; see {log}")
                time.sleep(0.2)
            return time.monotonic() - started
        finally:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    """Clone, time a cold and a warm `make run`, print both."""
    names = {svc: f"pingan_bench_{svc}" for svc in SERVICES}
    ports = {svc: free_port() for svc in SERVICES}
    workdir = Path(tempfile.mkdtemp(prefix="pingan-cold-"))
    checkout = workdir / "pingan"
    asyncio.run(_drop(list(names.values())))
    try:
        clone_started = time.monotonic()
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(checkout)], check=True)
        clone = time.monotonic() - clone_started
        env = _environment(ports, names)
        cold = _make_run(checkout, env, ports, workdir / "cold.log")
        warm = _make_run(checkout, env, ports, workdir / "warm.log")
    finally:
        asyncio.run(_drop(list(names.values())))
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{'step':<44}{'seconds':>10}")
    print(f"{'git clone':<44}{clone:>10.1f}")
    print(f"{'make run, cold (new venv, no pip cache)':<44}{cold:>10.1f}")
    print(f"{'make run, warm (baseline, same checkout)':<44}{warm:>10.1f}")
    print(f"{'clone → six processes healthy (cold)':<44}{clone + cold:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
