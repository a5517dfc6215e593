"""The Knox test: pair counts by hand, significance of planted and absent near repeats."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from incidents.analysis.knox import knox_test, local_metres
from pingan_shared.geo import distance_m, offset


def test_pairs_are_counted_in_bands_closed_on_the_right() -> None:
    # A(0,0) day 0, B(50,0) day 3, C(150,0) day 10, D(1000,0) day 1; bands [0,100] (100,200] m
    # x [0,7] (7,14] days. AB: 50 m, 3 d -> first/first. BC: 100 m, 7 d -> first/first (both
    # edges are inside the first bands). AC: 150 m, 10 d -> second/second. D is 850 m or more
    # from the others: not counted.
    result = knox_test([0, 50, 150, 1000], [0, 0, 0, 0], [0, 3, 10, 1], [100, 200], [7, 14], 9, 1)
    assert result.observed.tolist() == [[2, 0], [0, 1]]
    assert result.distance_bands_m == (100.0, 200.0)
    assert result.time_bands_days == (7.0, 14.0)
    assert result.permutations == 9


def test_the_nearrepeat_pathological_example_lands_in_the_first_bands() -> None:
    # tobydavies/NearRepeat's two-incident example: 100 m and 3 days apart, bands of 200 m and
    # 3 days. It belongs in 0-200 m x 0-3 days (the Near Repeat Calculator puts it in 4-6 days).
    result = knox_test([0, 0], [0, 100], [0, 3], [200, 400], [3, 6], 9, 1)
    assert result.observed.tolist() == [[1, 0], [0, 0]]


def brute_force(
    xy: np.ndarray, t: np.ndarray, s_edges: list[float], t_edges: list[float]
) -> np.ndarray:
    counts = np.zeros((len(s_edges), len(t_edges)), int)
    for i, j in itertools.combinations(range(len(t)), 2):
        d = math.dist(xy[i], xy[j])
        gap = abs(t[i] - t[j])
        s_band = next((k for k, edge in enumerate(s_edges) if d <= edge), None)
        t_band = next((k for k, edge in enumerate(t_edges) if gap <= edge), None)
        if s_band is not None and t_band is not None:
            counts[s_band, t_band] += 1
    return counts


def test_observed_counts_agree_with_checking_every_pair() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 1500, (300, 2)).round()  # whole metres: some pairs exactly on edges
    t = rng.integers(0, 60, 300).astype(float)
    s_edges, t_edges = [0.1, 100.0, 200.0, 300.0], [7.0, 14.0, 21.0]
    result = knox_test(xy[:, 0], xy[:, 1], t, s_edges, t_edges, permutations=9, seed=1)
    assert result.observed.tolist() == brute_force(xy, t, s_edges, t_edges).tolist()


def planted(seed: int, cluster: int) -> tuple[np.ndarray, np.ndarray]:
    """600 incidents spread over 5 km x 5 km and a year, and `cluster` of them replaced by a
    near-repeat burst: in a 70 m square (under 100 m apart) within 5 days."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 5000, (600, 2))
    t = rng.uniform(0, 365, 600)
    xy[:cluster] = 2500 + rng.uniform(-35, 35, (cluster, 2))
    t[:cluster] = 100 + rng.uniform(0, 5, cluster)
    return xy, t


def test_a_planted_near_repeat_burst_is_significant() -> None:
    xy, t = planted(seed=5, cluster=20)
    result = knox_test(xy[:, 0], xy[:, 1], t, [100, 200, 300], [7, 14, 21], 99, seed=9)
    assert result.observed[0, 0] >= 190  # the burst alone gives 20 * 19 / 2 pairs
    assert result.p[0, 0] == pytest.approx(0.01)  # the smallest possible with 99 permutations
    assert result.ratio[0, 0] > 10


def test_uniform_random_incidents_show_no_near_repeats() -> None:
    xy, t = planted(seed=5, cluster=0)
    result = knox_test(xy[:, 0], xy[:, 1], t, [100, 200, 300], [7, 14, 21], 99, seed=9)
    assert result.p[0, 0] > 0.05
    assert np.all(result.p > 0.01)
    assert np.nanmax(np.abs(result.ratio - 1)[1:]) < 0.5


def test_results_are_reproducible_with_a_seed_and_the_median_is_of_the_permutations() -> None:
    xy, t = planted(seed=6, cluster=10)
    first = knox_test(xy[:, 0], xy[:, 1], t, [100, 200], [7, 14], 49, seed=3)
    again = knox_test(xy[:, 0], xy[:, 1], t, [100, 200], [7, 14], 49, seed=3)
    assert np.array_equal(first.p, again.p)
    assert np.array_equal(first.permuted_median, again.permuted_median)
    defined = first.permuted_median > 0
    assert first.ratio[defined] == pytest.approx(
        first.observed[defined] / first.permuted_median[defined]
    )
    assert np.all(np.isnan(first.ratio[~defined]))
    assert np.all((first.p >= 1 / 50) & (first.p <= 1))


def test_bands_must_be_ascending_upper_edges() -> None:
    with pytest.raises(ValueError, match="ascending"):
        knox_test([0, 1], [0, 1], [0, 1], [200, 100], [7], 9)
    with pytest.raises(ValueError, match="ascending"):
        knox_test([0, 1], [0, 1], [0, 1], [100], [], 9)
    with pytest.raises(ValueError, match="same length"):
        knox_test([0, 1], [0, 1], [0], [100], [7], 9)


def test_local_metres_agree_with_great_circle_distances_across_a_county() -> None:
    lat0, lon0 = 24.88, 102.83
    points = [
        offset(lat0, lon0, north, east) for north, east in [(0, 0), (300, 400), (-20_000, 15_000)]
    ]
    lats, lons = np.array(points).T
    x, y = local_metres(lons, lats)
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        flat = math.hypot(x[i] - x[j], y[i] - y[j])
        assert flat == pytest.approx(distance_m(lats[i], lons[i], lats[j], lons[j]), rel=1e-3)
    x, y = local_metres(lons, lats, origin=(lon0, lat0))
    assert (x[1], y[1]) == pytest.approx((400, 300), abs=0.2)
