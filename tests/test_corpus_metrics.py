"""Bad-input corpus: metrics, inequality, convergence, spatial statistics, classes, maps and the CLI.

One row per case — the callable, its input and the exact expected outcome: either the numbers
(computed by hand in the comments) or the error type with a fragment of its message that names the
place (column, rows, units, option).  No case may give a wrong number silently or end in a
low-level traceback.  All tables are synthetic (made up for the tests).
"""

from __future__ import annotations

import io
import warnings
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.graph import Graph

import geolink
from geolink.cli import main


@dataclass
class Raises:
    """The call raises ``exc`` and the message contains ``fragment`` (plain text, not a regex)."""

    exc: type
    fragment: str


@dataclass
class Gives:
    """``get(result)`` equals ``expected`` (numbers within 1e-4); ``warns``: the UserWarning(s) expected,
    each containing one of the given fragments (one fragment or a tuple; no other warning)."""

    get: object
    expected: object
    warns: str | tuple | None = None


def _equal(actual, expected) -> bool:
    if isinstance(expected, float) and np.isnan(expected):
        return bool(np.isnan(actual))
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return actual == pytest.approx(expected, abs=1e-4)
    if isinstance(expected, (list, tuple)) and expected and all(isinstance(e, (int, float)) for e in expected):
        return list(actual) == pytest.approx(list(expected), abs=1e-4, nan_ok=True)
    return actual == expected


def check(fn, args, kwargs, expected) -> None:
    if isinstance(expected, Raises):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(expected.exc) as caught:
                fn(*args, **kwargs)
        err = caught.value
        message = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
        assert expected.fragment in message, message
        assert "\n" not in message and "Traceback" not in message
        return
    if expected.warns:
        fragments = (expected.warns,) if isinstance(expected.warns, str) else expected.warns
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            result = fn(*args, **kwargs)
        messages = [str(w.message) for w in seen if issubclass(w.category, UserWarning)]
        for fragment in fragments:  # every expected warning is given …
            assert any(fragment in m for m in messages), (fragment, messages)
        for m in messages:  # … and no other
            assert any(fragment in m for fragment in fragments), (m, fragments)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # no warning unless the case expects one
            result = fn(*args, **kwargs)
    actual = expected.get(result)
    assert _equal(actual, expected.expected), (actual, expected.expected)


def case(name, fn, args, kwargs, expected):
    return pytest.param(fn, args, kwargs, expected, id=name)


# --- industrial structure ----------------------------------------------------------------------
# A: x = 10, y = 30 (total 40); B: x = 20, y = 20 (total 40); reference A + B: x 30, y 50 of 80.
# LQ[A,x] = (10/40)/(30/80) = 2/3, LQ[A,y] = (30/40)/(50/80) = 1.2, LQ[B,x] = 4/3, LQ[B,y] = 0.8.
TOY = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"], "v": [10, 30, 20, 20]})
WIDE = pd.DataFrame({"city": ["A", "B"], "x": [10, 20], "y": [30, 20]})
PANEL = pd.concat([TOY.assign(year=2010), TOY.assign(year=2020, v=[30, 10, 20, 20])], ignore_index=True)
THREE = pd.concat([TOY, pd.DataFrame({"city": ["C"], "industry": ["x"], "v": [40]})], ignore_index=True)
# co-agglomeration: A m 30, s 10; B m 10, s 30; reference m 40, s 40 of 80 → LQ_Am = 0.75/0.5 = 1.5 …
COAG = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["制造业", "金融业"] * 2, "v": [30, 10, 10, 30]})
LINK = pd.DataFrame(
    [
        {"city": c, "industry": k, "v": v, "year": y}
        for y, (a, b) in {2000: (1, 3), 2010: (1, 1), 2020: (3, 1)}.items()
        for c, k, v in (("A", "x", a), ("A", "y", b), ("B", "x", 1), ("B", "y", 1))
    ]
)
LQ = geolink.location_quotient(TOY, "v", unit="city")
LQ_PANEL = geolink.location_quotient(PANEL, "v", unit="city", time="year")

lq = geolink.location_quotient


def _lq(frame):
    return frame["lq"].round(6).tolist()


def _set(frame, **cols):
    """TOY with some columns replaced."""
    return frame.assign(**cols)


STRUCTURE = [
    # correct numbers
    case("lq_by_hand", lq, (TOY, "v"), {"unit": "city"}, Gives(_lq, [2 / 3, 1.2, 4 / 3, 0.8])),
    case("lq_wide_table", lq, (WIDE, None), {"unit": "city", "industry": None}, Gives(_lq, [2 / 3, 1.2, 4 / 3, 0.8])),
    # national shares 0.5 / 0.5: LQ[A,x] = 0.25/0.5, LQ[A,y] = 0.75/0.5, B: 1, 1
    case("lq_reference_series", lq, (TOY, "v"), {"unit": "city", "reference": pd.Series({"x": 100, "y": 100})},
         Gives(_lq, [0.5, 1.5, 1.0, 1.0])),
    case("lq_reference_unit", lq, (TOY, "v"), {"unit": "city", "reference": "B"}, Gives(_lq, [0.5, 1.5, 1.0, 1.0])),
    # B has no y row: counts as 0 and is flagged; reference x 30, y 30 → A 0.5, 1.5; B 2, 0
    case("lq_absent_cell_counts_as_zero", lq, (TOY.drop(index=3), "v"), {"unit": "city"},
         Gives(lambda r: (_lq(r), r["filled"].tolist()), ([0.5, 1.5, 2.0, 0.0], [False, False, False, True]))),
    case("lq_numeric_industry_labels", lq, (TOY.assign(industry=[1, 2, 1, 2]), "v"),
         {"unit": "city"}, Gives(_lq, [2 / 3, 1.2, 4 / 3, 0.8])),
    # errors
    case("lq_inf", lq, (_set(TOY, v=[10, np.inf, 20, 20]), "v"), {"unit": "city"},
         Raises(ValueError, "1 row(s) where the value is infinite: [{'city': 'A', 'industry': 'y', 'v': inf}]")),
    case("lq_nan", lq, (_set(TOY, v=[10, np.nan, 20, 20]), "v"), {"unit": "city"},
         Raises(ValueError, "where the value is missing (an absent unit × industry row counts as 0")),
    case("lq_negative", lq, (_set(TOY, v=[10, -1, 20, 20]), "v"), {"unit": "city"},
         Raises(ValueError, "where the value is negative: [{'city': 'A', 'industry': 'y', 'v': -1}]")),
    case("lq_dash_marker", lq, (_set(TOY, v=["—", 30, 20, 20]), "v"), {"unit": "city"},
         Raises(ValueError, "where the value is not a number: [{'city': 'A', 'industry': 'x', 'v': '—'}]")),
    case("lq_thousands_separator", lq, (_set(TOY, v=["1,234", 30, 20, 20]), "v"), {"unit": "city"},
         Raises(ValueError, "'v': '1,234'")),
    case("lq_bool_values", lq, (_set(TOY, v=[True, False, True, True]), "v"), {"unit": "city"},
         Raises(ValueError, "the value holds bool values, not numbers")),
    case("lq_datetime_values", lq, (_set(TOY, v=pd.to_datetime(["2020-01-01"] * 4)), "v"), {"unit": "city"},
         Raises(ValueError, "the value holds datetime64")),
    case("lq_bool_among_numbers", lq, (_set(TOY, v=pd.Series([10, True, 20, 20], dtype=object)), "v"), {"unit": "city"},
         Raises(ValueError, "1 row(s) where the value holds true/false values or dates")),
    case("lq_missing_unit_label", lq, (_set(TOY, city=["A", None, "B", "B"]), "v"), {"unit": "city"},
         Raises(ValueError, "1 row(s) where the label column 'city' is missing: index [1]")),
    case("lq_missing_industry_label", lq, (_set(TOY, industry=["x", None, "x", "y"]), "v"), {"unit": "city"},
         Raises(ValueError, "1 row(s) where the industry column 'industry' is missing: index [1]")),
    case("lq_missing_time_label", lq, (_set(TOY, year=[2020, None, 2020, 2020]), "v"), {"unit": "city", "time": "year"},
         Raises(ValueError, "1 row(s) where the label column 'year' is missing: index [1]")),
    case("lq_time_text_beside_numbers", lq, (_set(TOY, year=[2020, "2020", 2020, 2020]), "v"),
         {"unit": "city", "time": "year"},
         Raises(ValueError, "the label column 'year' mixes text and numbers (text here; make the column one type): "
                            "index [1] (year: ['2020'])")),
    case("lq_duplicated_unit_industry", lq, (pd.concat([TOY, TOY.head(1)]), "v"), {"unit": "city"},
         Raises(ValueError, "2 row(s) where unit × industry is duplicated")),
    case("lq_duplicated_unit_time", lq, (pd.concat([PANEL, PANEL.tail(1)]), "v"), {"unit": "city", "time": "year"},
         Raises(ValueError, "unit × industry is duplicated: [{'city': 'B', 'year': 2020, 'industry': 'y', 'v': 20}")),
    case("lq_zero_total", lq, (_set(TOY, v=[0, 0, 20, 20]), "v"), {"unit": "city"},
         Raises(ValueError, "unit(s) with a zero total over all industries: ['A']")),
    case("lq_zero_total_in_a_year", lq, (PANEL.assign(v=[10, 30, 20, 20, 0, 0, 20, 20]), "v"),
         {"unit": "city", "time": "year"}, Raises(ValueError, "zero total over all industries: ['A (2020)']")),
    case("lq_empty_frame", lq, (TOY.iloc[:0], "v"), {"unit": "city"},
         Raises(ValueError, "the table has no rows (columns: ['city', 'industry', 'v'])")),
    case("lq_value_list_for_long_table", lq, (TOY, ["v"]), {"unit": "city"},
         Raises(TypeError, "value must be the name of the value column of a long table")),
    case("lq_unit_column_absent", lq, (TOY, "v"), {}, Raises(KeyError, "column(s) ['adcode'] not in data")),
    case("lq_industry_column_absent", lq, (TOY, "v"), {"unit": "city", "industry": "sector"},
         Raises(KeyError, "column(s) ['sector'] not in data")),
    case("lq_wide_text_column", lq, (WIDE.assign(name=["a", "b"]), None), {"unit": "city", "industry": None},
         Raises(ValueError, "2 row(s) where the value is not a number: [{'city': 'A', 'industry': 'name', 'value': 'a'}")),
    case("lq_wide_no_industry_column", lq, (WIDE, []), {"unit": "city", "industry": None},
         Raises(ValueError, "needs at least one industry column")),
    case("lq_reference_zero_totals", lq, (TOY, "v"), {"unit": "city", "reference": pd.Series({"x": 0, "y": 0})},
         Raises(ValueError, "the reference area has a total of 0 over all industries")),
    case("lq_reference_nan", lq, (TOY, "v"), {"unit": "city", "reference": pd.Series({"x": np.nan, "y": 1})},
         Raises(ValueError, "reference totals must be finite non-negative numbers; not so for industries ['x']")),
    case("lq_reference_text", lq, (TOY, "v"), {"unit": "city", "reference": pd.Series({"x": 5, "y": "1,000"})},
         Raises(ValueError, "not so for industries ['y']")),
    case("lq_reference_negative", lq, (TOY, "v"), {"unit": "city", "reference": pd.Series({"x": -5, "y": 10})},
         Raises(ValueError, "not so for industries ['x']")),
    case("lq_reference_unit_absent", lq, (TOY, "v"), {"unit": "city", "reference": "C"},
         Raises(KeyError, "reference unit 'C' is not in the data")),
    case("lq_reference_lacks_industry", lq, (TOY, "v"), {"unit": "city", "reference": pd.Series({"x": 1.0})},
         Raises(KeyError, "reference lacks industries ['y']")),
    case("lq_reference_table_two_rows_no_time", lq, (TOY, "v"),
         {"unit": "city", "reference": pd.DataFrame({"x": [1, 2], "y": [1, 1]})},
         Raises(ValueError, "without time=, a reference table must have exactly one row")),
    case("lq_reference_table_lacks_year", lq, (PANEL, "v"),
         {"unit": "city", "time": "year", "reference": pd.DataFrame({"x": [1], "y": [1]}, index=[2010])},
         Raises(KeyError, "the reference table has no row for time(s) [2020]")),
    case("lq_reference_unit_lacks_year", lq, (pd.concat([PANEL, TOY.head(2).assign(city="R", year=2010)]), "v"),
         {"unit": "city", "time": "year", "reference": "R"},
         Raises(KeyError, "reference unit 'R' has no data for time(s) [2020]")),
    # Krugman / similarity: shares A (0.25, 0.75), B (0.5, 0.5), C (1, 0)
    case("krugman_by_hand", geolink.krugman_index, (TOY, "v"), {"unit": "city", "pair": ("A", "B")},
         Gives(lambda r: r["krugman"].tolist(), [0.5])),
    case("krugman_all_pairs", geolink.krugman_index, (THREE, "v"), {"unit": "city"},  # |.25−1|+|.75−0|, |.5−1|+|.5−0|
         Gives(lambda r: r["krugman"].tolist(), [0.5, 1.5, 1.0])),
    case("similarity_by_hand", geolink.similarity_index, (TOY, "v"), {"unit": "city"},  # 0.5 / sqrt(0.625 · 0.5)
         Gives(lambda r: r["similarity"].tolist(), [0.5 / np.sqrt(0.3125)])),
    case("krugman_pair_is_a_string", geolink.krugman_index, (TOY, "v"), {"unit": "city", "pair": "AB"},
         Raises(ValueError, "pair must be two unit labels, e.g. pair=('440100', '440300'), got 'AB'")),
    case("krugman_pair_of_one", geolink.krugman_index, (TOY, "v"), {"unit": "city", "pair": ("A",)},
         Raises(ValueError, "pair must be two unit labels")),
    case("krugman_pair_of_three", geolink.krugman_index, (THREE, "v"), {"unit": "city", "pair": ("A", "B", "C")},
         Raises(ValueError, "got ('A', 'B', 'C')")),
    case("krugman_pair_unknown_unit", geolink.krugman_index, (TOY, "v"), {"unit": "city", "pair": ("A", "Z")},
         Raises(KeyError, "unit 'Z' not in the data")),
    case("krugman_pair_unit_absent_in_a_year", geolink.krugman_index, (PANEL.iloc[:6], "v"),
         {"unit": "city", "time": "year", "pair": ("A", "B")}, Raises(KeyError, "unit 'B' not in the data for 2020")),
    case("krugman_inf", geolink.krugman_index, (_set(TOY, v=[np.inf, 1, 1, 1]), "v"), {"unit": "city"},
         Raises(ValueError, "the value is infinite")),
    case("krugman_bool", geolink.krugman_index, (_set(TOY, v=True), "v"), {"unit": "city"},
         Raises(ValueError, "holds bool values")),
    case("similarity_single_unit", geolink.similarity_index, (TOY.head(2), "v"), {"unit": "city"},
         Raises(ValueError, "similarity compares units: the data have a single 'city'")),
    case("krugman_single_unit_in_a_year", geolink.krugman_index, (PANEL.iloc[:6], "v"), {"unit": "city", "time": "year"},
         Raises(ValueError, "krugman compares units: the data have a single 'city' for year [2020]")),
    case("similarity_empty", geolink.similarity_index, (TOY.iloc[:0], "v"), {"unit": "city"},
         Raises(ValueError, "the table has no rows")),
    # linkage: K = 0.5, 0, 0.5; S = 0.8944, 1, 0.8944 → S̃ = 1, 0, 1; L = K/2 + S̃/2
    case("linkage_by_hand", geolink.linkage_index, (LINK, "v"), {"unit": "city", "pair": ("A", "B")},
         Gives(lambda r: r["linkage"].tolist(), [0.75, 0.0, 0.75])),
    case("linkage_one_year", geolink.linkage_index, (TOY.assign(year=2020), "v"), {"unit": "city", "pair": ("A", "B")},
         Raises(ValueError, "the linkage index needs at least two time values with different similarity values (got 1")),
    case("linkage_no_year_column", geolink.linkage_index, (TOY, "v"), {"unit": "city", "pair": ("A", "B")},
         Raises(KeyError, "column(s) ['year'] not in data")),
    case("linkage_missing_year_label", geolink.linkage_index, (LINK.assign(year=LINK["year"].where(LINK.index != 5)), "v"),
         {"unit": "city", "pair": ("A", "B")}, Raises(ValueError, "the label column 'year' is missing: index [5]")),
    # co-agglomeration: LQ_m = (30/40)/(40/80) = 1.5, LQ_s = 0.5, y = (1 − 1/2) + 2 = 2.5
    case("coagglomeration_by_hand", geolink.coagglomeration_index, (COAG, "v"), {"unit": "city", "producer_services": "金融业"},
         Gives(lambda r: r.drop(columns="city").round(6).values.tolist(), [[1.5, 0.5, 2.5], [0.5, 1.5, 2.5]])),
    case("coagglomeration_default_services_partly_in_the_data", geolink.coagglomeration_index, (COAG, "v"), {"unit": "city"},
         Gives(lambda r: r["coagglomeration"].tolist(), [2.5, 2.5],
               warns="producer services: 4 of 5 industries are not in the data and are left out (交通运输、仓储和邮政业; "
                     "信息传输、计算机服务和软件业 / 信息传输、软件和信息技术服务业; 租赁和商务服务业; "
                     "科学研究、技术服务和地质勘查业 / 科学研究和技术服务业); the index sums ['金融业']")),
    case("coagglomeration_wording_without_enumeration_marks", geolink.coagglomeration_index,
         (_set(COAG, industry=["制造业", "交通运输仓储和邮政业"] * 2), "v"), {"unit": "city", "producer_services": ["交通运输、仓储和邮政业"]},
         Gives(lambda r: r["coagglomeration"].tolist(), [2.5, 2.5])),
    case("coagglomeration_industries_as_one_string", geolink.coagglomeration_index, (COAG, "v"),
         {"unit": "city", "manufacturing": "制造业", "producer_services": "金融业"},
         Gives(lambda r: r["coagglomeration"].tolist(), [2.5, 2.5])),
    case("coagglomeration_no_manufacturing", geolink.coagglomeration_index, (TOY, "v"), {"unit": "city"},
         Raises(KeyError, "none of the manufacturing industries ['制造业'] is an industry of the data; industries: ['x', 'y']")),
    case("coagglomeration_unit_with_neither", geolink.coagglomeration_index,
         (pd.concat([COAG, pd.DataFrame({"city": ["C", "C"], "industry": ["农业", "金融业"], "v": [5, 0]})]), "v"),
         {"unit": "city", "producer_services": "金融业"}, Raises(ValueError, "unit(s) with neither manufacturing nor producer services: ['C']")),
    case("coagglomeration_reference_without_manufacturing", geolink.coagglomeration_index, (COAG, "v"),
         {"unit": "city", "reference": pd.Series({"制造业": 0, "金融业": 5}), "producer_services": "金融业"},
         Raises(ValueError, "the reference area has no manufacturing (['制造业']): shares are undefined")),
    case("coagglomeration_nan", geolink.coagglomeration_index, (_set(COAG, v=[30, np.nan, 10, 30]), "v"),
         {"unit": "city", "producer_services": "金融业"},
         Raises(ValueError, "[{'city': 'A', 'industry': '金融业', 'v': nan}]")),
    # LQ ratio = X_a / X_b: x 0.25/0.5, y 0.75/0.5; a zero LQ of b gives an infinite ratio
    case("lq_ratio_by_hand", geolink.lq_ratio, (LQ, "A", "B"), {"unit": "city"},
         Gives(lambda r: r["ratio"].tolist(), [0.5, 1.5])),
    case("lq_ratio_zero_lq_is_infinite", geolink.lq_ratio, (lq(TOY.drop(index=3), "v", unit="city"), "A", "B"),
         {"unit": "city"}, Gives(lambda r: r["ratio"].tolist(), [0.25, np.inf])),
    case("lq_ratio_unknown_unit", geolink.lq_ratio, (LQ, "A", "C"), {"unit": "city"},
         Raises(KeyError, "unit 'C' not in the LQ table; units: ['A', 'B']")),
    case("lq_ratio_panel_without_time", geolink.lq_ratio, (LQ_PANEL, "A", "B"), {"unit": "city"},
         Raises(ValueError, "several rows per city × industry (the table has several time values: pass time=)")),
    case("lq_ratio_unit_absent_in_a_year", geolink.lq_ratio, (LQ_PANEL.drop(index=[4, 5]), "A", "B"),
         {"unit": "city", "time": "year"}, Raises(ValueError, "2 row(s) where city 'A' or 'B' has no LQ")),
    case("lq_ratio_lq_column_absent", geolink.lq_ratio, (LQ.drop(columns="lq"), "A", "B"), {"unit": "city"},
         Raises(KeyError, "column(s) ['lq'] not in data")),
    # LQ change 2010 → 2020: A x 2/3 → 1.5 formed, A y 1.2 → 0.5 lost, B x 4/3 → 0.8 lost, B y 0.8 → 2 formed
    case("lq_change_by_hand", geolink.lq_change, (LQ_PANEL,), {"start": 2010, "end": 2020, "unit": "city"},
         Gives(lambda r: r["class"].tolist(), ["formed", "lost", "lost", "formed"])),
    case("lq_change_year_absent", geolink.lq_change, (LQ_PANEL,), {"start": 2010, "end": 2030, "unit": "city"},
         Raises(KeyError, "year 2030 not in the LQ table; values: [2010, 2020]")),
    case("lq_change_unit_absent_at_end", geolink.lq_change, (LQ_PANEL.drop(index=[6, 7]),),
         {"start": 2010, "end": 2020, "unit": "city"},
         Raises(ValueError, "2 row(s) where there is no LQ in year 2010 or 2020")),
    case("lq_change_same_years", geolink.lq_change, (LQ_PANEL,), {"start": 2010, "end": 2010, "unit": "city"},
         Raises(ValueError, "start and end are the same year (2010): there is no change to classify")),
    case("lq_change_no_time_column", geolink.lq_change, (LQ,), {"start": 2010, "end": 2020, "unit": "city"},
         Raises(KeyError, "column(s) ['year'] not in data")),
    case("lq_change_duplicated_rows", geolink.lq_change, (pd.concat([LQ_PANEL, LQ_PANEL.head(1)]),),
         {"start": 2010, "end": 2020, "unit": "city"},
         Raises(ValueError, "the LQ table has several rows per city × industry × year")),
]

# --- Dagum Gini and Theil -----------------------------------------------------------------------
# prd (广州, 深圳, 珠海): 1, 2, 3; yrd (上海, 南京, 杭州): 10, 20, 30.  Σ_{i<r}|y_i − y_r| over all six
# = 206 (sorted: Σ y_i (2i − n + 1)), μ = 11: G = 2·206 / (2 · 36 · 11) = 0.520202; within each
# group G_jj = 2·4/(2·9·2) = 0.2222, G_w = Σ G_jj p_j s_j = 0.2222 · 0.5 = 0.1111; no overlap: G_t = 0.
CODES = ["440100", "440300", "440400", "310100", "320100", "330100"]
R = pd.DataFrame({"adcode": CODES, "name": ["广州", "深圳", "珠海", "上海", "南京", "杭州"],
                  "v": [1.0, 2, 3, 10, 20, 30], "g": list("aaabbb"), "pop": [1.0] * 6})
DAGUM = [0.520202, 0.111111, 0.409091, 0.0]


def _dagum(r):
    return r.summary[["G", "G_w", "G_nb", "G_t"]].iloc[0].tolist()


def dagum(data, **kw):
    return geolink.dagum_gini(data, "v", **kw)


GINI = [
    case("dagum_by_hand", dagum, (R,), {"group": "g"}, Gives(_dagum, DAGUM)),
    case("dagum_registry_by_codes", dagum, (R,), {"group": "eight", "overlap": "first"}, Gives(_dagum, DAGUM)),
    case("dagum_registry_by_names", dagum, (R,), {"group": "eight", "overlap": "first", "unit": "name"},
         Gives(_dagum, DAGUM)),
    case("dagum_registry_by_float_codes", dagum, (R.assign(adcode=R["adcode"].astype(float)),),
         {"group": "eight", "overlap": "first"}, Gives(_dagum, DAGUM)),
    case("dagum_registry_by_int_codes", dagum, (R.assign(adcode=R["adcode"].astype(int)),),
         {"group": "eight", "overlap": "first"}, Gives(_dagum, DAGUM)),
    # a table covering the prd units only: the yrd rows leave and are listed; G of 1, 2, 3 = 0.2222
    case("dagum_group_table_partial", dagum, (R,), {"group": pd.DataFrame({"adcode": CODES[:3], "group": ["s"] * 3})},
         Gives(lambda r: (round(r.summary["G"].item(), 4), r.dropped["reason"].tolist()),
               (0.2222, ["not in any group of the given unit → group table"] * 3))),
    case("dagum_group_table_int_codes", dagum, (R,),
         {"group": pd.DataFrame({"adcode": [440100, 440300, 440400, 310100, 320100, 330100], "group": list("aaabbb")})},
         Gives(_dagum, DAGUM)),
    case("dagum_one_group_only", dagum, (R.assign(g="a"),), {"group": "g"},  # G_w = G, no between part
         Gives(_dagum, [0.520202, 0.520202, 0.0, 0.0])),
    # 2010: 珠海 absent → an unbalanced panel is one cross-section per year, 5 units in 2010
    case("dagum_unbalanced_panel", dagum, (pd.concat([R.assign(year=2000), R.drop(index=2).assign(year=2010)]),),
         {"group": "g", "time": "year"}, Gives(lambda r: r.summary["n"].tolist(), [6, 5])),
    case("dagum_nan_dropna_lists_row", dagum, (R.assign(v=[np.nan, 2, 3, 10, 20, 30]),), {"group": "g", "dropna": True},
         Gives(lambda r: (r.summary["n"].item(), r.dropped["adcode"].tolist(), r.dropped["reason"].tolist()),
               (5, ["440100"], ["v is missing"]))),
    # group a = 0, 0, 0: G_jj undefined, warned; G = Σ|y_i − y_r| / (2 n² μ) = 2·(3·6 + 3·6 + 8)/(2·36·1) … = 0.6111
    # two zero-mean groups a, b beside c = (4, 5): their pair weighs 0 (G_ab = 0/0 adds nothing); by all
    # pairs G = 74/108 = 0.685185, G_w = p_c s_c G_cc = (1/3)(1)(1/18) = 0.018519, G_nb = 0.666667, G_t = 0
    case("dagum_two_zero_mean_groups", dagum, (_set(R.assign(g=list("aabbcc")), v=[0.0, 0, 0, 0, 4, 5]),), {"group": "g"},
         Gives(_dagum, [0.685185, 0.018519, 0.666667, 0.0], warns="group(s) ['a', 'b'] have mean 0: G_jj undefined (NaN)")),
    case("dagum_zero_mean_group_warns", dagum, (R.assign(v=[0.0, 0, 0, 1, 2, 3]),), {"group": "g"},
         Gives(lambda r: (round(r.summary["G"].item(), 4), bool(np.isnan(r.within["G_jj"].iloc[0]))), (0.6111, True),
               warns="group(s) ['a'] have mean 0: G_jj undefined (NaN)")),
    case("dagum_inf", dagum, (R.assign(v=[np.inf, 2, 3, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "1 row(s) where 'v' is infinite: index [0] (adcode: ['440100'])")),
    case("dagum_nan", dagum, (R.assign(v=[1, np.nan, 3, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "1 row(s) where 'v' is missing (pass dropna=True to leave these rows out): index [1]")),
    case("dagum_all_nan_dropna", dagum, (R.assign(v=np.nan),), {"group": "g", "dropna": True},
         Raises(ValueError, "every value of 'v' is missing: no rows left")),
    case("dagum_dash", dagum, (R.assign(v=["—", 2, 3, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "1 row(s) where 'v' is not a number: index [0] (adcode: ['440100'])")),
    case("dagum_thousands_separator", dagum, (R.assign(v=[1, "1,234", 3, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "'v' is not a number: index [1]")),
    case("dagum_bool", dagum, (R.assign(v=[True, False] * 3),), {"group": "g"}, Raises(ValueError, "'v' holds bool values")),
    case("dagum_datetime", dagum, (R.assign(v=pd.Timestamp("2020-01-01")),), {"group": "g"},
         Raises(ValueError, "'v' holds datetime64")),
    case("dagum_negative", dagum, (R.assign(v=[-1, 2, 3, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "'v' is negative (the Gini needs non-negative values): index [0]")),
    case("dagum_all_zero", dagum, (R.assign(v=0.0),), {"group": "g"},
         Raises(ValueError, "every value is zero: the Gini coefficient is undefined (mean 0)")),
    case("dagum_empty", dagum, (R.iloc[:0],), {"group": "g"}, Raises(ValueError, "the table has no rows")),
    case("dagum_single_unit", dagum, (R.head(1),), {"group": "g"},
         Raises(ValueError, "1 unit: a Gini coefficient needs at least 2 units")),
    case("dagum_single_unit_in_a_year", dagum, (pd.concat([R.assign(year=2000), R.head(1).assign(year=2010)]),),
         {"group": "g", "time": "year"}, Raises(ValueError, "1 unit in 2010: a Gini coefficient needs at least 2 units")),
    case("dagum_duplicated_unit", dagum, (R.assign(adcode=["440100"] * 2 + CODES[2:]),), {"group": "g"},
         Raises(ValueError, "2 row(s) where a unit appears twice (pass time= for a panel): index [0, 1]")),
    case("dagum_duplicated_unit_year", dagum, (pd.concat([R, R.head(1)]).assign(year=2000),), {"group": "g", "time": "year"},
         Raises(ValueError, "where a unit appears twice in one 'year'")),
    case("dagum_missing_group_label", dagum, (R.assign(g=["a", None, "a", "b", "b", "b"]),), {"group": "g"},
         Raises(ValueError, "1 row(s) where the group column 'g' is missing (pass dropna=True to drop them): index [1]")),
    case("dagum_missing_time_label", dagum, (R.assign(year=[2000, 2000, None, 2000, 2000, 2000]),),
         {"group": "g", "time": "year"}, Raises(ValueError, "the label column 'year' is missing: index [2]")),
    case("dagum_missing_unit_label_registry", dagum, (R.assign(adcode=[None] + CODES[1:]),), {"group": "eight",
         "overlap": "first"}, Raises(ValueError, "1 row(s) where the unit column 'adcode' is missing: index [0]")),
    case("dagum_group_matches_nothing", dagum, (R,), {"group": "bth"},
         Raises(ValueError, "no row falls in a group of the grouping 'bth': none of the units of 'adcode' belongs")),
    case("dagum_units_not_units", dagum, (R,), {"group": "eight", "overlap": "first", "unit": "g"},
         Raises(ValueError, "6 of 6 units of 'g' are not prefecture-level names or codes (e.g. 'a')")),
    case("dagum_unknown_group", dagum, (R,), {"group": "nope"},
         Raises(KeyError, "group='nope' is neither a column of the data (['adcode', 'name', 'v', 'g', 'pop'])")),
    case("dagum_group_table_duplicate_unit", dagum, (R,),
         {"group": pd.DataFrame({"adcode": ["440100", "440100"], "group": ["a", "b"]})},
         Raises(ValueError, "2 row(s) where a unit is in the group table more than once: index [0, 1]")),
    case("dagum_group_table_lacks_column", dagum, (R,), {"group": pd.DataFrame({"adcode": CODES})},
         Raises(KeyError, "column(s) ['group'] not in data")),
    case("dagum_overlap_raise", dagum, (R,), {"group": "eight"}, Raises(ValueError, "邯郸市")),
    case("dagum_value_column_absent", geolink.dagum_gini, (R, "w"), {"group": "g"},
         Raises(KeyError, "column(s) ['w'] not in data; columns are ['adcode', 'name', 'v', 'g', 'pop']")),
    case("dagum_weight_zero", dagum, (R.assign(pop=[0, 1, 1, 1, 1, 1]),), {"group": "g", "weight": "pop"},
         Raises(ValueError, "1 row(s) where the weight 'pop' is not a positive finite number: index [0]")),
    case("dagum_weight_bool", dagum, (R.assign(pop=True),), {"group": "g", "weight": "pop"},
         Raises(ValueError, "the weight 'pop' holds bool values, not numbers")),
    case("dagum_weight_text", dagum, (R.assign(pop=["1,234", 1, 1, 1, 1, 1]),), {"group": "g", "weight": "pop"},
         Raises(ValueError, "1 row(s) where the weight 'pop' is not a number: index [0] (adcode: ['440100'])")),
    # equal weights change nothing
    case("dagum_equal_weights", dagum, (R.assign(pop=7.0),), {"group": "g", "weight": "pop"}, Gives(_dagum, DAGUM)),
    case("dagum_weight_column_absent", dagum, (R,), {"group": "g", "weight": "people"},
         Raises(KeyError, "column(s) ['people'] not in data; columns are ['adcode', 'name', 'v', 'g', 'pop']")),
    case("dagum_bootstrap_negative", dagum, (R,), {"group": "g", "bootstrap": -5},
         Raises(ValueError, "bootstrap must be a whole number of replicates ≥ 0, got -5")),
    case("dagum_bootstrap_float", dagum, (R,), {"group": "g", "bootstrap": 2.5}, Raises(ValueError, "got 2.5")),
    case("dagum_bootstrap_bool", dagum, (R,), {"group": "g", "bootstrap": True}, Raises(ValueError, "got True")),
    case("dagum_level_150", dagum, (R,), {"group": "g", "bootstrap": 9, "level": 150},
         Raises(ValueError, "level must be a percentage strictly between 0 and 100, got 150")),
    case("dagum_level_zero", dagum, (R,), {"group": "g", "level": 0}, Raises(ValueError, "got 0")),
    case("dagum_level_text", dagum, (R,), {"group": "g", "level": "95"}, Raises(ValueError, "got '95'")),
    case("dagum_ambiguous_name_says_why_it_left", dagum, (_set(R, name=["广州", "深圳", "吉林", "上海", "南京", "杭州"]),),
         {"unit": "name", "group": "eight", "overlap": "first", "dropna": True},
         Gives(lambda r: r.dropped["reason"].tolist(),
               ["names no prefecture-level unit (ambiguous: could be 220200 吉林市, the province 吉林省)"])),
    case("dagum_two_spellings_of_one_unit", dagum, (_set(R, name=["广州", "深圳", "广州市", "上海", "南京", "杭州"]),),
         {"unit": "name", "group": "gba", "dropna": True},
         Raises(ValueError, "1 unit(s) appear under several labels in one period: {'440100': ['广州', '广州市']}")),
    case("dagum_missing_unit_label", dagum, (_set(R, adcode=[*CODES[:5], None]),), {"group": "g"},
         Raises(ValueError, "1 row(s) where the unit column 'adcode' is missing: index [5]")),
    case("dagum_level_fraction", dagum, (R,), {"group": "g", "bootstrap": 9, "level": 0.95},
         Raises(ValueError, "level is a percentage: level=0.95 would give a 0.95 % interval; "
                            "for a 95 % interval pass level=95")),
]


# Theil: T_b = Σ P_j m_j ln m_j = ½(2/11)ln(2/11) + ½(20/11)ln(20/11) = 0.388511; within each group
# T_j = ⅓[½ ln ½ + 0 + 1.5 ln 1.5] = 0.087208 and Σ s_j = 1, so T_w = 0.087208, T = 0.475719.
THEIL = [0.475719, 0.087208, 0.388511]


def _theil(r):
    return r.summary[["T", "T_w", "T_b"]].iloc[0].tolist()


def theil(data, **kw):
    return geolink.theil(data, "v", **kw)


THEIL_CASES = [
    case("theil_by_hand", theil, (R,), {"group": "g"}, Gives(_theil, THEIL)),
    case("theil_registry_by_codes", theil, (R,), {"group": "eight", "overlap": "first"}, Gives(_theil, THEIL)),
    case("theil_registry_by_names", theil, (R,), {"group": "eight", "overlap": "first", "unit": "name"},
         Gives(_theil, THEIL)),
    case("theil_registry_by_float_codes", theil, (R.assign(adcode=R["adcode"].astype(float)),),
         {"group": "eight", "overlap": "first"}, Gives(_theil, THEIL)),
    # group a = 0, 0, 0 (s_a = 0): T_w = T of 1, 2, 3 = 0.087208, T_b = ½·2·ln 2 = ln 2; warned
    case("theil_zero_mean_group", theil, (R.assign(v=[0.0, 0, 0, 1, 2, 3]),), {"group": "g"},
         Gives(lambda r: _theil(r)[1:], [0.087208, np.log(2)],
               warns=("group(s) ['a'] have mean 0", "'v': 3 zero value(s) (['440100', '440300', '440400']): L (mean log deviation) is undefined"))),
    case("theil_missing_group_dropna", theil, (R.assign(g=["a", None, "a", "b", "b", "b"]),), {"group": "g", "dropna": True},
         Gives(lambda r: (r.summary["n"].item(), r.dropped["adcode"].tolist()), (5, ["440300"]))),
    case("theil_group_matches_nothing", theil, (R,), {"group": "bth"},
         Raises(ValueError, "no row falls in a group of the grouping 'bth'")),
    case("theil_names_not_units", theil, (R.assign(name=list("uvwxyz")),), {"group": "eight", "overlap": "first", "unit": "name"},
         Raises(ValueError, "6 of 6 units of 'name' are not prefecture-level names or codes (e.g. 'u')")),
    case("theil_unknown_group", theil, (R,), {"group": "nope"},
         Raises(KeyError, "group='nope' is neither a column of the data")),
    case("theil_bool", theil, (R.assign(v=True),), {"group": "g"}, Raises(ValueError, "'v' holds bool values")),
    case("theil_datetime", theil, (R.assign(v=pd.Timestamp("2020-01-01")),), {"group": "g"},
         Raises(ValueError, "'v' holds datetime64")),
    case("theil_empty", theil, (R.iloc[:0],), {"group": "g"}, Raises(ValueError, "the table has no rows")),
    case("theil_single_unit", theil, (R.head(1),), {"group": "g"},
         Raises(ValueError, "'v': 1 unit; a Theil index needs at least 2 units")),
    case("theil_negative", theil, (R.assign(v=[-1, 2, 3, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "'v' is negative (Theil indices need non-negative values): ['440100']")),
    case("theil_duplicated_unit", theil, (R.assign(adcode=["440100"] * 2 + CODES[2:]),), {"group": "g"},
         Raises(ValueError, "2 row(s) where a unit appears twice: ['440100', '440100']")),
    case("theil_inf", theil, (R.assign(v=[1, 2, np.inf, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "'v' is infinite: index [2] (adcode: ['440400'])")),
    case("theil_dash", theil, (R.assign(v=["—", 2, 3, 10, 20, 30]),), {"group": "g"},
         Raises(ValueError, "'v' is not a number: index [0]")),
    case("theil_missing_group", theil, (R.assign(g=["a", None, "a", "b", "b", "b"]),), {"group": "g"},
         Raises(ValueError, "the group column 'g' is missing (pass dropna=True to drop them): index [1] (adcode: ['440300'])")),
    case("theil_all_zero", theil, (R.assign(v=0.0),), {"group": "g"},
         Raises(ValueError, "'v': all values are zero, the Theil index is undefined (mean 0)")),
    case("theil_bootstrap_bool", theil, (R,), {"group": "g", "bootstrap": True},
         Raises(ValueError, "bootstrap must be a whole number of replicates ≥ 0, got True")),
    case("theil_bootstrap_negative", theil, (R,), {"group": "g", "bootstrap": -5}, Raises(ValueError, "got -5")),
    case("theil_two_spellings_of_one_unit", theil, (_set(R, name=["广州", "深圳", "广州市", "上海", "南京", "杭州"]),),
         {"unit": "name", "group": "gba", "dropna": True},
         Raises(ValueError, "1 unit(s) appear under several labels in one period: {'440100': ['广州', '广州市']}")),
    case("moran_two_spellings_of_one_unit", geolink.moran,
         (_set(R, name=["广州", "深圳", "广州市", "上海", "南京", "杭州"]), "v"), {"unit": "name", "weights": "queen"},
         Raises(ValueError, "1 unit(s) appear under several labels in one period: {'440100': ['广州', '广州市']}")),
    case("theil_total_row_among_units", theil, (_set(R, name=["全省", "深圳", "珠海", "上海", "南京", "杭州"]),), {"unit": "name"},
         Raises(ValueError, "1 row(s) where the unit column 'name' holds a total or subtotal (全省), not a unit: drop those rows")),
    case("dagum_total_row_among_units", dagum, (_set(R, name=["合计", "深圳", "珠海", "上海", "南京", "杭州"]),),
         {"unit": "name", "group": "g"}, Raises(ValueError, "holds a total or subtotal (合计), not a unit")),
    case("lq_total_row_among_units", geolink.location_quotient, (_set(TOY, city=["全国", "全国", "B", "B"]), "v"), {"unit": "city"},
         Raises(ValueError, "2 row(s) where the unit column 'city' holds a total or subtotal (全国), not a unit")),
    case("theil_level_150", theil, (R,), {"group": "g", "level": 150},
         Raises(ValueError, "level must be a percentage strictly between 0 and 100, got 150")),
    case("theil_level_fraction", theil, (R,), {"group": "g", "level": 0.9}, Raises(ValueError, "pass level=90")),
    case("theil_weight_bool", theil, (R.assign(pop=True),), {"group": "g", "weight": "pop"},
         Raises(ValueError, "the weight 'pop' holds bool values")),
    case("theil_weight_inf", theil, (R.assign(pop=[np.inf, 1, 1, 1, 1, 1]),), {"group": "g", "weight": "pop"},
         Raises(ValueError, "1 row(s) where the weight 'pop' is infinite: ['440100']")),
    case("theil_weight_negative", theil, (R.assign(pop=[-1, 1, 1, 1, 1, 1]),), {"group": "g", "weight": "pop"},
         Raises(ValueError, "the weight 'pop' is not a positive finite number: ['440100']")),
]

# --- σ and β convergence -----------------------------------------------------------------------
# prd 广州, 深圳: 2000 (1, 3) → σ = 1/2; 2010 (1.5, 2.5) → σ = 0.5/2; yrd 上海, 南京 ×10: the same σ.
S = pd.DataFrame({"adcode": ["440100", "440300", "310100", "320100"] * 2, "name": ["广州", "深圳", "上海", "南京"] * 2,
                  "year": [2000] * 4 + [2010] * 4, "v": [1.0, 3, 10, 30, 1.5, 2.5, 15, 25], "g": ["a", "a", "b", "b"] * 2})


def _sigma(group):
    return lambda r: r.summary.loc[r.summary["group"] == group, "sigma"].tolist()


def sigma(data, **kw):
    return geolink.sigma_convergence(data, "v", **kw)


# β: y1 = y0 · exp(10 (0.05 − 0.01 ln y0) + e) with small e: OLS β = −0.0103 on 3 df (the doc example)
Y0 = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
Y1 = Y0 * np.exp(10 * (0.05 - 0.01 * np.log(Y0)) + np.array([0.01, -0.01, 0.0, 0.01, -0.01]))
B = pd.DataFrame({"adcode": ["440100", "440300", "440400", "310100", "320100"] * 2, "year": [2000] * 5 + [2010] * 5,
                  "v": np.r_[Y0, Y1], "x": [1.0, 2, 3, 4, 5] * 2})


def beta(data, **kw):
    return geolink.beta_convergence(data, "v", **{"start": 2000, "end": 2010, **kw})


CONVERGENCE = [
    case("sigma_by_hand", sigma, (S,), {"group": "g"}, Gives(_sigma("a"), [0.5, 0.25])),
    case("sigma_registry_by_codes", sigma, (S,), {"group": "eight", "overlap": "first"}, Gives(_sigma("prd"), [0.5, 0.25])),
    case("sigma_registry_by_names", sigma, (S,), {"group": "eight", "overlap": "first", "unit": "name"},
         Gives(_sigma("yrd"), [0.5, 0.25])),
    case("sigma_registry_by_float_codes", sigma, (S.assign(adcode=S["adcode"].astype(float)),),
         {"group": "eight", "overlap": "first"}, Gives(_sigma("prd"), [0.5, 0.25])),
    case("sigma_one_period_warns", sigma, (S[S["year"] == 2000],), {"group": "g"},
         Gives(lambda r: r.trend["converging"].tolist(), [False, False, False],
               warns="the σ trend needs σ in at least 2 periods of 'year': slope NaN")),
    case("sigma_single_unit_group_warns", sigma, (S.assign(g=["a", "b", "b", "b"] * 2),), {"group": "g"},
         Gives(_sigma("a"), [np.nan, np.nan],
               warns=("σ needs at least 2 units: NaN for (group, year) [['a', 2000]",
                      "the σ trend needs σ in at least 2 periods of 'year': slope NaN, converging False for group(s) ['a']"))),
    case("sigma_nan_dropna", sigma, (S.assign(v=[np.nan, 3, 10, 30, 1.5, 2.5, 15, 25]),), {"dropna": True},
         Gives(lambda r: (r.dropped["adcode"].tolist(), r.dropped["year"].tolist()), (["440100"], [2000]),
               warns="the units differ between periods of 'year' (all: 3 in 2000, 4 in 2010; 1 not in every period)")),
    case("sigma_group_labelled_all", sigma, (S.assign(g=["all"] * 2 + ["x"] * 2 + ["all"] * 2 + ["x"] * 2),), {"group": "g"},
         Raises(ValueError, "4 row(s) where the group is labelled 'all', the label of the rows over all units: rename that group")),
    case("sigma_group_matches_nothing", sigma, (S,), {"group": "bth"},
         Raises(ValueError, "no row falls in a group of the grouping 'bth'")),
    case("sigma_negative", sigma, (S.assign(v=-S["v"]),), {},
         Raises(ValueError, "'v' is negative: σ (a coefficient of variation) needs a ratio scale")),
    case("sigma_zero_mean", sigma, (S.assign(v=[0.0, 0, 10, 30, 1.5, 2.5, 15, 25]),), {"group": "g"},
         Raises(ValueError, "the mean is zero: σ is undefined: ['a'] (time: [2000])")),
    case("sigma_duplicated_unit_year", sigma, (pd.concat([S, S.head(1)]),), {},
         Raises(ValueError, "2 row(s) where a unit appears twice in one 'year': ['440100', '440100'] (time: [2000, 2000])")),
    case("sigma_missing_year", sigma, (S.assign(year=[2000, None] + [2000] * 2 + [2010] * 4),), {},
         Raises(ValueError, "the label column 'year' is missing: index [1]")),
    case("sigma_year_text_beside_numbers", sigma, (S.assign(year=pd.Series([2000] * 4 + ["2010"] * 4, dtype=object)),),
         {}, Raises(ValueError, "the label column 'year' mixes text and numbers")),
    case("sigma_bool", sigma, (S.assign(v=True),), {}, Raises(ValueError, "'v' holds bool values")),
    case("sigma_empty", sigma, (S.iloc[:0],), {}, Raises(ValueError, "the table has no rows")),
    case("sigma_text", sigma, (S.assign(v=["1,234"] + [3] * 7),), {}, Raises(ValueError, "'v' is not a number: index [0]")),
    case("sigma_no_time_column", sigma, (S.drop(columns="year"),), {}, Raises(KeyError, "column(s) ['year'] not in data")),
    case("beta_by_hand", beta, (B,), {}, Gives(lambda r: (round(r.beta, 4), r.summary["df"].item()), (-0.0103, 3.0))),
    case("beta_gap_between_start_and_end", beta,
         (pd.concat([B, B.head(5).assign(year=2005, v=[np.nan, 1.0, 1.0, 1.0, 1.0])], ignore_index=True),), {"dropna": True},
         Gives(lambda r: (round(r.beta, 4), r.summary["df"].item(), len(r.dropped)), (-0.0103, 3.0, 0))),
    case("beta_same_start_value", beta, (B.assign(v=[2.0] * 5 + list(Y1)),), {},
         Raises(ValueError, "β is not identified: ['log_y0'] do not vary over the units")),
    case("beta_constant_control", beta, (B.assign(x=1.0),), {"controls": "x"},
         Raises(ValueError, "β is not identified: ['x'] do not vary over the units")),
    case("beta_start_as_text", beta, (B,), {"start": "2000"}, Raises(ValueError, "'year' has no rows for '2000'; periods are [2000, 2010]")),
    case("beta_end_before_start", beta, (B,), {"start": 2010, "end": 2000}, Raises(ValueError, "end (2000) must be after start (2010)")),
    case("beta_two_units", beta, (B[B["adcode"].isin(["440100", "440300"])],), {},
         Raises(ValueError, "2 unit(s) left for a regression with 2 coefficient(s): need at least 3")),
    case("beta_unknown_model", beta, (B,), {"model": "sar"}, Raises(ValueError, "model must be one of ('ols', 'lag', 'error'), got 'sar'")),
    case("beta_non_positive", beta, (B.assign(v=[0.0, *Y0[1:], *Y1]),), {}, Raises(ValueError, "'v' is not positive (logs): ['440100']")),
    case("beta_unbalanced", beta, (B.iloc[:-1],), {},
         Raises(ValueError, "'v' is missing in 2000 or 2010 (pass dropna=True to drop them): ['320100']")),
    case("beta_unbalanced_dropna_lists_unit", beta, (B.iloc[:-1],), {"dropna": True},
         Gives(lambda r: (r.summary["n"].item(), r.dropped["adcode"].tolist()), (4, ["320100"]))),
    case("beta_bool", beta, (B.assign(v=True),), {}, Raises(ValueError, "'v' holds bool values")),
    case("beta_group_by_names_matches", beta, (B.assign(name=["广州", "深圳", "珠海", "上海", "南京"] * 2),),
         {"group": "eight", "overlap": "first", "unit": "name"}, Gives(lambda r: r.data["group"].tolist(), ["prd"] * 3 + ["yrd"] * 2)),
    case("beta_group_matches_nothing", beta, (B,), {"group": "bth"}, Raises(ValueError, "no row falls in a group of the grouping 'bth'")),
]

# --- Moran, Markov, kernel density ---------------------------------------------------------------
# path a – b – c – d, y = 1 … 4: z = (−1.5, −.5, .5, 1.5), row-standardised lag (−.5, −.5, .5, .5):
# I = Σ z·lag / Σ z² = (0.75 + 0.25 + 0.25 + 0.75)/5 = 0.4, E[I] = −1/3
G = Graph.from_arrays(["a", "b", "b", "c", "c", "d"], ["b", "a", "c", "b", "d", "c"], [1.0] * 6)
M = pd.DataFrame({"id": list("abcd"), "y": [1.0, 2.0, 3.0, 4.0]})


def moran(data, **kw):
    return geolink.moran(data, "y", **{"unit": "id", "weights": G, "permutations": 0, **kw})


def local_moran(data, **kw):
    return geolink.local_moran(data, "y", **{"unit": "id", "weights": G, "permutations": 99, "seed": 0, **kw})


K4 = ["440100", "440300", "440400", "440600"]
MK = pd.DataFrame({"adcode": K4 * 3, "year": [1] * 4 + [2] * 4 + [3] * 4, "y": [1.0, 2, 3, 4, 3, 1, 2, 4, 1, 2, 4, 3]})


def markov(data, **kw):
    return geolink.markov(data, "y", **{"k": 2, **kw})


KD = pd.DataFrame({"adcode": list("abcde"), "y": [1.0, 2.0, 2.5, 3.0, 5.0]})


def density(data, **kw):
    return geolink.kernel_density(data, "y", **kw)


SPATIAL = [
    case("moran_by_hand", moran, (M,), {}, Gives(lambda r: r.summary[["I", "EI"]].iloc[0].tolist(), [0.4, -1 / 3])),
    # b dropped: a – c – d is not a path any more; the graph restricted to a, c, d: c – d only …
    case("moran_nan_dropna_lists_unit", moran, (M.assign(y=[1, np.nan, 3, 4]),), {"dropna": True},
         Gives(lambda r: (r.summary["n"].item(), r.dropped["id"].tolist()), (3, ["b"]),
               warns="1 unit(s) without a neighbour among the units used: ['a'] (their neighbours are not in the data)")),
    case("local_moran_neighbour_dropped", local_moran, (M.assign(y=[1, np.nan, 3, 4]),), {"dropna": True},
         Gives(lambda r: (bool(pd.isna(r.table["quadrant"].iloc[0])), r.table["lag"].tolist()[0], r.table["cluster"].tolist()[0]),
               (True, 0.0, "not significant"),
               warns="1 unit(s) without a neighbour among the units used: ['a'] (their neighbours are not in the data)")),
    case("moran_nan", moran, (M.assign(y=[1, np.nan, 3, 4]),), {},
         Raises(ValueError, "1 row(s) where 'y' is missing (pass dropna=True to drop them): ['b']")),
    case("moran_inf", moran, (M.assign(y=[1, np.inf, 3, 4]),), {}, Raises(ValueError, "'y' is infinite: index [1] (id: ['b'])")),
    case("moran_bool", moran, (M.assign(y=[True, False, True, False]),), {}, Raises(ValueError, "'y' holds bool values")),
    case("moran_dash", moran, (M.assign(y=["—", 2, 3, 4]),), {}, Raises(ValueError, "'y' is not a number: index [0] (id: ['a'])")),
    case("moran_empty", moran, (M.iloc[:0],), {}, Raises(ValueError, "the table has no rows")),
    case("moran_missing_unit_label", moran, (M.assign(id=["a", None, "c", "d"]),), {},
         Raises(ValueError, "the label column 'id' is missing: index [1]")),
    case("moran_duplicated_unit", moran, (M.assign(id=list("aacd")),), {}, Raises(ValueError, "2 row(s) where a unit appears twice: ['a', 'a']")),
    case("moran_constant", moran, (M.assign(y=1.0),), {}, Raises(ValueError, "'y' is constant over the units: Moran's I is undefined")),
    case("moran_two_units", moran, (M.head(2),), {}, Raises(ValueError, "'y': 2 unit(s); Moran's I needs at least 3")),
    case("moran_unit_not_in_graph", moran, (M.assign(id=list("abce")),), {}, Raises(ValueError, "1 unit(s) not in the weights graph: ['e']")),
    case("moran_kind_for_non_units", moran, (M,), {"weights": "queen"},
         Raises(ValueError, "4 unit(s) are not prefecture-level units, so weights='queen' cannot be built: ['a', 'b', 'c', 'd']")),
    case("moran_weights_int", moran, (M,), {"weights": 5}, Raises(TypeError, "weights must be a libpysal Graph or one of")),
    case("moran_permutations_negative", moran, (M,), {"permutations": -1}, Raises(ValueError, "permutations must be a non-negative integer, got -1")),
    case("moran_permutations_float", moran, (M,), {"permutations": 2.5}, Raises(ValueError, "got 2.5")),
    case("moran_permutations_bool", moran, (M,), {"permutations": True}, Raises(ValueError, "got True")),
    case("local_moran_by_hand", local_moran, (M,), {}, Gives(lambda r: r.table["Ii"].round(6).tolist(), [0.6, 0.2, 0.2, 0.6])),
    case("local_moran_permutations_zero", local_moran, (M,), {"permutations": 0},
         Raises(ValueError, "local_moran needs permutations ≥ 1 for its p-values")),
    case("local_moran_alpha_zero", local_moran, (M,), {"alpha": 0}, Raises(ValueError, "alpha must be in (0, 1), got 0")),
    case("local_moran_alpha_percent", local_moran, (M,), {"alpha": 5}, Raises(ValueError, "got 5")),
    case("local_moran_constant", local_moran, (M.assign(y=2.0),), {}, Raises(ValueError, "'y' is constant over the units")),
    # k = 2 classes per period: (1, 2 | 3, 4), (1, 2 | 3, 4) by value …: 2 of 4 moves from each class each step
    case("markov_by_hand", markov, (MK,), {}, Gives(lambda r: r.counts.values.ravel().tolist(), [2, 2, 2, 2])),
    case("markov_unbalanced_dropna_lists_unit", markov, (MK.iloc[:-1],), {"dropna": True},
         Gives(lambda r: r.dropped[["adcode", "year", "reason"]].values.tolist(),
               [["440600", 1, "the unit has no value in 3 (a Markov chain needs a balanced panel)"],
                ["440600", 2, "the unit has no value in 3 (a Markov chain needs a balanced panel)"]])),
    case("markov_k_zero", markov, (MK,), {"k": 0}, Raises(ValueError, "k must be an integer ≥ 2, got 0")),
    case("markov_k_one", markov, (MK,), {"k": 1}, Raises(ValueError, "got 1")),
    case("markov_k_float", markov, (MK,), {"k": 2.0}, Raises(ValueError, "got 2.0")),
    case("markov_k_bool", markov, (MK,), {"k": True}, Raises(ValueError, "got True")),
    case("markov_k_above_units", markov, (MK,), {"k": 10},
         Raises(ValueError, "k=10 quantile classes need at least 10 units; the panel has 4")),
    case("markov_bins_decreasing", markov, (MK,), {"bins": [3, 2]}, Raises(ValueError, "bins must be increasing class upper bounds, got [3, 2]")),
    case("markov_one_period", markov, (MK[MK["year"] == 1],), {}, Raises(ValueError, "a Markov chain needs at least 2 periods of 'year'; got [1]")),
    case("markov_unbalanced", markov, (MK.iloc[:-1],), {},
         Raises(ValueError, "1 unit(s) lack a value in some period (unit, periods): [('440600', [3])]")),
    case("markov_missing_year", markov, (MK.assign(year=[1] * 4 + [2] * 4 + [3] * 3 + [None]),), {},
         Raises(ValueError, "the label column 'year' is missing: index [11]")),
    case("markov_ties", markov, (MK.assign(y=1.0),), {}, Raises(ValueError, "too many ties for k=2; use a smaller k or bins=")),
    case("markov_bool", markov, (MK.assign(y=True),), {}, Raises(ValueError, "'y' holds bool values")),
    case("markov_empty", markov, (MK.iloc[:0],), {}, Raises(ValueError, "the table has no rows")),
    case("markov_duplicated", markov, (pd.concat([MK, MK.head(1)]),), {}, Raises(ValueError, "a unit appears twice in one 'year'")),
    # Scott's factor n^(−1/5) = 5^(−0.2)
    case("density_scott_factor", density, (KD,), {"grid": 5}, Gives(lambda r: r.bandwidths["factor"].item(), 5 ** -0.2)),
    case("density_bandwidth_zero", density, (KD,), {"bandwidth": 0},
         Raises(ValueError, "bandwidth must be one of ('scott', 'silverman') or a positive number, got 0")),
    case("density_bandwidth_negative", density, (KD,), {"bandwidth": -1}, Raises(ValueError, "got -1")),
    case("density_bandwidth_unknown", density, (KD,), {"bandwidth": "foo"}, Raises(ValueError, "got 'foo'")),
    case("density_bandwidth_nan", density, (KD,), {"bandwidth": np.nan}, Raises(ValueError, "got nan")),
    case("density_bandwidth_bool", density, (KD,), {"bandwidth": True}, Raises(ValueError, "got True")),
    case("density_grid_one", density, (KD,), {"grid": 1}, Raises(ValueError, "grid must be an integer ≥ 2 or an array of x values, got 1")),
    case("density_grid_bool", density, (KD,), {"grid": True}, Raises(ValueError, "got True")),
    case("density_grid_decreasing", density, (KD,), {"grid": [3, 2, 1]}, Raises(ValueError, "grid must be an increasing 1-D array of finite x values")),
    case("density_grid_nan", density, (KD,), {"grid": [1, np.nan, 3]}, Raises(ValueError, "increasing 1-D array of finite x values")),
    case("density_single_unit", density, (KD.head(1),), {}, Raises(ValueError, "'y' (group=all): 1 unit(s) with 1 distinct value(s)")),
    case("density_constant", density, (KD.assign(y=1.0),), {}, Raises(ValueError, "5 unit(s) with 1 distinct value(s); a density needs at least 2")),
    case("density_registry_by_names", density, (R.rename(columns={"v": "y"}),), {"group": "eight", "overlap": "first", "unit": "name"},
         Gives(lambda r: r.bandwidths["group"].tolist(), ["prd", "yrd"])),
    case("density_group_matches_nothing", density, (R.rename(columns={"v": "y"}),), {"group": "bth"},
         Raises(ValueError, "no row falls in a group of the grouping 'bth'")),
    case("density_empty", density, (KD.iloc[:0],), {}, Raises(ValueError, "the table has no rows")),
    case("density_panel_without_time", density, (MK,), {}, Raises(ValueError, "12 row(s) where a unit appears twice")),
]

# --- distance decay ------------------------------------------------------------------------------
D = pd.DataFrame({"name": list("abcd"), "lon": [113.3, 114.0, 113.6, 113.1], "lat": [23.1, 22.6, 22.3, 22.8],
                  "v": [4.0, 3.0, 2.0, 1.0]})


def decay(data, **kw):
    return geolink.distance_decay(data, "v", **{"target": (114.06, 22.54), **kw})


# each point to (114.06, 22.54), geodesic km: a 99.7, b 9.1, c 49.4, d 100.5 (d is farthest) …
DECAY = [
    case("decay_counts", decay, (D,), {}, Gives(lambda r: (r.correlations["n"].item(), r.correlations["n_missing"].item()), (4, 0))),
    case("decay_nan_dropna_counts_it", decay, (D.assign(v=[np.nan, 3, 2, 1.0]),), {"dropna": True},
         Gives(lambda r: (r.correlations["n"].item(), r.correlations["n_missing"].item()), (3, 1))),
    case("decay_no_coordinates_dropna_lists_unit", decay, (D.assign(lon=[np.nan, 114, 113.6, 113.1]),), {"dropna": True},
         Gives(lambda r: r.dropped["name"].tolist(), ["a"])),
    case("decay_no_coordinates", decay, (D.assign(lon=[np.nan, 114, 113.6, 113.1]),), {},
         Raises(ValueError, "1 unit(s) without coordinates: ['a']; pass dropna=True to leave them out")),
    case("decay_unknown_distance", decay, (D,), {"distance": "euclid"},
         Raises(ValueError, "distance must be one of ('boundary', 'centroid'), got 'euclid'")),
    case("decay_latitude_95", decay, (D.assign(lat=[95, 22.6, 22.3, 22.8]),), {},
         Raises(ValueError, "1 row(s) where a coordinate is out of range (|lon| ≤ 180, |lat| ≤ 90): index [0]")),
    case("decay_null_island", decay, (D.assign(lon=[0, 114, 113.6, 113.1], lat=[0, 22.6, 22.3, 22.8]),), {},
         Raises(ValueError, "the point is (0, 0): a missing coordinate written as 0?: index [0]")),
    case("decay_coordinate_text", decay, (D.assign(lon=["113,3", 114, 113.6, 113.1]),), {},
         Raises(ValueError, "1 row(s) where a coordinate is not a number: index [0]")),
    case("decay_inf", decay, (D.assign(v=[np.inf, 3, 2, 1]),), {}, Raises(ValueError, "1 row(s) where 'v' is infinite: index [0]")),
    case("decay_nan", decay, (D.assign(v=[np.nan, 3, 2, 1.0]),), {},
         Raises(ValueError, "'v' is missing (pass dropna=True to leave these units out): index [0]")),
    case("decay_dash", decay, (D.assign(v=["—", 3, 2, 1]),), {}, Raises(ValueError, "'v' is not a number: index [0]")),
    case("decay_bool", decay, (D.assign(v=[True, False, True, False]),), {}, Raises(ValueError, "'v' holds bool values")),
    case("decay_constant", decay, (D.assign(v=1.0),), {}, Raises(ValueError, "'v': the values are all equal; no relation to fit")),
    case("decay_two_units", decay, (D.head(2),), {}, Raises(ValueError, "'v': only 2 unit(s) with a value; at least 3 are needed")),
    case("decay_unknown_target", decay, (D,), {"target": "火星"}, Raises(KeyError, "'火星' is not a current prefecture-level unit")),
    case("decay_target_out_of_range", decay, (D,), {"target": (200, 95)},
         Raises(ValueError, "a target point is (lon, lat) in degrees with |lon| ≤ 180 and |lat| ≤ 90, got (200, 95)")),
    case("decay_target_three_numbers", decay, (D,), {"target": (114, 22, 0)}, Raises(ValueError, "got (114, 22, 0)")),
    case("decay_value_column_absent", geolink.distance_decay, (D, "w"), {"target": (114, 22.5)},
         Raises(KeyError, "column(s) ['w'] not in data")),
    case("decay_unknown_resolution", decay, (D,), {"target": "440300", "resolution": "low"},
         Raises(ValueError, "resolution must be one of ('display', 'full'), got 'low'")),
    case("decay_geodataframe_without_crs", decay, (gpd.GeoDataFrame(D, geometry=gpd.points_from_xy(D.lon, D.lat)),), {},
         Raises(ValueError, "the units have no CRS: set one first")),
]

# --- classes and maps ----------------------------------------------------------------------------
classify = geolink.classify
CLS = geolink.classify([0, 10, 20], "user_defined", bins=[5, 20])  # classes ≤ 5, (5, 20], plus the maximum


def _gba(**cols):
    return geolink.cities_in("gba").assign(**cols)


CLASSES = [
    case("classify_fisher_jenks", classify, ([1, 2, 4, 8, 16, 32], "fisher_jenks"), {"k": 3},
         Gives(lambda c: c.upper, (8.0, 16.0, 32.0))),
    case("classify_user_defined_adds_max", classify, ([1, 7, 30], "user_defined"), {"bins": [20, 5]},
         Gives(lambda c: c.upper, (5.0, 20.0, 30.0))),
    case("classify_missing_values_get_no_class", classify, ([1, None, 3], "equal_interval"), {"k": 2},
         Gives(lambda c: c.upper, (2.0, 3.0))),
    case("classify_one_value", classify, ([5, 5, 5],), {"k": 3}, Gives(lambda c: c.upper, (5.0,))),
    case("classify_scheme_typo", classify, ([1, 2, 3], "quantile"), {}, Raises(ValueError, "scheme must be one of quantiles, fisher_jenks")),
    case("classify_scheme_none", classify, ([1, 2, 3], None), {}, Raises(ValueError, "(mapclassify names), got None")),
    case("classify_k_zero", classify, ([1, 2, 3],), {"k": 0}, Raises(ValueError, "k must be a positive whole number of classes, got 0")),
    case("classify_k_bool", classify, ([1, 2, 3],), {"k": True}, Raises(ValueError, "got True")),
    case("classify_k_float", classify, ([1, 2, 3],), {"k": 2.0}, Raises(ValueError, "got 2.0")),
    case("classify_inf", classify, ([1, np.inf, 3],), {}, Raises(ValueError, "1 row(s) where the value is infinite: index [1]")),
    case("classify_all_missing", classify, ([np.nan, None],), {}, Raises(ValueError, "no numeric values to classify")),
    case("classify_empty", classify, ([],), {}, Raises(ValueError, "no numeric values to classify")),
    case("classify_thousands_separator", classify, (["1,234", 5, 7],), {}, Raises(ValueError, "1 row(s) where the value is not a number: index [0]")),
    case("classify_dash", classify, (pd.Series([5, "—", 7], index=["440100", "440300", "440400"], name="gdp"),), {},
         Raises(ValueError, "1 row(s) where the value 'gdp' is not a number: index ['440300']")),
    case("classify_bool", classify, ([True, False, True],), {}, Raises(ValueError, "the value holds bool values")),
    case("classify_datetime", classify, (pd.to_datetime(["2020", "2021"]),), {}, Raises(ValueError, "holds datetime64")),
    case("classify_user_defined_without_bins", classify, ([1, 2, 3], "user_defined"), {},
         Raises(ValueError, "scheme='user_defined' needs bins=[upper bounds …]")),
    case("classify_bins_nan", classify, ([1, 7, 30], "user_defined"), {"bins": [np.nan, 5]},
         Raises(ValueError, "bins must be finite numbers (upper class bounds), got [nan, 5]")),
    case("classify_bins_text", classify, ([1, 7, 30], "user_defined"), {"bins": ["a"]}, Raises(ValueError, "got ['a']")),
    case("classify_bins_without_user_defined", classify, ([1, 7, 30],), {"bins": [5]},
         Raises(ValueError, "bins= is for scheme='user_defined', not 'quantiles'")),
    case("classes_assign_by_hand", CLS.assign, ([3, 7, 25, None],), {}, Gives(lambda ids: ids.tolist(), [0, 1, 1, -1])),
    case("classes_assign_inf", CLS.assign, ([3, np.inf],), {}, Raises(ValueError, "1 row(s) where the value is infinite: index [1]")),
    case("classes_assign_text", CLS.assign, (["1,234", 3],), {}, Raises(ValueError, "the value is not a number: index [0]")),
    case("choropleth_given_classes_text", geolink.choropleth, (_gba(v=["1,234"] + [1.0] * 10), "v"), {"classes": CLS},
         Raises(ValueError, "1 row(s) where the value 'v' is not a number")),
    case("web_map_given_classes_inf", geolink.web_map, (_gba(v=[np.inf] + [1.0] * 10), "v"), {"classes": CLS},
         Raises(ValueError, "1 row(s) where the value 'v' is infinite")),
    case("choropleth_text_values", geolink.choropleth, (_gba(v=["1,234"] + [1.0] * 10), "v"), {},
         Raises(ValueError, "1 row(s) where the value 'v' is not a number")),
    case("choropleth_bool_values", geolink.choropleth, (_gba(v=True), "v"), {}, Raises(ValueError, "the value 'v' holds bool values")),
    case("choropleth_inf", geolink.choropleth, (_gba(v=[np.inf] + [1.0] * 10), "v"), {}, Raises(ValueError, "the value 'v' is infinite")),
    case("choropleth_column_absent", geolink.choropleth, (_gba(), "gdp"), {}, Raises(KeyError, "column 'gdp' not in the data")),
    case("choropleth_no_crs", geolink.choropleth, (_gba(v=1.0).set_crs(None, allow_override=True), "v"), {},
         Raises(ValueError, "the data have no CRS")),
    case("choropleth_scheme_typo", geolink.choropleth, (_gba(v=1.0), "v"), {"scheme": "jenks"}, Raises(ValueError, "got 'jenks'")),
    case("choropleth_k_zero", geolink.choropleth, (_gba(v=1.0), "v"), {"k": 0}, Raises(ValueError, "k must be a positive whole number")),
    case("web_map_text_values", geolink.web_map, (_gba(v=["—"] + [1.0] * 10), "v"), {},
         Raises(ValueError, "1 row(s) where the value 'v' is not a number")),
    case("web_map_column_absent", geolink.web_map, (_gba(), "gdp"), {}, Raises(KeyError, "column 'gdp' not in the data")),
    case("web_map_no_crs", geolink.web_map, (_gba(v=1.0).set_crs(None, allow_override=True), "v"), {},
         Raises(ValueError, "the data have no CRS")),
    case("web_map_k_bool", geolink.web_map, (_gba(v=1.0), "v"), {"k": True}, Raises(ValueError, "got True")),
]

ALL = STRUCTURE + GINI + THEIL_CASES + CONVERGENCE + SPATIAL + DECAY + CLASSES


@pytest.mark.parametrize("fn, args, kwargs, expected", ALL)
def test_corpus(fn, args, kwargs, expected):
    check(fn, args, kwargs, expected)


# --- the command line: exit code 2 and exactly one line on stderr for every error ----------------
CLI = [
    (["gini", "{t}", "--value", "v", "--group", "g", "--bootstrap", "-5"], "bootstrap must be a whole number of replicates ≥ 0, got -5"),
    (["gini", "{t}", "--value", "v", "--group", "g", "--bootstrap", "abc"], "argument --bootstrap: invalid int value: 'abc'"),
    (["gini", "{t}", "--value", "v", "--group", "nope"], "group='nope' is neither a column of the data"),
    (["gini", "{t}", "--value", "v", "--group", "g", "--overlap", "x"], "argument --overlap: invalid choice: 'x'"),
    (["gini", "{t}", "--value", "w", "--group", "g"], "column(s) ['w'] not in data; columns are ['adcode', 'v', 'g', 'lon', 'lat']"),
    (["gini", "{inf}", "--value", "v", "--group", "g"], "1 row(s) where 'v' is infinite: index [0]"),
    (["gini", "{t}", "--value", "v", "--group", "g", "--weight", "people"], "column(s) ['people'] not in data"),
    (["gini", "{t}", "--value", "v", "--group", "bth"], "no row falls in a group of the grouping 'bth'"),
    (["gini", "{t}", "--value", "v", "--group", "g", "-o", "{dir}"], "-o {dir}: is a folder; give a file name"),
    (["gini", "{t}", "--value", "v", "--group", "g", "-o", "{file}/x.gpkg"], "-o {file}/x.gpkg: {file} is a file, not a folder"),
    (["gini", "{t}", "--value", "v", "--group", "g", "-o", "/proc/geolink-x.gpkg"], "-o /proc/geolink-x.gpkg: cannot write in /proc"),
    (["gini", "{missing}", "--value", "v", "--group", "g"], "no such table"),
    (["gini", "{tmp}", "--value", "v", "--group", "g"], "Is a directory: {tmp}"),
    (["theil", "{t}", "--value", "v", "--group", "g", "--bootstrap", "-1"], "bootstrap must be a whole number of replicates ≥ 0, got -1"),
    (["theil", "{t}", "--value", "v", "--group", "bth"], "no row falls in a group of the grouping 'bth'"),
    (["markov", "{t}", "--value", "v", "--time", "year"], "column(s) ['year'] not in data"),
    (["markov", "{t}", "--value", "v", "--k", "0"], "argument --k: must be a whole number ≥ 1, got 0"),
    (["moran", "{t}", "--value", "v", "--permutations", "-3"], "permutations must be a non-negative integer, got -3"),
    (["moran", "{t}", "--value", "v", "-o", "{dir}.png"], "-o {dir}.png: is a folder; give a file name"),
    (["moran", "{t}", "--value", "v", "-o", "m.jpg"], "-o must end in .png, .html or .gpkg, got 'm.jpg'"),
    (["decay", "{t}", "--value", "v", "--target", "440300", "--distance", "x"], "argument --distance: invalid choice: 'x'"),
    (["decay", "{t}", "--value", "v", "--target", "火星"], "'火星' is not a current prefecture-level unit"),
    (["decay", "{t}", "--value", "v", "--target", "440300", "-o", "{dir}.png"], "-o {dir}.png: is a folder; give a file name"),
    (["decay", "{t}", "--value", "v", "--target", "440300", "-o", "{file}/d.png"], "{file} is a file, not a folder"),
    (["map", "{t}", "--value", "v", "-o", "{tmp}/m.png", "--k", "0"], "argument --k: must be a whole number ≥ 1, got 0"),
    (["map", "{t}", "--value", "v", "-o", "{tmp}/m.png", "--k", "abc"], "argument --k: invalid _positive_int value: 'abc'"),
    (["map", "{t}", "--value", "v", "-o", "{tmp}/m.png", "--scheme", "quantile"], "argument --scheme: invalid choice: 'quantile'"),
    (["map", "{t}", "--value", "v", "-o", "{tmp}/m.jpg"], "-o must end in .png or .html, got 'm.jpg'"),
    (["map", "{t}", "--value", "v", "-o", "{dir}.png"], "-o {dir}.png: is a folder; give a file name"),
    (["map", "{t}", "--value", "v", "-o", "/proc/geolink-m.html"], "cannot write in /proc"),
    (["map", "{t}", "--value", "v", "-o", "{tmp}/m.png", "--bins", "5"], "bins= is for scheme='user_defined', not 'quantiles'"),
    (["map", "{t}", "--value", "v", "-o", "{tmp}/m.png", "--scheme", "user_defined"], "scheme='user_defined' needs bins="),
    (["map", "{text}", "--value", "name", "-o", "{tmp}/m.png"], "where the value 'name' is not a number"),
    (["join", "{t}", "-o", "{dir}"], "-o {dir}: is a folder; give a file name"),
    (["join", "{t}", "-o", "{file}/x.gpkg"], "{file} is a file, not a folder"),
    (["export", "-o", "{tmp}/e.gpkg", "--agglomerations", "zzz"], "unknown agglomeration 'zzz'"),
    (["export", "-o", "/proc/geolink-e.gpkg"], "cannot write in /proc"),
    (["demo", "-o", "{file}"], "-o {file}: a file of that name exists; give a folder"),
    ([], "the following arguments are required: command"),
    (["frob"], "argument command: invalid choice: 'frob'"),
]


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    t = pd.DataFrame({"adcode": CODES, "v": [1.0, 2, 3, 10, 20, 30], "g": list("aaabbb"),
                      "lon": [113.3, 114.06, 113.5, 121.4, 118.8, 120.2], "lat": [23.1, 22.5, 22.2, 31.2, 32.0, 30.3]})
    t.to_csv(tmp / "t.csv", index=False)
    t.assign(v=["inf", 2, 3, 10, 20, 30]).to_csv(tmp / "inf.csv", index=False)
    t.assign(name=["a", "b", "c", "d", "e", "f"]).to_csv(tmp / "text.csv", index=False)
    (tmp / "out.gpkg").mkdir()
    (tmp / "out.gpkg.png").mkdir()
    (tmp / "afile").write_text("x")
    return {"t": tmp / "t.csv", "inf": tmp / "inf.csv", "text": tmp / "text.csv",
            "dir": tmp / "out.gpkg", "file": tmp / "afile", "missing": tmp / "nope.csv", "tmp": tmp}


@pytest.mark.parametrize("argv, fragment", CLI, ids=[" ".join(a[:1] + a[-2:]) or "none" for a, _ in CLI])
def test_cli_error_is_one_line_and_exit_2(argv, fragment, cli_files, monkeypatch):
    monkeypatch.delenv("GEOLINK_DEBUG", raising=False)
    argv = [a.format(**cli_files) for a in argv]
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(argv)
    lines = err.getvalue().splitlines()
    assert code == 2 and len(lines) == 1, lines
    assert fragment.format(**cli_files) in lines[0], lines[0]


def test_corpus_size():
    assert len(ALL) + len(CLI) >= 130


@pytest.mark.skipif(not (Path("/dev/full").exists() and Path("/dev/full").is_char_device()), reason="no /dev/full")
def test_cli_full_disk_is_one_line(cli_files, capsys):
    """A full disk (writes to /dev/full fail with ENOSPC; matplotlib's own PNG writer ignored it: exit 0)."""
    assert main(["decay", str(cli_files["t"]), "--value", "v", "--target", "440300", "-o", "/dev/full"]) == 2
    assert capsys.readouterr().err.splitlines() == ["geolink decay: error: No space left on device: /dev/full"]
