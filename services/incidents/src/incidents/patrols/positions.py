"""Positions and routes as phones and maps send them, and their WGS-84 form for storage."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from incidents.intake.coordinates import gcj02_to_wgs84, in_china
from pingan_shared.errors import field_error

CoordSystem = Literal["wgs84", "gcj02"]


class Position(BaseModel):
    """A position: WGS-84 by default; `coord_system: "gcj02"` for map-app coordinates."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, examples=[25.5528])
    lon: float = Field(ge=-180, le=180, examples=[102.4688])
    coord_system: CoordSystem = "wgs84"
    address: str | None = Field(default=None, max_length=300, examples=["南街菜市场门口"])


class PositionOut(BaseModel):
    """A stored position (WGS-84)."""

    lat: float
    lon: float
    address: str | None = None


class RoutePoint(BaseModel):
    """One point of a route, WGS-84."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class LineString(BaseModel):
    """A GeoJSON LineString (RFC 7946): `coordinates` are `[lon, lat]` pairs, WGS-84."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["LineString"]
    coordinates: list[tuple[float, float]] = Field(min_length=2, max_length=500)


RouteIn = list[RoutePoint] | LineString
"""A route as a list of points, or as a GeoJSON LineString."""

ROUTE_DESCRIPTION = (
    "Patrol route (巡逻路线): a list of `{lat, lon}` points or a GeoJSON LineString, WGS-84"
)


def wgs84(lat: float, lon: float, coord_system: CoordSystem, field: str) -> tuple[float, float]:
    """The WGS-84 form of a position; a 422 naming `field` when it lies outside China."""
    if not in_china(lat, lon):
        raise field_error(field, "lies outside China", "implausible_location")
    if coord_system == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    return lat, lon


def route_geojson(route: RouteIn | None, field: str = "body.route") -> dict[str, Any] | None:
    """The route as a GeoJSON LineString to store; a 422 naming `field` for a bad route."""
    if route is None:
        return None
    if isinstance(route, LineString):
        pairs = [(lon, lat) for lon, lat in route.coordinates]
    else:
        if not 2 <= len(route) <= 500:
            raise field_error(field, "a route has between 2 and 500 points", "route_length")
        pairs = [(p.lon, p.lat) for p in route]
    for index, (lon, lat) in enumerate(pairs):
        if not in_china(lat, lon):
            raise field_error(f"{field}.{index}", "lies outside China", "implausible_location")
    return {"type": "LineString", "coordinates": [[lon, lat] for lon, lat in pairs]}
