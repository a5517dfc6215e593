"""Boundaries for the demo town (演示区划边界), generated from its area centres.

Each community is a square around its centre and each of its grids a smaller square inside it;
villages are separate squares out in the fields; the town's boundary is the box around all of
them and the county's a larger box. Deterministic: the same town always gets the same shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas.geo import store_boundary
from pingan_shared.demo_town.models import DemoArea
from pingan_shared.geo import offset

HALF_SIDE_M = {"community": 450.0, "grid": 150.0, "village": 900.0}
TOWN_MARGIN_M = 300.0
COUNTY_MARGIN_M = 15_000.0


def _box(lat: float, lon: float, half_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the square of half-side `half_m` metres around a point."""
    south, west = offset(lat, lon, -half_m, -half_m)
    north, east = offset(lat, lon, half_m, half_m)
    return south, west, north, east


def _polygon(box: tuple[float, float, float, float]) -> dict[str, Any]:
    south, west, north, east = box
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def demo_boundaries(areas: Sequence[DemoArea]) -> dict[str, dict[str, Any]]:
    """A GeoJSON Polygon for every area of the demo town, by code."""
    boxes = {
        a.code: _box(a.lat, a.lon, HALF_SIDE_M[a.level]) for a in areas if a.level in HALF_SIDE_M
    }
    south = min(b[0] for b in boxes.values())
    west = min(b[1] for b in boxes.values())
    north = max(b[2] for b in boxes.values())
    east = max(b[3] for b in boxes.values())
    for area in areas:
        margin = {"town": TOWN_MARGIN_M, "county": COUNTY_MARGIN_M}.get(area.level)
        if margin is not None:
            s, w = offset(south, west, -margin, -margin)
            n, e = offset(north, east, margin, margin)
            boxes[area.code] = (s, w, n, e)
    return {code: _polygon(box) for code, box in boxes.items()}


async def load_demo_boundaries(session: AsyncSession, areas: Sequence[DemoArea]) -> int:
    """Draw the demo boundaries of areas that have none yet; returns how many were drawn."""
    raw = await (await session.connection()).get_raw_connection()
    conn = cast(asyncpg.Connection, raw.driver_connection)
    missing = {
        r["code"]
        for r in await conn.fetch(
            "SELECT code FROM areas WHERE boundary IS NULL AND code = ANY($1::text[])",
            [a.code for a in areas],
        )
    }
    shapes = demo_boundaries(areas)
    for code in sorted(missing):
        await store_boundary(conn, code, shapes[code])
    return len(missing)
