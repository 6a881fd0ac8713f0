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
        ("毕节地区", "520500", "alias"),
        ("铜仁地区", "520600", "alias"),
        ("海东地区", "630200", "alias"),
        ("吐鲁番地区", "650400", "alias"),
        ("哈密地区", "650500", "alias"),
        ("日喀则地区", "540200", "alias"),
        ("昌都地区", "540300", "alias"),
        ("林芝地区", "540400", "alias"),
        ("山南地区", "540500", "alias"),
        ("那曲地区", "540600", "alias"),
        ("522400", "520500", "historical"),
        ("乌兰察布盟", "150900", "alias"),
    ],
)
def test_resolve_names_rules(given, code, status):
    row = geolink.resolve_names([given]).iloc[0]
    assert (row["adcode"], row["status"]) == (code, status), row["note"]


def test_resolve_names_report_what_is_not_joined():
    r = geolink.resolve_names(
        ["巢湖市", "莱芜", "全国", "合计", "市辖区", "广东省", "海南", "Taizhou", "昆山市", "东筦", ""]
    )
    assert r["adcode"].isna().all()
    assert (
        r["status"].tolist()
        == ["historical", "historical"] + ["unmatched"] * 4 + ["ambiguous"] * 2 + ["unmatched"] * 3
    )
    assert "dissolved in 2011" in r.loc[0, "note"] and "马鞍山市 (340500)" in r.loc[0, "note"]
    assert "merged into 济南市 (370100) in 2019" in r.loc[1, "note"]
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
    by_name = geolink.resolve_names(census_city["city"])
    assert (by_name["status"] == "exact").all()
    by_code = geolink.resolve_names(census_city["city_code"])
    assert (by_code["status"] == "exact").all()
    assert (by_name["adcode"] == by_code["adcode"]).all()
