"""The notify worker: takes `send_message` and `deliver_message` jobs from `pingan:notify`, and
relays this service's outbox (the jobs `POST /v1/messages` writes) to that queue.

Run with `arq notify.worker.WorkerSettings`.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any, ClassVar

import structlog
from arq import cron, func
from redis.asyncio import Redis

from notify.channels import open_senders
from notify.config import NotifySettings, get_settings
from notify.jobs import (
    CHECK_RECEIPTS_JOB,
    DELIVER_MESSAGE_JOB,
    check_receipts,
    deliver_message,
    send_message,
    sweep,
)
from notify.limits import RateLimiter
from notify.messages.delivery import Dispatcher
from notify.tables import idempotency_keys, infrastructure
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB
from pingan_shared.db import Database
from pingan_shared.queue import NOTIFY_QUEUE, deserialize, redis_settings, serialize
from pingan_shared.worker import ServiceWorker

log = structlog.get_logger(__name__)


async def open_dispatcher(
    settings: NotifySettings, database: Database, stack: AsyncExitStack, redis: Redis
) -> Dispatcher:
    """A dispatcher over `database` whose channels close with `stack`, counting sends against
    the providers' limits in `redis` (shared by every worker)."""
    senders = await stack.enter_async_context(open_senders(settings))
    rules = settings.limit_rules()
    limiter = RateLimiter(redis, rules) if rules else None
    return Dispatcher(database=database, senders=senders, settings=settings, limiter=limiter)


service_worker = ServiceWorker("notify-worker", get_settings, infrastructure, idempotency_keys)


async def startup(ctx: dict[str, Any]) -> None:
    """The shared start-up (database, outbox relay), then the channels."""
    await service_worker.startup(ctx)
    ctx["dispatcher"] = await open_dispatcher(
        ctx["settings"], ctx["database"], ctx["stack"], ctx["redis"]
    )


def job_functions() -> list[Any]:
    """The worker's jobs. arq does not retry them: a run settles what is due and schedules the
    next for the rest, and the sweep takes over from a worker that died."""
    return [
        func(send_message, name=SEND_MESSAGE_JOB, max_tries=1),
        func(deliver_message, name=DELIVER_MESSAGE_JOB, max_tries=1),
        func(check_receipts, name=CHECK_RECEIPTS_JOB, max_tries=1),
    ]


class WorkerSettings:
    """arq settings of the notify worker."""

    functions: ClassVar[list[Any]] = job_functions()
    cron_jobs: ClassVar[list[Any]] = [
        *service_worker.cron_jobs(minute=23),
        cron(sweep, name="sweep", second=30, run_at_startup=True),
    ]
    # Urgent and critical jobs are scored ahead of routine ones (`queue_position`); a short poll
    # delay and few job ids read per poll let them start soon after they are queued.
    poll_delay = get_settings().worker_poll_delay_seconds
    max_jobs = get_settings().worker_max_jobs
    queue_read_limit = get_settings().worker_queue_read_limit or max_jobs
    on_startup = startup
    on_shutdown = service_worker.shutdown
    queue_name = NOTIFY_QUEUE
    redis_settings = redis_settings(get_settings().redis_url)
    job_serializer = serialize
    job_deserializer = deserialize
    health_check_interval = 30
