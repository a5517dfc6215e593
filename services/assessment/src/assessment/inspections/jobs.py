"""The inspections' scheduled jobs in the assessment worker: follow rectifications through and
announce regular inspections, a batch per transaction."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from arq import cron
from arq.cron import CronJob
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.follow_up import (
    BATCH,
    Batch,
    announce_schedules,
    follow_up_rectifications,
)
from pingan_shared.db import Database

log = structlog.get_logger(__name__)


async def _in_batches(
    database: Database, step: Callable[[AsyncSession, uuid.UUID | None], Awaitable[Batch]]
) -> int:
    sent = 0
    after: uuid.UUID | None = None
    while True:
        async with database.session() as session:
            batch = await step(session, after)
        sent += batch.sent
        if batch.looked_at < BATCH or batch.last is None:
            return sent
        after = batch.last


async def remind_rectifications(ctx: dict[str, Any]) -> int:
    """Remind units of near deadlines and escalate overdue rectifications; how many sent."""
    sent = await _in_batches(ctx["database"], follow_up_rectifications)
    if sent:
        log.info("rectifications_followed_up", sent=sent)
    return sent


async def remind_inspectors(ctx: dict[str, Any]) -> int:
    """Tell inspectors of the regular inspections due; how many schedules were announced."""
    sent = await _in_batches(ctx["database"], announce_schedules)
    if sent:
        log.info("inspection_schedules_announced", sent=sent)
    return sent


CRON_JOBS: list[CronJob] = [
    # Hourly: days are what count, and a missed hour is caught up by the next.
    cron(remind_rectifications, name="remind_rectifications", minute={17}, run_at_startup=True),
    cron(remind_inspectors, name="remind_inspectors", minute={23}, run_at_startup=True),
]
"""The inspections' entries for `WorkerSettings.cron_jobs`."""
