"""Area boundaries: checking GeoJSON polygons, and which area a point lies in.

Boundaries are kept twice: the GeoJSON as given (`areas.boundary`, for maps) and one PostgreSQL
built-in `polygon` per ring (`area_boundaries`, for containment; PostGIS is not installed).
A `polygon` compares planar coordinates, which is fine at the size of a county: x is the
longitude, y the latitude.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

import asyncpg

from pingan_shared.errors import FieldError, ProblemError

MAX_POSITIONS = 10_000  # per boundary: a county outline needs a few thousand at most

Ring = list[tuple[float, float]]

_RESOLVE = """
SELECT o.area_code
FROM area_boundaries o
WHERE o.ring = 0
  -- `&&` with a degenerate box can use the GiST index; `@>` then decides exactly.
  AND o.shape && polygon(box(point($2, $1), point($2, $1)))
  AND o.shape @> point($2, $1)
  AND NOT EXISTS (
    SELECT 1 FROM area_boundaries h
    WHERE h.area_code = o.area_code AND h.part = o.part AND h.ring > 0
      AND h.shape @> point($2, $1)
  )
ORDER BY length(o.area_code) DESC, o.area_code
LIMIT 1
"""


async def resolve_area(conn: asyncpg.Connection, lat: float, lon: float) -> str | None:
    """The deepest area (longest code) whose boundary contains (lat, lon), or None."""
    code: str | None = await conn.fetchval(_RESOLVE, lat, lon)
    return code


class BoundaryError(ValueError):
    """A boundary that is not a usable GeoJSON Polygon or MultiPolygon."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def problem(self, prefix: str = "body") -> ProblemError:
        """The 422 naming the offending part of the request."""
        field = f"{prefix}.{self.field}"
        return ProblemError(
            422,
            "validation",
            f"{field}: {self.message}",
            title="Request validation failed",
            errors=[FieldError(field=field, message=self.message, code="invalid_boundary")],
        )


def polygon_parts(geometry: Any) -> list[list[Ring]]:
    """The polygons (each a list of rings of (lon, lat)) of a GeoJSON Polygon or MultiPolygon;
    raises BoundaryError naming the first thing wrong."""
    if not isinstance(geometry, dict):
        raise BoundaryError("type", "a GeoJSON object is needed")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        raise BoundaryError("type", "only Polygon and MultiPolygon are boundaries")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise BoundaryError("coordinates", "no polygon given")
    parts = []
    count = 0
    for p, polygon in enumerate(polygons):
        where = "coordinates" if kind == "Polygon" else f"coordinates.{p}"
        if not isinstance(polygon, list) or not polygon:
            raise BoundaryError(where, "a polygon is a list of rings")
        rings = [_ring(ring, f"{where}.{r}") for r, ring in enumerate(polygon)]
        count += sum(len(r) for r in rings)
        parts.append(rings)
    if count > MAX_POSITIONS:
        raise BoundaryError("coordinates", f"more than {MAX_POSITIONS} positions")
    return parts


def _ring(ring: Any, where: str) -> Ring:
    if not isinstance(ring, list) or len(ring) < 4:
        raise BoundaryError(where, "a ring needs at least 4 positions")
    points = [_position(p, f"{where}.{i}") for i, p in enumerate(ring)]
    if points[0] != points[-1]:
        raise BoundaryError(where, "a ring must end where it starts")
    if len(set(points)) < 3 or _area(points) == 0:
        raise BoundaryError(where, "the ring encloses nothing")
    return points


def _position(position: Any, where: str) -> tuple[float, float]:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
    ):
        raise BoundaryError(where, "a position is [longitude, latitude]")
    lon, lat = float(position[0]), float(position[1])
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise BoundaryError(where, "longitude must be within -180..180")
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise BoundaryError(where, "latitude must be within -90..90")
    return lon, lat


def _area(points: Ring) -> float:
    """Twice the signed area (shoelace): zero for rings that double back on a line."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(points))


def polygon_text(ring: Ring) -> str:
    """A ring as PostgreSQL `polygon` text, `((lon,lat),…)` (the closing position dropped)."""
    return "(" + ",".join(f"({x!r},{y!r})" for x, y in ring[:-1]) + ")"


def boundary_rows(code: str, parts: list[list[Ring]]) -> list[tuple[str, int, int, str]]:
    """The `area_boundaries` rows of an area: (area_code, part, ring, polygon text)."""
    return [
        (code, p, r, polygon_text(ring))
        for p, rings in enumerate(parts)
        for r, ring in enumerate(rings)
    ]


INSERT_ROWS = (
    "INSERT INTO area_boundaries (area_code, part, ring, shape) "
    "VALUES ($1, $2, $3, CAST($4::text AS polygon))"
)


async def store_boundary(
    conn: asyncpg.Connection, code: str, geometry: dict[str, Any] | None
) -> None:
    """Replace an area's boundary (both copies); None removes it. The geometry must be valid."""
    await conn.execute("DELETE FROM area_boundaries WHERE area_code = $1", code)
    await conn.execute(
        "UPDATE areas SET boundary = $2::jsonb WHERE code = $1",
        code,
        None if geometry is None else json.dumps(geometry, separators=(",", ":")),
    )
    if geometry is not None:
        await conn.executemany(INSERT_ROWS, boundary_rows(code, polygon_parts(geometry)))
