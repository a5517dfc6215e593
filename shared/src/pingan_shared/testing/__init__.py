"""Test fixtures for every service: throwaway migrated databases, a rolled-back transaction per
test, isolated Redis servers, an ASGI client that runs the app's lifespan, and tokens."""

from pingan_shared.testing.databases import migrated_database, rolled_back
from pingan_shared.testing.http import asgi_client, bearer
from pingan_shared.testing.redis import RedisServer, free_port, redis_server_binary

__all__ = [
    "RedisServer",
    "asgi_client",
    "bearer",
    "free_port",
    "migrated_database",
    "redis_server_binary",
    "rolled_back",
]
