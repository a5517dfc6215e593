"""Importing areas and places: all rows or none, bad rows reported by row and field, idempotent."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import asyncpg
import pytest
from incidents_boundaries import square
from incidents_factories import NANJIE, TOWN, seed_areas
from incidents_import_command import run_import
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from incidents.areas.geo import resolve_area
from incidents.areas.models import Area
from incidents.imports import areas, places
from incidents.places.models import Place
from pingan_shared.spreadsheets import Progress, read_rows

NEW_COMMUNITY, NEW_GRID = "530128100003", "530128100003001"
AREA_HEADER = ["区划代码", "名称", "级别", "上级代码", "纬度", "经度", "人口", "边界"]
AREA_ROWS = [
    # the grid comes first: parents are written before children whatever the order
    [NEW_GRID, "西街一网格", "网格", NEW_COMMUNITY, "", "", "", ""],
    [
        NEW_COMMUNITY,
        "西街社区",
        "community",
        TOWN,
        "25.5563",
        "102.4612",
        "4300",
        json.dumps(square(102.4612, 25.5563, 0.004)),
    ],
]
PLACE_HEADER = ["类型", "名称", "区划代码", "lat", "lon", "地址", "编号"]
PLACE_ROWS = [
    ["market", "南街农贸市场", NANJIE, "25.556", "102.468", "南街1号", "P-1"],
    ["shop", "小卖部", NANJIE, "", "", "", ""],
]


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _quiet(total: int) -> Progress:
    return Progress("test", total, stream=io.StringIO())


async def _raw(connection: AsyncConnection) -> asyncpg.Connection:
    conn: asyncpg.Connection = (await connection.get_raw_connection()).driver_connection
    return conn


async def _count(session: AsyncSession, model: type[Area] | type[Place]) -> int:
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def _import_areas(conn: asyncpg.Connection, path: Path) -> tuple[int, int]:
    rows = list(read_rows(path, areas.HEADERS, areas.REQUIRED))
    importer = areas.AreaImporter(conn)
    records, errors = await importer.check(rows, _quiet(len(rows)))
    assert errors == []
    return await importer.write(records, _quiet(len(records)))


async def test_areas_are_imported_once(
    tmp_path: Path, connection: AsyncConnection, session: AsyncSession
) -> None:
    conn = await _raw(connection)
    path = _csv(tmp_path / "areas.csv", AREA_HEADER, AREA_ROWS)
    before = await _count(session, Area)
    assert await _import_areas(conn, path) == (2, 0)
    assert await _count(session, Area) == before + 2
    grid = await session.get(Area, NEW_GRID)
    assert grid is not None
    assert grid.level == "grid"
    assert grid.parent_code == NEW_COMMUNITY
    assert await resolve_area(conn, 25.5563, 102.4612) == NEW_COMMUNITY
    assert await _import_areas(conn, path) == (0, 0)  # the same file again changes nothing
    renamed = [AREA_ROWS[0], [*AREA_ROWS[1][:1], "西街新社区", *AREA_ROWS[1][2:]]]
    assert await _import_areas(conn, _csv(tmp_path / "b.csv", AREA_HEADER, renamed)) == (0, 1)


async def test_bad_area_rows_are_reported_and_nothing_is_written(
    tmp_path: Path, connection: AsyncConnection, session: AsyncSession
) -> None:
    open_ring = {
        "type": "Polygon",
        "coordinates": [[[102.0, 25.0], [102.1, 25.0], [102.1, 25.1], [102.0, 25.2]]],
    }
    bad = [
        *AREA_ROWS,
        ["530128100004", "无级别", "城堡", TOWN, "", "", "", ""],
        ["530128100005", "孤儿", "community", "530128999", "", "", "", ""],
        ["530128100006", "坏边界", "community", TOWN, "", "", "", json.dumps(open_ring)],
        ["530128100007", "半个坐标", "community", TOWN, "25.5", "", "", ""],
        [NEW_GRID, "重复", "grid", NEW_COMMUNITY, "", "", "", ""],
    ]
    rows = list(
        read_rows(_csv(tmp_path / "bad.csv", AREA_HEADER, bad), areas.HEADERS, areas.REQUIRED)
    )
    before = await _count(session, Area)
    _, errors = await areas.AreaImporter(await _raw(connection)).check(rows, _quiet(len(rows)))
    found = {(e.row, e.field) for e in errors}
    assert found == {
        (4, "level"),
        (5, "parent_code"),
        (6, "boundary.coordinates.0"),
        (7, "lat"),
        (8, "code"),
    }
    assert await _count(session, Area) == before


async def test_places_are_imported_once_from_xlsx(
    tmp_path: Path, connection: AsyncConnection, session: AsyncSession
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [PLACE_HEADER, *PLACE_ROWS]:
        sheet.append([float(v) if v[:2] in ("25", "10") else (v or None) for v in row])
    book.save(tmp_path / "places.xlsx")
    rows = list(read_rows(tmp_path / "places.xlsx", places.HEADERS, places.REQUIRED))
    importer = places.PlaceImporter(await _raw(connection))
    for expected in [(2, 0), (0, 0)]:
        records, errors = await importer.check(rows, _quiet(len(rows)))
        assert errors == []
        assert await importer.write(records, _quiet(len(records))) == expected
    assert await _count(session, Place) == 2
    market = (await session.execute(select(Place).where(Place.external_key == "P-1"))).scalar_one()
    assert market.area_code == NANJIE
    assert market.lat == 25.556


async def test_bad_place_rows_are_reported(
    tmp_path: Path, connection: AsyncConnection, session: AsyncSession
) -> None:
    bad = [
        *PLACE_ROWS,
        ["castle", "城堡", NANJIE, "", "", "", ""],
        ["shop", "无区划", "530128100009", "", "", "", ""],
        ["shop", "坐标", NANJIE, "95", "102.4", "", ""],
        ["shop", "重号", NANJIE, "", "", "", "P-1"],
    ]
    rows = list(
        read_rows(_csv(tmp_path / "p.csv", PLACE_HEADER, bad), places.HEADERS, places.REQUIRED)
    )
    _, errors = await places.PlaceImporter(await _raw(connection)).check(rows, _quiet(len(rows)))
    assert {(e.row, e.field) for e in errors} == {
        (4, "kind"),
        (5, "area_code"),
        (6, "lat"),
        (7, "external_key"),
    }
    assert await _count(session, Place) == 0


async def test_bad_rows_after_blank_rows_keep_the_sheets_numbers(
    tmp_path: Path, connection: AsyncConnection
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    # Sheet rows: 1 header, 2 good, 3 and 4 blank, 5 bad.
    sheet.append(PLACE_HEADER)
    sheet.append(PLACE_ROWS[1])
    sheet.append([])
    sheet.append([None] * len(PLACE_HEADER))
    sheet.append(["castle", "城堡", NANJIE])
    book.save(tmp_path / "gaps.xlsx")
    rows = read_rows(tmp_path / "gaps.xlsx", places.HEADERS, places.REQUIRED)
    _, errors = await places.PlaceImporter(await _raw(connection)).check(rows, _quiet(len(rows)))
    assert [(e.row, e.field) for e in errors] == [(5, "kind")]


def test_the_commands_report_bad_rows_and_exit_1(tmp_path: Path, database_url: str) -> None:
    files = {
        "import-areas": _csv(
            tmp_path / "a.csv",
            AREA_HEADER,
            [["530128100004", "无级别", "城堡", TOWN, "", "", "", ""]],
        ),
        "import-places": _csv(
            tmp_path / "p.csv", PLACE_HEADER, [["castle", "城堡", "530128100009", "", "", "", ""]]
        ),
    }
    for command, path in files.items():
        done = run_import(database_url, command, str(path))
        assert done.returncode == 1, done.stderr
        assert "nothing was imported" in done.stderr
        report = Path(f"{path}.errors.csv").read_text(encoding="utf-8-sig").splitlines()
        assert report[1].startswith("2,"), report
