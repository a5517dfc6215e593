"""The workflow's scheduled job in the incidents worker: escalate overdue incidents."""

from __future__ import annotations

from typing import Any

import structlog
from arq import cron
from arq.cron import CronJob

from incidents.workflow.escalation import BATCH, escalate_overdue
from pingan_shared.db import Database

log = structlog.get_logger(__name__)


async def escalate_overdue_incidents(ctx: dict[str, Any]) -> int:
    """Escalate every incident whose next escalation is due, a batch per transaction."""
    database: Database = ctx["database"]
    total = 0
    while True:
        async with database.session() as session:
            escalated = await escalate_overdue(session)
        total += escalated
        # A short batch means nothing more was due (or the rest is held by another worker).
        if escalated < BATCH:
            break
    if total:
        log.info("incidents_escalated", count=total)
    return total


CRON_JOBS: list[CronJob] = [
    cron(
        escalate_overdue_incidents,
        name="escalate_overdue_incidents",
        second=30,  # every minute; time limits start at five minutes
        run_at_startup=False,
    )
]
"""The workflow's entries for `WorkerSettings.cron_jobs`."""
