"""Patrol fit (巡防匹配度) as plain counting: where and when incidents happen against where and
when patrols were.

Time is the hour of the week (0 = Monday 00:00-01:00 local, … 167 = Sunday 23:00-24:00), since
patrols keep weekly schedules (排班): an incident on a Friday at 21:40 falls in a patrolled hour
when some patrol was out on a Friday between 21:00 and 22:00 during the period. Place is the H3
cell. Three shares of the incidents are counted:

- in patrolled cells: a patrol checked in or recorded a track point in the incident's cell at
  any time of the period;
- in patrolled hours: some checked-out patrol of the area was out in the incident's hour of the
  week (its check-in to check-out span);
- in patrolled cells and hours: a patrol checked in or recorded a track point in the incident's
  cell in the incident's hour of the week.

Hot cells are the Gi* hot spots (FDR-corrected, `incidents.analysis.hotspots`) of the incidents
per cell; those where no patrol was seen are the hot-but-unpatrolled cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import h3  # type: ignore[import-untyped]  # h3 ships no type information

HOURS_PER_WEEK = 168

CellHour = tuple[str, int]


@dataclass(frozen=True, slots=True)
class FitCounts:
    """Incidents in all, and those inside patrolled cells, hours, and both."""

    incidents: int
    in_cells: int
    in_hours: int
    in_cells_and_hours: int


def coarser(cell: str, resolution: int) -> str:
    """The cell at `resolution` holding `cell` (itself when already that coarse)."""
    if h3.get_resolution(cell) <= resolution:
        return cell
    parent: str = h3.cell_to_parent(cell, resolution)
    return parent


def presence_at(presence: Iterable[CellHour], resolution: int) -> set[CellHour]:
    """Patrol presence (cell, hour of week) moved to cells of `resolution`."""
    return {(coarser(cell, resolution), hour) for cell, hour in presence}


def fit_counts(
    incidents: Mapping[CellHour, int], presence: set[CellHour], hours: set[int]
) -> FitCounts:
    """The three shares' counts of incidents per (cell, hour of week) against patrol presence
    per (cell, hour of week) and the hours of the week patrols were out."""
    cells = {cell for cell, _ in presence}
    total = in_cells = in_hours = both = 0
    for (cell, hour), count in incidents.items():
        total += count
        in_cells += count if cell in cells else 0
        in_hours += count if hour in hours else 0
        both += count if (cell, hour) in presence else 0
    return FitCounts(total, in_cells, in_hours, both)


def per_cell(incidents: Mapping[CellHour, int]) -> dict[str, int]:
    """Incidents per cell, whatever the hour."""
    counts: dict[str, int] = {}
    for (cell, _), count in incidents.items():
        counts[cell] = counts.get(cell, 0) + count
    return counts


def hours_seen(presence: Iterable[CellHour]) -> dict[str, int]:
    """How many distinct hours of the week patrols were seen in each cell."""
    seen: dict[str, set[int]] = {}
    for cell, hour in presence:
        seen.setdefault(cell, set()).add(hour)
    return {cell: len(found) for cell, found in seen.items()}
