"""Places covered by patrols, as H3 cells (resolution 9, cells of about 0.1 km², ~174 m edge).

A cell is computed once when a position is written and stored beside it, so coverage counts
distinct cells in SQL without an H3 extension in PostgreSQL.
"""

from __future__ import annotations

import h3  # type: ignore[import-untyped]  # h3 ships no type information

PLACE_RESOLUTION = 9
PLACES_METHOD = "h3_res9"
"""How coverage counts places; reported with the figures so readers know what a place is."""


def place_cell(lat: float, lon: float) -> str:
    """The H3 cell (resolution 9) a WGS-84 position lies in."""
    cell: str = h3.latlng_to_cell(lat, lon, PLACE_RESOLUTION)
    return cell
