import numpy as np
import pandas as pd
import pytest
from scipy.stats import gaussian_kde

import geolink
from geolink.dynamics import kernel_density, markov, spatial_markov


def _usjoin():
    import libpysal

    f = libpysal.io.open(libpysal.examples.get_path("usjoin.csv"))
    years = range(1929, 2010)
    pci = np.array([f.by_col[str(y)] for y in years]).T  # 48 states × 81 years
    w = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    ids = [str(i) for i in w.id_order]
    long = pd.DataFrame({"state": np.repeat(ids, len(years)), "year": np.tile(list(years), len(ids)), "pci": pci.ravel()})
    long["rpci"] = long["pci"] / long.groupby("year")["pci"].transform("mean")
    return long, w


def test_density_equals_scipy_on_common_grid():
    rng = np.random.default_rng(2)
    data = pd.DataFrame({"adcode": np.tile(np.arange(50), 2), "year": np.repeat([2000, 2010], 50),
                         "y": np.r_[rng.normal(0, 1, 50), rng.normal(1, 0.5, 50)]})
    for rule in ("scott", "silverman", 0.3):
        res = kernel_density(data, "y", time="year", bandwidth=rule, grid=64)
        assert len(res.table) == 128
        for yr, part in res.table.groupby("year"):
            y = data.loc[data.year == yr, "y"].to_numpy()
            kde = gaussian_kde(y, bw_method=rule)
            np.testing.assert_allclose(part["density"], kde(part["x"].to_numpy()), rtol=1e-12)
            band = res.bandwidths.set_index("year").loc[yr]
            assert band["factor"] == pytest.approx(kde.factor) and band["bandwidth"] == pytest.approx(kde.factor * y.std(ddof=1))
        assert (res.table.groupby("year")["x"].apply(list).apply(tuple).nunique()) == 1  # one common grid
    n = 50
    assert res.bandwidths["rule"].iloc[0] == "factor"
    scott = kernel_density(data, "y", time="year").bandwidths
    assert scott["factor"].iloc[0] == pytest.approx(n ** (-1 / 5)) and (scott["rule"] == "scott").all()
    # the density integrates to ~1 on the padded grid
    part = kernel_density(data[data.year == 2000], "y", grid=2000).table
    assert np.trapezoid(part["density"], part["x"]) == pytest.approx(1, abs=1e-3)


def test_density_by_group_and_errors(census_city):
    long = pd.DataFrame({"adcode": census_city["city_code"], "u": census_city["popu_urban_2020"] / census_city["popu_2020"]}).dropna()
    res = kernel_density(long, "u", group="eight", overlap="first", grid=[0.2, 0.5, 0.8])
    assert set(res.table["group"]) == set(geolink.EIGHT) and res.table["x"].nunique() == 3
    assert len(res.dropped) == (~long.adcode.isin(geolink.agglomeration_groups("eight", overlap="first").adcode)).sum()
    df = pd.DataFrame({"adcode": list("abc"), "y": [1.0, 1.0, 1.0]})
    with pytest.raises(ValueError, match="at least 2 distinct values"):
        kernel_density(df, "y")
    with pytest.raises(ValueError, match="bandwidth must be"):
        kernel_density(df, "y", bandwidth="auto")
    with pytest.raises(ValueError, match="grid must be"):
        kernel_density(df.assign(y=[1.0, 2, 3]), "y", grid=[3.0, 1.0])


def test_markov_counts_by_hand():
    # 3 units, 4 years, fixed bounds: class 0 (≤ 1), 1 (1, 2], 2 (> 2)
    y = {"a": [0.5, 1.5, 2.5, 2.6], "b": [1.5, 0.5, 0.7, 1.2], "c": [2.5, 2.5, 1.5, 0.9]}
    data = pd.DataFrame([{"adcode": u, "year": 2000 + t, "v": v} for u, vals in y.items() for t, v in enumerate(vals)])
    res = markov(data, "v", bins=[1, 2])
    classes = {u: [0 if v <= 1 else 1 if v <= 2 else 2 for v in vals] for u, vals in y.items()}
    counts = np.zeros((3, 3), int)
    for seq in classes.values():
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[a, b] += 1
    assert res.labels == ["≤ 1", "(1, 2]", "> 2"]
    np.testing.assert_array_equal(res.counts.to_numpy(), counts)
    np.testing.assert_allclose(res.probabilities.to_numpy(), counts / counts.sum(axis=1, keepdims=True))
    P = res.probabilities.to_numpy()
    pi = res.steady_state.to_numpy()
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)
    assert pi.sum() == pytest.approx(1)
    # mean first passage i → j solves m_ij = 1 + Σ_{k≠j} P_ik m_kj; recurrence times m_jj = 1/π_j
    M = res.first_passage.to_numpy()
    for j in range(3):
        others = [k for k in range(3) if k != j]
        for i in others:
            assert M[i, j] == pytest.approx(1 + sum(P[i, k] * M[k, j] for k in others))
        assert M[j, j] == pytest.approx(1 / pi[j])
    assert res.transitions["count"].sum() == 9
    assert res.classes.set_index(["adcode", "year"]).loc[("a", 2002), "class"] == "> 2"


def test_markov_matches_giddy_documented_usjoin():
    long, _ = _usjoin()
    res = markov(long, "pci", unit="state", k=5)
    np.testing.assert_array_equal(
        res.counts.to_numpy(),
        [[729, 71, 1, 0, 0], [72, 567, 80, 3, 0], [0, 81, 631, 86, 2], [0, 3, 86, 573, 56], [0, 0, 1, 57, 741]],
    )
    np.testing.assert_allclose(res.steady_state, [0.20774716, 0.18725774, 0.20740537, 0.18821787, 0.20937187], atol=1e-8)
    assert res.labels == ["Q1", "Q2", "Q3", "Q4", "Q5"]


def test_markov_input_policy():
    data = pd.DataFrame({"adcode": list("abcab"), "year": [1, 1, 1, 2, 2], "v": [1.0, 2, 3, 2, 1]})
    with pytest.raises(ValueError, match=r"lack a value in some period .*\('c', \[2\]\)"):
        markov(data, "v", k=2)
    res = markov(data, "v", k=2, dropna=True)
    assert res.dropped["adcode"].tolist() == ["c"] and res.counts.to_numpy().sum() == 2
    # a unit left out for a hole: each of its rows is listed, also those with a value
    holes = pd.DataFrame({"adcode": list("aabbcc"), "year": [1, 2] * 3, "v": [1.0, 2, 3, np.nan, 3, 1]})
    res = markov(holes, "v", k=2, dropna=True)
    assert res.dropped[["adcode", "year"]].values.tolist() == [["b", 2], ["b", 1]]
    assert res.dropped["reason"].tolist()[1] == "the unit has no value in 2 (a Markov chain needs a balanced panel)"
    assert len(res.dropped) + res.classes.shape[0] == len(holes)
    with pytest.raises(ValueError, match="at least 2 periods"):
        markov(data[data.year == 1], "v", k=2)
    with pytest.raises(ValueError, match="k must be an integer"):
        markov(data, "v", k=1, dropna=True)
    with pytest.raises(ValueError, match="bins must be increasing"):
        markov(data, "v", bins=[2, 1], dropna=True)


def test_spatial_markov_matches_giddy_documented_usjoin():
    from libpysal.graph import Graph

    long, w = _usjoin()
    cc = [0.8, 0.9, 1, 1.2]
    res = spatial_markov(long, "rpci", unit="state", weights=Graph.from_W(w), bins=cc, lag_bins=cc)
    first = res.transitions[res.transitions.lag_class == "lag ≤ 0.8"]
    P0 = first.pivot(index="from", columns="to", values="probability").loc[res.labels, res.labels].to_numpy()
    np.testing.assert_allclose(
        P0[:4],
        [[0.96703297, 0.03296703, 0, 0, 0], [0.10638298, 0.68085106, 0.21276596, 0, 0],
         [0, 0.14285714, 0.7755102, 0.08163265, 0], [0, 0, 0.5, 0.5, 0]],
        atol=1e-8,
    )
    # conditional counts add up to the pooled ones
    pooled = res.transitions.groupby(["from", "to"])["count"].sum().unstack().loc[res.labels, res.labels]
    np.testing.assert_allclose(pooled.to_numpy().sum(axis=1, keepdims=True) * res.probabilities.to_numpy(), pooled.to_numpy())
    assert list(res.tests.index) == ["Q", "LR"] and (res.tests["p_value"] < 0.05).all()


def test_spatial_markov_lag_classes_by_hand():
    """Prefecture queen weights, synthetic labelled panel: each transition is counted under the
    per-year quantile class of the unit's row-standardised spatial lag."""
    import mapclassify as mc

    units = geolink.agglomeration_groups("yrd").adcode.tolist()
    rng = np.random.default_rng(9)
    years = range(2000, 2006)
    data = pd.DataFrame([{"adcode": u, "year": t, "v": rng.lognormal()} for u in units for t in years])
    res = spatial_markov(data, "v", k=3)
    W = res.weights.transform("r").sparse.toarray()
    wide = data.pivot(index="adcode", columns="year", values="v").loc[list(res.weights.unique_ids)]
    cls = np.column_stack([mc.Quantiles(wide[c], k=3).yb for c in years])
    lag = np.column_stack([mc.Quantiles(W @ wide[c].to_numpy(), k=3).yb for c in years])
    T = np.zeros((3, 3, 3), int)
    for i in range(len(wide)):
        for t in range(len(years) - 1):
            T[lag[i, t], cls[i, t], cls[i, t + 1]] += 1
    for j, label in enumerate(res.lag_labels):
        got = res.transitions[res.transitions.lag_class == label].pivot(index="from", columns="to", values="count")
        np.testing.assert_array_equal(got.loc[res.labels, res.labels].to_numpy(), T[j])
    assert res.tests.loc["Q", "df"] == res.tests.loc["LR", "df"]


# --- the numpy/scipy chain algebra against hand results and PySAL giddy (the reference; test extra) ------------

OZ = np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]])


def _steps_panel(pairs):
    """One unit per transition a → b (two periods), values in classes 0, 1, 2, … of bins 0.5, 1.5, …"""
    return pd.DataFrame(
        [{"adcode": f"u{i}", "year": t, "v": float(c)} for i, ab in enumerate(pairs) for t, c in zip((1, 2), ab, strict=True)]
    )


def _bins(k):
    return [c + 0.5 for c in range(k - 1)]


def _first_passage_by_definition(P, M):
    """M[i, j] finite ⇔ j is reached from i with probability 1, and then m_ij = 1 + Σ_{l≠j} P_il m_lj (0·∞ = 0)."""
    k = len(P)
    P = P + np.diag(P.sum(axis=1) == 0)  # a class nothing leaves is absorbing
    for j in range(k):
        absorbed = P.copy()
        absorbed[j] = np.eye(k)[j]
        hit = np.linalg.matrix_power(absorbed, 2**14)[:, j]  # probability of ever reaching j
        others = np.arange(k) != j
        for i in range(k):
            nxt = np.flatnonzero((P[i] > 0) & others)
            expected = 1 + P[i, nxt] @ M[nxt, j]
            if i != j:
                assert np.isfinite(M[i, j]) == (hit[i] > 1 - 1e-9), (i, j, hit[i])
            assert M[i, j] == pytest.approx(expected, rel=1e-12) or (np.isinf(M[i, j]) and np.isinf(expected))


def test_land_of_oz_by_hand():
    """Kemeny and Snell (1976), Land of Oz: π = (.4, .2, .4); mean first passage times by hand."""
    from geolink._markov import first_passage, steady_state

    pi, closed = steady_state(OZ)
    np.testing.assert_allclose(pi, [0.4, 0.2, 0.4], rtol=1e-15)
    assert len(closed) == 1
    M = [[2.5, 4, 10 / 3], [8 / 3, 5, 8 / 3], [10 / 3, 4, 2.5]]
    np.testing.assert_allclose(first_passage(OZ), M, rtol=1e-13)
    # the same chain from a panel: 12 units, one transition each, counts 2 1 1 / 2 0 2 / 1 1 2
    counts = [[2, 1, 1], [2, 0, 2], [1, 1, 2]]
    pairs = [(a, b) for a in range(3) for b in range(3) for _ in range(counts[a][b])]
    res = markov(_steps_panel(pairs), "v", bins=_bins(3))
    np.testing.assert_array_equal(res.counts, counts)
    np.testing.assert_allclose(res.probabilities, OZ, rtol=1e-15)
    np.testing.assert_allclose(res.steady_state, [0.4, 0.2, 0.4], rtol=1e-15)
    np.testing.assert_allclose(res.first_passage, M, rtol=1e-13)
    assert res.notes == []


def test_markov_absorbing_class_by_hand():
    """Class 2 is entered and never left: it holds the whole steady state; 0 and 1 are transient.
    P = [[.5, .5, 0], [1/3, 0, 2/3], [0, 0, 1]]: to 2, m0 = 1 + m0/2 + m1/2 and m1 = 1 + m0/3, so
    m0 = 4.5, m1 = 2.5; 0 is left only for 1 (m01 = 2); 1 and 2 may never come back to 0, 2 never to 1."""
    seqs = {"a": [0, 0, 1, 2, 2], "b": [1, 0, 0, 1, 2], "c": [2, 2, 2, 2, 2]}
    data = pd.DataFrame([{"adcode": u, "year": t, "v": float(c)} for u, s in seqs.items() for t, c in enumerate(s)])
    res = markov(data, "v", bins=_bins(3))
    np.testing.assert_array_equal(res.counts, [[2, 2, 0], [1, 0, 2], [0, 0, 5]])
    np.testing.assert_allclose(res.steady_state, [0, 0, 1])
    inf = np.inf
    np.testing.assert_allclose(res.first_passage, [[inf, 2, 4.5], [inf, inf, 2.5], [inf, inf, 1]], rtol=1e-13)
    assert res.notes == ["class(es) ['≤ 0.5', '(0.5, 1.5]'] are transient (left for good): steady-state share 0, infinite recurrence time"]
    _first_passage_by_definition(res.probabilities.to_numpy(), res.first_passage.to_numpy())


@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply:RuntimeWarning")  # inside giddy
def test_markov_class_never_left_by_hand():
    """Class 2 occurs only in the last period: its row is empty (zero probabilities) and it counts as
    absorbing, as in giddy. P = [[.5, .5, 0], [.5, 0, .5], [0, 0, 0]]: to 2, m0 = 1 + m0/2 + m1/2 and
    m1 = 1 + m0/2, so m0 = 6, m1 = 4."""
    from giddy.ergodic import mfpt

    seqs = {"a": [0, 1, 2], "b": [1, 0, 0], "c": [0, 0, 1]}
    data = pd.DataFrame([{"adcode": u, "year": t, "v": float(c)} for u, s in seqs.items() for t, c in enumerate(s)])
    res = markov(data, "v", bins=_bins(3))
    P = res.probabilities.to_numpy()
    np.testing.assert_allclose(P, [[0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0, 0]])
    np.testing.assert_allclose(res.steady_state, [0, 0, 1])
    inf = np.inf
    np.testing.assert_allclose(res.first_passage, [[inf, 2, 6], [inf, inf, 4], [inf, inf, 1]], rtol=1e-13)
    np.testing.assert_allclose(res.first_passage, mfpt(P, fill_empty_classes=True), rtol=1e-12)
    assert "no transition starts in class(es) ['> 1.5']: their rows of probabilities are zero" in res.notes


def test_two_closed_sets_by_hand():
    """{0, 1} and {2, 3} are closed: no unique steady state; passage times within a set are those of its
    own chain (π = (1/3, 2/3) and (3/7, 4/7); m01 = 1/.5, m10 = 1/.25, m23 = 1/.8, m32 = 1/.6), between
    the sets infinite.  giddy 2.3.8's mfpt gives ∞ for every column here (its solve is singular)."""
    from geolink._markov import first_passage, steady_state

    P = np.array([[0.5, 0.5, 0, 0], [0.25, 0.75, 0, 0], [0, 0, 0.2, 0.8], [0, 0, 0.6, 0.4]])
    pi, closed = steady_state(P)
    assert pi is None and [c.tolist() for c in closed] == [[0, 1], [2, 3]]
    inf = np.inf
    M = [[3, 2, inf, inf], [4, 1.5, inf, inf], [inf, inf, 7 / 3, 1.25], [inf, inf, 5 / 3, 7 / 4]]
    np.testing.assert_allclose(first_passage(P), M, rtol=1e-13)
    # a transient state 4 feeding both sets: reaches neither with certainty
    P5 = np.zeros((5, 5))
    P5[:4, :4] = P
    P5[4] = [0.2, 0, 0, 0.3, 0.5]
    M5 = first_passage(P5)
    np.testing.assert_allclose(M5[:4, :4], M, rtol=1e-13)
    assert np.isinf(M5[4]).all() and np.isinf(M5[:4, 4]).all()
    _first_passage_by_definition(P5, M5)
    # through markov(): NaN steady state and the note
    pairs = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)]
    res = markov(_steps_panel(pairs), "v", bins=_bins(4))
    assert res.steady_state.isna().all()
    assert res.notes == ["the chain has 2 closed sets of classes: no unique steady state (NaN), first passage times between sets are infinite"]
    np.testing.assert_allclose(res.first_passage, [[2, 2, inf, inf], [2, 2, inf, inf], [inf, inf, 2, 2], [inf, inf, 2, 2]])


def _assert_first_passage_like_giddy(M, ref):
    """Our passage times against giddy's ``mfpt(P, fill_empty_classes=True)``.

    Irreducible chains: equal.  Reducible chains: giddy's column j is only meant to be right when every
    closed class not holding j is a single absorbing class (otherwise it returns ∞ for the whole column
    or raises), and even then its solve of a singular system may return ~1e15 instead of ∞ when LAPACK
    meets a rounding-size pivot rather than an exact zero; so there: equal where ours is finite, ∞ or
    > 1e14 where ours is ∞."""
    from geolink._markov import communication_classes, fill_empty_rows

    P = fill_empty_rows(ref.p)
    label, closed = communication_classes(P)
    G = np.asarray(ref.mfpt, float)
    if label.max() == 0:
        np.testing.assert_allclose(M, G, rtol=1e-12)
        return
    for j in range(len(P)):
        if all(len(c) == 1 for c in closed if j not in c):
            finite = np.isfinite(M[:, j])
            np.testing.assert_allclose(M[finite, j], G[finite, j], rtol=1e-12)
            assert (G[~finite, j] > 1e14).all()


@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply:RuntimeWarning")  # inside giddy
@pytest.mark.parametrize("seed", range(6))
def test_markov_matches_giddy_on_random_panels(seed):
    """Quantile classes of persistent random panels (k = 3…5, n = 20…200, t = 3…10)."""
    from giddy.markov import Markov

    rng = np.random.default_rng(seed)
    for _ in range(4):
        k, n, t = int(rng.integers(3, 6)), int(rng.integers(20, 201)), int(rng.integers(3, 11))
        y = np.cumsum(rng.normal(size=(n, t)) * np.r_[3.0, np.full(t - 1, rng.uniform(0.1, 1))], axis=1)
        data = pd.DataFrame({"adcode": np.repeat(np.arange(n), t), "year": np.tile(np.arange(t), n), "v": y.ravel()})
        res = markov(data, "v", k=k)
        ids = res.classes.pivot(index="adcode", columns="year", values="class_id").to_numpy()
        ref = Markov(ids, classes=np.arange(k), summary=False)
        np.testing.assert_array_equal(res.counts, ref.transitions)
        np.testing.assert_allclose(res.probabilities, ref.p, rtol=1e-14, atol=0)
        ss = np.asarray(ref.steady_state)
        if ss.ndim == 1 or len(ss) == 1:
            np.testing.assert_allclose(res.steady_state, ss.ravel(), rtol=1e-12, atol=1e-15)
        else:
            assert res.steady_state.isna().all()
        _assert_first_passage_like_giddy(res.first_passage.to_numpy(), ref)
        _first_passage_by_definition(res.probabilities.to_numpy(), res.first_passage.to_numpy())


@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply:RuntimeWarning")  # inside giddy
@pytest.mark.parametrize("seed", range(4))
def test_markov_matches_giddy_on_sparse_chains(seed):
    """Class paths simulated from random sparse transition matrices (often reducible: absorbing classes,
    transient classes, several closed sets), read through fixed bins."""
    from giddy.markov import Markov

    rng = np.random.default_rng(100 + seed)
    for _ in range(10):
        k, n, t = int(rng.integers(3, 6)), int(rng.integers(20, 201)), int(rng.integers(3, 11))
        Q = rng.uniform(size=(k, k)) * (rng.uniform(size=(k, k)) < 0.35) + np.diag(rng.uniform(size=k) < 0.8)
        Q /= Q.sum(axis=1, keepdims=True).clip(1e-300)
        ids = np.zeros((n, t), int)
        ids[:, 0] = rng.integers(0, k, n)
        for s in range(1, t):
            ids[:, s] = [rng.choice(k, p=Q[c]) if Q[c].sum() else c for c in ids[:, s - 1]]
        data = pd.DataFrame({"adcode": np.repeat(np.arange(n), t), "year": np.tile(np.arange(t), n), "v": ids.ravel().astype(float)})
        res = markov(data, "v", bins=_bins(k))
        ref = Markov(ids, classes=np.arange(k), summary=False)
        np.testing.assert_array_equal(res.counts, ref.transitions)
        np.testing.assert_allclose(res.probabilities, ref.p, rtol=1e-14, atol=0)
        ss = np.asarray(ref.steady_state)
        if ss.ndim == 1 or len(ss) == 1:
            np.testing.assert_allclose(res.steady_state, ss.ravel(), rtol=1e-12, atol=1e-15)
        else:
            assert res.steady_state.isna().all() and len(ss) > 1
        _assert_first_passage_like_giddy(res.first_passage.to_numpy(), ref)
        _first_passage_by_definition(res.probabilities.to_numpy(), res.first_passage.to_numpy())


def _compare_spatial(res, sm):
    T = np.stack([
        res.transitions[res.transitions.lag_class == lab].pivot(index="from", columns="to", values="count").loc[res.labels, res.labels].to_numpy()
        for lab in res.lag_labels
    ])
    P = np.stack([
        res.transitions[res.transitions.lag_class == lab].pivot(index="from", columns="to", values="probability").loc[res.labels, res.labels].to_numpy()
        for lab in res.lag_labels
    ])
    np.testing.assert_array_equal(T, sm.T)
    np.testing.assert_allclose(P, sm.P, rtol=1e-14, atol=0)
    np.testing.assert_allclose(res.probabilities, sm.p, rtol=1e-14, atol=0)
    np.testing.assert_allclose(res.tests["statistic"], [sm.Q, sm.LR], rtol=1e-10)
    np.testing.assert_allclose(res.tests["p_value"], [sm.Q_p_value, sm.LR_p_value], rtol=1e-10, atol=1e-10)
    assert (res.tests["df"] == sm.dof_hom).all()
    from giddy.ergodic import steady_state

    for j in range(len(T)):
        if (T[j].sum(axis=1) == 0).any():  # giddy raises; geolink: NaN with a note
            assert res.steady_state.iloc[j].isna().all()
            continue
        s = np.asarray(steady_state(sm.P[j]), float)
        if s.ndim == 1 or len(s) == 1:
            np.testing.assert_allclose(res.steady_state.iloc[j], s.ravel(), rtol=1e-12, atol=1e-15)
        else:
            assert res.steady_state.iloc[j].isna().all()


@pytest.mark.parametrize("seed", range(4))
def test_spatial_markov_matches_giddy_on_a_lattice(seed):
    from giddy.markov import Spatial_Markov
    from libpysal.graph import Graph
    from libpysal.weights import lat2W

    rng = np.random.default_rng(seed)
    rows, cols, t = int(rng.integers(5, 12)), int(rng.integers(5, 12)), int(rng.integers(3, 11))
    w = lat2W(rows, cols, rook=bool(seed % 2))
    n = rows * cols
    k, m = int(rng.integers(3, 6)), int(rng.integers(3, 6))
    y = np.cumsum(rng.normal(size=(n, t)), axis=1)
    data = pd.DataFrame({"cell": np.repeat(np.arange(n), t), "year": np.tile(np.arange(t), n), "y": y.ravel()})
    res = spatial_markov(data, "y", unit="cell", weights=Graph.from_W(w), k=k, m=m)
    w.transform = "r"
    sm = Spatial_Markov(y, w, k=k, m=m, fixed=False)
    _compare_spatial(res, sm)
    # fixed bins for the values and the lags
    bins, lag_bins = list(np.quantile(y, [0.2, 0.5, 0.8])), list(np.quantile(y, [0.3, 0.7]))
    res = spatial_markov(data, "y", unit="cell", weights=Graph.from_W(w), bins=bins, lag_bins=lag_bins)
    sm = Spatial_Markov(y, w, cutoffs=bins, lag_cutoffs=lag_bins)
    assert res.lag_labels == [f"lag {lab}" for lab in (f"≤ {lag_bins[0]:g}", f"({lag_bins[0]:g}, {lag_bins[1]:g}]", f"> {lag_bins[1]:g}")]
    _compare_spatial(res, sm)


def test_spatial_markov_matches_giddy_usjoin_tests():
    from giddy.markov import Spatial_Markov
    from libpysal.graph import Graph

    long, w = _usjoin()
    cc = [0.8, 0.9, 1, 1.2]
    res = spatial_markov(long, "rpci", unit="state", weights=Graph.from_W(w), bins=cc, lag_bins=cc)
    y = long.pivot(index="state", columns="year", values="rpci").loc[[str(i) for i in w.id_order]].to_numpy()
    w.transform = "r"
    _compare_spatial(res, Spatial_Markov(y, w, cutoffs=cc, lag_cutoffs=cc))


def test_homogeneity_by_hand():
    """Two lag classes, two value classes: Q and LR from their definitions; a class without any
    transition adds no degree of freedom (giddy's sum adds (0 − 1)(0 − 1) = 1 for it)."""
    from scipy.stats import chi2

    from geolink._markov import homogeneity

    T = np.array([[[8, 2, 0], [3, 7, 0], [0, 0, 0]], [[4, 6, 0], [1, 9, 0], [0, 0, 0]]], float)
    pooled = T.sum(axis=0)
    p = pooled / pooled.sum(axis=1, keepdims=True).clip(1)
    Q = LR = 0.0
    for lag in range(2):
        for i in range(2):
            n_i = T[lag, i].sum()
            for j in range(2):
                p_l = T[lag, i, j] / n_i
                Q += n_i * (p_l - p[i, j]) ** 2 / p[i, j]
                LR += 2 * T[lag, i, j] * np.log(p_l / p[i, j]) if T[lag, i, j] else 0.0
    ht = homogeneity(T)
    assert ht["Q"] == pytest.approx(Q, rel=1e-13) and ht["LR"] == pytest.approx(LR, rel=1e-13)
    assert ht["dof"] == 2  # rows 0 and 1: (2 lag classes − 1)(2 positive cells − 1); row 2 has no transition
    assert ht["Q_p_value"] == pytest.approx(chi2.sf(Q, 2)) and ht["LR_p_value"] == pytest.approx(chi2.sf(LR, 2))


def test_conditional_steady_states_by_hand():
    """Per lag class: ergodic → its π; one closed class → π there, 0 on the transient class (noted);
    a class without a transition or two closed sets → NaN (noted)."""
    from geolink._markov import row_probabilities
    from geolink.dynamics import _conditional_steady_states

    T = np.array([
        [[1, 1], [1, 3]],  # π = (1/3, 2/3): 0.5 π0 = 0.25 π1
        [[1, 1], [0, 4]],  # class 0 is transient
        [[2, 2], [0, 0]],  # no transition from class 1
        [[3, 0], [0, 3]],  # two closed sets
    ], float)
    out, notes = _conditional_steady_states(T, row_probabilities(T), ["a", "b"], ["L1", "L2", "L3", "L4"])
    np.testing.assert_allclose(out[:2], [[1 / 3, 2 / 3], [0, 1]], rtol=1e-14)
    assert np.isnan(out[2:]).all()
    assert notes == [
        "L2: class(es) ['a'] are transient (left for good): steady-state share 0",
        "L3: some classes have no transition; no steady state (NaN)",
        "L4: the chain has 2 closed sets of classes; no unique steady state (NaN)",
    ]


def test_spatial_markov_refuses_lag_classes_that_ties_merge():
    """A star graph gives every unit but the centre the same lag: 3 lag quantiles cannot be formed."""
    from libpysal.graph import Graph

    gba = geolink.agglomeration_groups("gba")["adcode"].tolist()
    centre, others = gba[0], gba[1:]
    star = Graph.from_arrays([centre] * 10 + others, others + [centre] * 10, np.ones(20))
    rng = np.random.default_rng(1)
    data = pd.DataFrame([{"adcode": u, "year": t, "v": rng.random()} for t in (2000, 2010, 2020) for u in gba])
    with pytest.raises(ValueError, match=r"Not enough unique values in array to form 3 classes.*too many ties for "
                       r"m=3; use a smaller m or lag_bins="):
        spatial_markov(data, "v", k=2, weights=star, m=3)
    res = spatial_markov(data, "v", bins=[0.5], weights=star, lag_bins=[0.5])  # fixed bounds need no spread
    assert res.lag_labels == ["lag ≤ 0.5", "lag > 0.5"] and res.transitions["count"].sum() == 22
