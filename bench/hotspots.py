"""Gi* hot spots over the H3 cells (resolution 9) of 1,000,000 incidents in one county:
the study area, z-scores, permutation p-values (99 and 999) and FDR, and the GeoJSON features.

The counts per cell stand in for the SQL aggregate (`GROUP BY h3 cell`), which is not timed here.
Incidents are generated (seeded): five towns of different sizes and a thin background over a
46 km × 46 km county, which gives about 20,000 occupied cells.

    .venv/bin/python bench/hotspots.py [--incidents 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h3  # type: ignore[import-untyped]  # h3 ships no type information
import numpy as np

from incidents.analysis.gistar import fdr_bh, gi_star, gi_star_p
from incidents.analysis.hotspots import hot_spot_features, hot_spots, study_area
from pingan_shared.geo import EARTH_RADIUS_M

SEED = 20261128
CENTRE = (24.88, 102.83)  # lat, lon
RESOLUTION = 9


def generate_counts(count: int, seed: int) -> dict[str, int]:
    """Incidents per resolution-9 cell: 85 % in five towns (1-3 km spread), 15 % background."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform(-15_000, 15_000, (5, 2))
    spread = np.array([3_000, 2_000, 1_500, 1_200, 1_000])
    share = np.array([0.4, 0.25, 0.15, 0.1, 0.1])
    town = rng.choice(5, size=int(count * 0.85), p=share)
    north_east = towns[town] + rng.normal(0, 1, (town.size, 2)) * spread[town, None]
    background = rng.uniform(-23_000, 23_000, (count - town.size, 2))
    north, east = np.vstack([north_east, background]).T
    lat = CENTRE[0] + np.degrees(north / EARTH_RADIUS_M)
    lon = CENTRE[1] + np.degrees(east / (EARTH_RADIUS_M * np.cos(np.radians(CENTRE[0]))))
    cells, counts = np.unique(
        [h3.latlng_to_cell(a, b, RESOLUTION) for a, b in zip(lat, lon, strict=True)],
        return_counts=True,
    )
    return dict(zip(cells.tolist(), counts.tolist(), strict=True))


def timed(step: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Median seconds over `repeats`, the traced peak (MB) of one run, and the last result."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - started)
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return statistics.median(seconds), peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("$", " ".join([Path(sys.executable).name, *sys.argv]))
    counts = generate_counts(args.incidents, SEED)
    area = study_area(counts)
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("study area (k = 1 rings)", lambda: study_area(counts)),
        ("Gi* z-scores", lambda: gi_star(area.values, area.neighbours)),
        ("99 permutations", lambda: gi_star_p(area.values, area.neighbours, 99, 1)),
        ("999 permutations", lambda: gi_star_p(area.values, area.neighbours, 999, 1)),
        ("Benjamini-Hochberg", lambda: fdr_bh(np.linspace(0, 1, len(counts)))),
        ("hot_spots(), 99 permutations", lambda: hot_spots(counts, permutations=99, seed=1)),
        ("hot_spots(), 999 permutations", lambda: hot_spots(counts, permutations=999, seed=1)),
    ]
    print(
        f"\n{args.incidents:,} incidents in {len(counts):,} cells (resolution {RESOLUTION}); "
        f"study area {len(area.cells):,} cells with the zero ring"
    )
    print(f"(machine load average over the last minute: {os.getloadavg()[0]:.2f})")
    print(f"{'step':<34}{'seconds':>9}{'traced peak MB':>16}")
    found: dict[str, list[Any]] = {}
    for name, step in steps:
        seconds, peak, result = timed(step, args.repeats)
        print(f"{name:<34}{seconds:>9.3f}{peak:>16.1f}")
        if name.startswith("hot_spots()"):
            found[name.split(", ")[1]] = result
    spots = found["999 permutations"]
    seconds, peak, _ = timed(lambda: hot_spot_features(spots), args.repeats)
    print(f"{'GeoJSON features':<34}{seconds:>9.3f}{peak:>16.1f}")
    print("\ncells flagged at q <= 0.05 (Benjamini-Hochberg over all cells):")
    for name, result in found.items():
        hot, cold = (sum(s.kind == kind for s in result) for kind in ("hot", "cold"))
        print(f"  {name}: {hot} hot, {cold} cold")


if __name__ == "__main__":
    main()
