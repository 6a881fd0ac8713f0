import math
import re
import sys
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import SHARED

import geolink
from geolink.tables import ReadReport, convert_column, read_table

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from cases import CASES  # noqa: E402

COUNTY_2020 = SHARED / "census" / "census_county_2020_v1.xlsx"


def _materialise(case, tmp_path) -> object:
    if "frame" in case:
        return case["frame"]
    if "xlsx" in case:
        path = tmp_path / "case.xlsx"
        book = openpyxl.Workbook()
        for row in case["xlsx"]:
            book.active.append(row)
        for cells in case.get("merge", ()):
            book.active.merge_cells(cells)
        book.save(path)
        return path
    path = tmp_path / ("case" + case.get("suffix", ".csv"))
    path.write_bytes(case["raw"] if "raw" in case else case["csv"].encode("utf-8"))
    return path


def _same(got, want) -> bool:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None or got is pd.NA or (isinstance(got, float) and math.isnan(got))
    if isinstance(want, float):
        return got is not pd.NA and got == pytest.approx(want)
    return got is not pd.NA and got == want and type(got) is not bool


def test_corpus_size():
    assert len(CASES) >= 150
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus(case, tmp_path):
    source = _materialise(case, tmp_path)
    kwargs = case.get("kwargs", {})
    call = read_table if case["call"] == "read" else geolink.join
    if "raises" in case:
        kind, fragment = case["raises"]
        with pytest.raises(kind) as info, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(source, **kwargs)
        message = str(info.value)
        assert re.search(fragment, message), message
        assert type(info.value) is kind  # not a subclass such as UnicodeDecodeError
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = call(source, **kwargs)
    if case["call"] == "join":
        _check_join(case, result)
        return
    report: ReadReport = result.attrs["read_report"]
    if "columns" in case:
        assert list(result.columns) == case["columns"]
    for col, want in case.get("values", {}).items():
        got = result[col].tolist()
        assert len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want, strict=True)), (col, got)
    for col, kind in case.get("kind", {}).items():
        assert report.columns[col].kind == kind
    for col, conv in case.get("converted", {}).items():
        assert report.columns[col].converted == conv
    for col, rows in case.get("missing_rows", {}).items():
        assert report.columns[col].missing_rows == rows
    for attr in ("header_rows",):
        if attr in case:
            assert getattr(report, attr) == case[attr]
    for attr in ("unit_rows", "notes_rows", "footnotes"):
        if attr in case:
            assert [n for n, _ in getattr(report, attr)] == case[attr]
    for col, rows in case.get("text", {}).items():
        assert [n for n, _ in report.text_columns[col]] == rows
    if "encoding" in case:
        assert report.encoding == case["encoding"]
    if "note" in case:
        assert any(re.search(case["note"], n) for n in report.notes), report.notes


def _check_join(case, gdf):
    report = gdf.attrs["join_report"]
    assert isinstance(report.read_report, ReadReport)
    for (code, col), want in case.get("unit_values", {}).items():
        assert _same(gdf.loc[code, col], want), (code, col, gdf.loc[code, col])
    if "outcomes" in case:
        assert report.rows["outcome"].tolist() == case["outcomes"]
    if "level" in case:
        assert report.level == case["level"]
    if "lines" in case:
        assert report.rows["line"].tolist() == case["lines"]
    if "join_note" in case:
        assert any(re.search(case["join_note"], n) for n in report.notes), report.notes
    # no unit is counted twice: every unit's value comes from one row or one roll-up
    assert gdf.index.is_unique


def test_convert_column_reports_rows_and_kinds():
    series, rep = convert_column("GDP", ["1,234", "—", "", "12*"], rows=[5, 6, 8, 9])
    assert series.tolist()[0] == 1234 and series.tolist()[3] == 12 and series.dtype == "Int64"
    assert rep.missing == {"—": 1, "blank": 1} and rep.missing_rows == [6, 8]
    assert rep.converted == {"thousands": 1, "footnote": 1}


def test_text_column_sorts_as_numbers_after_read(tmp_path):
    # the symptom: one marker left the column as text, sorting 珠海 above 深圳
    path = tmp_path / "gdp.csv"
    path.write_text('地区,GDP\n深圳,"32,387"\n珠海,"4,045"\n东莞,—\n', encoding="utf-8")
    table = read_table(path)
    assert table.sort_values("GDP", ascending=False)["地区"].tolist() == ["深圳", "珠海", "东莞"]


@pytest.fixture(scope="module")
def county_2020():
    if not COUNTY_2020.exists():
        pytest.skip("../shared/data/census is absent")
    return read_table(COUNTY_2020)


def test_county_sheet_read_report(county_2020):
    report = county_2020.attrs["read_report"]
    assert report.header_rows == [1] and len(county_2020) == 3358
    assert report.columns["区划代码"].kind == "code"
    assert county_2020["区划代码"].iloc[1] == "110000"  # text-exact, not 110000.0
    assert report.columns["区划代码"].missing_rows[:3] == [2, 252, 265]  # 全国 and two development zones
    assert county_2020["人口数_合计"].dtype == "Int64"


@pytest.mark.parametrize("by", ["code", "name"])
def test_county_sheet_rolls_up_to_prefectures(county_2020, census_city, by):
    """The 2020 county sheet rolled up to prefectures: against its own prefecture rows and the city table."""
    table = county_2020 if by == "code" else county_2020.drop(columns=["区划代码"])
    unit = "区划代码" if by == "code" else "区县"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rolled = geolink.join(table, unit=unit, level="county")
        own = geolink.join(county_2020, unit="区划代码", level="prefecture")
    report = rolled.attrs["join_report"]
    assert report.level == "county" and report.rows["outcome"].eq("unmatched").sum() == 0
    pop = rolled["人口数_合计"]
    # every county row counted once: the units sum to the nation row (全国), nothing doubled
    assert pop.sum() == county_2020["人口数_合计"].iloc[0] == 1_409_778_724
    # the roll-up equals the sheet's own prefecture rows wherever the sheet has them
    both = own["人口数_合计"].dropna().index
    assert (pop[both] == own.loc[both, "人口数_合计"]).all() and len(both) == 367
    assert (report.rollup.set_index("adcode").loc[:, "parts"] > 0).all()
    # against the independent prefecture table (Dong et al. 2022, boundaries adjusted by its authors)
    city = census_city.set_index("city_code")["popu_2020"].dropna().drop(["810000", "820000"])  # no HK, MO
    ratio = pop.reindex(city.index).astype(float) / city
    assert ratio.notna().all() and len(city) == 357
    assert not ((ratio > 1.8) & (ratio < 3.2)).any()  # no unit doubled or tripled
    within = (ratio - 1).abs() < 0.01
    assert within.mean() >= 0.95
    # the units outside 1 % differ already in the sheet's own prefecture rows: the two sources differ there
    outside = city.index[~within]
    assert (pop[outside] == own.loc[outside, "人口数_合计"]).all()


def test_prefecture_column_with_sum_never_doubles(county_2020, census_city):
    # formerly 334 of 357 prefectures came out twice their population (Beijing and Tianjin three times)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = geolink.join(county_2020.drop(columns=["区划代码"]), unit="市", agg="sum")
    city = census_city.set_index("city_code")["popu_2020"].dropna()
    ratio = gdf["人口数_合计"].reindex(city.index).astype(float) / city
    assert ratio.max() < 1.35 and gdf.loc["110100", "人口数_合计"] == 21_893_095
    assert gdf.loc["120100", "人口数_合计"] == 13_866_009


def test_county_sheet_2010_roll_up_refuses_dissolved_prefectures():
    path = SHARED / "census" / "census_county_2010_v1.xlsx"
    if not path.exists():
        pytest.skip("../shared/data/census is absent")
    table = read_table(path)
    report = table.attrs["read_report"]
    assert report.notes_rows == [(3280, "首发论坛：经济学家bbs.jjxj.org")]  # the website line below the table
    # 巢湖 (dissolved 2011) and its counties cannot go to one of today's units: named, not guessed
    with pytest.raises(ValueError, match=r"cannot roll up: \d+ row\(s\).*row 1147 '341400'.*巢湖"):
        geolink.join(table, unit="区划代码", level="county", year=2010)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # each prefecture's own row; 莱芜's (merged into 济南 2019) combined with 济南's by agg
        own = geolink.join(table, unit="区划代码", year=2010, agg="sum")
    assert own.attrs["join_report"].level == "prefecture"
    assert own.loc["441900", "合计"] == 8_220_207 and own.loc["110100", "合计"] == 19_612_368
    sheet = table.set_index("区划代码")
    assert own.loc["370100", "合计"] == sheet.loc["370100", "合计"] + sheet.loc["371200", "合计"]


def test_random_malformed_tables_read_or_raise_naming_the_file(tmp_path):
    """Synthetic fuzz: 300 random small tables of yearbook cells either read (with a report whose row
    numbers are lines of the file) or raise ValueError naming the file — never a low-level error."""
    import random

    rng = random.Random(7)
    cells = ["广州", "深圳市", '"1,234"', "12.5%", "—", "", "abc", '"1,5"', "440300", "注：x", "单位：万元", "123*",
             "１２", "-", "0012", "市辖区", "合计", "NA", '"a\nb"', '"', "1e400", "2019", "×", "\t", ";"]  # fmt: skip
    path = tmp_path / "fuzz.csv"
    outcomes = {"read": 0, "raised": 0}
    for _ in range(300):
        lines = [
            ",".join(rng.choice(cells) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(0, 6))
        ]
        text = "\n".join(lines)
        path.write_bytes(text.encode(rng.choice(["utf-8", "gbk", "utf-8-sig"])))
        try:
            table = read_table(path)
        except ValueError as exc:
            assert type(exc) is ValueError and str(path) in str(exc)
            outcomes["raised"] += 1
            continue
        report = table.attrs["read_report"]
        assert len(report.rows) == len(table) and all(1 <= n <= len(text.splitlines()) for n in report.rows)
        outcomes["read"] += 1
    assert outcomes["read"] > 30 and outcomes["raised"] > 30  # both paths exercised
