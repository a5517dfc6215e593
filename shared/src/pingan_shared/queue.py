"""Queue helpers over arq: JSON serialisation (never pickle) and the queue names (contract)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from arq.connections import ArqRedis, RedisSettings, create_pool

NOTIFY_QUEUE = "pingan:notify"
INCIDENTS_QUEUE = "pingan:incidents"
ASSESSMENT_QUEUE = "pingan:assessment"


# arq takes due jobs in the order of their score, the time they are due: a job scored earlier
# than the others waiting is taken before them. Urgent and critical messages are scored back.
HEAD_START = {"critical": timedelta(hours=1), "urgent": timedelta(minutes=1)}


def queue_position(priority: str | None, due: datetime | None = None) -> datetime | None:
    """The `_defer_until` that places a job of `priority` ahead of routine jobs due at the same
    time; None (arq's own order) for routine jobs due now."""
    head_start = HEAD_START.get(priority or "")
    if head_start is None:
        return due
    return (due or datetime.now(UTC)) - head_start


def serialize(data: dict[str, Any]) -> bytes:
    """arq job serialiser: JSON, so whoever can write to Redis cannot make a worker run code."""
    return json.dumps(data, separators=(",", ":"), default=str).encode()


def deserialize(raw: bytes) -> dict[str, Any]:
    """arq job deserialiser matching `serialize`."""
    data: dict[str, Any] = json.loads(raw)
    return data


def redis_settings(url: str) -> RedisSettings:
    """arq connection settings from a `redis://` URL, with short, bounded connection retries."""
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = 2
    settings.conn_retries = 2
    settings.conn_retry_delay = 1
    return settings


async def create_queue_pool(url: str, default_queue: str) -> ArqRedis:
    """A pool for enqueuing jobs with the JSON serialiser."""
    pool: ArqRedis = await create_pool(
        redis_settings(url),
        job_serializer=serialize,
        job_deserializer=deserialize,
        default_queue_name=default_queue,
    )
    return pool
