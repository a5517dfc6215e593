"""The patrols' scheduled job in the incidents worker: keep the next two weeks' shifts made."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog
from arq import cron
from arq.cron import CronJob

from incidents.patrols.shifts.service import DEFAULT_HORIZON, materialise_shifts
from pingan_shared.db import Database

log = structlog.get_logger(__name__)


async def materialise_patrol_shifts(ctx: dict[str, Any]) -> int:
    """Make the shifts of every active weekly schedule for the next 14 days (idempotent)."""
    database: Database = ctx["database"]
    now = datetime.now(UTC)
    async with database.session() as session:
        created = await materialise_shifts(session, now + DEFAULT_HORIZON, since=now)
    log.info("patrol_shifts_materialised", count=created)
    return created


CRON_JOBS: list[CronJob] = [
    cron(
        materialise_patrol_shifts,
        name="materialise_patrol_shifts",
        minute={5},  # hourly: a schedule made or changed by hand is covered within the hour
        run_at_startup=True,
    )
]
"""The patrols' entries for `WorkerSettings.cron_jobs`."""
