"""The division history 1990–2024: checked against the source by hand, resolution, harmonisation.

Expected answers in the tables below were read from ../shared/data/areacodes (result.csv, the
diff/Y1-Y2.diff files and their State Council texts), not from geolink's output.  Years are as
of 31 December: "last" is the last yearly table holding the record.
"""

import filecmp
import importlib.util
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SHARED

import geolink
from geolink import _history as hist
from geolink._shortname import short_name
from geolink.history import harmonise

AREACODES = SHARED / "areacodes"

# (code, name, last year in use, today's unit) — one successor: rename, 地区 → 市, absorption
SINGLE = [
    # renames, same code
    ("420600", "襄樊市", 2009, "420600"),  # 2010 襄阳市
    ("530800", "思茅市", 2006, "530800"),  # 2007 普洱市
    ("211400", "锦西市", 1993, "211400"),  # 1994 葫芦岛市
    ("220600", "浑江市", 1993, "220600"),  # 1994 白山市
    ("430800", "大庸市", 1993, "430800"),  # 1994 张家界市
    # 地区/盟 → 市 with a new code
    ("152100", "呼伦贝尔盟", 2000, "150700"),
    ("152300", "哲里木盟", 1998, "150500"),  # 通辽市
    ("152600", "乌兰察布盟", 2002, "150900"),
    ("152700", "伊克昭盟", 2000, "150600"),  # 鄂尔多斯市
    ("152800", "巴彦淖尔盟", 2002, "150800"),
    ("142300", "吕梁地区", 2002, "141100"),
    ("142400", "晋中地区", 1998, "140700"),
    ("332600", "台州地区", 1993, "331000"),
    ("352100", "南平地区", 1993, "350700"),
    ("352200", "宁德地区", 1998, "350900"),
    ("372800", "临沂地区", 1993, "371300"),
    ("372400", "德州地区", 1993, "371400"),
    ("412900", "南阳地区", 1993, "411300"),
    ("432300", "益阳地区", 1993, "430900"),
    ("432800", "郴州地区", 1993, "431000"),
    ("432500", "娄底地区", 1998, "431300"),
    ("513000", "达川地区", 1998, "511700"),  # 达州市
    ("612100", "渭南地区", 1993, "610500"),
    ("612700", "榆林地区", 1998, "610800"),
    ("612500", "商洛地区", 2000, "611000"),
    ("532100", "昭通地区", 2000, "530600"),
    ("533200", "丽江地区", 2001, "530700"),
    ("533500", "临沧地区", 2002, "530900"),
    ("532700", "思茅地区", 2002, "530800"),  # 2003 思茅市, 2007 普洱市
    ("622100", "酒泉地区", 2001, "620900"),
    ("622200", "张掖地区", 2001, "620700"),
    ("622300", "武威地区", 2000, "620600"),
    ("622400", "定西地区", 2002, "621100"),
    ("622600", "陇南地区", 2003, "621200"),
    ("622700", "平凉地区", 2001, "620800"),
    ("622800", "庆阳地区", 2001, "621000"),
    ("452400", "贺州地区", 2001, "451100"),
    ("452600", "百色地区", 2001, "451000"),
    ("452700", "河池地区", 2001, "451200"),
    ("522200", "铜仁地区", 2010, "520600"),
    ("522400", "毕节地区", 2010, "520500"),
    ("632100", "海东地区", 2012, "630200"),
    ("542100", "昌都地区", 2013, "540300"),
    ("542300", "日喀则地区", 2013, "540200"),
    ("542600", "林芝地区", 2014, "540400"),
    ("652100", "吐鲁番地区", 2014, "650400"),
    ("542200", "山南地区", 2015, "540500"),
    ("652200", "哈密地区", 2015, "650500"),
    ("542400", "那曲地区", 2016, "540600"),
    ("469003", "儋州市", 2014, "460400"),  # province-administered county-level → prefecture-level 2015
    # absorptions
    ("371200", "莱芜市", 2017, "370100"),  # 国函〔2018〕163号: into 济南市
    ("654100", "伊犁地区", 2000, "654000"),  # into 伊犁哈萨克自治州
    ("530200", "东川市", 1997, "530100"),  # 昆明市东川区
    ("510200", "重庆市", 1996, "500100"),  # Sichuan's 重庆市 → the municipality 1997
    ("511200", "万县市", 1996, "500100"),
    ("511400", "涪陵市", 1996, "500100"),
    ("513500", "黔江地区", 1996, "500100"),
    ("420400", "沙市市", 1993, "421000"),  # 沙市区 of 荆沙市 (today 荆州市)
]

# (code, name, last year, {today's unit: its county-level units of that year}) — splits
SPLITS = [
    # 居巢区→巢湖市 and 庐江 to 合肥; 无为 to 芜湖; 含山, 和县 to 马鞍山
    ("341400", "巢湖市", 2010, {"340100": 2, "340200": 1, "340500": 2}),
    # 横县 宾阳 上林 隆安 马山 to 南宁; 凭祥 扶绥 崇左 大新 天等 宁明 龙州 to 崇左市 (2002)
    ("452100", "南宁地区", 2001, {"450100": 5, "451400": 7}),
    # 鹿寨 融安 三江 融水 to 柳州; 合山 象州 武宣 来宾 金秀 忻城 to 来宾市 (2002)
    ("452200", "柳州地区", 2001, {"450200": 4, "451300": 6}),
    # 阜阳市 界首 临泉 太和 阜南 颍上 stay 阜阳; 亳州 涡阳 蒙城 利辛 to 亳州市 (2000)
    ("342100", "阜阳地区", 1995, {"341200": 6, "341600": 4}),
    # 六安市 霍邱 舒城 金寨 霍山 to 六安; 寿县 to 淮南 (2015)
    ("342400", "六安地区", 1998, {"341500": 5, "340400": 1}),
    # 海原县 to 中卫市 (2003); 固原县 西吉 隆德 泾源 彭阳 to 固原市
    ("642200", "固原地区", 2000, {"640400": 5, "640500": 1}),
    # 京山县 and 钟祥市 to 荆门 (1996); 8 others to 荆州
    ("421000", "荆沙市", 1995, {"421000": 8, "420800": 2}),
]

# (code, name, first year in the tables) — units created
CREATED = [
    ("460300", "三沙市", 2012),
    ("630200", "海东市", 2013),
    ("540200", "日喀则市", 2014),
    ("540300", "昌都市", 2014),
    ("540400", "林芝市", 2015),
    ("650400", "吐鲁番市", 2015),
    ("460400", "儋州市", 2015),
    ("540500", "山南市", 2016),
    ("650500", "哈密市", 2016),
    ("540600", "那曲市", 2017),
    ("640500", "中卫市", 2003),
    ("451400", "崇左市", 2002),
    ("451300", "来宾市", 2002),
    ("341600", "亳州市", 2000),
    ("445300", "云浮市", 1994),
    ("500000", "重庆市", 1997),
]


def _record(code, name):
    rows = hist.units()
    hit = rows[(rows["code"] == code) & (rows["name"] == name)]
    assert len(hit) == 1, (code, name)
    return hit.iloc[0]


def test_enough_changes_read_by_hand():
    assert len(SINGLE) + len(SPLITS) + len(CREATED) >= 50


@pytest.mark.parametrize("code, name, last, today", SINGLE)
def test_single_successor(code, name, last, today):
    assert _record(code, name)["last"] == last
    for given in (name, code):
        row = geolink.resolve_names([given], year=last).iloc[0]
        assert (row["adcode"], row["status"]) == (today, "historical"), row["note"]
        assert row["successors"] == f"{today}:1"
    assert geolink.to_adcode(code, year=last) == today


@pytest.mark.parametrize("code, name, last, counties", SPLITS)
def test_split_gets_no_code_and_its_successors(code, name, last, counties):
    assert _record(code, name)["last"] == last
    total = sum(counties.values())
    expected = ";".join(f"{a}:{round(n / total, 4):g}" for a, n in sorted(counties.items()))
    for given in (name, code):
        row = geolink.resolve_names([given], year=last).iloc[0]
        assert row["status"] == "historical" and pd.isna(row["adcode"]), row["note"]
        assert row["successors"] == expected
        for a, n in counties.items():
            assert f"({a}) {n} of {total}" in row["note"]
    with pytest.raises(KeyError, match="county-level units"):
        geolink.to_adcode(name, year=last)


@pytest.mark.parametrize("code, name, first", CREATED)
def test_created(code, name, first):
    assert _record(code, name)["first"] == first
    adcode = geolink.to_adcode(name, year=first)
    assert adcode == {"500000": "500100"}.get(code, code)
    assert hist.record_at(code, first - 1) is None or hist.record_at(code, first - 1).name != name


def test_notes_say_what_happened_and_when():
    def note(name, year):
        return geolink.resolve_names([name], year=year).loc[0, "note"]

    assert note("襄樊市", 2005) == "襄樊市 (420600, until 2009) renamed 襄阳市 in 2010"
    assert note("酒泉地区", 2001) == "酒泉地区 (622100, until 2001) became 酒泉市 (620900) in 2002"
    assert note("莱芜市", 2010) == "莱芜市 (371200, 1992–2017) merged into 济南市 (370100) in 2018"
    assert note("涪陵地区", 1993).startswith("涪陵地区 (512300, until 1994) became 涪陵市 (511400) in 1995;")
    assert "dissolved in 2011" in note("巢湖市", 2010)


def test_without_year_reused_codes_and_names_are_ambiguous():
    row = geolink.resolve_names(["511400"]).iloc[0]
    assert row["status"] == "ambiguous"
    assert "511400 眉山市" in row["note"] and "511400 涪陵市 (1995–1996; now 重庆市 500100)" in row["note"]
    assert geolink.resolve_names(["511400"], year=2005).loc[0, "adcode"] == "511400"
    assert geolink.resolve_names(["511400"], year=1996).loc[0, "adcode"] == "500100"
    # a unit of a name's own history (荆沙市 → 荆州市, same code) is no rival: 421000 is 荆州市
    assert geolink.resolve_names(["421000"]).loc[0, "status"] == "exact"
    # 南宁地区 and 南宁市 coexisted: the full names differ, the short name is the 市
    assert geolink.resolve_names(["南宁"], year=1995).loc[0, "adcode"] == "450100"
    assert pd.isna(geolink.resolve_names(["南宁地区"]).loc[0, "adcode"])


def test_county_level_names_of_a_year():
    row = geolink.resolve_names(["吐鲁番市"], year=2010).iloc[0]
    assert row["status"] == "unmatched" and "county-level unit 吐鲁番市 (652101)" in row["note"]
    assert "高昌区" in row["note"]
    assert geolink.resolve_names(["吐鲁番市"], year=2015).loc[0, "adcode"] == "650400"
    row = geolink.resolve_names(["巢湖市"], year=2015).iloc[0]
    assert row["note"].startswith("county-level unit 巢湖市 (340181) of 合肥市")


def test_today_units_map_onto_geolink_units():
    units = hist.units()
    today = units[(units["unit"] == 1) & (units["last"] == 2024)]
    codes = {"110000": "110100", "120000": "120100", "310000": "310100", "500000": "500100"}
    mapped = set(today["code"].map(lambda c: codes.get(c, c)))
    geo = set(geolink.prefectures()["adcode"])
    assert geo <= mapped
    assert sorted(mapped - geo) == ["659011", "659012"]  # 新星市 2021, 白杨市 2023: no polygons
    for code in ("659011", "新星市"):
        row = geolink.resolve_names([code]).iloc[0]
        assert row["status"] == "unmatched" and "not one of geolink's units" in row["note"]


def _expected(row):
    """What the successor table says a unit of a year resolves to."""
    rec = hist.records()[(row.code, row.first)]
    succ = hist.successors_at((row.code, row.first), row.year)
    if len(succ) > 1:  # split since that year (四平市 of 2015, 扬州市 of 1990): no code, its successors
        return None, ";".join(f"{a}:{round(s, 4):g}" for a, _, s in succ)
    if rec.last == 2024:
        return {"110000": "110100", "120000": "120100", "310000": "310100", "500000": "500100"}.get(
            row.code, row.code
        ), ""
    return succ[0][0], f"{succ[0][0]}:1"


def test_every_unit_name_short_name_and_code_of_every_year_resolves():
    succ = hist.successors()
    cases = []
    for r in succ.drop_duplicates(["code", "first", "from"]).itertuples(index=False):
        for year in {r[3], r.to}:
            cases.append((r.code, r.first, r.name, year))
    frame = pd.DataFrame(cases, columns=["code", "first", "name", "year"])
    frame = frame[frame["code"].ne("659011") & frame["code"].ne("659012")]
    units = hist.units()
    valid = units[units["unit"] == 1]
    provinces = {
        short_name(p) for p in geolink.prefectures()["province"]
    }  # 吉林: ambiguous, tested elsewhere
    checked = 0
    for row in frame.itertuples(index=False):
        adcode, successors = _expected(row)
        short = short_name(row.name)
        same_year = valid[(valid["first"] <= row.year) & (valid["last"] >= row.year)]
        shared = (same_year["name"].map(short_name) == short).sum() > 1
        use_short = short != row.name and not shared and short not in provinces
        inputs = [row.code, row.name] + ([short] if use_short else [])
        res = geolink.resolve_names(inputs, year=row.year)
        for given, got in zip(inputs, res.itertuples(index=False), strict=True):
            if row.code[:2] == "71" and given != row.code:
                continue
            assert (None if pd.isna(got.adcode) else got.adcode) == adcode, (given, row.year, got.note)
            if adcode is None or successors:
                assert got.status == "historical" and got.successors == successors, (given, row.year)
            checked += 1
    assert checked > 1500


def test_rebuild_is_identical(tmp_path):
    if not AREACODES.exists():
        pytest.skip("../shared/data/areacodes is absent")
    spec = importlib.util.spec_from_file_location("build_history", REPO / "boundaries" / "build_history.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_history"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.build(AREACODES, tmp_path)
    for name in ("units.csv", "links.csv", "successors.csv"):
        assert filecmp.cmp(tmp_path / name, REPO / "boundaries" / "history" / name, shallow=False), name


# ---------------------------------------------------------------- harmonise


def _panel(years=range(2004, 2019)):
    """Synthetic panel: every prefecture-level unit of each year, with made-up GDP and population."""
    units = hist.units()
    rows = []
    rng = np.random.default_rng(7)
    for y in years:
        valid = units[(units["unit"] == 1) & (units["first"] <= y) & (units["last"] >= y)]
        valid = valid[~valid["code"].isin(["659011", "659012", "710000"])]
        for code, name in zip(valid["code"], valid["name"], strict=True):
            rows.append((code, name, y))
    panel = pd.DataFrame(rows, columns=["code", "name", "year"])
    panel["gdp"] = rng.uniform(10, 1000, len(panel)).round(1)  # synthetic
    panel["pop"] = rng.uniform(50, 900, len(panel)).round(0)  # synthetic
    panel["gdp_pc"] = 1e4 * panel["gdp"] / panel["pop"]
    return panel


@pytest.mark.parametrize("unit", ["code", "name"])
def test_harmonised_synthetic_panel_conserves_totals(unit):
    panel = _panel()
    r = harmonise(panel, ["gdp", "pop"], kind="extensive", unit=unit)
    totals_in = panel.groupby("year")[["gdp", "pop"]].sum()
    totals_out = r.data.groupby("year")[["gdp", "pop"]].sum()
    np.testing.assert_allclose(totals_out.to_numpy(), totals_in.to_numpy(), rtol=1e-12)
    assert not r.data.duplicated(["adcode", "year"]).any()
    assert set(r.data["adcode"]) <= set(geolink.prefectures()["adcode"])
    # 2010: 巢湖 shared 2 : 1 : 2 by its county counts; 2011 onwards no 巢湖 any more
    chaohu = panel.set_index(["name", "year"]).loc[("巢湖市", 2010), "gdp"]
    hefei = panel.set_index(["name", "year"]).loc[("合肥市", 2010), "gdp"]
    out = r.data.set_index(["adcode", "year"])["gdp"]
    assert out[("340100", 2010)] == pytest.approx(hefei + 0.4 * chaohu, rel=1e-12)
    # 2017: 莱芜 + 济南 summed into today's 济南
    p = panel.set_index(["name", "year"])["gdp"]
    assert out[("370100", 2017)] == pytest.approx(p[("莱芜市", 2017)] + p[("济南市", 2017)], rel=1e-12)
    assert out[("370100", 2018)] == p[("济南市", 2018)]
    rep = r.report
    assert set(rep.loc[rep["unit"].isin(["巢湖市", "341400"]), "change"]) == {"split"}
    assert rep.loc[rep["unit"].isin(["莱芜市", "371200"]) & rep["year"].eq(2017), "change"].tolist() == [
        "merged"
    ]
    assert rep.loc[rep["unit"].isin(["毕节地区", "522400"]) & rep["year"].eq(2010), "change"].tolist() == [
        "historical"
    ]


def test_a_rate_is_refused_or_recomputed_never_summed():
    panel = _panel(range(2010, 2012))
    with pytest.raises(ValueError, match=r"gdp_pc.*巢湖市 \(2010\)"):
        harmonise(panel, "gdp_pc", kind="intensive", unit="name")
    r = harmonise(
        panel,
        ["gdp", "pop", "gdp_pc"],
        kind={"gdp": "extensive", "pop": "extensive", "gdp_pc": "intensive"},
        unit="name",
        numerator="gdp",
        denominator="pop",
    )
    out = r.data.set_index(["adcode", "year"])
    p = panel.set_index(["name", "year"])
    gdp = p.loc[("合肥市", 2010), "gdp"] + 0.4 * p.loc[("巢湖市", 2010), "gdp"]
    pop = p.loc[("合肥市", 2010), "pop"] + 0.4 * p.loc[("巢湖市", 2010), "pop"]
    assert out.loc[("340100", 2010), "gdp_pc"] == pytest.approx(1e4 * gdp / pop, rel=1e-9)
    assert any("recomputed as 10000 × gdp / pop" in n for n in r.notes)
    bad = panel.assign(gdp_pc=panel["gdp_pc"].where(panel["name"] != "合肥市", 1.0))
    with pytest.raises(ValueError, match="is not 10000 × gdp / pop"):
        harmonise(bad, "gdp_pc", kind="intensive", unit="name", numerator="gdp", denominator="pop")


def test_intensive_values_of_unchanged_units_are_kept():
    panel = pd.DataFrame(
        {"city": ["广州市", "深圳", "思茅市"], "year": [2019, 2019, 2005], "rate": [1.5, 2.5, 3.0]}
    )
    r = harmonise(panel, "rate", kind="intensive", unit="city")
    assert r.data.set_index("adcode")["rate"].to_dict() == {"440100": 1.5, "440300": 2.5, "530800": 3.0}
    assert r.report["change"].tolist() == ["historical"]


def test_county_weights_share_a_split_unit():
    # 巢湖市 2010 by hand-made weights of today's counties (340225 无为县 is today 340281 无为市)
    weights = pd.Series({"340181": 80.0, "340124": 100.0, "340225": 120.0, "340522": 40.0, "340523": 60.0})
    panel = pd.DataFrame({"city": ["巢湖市"], "year": [2010], "gdp": [1000.0]})
    r = harmonise(panel, "gdp", kind="extensive", unit="city", county_weights=weights)
    assert r.data.set_index("adcode")["gdp"].to_dict() == pytest.approx(
        {"340100": 450.0, "340200": 300.0, "340500": 250.0}
    )
    with pytest.raises(ValueError, match=r"no weight for today's county-level code\(s\) \['340523'\]"):
        harmonise(panel, "gdp", kind="extensive", unit="city", county_weights=weights.drop("340523"))


def test_bad_input_is_named():
    panel = pd.DataFrame(
        {"city": ["广州市", "深圳市", "广州市区", "Taizhou"], "year": [2019] * 4, "gdp": [1.0] * 4}
    )
    with pytest.raises(
        ValueError, match=r"'广州市区' \(2019\): urban districts only.*'Taizhou' \(2019\): ambiguous"
    ):
        harmonise(panel, "gdp", kind="extensive", unit="city")
    ok = panel.iloc[:2].assign(gdp=[1.0, np.nan])
    with pytest.raises(ValueError, match=r"missing \(pass dropna=True.*深圳市"):
        harmonise(ok, "gdp", kind="extensive", unit="city")
    r = harmonise(ok, "gdp", kind="extensive", unit="city", dropna=True)
    assert r.data["adcode"].tolist() == ["440100"] and r.dropped["city"].tolist() == ["深圳市"]
    with pytest.raises(ValueError, match="kind= does not declare"):
        harmonise(ok, "gdp", kind={}, unit="city")
    with pytest.raises(KeyError, match="not in data"):
        harmonise(ok, "gdp", kind="extensive", unit="nope")
    with pytest.raises(ValueError, match="not an integer year"):
        harmonise(panel.iloc[:2].assign(year=["2019", "2019a"]), "gdp", kind="extensive", unit="city")
    with pytest.raises(ValueError, match="infinite"):
        harmonise(ok.assign(gdp=[1.0, np.inf]), "gdp", kind="extensive", unit="city")


@pytest.mark.parametrize("names, year", [(["广州市", "广州市"], 2015), (["广州", "广州市"], 2015), (["襄樊市", "襄阳市"], 2009)])
def test_harmonise_refuses_one_unit_twice_in_a_year(names, year):
    """Two rows of one unit in one year (the same name twice, two spellings, a name not yet in use
    beside the one then in use) are refused, not added up and labelled 'merged'."""
    data = pd.DataFrame({"city": names, "year": [year] * 2, "gdp": [100.0, 100.0]})
    with pytest.raises(ValueError, match=r"2 row\(s\) where a unit appears twice in one 'year'"):
        geolink.harmonise(data, "gdp", kind="extensive", unit="city")


def test_harmonise_adds_up_units_merged_since():
    """济南 and 莱芜 (merged in 2019) in 2015 are two units then: summed onto today's 济南."""
    data = pd.DataFrame({"city": ["济南市", "莱芜市"], "year": [2015, 2015], "gdp": [1.0, 2.0]})
    out = geolink.harmonise(data, "gdp", kind="extensive", unit="city").data
    assert out[["adcode", "gdp"]].values.tolist() == [["370100", 3.0]]


@pytest.mark.parametrize(
    "given, year, successors",
    [
        # 公主岭 (1 of 四平's 6 county-level units) went to 长春 in 2020
        ("四平市", 2015, "220100:0.1667;220300:0.8333"),
        ("220300", 2019, "220100:0.1667;220300:0.8333"),
        # 泰州 was carved out of 扬州 in 1996 (5 of its 12 county-level units of 1990)
        ("扬州", 1990, "321000:0.5833;321200:0.4167"),
        # 枞阳 went from 安庆 to 铜陵 in 2016
        ("安庆市", 2010, "340700:0.0909;340800:0.9091"),
    ],
)
def test_unit_split_since_that_year_gets_no_code(given, year, successors):
    row = geolink.resolve_names([given], year=year).iloc[0]
    assert row["status"] == "historical" and pd.isna(row["adcode"]), row["note"]
    assert row["successors"] == successors and "has been split since" in row["note"]


def test_unit_split_later_resolves_to_itself_after_the_split():
    row = geolink.resolve_names(["四平市"], year=2020).iloc[0]
    assert (row["adcode"], row["status"], row["successors"]) == ("220300", "exact", "")
    assert geolink.resolve_names(["扬州市"], year=1996).loc[0, "adcode"] == "321000"


def test_join_refuses_a_split_unit_and_harmonise_shares_it():
    data = pd.DataFrame({"city": ["四平市", "长春市"], "gdp": [600.0, 5000.0], "year": [2015, 2015]})
    with pytest.warns(UserWarning, match=r"1 of 2 rows not joined .*1 name units of that year split or "
                      r"dissolved since.*geolink.harmonise"):
        gdf = geolink.join(data[["city", "gdp"]], year=2015)
    assert pd.isna(gdf.loc["220300", "gdp"]) and gdf.loc["220100", "gdp"] == 5000.0  # not on today's 四平
    unmatched = gdf.attrs["join_report"].unmatched
    assert unmatched["input"].tolist() == ["四平市"] and unmatched["status"].tolist() == ["historical"]
    out = geolink.harmonise(data, "gdp", kind="extensive", unit="city").data.set_index("adcode")["gdp"]
    assert out["220300"] == pytest.approx(500.0) and out["220100"] == pytest.approx(5000.0 + 100.0)


def test_a_prefecture_of_that_year_is_not_read_as_todays_county_of_that_name():
    """巢湖市 was a prefecture-level city 1999–2010; today 巢湖市 is a county-level city of 合肥."""
    data = pd.DataFrame({"city": ["巢湖市", "合肥市"], "gdp": [1.0, 2.0]})
    with pytest.warns(UserWarning, match="1 of 2 rows not joined"):
        gdf = geolink.join(data, year=2005)
    rows = gdf.attrs["join_report"].rows.set_index("input")
    assert rows.loc["巢湖市", "outcome"] == "unmatched" and rows.loc["巢湖市", "status"] == "historical"
    assert gdf.loc["340100", "gdp"] == 2.0


@pytest.mark.parametrize(
    "years, match",
    [
        ([True, False], r"2 row\(s\) where the time column 'year' is not an integer year"),
        ([1985, 2000], r"1 row\(s\) where the year in 'year' is before the division history, which covers 1990–2024"),
        ([2000.5, 2000], r"1 row\(s\) where the time column 'year' is not an integer year"),
    ],
)
def test_harmonise_refuses_years_that_are_not_years_of_the_history(years, match):
    data = pd.DataFrame({"city": ["济南市", "莱芜市"], "year": years, "gdp": [1.0, 2.0]})
    with pytest.raises(ValueError, match=match):
        geolink.harmonise(data, "gdp", kind="extensive", unit="city")
