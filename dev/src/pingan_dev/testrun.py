"""`python -m pingan_dev test`: the test suite against real PostgreSQL and Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from pingan_dev.net import display_url
from pingan_dev.paths import path_with_venv, repo_root
from pingan_dev.postgres import PostgresServer, ensure_postgres
from pingan_dev.redis_local import ensure_redis
from pingan_shared.testing.redis import redis_server_binary

NO_TESTS_COLLECTED = 5


def exit_code_of(pytest_code: int) -> int:
    """pytest's exit code, except that "no tests collected" (5) is a failure of its own kind (1)."""
    if pytest_code == NO_TESTS_COLLECTED:
        print(
            "error: pytest collected no tests (exit code 5). A test run that runs nothing is "
            "a failure: check the paths, -k/-m expressions and testpaths in pyproject.toml.",
            file=sys.stderr,
            flush=True,
        )
        return 1
    return pytest_code


def test_env(postgres: PostgresServer, base: Mapping[str, str]) -> dict[str, str]:
    """The environment the test suite runs with."""
    env = dict(base)
    env["PINGAN_TEST_POSTGRES_URL"] = postgres.admin_url
    env["PINGAN_REDIS_SERVER_BIN"] = redis_server_binary()
    env["PINGAN_ENV"] = "test"
    env["PATH"] = path_with_venv(env.get("PATH"))
    return env


def run_pytest(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> int:
    """Run `python -m pytest args` in cwd; return its mapped exit code and print the wall time."""
    begun = time.monotonic()
    command = [sys.executable, "-m", "pytest", *args]
    child = subprocess.Popen(command, env=dict(env), cwd=cwd)  # noqa: S603 - this interpreter
    # Ctrl-C reaches pytest directly (same terminal group); wait for its summary, don't die first.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        code = child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    print(f"test run: {time.monotonic() - begun:.1f} s wall time", flush=True)
    return exit_code_of(code)


async def prepare(env: Mapping[str, str]) -> PostgresServer:
    """Make sure PostgreSQL and Redis are reachable (starting embedded ones if need be)."""
    postgres = await ensure_postgres(env, extra_variables=("PINGAN_TEST_POSTGRES_URL",))
    redis = ensure_redis(env)
    print(f"PostgreSQL ({postgres.source}): {display_url(postgres.admin_url)}", flush=True)
    print(f"Redis ({redis.source}): {display_url(redis.url)}", flush=True)
    return postgres


async def test(args: Sequence[str]) -> int:
    """Ensure the servers, then run pytest from the repository root with the test environment."""
    postgres = await prepare(os.environ)
    return run_pytest(args, test_env(postgres, os.environ), repo_root())
