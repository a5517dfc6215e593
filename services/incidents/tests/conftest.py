"""Fixtures of the incidents tests: a migrated database, the app, a rolled-back transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

import incidents
from incidents.config import IncidentsSettings
from incidents.main import create_app
from pingan_shared.testing import asgi_client, migrated_database, rolled_back

MIGRATIONS = Path(incidents.__file__).parent / "migrations"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A throwaway incidents database at the newest migration."""
    async with migrated_database("incidents", MIGRATIONS) as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str) -> IncidentsSettings:
    """Settings pointing at the test database and this run's Redis."""
    return IncidentsSettings(
        database_url=database_url, redis_url=redis_url, environment="test", log_json=False
    )


@pytest.fixture(scope="session")
async def app_and_client(
    settings: IncidentsSettings,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with its lifespan running, and a client calling it in-process."""
    async with asgi_client(create_app(settings)) as pair:
        yield pair


@pytest.fixture
async def connection(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
) -> AsyncIterator[AsyncConnection]:
    """Every session of the app runs in this connection's transaction, rolled back after."""
    app, _ = app_and_client
    async with rolled_back(app.state.database) as conn:
        yield conn


@pytest.fixture
async def client(
    app_and_client: tuple[FastAPI, httpx.AsyncClient], connection: AsyncConnection
) -> httpx.AsyncClient:
    """A client whose writes are rolled back after the test."""
    return app_and_client[1]


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session inside the test's transaction, for arranging data directly."""
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as s:
        yield s
