"""Fisher–Jenks optimal class breaks in numpy, the same breaks as ``mapclassify.FisherJenks``.

mapclassify runs Fisher's dynamic programme as a numba-compiled triple loop
and, without numba, as the same loops in pure Python (seconds for a few
thousand values).  :func:`fisher_jenks_bins` runs the same programme with the
inner loops over split points and classes as numpy array operations, in the
arithmetic mapclassify uses (float32 sums accumulated in the same order, the
same comparison), so the breaks are the same ones, ties included, with or
without numba.  tests/test_classes.py checks this against mapclassify.
"""

from __future__ import annotations

import numpy as np


def fisher_jenks_bins(values, k: int) -> np.ndarray:
    """Upper class bounds of Fisher's optimal partition of ``values`` into ``k`` classes.

    Fisher (1958) showed that the partition of sorted values into ``k``
    contiguous classes with the least within-class sum of squared deviations
    (Jenks' optimal method) follows from a dynamic programme: the best ``j``
    classes of the first ``l`` values are the best ``j − 1`` classes of the
    first ``i − 1`` values plus the class ``i … l``, for the best ``i``.  For
    each ``l`` the sums of ``x`` and ``x²`` of every candidate last class
    ``i … l`` come from one cumulative sum and all candidates ``i`` and class
    counts ``j`` are compared at once: O(k·n²) arithmetic in numpy, O(k·n)
    memory.

    The arithmetic is mapclassify's, so the result equals
    ``mapclassify.FisherJenks(values, k).bins``: single precision (float32),
    sums over each last class accumulated from its top value down, and among
    equally good splits the one whose last class starts lowest.  Like
    mapclassify's, the breaks are therefore optimal up to float32 rounding:
    values whose spread is tiny beside their magnitude (e.g. 10⁶ ± 10) can get
    a visibly worse partition than the float64 optimum.

    Parameters
    ----------
    values : 1-d array-like of finite numbers (any order).
    k : number of classes, 1 ≤ k ≤ the number of distinct values.

    Returns
    -------
    numpy.ndarray of float
        ``k`` upper class bounds, each one of the values; the last is the maximum.

    References
    ----------
    Fisher, W. D. (1958). On grouping for maximum homogeneity. *Journal of
    the American Statistical Association* 53(284), 789–798.

    Examples
    --------
    >>> fisher_jenks_bins([1, 2, 4, 8, 16, 32], 3).tolist()
    [8.0, 16.0, 32.0]
    >>> fisher_jenks_bins([5, 1, 1, 2, 9, 8], 2).tolist()
    [2.0, 9.0]
    """
    x = np.sort(np.asarray(values, dtype=float).ravel())
    if not np.isfinite(x).all():
        raise ValueError("values must be finite numbers")
    distinct = len(np.unique(x))
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= distinct:
        raise ValueError(f"k must be a whole number from 1 to the {distinct} distinct values, got {k!r}")
    k = int(k)
    n = len(x)
    with np.errstate(over="ignore", invalid="ignore"):  # |values| ≳ 1.8e19 overflow float32, as in mapclassify
        cost, start = _programme(x.astype(np.float32), k)
    # walk back from the last value (mapclassify's indexing, including its wrap-around at the ends)
    bounds = np.zeros(k + 1)
    bounds[k] = x[-1]
    bounds[0] = x[0]
    end = n
    for j in range(k, 1, -1):
        first = int(start[j, end])
        bounds[j - 1] = x[first - 2]
        end = first - 1
    return bounds[1:]


def _programme(x32: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's dynamic programme on sorted float32 values, in mapclassify's arithmetic.

    Returns ``cost[j, l]``, the least within-class sum of squared deviations of
    the first ``l`` values in ``j`` classes (float32, as mapclassify keeps it),
    and ``start[j, l]``, the 1-based position of the first value of the last of
    those classes (mapclassify's ``mat2`` and ``mat1``, transposed).
    """
    n = len(x32)
    # the values and their squares from the top down: the top m of the first `last` values are
    # down[n - last : n - last + m], contiguous for np.cumsum
    down = np.ascontiguousarray(x32[::-1])
    down_squares = down * down
    counts = np.arange(1, n + 1, dtype=np.float32)
    cost = np.zeros((k + 1, n + 1), dtype=np.float32)
    cost[1:, 2:] = np.inf
    start = np.zeros((k + 1, n + 1), dtype=np.int64)
    start[1:, 1] = 1
    rows = np.arange(k - 1)
    for last in range(2, n + 1):
        # ss[m - 1]: squared deviations of the top m of the first `last` values, their sums accumulated
        # from values[last - 1] down in float32 (np.cumsum adds in order, like mapclassify's loop)
        s1 = np.cumsum(down[n - last :])
        s2 = np.cumsum(down_squares[n - last :])
        ss = s2 - (s1 * s1) / counts[:last]
        if k > 1:
            # cand[j - 2, p - 1]: j classes whose last one is values p + 1 … last, for j = 2 … k and
            # p = 1 … last - 1: its ss plus the best j - 1 classes of the first p values
            cand = ss[last - 2 :: -1] + cost[1:k, 1:last]
            # mapclassify keeps the last candidate it meets that is no worse, which is the lowest p
            # among equal ones: argmin's first occurrence
            p = cand.argmin(axis=1)
            best = cand[rows, p]
            if np.isnan(best).any():  # float32 overflow: mapclassify's comparison never picks a NaN
                fmin = np.fmin.reduce(cand, axis=1)
                p = np.argmax(cand == fmin[:, None], axis=1)
                best = np.where(np.isnan(fmin), np.inf, cand[rows, p])
                p = np.where(np.isnan(fmin), -2, p)
            cost[2:, last] = best
            start[2:, last] = p + 2
        cost[1, last] = ss[-1]
        start[1, last] = 1
    return cost, start
