"""Unit lists as the town keeps them: CSV and XLSX files with Chinese (or English) headers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from .factories import NANJIE, NANJIE_GRID

CHINESE = ["外部编号", "类型", "单位名称", "区划代码", "联系人", "联系电话", "企业微信", "上级单位"]
ENGLISH = [
    "key",
    "kind",
    "name",
    "area_code",
    "contact_name",
    "contact_phone",
    "contact_wecom_user_id",
    "parent",
]
# A committee, a school in one of its grids (parent by name) and a compound (parent by key).
TOWN_LIST: list[list[Any]] = [
    ["sq-nanjie", "社区", "南街社区居民委员会", NANJIE, "王芳", "13900001111", "wangfang", ""],
    [
        "",
        "平安校园",
        "禄劝县第一中学",
        NANJIE_GRID,
        "张丽",
        13812345678,
        "zhangli",
        "南街社区居民委员会",
    ],
    ["xq-01", "小区", "翠屏小区", NANJIE_GRID, "李强", "13700002222", "", "sq-nanjie"],
]


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A CSV file as a spreadsheet program saves it: UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """An XLSX workbook whose first sheet holds the table."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_sheet(
    path: Path, header: Sequence[str] = CHINESE, rows: Sequence[Sequence[Any]] = TOWN_LIST
) -> Path:
    """Write the table to `path`, CSV or XLSX by its suffix."""
    data = xlsx_bytes(header, rows) if path.suffix == ".xlsx" else csv_bytes(header, rows)
    path.write_bytes(data)
    return path


def read_xlsx(data: bytes) -> list[list[Any]]:
    """The first sheet's rows."""
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a UTF-8 CSV with a byte-order mark."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
