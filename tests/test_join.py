import warnings

import pandas as pd
import pytest
from conftest import SHARED

import geolink

COUNTY_2010 = SHARED / "census" / "census_county_2010_v1.xlsx"
COUNTY_2020 = SHARED / "census" / "census_county_2020_v1.xlsx"


def _quiet_join(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return geolink.join(*args, **kwargs)


def test_census_city_table_joins_by_code_and_by_name(census_city, tmp_path):
    from conftest import CENSUS_CITY

    # codes of 2020 (without a year the reused code 511400 is ambiguous: 涪陵市 1995–1996, 眉山市)
    by_code = geolink.join(CENSUS_CITY, year=2020)  # key column detected: city_code
    report = by_code.attrs["join_report"]
    assert report.key == "city_code"
    assert report.rows["outcome"].value_counts().to_dict() == {"joined": 369}
    assert report.without_data["adcode"].tolist() == ["710000"]  # Taiwan
    assert by_code.loc["441900", "popu_2020"] == 10_466_625  # Dongguan, 7th census
    assert by_code.crs.to_epsg() == 4326 and len(by_code) == 370

    by_name = geolink.join(census_city.drop(columns=["city_code"]), unit="city")
    assert len(by_name.attrs["join_report"].matched) == 369
    assert (by_name["popu_2020"].fillna(-1) == by_code["popu_2020"].astype(float).fillna(-1)).all()
    inner = geolink.join(census_city, unit="city", how="inner")
    assert len(inner) == 369 and "710000" not in inner.index


def test_gbk_csv_with_subtotals_and_unmatched(tmp_path):
    path = tmp_path / "gdp_gbk.csv"
    text = "地区,GDP（亿元）\n全省,129118\n广州市,28839\n深 圳,32387\n东筦,11200\n珠海,4045\n"
    path.write_bytes(text.encode("gbk"))
    with pytest.warns(UserWarning, match="1 of 5 rows not joined"):
        gdf = geolink.join(path)
    report = gdf.attrs["join_report"]
    assert report.key == "地区"
    assert report.rows["outcome"].tolist() == ["subtotal", "joined", "joined", "unmatched", "joined"]
    assert "东莞" in report.unmatched["note"].iloc[0]
    assert gdf.loc["440300", "GDP（亿元）"] == 32387 and pd.isna(gdf.loc["441900", "GDP（亿元）"])
    assert "441900" in set(report.without_data["adcode"])  # reported, not silently empty
    assert "line 5 '东筦'" in str(report)  # the file's line, as the user sees it
    with pytest.raises(ValueError, match=r"1 row\(s\) not joined \(strict=True\): line 5 '东筦'"):
        geolink.join(path, strict=True)


def test_utf8_bom_and_long_layout(tmp_path):
    path = tmp_path / "long.csv"
    rows = [
        "city,year,indicator,value",
        "广州,2019,gdp,23629",
        "广州,2020,gdp,25019",
        "深圳,2019,gdp,26927",
        "深圳,2020,gdp,27670",
        "广州,2020,pop,1874",
    ]
    path.write_text("\n".join(rows), encoding="utf-8-sig")
    gdf = _quiet_join(path, unit="city", long={"indicator": "indicator", "value": "value", "time": "year"})
    assert gdf.loc["440100", ["gdp_2019", "gdp_2020", "pop_2020"]].tolist() == [23629, 25019, 1874]
    assert pd.isna(gdf.loc["440300", "pop_2020"])
    assert gdf.attrs["join_report"].layout == "long"


def test_excel_with_title_row(tmp_path):
    path = tmp_path / "yearbook.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(
            [
                ["表 3-1 各市地区生产总值（2020年）", None],
                ["地区", "地区生产总值\n（亿元）"],
                ["广州市", 25019.11],
                ["东莞市", 9650.19],
                ["合计", 34669.3],
            ]
        ).to_excel(writer, header=False, index=False)
    table = geolink.read_table(path)
    assert list(table.columns) == ["地区", "地区生产总值（亿元）"]
    gdf = geolink.join(path)
    assert gdf.loc["441900", "地区生产总值（亿元）"] == pytest.approx(9650.19)
    assert gdf.attrs["join_report"].subtotals["input"].tolist() == ["合计"]


def test_duplicates_error_or_aggregate():
    table = pd.DataFrame({"city": ["广州", "广州市", "深圳"], "firms": [10, 5, 7]})
    with pytest.raises(ValueError, match=r"440100 广州市: rows \[0, 1\] \(广州, 广州市\).*agg="):
        geolink.join(table)
    summed = _quiet_join(table, agg="sum")
    assert summed.loc["440100", "firms"] == 15 and summed["firms"].dtype == "Int64"
    outcome = summed.attrs["join_report"].rows["outcome"].tolist()
    assert outcome == ["aggregated", "aggregated", "joined"]


def test_no_key_column():
    with pytest.raises(ValueError, match="no column names prefecture-level units; pass unit="):
        geolink.join(pd.DataFrame({"a": [1.5, 2.5], "b": ["x", "y"]}))
    with pytest.raises(KeyError, match="column 'city' not in table"):
        geolink.join(pd.DataFrame({"name": ["广州"]}), unit="city")


@pytest.mark.skipif(not COUNTY_2010.exists(), reason="../shared/data/census is absent")
def test_census_county_sheet_2010_by_name():
    with pytest.raises(ValueError, match=r"370100 济南市: rows \[\d+, \d+\] \(济南市, 莱芜市\)"):
        geolink.join(COUNTY_2010, unit="地区", year=2010)  # 莱芜 (absorbed 2018) is part of today's 济南
    gdf = _quiet_join(COUNTY_2010, unit="地区", year=2010, agg="sum")
    report = gdf.attrs["join_report"]
    assert len(report.rows) == len(geolink.read_table(COUNTY_2010))  # every row accounted for
    counts = report.rows["outcome"].value_counts()
    # each prefecture's own row is used (莱芜's combined into 济南's by agg); county rows and 市辖区 subtotals
    # are parts, provinces totals
    assert counts["joined"] + counts["aggregated"] >= 355 and counts["part"] > 2800 and counts["total"] == 27
    assert report.level == "prefecture"
    rows = report.rows.set_index("input")
    sheet = geolink.read_table(COUNTY_2010).set_index("地区")
    assert gdf.loc["370100", "合计"] == sheet.loc["济南市", "合计"] + sheet.loc["莱芜市", "合计"]
    assert rows.loc["毕节地区", "adcode"] == "520500"  # the prefecture in 2010
    assert "七星关区" in rows.loc["  毕节市", "note"]  # the county-level city in 2010
    assert rows.loc["巢湖市", "status"] == "historical" and pd.isna(rows.loc["巢湖市", "adcode"])
    assert rows.loc["  昆山市", "note"].startswith("county-level unit 昆山市")
    assert (
        gdf.loc["441900", "合计"] == 8_220_207
    )  # Dongguan, 6th census yearbook sheet (the city table agrees)


@pytest.mark.skipif(not COUNTY_2020.exists(), reason="../shared/data/census is absent")
def test_census_county_sheet_2020_by_code():
    table = geolink.read_table(COUNTY_2020)
    # the municipalities have a province-level total row (110000) and a 市辖区 row (110100): the total is
    # Beijing, the 市辖区 row a part of it (never added to it)
    whole = _quiet_join(table, unit="区划代码")
    rows = whole.attrs["join_report"].rows.set_index("line")
    assert rows.loc[3, ["input", "level", "outcome"]].tolist() == ["110000", "unit", "joined"]
    assert rows.loc[4, ["input", "level", "outcome"]].tolist() == ["110100", "part", "part"]
    assert whole.loc["110100", "人口数_合计"] == 21_893_095
    codes = table["区划代码"].fillna("")
    assert codes.iloc[1] == "110000"  # codes stay text, exactly as written (not 110000.0)
    prefecture_rows = table[codes.str.endswith("00") & ~codes.str.endswith("0000")]
    gdf = _quiet_join(prefecture_rows, unit="区划代码", year=2020)
    report = gdf.attrs["join_report"]
    # Chongqing's 市辖区 (500100) and 县 (500200) rows are parts of it, its total (500000) was filtered out;
    # Beijing's, Tianjin's and Shanghai's 市辖区 rows are the whole city (no 县 rows)
    assert report.rows["outcome"].value_counts().to_dict() == {"joined": 336, "part": 2}
    assert report.rows.loc[report.rows["outcome"] == "part", "input"].tolist() == ["500100", "500200"]
    assert "500100" in set(report.without_data["adcode"]) and gdf.loc["110100", "人口数_合计"] == 21_893_095
    assert gdf.loc["441900", "人口数_合计"] == 10_466_625


@pytest.mark.skipif(not COUNTY_2020.exists(), reason="../shared/data/census is absent")
def test_key_detection_prefers_the_code_column_and_agg_keeps_text():
    from geolink.join import detect_key

    table = geolink.read_table(COUNTY_2020)
    # not 市, where every county row repeats its prefecture: the column naming each row's own unit
    assert detect_key(table) == "区县"
    gdf = _quiet_join(table)
    assert len(gdf.attrs["join_report"].matched) >= 330 and gdf.loc["441900", "人口数_合计"] == 10_466_625
    summed = _quiet_join(table, unit="区划代码", agg="sum")  # county rows rolled up, never added to totals
    assert (
        summed.loc["110100", "人口数_合计"] == 21_893_095
        and summed.loc["441900", "人口数_合计"] == 10_466_625
    )
    parts = pd.DataFrame({"city": ["东莞", "东莞市", "深圳"], "firms": [1, 2, 5], "note": ["a", "b", "c"]})
    combined = _quiet_join(parts, agg="sum")
    assert combined.loc["441900", "firms"] == 3 and combined.loc["441900", "note"] == "a"


# a small county sheet: 河北 with 保定 (its district, 定州, 容城) and 博州 with the XPCC city 双河 beside it
REPORTING = pd.DataFrame({
    "code": ["130000", "130600", "130602", "130682", "130629", "652700", "652701", "659007"],
    "pop": [35, 35, 10, 20, 5, 8, 8, 5],
    "性别比": [105.0, 105.0, 101.0, 108.0, 103.0, 102.0, 102.0, 120.0],
})  # fmt: skip


def test_reporting_definition_moves_rows_and_reports_each():
    admin = _quiet_join(REPORTING, unit="code", level="county", how="inner")
    assert admin["pop"].to_dict() == {"130600": 35, "652700": 8, "659007": 5}  # the hierarchy (default)
    gdf = _quiet_join(REPORTING, unit="code", level="county", definition="statistical", year=2020, how="inner")
    report = gdf.attrs["join_report"]
    # 定州 and 容城 (雄安新区) apart from 保定; 双河 in 博州, which holds it; nothing doubled or lost
    assert gdf["pop"].to_dict() == {"130600": 10, "652700": 13}
    assert gdf["pop"].sum() + 20 + 5 == admin["pop"].sum()
    assert report.rows["outcome"].tolist() == [
        "total", "checked", "rolled_up", "apart", "apart", "checked", "rolled_up", "rolled_up"]  # fmt: skip
    assert report.rows.loc[7, "unit"] == "652700" and "by the reporting definition" in report.rows.loc[7, "how"]
    moved = report.reassigned
    assert moved[["line", "name", "from", "to", "reported_as"]].values.tolist() == [
        [3, "定州市", "130600", None, "定州市 (province-administered for statistics)"],
        [4, "容城县", "130600", None, "雄安新区"],
        [7, "双河市", "659007", "652700", "博尔塔拉蒙古自治州"],
    ]  # fmt: skip
    assert moved["applied"].all() and moved["basis"].str.len().min() > 50
    # the own rows are still checked by the hierarchy; a rate of the administrative unit is not the reported one's
    assert report.rollup.set_index("adcode")["diff_pct"].to_dict() == {"130600": 0.0, "652700": 0.0}
    assert gdf["性别比"].isna().all()
    assert "2 apart" in report.summary() and any("counted elsewhere" in n for n in report.notes)
    assert "659007" in report.without_data["adcode"].tolist()


def test_reporting_definition_lists_zones_it_cannot_apply():
    t = pd.DataFrame({"code": ["441500", "441502", "441521"], "pop": [3, 1, 2]})
    report = _quiet_join(t, unit="code", level="county", definition="statistical", year=2020).attrs["join_report"]
    zones = report.reassigned
    assert zones[["name", "from", "to", "applied"]].values.tolist() == [["深汕特别合作区", "441500", "440300", False]]
    assert any("深汕特别合作区 (in 441500; counted in 440300)" in n for n in report.notes)


def test_reporting_definition_of_ones_own_and_its_options():
    own = pd.DataFrame({"code": ["130682"], "administrative": ["130600"], "statistical": [""]})
    gdf = _quiet_join(REPORTING, unit="code", level="county", definition=own, how="inner")
    assert gdf["pop"].to_dict() == {"130600": 15, "652700": 8, "659007": 5}
    assert gdf.attrs["join_report"].definition == "table"
    cases = [
        ({"definition": "bulletin", "level": "county"}, r"definition must be one of \('administrative', 'statistical'\)"),
        ({"definition": "statistical"}, r"needs level='county'"),
        ({"definition": "statistical", "level": "county"}, r"needs year=.*covers 2020"),
        ({"definition": "statistical", "level": "county", "year": 2010}, r"cover 2020, not 2010"),
        ({"definition": own.drop(columns="statistical"), "level": "county"}, r"missing: \['statistical'\]"),
        ({"definition": own.assign(statistical="999999"), "level": "county"}, r"not a prefecture-level unit"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            _quiet_join(REPORTING, unit="code", **kwargs)


def test_county_rows_of_a_frame_built_in_memory_roll_up_by_name():
    """pandas' own text columns (the ``str`` dtype of pandas 3) are names too, as a file's are."""
    df = pd.DataFrame({"市": ["深圳市"] * 3, "区县": ["福田区", "南山区", "宝安区"], "人口": [1553225, 1795826, 4476554]})
    df = df.astype({"市": pd.StringDtype(), "区县": pd.StringDtype()})
    joined = geolink.join(df, unit="区县", level="county", year=2020)
    assert joined.loc["440300", "人口"] == 1553225 + 1795826 + 4476554


def test_agg_sum_refuses_to_add_up_rates():
    """济南 and 莱芜 (2010 codes) are one unit today: population adds up, a sex ratio or a rate does not."""
    t = pd.DataFrame({"代码": ["370100", "371200"], "人口": [6813984, 1298529], "性别比": [101.00, 101.28],
                      "城镇化率（%）": [64.5, 51.5]})
    with pytest.raises(ValueError, match=r"column\(s\) \['性别比', '城镇化率（%）'\] hold rates, shares or ratios"):
        geolink.join(t, unit="代码", year=2010, agg="sum", how="inner")
    joined = geolink.join(t, unit="代码", year=2010, agg={"人口": "sum", "性别比": "mean", "城镇化率（%）": "mean"}, how="inner")
    assert joined.loc["370100", ["人口", "性别比"]].tolist() == [8112513, pytest.approx(101.14)]
    assert geolink.join(t[["代码", "人口"]], unit="代码", year=2010, agg="sum", how="inner").loc["370100", "人口"] == 8112513


@pytest.mark.parametrize("level", ["auto", "county"])
def test_a_province_administered_code_of_its_year_names_its_unit(level):
    """儋州 was 469003 (province-administered) until 2015, 460400 since: beside province and county rows
    its 2010 code joins 儋州, it is not a county of a prefecture '469000'."""
    t = pd.DataFrame({"代码": ["460000", "460100", "460105", "469001", "469003"],
                      "地区": ["海南省", "海口市", "秀英区", "五指山市", "儋州市"], "人口": [8671485, 2046189, 350000, 104119, 932362]})
    t = t if level == "auto" else t.iloc[[2, 4]]
    joined = geolink.join(t, unit="代码", year=2010, level=level)
    assert joined.loc["460400", "人口"] == 932362
