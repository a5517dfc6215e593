"""A fixed-window rate limit in Redis, for routes open to the public."""

from __future__ import annotations

import structlog
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)


async def within_limit(redis: Redis, key: str, limit: int, window_seconds: int) -> bool:
    """Count one more hit on `key`; False once more than `limit` hits fall in the window.

    If Redis cannot be reached the hit is allowed: a resident's report matters more than the
    limit, and the outage is logged.
    """
    name = f"pingan:ratelimit:{key}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            # SET NX starts the window; EXPIRE NX would need Redis 7.
            pipe.set(name, 0, ex=window_seconds, nx=True)
            pipe.incr(name)
            _, count = await pipe.execute()
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        log.warning("rate_limit_unavailable", key=key, error=type(exc).__name__)
        return True
    return int(count) <= limit
