"""Fixtures of the notify tests: a migrated database, the app, a rolled-back transaction per test,
this run's Redis, a fake WeCom group robot, and the worker's job context."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from fastapi import FastAPI
from notify_factories import OTHER_ROBOT_KEY, ROBOT_KEY
from sqlalchemy.ext.asyncio import AsyncConnection

import notify
from notify.channels import open_senders
from notify.config import NotifySettings
from notify.main import create_app
from notify.messages.delivery import Dispatcher
from pingan_shared.queue import NOTIFY_QUEUE, create_queue_pool
from pingan_shared.testing.fake_wecom import FakeWeComRobot
from pingan_shared.testing.plugin import ServiceUnderTest, service_fixtures

MIGRATIONS = Path(notify.__file__).parent / "migrations"


database_url, app_and_client = service_fixtures(ServiceUnderTest("notify", MIGRATIONS, create_app))


@pytest.fixture(scope="session")
def fake_robot() -> Iterator[FakeWeComRobot]:
    """One fake WeCom robot server for the run; `robot` resets it per test."""
    with FakeWeComRobot(keys={ROBOT_KEY, OTHER_ROBOT_KEY}) as server:
        yield server


@pytest.fixture
def robot(fake_robot: FakeWeComRobot) -> FakeWeComRobot:
    """The fake robot with nothing received yet."""
    fake_robot.reset()
    return fake_robot


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, fake_robot: FakeWeComRobot) -> NotifySettings:
    """Settings on the test database, this run's Redis and the fake robot; short retry delays."""
    return NotifySettings(
        database_url=database_url,
        redis_url=redis_url,
        environment="test",
        log_json=False,
        wecom_base_url=fake_robot.url,
        provider_timeout_seconds=2,
        max_delivery_attempts=3,
        retry_base_seconds=0.01,
        retry_max_seconds=0.05,
        # No default quiet hours: tests run at any hour; the quiet-hours tests set their own.
        quiet_start=time(0, 0),
        quiet_end=time(0, 0),
    )


@pytest.fixture
async def queue(redis_url: str) -> AsyncIterator[ArqRedis]:
    """A pool on this run's Redis, emptied first so no other test's jobs are waiting."""
    pool = await create_queue_pool(redis_url, NOTIFY_QUEUE)
    await pool.flushdb()
    try:
        yield pool
    finally:
        await pool.aclose()


@pytest.fixture
async def dispatcher(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
    connection: AsyncConnection,
    settings: NotifySettings,
) -> AsyncIterator[Dispatcher]:
    """The worker's dispatcher, writing inside the test's transaction."""
    async with open_senders(settings) as senders:
        yield Dispatcher(
            database=app_and_client[0].state.database, senders=senders, settings=settings
        )


@pytest.fixture
def ctx(dispatcher: Dispatcher, queue: ArqRedis) -> dict[str, Any]:
    """The context arq hands a job on its first try."""
    return {"dispatcher": dispatcher, "redis": queue, "job_try": 1}
