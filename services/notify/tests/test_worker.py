"""A real arq worker, in burst mode, on this run's Redis (arq's own testing pattern)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from arq import Worker
from arq.connections import ArqRedis
from fastapi import FastAPI
from notify_factories import OTHER_ROBOT_KEY, ROBOT_KEY, payload
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.channels import open_senders
from notify.config import NotifySettings
from notify.jobs import send_message
from notify.messages.delivery import Dispatcher
from notify.messages.models import Delivery, DeliveryState
from notify.tables import infrastructure
from notify.worker import job_functions
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB
from pingan_shared.db import Database
from pingan_shared.outbox import OutboxRelay
from pingan_shared.queue import NOTIFY_QUEUE, deserialize, redis_settings, serialize
from pingan_shared.testing import bearer
from pingan_shared.testing.fake_wecom import FakeWeComRobot

# arq's Worker.close() calls redis' deprecated close(); nothing to fix on this side.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def run_worker(settings: NotifySettings, dispatcher: Dispatcher) -> Worker:
    """Run a burst worker until the queue is empty (deferred retries included)."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["dispatcher"] = dispatcher

    worker = Worker(
        functions=job_functions(),
        queue_name=NOTIFY_QUEUE,
        redis_settings=redis_settings(settings.redis_url),
        burst=True,
        poll_delay=0,
        handle_signals=False,
        on_startup=startup,
        job_serializer=serialize,
        job_deserializer=deserialize,
    )
    try:
        await asyncio.wait_for(worker.main(), timeout=30)
    finally:
        await worker.close()
    return worker


async def test_the_worker_takes_send_message_and_retries_a_rate_limited_robot(
    caplog: pytest.LogCaptureFixture,
    settings: NotifySettings,
    dispatcher: Dispatcher,
    queue: ArqRedis,
    robot: FakeWeComRobot,
    session: AsyncSession,
) -> None:
    caplog.set_level(logging.INFO)
    robot.fail_next(1)
    job = await queue.enqueue_job(SEND_MESSAGE_JOB, payload(), _job_id="outbox:test-1")
    assert job is not None

    worker = await run_worker(settings, dispatcher)

    # The first run waits out the limit by scheduling a second, not by an arq retry.
    assert (worker.jobs_complete, worker.jobs_retried, worker.jobs_failed) == (2, 0, 0)
    assert (await job.result(timeout=5))["queued"] == 1
    assert robot.calls == 2
    assert len(robot.messages) == 1
    [delivery] = (await session.execute(select(Delivery))).scalars().all()
    assert (delivery.state, delivery.attempts) == (DeliveryState.sent, 1)  # waiting is no try
    assert "deliver_message" in caplog.text
    assert ROBOT_KEY not in caplog.text


async def test_a_bad_payload_fails_the_job_once(
    settings: NotifySettings, dispatcher: Dispatcher, queue: ArqRedis
) -> None:
    await queue.enqueue_job(SEND_MESSAGE_JOB, {"version": 1, "template": "generic_text"})
    worker = await run_worker(settings, dispatcher)
    assert (worker.jobs_failed, worker.jobs_retried) == (1, 0)


async def test_a_posted_message_reaches_the_worker_through_the_outbox(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
    client: httpx.AsyncClient,
    settings: NotifySettings,
    dispatcher: Dispatcher,
    queue: ArqRedis,
    robot: FakeWeComRobot,
) -> None:
    created = await client.post("/v1/messages", json=payload(), headers=bearer("service"))
    assert created.status_code == 202
    assert created.json()["deliveries"][0]["state"] == "queued"
    relay = OutboxRelay(app_and_client[0].state.database, infrastructure.outbox, queue)
    assert await relay.relay_once() == 1

    await run_worker(settings, dispatcher)

    assert len(robot.messages) == 1
    answer = await client.get(f"/v1/messages/{created.json()['id']}", headers=bearer("admin"))
    assert answer.json()["deliveries"][0]["state"] == "sent"


@pytest.fixture
async def committed(settings: NotifySettings) -> AsyncIterator[Database]:
    """A database whose writes are committed for real; the messages are removed afterwards."""
    database = Database(settings.database_url, pool_size=4)
    try:
        yield database
    finally:
        async with database.session() as session:
            await session.execute(text("TRUNCATE messages, deliveries, delivery_attempts"))
        await database.dispose()


async def test_two_workers_running_the_same_job_at_once_send_once(
    committed: Database, settings: NotifySettings, queue: ArqRedis, robot: FakeWeComRobot
) -> None:
    recipients = [{"name": f"群{i}", "wecom_robot_key": ROBOT_KEY} for i in range(10)]
    recipients.append({"name": "镇值班群", "wecom_robot_key": OTHER_ROBOT_KEY})
    body = payload(recipients=recipients)
    async with open_senders(settings) as senders:
        first, second = (Dispatcher(committed, senders, settings) for _ in range(2))
        results = await asyncio.gather(
            send_message({"dispatcher": first, "redis": queue, "job_try": 1}, body),
            send_message({"dispatcher": second, "redis": queue, "job_try": 1}, body),
        )

    assert sum(r.get("sent", 0) for r in results) == 11
    assert len(robot.messages) == 11
    async with committed.session() as session:
        states = (await session.execute(select(col(Delivery.state)))).scalars().all()
    assert states == [DeliveryState.sent] * 11
