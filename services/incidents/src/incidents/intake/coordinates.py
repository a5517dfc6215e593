"""Coordinates: GCJ-02 (what Chinese map apps give) to WGS-84, and plausibility checks.

GCJ-02 is WGS-84 shifted by a published, deterministic offset; the inverse here iterates the
forward transform, which converges to well under a metre inside China.
"""

from __future__ import annotations

import math

_A = 6378245.0
_EE = 0.00669342162296594323

CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.5, 135.1)


def in_china(lat: float, lon: float) -> bool:
    """Whether a point lies in China's bounding box (outside it GCJ-02 equals WGS-84)."""
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]


def _shift(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Forward transform, as Chinese map providers apply it."""
    if not in_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _shift(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Inverse transform by fixed-point iteration (error below 1e-7 degrees)."""
    if not in_china(lat, lon):
        return lat, lon
    w_lat, w_lon = lat, lon
    for _ in range(30):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        e_lat, e_lon = g_lat - lat, g_lon - lon
        w_lat, w_lon = w_lat - e_lat, w_lon - e_lon
        if abs(e_lat) < 1e-9 and abs(e_lon) < 1e-9:
            break
    return w_lat, w_lon
