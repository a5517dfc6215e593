"""Fixtures of the assessment tests: a migrated database, a fake incidents API, the app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

import assessment
from assessment.config import AssessmentSettings
from assessment.main import create_app
from pingan_shared.testing import asgi_client, rolled_back
from pingan_shared.testing.plugin import ServiceUnderTest, service_fixtures

from .factories import NANJIE_GRID, TEST_SECRET
from .fake_incidents import FakeIncidents, FakeIncidentsArea

MIGRATIONS = Path(assessment.__file__).parent / "migrations"
FAILING_AREA = "530128100003"


database_url, app_and_client = service_fixtures(
    ServiceUnderTest("assessment", MIGRATIONS, create_app)
)


@pytest.fixture(scope="session")
def fake_incidents_server() -> Iterator[FakeIncidents]:
    """A fake incidents API on a free port, knowing one grid's counts; one area fails."""
    fake = FakeIncidents(
        secret=TEST_SECRET,
        areas={
            NANJIE_GRID: FakeIncidentsArea(
                "南街一网格", [("theft", "盗窃", 5), ("fraud", "诈骗", 2)]
            )
        },
        failing_areas={FAILING_AREA},
    )
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_incidents(fake_incidents_server: FakeIncidents) -> FakeIncidents:
    """The fake incidents API with the requests of earlier tests forgotten."""
    fake_incidents_server.requests.clear()
    return fake_incidents_server


def make_settings(database_url: str, redis_url: str, **overrides: Any) -> AssessmentSettings:
    """Settings for the test database, this run's Redis and the tests' JWT secret."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": redis_url,
        "environment": "test",
        "log_json": False,
        "jwt_secret": SecretStr(TEST_SECRET),
        **overrides,
    }
    return AssessmentSettings(**values)


@pytest.fixture(scope="session")
def settings(
    database_url: str, redis_url: str, fake_incidents_server: FakeIncidents
) -> AssessmentSettings:
    """Settings pointing at the test database, this run's Redis and the fake incidents API."""
    return make_settings(database_url, redis_url, incidents_url=fake_incidents_server.url)


@pytest.fixture
def other_app(database_url: str, redis_url: str) -> Any:
    """Starts another app on the test database with some settings changed; writes roll back."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(make_settings(database_url, redis_url, **overrides))
        async with asgi_client(app) as (_, client), rolled_back(app.state.database):
            yield client

    return start
