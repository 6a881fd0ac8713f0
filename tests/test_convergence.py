import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from scipy.optimize import minimize_scalar

import geolink
from geolink.convergence import beta_convergence, sigma_convergence
from geolink.weights import spatial_weights


def test_sigma_hand_computed():
    # group a: 1, 2, 3 → μ 2, population sd sqrt(2/3), σ = 0.408248…; group b: 2, 2 → σ 0
    data = pd.DataFrame({"adcode": list("abcde"), "year": 2000, "y": [1.0, 2.0, 3.0, 2.0, 2.0], "g": list("aaabb")})
    with pytest.warns(UserWarning, match=r"the σ trend needs σ in at least 2 periods of 'year'"):  # one year only
        res = sigma_convergence(data, "y", group="g")
    t = res.summary.set_index("group")
    assert t.loc["a", "sigma"] == pytest.approx(np.sqrt(2 / 3) / 2)
    assert t.loc["b", "sigma"] == 0
    # all five: μ = 2, Σ(y−μ)² = 2 → sd sqrt(2/5), σ = sqrt(0.4)/2
    assert t.loc["all", "sigma"] == pytest.approx(np.sqrt(0.4) / 2)
    assert t.loc["all", "n"] == 5 and res.dropped.empty


def test_sigma_trend():
    rows = [
        {"adcode": f"{g}{i}", "year": yr, "y": v, "g": g}
        for yr, spread in ((2000, 1.0), (2005, 0.6), (2010, 0.3))
        for g in ("a", "b")
        for i, v in enumerate((10 - spread, 10 + spread))
    ]
    res = sigma_convergence(pd.DataFrame(rows), "y", group="g")
    trend = res.trend.set_index("group")
    assert trend["converging"].all()
    assert trend.loc["all", "slope"] == pytest.approx(np.polyfit([2000, 2005, 2010], [0.1, 0.06, 0.03], 1)[0])
    assert trend.loc["all", "sigma_first"] == pytest.approx(0.1)


def test_sigma_domain_errors():
    df = pd.DataFrame({"adcode": list("abcd"), "year": 2000, "y": [-1.0, -2.0, -3.0, -2.0], "g": list("aabb")})
    # σ of negative values would be negative: refuse
    with pytest.raises(ValueError, match=r"negative: σ .*ratio scale: \['a', 'b', 'c', 'd'\]"):
        sigma_convergence(df, "y")
    with pytest.raises(ValueError, match="mean is zero"):
        sigma_convergence(df.assign(y=0.0), "y")
    with pytest.warns(UserWarning, match="at least 2 units"), pytest.warns(UserWarning, match="at least 2 periods"):
        res = sigma_convergence(df.assign(y=[1.0, 2, 3, 4], g=list("aaab")), "y", group="g")
    assert np.isnan(res.summary.set_index("group").loc["b", "sigma"])
    with pytest.raises(ValueError, match=r"group column 'g' is missing.*\['d'\]"):
        sigma_convergence(df.assign(y=1.0, g=["a", "a", "b", None]), "y", group="g")
    with pytest.raises(ValueError, match="infinite"):
        sigma_convergence(df.assign(y=[1.0, np.inf, 1, 1]), "y")


def _census_long(census_city, years=(2010, 2020)):
    return pd.concat(
        [pd.DataFrame({"adcode": census_city["city_code"], "year": yr, "pop": census_city[f"popu_{yr}"],
                       "urban_rate": census_city[f"popu_urban_{yr}"] / census_city[f"popu_{yr}"]}) for yr in years],
        ignore_index=True,
    )


def test_census_urbanisation_sigma(census_city):
    long = _census_long(census_city)
    unbalanced = r"units differ between periods of 'year' \(all: 144 in 2010, 140 in 2020; 4 not in every period; cp: "
    with pytest.warns(UserWarning, match=unbalanced):  # units without a rate in one census year
        res = sigma_convergence(long, "urban_rate", group="eight", overlap="first", dropna=True)
    assert set(res.summary["group"]) == set(geolink.EIGHT) | {"all"}
    assert set(res.dropped["reason"]) == {"urban_rate missing", "not in any group of the grouping 'eight'"}
    trend = res.trend.set_index("group")
    assert trend.loc["all", "converging"]  # urbanisation rates converged 2010 → 2020
    assert 0.1 < trend.loc["all", "sigma_last"] < trend.loc["all", "sigma_first"] < 0.6
    # the same through a group column
    groups = geolink.agglomeration_groups("eight", overlap="first").set_index("adcode")["group"]
    inside = long[long.adcode.isin(groups.index)].dropna()
    with pytest.warns(UserWarning, match=unbalanced):
        by_column = sigma_convergence(inside.assign(agg=inside.adcode.map(groups)), "urban_rate", group="agg")
    pd.testing.assert_frame_equal(by_column.summary, res.summary)


def test_beta_recovers_synthetic_parameters():
    """Synthetic data: growth = 0.05 − 0.02 ln y0 + noise over T = 10 years."""
    rng = np.random.default_rng(3)
    n = 400
    y0 = rng.lognormal(1.0, 0.8, n)
    growth = 0.05 - 0.02 * np.log(y0) + rng.normal(0, 0.002, n)
    y1 = y0 * np.exp(growth * 10)
    data = pd.DataFrame({"region": np.tile(np.arange(n), 2), "year": np.repeat([2008, 2018], n), "v": np.r_[y0, y1]})
    res = beta_convergence(data, "v", unit="region", start=2008, end=2018)
    s = res.summary.iloc[0]
    assert s["beta"] == pytest.approx(-0.02, abs=3 * s["se"])
    assert s["se"] < 0.001 and s["p_value"] < 1e-10 and s["n"] == n and s["df"] == n - 2
    lam = -np.log(1 + 10 * s["beta"]) / 10  # λ = −ln(1 + 10β)/10, half-life ln2/λ
    assert s["speed"] == pytest.approx(lam) and s["half_life"] == pytest.approx(np.log(2) / lam)
    assert len(res.data) == n and res.dropped.empty


def test_beta_bth_t_distribution_p_value(census_city):
    """13 Beijing–Tianjin–Hebei cities, urbanisation rate 2010 → 2020: HC1 with t (11 df), not normal."""
    import statsmodels.formula.api as smf

    long = _census_long(census_city)
    bth = long[long.adcode.isin(geolink.agglomeration_groups("bth").adcode)]
    res = beta_convergence(bth, "urban_rate", start=2010, end=2020)
    s = res.summary.iloc[0]
    assert s["n"] == 13 and s["df"] == 11
    fit = smf.ols("growth ~ log_y0", data=res.data).fit(cov_type="HC1")
    t = fit.params["log_y0"] / fit.bse["log_y0"]
    assert s["stat"] == pytest.approx(t) and s["se"] == pytest.approx(fit.bse["log_y0"])
    assert s["p_value"] == pytest.approx(2 * scipy.stats.t.sf(abs(t), 11), rel=1e-10)
    assert s["p_value"] == pytest.approx(1.37e-7, rel=0.01)
    assert 2 * scipy.stats.norm.sf(abs(t)) == pytest.approx(3.46e-32, rel=0.01)  # what the normal gave


def test_beta_conditional_group_effects_and_controls():
    rng = np.random.default_rng(4)
    n = 300
    g = rng.integers(0, 3, n)
    x = rng.normal(0, 1, n)
    y0 = rng.lognormal(1.0 + g, 0.5, n)
    growth = 0.01 * g + 0.004 * x - 0.03 * np.log(y0) + rng.normal(0, 0.001, n)  # group-specific steady states
    y1 = y0 * np.exp(growth * 5)
    data = pd.DataFrame({"region": np.tile(np.arange(n), 2), "year": np.repeat([2010, 2015], n), "v": np.r_[y0, y1],
                         "grp": np.tile(g, 2), "x": np.r_[x, rng.normal(size=n)]})  # x at the end is noise: unused
    absolute = beta_convergence(data, "v", unit="region", start=2010, end=2015)
    cond = beta_convergence(data, "v", unit="region", start=2010, end=2015, group="grp", controls="x")
    assert abs(absolute.beta + 0.03) > 0.005  # omitted steady states bias absolute β
    assert cond.beta == pytest.approx(-0.03, abs=0.001)
    coef = cond.coefficients.set_index("term")["coef"]
    assert coef["x"] == pytest.approx(0.004, abs=0.0005)
    # the same term names as the spatial models: const, log_y0, the controls, one dummy per group but the first
    assert cond.coefficients["term"].tolist() == ["const", "log_y0", "x", "group_1", "group_2"]
    s = cond.summary.iloc[0]
    assert s["conditional"] and s["df"] == n - 5  # const, log y0, x, 2 group dummies


def test_beta_missing_group_raises_or_is_dropped_and_reported():
    data = pd.DataFrame({"r": list("ABCDE") * 2, "year": [1] * 5 + [2] * 5, "v": [1.0, 2, 3, 4, 5, 2, 2.5, 3.2, 4.1, 5.5],
                         "g": ["x", "x", None, "y", "y"] * 2})
    with pytest.raises(ValueError, match=r"group column 'g' is missing.*\['C'\]"):
        beta_convergence(data, "v", unit="r", start=1, end=2, group="g")
    res = beta_convergence(data, "v", unit="r", start=1, end=2, group="g", dropna=True)
    assert res.data["r"].tolist() == ["A", "B", "D", "E"]  # exactly the units used
    assert res.dropped.to_dict("records") == [{"r": "C", "reason": "group column 'g' missing"}]


def test_beta_bad_input_names_regions():
    data = pd.DataFrame({"r": ["A", "B", "C", "A", "B"], "year": [1, 1, 1, 2, 2], "v": [1.0, 2.0, 3.0, 2.0, 0.0]})
    with pytest.raises(ValueError, match=r"missing in 1 or 2 \(pass dropna=True to drop them\): \['C'\]"):
        beta_convergence(data, "v", unit="r", start=1, end=2)
    with pytest.raises(ValueError, match=r"not positive \(logs\): \['B'\]"):
        beta_convergence(data[data.r != "C"], "v", unit="r", start=1, end=2)
    with pytest.raises(ValueError, match="must be after"):
        beta_convergence(data, "v", unit="r", start=2, end=1)
    with pytest.raises(ValueError, match="has no rows for 3"):
        beta_convergence(data, "v", unit="r", start=1, end=3)
    with pytest.raises(ValueError, match="need at least 3"):
        beta_convergence(data.assign(v=1.0), "v", unit="r", start=1, end=2, dropna=True)
    with pytest.raises(ValueError, match="model must be one of"):
        beta_convergence(data, "v", unit="r", start=1, end=2, model="sdm")


def _concentrated_fit(y, X, W, model):
    """Direct ML: maximise the concentrated log-likelihood over ρ (lag) or λ (error) with scipy."""
    n = len(y)
    Xc = np.column_stack([np.ones(n), X])

    def negll(a):
        A = np.eye(n) - a * W
        if model == "lag":
            yy, XX = A @ y, Xc
        else:
            yy, XX = A @ y, A @ Xc
        b = np.linalg.lstsq(XX, yy, rcond=None)[0]
        e = yy - XX @ b
        return n / 2 * np.log(e @ e / n) - np.linalg.slogdet(A)[1], b  # ln|I − aW| (W is asymmetric: no real-eigenvalue shortcut)

    opt = minimize_scalar(lambda a: negll(a)[0], bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-10})
    return opt.x, negll(opt.x)[1]


@pytest.mark.parametrize("model", ["lag", "error"])
def test_spatial_beta_equals_direct_likelihood_fit(model):
    rng = np.random.default_rng(11)
    codes = list(geolink.cities_in("yrd").index)[:27]
    W_graph = spatial_weights("knn", units=codes, k=4)
    W = W_graph.transform("r").sparse.toarray()
    n = len(codes)
    log_y0 = rng.normal(1, 0.5, n)
    eps = rng.normal(0, 0.005, n)
    if model == "lag":
        growth = np.linalg.solve(np.eye(n) - 0.4 * W, 0.05 - 0.02 * log_y0 + eps)
    else:
        growth = 0.05 - 0.02 * log_y0 + np.linalg.solve(np.eye(n) - 0.5 * W, eps)
    y0 = np.exp(log_y0)
    data = pd.DataFrame({"adcode": codes * 2, "year": [2000] * n + [2010] * n, "v": np.r_[y0, y0 * np.exp(10 * growth)]})
    res = beta_convergence(data, "v", start=2000, end=2010, model=model, weights=W_graph)
    a, b = _concentrated_fit(res.data["growth"].to_numpy(), res.data[["log_y0"]].to_numpy(), W, model)
    s = res.summary.iloc[0]
    assert s["rho" if model == "lag" else "lambda"] == pytest.approx(a, abs=1e-6)
    assert s["beta"] == pytest.approx(b[1], abs=1e-5)
    assert np.isnan(s["df"]) and s["p_value"] == pytest.approx(2 * scipy.stats.norm.sf(abs(s["stat"])))
    assert res.weights is W_graph or list(res.weights.unique_ids) == codes


def test_spatial_beta_on_prefectures_with_groups(census_city):
    long = _census_long(census_city)
    res = beta_convergence(long, "urban_rate", start=2010, end=2020, model="error", group="eight", overlap="first", dropna=True)
    s = res.summary.iloc[0]
    used = res.data["adcode"].tolist()
    assert list(res.weights.unique_ids) == used and s["n"] == len(used)
    assert set(res.dropped["adcode"]).isdisjoint(used)
    terms = res.coefficients["term"].tolist()
    assert terms[:2] == ["const", "log_y0"] and terms[-1] == "lambda" and sum(t.startswith("group_") for t in terms) == 7
    assert s["beta"] < 0 and s["half_life"] > 0 and s["conditional"]


def test_spatial_error_standard_error_is_the_information_matrix_one():
    """SE(λ) of the spatial error model from its information matrix (Anselin 1988, eq. 12.x):
    with A = W(I − λW)⁻¹, I_λλ = tr(AA + AᵀA), I_λσ² = tr(A)/σ², I_σ²σ² = n/(2σ⁴); SE(λ) = √[(I⁻¹)_λλ].
    spreg's 'ord' method took a symmetrised W here, 3.7 % off on the prefectures."""
    rng = np.random.default_rng(5)
    codes = list(geolink.cities_in("yrd").index)[:27]
    W_graph = spatial_weights("queen", units=codes, link_islands=True)  # symmetric links, row-standardised
    W = W_graph.transform("r").sparse.toarray()
    n = len(codes)
    log_y0 = rng.normal(1, 0.5, n)
    growth = 0.05 - 0.02 * log_y0 + np.linalg.solve(np.eye(n) - 0.5 * W, rng.normal(0, 0.005, n))
    y0 = np.exp(log_y0)
    data = pd.DataFrame({"adcode": codes * 2, "year": [2000] * n + [2010] * n, "v": np.r_[y0, y0 * np.exp(10 * growth)]})
    res = beta_convergence(data, "v", start=2000, end=2010, model="error", weights=W_graph)
    lam = res.summary["lambda"].item()
    B = np.eye(n) - lam * W
    Xc = np.column_stack([np.ones(n), res.data["log_y0"].to_numpy()])
    yy, XX = B @ res.data["growth"].to_numpy(), B @ Xc
    e = yy - XX @ np.linalg.lstsq(XX, yy, rcond=None)[0]
    s2 = e @ e / n
    A = W @ np.linalg.inv(B)
    info = np.array([[np.trace(A @ A + A.T @ A), np.trace(A) / s2], [np.trace(A) / s2, n / (2 * s2**2)]])
    se = np.sqrt(np.linalg.inv(info)[0, 0])
    got = res.coefficients.set_index("term").loc["lambda", "se"]
    assert got == pytest.approx(se, rel=1e-4)


def test_sigma_notes_units_that_differ_between_periods():
    """σ over an unbalanced panel compares different sets of units: said, with the counts per period."""
    data = pd.DataFrame({"adcode": ["a", "b", "c", "a", "b", "d", "e"], "year": [1, 1, 1, 2, 2, 2, 2],
                         "y": [1.0, 2, 3, 1, 2, 3, 4], "g": list("gggggkk")})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sigma_convergence(data, "y", group="g")
    assert res.notes == [str(w.message) for w in caught]  # the σ trend of group k (one period) is the other
    assert res.notes[0].startswith("the units differ between periods of 'year' (all: 3 in 1, 4 in 2; 3 not in "
                                   "every period; g: 3 in 1, 2 in 2; 1 not in every period)")
    assert len(res.notes) == 2 and "k:" not in res.notes[0]  # k has one period only: nothing to compare
    balanced = data[data["adcode"].isin(["a", "b"])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigma_convergence(balanced, "y").notes == []
