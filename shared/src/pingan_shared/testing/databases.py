"""Throwaway databases migrated with Alembic, and a rolled-back transaction per test."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection

from pingan_shared import migrations
from pingan_shared.db import Database

_TEST_DB = re.compile(r"^pingan_test_[a-z]+_(\d+)$")


def admin_dsn() -> str:
    """The admin URL of the PostgreSQL server tests create databases on."""
    return os.environ.get(
        "PINGAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )


def _with_database(dsn: str, name: str, driver: str = "postgresql") -> str:
    base = dsn.rsplit("/", 1)[0]
    return f"{base}/{name}".replace("postgresql://", f"{driver}://", 1)


async def _drop_stale(connection: asyncpg.Connection) -> None:
    """Drop test databases left by runs whose process is gone."""
    for record in await connection.fetch(
        "SELECT datname FROM pg_database WHERE datname LIKE 'pingan_test_%'"
    ):
        match = _TEST_DB.match(record["datname"])
        if match and not _process_alive(int(match.group(1))):
            await connection.execute(f'DROP DATABASE IF EXISTS "{record["datname"]}" WITH (FORCE)')


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@asynccontextmanager
async def migrated_database(service: str, migrations_dir: Path) -> AsyncIterator[str]:
    """A fresh database for this test process, migrated to head; dropped afterwards."""
    dsn = admin_dsn()
    name = f"pingan_test_{service}_{os.getpid()}"
    admin = await asyncpg.connect(dsn)
    try:
        await _drop_stale(admin)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = _with_database(dsn, name, "postgresql+asyncpg")
    await asyncio.to_thread(migrations.upgrade, migrations_dir, url)
    try:
        yield url
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@asynccontextmanager
async def rolled_back(database: Database) -> AsyncIterator[AsyncConnection]:
    """Bind `database` to one connection whose transaction is rolled back at the end."""
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        database.bind_to(connection)
        try:
            yield connection
        finally:
            database.unbind()
            await transaction.rollback()
