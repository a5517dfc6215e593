"""Import of the area tree (区划导入): upsert by code, parents before children, all rows or none."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, field_validator

from incidents.areas.geo import BoundaryError, polygon_parts, store_boundary
from incidents.areas.models import AreaLevel
from incidents.imports.rows import RowRuleError, check_rows
from pingan_shared.spreadsheets import Progress, RowError

HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("区划代码",),
    "name": ("名称",),
    "level": ("级别",),
    "parent_code": ("上级代码",),
    "lat": ("纬度",),
    "lon": ("经度",),
    "population": ("人口",),
    "boundary": ("边界",),
}
REQUIRED = frozenset({"code", "name", "level"})
LEVEL_LABELS = {"县": "county", "镇": "town", "社区": "community", "村": "village", "网格": "grid"}
# One statement for the whole file: foreign keys are checked at its end, so a parent and its
# children may arrive together.
_UPSERT = """
INSERT INTO areas (code, name, level, parent_code, lat, lon, population)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::arealevel[], $4::text[],
                     $5::float8[], $6::float8[], $7::int[])
ON CONFLICT (code) DO UPDATE SET
  name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
  lat = excluded.lat, lon = excluded.lon, population = excluded.population
WHERE (areas.name, areas.level, areas.parent_code, areas.lat, areas.lon, areas.population)
  IS DISTINCT FROM (excluded.name, excluded.level, excluded.parent_code, excluded.lat,
                    excluded.lon, excluded.population)
RETURNING code, (xmax = 0) AS inserted
"""


class AreaRow(BaseModel):
    """One row of an area file."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    code: str = Field(pattern=r"^\d{6,20}$")
    name: str = Field(min_length=1, max_length=100)
    level: AreaLevel
    parent_code: str | None = Field(default=None, pattern=r"^\d{6,20}$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    population: int | None = Field(default=None, ge=0)
    boundary: dict[str, Any] | None = None

    @field_validator("level", mode="before")
    @classmethod
    def _chinese_level(cls, value: Any) -> Any:
        return LEVEL_LABELS.get(str(value).strip(), value)

    @field_validator("boundary", mode="before")
    @classmethod
    def _geojson(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not GeoJSON: {exc.msg}") from None
        return value


class AreaImporter:
    """Checks area rows against the file and the areas already stored, then upserts them."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def check(
        self, rows: list[tuple[int, dict[str, Any]]], progress: Progress
    ) -> tuple[list[AreaRow], list[RowError]]:
        """Every row as an area, or the errors of the rows that are not."""
        known = {r["code"] for r in await self.conn.fetch("SELECT code FROM areas")}
        in_file = [str(r.get("code", "")) for _, r in rows]
        seen: set[str] = set()

        def rule(row: AreaRow) -> None:
            if row.code in seen:
                raise RowRuleError("code", "the code appears twice in the file")
            seen.add(row.code)
            if (row.lat is None) != (row.lon is None):
                raise RowRuleError("lat", "give both latitude and longitude, or neither")
            if row.parent_code is not None:
                if not row.code.startswith(row.parent_code) or row.code == row.parent_code:
                    raise RowRuleError("parent_code", "a parent's code is a prefix of the code")
                if row.parent_code not in known and row.parent_code not in in_file:
                    raise RowRuleError("parent_code", f"unknown area {row.parent_code!r}")
            elif row.level != AreaLevel.county:
                raise RowRuleError("parent_code", "only a county has no parent")
            if row.boundary is not None:
                try:
                    polygon_parts(row.boundary)
                except BoundaryError as exc:
                    raise RowRuleError(f"boundary.{exc.field}", exc.message) from None

        return check_rows(rows, AreaRow, rule, progress)

    async def write(self, records: list[AreaRow], progress: Progress) -> tuple[int, int]:
        """Upsert every area in one statement, then store the boundaries that changed; returns
        (added, changed)."""
        columns = ("code", "name", "level", "parent_code", "lat", "lon", "population")
        values = [
            [getattr(r, c).value if c == "level" else getattr(r, c) for r in records]
            for c in columns
        ]
        done = {r["code"]: r["inserted"] for r in await self.conn.fetch(_UPSERT, *values)}
        stored = await self._boundaries([r.code for r in records if r.boundary is not None])
        added = changed = 0
        for row in records:
            boundary_changed = row.boundary is not None and row.boundary != stored.get(row.code)
            if boundary_changed:
                await store_boundary(self.conn, row.code, row.boundary)
            if done.get(row.code):
                added += 1
            elif row.code in done or boundary_changed:
                changed += 1
            progress.advance()
        return added, changed

    async def _boundaries(self, codes: list[str]) -> dict[str, Any]:
        rows = await self.conn.fetch(
            "SELECT code, boundary FROM areas WHERE code = ANY($1::text[]) AND boundary IS NOT NULL",
            codes,
        )
        return {
            r["code"]: json.loads(r["boundary"])
            if isinstance(r["boundary"], str)
            else r["boundary"]
            for r in rows
        }
