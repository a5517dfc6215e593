"""`import-units`: Chinese or English headers, CSV or XLSX; all rows or none with a per-row
report; the same file twice changes nothing; parents by key or name; one audit entry."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col

from assessment.audit.models import AuditEntry
from assessment.units.models import Unit
from assessment.units.transfer_command import run_units_import
from pingan_shared.db import Database

from .assessment_unit_sheets import CHINESE, ENGLISH, TOWN_LIST, read_xlsx, write_sheet
from .factories import NANJIE_GRID, create_unit


@pytest.fixture
def database(
    app_and_client: tuple[FastAPI, httpx.AsyncClient], connection: AsyncConnection
) -> Database:
    """The app's database, bound to the test's rolled-back transaction."""
    db: Database = app_and_client[0].state.database
    return db


async def run(database: Database, path: Path, *flags: str) -> int:
    """`python -m assessment import-units PATH FLAGS…` on the test's database."""
    args = argparse.Namespace(file=path, dry_run="--dry-run" in flags, errors=None, actor="tester")
    if "--errors" in flags:
        args.errors = flags[flags.index("--errors") + 1]
    return await run_units_import(database, args)


async def units(session: AsyncSession) -> dict[str, Unit]:
    found = (
        await session.execute(select(Unit).execution_options(populate_existing=True))
    ).scalars()
    return {u.name: u for u in found}


async def imports_audited(session: AsyncSession) -> int:
    query = select(func.count()).where(col(AuditEntry.action) == "units.import")
    return int((await session.execute(query)).scalar_one())


@pytest.mark.parametrize(("name", "header"), [("list.csv", CHINESE), ("list.xlsx", ENGLISH)])
async def test_imports_a_town_list(
    database: Database,
    session: AsyncSession,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    header: list[str],
) -> None:
    path = write_sheet(tmp_path / name, header)
    assert await run(database, path) == 0
    assert "imported 3 rows: 3 new units, 0 changed, 0 unchanged" in capsys.readouterr().out
    found = await units(session)
    committee, school, compound = (found[row[2]] for row in TOWN_LIST)
    assert committee.kind == "community"
    assert committee.key == "sq-nanjie"
    assert school.kind == "campus"
    assert school.key is None
    assert school.contact_phone == "13812345678"  # a number in Excel, text here
    assert school.parent_unit_id == committee.id  # by name, in an area above
    assert compound.parent_unit_id == committee.id  # by key
    assert compound.contact_wecom_user_id is None
    assert await imports_audited(session) == 1


async def test_the_same_file_twice_changes_nothing(
    database: Database, session: AsyncSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_sheet(tmp_path / "list.csv")
    assert await run(database, path) == 0
    before = {n: (u.id, u.version) for n, u in (await units(session)).items()}
    assert await run(database, path) == 0
    assert "3 rows: 0 new units, 0 changed, 3 unchanged" in capsys.readouterr().out
    assert {n: (u.id, u.version) for n, u in (await units(session)).items()} == before


async def test_a_changed_row_updates_its_unit(
    database: Database, session: AsyncSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(database, write_sheet(tmp_path / "list.csv")) == 0
    changed = [list(r) for r in TOWN_LIST]
    changed[1][5] = "13600003333"
    assert await run(database, write_sheet(tmp_path / "again.csv", CHINESE, changed)) == 0
    assert "0 new units, 1 changed, 2 unchanged" in capsys.readouterr().out
    school = (await units(session))["禄劝县第一中学"]
    assert school.contact_phone == "13600003333"
    assert school.version == 2


async def test_an_absent_column_leaves_fields_alone_and_an_empty_cell_clears(
    database: Database, session: AsyncSession, tmp_path: Path
) -> None:
    assert await run(database, write_sheet(tmp_path / "list.csv")) == 0
    without = [r[:6] for r in TOWN_LIST]  # no WeCom id, no parent column
    assert await run(database, write_sheet(tmp_path / "short.csv", CHINESE[:6], without)) == 0
    school = (await units(session))["禄劝县第一中学"]
    assert school.contact_wecom_user_id == "zhangli"
    assert school.parent_unit_id is not None
    cleared = [list(r) for r in TOWN_LIST]
    cleared[1][6] = ""
    cleared[1][7] = ""
    assert await run(database, write_sheet(tmp_path / "cleared.csv", CHINESE, cleared)) == 0
    school = (await units(session))["禄劝县第一中学"]
    assert school.contact_wecom_user_id is None
    assert school.parent_unit_id is None


async def test_rows_are_matched_by_key_or_by_area_and_name(
    client: httpx.AsyncClient, database: Database, session: AsyncSession, tmp_path: Path
) -> None:
    registered = await create_unit(client)  # 禄劝县第一中学, no key
    keyed = [list(r) for r in TOWN_LIST]
    keyed[1][0] = "school-1"  # the row now gives the registered school a key
    assert await run(database, write_sheet(tmp_path / "list.csv", CHINESE, keyed)) == 0
    school = (await units(session))["禄劝县第一中学"]
    assert school.id == uuid_of(registered)
    assert school.key == "school-1"
    renamed = [list(r) for r in keyed]
    renamed[1][2] = "禄劝县第一中学(高中部)"
    assert await run(database, write_sheet(tmp_path / "renamed.csv", CHINESE, renamed)) == 0
    assert (await units(session))["禄劝县第一中学(高中部)"].id == uuid_of(registered)


def uuid_of(unit: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(unit["id"])


async def test_dry_run_writes_nothing(
    database: Database, session: AsyncSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(database, write_sheet(tmp_path / "list.xlsx"), "--dry-run") == 0
    assert "would import 3 rows: 3 new units" in capsys.readouterr().out
    assert await units(session) == {}
    assert await imports_audited(session) == 0


BAD_ROWS: list[list[Any]] = [
    ["", "医院", "县人民医院", NANJIE_GRID, "赵六", "13800000001", "", ""],
    ["", "小区", "", NANJIE_GRID, "赵六", "13800000002", "", ""],
    ["", "小区", "阳光小区", NANJIE_GRID, "赵六", "12345", "", ""],
    ["", "小区", "翠屏小区", NANJIE_GRID, "钱七", "13800000003", "", ""],
    ["", "小区", "月光小区", "53a", "赵六", "13800000004", "", ""],
    ["", "小区", "星光小区", NANJIE_GRID, "赵六", "13800000005", "", "不存在的社区"],
    ["", "小区", "晨光小区", NANJIE_GRID, "赵六", "13800000006", "", "晨光小区"],
]


async def test_bad_rows_are_reported_and_nothing_is_written(
    database: Database, session: AsyncSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [*TOWN_LIST, *BAD_ROWS]
    path = write_sheet(tmp_path / "list.csv", CHINESE, rows)
    assert await run(database, path) == 1
    assert "7 of 10 rows are bad; nothing was imported" in capsys.readouterr().err
    report = (tmp_path / "list.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "row 行号,column 列,message 错误"
    by_row: dict[int, list[tuple[str, str]]] = {}
    for line in report[1:]:
        row, column, message = line.split(",", 2)
        by_row.setdefault(int(row), []).append((column, message))
    assert by_row[5][0][0] == "类型"
    assert "平安单位" in by_row[5][0][1]
    assert by_row[6][0][0] == "单位名称"
    assert by_row[7][0][0] == "联系电话"
    assert by_row[8] == [("单位名称", "row 4 names it too")]
    assert by_row[9][0][0] == "区划代码"
    assert by_row[10][0][0] == "上级单位"
    assert by_row[11] == [("上级单位", "a unit cannot be above itself")]
    assert await units(session) == {}


async def test_a_unit_cannot_be_its_own_parent(
    database: Database, session: AsyncSession, tmp_path: Path
) -> None:
    rows = [
        ["a", "社区", "甲社区", NANJIE_GRID, "赵六", "13800000001", "", "b"],
        ["b", "社区", "乙社区", NANJIE_GRID, "赵六", "13800000002", "", "a"],
        ["c", "社区", "丙社区", NANJIE_GRID, "赵六", "13800000003", "", "c"],
    ]
    path = write_sheet(tmp_path / "list.xlsx", CHINESE, rows)
    assert await run(database, path, "--errors", str(tmp_path / "report.xlsx")) == 1
    report = read_xlsx((tmp_path / "report.xlsx").read_bytes())
    assert report[1:] == [
        [3, "上级单位", "a unit cannot be above itself"],
        [4, "上级单位", "a unit cannot be above itself"],
    ]
    assert await units(session) == {}


async def test_an_ambiguous_parent_name_asks_for_the_key(
    client: httpx.AsyncClient,
    database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await create_unit(client, kind="community", name="南街社区居委会", area_code="530128100001")
    await create_unit(client, kind="community", name="南街社区居委会", area_code=NANJIE_GRID)
    rows = [
        ["", "小区", "翠屏小区", NANJIE_GRID + "01", "李强", "13700002222", "", "南街社区居委会"]
    ]
    path = write_sheet(tmp_path / "list.csv", CHINESE, rows)
    assert await run(database, path, "--errors", "-") == 1
    assert "row 2, 上级单位: several units have this name" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        ("单位名称,区划代码\n某单位,530128\n".encode(), "lacks the columns"),
        (b"\xff\xfe\x00bad", "UTF-8"),
    ],
)
async def test_unreadable_files(
    database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    assert await run(database, path) == 2
    assert message in capsys.readouterr().err


async def test_not_a_table(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, content in [("list.txt", b"x"), ("list.xlsx", b"not a zip")]:
        path = tmp_path / name
        path.write_bytes(content)
        assert await run(database, path) == 2
    err = capsys.readouterr().err
    assert "give a .csv or .xlsx file" in err
    assert "not a readable XLSX workbook" in err
