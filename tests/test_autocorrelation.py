import numpy as np
import pandas as pd
import pytest

import geolink
from geolink.autocorrelation import conditional_pvalues, local_moran, moran


def _synthetic_panel(years=(2010, 2011), seed=0):
    """Synthetic values (labelled synthetic): a smooth east–west gradient plus noise over all 370 units."""
    units = geolink.prefectures()
    lon = geolink.centroids(units).x.to_numpy()
    rng = np.random.default_rng(seed)
    return pd.concat(
        [pd.DataFrame({"adcode": units.index, "year": yr, "v": lon / 10 + rng.normal(0, 1, len(units))}) for yr in years],
        ignore_index=True,
    )


def _dense_moran(y: np.ndarray, W: np.ndarray) -> float:
    z = y - y.mean()
    return len(y) / W.sum() * (z @ W @ z) / (z @ z)


def test_moran_equals_formula_on_reported_weights():
    data = _synthetic_panel()
    res = moran(data, "v", time="year", permutations=99, seed=1)
    assert list(res.summary["year"]) == [2010, 2011]
    assert res.units == list(res.weights.unique_ids) and len(res.units) == 370
    assert any("710000–350300" in n for n in res.notes)  # islands linked, and said so
    W = res.weights.transform("r").sparse.toarray()
    for yr, row in res.summary.set_index("year").iterrows():
        y = data[data.year == yr].set_index("adcode")["v"].reindex(res.units).to_numpy()
        assert row["I"] == pytest.approx(_dense_moran(y, W), rel=1e-12)
        assert row["EI"] == pytest.approx(-1 / 369)
        assert row["I"] > 0.3 and row["p_sim"] == pytest.approx(0.01)  # the gradient: no permutation beats it
    assert res.dropped.empty


def test_moran_matches_pysal_documented_stl_example():
    import libpysal
    from libpysal.graph import Graph

    w = libpysal.io.open(libpysal.examples.get_path("stl.gal")).read()
    f = libpysal.io.open(libpysal.examples.get_path("stl_hom.txt"))
    df = pd.DataFrame({"id": w.id_order, "hr": np.array(f.by_col["HR8893"])})
    res = moran(df, "hr", unit="id", weights=Graph.from_W(w), permutations=0)
    assert round(res.summary.loc[0, "I"], 3) == 0.244  # esda.Moran docstring
    assert res.summary.loc[0, "p_norm"] == pytest.approx(0.00027147862770937614, rel=1e-9)


def test_moran_permutation_inference_agrees_with_esda():
    """Same null distribution as esda.Moran's permutations: p and z agree within Monte Carlo error."""
    import esda
    from libpysal.graph import Graph
    from libpysal.weights import lat2W

    g = Graph.from_W(lat2W(12, 12))
    y = np.random.default_rng(4).normal(size=144) + 0.15 * np.repeat(np.arange(12), 12) / 12
    df = pd.DataFrame({"id": list(g.unique_ids), "y": y})
    ours = moran(df, "y", unit="id", weights=g, permutations=9999, seed=0).summary.iloc[0]
    np.random.seed(0)  # noqa: NPY002 (esda draws from the global RNG)
    ref = esda.Moran(y, g, permutations=9999)
    assert ours["I"] == pytest.approx(ref.I) and 0.01 < ref.p_sim < 0.5
    assert ours["p_sim"] == pytest.approx(ref.p_sim, abs=0.015)
    assert ours["z_sim"] == pytest.approx(ref.z_sim, abs=0.05)


def test_moran_seed_is_reproducible_and_leaves_global_rng_alone():
    data = _synthetic_panel(years=(2010,))
    np.random.seed(123)  # noqa: NPY002
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    a = moran(data, "v", permutations=199, seed=7).summary
    assert (np.random.get_state()[1] == before).all()  # noqa: NPY002
    b = moran(data, "v", permutations=199, seed=7).summary
    assert a.loc[0, "z_sim"] == b.loc[0, "z_sim"]


def test_local_moran_formula_quadrants_and_esda_agreement():
    from esda import Moran_Local

    data = _synthetic_panel(years=(2010,))
    res = local_moran(data, "v", permutations=99, seed=0)
    t = res.table.set_index("adcode").reindex(res.weights.unique_ids)
    W = res.weights.transform("r").sparse.toarray()
    y = t["v"].to_numpy()
    z = (y - y.mean()) / y.std()
    lag = W @ z
    np.testing.assert_allclose(t["Ii"], z * lag / np.mean(z**2), rtol=1e-10)
    # mean of the local statistics is the global I (row-standardised weights)
    assert t["Ii"].mean() == pytest.approx(_dense_moran(y, W), rel=1e-10)
    esda_lm = Moran_Local(y, res.weights, permutations=0)
    np.testing.assert_allclose(t["Ii"] * (len(y) - 1) / len(y), esda_lm.Is, rtol=1e-10)  # esda scales by n − 1
    assert (t["quadrant"].to_numpy() == np.array(["HH", "LH", "LL", "HL"])[esda_lm.q - 1]).all()
    sig = t["significant"]
    assert (t.loc[sig, "cluster"] == t.loc[sig, "quadrant"]).all() and (t.loc[~sig, "cluster"] == "not significant").all()
    counts = res.summary.iloc[0]
    assert counts[["HH", "LH", "LL", "HL", "not significant"]].sum() == 370


def test_conditional_pvalues_match_exact_small_case():
    """4 units on a path: unit 'a' has one neighbour; under conditional randomisation its lag is any of the
    other 3 values with probability 1/3 each, so the folded pseudo p converges to an exact value."""
    from libpysal.graph import Graph

    g = Graph.from_arrays(["a", "b", "b", "c", "c", "d"], ["b", "a", "c", "b", "d", "c"], [1.0] * 6).transform("r")
    z = np.array([-1.5, -0.5, 0.5, 1.5])
    z = z / z.std()
    stat = z * g.lag(z) / np.mean(z**2)
    p = conditional_pvalues(z, g, stat, 20000, np.random.default_rng(0))
    # unit a: I_a ≥ observed only when its drawn neighbour is b (the observed one) → 1/3 of draws; folded: 1/3
    assert p[0] == pytest.approx(1 / 3, abs=0.01)


def test_local_moran_fdr_and_bad_input():
    from esda import fdr

    data = _synthetic_panel(years=(2010,))
    plain = local_moran(data, "v", permutations=199, seed=3)
    strict = local_moran(data, "v", permutations=199, seed=3, fdr=True)
    assert strict.summary.loc[0, "threshold"] == pytest.approx(fdr(plain.table["p_sim"].to_numpy(), 0.05))
    assert strict.table["significant"].sum() <= plain.table["significant"].sum()
    bad = data.copy()
    bad.loc[5, "v"] = np.nan
    with pytest.raises(ValueError, match=r"'v' is missing .*dropna=True.*: \['130400'\]$"):
        moran(bad, "v", permutations=0)
    res = moran(bad, "v", permutations=0, dropna=True)
    assert res.summary.loc[0, "n"] == 369 and res.dropped["adcode"].tolist() == ["130400"]
    bad.loc[5, "v"] = np.inf
    with pytest.raises(ValueError, match="infinite"):
        local_moran(bad, "v")
    with pytest.raises(ValueError, match="constant"):
        moran(data.assign(v=1.0), "v")
    with pytest.raises(ValueError, match="not prefecture-level units"):
        moran(pd.DataFrame({"adcode": ["x", "y", "z"], "v": [1.0, 2.0, 3.0]}), "v")


def test_names_as_units():
    df = pd.DataFrame({"city": ["广州市", "深圳市", "佛山市", "东莞市", "珠海市"], "v": [5.0, 6.0, 4.0, 3.0, 1.0]})
    res = moran(df, "v", unit="city", weights="knn", permutations=0)
    assert res.units == ["440100", "440300", "440600", "441900", "440400"]
    assert "unit names resolved to adcodes" in res.notes


def test_statistic_that_cannot_vary_gets_p_one():
    """A unit at the mean has I_i = 0 under every draw: tied draws count in both tails, p = 1."""
    from libpysal.graph import Graph

    g = Graph.from_arrays(list("abc"), list("bcb"), [1.0, 1.0, 1.0]).transform("r")
    z = np.array([-1.0, 0.0, 1.0]) / np.sqrt(2 / 3)
    p = conditional_pvalues(z, g, z * g.lag(z) / np.mean(z**2), 999, np.random.default_rng(1))
    assert p[1] == 1.0 and 0.3 < p[0] < 0.7


def test_draws_tied_up_to_rounding_count_in_both_tails():
    """3 × 3 rook grid (cells 0–8), values with ties: cell 6's neighbours (2, 6) sum to 8, and so do the drawn
    pairs (2, 6) and (3, 5), whose float sums differ from the observed one in the last bit.  Exact
    enumeration of the C(8, 2) = 28 neighbour pairs: P(I_6* ≥ I_6) = 14/28, P(I_6* ≤ I_6) = 18/28 → p = 0.5."""
    from libpysal.graph import Graph
    from libpysal.weights import lat2W

    g = Graph.from_W(lat2W(3, 3)).transform("r")
    y = np.array([1.0, 2, 3, 2, 3, 5, 4, 6, 8])
    z = (y - y.mean()) / y.std()
    stat = z * g.lag(z) / np.mean(z**2)
    p = conditional_pvalues(z, g, stat, 20000, np.random.default_rng(0))
    assert p[6] == pytest.approx(0.5, abs=0.01)


def test_a_periods_permutations_do_not_depend_on_the_other_periods():
    """The same seed gives a year the same pseudo p-values whether or not other years are in the data."""
    from geolink.datasets import load

    census = load("census")[["adcode", "year", "urbanisation_pct"]].dropna()
    both = census[census["year"].isin([2010, 2020])]
    only = census[census["year"] == 2020]
    kw = {"time": "year", "weights": "queen", "permutations": 199, "seed": 3}
    a = moran(both, "urbanisation_pct", **kw).summary.set_index("year")
    b = moran(only, "urbanisation_pct", **kw).summary.set_index("year")
    assert a.loc[2020, "z_sim"] == b.loc[2020, "z_sim"] and a.loc[2020, "p_sim"] == b.loc[2020, "p_sim"]
    assert a.loc[2010, "z_sim"] != a.loc[2020, "z_sim"]
    la = local_moran(both, "urbanisation_pct", **kw).table
    lb = local_moran(only, "urbanisation_pct", **kw).table
    pa = la[la["year"] == 2020].set_index("adcode")["p_sim"]
    assert pa.equals(lb.set_index("adcode")["p_sim"].reindex(pa.index))
    other = moran(only, "urbanisation_pct", **{**kw, "seed": 4}).summary
    assert other.loc[0, "z_sim"] != b.loc[2020, "z_sim"]
