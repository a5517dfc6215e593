"""Hot spots (热点区域) on H3 cells: Gi* z-scores, permutation p-values, FDR, GeoJSON and PAI.

Study area: the cells given (with their incident counts, zero allowed) plus every cell within
k rings of one of them, counted as zero. So the cells with incidents, and the empty ground around
them, make up the n values (their mean and spread); cells farther away are not part of the study.
A cell's neighbourhood is its k-ring (itself included, binary weights), which lies wholly in the
study area. Results are returned for the cells given only, so the zero ring needs no
neighbourhood of its own; a caller who wants a result for an empty cell passes it with count 0.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import h3  # type: ignore[import-untyped]  # h3 ships no type information
import numpy as np
from numpy.typing import NDArray
from scipy import sparse  # type: ignore[import-untyped]  # scipy ships no type information

from incidents.analysis.gistar import fdr_bh, gi_star, gi_star_p

HotSpotKind = Literal["hot", "cold", "none"]


@dataclass(frozen=True, slots=True)
class HotSpotCell:
    """One H3 cell's figures: its incidents, Gi* z-score, two-sided permutation p-value, the
    Benjamini-Hochberg q-value over all cells given, and whether it is a hot or cold spot
    (q <= alpha, by the sign of z)."""

    cell: str
    count: int
    gi_z: float
    p: float
    q: float
    kind: HotSpotKind


@dataclass(frozen=True, slots=True)
class StudyArea:
    """Cells of a hot-spot analysis (the cells given first, then the zero ring), their values,
    and the k-ring neighbourhoods of the cells given: one row per given cell, one column per
    study-area cell."""

    cells: list[str]
    values: NDArray[np.float64]
    neighbours: sparse.csr_array


def study_area(counts: Mapping[str, int], k: int = 1) -> StudyArea:
    """The cells of `counts`, then the zero-count cells within `k` rings of them, with the
    binary k-ring neighbourhood (the cell itself included) of each cell of `counts`."""
    cells = list(counts)
    index = {cell: i for i, cell in enumerate(cells)}
    rows: list[int] = []
    columns: list[int] = []
    for i, disk in enumerate([h3.grid_disk(cell, k) for cell in counts]):
        for near in disk:
            j = index.setdefault(near, len(index))
            if j == len(cells):
                cells.append(near)
            rows.append(i)
            columns.append(j)
    values = np.zeros(len(cells))
    values[: len(counts)] = list(counts.values())
    shape = (len(counts), len(cells))
    neighbours = sparse.csr_array((np.ones(len(rows)), (rows, columns)), shape=shape)
    return StudyArea(cells, values, neighbours)


def hot_spots(
    counts: Mapping[str, int],
    k: int = 1,
    permutations: int = 999,
    alpha: float = 0.05,
    seed: np.random.Generator | int | None = None,
) -> list[HotSpotCell]:
    """Gi* hot and cold spots of incident counts per H3 cell (see the module for the study
    area): two-sided p-values from `permutations` conditional permutations, FDR-corrected over
    the cells given. No p-value is below 2 / (permutations + 1), so with thousands of cells 99
    permutations cannot pass the FDR correction (q >= 0.02 * cells / cells at that floor): 999
    is the default."""
    if not counts:
        return []
    area = study_area(counts, k)
    z = gi_star(area.values, area.neighbours)
    p = gi_star_p(area.values, area.neighbours, permutations, seed)
    q = fdr_bh(p)
    return [
        HotSpotCell(cell, int(count), float(zi), float(pi), float(qi), _kind(zi, qi, alpha))
        for cell, count, zi, pi, qi in zip(area.cells, counts.values(), z, p, q, strict=False)
    ]


def _kind(z: float, q: float, alpha: float) -> HotSpotKind:
    if q > alpha or z == 0:
        return "none"
    return "hot" if z > 0 else "cold"


def cell_polygon(cell: str) -> list[list[list[float]]]:
    """The GeoJSON Polygon coordinates of an H3 cell: one closed ring of [lon, lat],
    counter-clockwise (RFC 7946), rounded to 1e-7 degrees (about a centimetre)."""
    ring = [[round(lon, 7), round(lat, 7)] for lat, lon in h3.cell_to_boundary(cell)]
    return [[*ring, ring[0]]]


def hot_spot_features(spots: Sequence[HotSpotCell]) -> list[dict[str, Any]]:
    """GeoJSON Features (RFC 7946) of `spots`, one Polygon per cell, its figures as properties."""
    return [
        {
            "type": "Feature",
            "id": spot.cell,
            "geometry": {"type": "Polygon", "coordinates": cell_polygon(spot.cell)},
            "properties": {
                "cell": spot.cell,
                "count": spot.count,
                "gi_z": spot.gi_z,
                "p": spot.p,
                "q": spot.q,
                "kind": spot.kind,
            },
        }
        for spot in spots
    ]


def pai(hits: float, total: float, hot_area: float, study_area_size: float) -> float:
    """Prediction Accuracy Index (Chainey, Tompson & Uhlig 2008): the share of incidents
    inside the predicted area over the share of the study area it covers, (n/N) / (a/A)."""
    if total <= 0 or hot_area <= 0 or study_area_size <= 0:
        return float("nan")
    return (hits / total) / (hot_area / study_area_size)


def map_pai(
    hot_cells: Collection[str], later_counts: Mapping[str, int], study_cells: Collection[str]
) -> float:
    """PAI of a hot-spot map (`hot_cells`, from one period) against the incidents per cell of a
    following period, over `study_cells` (e.g. the cells of the area); areas are the cells'
    real areas (`h3.cell_area`). Incidents and hot cells outside the study cells are ignored."""
    study = set(study_cells)
    hot = study.intersection(hot_cells)
    hits = sum(later_counts.get(cell, 0) for cell in hot)
    total = sum(count for cell, count in later_counts.items() if cell in study)
    hot_area = sum(h3.cell_area(cell, unit="km^2") for cell in hot)
    study_size = sum(h3.cell_area(cell, unit="km^2") for cell in study)
    return pai(hits, total, hot_area, study_size)
