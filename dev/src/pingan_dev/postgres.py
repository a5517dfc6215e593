"""Finding a PostgreSQL server for development and tests, and creating the services' databases.

Order: a server the environment names, else one answering on 127.0.0.1:5432 as `postgres`,
else the embedded server (data in `.pingan/postgres`, started once and reused). PINGAN_EMBEDDED=1
goes straight to the embedded server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

from pingan_dev import embedded_pg
from pingan_dev.net import display_url
from pingan_dev.paths import state_dir, wants_embedded

LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_EMBEDDED_PORT = 54329
# Checked in this order; the first one set names the server.
URL_VARIABLES = (
    "PINGAN_POSTGRES_URL",
    "INCIDENTS_DATABASE_URL",
    "ASSESSMENT_DATABASE_URL",
    "NOTIFY_DATABASE_URL",
)


@dataclass(frozen=True)
class PostgresServer:
    """A reachable server: its admin URL (`postgresql://…/postgres`) and how it was found."""

    admin_url: str
    source: str  # "environment", "local" or "embedded"


def admin_url_of(url: str) -> str:
    """The `postgresql://user@host:port/postgres` URL of the server any SQLAlchemy URL points at."""
    parsed = make_url(url).set(drivername="postgresql", database="postgres")
    return parsed.render_as_string(hide_password=False)


def database_url(admin_url: str, database: str) -> str:
    """The SQLAlchemy asyncpg URL of one database on the server of admin_url."""
    parsed = make_url(admin_url).set(drivername="postgresql+asyncpg", database=database)
    return parsed.render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> str:
    # asyncpg understands only the plain scheme, not SQLAlchemy's `+driver` suffix.
    parsed: URL = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


async def can_connect(url: str, connect_seconds: float = 2.0) -> bool:
    """True when a session can be opened with url within connect_seconds."""
    try:
        conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=connect_seconds)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    await conn.close()
    return True


async def wait_until_ready(url: str, patience_seconds: float = 30.0) -> None:
    """Wait until url accepts sessions; raise TimeoutError after patience_seconds."""
    deadline = time.monotonic() + patience_seconds
    while not await can_connect(url):
        if time.monotonic() > deadline:
            message = f"PostgreSQL at {url} did not accept connections in {patience_seconds:.0f} s"
            raise TimeoutError(message)
        await asyncio.sleep(0.2)


def embedded_admin_url(port: int) -> str:
    """The admin URL of an embedded server listening on 127.0.0.1:port."""
    return f"postgresql://{embedded_pg.SUPERUSER}@127.0.0.1:{port}/postgres"


async def start_embedded(data_dir: Path, port: int, log_file: Path | None = None) -> str:
    """Start (or reuse) the embedded server on data_dir and port; return its admin URL.

    A server already running on data_dir is reused on whatever port it listens.
    """
    log = log_file or data_dir.parent / f"{data_dir.name}.log"
    running = embedded_pg.running_port(data_dir)
    if running is not None:
        url = embedded_admin_url(running)
        await wait_until_ready(url)
        return url
    who = embedded_pg.run_as()
    embedded_pg.prepare_data_dir(data_dir, log, who)
    await asyncio.to_thread(embedded_pg.initdb, data_dir, who)
    await asyncio.to_thread(embedded_pg.start, data_dir, port, log, who)
    url = embedded_admin_url(port)
    await wait_until_ready(url)
    return url


def embedded_data_dir() -> Path:
    """The embedded server's data folder of this checkout."""
    return state_dir() / "postgres"


def embedded_port(env: Mapping[str, str]) -> int:
    """The embedded server's port: PINGAN_EMBEDDED_PG_PORT, else 54329."""
    return int(env.get("PINGAN_EMBEDDED_PG_PORT") or DEFAULT_EMBEDDED_PORT)


async def ensure_postgres(
    env: Mapping[str, str],
    *,
    extra_variables: tuple[str, ...] = (),
    force_embedded: bool = False,
    data_dir: Path | None = None,
) -> PostgresServer:
    """Find or start a PostgreSQL server as the module docstring orders.

    extra_variables are consulted before the usual ones; force_embedded skips to the embedded
    server, whose data lives in data_dir (default `.pingan/postgres`).
    """
    if not (force_embedded or wants_embedded(env)):
        for name in (*extra_variables, *URL_VARIABLES):
            if env.get(name):
                url = admin_url_of(env[name])
                if not await can_connect(url, connect_seconds=5):
                    raise ConnectionError(
                        f"{name} names a server that does not answer: {display_url(url)}"
                    )
                return PostgresServer(url, "environment")
        if await can_connect(LOCAL_ADMIN_URL, connect_seconds=1.5):
            return PostgresServer(LOCAL_ADMIN_URL, "local")
    folder = data_dir or embedded_data_dir()
    url = await start_embedded(folder, embedded_port(env), folder.parent / f"{folder.name}.log")
    return PostgresServer(url, "embedded")


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def ensure_databases(urls: Iterable[str]) -> list[str]:
    """Create each URL's database on its server unless it exists; return the names created."""
    created: list[str] = []
    for url in urls:
        name = make_url(url).database
        if not name:
            raise ValueError(f"database URL without a database name: {url}")
        conn = await asyncpg.connect(_asyncpg_dsn(admin_url_of(url)), timeout=10)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if exists:
                continue
            try:
                # CREATE DATABASE takes no bind parameters; the name is quoted as an identifier.
                await conn.execute(f"CREATE DATABASE {_quote_identifier(name)}")
            except asyncpg.DuplicateDatabaseError:
                continue  # created by a concurrent run in the meantime
            created.append(name)
        finally:
            await conn.close()
    return created
