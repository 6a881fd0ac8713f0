"""Fisher–Jenks breaks in numpy (geolink._jenks): the same as mapclassify.FisherJenks, and optimal."""

import itertools
import warnings

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
        "offset": lambda n: 1e6 + rng.normal(0, 10, size=n),  # float32 loses the spread, in both
    }
    cases = []
    for i in range(60):
        name = list(kinds)[i % len(kinds)]
        n = sizes[i % len(sizes)]
        y = kinds[name](n)
        cases.append((name, y, int(rng.integers(2, 8))))
    return cases


def test_fisher_jenks_bins_equal_mapclassify():
    compared = 0
    for name, y, k in _inputs():
        distinct = len(np.unique(y))
        for kk in {min(k, distinct), distinct} if distinct <= 8 else {k}:  # also k = every distinct value
            got = fisher_jenks_bins(y, kk)
            ref = _reference(y, kk)
            assert got.tolist() == ref.tolist(), (name, len(y), kk)
            compared += 1
    assert compared >= 60


def test_fisher_jenks_bins_equal_mapclassify_on_ties_and_small_inputs():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 13))
        y = rng.integers(0, 5, size=n).astype(float) * rng.choice([1.0, 0.1, 1000.0])
        for k in range(1, len(np.unique(y)) + 1):
            assert fisher_jenks_bins(y, k).tolist() == _reference(y, k).tolist(), (y.tolist(), k)


def _ssd(x, upper):
    idx = np.searchsorted(upper, x, side="left")
    return sum(((x[idx == c] - x[idx == c].mean()) ** 2).sum() for c in np.unique(idx))


def test_fisher_jenks_bins_are_optimal_by_brute_force():
    """On up to 12 values the within-class sum of squares of the breaks is the least over all splits."""
    rng = np.random.default_rng(3)
    for trial in range(120):
        n = int(rng.integers(2, 13))
        y = rng.lognormal(size=n) if trial % 2 else rng.integers(0, 6, size=n).astype(float)
        x = np.sort(y)
        for k in range(1, min(len(np.unique(x)), 5) + 1):
            got = fisher_jenks_bins(y, k)
            assert len(got) == k and got[-1] == x[-1] and set(got) <= set(x)
            best = min(
                _ssd(x, x[[*(c - 1 for c in cuts), n - 1]])
                for cuts in itertools.combinations(range(1, n), k - 1)
                if len(set(x[[*(c - 1 for c in cuts), n - 1]])) == k  # classes bounded by distinct values
            )
            assert _ssd(x, got) == pytest.approx(best, rel=1e-5, abs=1e-9), (x.tolist(), k)


def test_fisher_jenks_bins_order_and_errors():
    y = np.random.default_rng(1).lognormal(size=50)
    assert fisher_jenks_bins(y, 4).tolist() == fisher_jenks_bins(np.sort(y)[::-1], 4).tolist()
    assert fisher_jenks_bins([3.0], 1).tolist() == [3.0]
    with pytest.raises(ValueError, match="from 1 to the 2 distinct values, got 3"):
        fisher_jenks_bins([1, 1, 2], 3)
    with pytest.raises(ValueError, match="finite"):
        fisher_jenks_bins([1, np.nan, 2], 2)


def test_classify_fisher_jenks_is_mapclassify_fisher_jenks():
    """geolink.classify gives mapclassify's classes: bins, counts and the scheme name the GeoPackage style maps."""
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
    assert out.strip() == str(list(_reference(y, 5).tolist()))
