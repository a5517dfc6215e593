"""Rows of a CSV or XLSX file as dictionaries keyed by field name; headers may be English field
names or the Chinese labels of the town's spreadsheets."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

HEADERS = {
    "category": ("类别", "案件类型"),
    "severity": ("严重程度",),
    "title": ("标题",),
    "description": ("描述", "简要案情"),
    "occurred_at": ("发生时间",),
    "occurred_from": ("发生时间起",),
    "occurred_to": ("发生时间止",),
    "lat": ("纬度",),
    "lon": ("经度",),
    "coord_system": ("坐标系",),
    "address": ("地址", "发案地点"),
    "area_code": ("区划代码",),
    "reporter_name": ("报警人",),
    "reporter_phone": ("报警人电话", "联系电话"),
    "source": ("来源",),
    "external_ref": ("外部编号", "警情编号"),
    "loss_amount": ("损失金额",),
    "modus_operandi": ("作案手段",),
}
REQUIRED = frozenset({"category", "description", "area_code", "lat", "lon"})


class ImportFileError(ValueError):
    """The file cannot be read as a table of the rows asked for."""


def _fields(
    header: list[Any], headers: dict[str, tuple[str, ...]], required: frozenset[str]
) -> list[str | None]:
    by_label = {label: field for field, labels in headers.items() for label in (field, *labels)}
    fields = [by_label.get(str(h).strip()) if h is not None else None for h in header]
    missing = required - set(fields)
    if missing:
        raise ImportFileError(f"the header lacks the columns: {', '.join(sorted(missing))}")
    return fields


def read_rows(
    path: Path,
    headers: dict[str, tuple[str, ...]] = HEADERS,
    required: frozenset[str] = REQUIRED,
) -> Iterator[dict[str, Any]]:
    """Each data row, with empty cells left out; `headers` maps each field to its Chinese
    labels (incidents by default), `required` names the columns a file must have."""
    if path.suffix.lower() == ".xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        rows: Iterator[tuple[Any, ...]] = workbook.active.iter_rows(values_only=True)  # type: ignore[union-attr]
    elif path.suffix.lower() == ".csv":
        handle = path.open(newline="", encoding="utf-8-sig")
        rows = (tuple(r) for r in csv.reader(handle))
    else:
        raise ImportFileError("give a .csv or .xlsx file")
    header = next(rows, None)
    if header is None:
        raise ImportFileError("the file is empty")
    fields = _fields(list(header), headers, required)
    for row in rows:
        record = {f: v for f, v in zip(fields, row, strict=False) if f and v not in (None, "")}
        if record:
            yield record
