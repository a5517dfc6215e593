"""The API key command line: issue a key, use it, revoke it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from incidents.config import get_settings
from incidents.open311.keys import hash_key, main


def test_an_area_that_is_not_a_code_is_refused() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["issue", "--client", "x", "--area", "南街"])
    assert exit_info.value.code == 2


async def _stored(dsn: str, client: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch(
            "SELECT key_hash, areas, active FROM open311_api_keys WHERE client_name = $1", client
        )
    finally:
        await conn.close()


def test_issue_and_revoke_from_the_command_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    monkeypatch.setenv("INCIDENTS_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["issue", "--client", "cli-test", "--area", "530128100"]) == 0
        key = capsys.readouterr().out.split(": ", 1)[1].split()[0]
        [row] = asyncio.run(_stored(dsn, "cli-test"))
        assert (row["key_hash"], row["areas"], row["active"]) == (
            hash_key(key),
            ["530128100"],
            True,
        )
        assert main(["revoke", "--client", "cli-test"]) == 0
        assert capsys.readouterr().out == "revoked cli-test\n"
        [row] = asyncio.run(_stored(dsn, "cli-test"))
        assert row["active"] is False
    finally:
        get_settings.cache_clear()

        async def delete() -> None:
            conn = await asyncpg.connect(dsn)
            await conn.execute("DELETE FROM open311_api_keys WHERE client_name = 'cli-test'")
            await conn.close()

        asyncio.run(delete())
