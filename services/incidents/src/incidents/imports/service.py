"""Check every row of an import, then write all of them or none.

Rows are checked with the same rules as `POST /v1/incidents`; a file with any bad row is
refused whole, with a report naming each bad row and field. Imported history is written with
COPY and sends no notifications: back-filling a year must not page the duty groups. Each row
gets a stable reference (its `external_ref`, or a hash of its content), so importing the same
file twice adds nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic import ValidationError

from incidents.imports.rows import validation_errors
from incidents.intake.records import IncidentRecord
from incidents.intake.schemas import IncidentCreate
from incidents.intake.service import build_record, check_times
from incidents.intake.writes import Catalogue
from pingan_shared.auth import Principal, Role
from pingan_shared.errors import FieldError, ProblemError
from pingan_shared.settings import business_timezone
from pingan_shared.spreadsheets import Progress, RowError

LOCAL = business_timezone()
TIME_FIELDS = ("occurred_at", "occurred_from", "occurred_to")
_TAGS = re.compile(r"[,，;；、]")
COLUMNS = [f.name for f in fields(IncidentRecord)]
# Each field's headers besides its own name: the Chinese labels of police-station spreadsheets.
HEADERS: dict[str, tuple[str, ...]] = {
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


def _local_time(value: Any) -> Any:
    """Spreadsheet times carry no offset: they are local (the business time zone)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return value
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)
    return value


def report_of(row: dict[str, Any]) -> dict[str, Any]:
    """A `POST /v1/incidents` body from one imported row."""
    body: dict[str, Any] = {
        k: row[k]
        for k in (
            "category",
            "severity",
            "title",
            "description",
            "area_code",
            "source",
            "external_ref",
        )
        if k in row
    }
    body.update({k: _local_time(row[k]) for k in TIME_FIELDS if k in row})
    body["location"] = {k: row[k] for k in ("lat", "lon", "coord_system", "address") if k in row}
    if "reporter_name" in row or "reporter_phone" in row:
        body["reporter"] = {
            "name": row.get("reporter_name"),
            "phone": str(row["reporter_phone"]) if "reporter_phone" in row else None,
        }
    if "loss_amount" in row:
        body["loss_amount"] = str(row["loss_amount"])
    if "modus_operandi" in row:
        body["modus_operandi"] = [
            t.strip() for t in _TAGS.split(str(row["modus_operandi"])) if t.strip()
        ]
    for key in ("category", "area_code", "description", "external_ref"):
        if key in body and not isinstance(body[key], str):
            body[key] = str(body[key])
    return body


def _reference(row: dict[str, Any]) -> str:
    canonical = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return "row-" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


class Importer:
    """Checks rows against the catalogue held in memory, then writes them in one transaction."""

    def __init__(self, conn: asyncpg.Connection, source_system: str) -> None:
        self.conn = conn
        self.source_system = source_system

    async def load_catalogue(self) -> None:
        """The categories and areas rows may name."""
        self.categories = {
            r["code"]: (r["name"], r["default_severity"])
            for r in await self.conn.fetch(
                "SELECT code, name, default_severity::text FROM categories WHERE active"
            )
        }
        self.areas = {
            r["code"]: r["name"] for r in await self.conn.fetch("SELECT code, name FROM areas")
        }
        roots = sorted({code[:6] for code in self.areas})
        self.principal = Principal(
            sub=self.source_system, roles=frozenset({Role.admin}), areas=tuple(roots)
        )

    def check(
        self, rows: Iterable[tuple[int, dict[str, Any]]], progress: Progress
    ) -> tuple[list[IncidentRecord], list[RowError]]:
        """Every (row number, row) as an incident, or the errors of the rows that are not."""
        records: list[IncidentRecord] = []
        errors: list[RowError] = []
        now = datetime.now(UTC)
        for number, row in rows:
            progress.advance()
            try:
                records.append(self._record(row, now))
            except ValidationError as exc:
                errors.extend(validation_errors(number, exc))
            except ProblemError as exc:
                for e in exc.errors or []:
                    errors.append(RowError(number, e.field.removeprefix("body."), e.message))
        return records, errors

    def _record(self, row: dict[str, Any], now: datetime) -> IncidentRecord:
        body = IncidentCreate.model_validate(report_of(row))
        check_times(body, now)
        category = self.categories.get(body.category)
        area = self.areas.get(body.area_code)
        if category is None:
            raise ProblemError(422, "validation", errors=[_error("category", "unknown category")])
        if area is None:
            raise ProblemError(422, "validation", errors=[_error("area_code", "unknown area")])
        found = Catalogue(category[0], category[1], area, None)
        if body.external_ref is None:
            body = body.model_copy(update={"external_ref": _reference(row)})
        record = build_record(body, self.principal, found, now)
        record.source_system = self.source_system
        return record

    async def write(self, records: list[IncidentRecord], progress: Progress) -> int:
        """Write every record (those already imported are skipped); returns how many are new."""
        await self.conn.execute(
            "CREATE TEMP TABLE incoming (LIKE incidents INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        batch = 10_000
        for start in range(0, len(records), batch):
            chunk = records[start : start + batch]
            await self.conn.copy_records_to_table(
                "incoming", records=[_values(r) for r in chunk], columns=COLUMNS
            )
            progress.advance(len(chunk))
        names = ", ".join(COLUMNS)
        inserted = await self.conn.fetch(
            f"INSERT INTO incidents ({names}) SELECT {names} FROM incoming"  # noqa: S608 - column names from the dataclass
            " ON CONFLICT (source_system, external_ref) DO NOTHING RETURNING id"
        )
        return len(inserted)


def _error(field: str, message: str) -> FieldError:
    return FieldError(field=f"body.{field}", message=message, code="invalid")


def _values(record: IncidentRecord) -> tuple[Any, ...]:
    values = []
    for name in COLUMNS:
        value = getattr(record, name)
        if name == "attachments":
            value = json.dumps(value)
        elif hasattr(value, "value"):
            value = value.value
        values.append(value)
    return tuple(values)
