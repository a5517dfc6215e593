"""The embedded PostgreSQL: started in a temporary folder on a free port, used, stopped."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from pingan_dev import embedded_pg
from pingan_dev.postgres import (
    PostgresServer,
    can_connect,
    database_url,
    ensure_databases,
    ensure_postgres,
    start_embedded,
)
from pingan_shared.testing.redis import free_port


@pytest.fixture(scope="module")
async def embedded() -> AsyncIterator[tuple[PostgresServer, Path]]:
    """An embedded server of this module's own, forced even where a local server answers."""
    # Not pytest's tmp_path: its root is private (0700) and the server may run as another user.
    folder = Path(tempfile.mkdtemp(prefix="pingan-dev-pg-"))
    data_dir = folder / "data"
    env = {"PINGAN_EMBEDDED_PG_PORT": str(free_port())}
    try:
        server = await ensure_postgres(env, force_embedded=True, data_dir=data_dir)
        yield server, data_dir
    finally:
        embedded_pg.stop(data_dir)
        shutil.rmtree(folder, ignore_errors=True)


async def test_the_embedded_server_answers_sql(embedded: tuple[PostgresServer, Path]) -> None:
    server, data_dir = embedded
    assert server.source == "embedded"
    assert embedded_pg.running_port(data_dir) is not None
    conn = await asyncpg.connect(server.admin_url)
    try:
        version = await conn.fetchval("SELECT version()")
        encoding = await conn.fetchval("SHOW server_encoding")
    finally:
        await conn.close()
    assert version.startswith("PostgreSQL")
    assert encoding == "UTF8"


async def test_creating_the_databases_twice_creates_them_once(
    embedded: tuple[PostgresServer, Path],
) -> None:
    server, _data_dir = embedded
    urls = [database_url(server.admin_url, f"pingan_{name}") for name in ("alpha", "beta")]
    assert await ensure_databases(urls) == ["pingan_alpha", "pingan_beta"]
    assert await ensure_databases(urls) == []
    for url in urls:
        assert await can_connect(url)


async def test_a_running_server_is_reused(embedded: tuple[PostgresServer, Path]) -> None:
    server, data_dir = embedded
    # Asked for another port, the running server keeps its own: no second postmaster starts.
    assert await start_embedded(data_dir, free_port()) == server.admin_url


async def test_stopping_closes_the_server() -> None:
    folder = Path(tempfile.mkdtemp(prefix="pingan-dev-pg-"))
    data_dir = folder / "data"
    try:
        url = await start_embedded(data_dir, free_port())
        assert await can_connect(url)
        assert embedded_pg.stop(data_dir) is True
        assert not await can_connect(url, connect_seconds=0.5)
        assert embedded_pg.running_port(data_dir) is None
        assert embedded_pg.stop(data_dir) is False
    finally:
        embedded_pg.stop(data_dir)
        shutil.rmtree(folder, ignore_errors=True)


async def test_a_server_named_by_the_environment_is_used_as_it_is(
    embedded: tuple[PostgresServer, Path],
) -> None:
    server, _data_dir = embedded
    env = {"INCIDENTS_DATABASE_URL": database_url(server.admin_url, "pingan_incidents")}
    found = await ensure_postgres(env)
    assert found == PostgresServer(server.admin_url, "environment")


async def test_a_named_server_that_does_not_answer_is_an_error() -> None:
    env = {"PINGAN_POSTGRES_URL": f"postgresql://postgres:pw@127.0.0.1:{free_port()}/postgres"}
    with pytest.raises(ConnectionError, match="PINGAN_POSTGRES_URL") as raised:
        await ensure_postgres(env)
    assert "pw" not in str(raised.value)
