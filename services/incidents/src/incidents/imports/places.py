"""Import of places (场所导入): upsert by external key, exact duplicates skipped, all rows or none."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

from incidents.imports.rows import RowRuleError, check_rows
from incidents.places.models import PlaceKind
from pingan_shared.spreadsheets import Progress, RowError

HEADERS: dict[str, tuple[str, ...]] = {
    "kind": ("类型",),
    "name": ("名称",),
    "area_code": ("区划代码",),
    "lat": ("纬度",),
    "lon": ("经度",),
    "address": ("地址",),
    "external_key": ("编号",),
}
REQUIRED = frozenset({"kind", "name", "area_code"})
_BY_KEY = """
INSERT INTO places (id, kind, name, area_code, lat, lon, address, external_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (external_key) DO UPDATE SET
  kind = excluded.kind, name = excluded.name, area_code = excluded.area_code,
  lat = excluded.lat, lon = excluded.lon, address = excluded.address
WHERE (places.kind, places.name, places.area_code, places.lat, places.lon, places.address)
  IS DISTINCT FROM (excluded.kind, excluded.name, excluded.area_code, excluded.lat,
                    excluded.lon, excluded.address)
RETURNING (xmax = 0) AS inserted
"""
_WITHOUT_KEY = """
INSERT INTO places (id, kind, name, area_code, lat, lon, address)
SELECT $1, $2::varchar, $3::varchar, $4::varchar, $5::float8, $6::float8, $7::varchar
WHERE NOT EXISTS (
  SELECT 1 FROM places
  WHERE kind = $2::varchar AND name = $3::varchar AND area_code = $4::varchar
    AND lat IS NOT DISTINCT FROM $5::float8 AND lon IS NOT DISTINCT FROM $6::float8
    AND address IS NOT DISTINCT FROM $7::varchar
)
RETURNING true AS inserted
"""


class PlaceRow(BaseModel):
    """One row of a place file."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    kind: PlaceKind
    name: str = Field(min_length=1, max_length=200)
    area_code: str = Field(pattern=r"^\d{6,20}$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    address: str | None = Field(default=None, max_length=300)
    external_key: str | None = Field(default=None, max_length=100)


class PlaceImporter:
    """Checks place rows against the stored areas, then writes them."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def check(
        self, rows: list[tuple[int, dict[str, Any]]], progress: Progress
    ) -> tuple[list[PlaceRow], list[RowError]]:
        """Every row as a place, or the errors of the rows that are not."""
        known = {r["code"] for r in await self.conn.fetch("SELECT code FROM areas")}
        keys: set[str] = set()

        def rule(row: PlaceRow) -> None:
            if row.area_code not in known:
                raise RowRuleError("area_code", f"unknown area {row.area_code!r}")
            if (row.lat is None) != (row.lon is None):
                raise RowRuleError("lat", "give both latitude and longitude, or neither")
            if row.external_key is not None:
                if row.external_key in keys:
                    raise RowRuleError("external_key", "the key appears twice in the file")
                keys.add(row.external_key)

        return check_rows(rows, PlaceRow, rule, progress)

    async def write(self, records: list[PlaceRow], progress: Progress) -> tuple[int, int]:
        """Write every place; returns (added, changed)."""
        added = changed = 0
        for row in records:
            values = [uuid.uuid4(), row.kind.value, row.name, row.area_code, row.lat, row.lon]
            values.append(row.address)
            if row.external_key is not None:
                done = await self.conn.fetchrow(_BY_KEY, *values, row.external_key)
            else:
                done = await self.conn.fetchrow(_WITHOUT_KEY, *values)
            if done is not None:
                added += 1 if done["inserted"] else 0
                changed += 0 if done["inserted"] else 1
            progress.advance()
        return added, changed
