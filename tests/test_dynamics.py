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
