"""pytest plugin loaded for every test (see the root pyproject): fixtures all services share.

A service's conftest takes `database_url` and `app_and_client` from `service_fixtures` and
defines `settings`; this plugin then gives every test `connection` (a transaction rolled back
afterwards), `client` and `session`, and the run its own Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from pingan_shared.testing.databases import migrated_database, rolled_back
from pingan_shared.testing.http import asgi_client
from pingan_shared.testing.redis import RedisServer


@dataclass(frozen=True)
class ServiceUnderTest:
    """What the shared fixtures need to know of a service."""

    name: str
    migrations: Path
    create_app: Callable[[Any], FastAPI]


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


def service_fixtures(service: ServiceUnderTest) -> tuple[Any, Any]:
    """Session fixtures `database_url` and `app_and_client` of one service, for its conftest::

        database_url, app_and_client = service_fixtures(ServiceUnderTest(...))

    Each conftest gets fixtures of its own, so a run over every service keeps one database and
    one app per service; the conftest also defines `settings` (from `database_url`)."""

    @pytest.fixture(scope="session")
    async def database_url() -> AsyncIterator[str]:
        """A throwaway database of the service at its newest migration."""
        async with migrated_database(service.name, service.migrations) as url:
            yield url

    @pytest.fixture(scope="session")
    async def app_and_client(settings: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        """The app with its lifespan running, and a client calling it in-process."""
        async with asgi_client(service.create_app(settings)) as pair:
            yield pair

    return database_url, app_and_client


@pytest.fixture
async def connection(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
) -> AsyncIterator[AsyncConnection]:
    """Every session of the app runs in this connection's transaction, rolled back after."""
    app, _ = app_and_client
    async with rolled_back(app.state.database) as conn:
        yield conn


@pytest.fixture
def client(
    app_and_client: tuple[FastAPI, httpx.AsyncClient], connection: AsyncConnection
) -> httpx.AsyncClient:
    """A client whose writes are rolled back after the test."""
    return app_and_client[1]


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session inside the test's transaction, for arranging data directly."""
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as s:
        yield s
