"""Industrial-structure measures: hand-computed examples and the published Guangzhou–Shenzhen tables."""

import numpy as np
import pandas as pd
import pytest

import geolink
from geolink.structure import industry_matrix

# A: x = 10, y = 30 (total 40); B: x = 20, y = 20 (total 40); reference = A + B: x 30, y 50, total 80
TOY = pd.DataFrame(
    {"region": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"], "value": [10, 30, 20, 20]}
)


def test_location_quotient_by_hand():
    lq = geolink.location_quotient(TOY, "value", unit="region").set_index(["region", "industry"])["lq"]
    # LQ[A,x] = (10/40)/(30/80) = 0.25/0.375; LQ[A,y] = 0.75/0.625; LQ[B,x] = 0.5/0.375; LQ[B,y] = 0.5/0.625
    assert lq.to_dict() == pytest.approx(
        {("A", "x"): 2 / 3, ("A", "y"): 1.2, ("B", "x"): 4 / 3, ("B", "y"): 0.8}
    )


def test_location_quotient_wide_and_references():
    wide = pd.DataFrame({"region": ["A", "B"], "x": [10, 20], "y": [30, 20]})
    assert geolink.location_quotient(wide, None, unit="region", industry=None)["lq"].tolist() == pytest.approx(
        [2 / 3, 1.2, 4 / 3, 0.8]
    )
    # explicit reference totals (e.g. the nation): x 100, y 100 → shares 0.5 / 0.5
    national = pd.Series({"x": 100.0, "y": 100.0})
    lq = geolink.location_quotient(TOY, "value", unit="region", reference=national).set_index(["region", "industry"])["lq"]
    assert lq[("A", "x")] == pytest.approx(0.25 / 0.5) and lq[("A", "y")] == pytest.approx(0.75 / 0.5)
    # one region of the data as the reference: B's structure
    lq_b = geolink.location_quotient(TOY, "value", unit="region", reference="B").set_index(["region", "industry"])["lq"]
    assert lq_b[("B", "x")] == 1 and lq_b[("A", "y")] == pytest.approx(0.75 / 0.5)
    with pytest.raises(KeyError, match="reference unit 'C'"):
        geolink.location_quotient(TOY, "value", unit="region", reference="C")
    with pytest.raises(KeyError, match=r"reference lacks industries \['y'\]"):
        geolink.location_quotient(TOY, "value", unit="region", reference=pd.Series({"x": 1.0}))


def test_location_quotient_by_year():
    two = pd.concat([TOY.assign(year=2010), TOY.assign(year=2020, value=[10, 10, 10, 10])])
    lq = geolink.location_quotient(two, "value", unit="region", time="year").set_index(["year", "region", "industry"])["lq"]
    assert lq[(2010, "A", "x")] == pytest.approx(2 / 3) and lq[(2020, "A", "x")] == pytest.approx(1.0)


def test_reference_totals_per_year():
    """A Series of reference totals applies to every year (it crashed with a length mismatch)."""
    two = pd.concat([TOY.assign(year=2010), TOY.assign(year=2020, value=[10, 10, 10, 10])])
    national = pd.Series({"x": 100.0, "y": 300.0})  # shares 0.25 / 0.75
    lq = geolink.location_quotient(two, "value", unit="region", time="year", reference=national)
    lq = lq.set_index(["year", "region", "industry"])["lq"]
    assert lq[(2010, "A", "x")] == pytest.approx(0.25 / 0.25) and lq[(2020, "B", "y")] == pytest.approx(0.5 / 0.75)
    by_year = pd.DataFrame({"x": [100.0, 50.0], "y": [300.0, 50.0]}, index=[2010, 2020])
    lq2 = geolink.location_quotient(two, "value", unit="region", time="year", reference=by_year)
    lq2 = lq2.set_index(["year", "region", "industry"])["lq"]
    assert lq2[(2010, "A", "y")] == pytest.approx(0.75 / 0.75) and lq2[(2020, "A", "y")] == pytest.approx(1.0)
    with pytest.raises(KeyError, match=r"no row for time\(s\) \[2020\]"):
        geolink.location_quotient(two, "value", unit="region", time="year", reference=by_year.loc[[2010]])
    with pytest.raises(ValueError, match="finite non-negative"):
        geolink.location_quotient(TOY, "value", unit="region", reference=pd.Series({"x": np.inf, "y": 1.0}))


def test_lq_ratio_and_its_independence_of_reference():
    lq = geolink.location_quotient(TOY, "value", unit="region")
    r = geolink.lq_ratio(lq, "A", "B", unit="region").set_index("industry")["ratio"]
    assert r.to_dict() == pytest.approx({"x": 0.5, "y": 1.5})  # = X_A / X_B: 0.25/0.5, 0.75/0.5
    other = geolink.location_quotient(TOY, "value", unit="region", reference=pd.Series({"x": 7.0, "y": 3.0}))
    assert geolink.lq_ratio(other, "A", "B", unit="region")["ratio"].tolist() == pytest.approx(r.tolist())


def test_krugman_and_similarity_by_hand():
    # shares A (0.25, 0.75), B (0.5, 0.5): K = 0.25 + 0.25; S = 0.5 / sqrt(0.625 · 0.5)
    assert geolink.krugman_index(TOY, "value", pair=("A", "B"), unit="region")["krugman"].item() == pytest.approx(0.5)
    assert geolink.similarity_index(TOY, "value", pair=("A", "B"), unit="region")["similarity"].item() == pytest.approx(
        0.5 / np.sqrt(0.3125)
    )
    three = pd.concat([TOY, pd.DataFrame({"region": ["C", "C"], "industry": ["x", "y"], "value": [1, 1]})])
    pairs = geolink.krugman_index(three, "value", unit="region")
    assert pairs[["region_a", "region_b"]].values.tolist() == [["A", "B"], ["A", "C"], ["B", "C"]]
    assert pairs["krugman"].tolist() == pytest.approx([0.5, 0.5, 0.0])


def test_krugman_of_the_published_three_sector_structures():
    # |1.1 − 0.08| + |27.4 − 37.9| + |71.5 − 62.02| = 1.02 + 10.5 + 9.48 = 21.0 percentage points
    s = geolink.datasets.load("gz_sz_structure")
    k = geolink.krugman_index(s, "share_pct", pair=("440100", "440300"), industry="sector")
    assert k["krugman"].item() == pytest.approx(0.21)


def test_linkage_index_by_hand():
    rows = []
    for year, (a, b) in {2000: ((1, 1), (1, 1)), 2001: ((1, 3), (3, 1)), 2002: ((1, 1), (1, 3))}.items():
        rows += [
            {"year": year, "region": "A", "industry": "p", "value": a[0]},
            {"year": year, "region": "A", "industry": "q", "value": a[1]},
            {"year": year, "region": "B", "industry": "p", "value": b[0]},
            {"year": year, "region": "B", "industry": "q", "value": b[1]},
        ]
    out = geolink.linkage_index(pd.DataFrame(rows), "value", pair=("A", "B"), unit="region").set_index("year")
    # S: 2000 identical → 1; 2001 (.25,.75)·(.75,.25) = .375/.625 = 0.6; 2002 (.5,.5)·(.25,.75) = .5/sqrt(.5·.625)
    s2002 = 0.5 / np.sqrt(0.5 * 0.625)
    assert out["similarity"].tolist() == pytest.approx([1.0, 0.6, s2002])
    assert out["similarity_scaled"].tolist() == pytest.approx([0.0, 1.0, (1 - s2002) / 0.4])
    # K: 0, 1.0, 0.5; L = K/2 + S̃/2
    assert out["linkage"].tolist() == pytest.approx([0.0, 1.0, 0.25 + (1 - s2002) / 0.8])
    constant = pd.DataFrame(rows).query("year == 2000")
    with pytest.raises(ValueError, match="at least two time values with different similarity"):
        geolink.linkage_index(pd.concat([constant, constant.assign(year=2001)]), "value", pair=("A", "B"), unit="region")


def test_coagglomeration_by_hand():
    data = pd.DataFrame(
        {
            "city": ["A"] * 3 + ["B"] * 3,
            "industry": ["制造业", "金融业", "农、林、牧、渔业"] * 2,
            "value": [50, 30, 20, 30, 10, 60],
        }
    )
    out = geolink.coagglomeration_index(data, "value", unit="city", producer_services="金融业").set_index("city")
    # reference = A + B: m 80, s 40, total 200.  A: LQ_m = .5/.4 = 1.25, LQ_s = .3/.2 = 1.5
    # y_A = 1 − .25/2.75 + 2.75; B: LQ_m = .3/.4 = .75, LQ_s = .1/.2 = .5, y_B = 1 − .25/1.25 + 1.25
    assert out.loc["A", ["lq_manufacturing", "lq_producer_services"]].tolist() == pytest.approx([1.25, 1.5])
    assert out["coagglomeration"].tolist() == pytest.approx([1 - 0.25 / 2.75 + 2.75, 1 - 0.25 / 1.25 + 1.25])
    with pytest.raises(KeyError, match="none of"):
        geolink.coagglomeration_index(data, "value", unit="city", producer_services=["科学研究和技术服务业"])


def test_coagglomeration_reference_totals_and_reference_unit():
    """National totals and a unit of the data as reference (the latter failed before)."""
    data = pd.DataFrame(
        {
            "city": ["A"] * 3 + ["B"] * 3,
            "industry": ["制造业", "金融业", "农、林、牧、渔业"] * 2,
            "value": [50, 30, 20, 30, 10, 60],
        }
    )
    nation = pd.Series({"制造业": 100.0, "金融业": 100.0, "农、林、牧、渔业": 800.0})  # m 0.1, s 0.1
    out = geolink.coagglomeration_index(data, "value", unit="city", reference=nation, producer_services="金融业").set_index("city")
    assert out.loc["A", ["lq_manufacturing", "lq_producer_services"]].tolist() == pytest.approx([5.0, 3.0])
    by_b = geolink.coagglomeration_index(data, "value", unit="city", reference="B", producer_services="金融业").set_index("city")
    # B's structure: m 0.3, s 0.1 → A: 0.5/0.3, 0.3/0.1; B itself: 1, 1 → y = 1 + 2
    assert by_b.loc["A", ["lq_manufacturing", "lq_producer_services"]].tolist() == pytest.approx([0.5 / 0.3, 3.0])
    assert by_b.loc["B", "coagglomeration"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    "frame, message",
    [
        (TOY.assign(value=[10, -1, 20, 20]), "the value is negative"),
        (TOY.assign(value=[10, np.nan, 20, 20]), "the value is missing"),
        (TOY.assign(value=[10, np.inf, 20, 20]), "the value is infinite"),
        (TOY.assign(region=["A", None, "B", "B"]), r"the label column 'region' is missing: index \[1\]"),
        (pd.concat([TOY, TOY.head(1)]), "unit × industry is duplicated"),
        (TOY.assign(value=[0, 0, 20, 20]), r"unit\(s\) with a zero total over all industries: \['A'\]"),
    ],
)
def test_bad_input_names_rows(frame, message):
    with pytest.raises(ValueError, match=message):
        geolink.location_quotient(frame, "value", unit="region")


def test_missing_combination_counts_as_zero_and_is_flagged():
    sparse = TOY.drop(index=3)  # B has no y
    matrix = industry_matrix(sparse, "value", unit="region")
    assert matrix.attrs["filled"] == {(0, "B", "y")} and matrix.loc[(0, "B"), "y"] == 0
    lq = geolink.location_quotient(sparse, "value", unit="region")
    assert lq.loc[lq["filled"], ["region", "industry"]].values.tolist() == [["B", "y"]]


# --- the Guangzhou–Shenzhen tables (《特区经济》 2025 no. 2), Tables 1 and 2 ----------------------


def test_published_lq_ratio_matches_table1_lqs_within_rounding():
    t1 = geolink.datasets.load("gz_sz_lq_ratio")
    gz, sz, pub = t1["lq_guangzhou"], t1["lq_shenzhen"], t1["lq_ratio_published"]
    # the LQs are printed to 2 decimals (SZ 化学纤维 to 3): the true ratio lies in this interval
    low, high = (gz - 0.005) / (sz + 0.005), (gz + 0.005) / (sz - 0.005).clip(lower=1e-9)
    assert ((pub >= low - 0.005) & (pub <= high + 0.005)).all()
    # and lq_ratio() reproduces it from the LQ table
    lq = geolink.datasets.load("gz_sz_lq").query("year == 2022")
    ours = geolink.lq_ratio(lq, "440100", "440300", industry="industry_zh")
    merged = ours.merge(t1.assign(width=high - low), on="industry_zh")
    # within the rounding width of the printed LQs (e.g. 3.08/0.97 = 3.1753, printed 3.18)
    assert ((merged["ratio"] - merged["lq_ratio_published"]).abs() <= merged["width"] + 0.005).all()


def test_lq_change_classes_on_table2_and_the_papers_prose_slips():
    t2 = geolink.datasets.load("gz_sz_lq_change")
    t2 = t2.assign(
        **{"class": geolink.classify_lq_change(t2["lq_2011"], t2["lq_2022"]), "change": t2["lq_2022"] - t2["lq_2011"]}
    )
    assert (t2["change"].round(3) == t2["lq_change_published"].round(3)).all()
    counts = t2.groupby(["city", "class"]).size().unstack(fill_value=0)
    assert counts.loc["guangzhou"].to_dict() == {
        "formed": 2,
        "lost": 3,
        "none": 17,
        "strengthened": 7,
        "weakened": 5,
    }
    assert counts.loc["shenzhen"].to_dict() == {
        "formed": 1,
        "lost": 1,
        "none": 28,
        "strengthened": 1,
        "weakened": 3,
    }
    gz = t2[t2["city"] == "guangzhou"].set_index("industry_zh")
    # Differences from the paper's prose (the rule-based result is asserted, the prose slips named):
    # 1. water supply is listed both as formed and as strengthened; L0 = 0.81 < 1 → formed only
    assert gz.loc["水的生产和供应业", ["lq_2011", "lq_2022", "class"]].tolist() == [0.81, 1.16, "formed"]
    # 2. two industries listed as weakened have L0 and Lt < 1 → none
    assert gz.loc["计算机、通信和其他电子设备制造业", "class"] == "none"
    assert gz.loc["其他制造业", "class"] == "none"
    # 3. the prose quotes power supply's change as 1.26; the table says 1.20 → 1.58 = 0.38 (1.26 is gas)
    assert gz.loc["电力、热力生产和供应业", "change"] == pytest.approx(0.38)
    assert gz.loc["燃气生产和供应业", "change"] == pytest.approx(1.26)


def test_lq_change_from_a_location_quotient_table():
    two = pd.concat([TOY.assign(year=2010), TOY.assign(year=2020, value=[30, 10, 20, 20])])
    lq = geolink.location_quotient(two, "value", unit="region", time="year")
    ch = geolink.lq_change(lq, start=2010, end=2020, unit="region").set_index(["region", "industry"])
    # A,x: 2/3 → (30/40)/(50/80) = 1.2 formed; A,y: 1.2 → (10/40)/(30/80) = 2/3 lost
    assert ch.loc[("A", "x"), "class"] == "formed" and ch.loc[("A", "y"), "class"] == "lost"
    assert ch.loc[("A", "x"), "change"] == pytest.approx(1.2 - 2 / 3)


def test_multi_year_tables_need_time_instead_of_silent_averages():
    two = pd.concat([TOY.assign(year=2010), TOY.assign(year=2020, value=[10, 10, 10, 10])])
    lq = geolink.location_quotient(two, "value", unit="region", time="year")
    with pytest.raises(ValueError, match="several time values: pass time="):
        geolink.lq_ratio(lq, "A", "B", unit="region")
    per_year = geolink.lq_ratio(lq, "A", "B", unit="region", time="year").set_index(["industry", "year"])["ratio"]
    assert per_year[("x", 2010)] == pytest.approx(0.5) and per_year[("x", 2020)] == pytest.approx(1.0)
