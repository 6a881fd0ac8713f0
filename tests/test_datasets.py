"""The bundled paper tables: loading, keys, and the consistency checks of data/papers/README.md."""

import numpy as np
import pandas as pd
import pytest

import geolink
from geolink._paths import bundled

PAPERS = bundled("data") / "papers"


def test_every_dataset_loads_and_keys_join():
    names = geolink.datasets.names()["name"].tolist()
    assert {"gz_sz_lq", "coagglomeration", "dagum_decomposition", "sigma", "dongguan_towns"} <= set(names)
    units = set(geolink.prefectures().index)
    ids = set(geolink.agglomerations()["agglomeration_id"]) | {"all"}
    for name in names:
        table = geolink.datasets.load(name)
        assert len(table) > 0, name
        if "adcode" in table:
            assert set(table["adcode"]) <= units, name
        if "agglomeration_id" in table:
            assert set(table["agglomeration_id"]) <= ids, name
    with pytest.raises(KeyError, match="unknown dataset 'gdp'; available: gz_sz_lq"):
        geolink.datasets.load("gdp")


def test_shapes():
    assert geolink.datasets.load("gz_sz_lq").groupby(["adcode", "year"]).size().unique().tolist() == [34]
    co = geolink.datasets.load("coagglomeration")
    assert sorted(co["year"].unique()) == list(range(2004, 2019)) and co["agglomeration_id"].nunique() == 8
    assert len(geolink.datasets.load("dagum_between")) == 28  # 8 choose 2 pairs


def test_table4_identities():
    t4 = geolink.datasets.load("dagum_decomposition")
    shares = t4[["G_w_share_pct", "G_nb_share_pct", "G_t_share_pct"]].sum(axis=1)
    assert np.allclose(shares, 100, atol=0.01)
    assert np.allclose(t4[["G_w", "G_nb", "G_t"]].sum(axis=1), t4["G_from_table2"], atol=0.0025)
    # mean shares over the 15 years as quoted in the text: 56.749 (between), 32.11, 11.14
    assert t4[["G_nb_share_pct", "G_t_share_pct", "G_w_share_pct"]].mean().round(2).tolist() == [
        56.75,
        32.11,
        11.14,
    ]


def test_ranges():
    assert geolink.datasets.load("sigma")["sigma"].between(0, 1).all()
    within = geolink.datasets.load("dagum_within")
    assert within["value"].between(0, 1).all()
    assert (
        geolink.datasets.load("coagglomeration")["coagglomeration_index"].between(1, 4).all()
    )  # y ∈ [1, 3+]


def test_mean_rows_and_the_papers_g_mean_slip():
    raw = pd.read_csv(PAPERS / "sigma_convergence.csv")
    yearly = raw[raw["statistic"] == "value"].groupby("agglomeration_id")["sigma"].mean()
    printed = raw[raw["statistic"] != "value"].set_index("agglomeration_id")["sigma"]
    assert np.allclose(yearly.loc[printed.index], printed, atol=0.001)
    t2 = pd.read_csv(PAPERS / "dagum_within.csv")
    g = t2[t2["agglomeration_id"] == "all"]
    # the paper prints (and quotes) a 2004–2018 mean G of 0.111, but its 15 yearly values average 0.1179
    assert g.loc[g["statistic"] != "value", "value"].item() == 0.111
    assert g.loc[g["statistic"] == "value", "value"].mean() == pytest.approx(0.1179, abs=1e-4)


def test_table2_and_table5_headers_disagree():
    """Gini ≤ CV/√3 for any data; as labelled, Tables 2 and 5 break it 44 times, matched by position never."""
    gjj = geolink.datasets.load("dagum_within").query("measure == 'G_jj'")
    sigma = geolink.datasets.load("sigma").query("agglomeration_id != 'all'")
    by_label = gjj.merge(sigma, on=["year", "agglomeration_id"])
    assert (by_label["value"] > by_label["sigma"] / np.sqrt(3) + 1e-9).sum() == 44
    order2 = gjj["agglomeration_id"].unique().tolist()  # Table 2's printed column order
    order5 = sigma["agglomeration_id"].unique().tolist()  # Table 5's
    relabel = dict(zip(order5, order2, strict=True))  # k-th column of Table 5 ↔ k-th of Table 2
    by_position = gjj.merge(
        sigma.assign(agglomeration_id=sigma["agglomeration_id"].map(relabel)), on=["year", "agglomeration_id"]
    )
    assert (by_position["value"] > by_position["sigma"] / np.sqrt(3)).sum() == 0
