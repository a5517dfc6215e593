"""Bulk import of incidents: all rows or none, a report of bad rows, idempotent re-imports."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from incidents_factories import NANJIE, seed_areas
from incidents_import_command import run_import
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from incidents.imports.service import HEADERS, REQUIRED, Importer
from incidents.intake.models import Incident
from pingan_shared.spreadsheets import ImportFileError, Progress, read_rows

HEADER = [
    "类别",
    "简要案情",
    "发生时间",
    "纬度",
    "经度",
    "区划代码",
    "警情编号",
    "损失金额",
    "作案手段",
]
GOOD = [
    [
        "theft",
        "电动车被盗",
        "2026-03-01 21:30",
        "25.5561",
        "102.4682",
        NANJIE,
        "P-001",
        "3200",
        "剪锁",
    ],
    ["fraud", "冒充客服诈骗", "2026-03-02 10:00", "25.5562", "102.4683", NANJIE, "", "", ""],
    [
        "fight",
        "酒后打架",
        "2026-03-03 23:10:00+08:00",
        "25.5563",
        "102.4684",
        NANJIE,
        "P-003",
        "",
        "",
    ],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def _importer(connection: AsyncConnection) -> Importer:
    raw = await connection.get_raw_connection()
    importer = Importer(raw.driver_connection, "import:test")
    await importer.load_catalogue()
    return importer


def _quiet(total: int) -> Progress:
    return Progress("test", total, stream=io.StringIO())


async def count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(Incident))).scalar_one()


async def test_good_rows_are_imported_once(
    tmp_path: Path, connection: AsyncConnection, session: AsyncSession
) -> None:
    rows = list(read_rows(write_csv(tmp_path / "a.csv", GOOD), HEADERS, REQUIRED))
    importer = await _importer(connection)
    records, errors = importer.check(rows, _quiet(len(rows)))
    assert errors == []
    assert await importer.write(records, _quiet(len(records))) == 3
    stored = (
        (await session.execute(select(Incident).order_by(Incident.occurred_at))).scalars().all()
    )
    assert [i.category for i in stored] == ["theft", "fraud", "fight"]
    assert (
        stored[0].occurred_at.isoformat() == "2026-03-01T13:30:00+00:00"
    )  # local time read as +08:00
    assert stored[0].loss_amount == 3200
    assert stored[0].modus_operandi == ["剪锁"]
    assert stored[1].external_ref.startswith("row-")  # no reference given: one from the content


async def test_bad_rows_are_reported_and_nothing_is_written(
    tmp_path: Path, connection: AsyncConnection, session: AsyncSession
) -> None:
    bad = [
        *GOOD,
        ["ufo", "飞碟", "2026-03-01 21:30", "25.5", "102.4", NANJIE, "", "", ""],
        ["theft", "失窃", "2026-03-01 21:30", "91", "102.4", NANJIE, "", "", ""],
        ["theft", "失窃", "明天", "25.5", "102.4", "530128999999", "", "", ""],
    ]
    rows = list(read_rows(write_csv(tmp_path / "b.csv", bad), HEADERS, REQUIRED))
    _, errors = (await _importer(connection)).check(rows, _quiet(len(rows)))
    found = {(e.row, e.field) for e in errors}
    assert (5, "category") in found
    assert (6, "location.lat") in found
    assert (7, "occurred_at") in found
    assert await count(session) == 0


async def test_xlsx_with_real_datetimes(tmp_path: Path, connection: AsyncConnection) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(
        [
            "theft",
            "电动车被盗",
            datetime(2026, 3, 1, 21, 30),
            25.5561,
            102.4682,
            NANJIE,
            "X-1",
            100,
            None,
        ]
    )
    book.save(tmp_path / "c.xlsx")
    rows = list(read_rows(tmp_path / "c.xlsx", HEADERS, REQUIRED))
    records, errors = (await _importer(connection)).check(rows, _quiet(1))
    assert errors == []
    assert records[0].occurred_at.isoformat() == "2026-03-01T13:30:00+00:00"


def test_a_file_without_the_needed_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("名称,地址\n甲,乙\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="area_code"):
        list(read_rows(path, HEADERS, REQUIRED))


def test_the_command_writes_an_error_report_and_exits_1(tmp_path: Path, database_url: str) -> None:
    bad = write_csv(
        tmp_path / "e.csv",
        [["ufo", "飞碟", "2026-03-01 21:30", "25.5", "102.4", NANJIE, "", "", ""]],
    )
    done = run_import(database_url, "import-incidents", str(bad))
    assert done.returncode == 1, done.stderr
    assert "nothing was imported" in done.stderr
    report = (tmp_path / "e.csv.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0].startswith("row")
    assert report[1].startswith("2,category,")


def test_the_report_numbers_rows_as_the_sheet_does_after_a_blank_row(
    tmp_path: Path, database_url: str
) -> None:
    ufo = ["ufo", "飞碟", "2026-03-01 21:30", "25.5", "102.4", NANJIE, "", "", ""]
    # Sheet rows: 1 header, 2 bad, 3 blank, 4 empty cells only, 5 bad.
    path = write_csv(tmp_path / "f.csv", [ufo, [], [""] * len(HEADER), ufo])
    done = run_import(database_url, "import-incidents", str(path))
    assert done.returncode == 1, done.stderr
    assert "2 of 2 rows are bad" in done.stderr
    report = (tmp_path / "f.csv.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "row 行号,field 字段,message 错误"
    assert {line.split(",")[0] for line in report[1:]} == {"2", "5"}
    assert any(line.startswith("5,category,") for line in report)


def test_the_report_may_be_xlsx_and_no_other_kind(tmp_path: Path, database_url: str) -> None:
    bad = write_csv(
        tmp_path / "g.csv",
        [["ufo", "飞碟", "2026-03-01 21:30", "25.5", "102.4", NANJIE, "", "", ""]],
    )
    codes = {}
    for name in ("report.xlsx", "report.txt"):
        done = run_import(
            database_url, "import-incidents", str(bad), "--errors", name, cwd=tmp_path
        )
        codes[name] = (done.returncode, done.stderr)
    assert codes["report.xlsx"][0] == 1, codes
    assert codes["report.txt"][0] == 2, codes
    assert "--errors takes a .csv or .xlsx path" in codes["report.txt"][1]
    assert not (tmp_path / "report.txt").exists()
    sheet = load_workbook(tmp_path / "report.xlsx", read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("row 行号", "field 字段", "message 错误")
    assert (2, "category") in {(r[0], r[1]) for r in rows[1:]}
