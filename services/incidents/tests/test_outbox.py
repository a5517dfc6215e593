"""The outbox relay: a report's message reaches Redis exactly once, and waits out a Redis outage.

These tests commit for real (the relay works in its own transactions), on a Redis of their own
that they can stop, and clean up after themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from arq.connections import ArqRedis
from fastapi import FastAPI
from incidents_factories import NANJIE, report, seed_areas
from sqlalchemy import select, text

from incidents.tables import infrastructure
from pingan_shared.db import Database
from pingan_shared.outbox import OutboxRelay, RelayUnavailableError
from pingan_shared.queue import NOTIFY_QUEUE, create_queue_pool, deserialize
from pingan_shared.testing import RedisServer, bearer

POLICE = bearer("police", areas=[NANJIE])


@pytest.fixture
async def committed(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
) -> AsyncIterator[httpx.AsyncClient]:
    """The app writing for real, on seeded areas; everything is removed afterwards."""
    app, client = app_and_client
    database: Database = app.state.database
    async with database.session() as session:
        await seed_areas(session)
    try:
        yield client
    finally:
        async with database.session() as session:
            await session.execute(
                text("TRUNCATE incidents, contacts, areas, outbox, idempotency_keys CASCADE")
            )


@pytest.fixture
async def own_redis() -> AsyncIterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def _queued_jobs(pool: ArqRedis) -> list[dict[str, object]]:
    job_ids = await pool.zrange(NOTIFY_QUEUE, 0, -1)
    jobs = []
    for job_id in job_ids:
        raw = await pool.get(f"arq:job:{job_id.decode()}")
        jobs.append({"id": job_id.decode(), **deserialize(raw)})
    return jobs


async def test_relay_enqueues_send_message_once(
    committed: httpx.AsyncClient,
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
    own_redis: RedisServer,
) -> None:
    database: Database = app_and_client[0].state.database
    created = await committed.post("/v1/incidents", json=report(), headers=POLICE)
    assert created.status_code == 201
    pool = await create_queue_pool(own_redis.url, NOTIFY_QUEUE)
    try:
        relay = OutboxRelay(database, infrastructure.outbox, pool)
        assert await relay.relay_once() == 2  # the message, and the search for duplicates
        assert await relay.relay_once() == 0
        [job] = await _queued_jobs(pool)
        assert job["f"] == "send_message"
        [payload] = job["a"]  # type: ignore[misc]
        assert payload["message_key"] == f"incident-reported:{created.json()['id']}"
        # A row relayed again (say, the relay crashed before marking it) is still one job.
        async with database.session() as session:
            await session.execute(infrastructure.outbox.update().values(sent_at=None))
        assert await relay.relay_once() == 2
        assert len(await _queued_jobs(pool)) == 1
    finally:
        await pool.aclose()


async def test_report_is_accepted_while_redis_is_down_and_sent_when_it_is_back(
    committed: httpx.AsyncClient,
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
    own_redis: RedisServer,
) -> None:
    database: Database = app_and_client[0].state.database
    pool = await create_queue_pool(own_redis.url, NOTIFY_QUEUE)
    relay = OutboxRelay(database, infrastructure.outbox, pool)
    try:
        own_redis.stop()
        created = await committed.post("/v1/incidents", json=report(), headers=POLICE)
        assert created.status_code == 201
        with pytest.raises(RelayUnavailableError):
            await relay.relay_once()
        async with database.session() as session:
            rows = (await session.execute(select(infrastructure.outbox))).all()
        assert all(r.sent_at is None for r in rows)
        assert any(r.attempts == 1 and r.last_error for r in rows)
        [row] = [r for r in rows if r.job == "send_message"]

        own_redis.start()
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop, poll_seconds=0.05))
        for _ in range(100):
            if await _queued_jobs(pool):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await task
        [job] = await _queued_jobs(pool)
        assert job["id"] == f"outbox:{row.id}"
    finally:
        await pool.aclose()


async def test_two_racing_posts_with_one_key_make_one_incident(
    committed: httpx.AsyncClient,
) -> None:
    headers = {**POLICE, "Idempotency-Key": "race-1"}
    first, second = await asyncio.gather(
        committed.post("/v1/incidents", json=report(), headers=headers),
        committed.post("/v1/incidents", json=report(), headers=headers),
    )
    assert {first.status_code, second.status_code} == {201}
    assert first.json()["id"] == second.json()["id"]
