"""The incidents worker's job that looks for a new report's duplicates."""

from __future__ import annotations

import uuid
from typing import Any

from incidents.duplicates.service import find_duplicates
from pingan_shared.db import Database

FIND_DUPLICATES_JOB = "find_duplicates"


async def find_duplicates_job(ctx: dict[str, Any], payload: dict[str, Any]) -> int:
    """Score a new report against its neighbours (queued by the intake statement's outbox row)."""
    database: Database = ctx["database"]
    async with database.session() as session:
        return await find_duplicates(session, uuid.UUID(payload["incident_id"]))
