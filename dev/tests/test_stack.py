"""The environment handed to the services' processes."""

from __future__ import annotations

from pingan_dev.paths import venv_bin
from pingan_dev.postgres import PostgresServer, admin_url_of
from pingan_dev.redis_local import RedisServer
from pingan_dev.stack import Stack, database_urls, process_env

LOCAL = PostgresServer("postgresql://postgres@127.0.0.1:5432/postgres", "local")


def _stack(env: dict[str, str]) -> Stack:
    return Stack(LOCAL, RedisServer("redis://127.0.0.1:6379/0", "local"), database_urls(LOCAL, env))


def test_each_service_gets_its_own_database_ports_and_the_shared_names() -> None:
    env = process_env(_stack({}), {"PATH": "/usr/bin"})
    assert env["INCIDENTS_DATABASE_URL"] == (
        "postgresql+asyncpg://postgres@127.0.0.1:5432/pingan_incidents"
    )
    assert env["ASSESSMENT_DATABASE_URL"].endswith("/pingan_assessment")
    assert env["NOTIFY_DATABASE_URL"].endswith("/pingan_notify")
    assert (env["INCIDENTS_PORT"], env["ASSESSMENT_PORT"], env["NOTIFY_PORT"]) == (
        "8001",
        "8002",
        "8003",
    )
    assert env["INCIDENTS_URL"] == "http://127.0.0.1:8001"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert env["PINGAN_ENV"] == "development"
    assert env["PATH"].split(":")[:2] == [str(venv_bin()), "/usr/bin"]


def test_what_the_developer_set_wins() -> None:
    mine = {
        "INCIDENTS_DATABASE_URL": "postgresql+asyncpg://app:pw@db.local:6543/incidents_dev",
        "INCIDENTS_PORT": "9101",
        "PINGAN_ENV": "test",
    }
    env = process_env(_stack(mine), mine)
    assert env["INCIDENTS_DATABASE_URL"] == mine["INCIDENTS_DATABASE_URL"]
    assert env["INCIDENTS_URL"] == "http://127.0.0.1:9101"
    assert env["PINGAN_ENV"] == "test"
    assert env["NOTIFY_DATABASE_URL"].endswith("@127.0.0.1:5432/pingan_notify")


def test_the_admin_url_keeps_the_credentials_and_names_the_postgres_database() -> None:
    url = admin_url_of("postgresql+asyncpg://app:pw@db.local:6543/incidents_dev?ssl=require")
    assert url == "postgresql://app:pw@db.local:6543/postgres?ssl=require"
