import numpy as np
import pandas as pd
import pytest

from geolink.convergence import beta_convergence, sigma_convergence


def test_sigma_hand_computed():
    # group a: 1, 2, 3 → μ 2, population sd sqrt(2/3), σ = 0.408248…; group b: 2, 2 → σ 0
    data = pd.DataFrame({"year": 2000, "y": [1.0, 2.0, 3.0, 2.0, 2.0], "g": ["a", "a", "a", "b", "b"]})
    res = sigma_convergence(data, "y", group="g")
    t = res.table.set_index("group")
    assert t.loc["a", "sigma"] == pytest.approx(np.sqrt(2 / 3) / 2)
    assert t.loc["b", "sigma"] == 0
    # all five: μ = 2, Σ(y−μ)² = 2 → sd sqrt(2/5), σ = sqrt(0.4)/2
    assert t.loc["all", "sigma"] == pytest.approx(np.sqrt(0.4) / 2)
    assert t.loc["all", "n"] == 5


def test_sigma_trend():
    rows = [
        {"year": yr, "y": v, "g": g}
        for yr, spread in ((2000, 1.0), (2005, 0.6), (2010, 0.3))
        for g in ("a", "b")
        for v in (10 - spread, 10 + spread)
    ]
    res = sigma_convergence(pd.DataFrame(rows), "y", group="g")
    trend = res.trend.set_index("group")
    assert trend["converging"].all()
    assert trend.loc["all", "slope"] == pytest.approx(np.polyfit([2000, 2005, 2010], [0.1, 0.06, 0.03], 1)[0])
    assert trend.loc["all", "sigma_first"] == pytest.approx(0.1)


def test_beta_recovers_synthetic_parameters():
    """Synthetic data: growth = 0.05 − 0.02 ln y0 + noise over T = 10 years."""
    rng = np.random.default_rng(3)
    n = 400
    y0 = rng.lognormal(1.0, 0.8, n)
    growth = 0.05 - 0.02 * np.log(y0) + rng.normal(0, 0.002, n)
    y1 = y0 * np.exp(growth * 10)
    data = pd.DataFrame(
        {
            "region": np.tile(np.arange(n), 2),
            "year": np.repeat([2008, 2018], n),
            "v": np.concatenate([y0, y1]),
        }
    )
    res = beta_convergence(data, "v", "region", "year", 2008, 2018)
    assert res.beta == pytest.approx(-0.02, abs=3 * res.se)
    assert res.se < 0.001 and res.p_value < 1e-10 and res.n == n
    # speed and half-life from β by hand: λ = −ln(1 + 10β)/10, half-life ln2/λ
    lam = -np.log(1 + 10 * res.beta) / 10
    assert res.speed == pytest.approx(lam) and res.half_life == pytest.approx(np.log(2) / lam)
    assert -np.log(0.8) / 10 == pytest.approx(0.022314, abs=1e-6)  # at β = −0.02 exactly


def test_beta_conditional_with_group_effects():
    rng = np.random.default_rng(4)
    n = 300
    g = rng.integers(0, 3, n)
    y0 = rng.lognormal(1.0 + g, 0.5, n)
    growth = 0.01 * g - 0.03 * np.log(y0) + rng.normal(0, 0.001, n)  # group-specific steady states
    y1 = y0 * np.exp(growth * 5)
    data = pd.DataFrame(
        {
            "region": np.tile(np.arange(n), 2),
            "year": np.repeat([2010, 2015], n),
            "v": np.concatenate([y0, y1]),
            "grp": np.tile(g, 2),
        }
    )
    cond = beta_convergence(data, "v", "region", "year", 2010, 2015, group="grp")
    assert cond.conditional and cond.beta == pytest.approx(-0.03, abs=0.002)
    assert cond.summary().shape == (1, 9)


def test_beta_bad_input_names_regions():
    data = pd.DataFrame(
        {"r": ["A", "B", "C", "A", "B"], "year": [1, 1, 1, 2, 2], "v": [1.0, 2.0, 3.0, 2.0, 0.0]}
    )
    with pytest.raises(ValueError, match=r"missing in 1 or 2: \['C'\]"):
        beta_convergence(data, "v", "r", "year", 1, 2)
    with pytest.raises(ValueError, match=r"not positive \(logs\): \['B'\]"):
        beta_convergence(data[data.r != "C"], "v", "r", "year", 1, 2)
    with pytest.raises(ValueError, match="must be after"):
        beta_convergence(data, "v", "r", "year", 2, 1)


def test_census_urbanisation_sigma(census_city):
    import geolink

    groups = geolink.agglomeration_groups("eight", overlap="first").set_index("adcode")["group"]
    c = census_city[census_city["city_code"].isin(groups.index)]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "adcode": c["city_code"],
                    "year": yr,
                    "urban_rate": c[f"popu_urban_{yr}"] / c[f"popu_{yr}"],
                    "agglomeration": c["city_code"].map(groups),
                }
            )
            for yr in (2010, 2020)
        ]
    ).dropna()
    res = sigma_convergence(long, "urban_rate", group="agglomeration")
    assert set(res.table["group"]) == set(geolink.EIGHT) | {"all"}
    trend = res.trend.set_index("group")
    assert trend.loc["all", "converging"]  # urbanisation rates converged 2010 → 2020
    assert 0.1 < trend.loc["all", "sigma_last"] < trend.loc["all", "sigma_first"] < 0.6
