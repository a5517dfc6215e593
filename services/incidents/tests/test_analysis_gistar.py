"""Gi* z-scores, permutation p-values and the Benjamini-Hochberg correction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse  # type: ignore[import-untyped]  # scipy ships no type information
from scipy.stats import false_discovery_control  # type: ignore[import-untyped]  # as above

from incidents.analysis.gistar import fdr_bh, gi_star, gi_star_p


def neighbourhoods(lists: list[list[int]], n: int | None = None) -> sparse.csr_array:
    """Binary matrix whose row i marks the units in lists[i]."""
    rows = [i for i, units in enumerate(lists) for _ in units]
    columns = [j for units in lists for j in units]
    shape = (len(lists), n or len(lists))
    return sparse.csr_array((np.ones(len(rows)), (rows, columns)), shape=shape)


# Five units on a line, each with itself and the units on either side.
LINE = neighbourhoods([[0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4]])


def test_gi_star_matches_a_hand_computed_line() -> None:
    # x = 1, 2, 6, 2, 1: n = 5, mean = 12 / 5 = 2.4,
    # S^2 = (1 + 4 + 36 + 4 + 1) / 5 - 2.4^2 = 9.2 - 5.76 = 3.44.
    # Unit 2: W = 3, sum = 2 + 6 + 2 = 10 -> (10 - 2.4 * 3) / (sqrt(3.44) sqrt((5*3 - 9) / 4))
    #   = 2.8 / (1.854724 * 1.224745) = 1.232631.
    # Unit 0: W = 2, sum = 1 + 2 = 3 -> (3 - 4.8) / (sqrt(3.44) sqrt((5*2 - 4) / 4)) = -0.792406.
    z = gi_star([1, 2, 6, 2, 1], LINE)
    assert z[2] == pytest.approx(1.232631, abs=1e-6)
    assert z[0] == pytest.approx(-0.792406, abs=1e-6)
    assert z[4] == pytest.approx(z[0])
    assert z[1] == pytest.approx((9 - 2.4 * 3) / (math.sqrt(3.44) * math.sqrt(1.5)))


def test_gi_star_reproduces_the_pysal_esda_documentation_example() -> None:
    # esda.G_Local docstring: points (10,10) (20,10) (40,10) (15,20) (30,20) (30,30),
    # DistanceBand threshold 15, y = 2 3 3.2 5 8 7, transform="B", star=True gives
    # Zs = -1.39727626 -0.28917762 0.65064964 -0.28917762 1.23452088 2.02424331.
    # Pairs within 15: 0-1 (10), 0-3 (11.2), 1-3 (11.2), 1-4 (14.1), 2-4 (14.1), 3-4 (15),
    # 4-5 (10); every other pair is farther.
    w = neighbourhoods([[0, 1, 3], [0, 1, 3, 4], [2, 4], [0, 1, 3, 4], [1, 2, 3, 4, 5], [4, 5]])
    z = gi_star([2, 3, 3.2, 5, 8, 7], w)
    published = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
    assert z == pytest.approx(published, abs=1e-8)


def test_gi_star_is_zero_where_it_is_undefined() -> None:
    assert np.all(gi_star([3, 3, 3, 3, 3], LINE) == 0)
    whole = neighbourhoods([[0, 1, 2], [0, 1, 2], [0, 1, 2]])
    assert np.all(gi_star([1, 5, 0], whole) == 0)


def test_rows_can_be_a_subset_of_the_study_area() -> None:
    # The first three units of the line, with all five values.
    z = gi_star([1, 2, 6, 2, 1], neighbourhoods([[0, 1], [0, 1, 2], [1, 2, 3]], n=5))
    assert z == pytest.approx(gi_star([1, 2, 6, 2, 1], LINE)[:3])
    with pytest.raises(ValueError, match="including its unit"):
        gi_star([1, 2, 3], neighbourhoods([[1], [0, 1], [1, 2]]))


def test_conditional_permutation_p_values_estimate_the_exact_probability() -> None:
    # Unit 0 (value 0) with two neighbours drawn from the others' values 1, 2, 4, 8: the six
    # pairs sum to 3, 5, 9, 6, 10, 12, so P(sum <= observed 1 + 2 = 3) = 1/6 and
    # P(sum >= 3) = 1.
    w = neighbourhoods([[0, 1, 2]], n=5)
    values = [0, 1, 2, 4, 8]
    less = gi_star_p(values, w, 5999, rng=7, alternative="less")
    greater = gi_star_p(values, w, 5999, rng=7, alternative="greater")
    both = gi_star_p(values, w, 5999, rng=7)
    assert less[0] == pytest.approx(1 / 6, abs=0.015)
    assert greater[0] == 1.0
    assert both[0] == pytest.approx(2 * less[0])


def test_permutation_p_values_are_reproducible_with_a_seed() -> None:
    values = np.arange(5.0)
    assert np.array_equal(gi_star_p(values, LINE, 99, 1), gi_star_p(values, LINE, 99, 1))
    generator = np.random.default_rng(1)
    assert np.array_equal(gi_star_p(values, LINE, 99, generator), gi_star_p(values, LINE, 99, 1))


def test_a_planted_cluster_is_significant_and_noise_is_not() -> None:
    # A ring of 200 units, each with itself and two neighbours either side; Poisson noise
    # everywhere and a cluster of high values on units 100-104.
    n = 200
    lists = [[(i + d) % n for d in range(-2, 3)] for i in range(n)]
    w = neighbourhoods(lists)
    values = np.random.default_rng(11).poisson(2, n).astype(float)
    values[100:105] = 12
    p = gi_star_p(values, w, 9999, rng=3, alternative="greater")
    assert np.all(p[100:105] <= 0.01)
    q = fdr_bh(p)
    assert np.all(q[100:105] <= 0.05)
    assert np.all(q[:90] > 0.05)
    assert np.all(q[115:] > 0.05)
    noise = np.random.default_rng(12).poisson(2, n).astype(float)
    assert np.mean(gi_star_p(noise, w, 999, rng=3) <= 0.05) < 0.1


def test_benjamini_hochberg_matches_a_hand_computed_list() -> None:
    # m = 5. Sorted: 0.005*5/1 = 0.025, 0.01*5/2 = 0.025, 0.03*5/3 = 0.05, 0.04*5/4 = 0.05,
    # 0.2*5/5 = 0.2; each then the smallest value at or after it (already non-decreasing).
    p = [0.01, 0.04, 0.03, 0.005, 0.20]
    q = fdr_bh(p)
    assert q == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.2])
    assert q == pytest.approx(false_discovery_control(p, method="bh"))
    # A larger p-value early in the order can lower the q of those before it.
    assert fdr_bh([0.04, 0.041, 0.9]) == pytest.approx([0.0615, 0.0615, 0.9])
    assert fdr_bh([0.5, 1.0, 1.0]) == pytest.approx([1.0, 1.0, 1.0])
    assert fdr_bh([]).size == 0


def test_benjamini_hochberg_agrees_with_scipy_on_many_values() -> None:
    p = np.random.default_rng(5).uniform(0, 1, 1000) ** 3
    assert fdr_bh(p) == pytest.approx(false_discovery_control(p, method="bh"))
