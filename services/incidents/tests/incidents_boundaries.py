"""Hand-made square boundaries for the boundary tests."""

from __future__ import annotations

from typing import Any


def square(lon: float, lat: float, half: float) -> dict[str, Any]:
    """A GeoJSON Polygon: the square of half-side `half` degrees around (lon, lat)."""
    w, e, s, n = lon - half, lon + half, lat - half, lat + half
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
