"""Fixtures of the incidents tests; the shared plugin builds the database, app and client."""

from __future__ import annotations

from pathlib import Path

import pytest

import incidents
from incidents.config import IncidentsSettings
from incidents.main import create_app
from pingan_shared.testing.plugin import ServiceUnderTest, service_fixtures

MIGRATIONS = Path(incidents.__file__).parent / "migrations"


database_url, app_and_client = service_fixtures(
    ServiceUnderTest("incidents", MIGRATIONS, create_app)
)


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str) -> IncidentsSettings:
    """Settings pointing at the test database and this run's Redis."""
    return IncidentsSettings(
        database_url=database_url, redis_url=redis_url, environment="test", log_json=False
    )


@pytest.fixture(autouse=True)
async def _fresh_rate_limits(redis_url: str) -> None:
    """Each test starts with no public reports counted against its address."""
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        keys = await redis.keys("pingan:ratelimit:*")
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()
