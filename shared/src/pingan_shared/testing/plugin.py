"""pytest plugin loaded for every test (see the root pyproject): fixtures all services share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pingan_shared.testing.redis import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A Redis of this test run's own, so runs never see each other's queues."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url(redis_server: RedisServer) -> str:
    """URL of this run's Redis."""
    return redis_server.url
