"""What every service's arq worker shares: the database, the outbox relay beside the job loop,
and the hourly purge of expired idempotency keys."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

import structlog
from arq import cron
from arq.cron import CronJob

from pingan_shared.db import Database
from pingan_shared.idempotency import IdempotencyKeys
from pingan_shared.observability import configure_logging
from pingan_shared.outbox import OutboxRelay
from pingan_shared.settings import ServiceSettings
from pingan_shared.tables import InfrastructureTables

log = structlog.get_logger(__name__)


class ServiceWorker:
    """Start-up and shutdown hooks and the shared jobs of one service's worker.

    `startup` leaves `settings`, `database` and `stack` (an AsyncExitStack closed at shutdown) in
    the arq context, for a service's own hooks and jobs to build on.
    """

    def __init__(
        self,
        name: str,
        settings_factory: Callable[[], ServiceSettings],
        tables: InfrastructureTables,
        idempotency_keys: IdempotencyKeys,
    ) -> None:
        self.name = name
        self.settings_factory = settings_factory
        self.tables = tables
        self.idempotency_keys = idempotency_keys

    async def startup(self, ctx: dict[str, Any]) -> None:
        """Open the database and start the outbox relay."""
        settings = self.settings_factory()
        configure_logging(self.name, level=settings.log_level, json_logs=settings.log_json)
        stack = AsyncExitStack()
        database = Database(settings.database_url, pool_size=4)
        stack.push_async_callback(database.dispose)
        stop = asyncio.Event()
        relay = OutboxRelay(database, self.tables.outbox, ctx["redis"])
        task = asyncio.create_task(relay.run(stop, settings.outbox_poll_seconds))

        async def stop_relay() -> None:
            stop.set()
            await task

        stack.push_async_callback(stop_relay)
        ctx.update(settings=settings, database=database, stack=stack)

    async def shutdown(self, ctx: dict[str, Any]) -> None:
        """Stop the relay and close everything `startup` and the service opened."""
        await ctx["stack"].aclose()

    async def purge_idempotency_keys(self, ctx: dict[str, Any]) -> int:
        """Delete idempotency keys past their lifetime."""
        database: Database = ctx["database"]
        async with database.session() as session:
            removed = await self.idempotency_keys.purge_expired(session)
        log.info("idempotency_keys_purged", count=removed)
        return removed

    def cron_jobs(self, *, minute: int) -> list[CronJob]:
        """The shared scheduled jobs, at `minute` past every hour (spread services apart)."""
        return [
            cron(
                self.purge_idempotency_keys,
                name="purge_idempotency_keys",
                minute={minute},
                run_at_startup=False,
            )
        ]
