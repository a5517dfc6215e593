"""The development stack: PostgreSQL, Redis, the services' databases and their environment."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from pingan_dev.net import display_url
from pingan_dev.paths import path_with_venv
from pingan_dev.postgres import PostgresServer, database_url, ensure_databases, ensure_postgres
from pingan_dev.redis_local import RedisServer, ensure_redis
from pingan_shared.testing.redis import redis_server_binary

# The services, in the order their demo data must load (assessment reads incidents' areas).
SERVICES = ("incidents", "assessment", "notify")
DEFAULT_PORTS = {"incidents": 8001, "assessment": 8002, "notify": 8003}


@dataclass(frozen=True)
class Stack:
    """The servers found or started, and each service's database URL."""

    postgres: PostgresServer
    redis: RedisServer
    database_urls: dict[str, str] = field(default_factory=dict)


def database_variable(service: str) -> str:
    """The environment variable naming a service's database, e.g. INCIDENTS_DATABASE_URL."""
    return f"{service.upper()}_DATABASE_URL"


def port_variable(service: str) -> str:
    """The environment variable naming a service's API port, e.g. INCIDENTS_PORT."""
    return f"{service.upper()}_PORT"


def service_port(service: str, env: Mapping[str, str]) -> int:
    """A service's API port: its `<SERVICE>_PORT`, else the default (8001/8002/8003)."""
    configured = env.get(port_variable(service))
    if configured:
        return int(configured)
    if service not in DEFAULT_PORTS:
        raise KeyError(f"no default port for {service}: set {port_variable(service)}")
    return DEFAULT_PORTS[service]


def database_urls(postgres: PostgresServer, env: Mapping[str, str]) -> dict[str, str]:
    """Each service's database URL: the configured one, else `pingan_<service>` on the server."""
    return {
        service: env.get(database_variable(service))
        or database_url(postgres.admin_url, f"pingan_{service}")
        for service in SERVICES
    }


async def ensure_stack(env: Mapping[str, str] | None = None) -> Stack:
    """Find or start PostgreSQL and Redis and create the three databases if missing."""
    source = os.environ if env is None else env
    postgres = await ensure_postgres(source)
    redis = ensure_redis(source)
    urls = database_urls(postgres, source)
    await ensure_databases(urls.values())
    return Stack(postgres=postgres, redis=redis, database_urls=urls)


def process_env(stack: Stack, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for migrations, demo loaders and the Procfile's processes."""
    env = dict(os.environ if base is None else base)
    for service, url in stack.database_urls.items():
        env[database_variable(service)] = url
        env[port_variable(service)] = str(service_port(service, env))
    env["REDIS_URL"] = stack.redis.url
    env.setdefault("PINGAN_ENV", "development")
    env.setdefault("INCIDENTS_URL", f"http://127.0.0.1:{env[port_variable('incidents')]}")
    # One combined log for people to read: plain lines rather than JSON, unless asked.
    env.setdefault("PINGAN_LOG_JSON", "false")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env["PATH"] = path_with_venv(env.get("PATH"))
    with contextlib.suppress(FileNotFoundError):  # only tests start servers with it
        env.setdefault("PINGAN_REDIS_SERVER_BIN", redis_server_binary())
    return env


def describe(stack: Stack) -> list[str]:
    """Human lines saying which servers are used, for the start-up log."""
    return [
        f"PostgreSQL ({stack.postgres.source}): {display_url(stack.postgres.admin_url)}",
        f"Redis ({stack.redis.source}): {display_url(stack.redis.url)}",
    ]
