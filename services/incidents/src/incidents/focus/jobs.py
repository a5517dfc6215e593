"""The focus problems' scheduled job in the incidents worker: remind owners, escalate overdue ones."""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from arq import cron
from arq.cron import CronJob

from incidents.focus.follow_up import BATCH, follow_up_batch
from pingan_shared.db import Database

log = structlog.get_logger(__name__)


async def follow_up_focus_problems(ctx: dict[str, Any]) -> int:
    """Remind and escalate every unsolved problem that is due, a batch per transaction; how many
    reminders and escalations were sent."""
    database: Database = ctx["database"]
    sent = 0
    after: uuid.UUID | None = None
    while True:
        async with database.session() as session:
            batch = await follow_up_batch(session, after)
        sent += batch.reminded + batch.escalated
        if batch.looked_at < BATCH or batch.last is None:
            break
        after = batch.last
    if sent:
        log.info("focus_problems_followed_up", sent=sent)
    return sent


CRON_JOBS: list[CronJob] = [
    cron(
        follow_up_focus_problems,
        name="follow_up_focus_problems",
        minute={40},  # hourly: days are what count, and a missed hour is caught up the next
        run_at_startup=True,
    )
]
"""The focus problems' entries for `WorkerSettings.cron_jobs`."""
