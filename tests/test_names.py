import re

import pandas as pd
import pytest

import geolink


@pytest.mark.parametrize(
    "given, code",
    [
        ("东莞市", "441900"),
        ("东莞", "441900"),
        ("Dongguan", "441900"),
        (441900, "441900"),
        ("441900", "441900"),
        (441900.0, "441900"),
        ("441900.0", "441900"),
        ("\u3000东莞市 ", "441900"),
        ("香港特別行政區", "810000"),
        ("澳門", "820000"),
        ("Macao", "820000"),
        ("Hong Kong", "810000"),
        ("110000", "110100"),
        ("北京", "110100"),
        ("500000", "500100"),
        ("Xi'an", "610100"),
        ("xian", "610100"),
        ("延边朝鲜族自治州", "222400"),
        ("延边", "222400"),
    ],
)
def test_to_adcode(given, code):
    assert geolink.to_adcode(given) == code


def test_ambiguous_and_unknown():
    with pytest.raises(ValueError, match="321200 泰州市, 331000 台州市"):
        geolink.to_adcode("Taizhou")
    with pytest.raises(ValueError, match="632500 海南藏族自治州, the province 海南省"):
        geolink.to_adcode("海南")
    with pytest.raises(KeyError, match=r"a province \(广东省\)"):
        geolink.to_adcode("广东省")
    with pytest.raises(KeyError, match="nearest: .*东莞"):
        geolink.to_adcode("东筦")
    with pytest.raises(KeyError, match="dissolved in 2011"):
        geolink.to_adcode("巢湖")
    with pytest.raises(KeyError, match=r"county-level unit 昆山市 \(320583\) of 苏州市"):
        geolink.to_adcode("昆山市")


@pytest.mark.parametrize(
    "given, code, status",
    [
        ("广州市", "440100", "exact"),
        ("广州", "440100", "alias"),
        ("\u3000广州市\u3000", "440100", "exact"),  # full-width spaces
        ("广 州 市", "440100", "exact"),
        ("ＧＵＡＮＧＺＨＯＵ", "440100", "alias"),  # full-width Latin
        ("Guangzhou Shi", "440100", "alias"),
        ("广州市区", "440100", "alias"),
        ("延边州", "222400", "alias"),
        ("恩施州", "422800", "alias"),
        ("湘西州", "433100", "alias"),
        ("香港特別行政區", "810000", "exact"),
        ("澳門特別行政區", "820000", "exact"),
        ("Macau", "820000", "alias"),
        ("Hong Kong SAR", "810000", "alias"),
        ("Xi'an", "610100", "alias"),
        ("440100", "440100", "exact"),
        (440100.0, "440100", "exact"),
        ("500000", "500100", "alias"),
        ("襄樊", "420600", "historical"),
        ("思茅市", "530800", "historical"),
        ("伊克昭盟", "150600", "historical"),
        # former 地区/盟 are former units with their own codes (522400 …), now recoded: historical
        ("毕节地区", "520500", "historical"),
        ("铜仁地区", "520600", "historical"),
        ("海东地区", "630200", "historical"),
        ("吐鲁番地区", "650400", "historical"),
        ("哈密地区", "650500", "historical"),
        ("日喀则地区", "540200", "historical"),
        ("昌都地区", "540300", "historical"),
        ("林芝地区", "540400", "historical"),
        ("山南地区", "540500", "historical"),
        ("那曲地区", "540600", "historical"),
        ("522400", "520500", "historical"),
        ("乌兰察布盟", "150900", "historical"),
    ],
)
def test_resolve_names_rules(given, code, status):
    row = geolink.resolve_names([given]).iloc[0]
    assert (row["adcode"], row["status"]) == (code, status), row["note"]


def test_resolve_names_report_what_is_not_joined():
    r = geolink.resolve_names(
        ["巢湖市", "莱芜", "全国", "合计", "市辖区", "广东省", "海南", "Taizhou", "昆山市", "东筦", ""]
    )
    # 莱芜 was absorbed whole by 济南 (2018): today's unit is 济南; 巢湖 was split: no code
    assert r["adcode"].fillna("").tolist() == ["", "370100"] + [""] * 9
    assert (
        r["status"].tolist()
        == ["historical", "historical"] + ["unmatched"] * 4 + ["ambiguous"] * 2 + ["unmatched"] * 3
    )
    assert "dissolved in 2011" in r.loc[0, "note"] and "马鞍山市 (340500)" in r.loc[0, "note"]
    # State Council approval 国函〔2018〕163号 of 26 December 2018; the 2018 code table has no 371200
    assert "merged into 济南市 (370100) in 2018" in r.loc[1, "note"]
    assert r["subtotal"].tolist() == [False, False, True, True, True, True, False, False, False, False, False]
    assert r.loc[8, "note"] == "county-level unit 昆山市 (320583) of 苏州市 (320500)"
    assert "东莞" in r.loc[9, "note"]


def test_year_decides_what_a_name_meant():
    # in 2010 毕节市 was a county-level city inside 毕节地区; since 2011 it is the prefecture
    then = geolink.resolve_names(["毕节市", "毕节地区"], year=2010)
    assert then["adcode"].isna().tolist() == [True, False] and then.loc[1, "adcode"] == "520500"
    assert "七星关区" in then.loc[0, "note"]
    now = geolink.resolve_names(["毕节市"], year=2020).iloc[0]
    assert now["adcode"] == "520500" and now["status"] == "exact"
    unknown_year = geolink.resolve_names(["毕节市"]).iloc[0]
    assert unknown_year["adcode"] == "520500" and "pass year=" in unknown_year["note"]


def test_every_census_name_and_code_resolves_exactly(census_city):
    by_name = geolink.resolve_names(census_city["city"], year=2020)
    assert (by_name["status"] == "exact").all()
    by_code = geolink.resolve_names(census_city["city_code"], year=2020)
    assert (by_code["status"] == "exact").all()
    assert (by_name["adcode"] == by_code["adcode"]).all()
    # without a year only the reused code 511400 (涪陵市 1995–1996, 眉山市 since 2000) is ambiguous
    undated = geolink.resolve_names(census_city["city_code"])
    assert undated.loc[undated["status"] != "exact", "input"].tolist() == ["511400"]
    assert (geolink.resolve_names(census_city["city"])["status"] == "exact").all()


def test_a_string_is_one_name():
    r = geolink.resolve_names("广州市")
    assert len(r) == 1 and r.loc[0, "adcode"] == "440100" and r.loc[0, "status"] == "exact"
    assert geolink.resolve_names(440300).loc[0, "adcode"] == "440300"


@pytest.mark.parametrize(
    "given, code",
    [
        ("440300", "440300"),
        (440300, "440300"),
        (440300.0, "440300"),
        ("440300.00", "440300"),
        ("４４０３００", "440300"),  # full-width digits
        ("440300000000", "440300"),  # 12-digit statistical code of the prefecture
        (440300000000, "440300"),
    ],
)
def test_code_syntax_accepted(given, code):
    row = geolink.resolve_names([given]).iloc[0]
    assert (row["adcode"], row["status"]) == (code, "exact")


@pytest.mark.parametrize(
    "given, why",
    [
        ("1,101.00", "not a division code"),
        ("-440300", "not a division code"),
        ("44-03-00", "not a division code"),
        ("4403", "not a division code"),
        ("4403000", "not a division code"),
        (440300.5, "not a division code"),
        (-440300, "not a division code"),
        (float("inf"), "not a division code"),
        ("440303001000", "below the county level"),
    ],
)
def test_malformed_codes_are_unmatched_with_a_note(given, why):
    row = geolink.resolve_names([given]).iloc[0]
    assert row["status"] == "unmatched" and pd.isna(row["adcode"]) and why in row["note"]


@pytest.mark.parametrize("given", ["广州市市辖区", "广州市区", "广州市辖区", "北京市市辖区"])
def test_urban_districts_are_a_part(given):
    row = geolink.resolve_names([given]).iloc[0]
    assert row["status"] == "alias" and bool(row["part"]) and "urban districts" in row["note"]
    assert row["adcode"] in ("440100", "110100")
    assert not geolink.resolve_names(["广州市"]).loc[0, "part"]


@pytest.mark.parametrize(
    "given, year, successors",
    [
        # 南宁地区 coexisted with 南宁市 until 2001; 2002 its counties went to 南宁市 (5) and 崇左市 (7)
        ("南宁地区", 2001, "450100:0.4167;451400:0.5833"),
        ("南宁地区", None, "450100:0.4167;451400:0.5833"),
        # 柳州地区 (until 2001): 鹿寨 融安 三江 融水 to 柳州市; 合山 象州 武宣 来宾 金秀 忻城 to 来宾市
        ("柳州地区", 2000, "450200:0.4;451300:0.6"),
        # 阜阳地区 (until 1995): 6 counties to today's 阜阳市, 4 (亳州 涡阳 蒙城 利辛) to 亳州市
        ("阜阳地区", 1995, "341200:0.6;341600:0.4"),
    ],
)
def test_former_diqu_is_not_the_city_of_the_same_name(given, year, successors):
    row = geolink.resolve_names([given], year=year).iloc[0]
    assert row["status"] == "historical" and pd.isna(row["adcode"]), row["note"]
    assert row["successors"] == successors


def test_short_name_of_a_coexisting_diqu_is_the_city():
    for short, code in [("南宁", "450100"), ("柳州", "450200"), ("邯郸", "130400")]:
        row = geolink.resolve_names([short], year=1995).iloc[0]
        assert (row["adcode"], row["status"]) == (code, "alias")


@pytest.mark.parametrize("year, message", [
    ("2020", "year must be a whole number such as 2020, got '2020'"),
    (2020.5, "got 2020.5"), (True, "got True"),
    (1850, "year=1850 is before the division history, which covers 1990–2024"),
])
def test_year_is_checked(year, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        geolink.resolve_names(["广州"], year=year)
    with pytest.raises(ValueError, match=re.escape(message)):
        geolink.join(pd.DataFrame({"city": ["广州"], "v": [1]}), unit="city", year=year)


def test_a_year_after_the_history_takes_todays_units():
    assert geolink.resolve_names(["广州"], year=2026.0).loc[0, "adcode"] == "440100"


@pytest.mark.parametrize(
    "given, mark",
    [("深圳市*", "*"), ("深圳市＊", "*"), ("深圳市①", "1"), ("深圳市（1）", "(1)"), ("深圳市1)", "1)"),
     ("深圳市²", "2"), ("深圳市[3]", "[3]"), ("*深圳市", "*"), ("深圳市※", "※")],
)
def test_footnote_marks_of_yearbook_names_are_removed_and_said(given, mark):
    row = geolink.resolve_names([given]).iloc[0]
    assert (row["adcode"], row["status"]) == ("440300", "alias")
    assert row["note"] == f"footnote mark {mark!r} removed"


def test_footnote_marks_are_removed_only_around_chinese_names():
    res = geolink.resolve_names(["合计*", "番禺区*", "深圳市注", "Shenzhen*"])
    assert bool(res.loc[0, "subtotal"]) and res.loc[0, "note"] == "footnote mark '*' removed; subtotal row (合计)"
    assert pd.isna(res.loc[1, "adcode"]) and "county-level unit 番禺区 (440113) of 广州市" in res.loc[1, "note"]
    assert res["status"].tolist()[2:] == ["unmatched", "unmatched"]  # 注 is text; Latin names keep their marks
    assert geolink.resolve_names(["440300"]).loc[0, "status"] == "exact"  # codes are not names


def test_county_rows_with_footnote_marks_roll_up():
    t = pd.DataFrame({"地区": ["广州市*", "荔湾区", "越秀区①", "深圳市（1）", "福田区"], "pop": [10, 4, 6, 5, 5]})
    gdf = geolink.join(t, unit="地区", level="county", year=2020, how="inner")
    assert gdf["pop"].to_dict() == {"440100": 10, "440300": 5}
    assert gdf.attrs["join_report"].rows["outcome"].tolist() == ["checked", "rolled_up", "rolled_up", "checked", "rolled_up"]


def test_a_county_name_of_many_prefectures_says_how_many_more():
    note = geolink.resolve_names(["鼓楼区"]).loc[0, "note"]  # 南京, 徐州, 福州, 开封
    assert note.count("county-level unit 鼓楼区") == 3 and note.endswith("; 1 more of that name")
