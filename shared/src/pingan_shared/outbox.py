"""Transactional outbox (ARCHITECTURE.md §2).

A domain change and the job it implies are written in one transaction (`add_job`). The relay, run
by the producer's worker, moves unsent rows to Redis with arq's `_job_id` set to the outbox id, so
a row relayed twice is still one job; if Redis is down the rows wait and nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import structlog
from arq.connections import ArqRedis
from pydantic import BaseModel
from redis.exceptions import RedisError
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.db import Database
from pingan_shared.queue import queue_position

log = structlog.get_logger(__name__)

MAX_BACKOFF_SECONDS = 30.0


async def add_job(
    session: AsyncSession,
    outbox: Table,
    *,
    queue: str,
    job: str,
    payload: BaseModel | dict[str, Any],
) -> uuid.UUID:
    """Write a job to the outbox inside the caller's transaction; returns the outbox id."""
    row_id = uuid.uuid4()
    body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    await session.execute(insert(outbox).values(id=row_id, queue=queue, job=job, payload=body))
    return row_id


def _priority(payload: Any) -> str | None:
    # A `send_message` payload names its priority; other jobs have none.
    return payload.get("priority") if isinstance(payload, dict) else None


def outbox_job_id(row_id: uuid.UUID) -> str:
    """The arq job id of an outbox row (also the consumer's idempotency key)."""
    return f"outbox:{row_id}"


class OutboxRelay:
    """Moves unsent outbox rows to their Redis queues."""

    def __init__(
        self, database: Database, outbox: Table, redis: ArqRedis, *, batch: int = 100
    ) -> None:
        self.database = database
        self.outbox = outbox
        self.redis = redis
        self.batch = batch

    async def relay_once(self) -> int:
        """Relay one batch; returns how many rows were handed to Redis."""
        t = self.outbox
        relayed = 0
        failure: Exception | None = None
        async with self.database.session() as session:
            rows = (
                await session.execute(
                    select(t.c.id, t.c.queue, t.c.job, t.c.payload)
                    .where(t.c.sent_at.is_(None))
                    .order_by(t.c.created_at)
                    .limit(self.batch)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in rows:
                try:
                    # None means a job or result with this id exists already: it was relayed.
                    await self.redis.enqueue_job(
                        row.job,
                        row.payload,
                        _job_id=outbox_job_id(row.id),
                        _queue_name=row.queue,
                        _defer_until=queue_position(_priority(row.payload)),
                    )
                except (OSError, RedisError, TimeoutError) as exc:
                    await session.execute(
                        update(t)
                        .where(t.c.id == row.id)
                        .values(
                            attempts=t.c.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"
                        )
                    )
                    failure = exc
                    break
                await session.execute(
                    update(t)
                    .where(t.c.id == row.id)
                    .values(sent_at=func.now(), attempts=t.c.attempts + 1, last_error=None)
                )
                relayed += 1
        if failure is not None:
            raise RelayUnavailableError(f"{type(failure).__name__}: {failure}") from failure
        return relayed

    async def run(self, stop: asyncio.Event, poll_seconds: float = 1.0) -> None:
        """Relay until `stop` is set, backing off while Redis is unreachable."""
        delay = poll_seconds
        while not stop.is_set():
            try:
                relayed = await self.relay_once()
                delay = poll_seconds
                if relayed:
                    log.info("outbox_relayed", count=relayed)
                    continue  # more may be waiting
            except RelayUnavailableError as exc:
                log.warning("outbox_relay_waiting_for_redis", error=str(exc), retry_in=delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
            except Exception:
                log.exception("outbox_relay_failed")
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)


class RelayUnavailableError(Exception):
    """Redis refused or dropped the connection; the batch is kept for the next attempt."""
