"""The notify worker: takes `send_message` and `deliver_message` jobs from `pingan:notify`, and
relays this service's outbox (the jobs `POST /v1/messages` writes) to that queue.

Run with `arq notify.worker.WorkerSettings`.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any, ClassVar

import structlog
from arq import cron, func

from notify.channels import open_senders
from notify.config import NotifySettings, get_settings
from notify.jobs import DELIVER_MESSAGE_JOB, deliver_message, send_message
from notify.messages.delivery import Dispatcher
from notify.tables import idempotency_keys, infrastructure
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB
from pingan_shared.db import Database
from pingan_shared.observability import configure_logging
from pingan_shared.outbox import OutboxRelay
from pingan_shared.queue import NOTIFY_QUEUE, deserialize, redis_settings, serialize

log = structlog.get_logger(__name__)


async def open_dispatcher(
    settings: NotifySettings, database: Database, stack: AsyncExitStack
) -> Dispatcher:
    """A dispatcher over `database` whose channels close with `stack`."""
    senders = await stack.enter_async_context(open_senders(settings))
    return Dispatcher(database=database, senders=senders, settings=settings)


async def startup(ctx: dict[str, Any]) -> None:
    """Open the database and the channels, and start the outbox relay beside the job loop."""
    settings = get_settings()
    configure_logging("notify-worker", level=settings.log_level, json_logs=settings.log_json)
    stack = AsyncExitStack()
    database = Database(settings.database_url, pool_size=4)
    stack.push_async_callback(database.dispose)
    stop = asyncio.Event()
    relay = OutboxRelay(database, infrastructure.outbox, ctx["redis"])
    ctx.update(
        stack=stack,
        database=database,
        dispatcher=await open_dispatcher(settings, database, stack),
        stop=stop,
        relay_task=asyncio.create_task(relay.run(stop, settings.outbox_poll_seconds)),
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    """Stop the relay, close the channels and the database."""
    ctx["stop"].set()
    await ctx["relay_task"]
    await ctx["stack"].aclose()


async def purge_idempotency_keys(ctx: dict[str, Any]) -> int:
    """Delete idempotency keys past their lifetime."""
    database: Database = ctx["database"]
    async with database.session() as session:
        removed = await idempotency_keys.purge_expired(session)
    log.info("idempotency_keys_purged", count=removed)
    return removed


def job_functions(settings: NotifySettings) -> list[Any]:
    """The worker's jobs; each may run once more than a delivery may be attempted."""
    tries = settings.max_delivery_attempts + 1
    return [
        func(send_message, name=SEND_MESSAGE_JOB, max_tries=tries),
        func(deliver_message, name=DELIVER_MESSAGE_JOB, max_tries=tries),
    ]


class WorkerSettings:
    """arq settings of the notify worker."""

    functions: ClassVar[list[Any]] = job_functions(get_settings())
    cron_jobs: ClassVar[list[Any]] = [
        cron(purge_idempotency_keys, minute={23}, run_at_startup=False)
    ]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = NOTIFY_QUEUE
    redis_settings = redis_settings(get_settings().redis_url)
    job_serializer = serialize
    job_deserializer = deserialize
    health_check_interval = 30
