"""The assessment worker: relays the outbox to Redis and runs the service's scheduled jobs.

Run with `arq assessment.worker.WorkerSettings`.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import structlog
from arq import cron

from assessment.config import get_settings
from assessment.tables import idempotency_keys, infrastructure
from pingan_shared.db import Database
from pingan_shared.observability import configure_logging
from pingan_shared.outbox import OutboxRelay
from pingan_shared.queue import ASSESSMENT_QUEUE, deserialize, redis_settings, serialize

log = structlog.get_logger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    """Open the database and start the outbox relay beside the job loop."""
    settings = get_settings()
    configure_logging("assessment-worker", level=settings.log_level, json_logs=settings.log_json)
    database = Database(settings.database_url, pool_size=4)
    stop = asyncio.Event()
    relay = OutboxRelay(database, infrastructure.outbox, ctx["redis"])
    ctx.update(
        database=database,
        stop=stop,
        relay_task=asyncio.create_task(relay.run(stop, settings.outbox_poll_seconds)),
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    """Stop the relay and close the database."""
    ctx["stop"].set()
    await ctx["relay_task"]
    await ctx["database"].dispose()


async def purge_idempotency_keys(ctx: dict[str, Any]) -> int:
    """Delete idempotency keys past their lifetime."""
    database: Database = ctx["database"]
    async with database.session() as session:
        removed = await idempotency_keys.purge_expired(session)
    log.info("idempotency_keys_purged", count=removed)
    return removed


class WorkerSettings:
    """arq settings of the assessment worker."""

    functions: ClassVar[list[Any]] = []
    cron_jobs: ClassVar[list[Any]] = [
        cron(purge_idempotency_keys, minute={17}, run_at_startup=False)
    ]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = ASSESSMENT_QUEUE
    redis_settings = redis_settings(get_settings().redis_url)
    job_serializer = serialize
    job_deserializer = deserialize
    health_check_interval = 30
