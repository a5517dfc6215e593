"""What the notify benches share: nginx as a fast fake WeCom robot, the notify API and workers as
child processes on free ports, and reading the bench database.

nginx (Debian package `nginx-light`) answers the documented success body to every
`POST /cgi-bin/webhook/send` and logs each call as `<epoch seconds> <robot key>`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from pingan_shared.testing import RedisServer, free_port, migrated_database

REPO = Path(__file__).resolve().parents[1]
MIGRATIONS = REPO / "services/notify/src/notify/migrations"
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    log_format robot '$msec $arg_key';
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server {{
        listen 127.0.0.1:{port};
        access_log {dir}/robot.log robot buffer=256k flush=50ms;
        location = /cgi-bin/webhook/send {{
            default_type application/json;
            return 200 '{{"errcode":0,"errmsg":"ok"}}';
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    """nginx from PATH or Debian's /usr/sbin."""
    found = shutil.which("nginx")
    return found or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


@contextmanager
def fake_robot(workdir: Path) -> Iterator[str]:
    """nginx as a WeCom robot that always answers success, as a child process; yields its URL.
    Each call is logged to `workdir/robot.log` as `<epoch seconds> <key>`."""
    nginx = nginx_binary()
    assert nginx is not None
    port = free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / sub).mkdir(exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=workdir, port=port))
    log = (workdir / "nginx.out").open("wb")
    process = subprocess.Popen(
        [nginx, "-p", str(workdir), "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/cgi-bin/webhook/send?key=up", process, method="POST")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def robot_calls(workdir: Path) -> list[tuple[float, str]]:
    """The robot calls nginx has logged so far: (epoch seconds, key)."""
    path = workdir / "robot.log"
    if not path.exists():
        return []
    calls = []
    for line in path.read_text().splitlines():
        at, _, key = line.partition(" ")
        calls.append((float(at), key))
    return calls


def wait_until_up(url: str, process: subprocess.Popen[bytes], method: str = "GET") -> None:
    """Wait until `url` answers 200; fail when `process` exits first."""
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.request(method, url, timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@dataclass
class NotifyStack:
    """How to start the notify processes of a bench run."""

    env: dict[str, str]
    logs: Path

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        """Start one process, its output in `logs/name.log`."""
        out = (self.logs / f"{name}.log").open("ab")
        return subprocess.Popen(args, env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)

    @contextmanager
    def api(self) -> Iterator[tuple[str, int]]:
        """The notify API until the block ends; yields its URL and pid once it is ready."""
        process = self.spawn("api", [sys.executable, "-m", "notify", "api"])
        url = f"http://127.0.0.1:{self.env['NOTIFY_PORT']}"
        try:
            wait_until_up(f"{url}/readyz", process)
            yield url, process.pid
        finally:
            stop([process])

    @contextmanager
    def workers(self, count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
        """`count` notify workers until the block ends."""
        arq = str(Path(sys.executable).with_name("arq"))
        processes = [
            self.spawn(f"worker-{i}", [arq, "notify.worker.WorkerSettings"]) for i in range(count)
        ]
        try:
            yield processes
        finally:
            stop(processes)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Terminate `processes` and wait for them."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


async def wait_sent(dsn: str, expected: int, patience: float = 60.0) -> float:
    """Wait until `expected` deliveries are sent; the last one's `sent_at` (epoch). Fails when
    nothing moves for `patience` seconds."""
    conn = await asyncpg.connect(dsn)
    try:
        last, moved = -1, time.monotonic()
        while True:
            sent = await conn.fetchval("SELECT count(*) FROM deliveries WHERE state = 'sent'")
            if sent >= expected:
                done = await conn.fetchval("SELECT max(sent_at) FROM deliveries")
                return float(done.timestamp())
            if sent != last:
                last, moved = sent, time.monotonic()
            elif time.monotonic() - moved > patience:
                states = await conn.fetch("SELECT state, count(*) FROM deliveries GROUP BY 1")
                failed = await conn.fetch(
                    "SELECT provider_code, detail, count(*) FROM delivery_attempts"
                    " WHERE outcome <> 'sent' GROUP BY 1, 2"
                )
                raise RuntimeError(
                    f"stuck at {sent}/{expected}: {[tuple(r) for r in states]}; "
                    f"failed attempts by code: {[tuple(r) for r in failed]}"
                )
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


async def reset(dsn: str) -> None:
    """Empty the tables a run fills, so every run starts from the same state."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "TRUNCATE delivery_attempts, deliveries, messages, outbox, idempotency_keys"
        )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def notify_env(database_url: str, redis_url: str, robot: str, extra: list[str]) -> dict[str, str]:
    """The notify processes' environment: limits off, no quiet hours, `--set` overrides."""
    env = {
        **os.environ,
        "PINGAN_ENV": "test",
        "REDIS_URL": redis_url,
        "NOTIFY_DATABASE_URL": database_url,
        "NOTIFY_PORT": str(free_port()),
        "NOTIFY_WECOM_BASE_URL": robot,
        "NOTIFY_RATE_LIMITS_ENABLED": "false",
        "NOTIFY_QUIET_START": "00:00",
        "NOTIFY_QUIET_END": "00:00",
    }
    for item in extra:  # "KEY=VALUE"
        key, _, value = item.partition("=")
        env[key] = value
    return env


def settings_line(env: dict[str, str]) -> str:
    """The worker settings in force, read as the workers read them."""
    os.environ.update(env)
    from notify.config import NotifySettings  # read after the environment is set

    s = NotifySettings()
    return (
        f"worker: poll_delay={s.worker_poll_delay_seconds} max_jobs={s.worker_max_jobs} "
        f"queue_read_limit={s.worker_queue_read_limit or s.worker_max_jobs} "
        f"send_concurrency={s.send_concurrency} outbox_poll_seconds={s.outbox_poll_seconds} "
        f"log_level={s.log_level}"
    )


@dataclass
class Bench:
    """A bench run's notify processes, database (asyncpg DSN), fake robot URL and work folder."""

    stack: NotifyStack
    dsn: str
    robot: str
    workdir: Path


@asynccontextmanager
async def bench_stack(name: str, extra: list[str], keep: bool = False) -> AsyncIterator[Bench]:
    """Redis, a migrated database and the fake robot for one bench run; prints the command and
    the worker settings. The work folder (logs, profiles) is removed afterwards unless `keep`."""
    redis = RedisServer()
    redis.start()
    workdir = Path(tempfile.mkdtemp(prefix=f"pingan-{name}-"))
    try:
        async with migrated_database(name.replace("-", ""), MIGRATIONS) as url:
            with fake_robot(workdir) as robot:
                stack = NotifyStack(notify_env(url, redis.url, robot, extra), workdir)
                print(" ".join([".venv/bin/python", *sys.argv]))
                print(settings_line(stack.env))
                dsn = url.replace("postgresql+asyncpg://", "postgresql://")
                yield Bench(stack, dsn, robot, workdir)
    finally:
        redis.stop()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
