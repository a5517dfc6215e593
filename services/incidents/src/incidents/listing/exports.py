"""Export formats of an incident list: CSV and GeoJSON streamed as rows arrive, XLSX written row
by row (openpyxl's write-only mode) to a spooled temporary file, then streamed.

None of them holds the list in memory: a year of records passes through in batches.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import IO, Any, cast

import anyio
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from incidents.intake.schemas import IncidentOut

Cell = str | int | float | bool | Decimal | datetime | None

# (key, header): headers name each column in Chinese and English.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号 ID"),
    ("status", "状态 Status"),
    ("category", "类别 Category"),
    ("category_name", "类别名称 Category name"),
    ("severity", "严重程度 Severity"),
    ("title", "标题 Title"),
    ("description", "描述 Description"),
    ("occurred_at", "发生时间 Occurred at"),
    ("occurred_from", "最早发生时间 Occurred from"),
    ("occurred_to", "最晚发生时间 Occurred to"),
    ("lat", "纬度 Latitude (WGS-84)"),
    ("lon", "经度 Longitude (WGS-84)"),
    ("address", "地址 Address"),
    ("area_code", "区划代码 Area code"),
    ("anonymous", "匿名 Anonymous"),
    ("reporter_name", "报警人 Reporter"),
    ("reporter_phone", "报警人电话 Reporter phone"),
    ("source", "来源 Source"),
    ("external_ref", "外部编号 External reference"),
    ("place_id", "地点 Place"),
    ("suspect_count", "作案人数 Suspects"),
    ("suspect_gender", "作案人性别 Suspects' gender"),
    ("suspect_age_band", "作案人年龄段 Suspects' age band"),
    ("suspect_non_local", "外来流动人口 Non-local suspects"),
    ("suspect_traits", "作案人员特点 Suspects' traits"),
    ("modus_operandi", "作案手段 Modus operandi"),
    ("loss_amount", "损失金额(元) Loss (CNY)"),
    ("created_at", "上报时间 Reported at"),
    ("updated_at", "更新时间 Updated at"),
    ("version", "版本 Version"),
)
_TIMES = ("occurred_at", "occurred_from", "occurred_to", "created_at", "updated_at")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024
XLSX_BATCH = 500
XLSX_IN_MEMORY = 8 * 1024 * 1024


def flat_row(incident: IncidentOut, zone: tzinfo) -> dict[str, Cell]:
    """One incident as the export's columns, times in the business time zone."""
    row: dict[str, Cell] = {
        "id": str(incident.id),
        "status": incident.status.value,
        "category": incident.category,
        "category_name": incident.category_name,
        "severity": incident.severity.value,
        "title": incident.title,
        "description": incident.description,
        "lat": incident.location.lat,
        "lon": incident.location.lon,
        "address": incident.location.address,
        "area_code": incident.area_code,
        "anonymous": incident.anonymous,
        "reporter_name": incident.reporter.name if incident.reporter else None,
        "reporter_phone": incident.reporter.phone if incident.reporter else None,
        "source": incident.source.value,
        "external_ref": incident.external_ref,
        "place_id": str(incident.place_id) if incident.place_id else None,
        "modus_operandi": "; ".join(incident.modus_operandi) or None,
        "loss_amount": incident.loss_amount,
        "version": incident.version,
    }
    suspects = incident.suspects
    row["suspect_count"] = suspects.count if suspects else None
    row["suspect_gender"] = suspects.gender.value if suspects else None
    row["suspect_age_band"] = suspects.age_band.value if suspects else None
    row["suspect_non_local"] = suspects.non_local if suspects else None
    row["suspect_traits"] = suspects.traits if suspects else None
    for name in _TIMES:
        value: datetime | None = getattr(incident, name)
        row[name] = value.astimezone(zone) if value is not None else None
    return row


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return _safe_text(value) if isinstance(value, str) else str(value)


async def csv_chunks(rows: AsyncIterator[IncidentOut], zone: tzinfo) -> AsyncIterator[bytes]:
    """The CSV of `rows` in chunks: UTF-8 with a byte-order mark, so spreadsheets read the
    Chinese headers right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for _, header in COLUMNS])
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    async for incident in rows:
        row = flat_row(incident, zone)
        writer.writerow([_csv_cell(row[key]) for key, _ in COLUMNS])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def feature(incident: IncidentOut) -> dict[str, Any]:
    """An incident as a GeoJSON point feature; its properties are the JSON list's fields."""
    properties = incident.model_dump(mode="json", exclude={"location"})
    properties["address"] = incident.location.address
    return {
        "type": "Feature",
        "id": str(incident.id),
        "geometry": {
            "type": "Point",
            "coordinates": [incident.location.lon, incident.location.lat],
        },
        "properties": properties,
    }


async def geojson_chunks(rows: AsyncIterator[IncidentOut]) -> AsyncIterator[bytes]:
    """A GeoJSON FeatureCollection (RFC 7946) of `rows`, written feature by feature."""
    parts: list[str] = ['{"type":"FeatureCollection","features":[']
    size, first = 0, True
    async for incident in rows:
        text = json.dumps(feature(incident), ensure_ascii=False, separators=(",", ":"))
        parts.append(text if first else "," + text)
        first = False
        size += len(text)
        if size >= CHUNK:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append("]}")
    yield "".join(parts).encode()


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the local time, as the header says.
        return value.replace(tzinfo=None)
    return _safe_text(value) if isinstance(value, str) else value


def _new_sheet(workbook: Workbook) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet("警情 incidents")
    assert isinstance(sheet, WriteOnlyWorksheet)
    # Write-only sheets have column dimensions at run time; the type stubs leave them out.
    dimensions = cast(Worksheet, sheet).column_dimensions
    for letter, width in (("A", 38), ("F", 30), ("G", 60), ("H", 20), ("M", 30)):
        dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


async def xlsx_file(rows: AsyncIterator[IncidentOut], zone: tzinfo) -> IO[bytes]:
    """The XLSX workbook of `rows` in a spooled temporary file, positioned at its start.

    Rows are appended in batches on a worker thread, so building a large workbook does not
    hold up the event loop.
    """
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook)

    def append(batch: list[list[Cell]]) -> None:
        for row in batch:
            sheet.append(row)

    batch: list[list[Cell]] = [[header for _, header in COLUMNS]]
    async for incident in rows:
        row = flat_row(incident, zone)
        batch.append([_xlsx_cell(row[key]) for key, _ in COLUMNS])
        if len(batch) >= XLSX_BATCH:
            await anyio.to_thread.run_sync(append, batch)
            batch = []
    await anyio.to_thread.run_sync(append, batch)
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115 - streamed, closed by file_chunks
    await anyio.to_thread.run_sync(workbook.save, spool)
    spool.seek(0)
    return spool


async def file_chunks(file: IO[bytes]) -> AsyncIterator[bytes]:
    """Stream a file in chunks and close it."""
    try:
        while chunk := await anyio.to_thread.run_sync(file.read, CHUNK):
            yield chunk
    finally:
        file.close()
