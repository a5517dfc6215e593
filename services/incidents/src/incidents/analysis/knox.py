"""Knox test for near repeats (近重复): are incidents close in space also close in time?

Pairs of incidents are counted in each distance band x time band cell; the times are then
shuffled among the incidents (locations fixed) `permutations` times and the pairs recounted
(Johnson et al. 2007, the Near Repeat Calculator's method).

Bands are given by their upper edges, as in tobydavies/NearRepeat's default: with edges
(e1, e2, e3) the bands are [0, e1], (e1, e2], (e2, e3] — open on the left, closed on the right,
the first closed at 0. Pairs farther apart than the last edge in either dimension are not counted.
A band such as [0, 0.1] m catches repeats at the same place.

Knox ratio = observed / median of the permuted counts (NaN where that median is 0). p-value =
(1 + #permutations with a count >= observed) / (permutations + 1), one-sided (more pairs than
chance), so its smallest value is 1 / (permutations + 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # scipy ships no type information

from pingan_shared.geo import EARTH_RADIUS_M

# Time differences computed at once: bounds memory when there are many candidate pairs.
_PAIRS_PER_BATCH = 4_000_000


@dataclass(frozen=True, slots=True)
class KnoxResult:
    """Pair counts and their significance; arrays are (distance bands, time bands)."""

    distance_bands_m: tuple[float, ...]
    """Upper edges of the distance bands, metres."""
    time_bands_days: tuple[float, ...]
    """Upper edges of the time bands, days."""
    observed: NDArray[np.int64]
    permuted_median: NDArray[np.float64]
    ratio: NDArray[np.float64]
    p: NDArray[np.float64]
    permutations: int


def local_metres(
    lon: ArrayLike, lat: ArrayLike, origin: tuple[float, float] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """x (east) and y (north) in metres of WGS-84 points on an equirectangular grid centred on
    `origin` (lon, lat; default the points' mean). Distances are good to about 0.1 % over a
    town or county (tens of kilometres), which is all the Knox test needs."""
    lons = np.asarray(lon, np.float64)
    lats = np.asarray(lat, np.float64)
    lon0, lat0 = origin if origin else (float(lons.mean()), float(lats.mean()))
    x = np.radians(lons - lon0) * EARTH_RADIUS_M * np.cos(np.radians(lat0))
    y = np.radians(lats - lat0) * EARTH_RADIUS_M
    return x, y


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    days: ArrayLike,
    distance_bands_m: Sequence[float],
    time_bands_days: Sequence[float],
    permutations: int = 99,
    seed: np.random.Generator | int | None = None,
) -> KnoxResult:
    """The Knox test of incidents at (x, y) metres and times `days` (any origin) over distance
    x time bands (upper edges, ascending), with `permutations` seeded shuffles of the times."""
    points = np.column_stack([np.asarray(x, np.float64), np.asarray(y, np.float64)])
    times = np.asarray(days, np.float64)
    s_edges, t_edges = _edges(distance_bands_m), _edges(time_bands_days)
    if times.shape != (points.shape[0],):
        raise ValueError("x, y and days must have the same length")
    first, second, s_band = _close_pairs(points, s_edges)
    # Each pair's cell is s_band * T + t_band; pairs beyond the last time edge go to a spare bin.
    base = s_band * t_edges.size
    cells = s_edges.size * t_edges.size
    observed = _count(times, first, second, base, t_edges, cells)
    generator = np.random.default_rng(seed)
    permuted = np.empty((permutations, cells), np.int64)
    for k in range(permutations):
        permuted[k] = _count(generator.permutation(times), first, second, base, t_edges, cells)
    median = np.median(permuted, axis=0)
    ratio = np.divide(observed, median, out=np.full(cells, np.nan), where=median > 0)
    p = (1 + (permuted >= observed).sum(axis=0)) / (permutations + 1)
    shape = (s_edges.size, t_edges.size)
    return KnoxResult(
        distance_bands_m=tuple(s_edges.tolist()),
        time_bands_days=tuple(t_edges.tolist()),
        observed=observed.reshape(shape),
        permuted_median=median.reshape(shape),
        ratio=ratio.reshape(shape),
        p=p.reshape(shape),
        permutations=permutations,
    )


def _edges(bands: Sequence[float]) -> NDArray[np.float64]:
    edges = np.asarray(bands, np.float64)
    if edges.ndim != 1 or edges.size == 0 or edges[0] < 0 or np.any(np.diff(edges) <= 0):
        raise ValueError("bands must be upper edges: non-empty, non-negative and ascending")
    return edges


def _close_pairs(
    points: NDArray[np.float64], s_edges: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Each pair of points at most the last edge apart, once, with its distance band."""
    pairs = cKDTree(points).query_pairs(float(s_edges[-1]), output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]
    distance = np.hypot(*(points[first] - points[second]).T)
    band = np.searchsorted(s_edges, distance, side="left")
    # The tree's own rounding may admit a pair a hair beyond the last edge: drop it.
    kept = band < s_edges.size
    return first[kept], second[kept], band[kept]


def _count(
    times: NDArray[np.float64],
    first: NDArray[np.intp],
    second: NDArray[np.intp],
    base: NDArray[np.intp],
    t_edges: NDArray[np.float64],
    cells: int,
) -> NDArray[np.int64]:
    """Pairs per band cell with these times: the time band added to each pair's distance row."""
    counts = np.zeros(cells + 1, np.int64)
    for lo in range(0, first.size, _PAIRS_PER_BATCH):
        part = slice(lo, lo + _PAIRS_PER_BATCH)
        gap = np.abs(times[first[part]] - times[second[part]])
        t_band = np.searchsorted(t_edges, gap, side="left")
        cell = np.where(t_band < t_edges.size, base[part] + t_band, cells)
        counts += np.bincount(cell, minlength=cells + 1)
    return counts[:cells]
