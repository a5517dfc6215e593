"""The notify worker: takes `send_message` and `deliver_message` jobs from `pingan:notify`, and
relays this service's outbox (the jobs `POST /v1/messages` writes) to that queue.

Run with `arq notify.worker.WorkerSettings`.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any, ClassVar

import structlog
from arq import func

from notify.channels import open_senders
from notify.config import NotifySettings, get_settings
from notify.jobs import DELIVER_MESSAGE_JOB, deliver_message, send_message
from notify.messages.delivery import Dispatcher
from notify.tables import idempotency_keys, infrastructure
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB
from pingan_shared.db import Database
from pingan_shared.queue import NOTIFY_QUEUE, deserialize, redis_settings, serialize
from pingan_shared.worker import ServiceWorker

log = structlog.get_logger(__name__)


async def open_dispatcher(
    settings: NotifySettings, database: Database, stack: AsyncExitStack
) -> Dispatcher:
    """A dispatcher over `database` whose channels close with `stack`."""
    senders = await stack.enter_async_context(open_senders(settings))
    return Dispatcher(database=database, senders=senders, settings=settings)


service_worker = ServiceWorker("notify-worker", get_settings, infrastructure, idempotency_keys)


async def startup(ctx: dict[str, Any]) -> None:
    """The shared start-up (database, outbox relay), then the channels."""
    await service_worker.startup(ctx)
    ctx["dispatcher"] = await open_dispatcher(ctx["settings"], ctx["database"], ctx["stack"])


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
    cron_jobs: ClassVar[list[Any]] = service_worker.cron_jobs(minute=23)
    on_startup = startup
    on_shutdown = service_worker.shutdown
    queue_name = NOTIFY_QUEUE
    redis_settings = redis_settings(get_settings().redis_url)
    job_serializer = serialize
    job_deserializer = deserialize
    health_check_interval = 30
