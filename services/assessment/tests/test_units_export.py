"""Unit exports (route and command): the import's columns, the caller's areas, streamed; an
export imports back unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from assessment.units.exports import HEADER, export_to_file

from .assessment_unit_sheets import CHINESE, TOWN_LIST, csv_bytes, read_csv, read_xlsx, write_sheet
from .factories import ADMIN, BEIJIE, NANJIE, NANJIE_GRID, auth, create_unit

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PATHS = ("/v1/units/export.csv", "/v1/units/export.xlsx")


async def _town(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/units/import",
        content=csv_bytes(CHINESE, TOWN_LIST),
        headers={**ADMIN, "Content-Type": CSV},
    )
    assert response.status_code == 200, response.text
    await create_unit(client, kind="market", name="北街农贸市场", area_code=BEIJIE)


async def _rows(
    client: httpx.AsyncClient, path: str, headers: dict[str, str] = ADMIN
) -> list[list[object]]:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    if path.split("?")[0].endswith(".xlsx"):
        assert response.headers["content-type"] == XLSX
        return read_xlsx(response.content)
    assert response.headers["content-type"] == CSV
    assert 'filename="units.csv"' in response.headers["content-disposition"]
    return [list(r) for r in read_csv(response.content)]


@pytest.mark.parametrize("path", PATHS)
async def test_exports_the_import_columns(client: httpx.AsyncClient, path: str) -> None:
    await _town(client)
    rows = await _rows(client, path)
    assert rows[0] == list(HEADER)
    assert rows[0] == [*CHINESE[:4], "地点编号", *CHINESE[4:]]
    by_name = {r[2]: r for r in rows[1:]}
    assert list(by_name) == ["南街社区居民委员会", "禄劝县第一中学", "翠屏小区", "北街农贸市场"]
    school = by_name["禄劝县第一中学"]
    assert school[1] == "平安校园"
    assert school[6] == "13812345678"  # admins see the phone
    assert school[8] == "sq-nanjie"  # the parent by its key
    empty = "" if path.endswith(".csv") else None
    assert school[0] == empty
    assert by_name["北街农贸市场"][1] == "平安市场"


@pytest.mark.parametrize("path", PATHS)
async def test_exports_the_callers_areas_and_filters(client: httpx.AsyncClient, path: str) -> None:
    await _town(client)
    names = [r[2] for r in (await _rows(client, path, auth("leader", areas=[NANJIE])))[1:]]
    assert names == ["南街社区居民委员会", "禄劝县第一中学", "翠屏小区"]
    names = [r[2] for r in (await _rows(client, f"{path}?kind=campus"))[1:]]
    assert names == ["禄劝县第一中学"]
    names = [r[2] for r in (await _rows(client, f"{path}?area={BEIJIE}"))[1:]]
    assert names == ["北街农贸市场"]
    assert await _rows(client, path, auth("leader", areas=["530129"])) == [list(HEADER)]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", PATHS)
async def test_export_by_role(client: httpx.AsyncClient, role: str, path: str) -> None:
    response = await client.get(path, headers=auth(role))
    assert response.status_code == (200 if role in {"admin", "leader"} else 403), response.text


@pytest.mark.parametrize("path", PATHS)
async def test_export_without_token(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"), [("kind=hospital", "query.kind"), ("area=x", "query.area")]
)
async def test_export_bad_queries(client: httpx.AsyncClient, query: str, field: str) -> None:
    response = await client.get(f"/v1/units/export.csv?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_an_export_imports_back_unchanged(
    client: httpx.AsyncClient,
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
    connection: AsyncConnection,
    tmp_path: Path,
    suffix: str,
) -> None:
    await _town(client)
    path = tmp_path / f"units{suffix}"
    await export_to_file(app_and_client[0].state.database, path, [NANJIE[:6]])
    media_type = XLSX if suffix == ".xlsx" else CSV
    response = await client.post(
        "/v1/units/import?dry_run=true",
        content=path.read_bytes(),
        headers={**ADMIN, "Content-Type": media_type},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "rows": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "dry_run": True,
    }


def _command(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSESSMENT_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "assessment", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_commands(tmp_path: Path, database_url: str) -> None:
    exported = tmp_path / "units.xlsx"
    done = _command(database_url, "export-units", str(exported), "--area", "530199")
    assert done.returncode == 0, done.stderr
    assert read_xlsx(exported.read_bytes()) == [list(HEADER)]
    bad = write_sheet(
        tmp_path / "list.csv", CHINESE, [["", "小区", "甲", NANJIE_GRID, "", "1", "", ""]]
    )
    done = _command(database_url, "import-units", str(bad))
    assert done.returncode == 1, done.stderr
    assert "checking" in done.stderr  # the progress bar's last line
    assert "1 of 1 rows are bad; nothing was imported" in done.stderr
    report = (tmp_path / "list.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[1].startswith("2,联系人,")
    done = _command(database_url, "export-units", str(tmp_path / "units.txt"))
    assert done.returncode == 2
