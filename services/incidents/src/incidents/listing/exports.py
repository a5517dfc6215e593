"""Export formats of an incident list: CSV and GeoJSON streamed as rows arrive, XLSX written row
by row (openpyxl's write-only mode) to a spooled temporary file, then streamed.

None of them holds the list in memory: a year of records passes through in batches.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, tzinfo
from typing import IO, Any

from incidents.intake.schemas import IncidentOut
from pingan_shared import spreadsheet_exports
from pingan_shared.spreadsheet_exports import CHUNK, Cell

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
HEADER = [header for _, header in COLUMNS]
_TIMES = ("occurred_at", "occurred_from", "occurred_to", "created_at", "updated_at")
SHEET_TITLE = "警情 incidents"
# Column widths (characters): the id, title, description, occurred-at and address columns.
WIDTHS = {"A": 38, "F": 30, "G": 60, "H": 20, "M": 30}


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


async def _cells(rows: AsyncIterator[IncidentOut], zone: tzinfo) -> AsyncIterator[list[Cell]]:
    async for incident in rows:
        row = flat_row(incident, zone)
        yield [row[key] for key, _ in COLUMNS]


def csv_chunks(rows: AsyncIterator[IncidentOut], zone: tzinfo) -> AsyncIterator[bytes]:
    """The CSV of `rows` in chunks, with the export's bilingual headers."""
    return spreadsheet_exports.csv_chunks(HEADER, _cells(rows, zone))


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


async def xlsx_file(rows: AsyncIterator[IncidentOut], zone: tzinfo) -> IO[bytes]:
    """The XLSX workbook of `rows` in a spooled temporary file, positioned at its start."""
    return await spreadsheet_exports.xlsx_file(
        HEADER, _cells(rows, zone), sheet_title=SHEET_TITLE, widths=WIDTHS
    )
