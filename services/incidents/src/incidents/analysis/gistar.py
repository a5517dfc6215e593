"""Getis-Ord Gi* local statistic with conditional permutation p-values and FDR correction.

Plain arrays in, plain arrays out: `values` (one per area unit of the study area, e.g. incident
counts per H3 cell) and a binary neighbourhood matrix of r <= n rows and n columns: row i is the
neighbourhood of unit i and includes unit i itself (Gi*, not Gi). Results are for those r units,
so a caller who needs figures for only some units puts them first and leaves out the other rows.

z-score (Ord & Getis 1995, eq. 14, binary weights; the same figure as PySAL's
`esda.G_Local(..., transform="B", star=True).Zs`):

    z_i = (sum_j w_ij x_j - xbar W_i) / (S * sqrt((n W_i - W_i^2) / (n - 1)))

with W_i = sum_j w_ij (the neighbourhood's size, itself included), xbar the mean of all n values
and S = sqrt(sum_j x_j^2 / n - xbar^2).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse  # type: ignore[import-untyped]  # scipy ships no type information

Alternative = Literal["two-sided", "greater", "less"]
# Shuffled values held at once (permutations x units): bounds memory to a few tens of MB.
_VALUES_PER_BATCH = 400_000


def gi_star(values: ArrayLike, neighbours: sparse.csr_array) -> NDArray[np.float64]:
    """The Gi* z-score of each unit with a row in `neighbours`; 0 where it is undefined (all
    values equal, or a neighbourhood that is the whole study area)."""
    x = np.asarray(values, np.float64)
    w = _binary(neighbours, x.size)
    n = x.size
    size = np.asarray(w.sum(axis=1)).ravel()
    mean = x.mean()
    spread = np.sqrt(max((x * x).mean() - mean * mean, 0.0))
    numerator = w @ x - mean * size
    denominator = spread * np.sqrt(np.maximum(n * size - size * size, 0.0) / max(n - 1, 1))
    # Rounding leaves a spread of ~1e-8 where all values are equal: no pattern to find.
    defined = denominator > 1e-9 * max(1.0, float(np.abs(x).max(initial=0.0)))
    z: NDArray[np.float64] = np.divide(
        numerator, denominator, out=np.zeros(size.size), where=defined
    )
    return z


def gi_star_p(
    values: ArrayLike,
    neighbours: sparse.csr_array,
    permutations: int = 999,
    rng: np.random.Generator | int | None = None,
    alternative: Alternative = "two-sided",
) -> NDArray[np.float64]:
    """Conditional permutation pseudo p-value of the Gi* of each unit with a row in `neighbours`.

    Each unit keeps its own value; its W_i - 1 neighbours are replaced by W_i - 1 values drawn
    without replacement from the other n - 1 units (Anselin 1995), `permutations` times. Because
    the mean and S do not change under permutation, comparing neighbourhood sums is comparing
    z-scores. "greater" (hot): (1 + #{sum >= observed}) / (P + 1); "less" (cold): with <=;
    "two-sided": twice the smaller of the two, capped at 1 — so the smallest p-value is
    2 / (P + 1) two-sided and 1 / (P + 1) one-sided.
    """
    x = np.asarray(values, np.float64)
    w = _binary(neighbours, x.size)
    generator = np.random.default_rng(rng)
    observed = w @ x
    tolerance = 1e-9 * max(1.0, float(np.abs(x).sum()))
    greater = np.zeros(observed.size, np.int64)
    less = np.zeros(observed.size, np.int64)
    need = np.diff(w.indptr) - 1  # neighbours besides the unit itself
    batch = max(1, _VALUES_PER_BATCH // x.size)
    for done in range(0, permutations, batch):
        sums = _permuted_sums(x, need, min(batch, permutations - done), generator)
        greater += (sums >= observed - tolerance).sum(axis=0)
        less += (sums <= observed + tolerance).sum(axis=0)
    upper = (1 + greater) / (permutations + 1)
    lower = (1 + less) / (permutations + 1)
    if alternative == "greater":
        return upper
    if alternative == "less":
        return lower
    both: NDArray[np.float64] = np.minimum(1.0, 2 * np.minimum(upper, lower))
    return both


def _binary(neighbours: sparse.csr_array, n: int) -> sparse.csr_array:
    """The neighbourhood matrix with every stored non-zero weight set to 1."""
    w = sparse.csr_array(neighbours, dtype=np.float64)
    w.eliminate_zeros()
    w.data[:] = 1.0
    if w.shape[1] != n or w.shape[0] > n or np.any(w.diagonal() == 0):
        raise ValueError("neighbours must be r x n (r <= n), each row including its unit (Gi*)")
    return w


def _permuted_sums(
    x: NDArray[np.float64],
    need: NDArray[np.int64],
    permutations: int,
    generator: np.random.Generator,
) -> NDArray[np.float64]:
    """Neighbourhood sums of the units 0..r-1 (r = need.size) under `permutations` draws:
    shape (permutations, r).

    Per permutation the n values are shuffled once; unit i then takes the first need[i] values
    other than its own, going round the shuffled ring from a random start of its own. For a start
    chosen independently of the shuffle, every unit's draw is a uniform subset of the others
    (the shuffle is exchangeable), and different units almost never share values.
    """
    n, r = x.size, need.size
    order = np.stack([generator.permutation(n) for _ in range(permutations)])
    rows = np.arange(permutations)[:, None]
    position = np.empty((permutations, n), np.int64)
    position[rows, order] = np.arange(n)
    position = position[:, :r]
    running = np.zeros((permutations, n + 1))
    np.cumsum(x[order], axis=1, out=running[:, 1:])
    start = generator.integers(0, n, (permutations, r))
    # Where the unit's own value falls among the need[i] places from the start, the window
    # grows by one place so that it still holds need[i] values of other units.
    gap = position - start
    own = ((gap >= 0) & (gap < need)) | (gap < need - n)
    stop = start + need + own
    wraps = stop > n
    stop -= n * wraps
    window = running[rows, stop] - running[rows, start] + wraps * running[:, n:]
    kept: NDArray[np.float64] = window + np.where(own, 0.0, x[:r])
    return kept


def fdr_bh(p: ArrayLike) -> NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values (q-values): q_(i) = min over j >= i of
    p_(j) m / j, capped at 1; a unit is significant at FDR level alpha when q <= alpha."""
    values = np.asarray(p, np.float64)
    m = values.size
    if m == 0:
        return values.copy()
    order = np.argsort(values)
    scaled = values[order] * m / np.arange(1, m + 1)
    running = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(running, 1.0)
    return q
