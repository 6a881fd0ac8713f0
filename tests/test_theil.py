import numpy as np
import pandas as pd
import pytest

import geolink
from geolink.theil_index import theil


def _mexico() -> pd.DataFrame:
    import libpysal

    f = libpysal.io.open(libpysal.examples.get_path("mexico.csv"))
    years = range(1940, 2010, 10)
    return pd.concat(
        [pd.DataFrame({"state": f.by_col["State"], "year": yr, "pcgdp": f.by_col[f"pcgdp{yr}"], "region": f.by_col["hanson98"]})
         for yr in years],
        ignore_index=True,
    )


def test_matches_pysal_inequality_on_mexico():
    from inequality.theil import Theil, TheilD

    data = _mexico()
    res = theil(data, "pcgdp", unit="state", time="year", group="region")
    s = res.summary.set_index("year")
    # inequality.theil docstring values (Theil T per decade; between and within parts by hanson98 regions)
    np.testing.assert_allclose(s["T"].to_numpy()[:3], [0.20894344, 0.15222451, 0.10472941], atol=1e-8)
    np.testing.assert_allclose(s["T_b"].to_numpy()[:3], [0.0345889, 0.02816853, 0.05260921], atol=1e-8)
    wide = data.pivot(index="state", columns="year", values="pcgdp").to_numpy()
    regions = data[data.year == 1940].set_index("state").loc[data.pivot(index="state", columns="year", values="pcgdp").index, "region"]
    d = TheilD(wide, regions.to_numpy())
    np.testing.assert_allclose(s["T"], Theil(wide).T, rtol=1e-12)
    np.testing.assert_allclose(s["T_b"], d.bg, rtol=1e-10)
    np.testing.assert_allclose(s["T_w"], d.wg, rtol=1e-10)


def test_decomposition_is_exact_and_groups_add_up():
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"adcode": range(60), "y": rng.lognormal(0, 1, 60), "g": rng.choice(list("abcd"), 60),
                         "pop": rng.uniform(1, 10, 60)})
    for weight in (None, "pop"):
        res = theil(data, "y", group="g", weight=weight)
        s = res.summary.iloc[0]
        assert s["T_w"] + s["T_b"] == pytest.approx(s["T"], abs=1e-15)
        assert s["L_w"] + s["L_b"] == pytest.approx(s["L"], abs=1e-15)
        g = res.groups
        assert g["P_j"].sum() == pytest.approx(1) and g["s_j"].sum() == pytest.approx(1)
        assert g["T_w_j"].sum() == pytest.approx(s["T_w"]) and g["L_w_j"].sum() == pytest.approx(s["L_w"])
        assert s["share_T_b"] == pytest.approx(100 * s["T_b"] / s["T"])


def test_hand_computed_and_weights_equal_replication():
    # y = 1, 1, 2, 4: μ = 2; T = ¼ Σ (y/2) ln(y/2) = ¼ (2·½ ln ½ + 0 + 2 ln 2) = ¼ ln 2
    df = pd.DataFrame({"adcode": list("abcd"), "y": [1.0, 1.0, 2.0, 4.0]})
    s = theil(df, "y").summary.iloc[0]
    assert s["T"] == pytest.approx(0.25 * np.log(2))
    assert s["L"] == pytest.approx(np.mean(np.log(2 / df["y"])))
    assert s["k"] == 1 and s["T_b"] == 0
    # weight 3 on unit d ≡ three copies of it
    weighted = theil(df.assign(w=[1, 1, 1, 3]), "y", weight="w").summary.iloc[0]
    copies = pd.DataFrame({"adcode": list("abcdef"), "y": [1.0, 1.0, 2.0, 4.0, 4.0, 4.0]})
    plain = theil(copies, "y").summary.iloc[0]
    assert weighted["T"] == pytest.approx(plain["T"]) and weighted["L"] == pytest.approx(plain["L"])


def test_bootstrap_intervals():
    rng = np.random.default_rng(1)
    data = pd.DataFrame({"adcode": range(80), "y": rng.lognormal(0, 0.6, 80), "g": np.repeat(["a", "b"], 40)})
    a = theil(data, "y", group="g", bootstrap=300, seed=4).summary.iloc[0]
    b = theil(data, "y", group="g", bootstrap=300, seed=4).summary.iloc[0]
    assert a["T_lo"] == b["T_lo"]
    for part in ("T", "T_w", "T_b", "L", "L_w", "L_b"):
        assert a[f"{part}_lo"] < a[f"{part}_hi"]
    assert a["T_lo"] < a["T"] < a["T_hi"]
    narrow = theil(data, "y", group="g", bootstrap=300, seed=4, level=50).summary.iloc[0]
    assert a["T_lo"] < narrow["T_lo"] < narrow["T_hi"] < a["T_hi"]


def test_registry_grouping_with_census(census_city):
    long = pd.concat(
        [pd.DataFrame({"adcode": census_city["city_code"], "year": yr, "pop": census_city[f"popu_{yr}"],
                       "urban": census_city[f"popu_urban_{yr}"] / census_city[f"popu_{yr}"]}) for yr in (2010, 2020)]
    ).dropna()
    res = theil(long, "urban", group="eight", overlap="first", time="year", weight="pop")
    groups = geolink.agglomeration_groups("eight", overlap="first")
    assert set(res.groups["group"]) == set(geolink.EIGHT)
    assert (res.summary["n"] == long.adcode.isin(groups.adcode).groupby(long.year).sum().to_numpy()).all()
    assert len(res.dropped) == (~long.adcode.isin(groups.adcode)).sum() and res.dropped["reason"].str.contains("eight").all()
    assert res.summary.set_index("year").loc[2020, "T"] < res.summary.set_index("year").loc[2010, "T"]
    assert res.weighted


def test_bad_input():
    df = pd.DataFrame({"adcode": list("abcd"), "y": [1.0, 0.0, 2.0, 4.0], "g": ["x", "x", None, "y"]})
    with pytest.warns(UserWarning, match=r"zero value\(s\) \(\['b'\]\): L"):
        s = theil(df, "y").summary.iloc[0]
    assert np.isnan(s["L"]) and s["T"] > 0
    with pytest.raises(ValueError, match=r"group column 'g' is missing.*\['c'\]"):
        theil(df, "y", group="g")
    with pytest.warns(UserWarning):
        res = theil(df, "y", group="g", dropna=True)
    assert res.dropped["adcode"].tolist() == ["c"] and res.summary.loc[0, "n"] == 3
    with pytest.raises(ValueError, match=r"negative.*\['a'\]"):
        theil(df.assign(y=[-1.0, 1, 2, 3]), "y")
    with pytest.raises(ValueError, match="all values are zero"):
        theil(df.assign(y=0.0), "y")
    with pytest.raises(ValueError, match="not a positive finite number"):
        theil(df.assign(w=[1, 0, 1, 1]), "y", weight="w")
    with pytest.raises(ValueError, match="bootstrap must be"):
        theil(df, "y", bootstrap=-5)
    with pytest.raises(ValueError, match="level must be"):
        theil(df, "y", level=150)
    with pytest.raises(KeyError, match="'nope'"):
        theil(df, "nope")
    with pytest.raises(KeyError, match=r"group='gg' is neither a column of the data \(\['adcode', 'y', 'g'\]\) nor an agglomeration id"):
        theil(df, "y", group="gg")


def test_missing_weight_raises_or_is_dropped_with_dropna():
    df = pd.DataFrame({"adcode": ["440100", "440300", "440600", "440400"], "v": [1.0, 2, 3, 4],
                       "pop": [1, np.nan, 2, 3]})
    with pytest.raises(ValueError, match=r"1 row\(s\) where the weight 'pop' is missing \(pass dropna=True.*'440300'"):
        geolink.theil(df, "v", weight="pop", group="gba")
    res = geolink.theil(df, "v", weight="pop", group="gba", dropna=True)
    assert res.dropped[["adcode", "reason"]].values.tolist() == [["440300", "pop is missing"]]
    kept = df.drop(index=1)
    assert res.summary["T"].iloc[0] == pytest.approx(geolink.theil(kept, "v", weight="pop", group="gba").summary["T"].iloc[0], abs=1e-15)
    with pytest.raises(ValueError, match="the weight 'pop' is not a positive finite number"):
        geolink.theil(df.assign(pop=[1, 0, 2, np.nan]), "v", weight="pop", group="gba", dropna=True)
