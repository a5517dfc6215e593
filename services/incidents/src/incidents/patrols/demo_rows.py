"""Helpers of the patrol demo loader: stable ids and inserts that skip rows already there."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

NAMESPACE = uuid.UUID("3c9e7a52-1f4b-4d8a-b6e0-7a2d5c9f1e84")
CHUNK = 2000


def demo_id(*parts: object) -> uuid.UUID:
    """A stable id for a demo row, from what identifies it."""
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


async def insert_missing(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the rows whose primary key is not taken yet; returns how many were added."""
    table = model.__table__
    added = 0
    for i in range(0, len(rows), CHUNK):
        result = await session.execute(
            insert(table)
            .values(list(rows[i : i + CHUNK]))
            .on_conflict_do_nothing()
            .returning(*table.primary_key)
        )
        added += len(result.all())
    return added
