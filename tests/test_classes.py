"""Fisher–Jenks breaks (geolink._jenks): the float64 optimum of Fisher's criterion, against brute force,
an exact dynamic programme and mapclassify.FisherJenks."""

import itertools
import math
import warnings
from fractions import Fraction

import mapclassify
import numpy as np
import pandas as pd
import pytest
from mapclassify.classifiers import HAS_NUMBA

import geolink
from geolink._jenks import fisher_jenks_bins


def _reference(y, k):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        return mapclassify.FisherJenks(y, k=k).bins


def _ssd(values, upper):
    """Within-class sum of squared deviations of the classes that the upper bounds make (float64, corrected
    two-pass: Σd² − (Σd)²/m with d the deviations from the rounded class mean, accurate whatever the offset)."""
    x = np.sort(np.asarray(values, dtype=float))
    idx = np.searchsorted(np.asarray(upper), x, side="left")
    total = []
    for c in np.unique(idx):
        d = x[idx == c] - x[idx == c].mean()
        total.append(math.fsum(d * d) - math.fsum(d) ** 2 / len(d))
    return math.fsum(total)


def _lowest_starts(totals, equal):
    """The documented tie rule on {cuts: total}: among the least totals, the lowest start of the last class,
    then of the class before it, and so on (cuts: 0-based first positions of classes 2 … k)."""
    best = min(totals.values())
    return min((cuts for cuts, t in totals.items() if equal(t, best)), key=lambda cuts: cuts[::-1])


def _brute_force(x, k, pair_ss):
    """{cuts: total} over every split of the sorted values x into k contiguous classes (any positions, also
    between equal values); pair_ss[i, l] is the sum of squares of x[i:l]."""
    n = len(x)
    totals = {}
    for cuts in itertools.combinations(range(1, n), k - 1):
        edges = (0, *cuts, n)
        totals[cuts] = sum(pair_ss[edges[c], edges[c + 1]] for c in range(k))
    return totals


def _bounds(x, cuts):
    return [float(x[c - 1]) for c in cuts] + [float(x[-1])]


def _exact_programme(values, k):
    """Fisher's dynamic programme in exact rational arithmetic (slow, pure Python), the documented tie rule.

    Returns (upper bounds, least total as a Fraction)."""
    x = sorted(float(v) for v in values)
    n = len(x)
    s1, s2 = [Fraction(0)], [Fraction(0)]
    for v in map(Fraction, x):
        s1.append(s1[-1] + v)
        s2.append(s2[-1] + v * v)

    def ss(i, last):  # the class x[i:last]
        a = s1[last] - s1[i]
        return s2[last] - s2[i] - a * a / (last - i)

    cost = [[None] * (n + 1) for _ in range(k + 1)]
    start = [[0] * (n + 1) for _ in range(k + 1)]
    for last in range(1, n + 1):
        cost[1][last] = ss(0, last)
    for j in range(2, k + 1):
        for last in range(j, n + 1):
            for p in range(j - 1, last):  # ascending p, strict <: the lowest start among equal totals
                c = cost[j - 1][p] + ss(p, last)
                if cost[j][last] is None or c < cost[j][last]:
                    cost[j][last], start[j][last] = c, p
    bounds, end = [x[-1]], n
    for j in range(k, 1, -1):
        end = start[j][end]
        bounds.append(x[end - 1])
    return bounds[::-1], cost[k][n]


def test_fisher_jenks_bins_are_the_brute_force_optimum():
    """Up to 12 random values: the least total over all splits (to 1e-9), and the split the tie rule picks."""
    rng = np.random.default_rng(3)
    kinds = [
        lambda n: rng.lognormal(size=n),
        lambda n: rng.normal(size=n),
        lambda n: rng.uniform(0, 100, size=n),
        lambda n: 1e6 + rng.normal(0, 10, size=n),  # spread small beside the size
        lambda n: 1e20 * rng.lognormal(size=n),  # beyond float32
        lambda n: np.round(rng.lognormal(12, 1.5, size=n)),
    ]
    checked = 0
    for trial in range(240):
        n = int(rng.integers(2, 13))
        x = np.sort(kinds[trial % len(kinds)](n))
        pair_ss = {(i, last): _ssd(x[i:last], [x[last - 1]]) for i in range(n) for last in range(i + 1, n + 1)}
        for k in range(1, min(len(np.unique(x)), 6) + 1):
            totals = _brute_force(x, k, pair_ss)
            cuts = _lowest_starts(totals, lambda t, best: t <= best * (1 + 1e-12))
            got = fisher_jenks_bins(x, k)
            assert _ssd(x, got) == pytest.approx(totals[cuts], rel=1e-9), (x.tolist(), k)
            assert got.tolist() == _bounds(x, cuts), (x.tolist(), k)
            checked += 1
    assert checked > 800


def test_fisher_jenks_bins_follow_the_tie_rule_on_tied_values():
    """Values with many exact ties (small integers, scaled or offset): exact totals by integer arithmetic; the
    least total and, among equal ones, the lowest start of the last class, then of the class before …"""
    rng = np.random.default_rng(7)
    scales = [(1.0, 0.0), (0.1, 0.0), (1000.0, 0.0), (1.0, 1990.0), (0.25, 1e6)]  # value = offset + scale · code
    checked = ties = 0
    for trial in range(300):
        n = int(rng.integers(1, 13))
        codes = np.sort(rng.integers(0, 5, size=n))
        scale, offset = scales[trial % len(scales)]
        y = offset + scale * codes.astype(float)
        rng.shuffle(y)
        x = np.sort(y)
        # 27720 · (sum of squares of the codes of a class of m ≤ 12) = (27720 / m) · (m Σc² − (Σc)²): an integer
        pair_ss = {}
        for i in range(n):
            for last in range(i + 1, n + 1):
                c = codes[i:last].tolist()
                m = last - i
                pair_ss[i, last] = 27720 // m * (m * sum(v * v for v in c) - sum(c) ** 2)
        for k in range(1, len(np.unique(codes)) + 1):
            totals = _brute_force(x, k, pair_ss)
            cuts = _lowest_starts(totals, lambda t, best: t == best)
            ties += sum(t == totals[cuts] for t in totals.values()) > 1
            got = fisher_jenks_bins(y, k)
            assert got.tolist() == _bounds(x, cuts), (y.tolist(), k)
            assert len(set(got.tolist())) == k  # equal values stay together
            assert _ssd(x, got) == pytest.approx(totals[cuts] * scale**2 / 27720, rel=1e-9, abs=1e-12)
            checked += 1
    assert checked > 1000 and ties > 60  # optima shared by several splits


def _inputs():
    """60 inputs: normal, lognormal, integers with many ties, rounded values, a large offset; n 3 … 2000."""
    rng = np.random.default_rng(20240607)
    sizes = [3, 4, 5, 7, 10, 16, 25, 40, 80, 150, 370, 700, 2000]
    if not HAS_NUMBA:  # mapclassify's pure-Python reference takes seconds for a few thousand values
        sizes = sizes[:-2]
    kinds = {
        "normal": lambda n: rng.normal(size=n),
        "lognormal": lambda n: rng.lognormal(size=n),
        "integers": lambda n: rng.integers(0, 8, size=n).astype(float),
        "population": lambda n: np.round(rng.lognormal(12, 1.5, size=n)),
        "percent": lambda n: np.round(rng.uniform(20, 95, size=n), 1),
        "offset": lambda n: 1e6 + rng.normal(0, 10, size=n),  # float32 loses the spread
    }
    cases = []
    for i in range(60):
        name = list(kinds)[i % len(kinds)]
        n = sizes[i % len(sizes)]
        y = kinds[name](n)
        cases.append((name, y, int(rng.integers(2, 8))))
    return cases


#: Inputs whose spread is not small beside their size: mapclassify's single-precision sums find the optimum.
WELL_CONDITIONED = {"normal", "lognormal", "integers", "population", "percent"}


def test_fisher_jenks_bins_against_mapclassify():
    """Never a worse partition than mapclassify's; the same breaks where the values are well conditioned;
    a strictly better one on values with a large offset (10⁶ ± 10)."""
    same = better = 0
    for name, y, k in _inputs():
        distinct = len(np.unique(y))
        for kk in {min(k, distinct), distinct} if distinct <= 8 else {k}:  # also k = every distinct value
            got, ref = fisher_jenks_bins(y, kk), _reference(y, kk)
            ours, theirs = _ssd(y, got), _ssd(y, ref)
            assert ours <= theirs * (1 + 1e-12), (name, len(y), kk)
            if name in WELL_CONDITIONED:
                assert got.tolist() == ref.tolist(), (name, len(y), kk)
                same += 1
            else:
                assert ours < theirs * (1 - 1e-6), (name, len(y), kk)
                better += 1
    assert same >= 50 and better >= 10


@pytest.mark.parametrize(
    "kind", ["offset", "years", "year_range"],
)
def test_fisher_jenks_bins_where_single_precision_fails(kind):
    """10⁶ ± 10 and years: strictly less than mapclassify's sum of squares, and the exact optimum."""
    rng = np.random.default_rng(11)
    y, k = {
        "offset": (1e6 + rng.normal(0, 10, size=120), 5),
        "years": (rng.integers(1990, 2021, size=120).astype(float), 5),
        "year_range": (np.arange(1990.0, 2021.0), 5),  # 31 values in 5 classes: 6, 6, 6, 6, 7 in any order
    }[kind]
    got = fisher_jenks_bins(y, k)
    bounds, least = _exact_programme(y, k)
    assert got.tolist() == bounds
    assert _ssd(y, got) == pytest.approx(float(least), rel=1e-12)
    theirs = _ssd(y, _reference(y, k))
    if kind == "year_range":
        # an exact tie that single precision does not see: equally good, and the last class starts lowest
        assert _ssd(y, got) == theirs and got.tolist() == [1995.0, 2001.0, 2007.0, 2013.0, 2020.0]
    else:
        assert _ssd(y, got) < theirs * (1 - 1e-3)


def test_fisher_jenks_bins_on_huge_values():
    """Values of 10²⁰ (beyond float32) and near the float64 limit: distinct, sorted, optimal breaks."""
    rng = np.random.default_rng(13)
    centres = np.repeat([1.0, 2.0, 4.0, 7.0], 25)
    y = 1e20 * (centres + rng.uniform(-0.1, 0.1, size=len(centres)))
    got = fisher_jenks_bins(y, 4)
    x = np.sort(y)
    assert got.tolist() == [x[24], x[49], x[74], x[99]]  # the four clusters
    for z in (1e20 * rng.lognormal(size=80), 1e20 + rng.normal(0, 1e6, size=80)):
        got = fisher_jenks_bins(z, 5)
        assert np.all(np.diff(got) > 0) and set(got.tolist()) <= set(z.tolist())
        bounds, least = _exact_programme(z, 5)
        assert got.tolist() == bounds and _ssd(z, got) == pytest.approx(float(least), rel=1e-9)
    # scaling by a power of two is exact, so the breaks scale with it, up to near the float64 limit
    w = rng.lognormal(size=300)
    for power in (-1000, 66, 1000):
        assert fisher_jenks_bins(np.ldexp(w, power), 6).tolist() == np.ldexp(fisher_jenks_bins(w, 6), power).tolist()


def test_fisher_jenks_bins_order_and_errors():
    y = np.random.default_rng(1).lognormal(size=50)
    assert fisher_jenks_bins(y, 4).tolist() == fisher_jenks_bins(np.sort(y)[::-1], 4).tolist()
    assert fisher_jenks_bins([3.0], 1).tolist() == [3.0]
    assert fisher_jenks_bins([2.0, 1.0, 2.0], 1).tolist() == [2.0]
    assert fisher_jenks_bins([1, 1, 2, 2, 3], 3).tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="from 1 to the 2 distinct values, got 3"):
        fisher_jenks_bins([1, 1, 2], 3)
    with pytest.raises(ValueError, match="finite"):
        fisher_jenks_bins([1, np.nan, 2], 2)


def test_classify_fisher_jenks_is_mapclassify_fisher_jenks():
    """On well-conditioned values geolink.classify gives mapclassify's classes: bins, counts and the scheme name
    the GeoPackage style maps."""
    rng = np.random.default_rng(5)
    v = pd.Series(np.round(rng.lognormal(3, 1, size=400), 1))
    v[::37] = np.nan
    present = v.dropna().to_numpy()
    for k in (2, 5, 7):
        c = geolink.classify(v, "fisher_jenks", k=k)
        ref = mapclassify.FisherJenks(present, k=k)
        assert c.scheme == "fisher_jenks" and c.upper == tuple(ref.bins.tolist())
        assert c.tally(v) == (tuple(ref.counts.tolist()), int(v.isna().sum()))
    # more classes than distinct values: one class per value
    assert geolink.classify([1, 1, 2, 3, 3], "fisher_jenks", k=5).upper == (1.0, 2.0, 3.0)


def test_classify_fisher_jenks_does_not_need_numba():
    """Without numba (blocked before mapclassify is imported) the classes are the same, and no warning."""
    import subprocess
    import sys

    code = (
        "import sys, warnings; sys.modules['numba'] = None; warnings.simplefilter('error')\n"
        "import numpy as np, geolink\n"
        "y = np.random.default_rng(2).lognormal(size=300)\n"
        "print(list(geolink.classify(y, 'fisher_jenks', k=5).upper))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    y = np.random.default_rng(2).lognormal(size=300)
    assert out.strip() == str(list(geolink.classify(y, "fisher_jenks", k=5).upper))
    assert out.strip() == str(list(_reference(y, 5).tolist()))  # well conditioned: mapclassify's breaks
