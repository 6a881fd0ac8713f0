"""Bad-input corpus for read_table and join: every malformed table with its exact expected behaviour.

Synthetic data (test input only).  Each case is a dict:

* ``id``; ``csv`` (text, written as UTF-8 unless ``encoding``), ``raw`` (bytes), ``xlsx`` (rows of
  cells, optional ``merge`` ranges) or ``frame`` (a DataFrame);
* ``call``: ``"read"`` (read_table) or ``"join"`` with ``kwargs``;
* either ``raises``: (exception type, regex that must occur in the message — it names the place)
  or the expected result: ``values`` {column: list} (NaN/None for missing), ``columns`` (exact list),
  ``kind`` {column: ColumnReport.kind}, ``converted`` {column: dict}, ``missing_rows`` {column: list},
  ``header_rows``, ``unit_rows``, ``notes_rows``, ``footnotes`` (row numbers), ``note`` (regex in the
  report notes), ``text`` {column: [row numbers of the non-numeric examples]};
  for joins ``unit_values`` {(adcode, column): value}, ``outcomes`` (list), ``level``, ``join_note``.
"""

import math

import pandas as pd

NAN = math.nan


def _number_cases():
    """One cell of a yearbook value column in each form; the other cell (深圳) is a plain 100."""
    forms = [
        ("thousands", '"1,234.5"', 1234.5, {"thousands": 1}),
        ("thousands_int", '"1,234"', 1234, {"thousands": 1}),
        ("thousands_millions", '"12,345,678"', 12345678, {"thousands": 1}),
        ("thousands_space", "1 234", 1234, {"thousands": 1}),
        ("thousands_nbsp", "1\u00a0234", 1234, {"thousands": 1, "full-width": 1}),
        ("percent", "12.5%", 12.5, {"percent": 1}),
        ("percent_int", "12%", 12.0, {"percent": 1}),
        ("percent_fullwidth", "12.5％", 12.5, {"full-width": 1, "percent": 1}),
        ("percent_space", "12.5 %", 12.5, {"percent": 1}),
        ("fullwidth_digits", "１２３", 123, {"full-width": 1}),
        ("fullwidth_decimal", "１２．５", 12.5, {"full-width": 1}),
        ("fullwidth_minus", "－５", -5, {"full-width": 1}),
        ("fullwidth_thousands", '"１，２３４"', 1234, {"full-width": 1, "thousands": 1}),
        ("unicode_minus", "−5", -5, {"minus sign": 1}),
        ("footnote_star", "123*", 123, {"footnote": 1}),
        ("footnote_stars", "123**", 123, {"footnote": 1}),
        ("footnote_circled", "123①", 123, {"footnote": 1}),
        ("footnote_circled_2", "123②", 123, {"footnote": 1}),
        ("footnote_superscript", "123¹", 123, {"footnote": 1}),
        ("footnote_letter", "123a", 123, {"footnote": 1}),
        ("footnote_dagger", "123†", 123, {"footnote": 1}),
        ("footnote_after_decimal", "12.5*", 12.5, {"footnote": 1}),
        ("footnote_after_thousands", '"1,234*"', 1234, {"footnote": 1, "thousands": 1}),
        ("decimal_comma", '"12,5"', 12.5, {"decimal comma": 1}),
        ("decimal_comma_leading_zero", '"0,25"', 0.25, {"decimal comma": 1}),
        ("decimal_comma_eu_thousands", '"1.234,5"', 1234.5, {"decimal comma": 1}),
        ("decimal_comma_two_digits", '"1,23"', 1.23, {"decimal comma": 1}),
        ("plus_sign", "+3", 3, {}),
        ("leading_dot", ".5", 0.5, {}),
        ("exponent", "1.5e3", 1500.0, {}),
        ("spaces_around", "  99  ", 99, {}),
        ("negative", "-12.5", -12.5, {}),
        ("dot_three_decimals", "1.234", 1.234, {}),
    ]
    cases = []
    for name, cell, value, converted in forms:
        cases.append(
            {
                "id": f"number_{name}",
                "csv": f"地区,GDP\n广州,{cell}\n深圳,100\n",
                "call": "read",
                "values": {"GDP": [value, 100]},
                "converted": {"GDP": converted},
            }
        )
    markers = ["—", "——", "–", "-", "--", "…", "……", "...", "/", "×", "NA", "N/A", "n/a", "null", "#N/A",
               "#DIV/0!", "－", "／"]  # fmt: skip
    for k, marker in enumerate(markers):
        cases.append(
            {
                "id": f"missing_marker_{k}",
                "csv": f"地区,GDP\n广州,{marker}\n深圳,100\n",
                "call": "read",
                "values": {"GDP": [NAN, 100]},
                "missing_rows": {"GDP": [2]},
                "kind": {"GDP": "integer"},
            }
        )
    for k, blank in enumerate(["", " ", "\u3000"]):
        cases.append(
            {
                "id": f"missing_blank_{k}",
                "csv": f"地区,GDP,人口\n广州,{blank},1\n深圳,100,2\n",
                "call": "read",
                "values": {"GDP": [NAN, 100]},
                "missing_rows": {"GDP": [2]},
            }
        )
    text_cells = [
        "12a3",
        "abc",
        "(12)",
        "12-13",
        "约100",
        "100万",
        "1.2.3",
        "12..5",
        "1,2,3,4",
        "0x1F",
        "--5",
    ]
    for k, cell in enumerate(text_cells):
        cases.append(
            {
                "id": f"stays_text_{k}",
                "csv": f'地区,GDP\n广州,"{cell}"\n深圳,100\n珠海,7\n',
                "call": "read",
                "values": {"GDP": [cell, "100", "7"]},
                "kind": {"GDP": "text"},
                "text": {"GDP": [2]},
                "note": r"column 'GDP' stays text: 2 cell\(s\) are numbers",
            }
        )
    return cases


def _code_cases():
    return [
        {"id": "code_6_digit_text", "csv": "代码,GDP\n440300,1\n440100,2\n", "call": "read",
         "values": {"代码": ["440300", "440100"]}, "kind": {"代码": "code"}},
        {"id": "code_without_hint", "csv": "c,GDP\n440300,1\n110100,2\n", "call": "read",
         "values": {"c": ["440300", "110100"]}, "kind": {"c": "code"}},
        {"id": "code_12_digit", "csv": "统计代码,v\n440300000000,1\n440100000000,2\n", "call": "read",
         "values": {"统计代码": ["440300000000", "440100000000"]}, "kind": {"统计代码": "code"}},
        {"id": "code_leading_zero_id", "csv": "id,v\n007,1\n012,2\n", "call": "read",
         "values": {"id": ["007", "012"]}, "kind": {"id": "code"}},
        {"id": "code_with_missing", "csv": "区划代码,v\n,1\n440300,2\n", "call": "read",
         "values": {"区划代码": [None, "440300"]}, "kind": {"区划代码": "code"}, "missing_rows": {"区划代码": [2]}},
        {"id": "code_text_ids", "csv": "id,v\nA001,1\nB002,2\n", "call": "read",
         "values": {"id": ["A001", "B002"]}, "kind": {"id": "text"}},
        {"id": "not_code_population", "csv": "地区,人口\n广州,250989\n深圳,990000\n", "call": "read",
         "values": {"人口": [250989, 990000]}, "kind": {"人口": "integer"}},
        {"id": "code_xlsx_floats", "xlsx": [["区划代码", "v"], [440300.0, 1], [440100.0, 2]], "call": "read",
         "values": {"区划代码": ["440300", "440100"]}, "kind": {"区划代码": "code"}},
        {"id": "code_xlsx_ints_na", "xlsx": [["区划代码", "v"], ["NA", 1], [110000, 2]], "call": "read",
         "values": {"区划代码": [None, "110000"]}, "kind": {"区划代码": "code"}, "missing_rows": {"区划代码": [2]}},
        {"id": "code_frame_strings", "frame": pd.DataFrame({"code": ["440300", "440100"], "v": ["1", "2"]}),
         "call": "read", "values": {"code": ["440300", "440100"], "v": [1, 2]}, "kind": {"code": "code"}},
    ]  # fmt: skip


def _layout_cases():
    return [
        {"id": "title_and_unit_rows", "csv": "表1 各市GDP\n单位：亿元\n地区,GDP\n广州,1\n", "call": "read",
         "columns": ["地区", "GDP"], "header_rows": [3], "unit_rows": [2], "values": {"GDP": [1]}},
        {"id": "unit_row_ascii_colon", "csv": "单位:万元\n地区,GDP\n广州,1\n", "call": "read",
         "unit_rows": [1], "header_rows": [2]},
        {"id": "unit_row_parenthesised", "csv": "（单位：万人）\n地区,人口\n广州,1\n", "call": "read",
         "unit_rows": [1]},
        {"id": "unit_row_in_last_column", "csv": "各市GDP,,单位：亿元\n地区,GDP,人口\n广州,1,2\n", "call": "read",
         "unit_rows": [1], "header_rows": [2], "values": {"人口": [2]}},
        {"id": "unit_row_below_header", "csv": "地区,GDP\n单位：亿元,\n广州,1\n", "call": "read",
         "unit_rows": [2], "values": {"GDP": [1]}},
        {"id": "notes_below", "csv": "地区,GDP,人口\n广州,1,2\n注：初步数。,,\n资料来源：统计局。,,\n", "call": "read",
         "notes_rows": [3, 4], "values": {"GDP": [1]}},
        {"id": "note_without_commas", "csv": "地区,GDP,人口\n广州,1,2\n注：初步数。\n", "call": "read",
         "notes_rows": [3], "values": {"地区": ["广州"]}},
        {"id": "note_split_over_cells", "csv": "地区,GDP,人口\n广州,1,2\n注：,初步数,\n", "call": "read",
         "notes_rows": [3], "values": {"地区": ["广州"]}},
        {"id": "xlsx_data_after_notes", "xlsx": [["地区", "GDP"], ["广州", 1], ["注：初步数"], ["深圳", 2]],
         "call": "read", "raises": (ValueError, r"case\.xlsx: row 4 holds data below the notes that start at row 3")},
        {"id": "note_english", "csv": "city,gdp,pop\nGuangzhou,1,2\nSource: NBS\n", "call": "read",
         "notes_rows": [3]},
        {"id": "note_continuation_lines", "csv": "地区,GDP,人口\n广州,1,2\n注：\n1. 初步数\n2. 含港澳\n", "call": "read",
         "notes_rows": [3, 4, 5], "values": {"GDP": [1]}},
        {"id": "footnote_definition", "csv": "地区,GDP,人口\n广州,1*,2\n* 初步数\n", "call": "read",
         "footnotes": [3], "values": {"GDP": [1]}},
        {"id": "footnote_circled_definition", "csv": "地区,GDP,人口\n广州,1①,2\n①含开发区\n", "call": "read",
         "footnotes": [3], "values": {"GDP": [1]}},
        {"id": "website_below_table", "csv": "地区,GDP,人口\n广州,1,2\n首发论坛：经济学家bbs.jjxj.org,,\n",
         "call": "read", "notes_rows": [3], "values": {"地区": ["广州"]}},
        {"id": "data_after_notes", "csv": "地区,GDP,人口\n广州,1,2\n注：初步数\n深圳,3,4\n", "call": "read",
         "raises": (ValueError, r"line 4 holds data below the notes that start at line 3")},
        {"id": "header_with_blank_cells", "csv": "地区,,GDP\n广州,x,1\n深圳,y,2\n", "call": "read",
         "columns": ["地区", "column_2", "GDP"], "header_rows": [1], "values": {"地区": ["广州", "深圳"]}},
        {"id": "header_mostly_blank", "csv": ",,,GDP\n广州,a,b,1\n深圳,c,d,2\n", "call": "read",
         "header_rows": [1], "values": {"GDP": [1, 2]}, "note": "column 1 has no header"},
        {"id": "first_data_row_kept", "csv": "地区,,,GDP\n广州,,,1\n", "call": "read",
         "values": {"地区": ["广州"], "GDP": [1]}, "columns": ["地区", "GDP"]},
        {"id": "two_row_merged_header", "csv": "地区,人口数,,\n,合计,男,女\n广州,3,2,1\n", "call": "read",
         "columns": ["地区", "人口数_合计", "人口数_男", "人口数_女"], "header_rows": [1, 2],
         "values": {"人口数_女": [1]}},
        {"id": "three_row_header", "csv": "地区,人口,,,\n,城镇,,乡村,\n,男,女,男,女\n广州,1,2,3,4\n", "call": "read",
         "columns": ["地区", "人口_城镇_男", "人口_城镇_女", "人口_乡村_男", "人口_乡村_女"], "header_rows": [1, 2, 3]},
        {"id": "year_header_row", "csv": "地区,GDP,\n,2019,2020\n广州,1,2\n", "call": "read",
         "columns": ["地区", "GDP_2019", "GDP_2020"], "values": {"GDP_2020": [2]}},
        {"id": "numeric_year_headers", "csv": "地区,2019,2020\n广州,1,2\n", "call": "read",
         "columns": ["地区", "2019", "2020"], "values": {"2019": [1]}},
        {"id": "data_row_all_missing_not_header", "csv": "地区,GDP,人口\n珠海,—,—\n广州,1,2\n", "call": "read",
         "values": {"地区": ["珠海", "广州"]}, "header_rows": [1]},
        {"id": "data_row_blank_values_not_header", "csv": "地区,省,GDP\n广州,广东,\n深圳,广东,3\n", "call": "read",
         "values": {"地区": ["广州", "深圳"], "GDP": [NAN, 3]}, "header_rows": [1]},
        {"id": "header_space_kept", "csv": "city,gdp value\n广州,1\n", "call": "read", "columns": ["city", "gdp value"]},
        {"id": "header_ends_stripped", "csv": " city , gdp \n广州,1\n", "call": "read", "columns": ["city", "gdp"]},
        {"id": "header_line_break", "csv": "地区,\"地区生产总值\n（亿元）\"\n广州,1\n", "call": "read",
         "columns": ["地区", "地区生产总值（亿元）"], "values": {"地区生产总值（亿元）": [1]}},
        {"id": "header_line_break_latin", "csv": "city,\"GDP\nvalue\"\n广州,1\n", "call": "read",
         "columns": ["city", "GDP value"]},
        {"id": "duplicate_headers", "csv": "地区,GDP,GDP\n广州,1,2\n", "call": "read",
         "columns": ["地区", "GDP", "GDP_2"], "note": "header 'GDP' repeats"},
        {"id": "empty_row_line_numbers", "csv": "地区,GDP\n广州,1\n\n深圳,—\n", "call": "read",
         "missing_rows": {"GDP": [4]}, "values": {"地区": ["广州", "深圳"]}},
        {"id": "empty_rows_before_header", "csv": "\n\n地区,GDP\n广州,—\n", "call": "read",
         "header_rows": [3], "missing_rows": {"GDP": [4]}},
        {"id": "quoted_newline_line_numbers", "csv": "地区,说明,GDP\n广州,\"a\nb\",1\n深圳,c,—\n", "call": "read",
         "missing_rows": {"GDP": [4]}},
        {"id": "blank_column_dropped", "csv": "地区,,GDP\n广州,,1\n", "call": "read", "columns": ["地区", "GDP"]},
        {"id": "trailing_commas", "csv": "地区,GDP,,\n广州,1,,\n", "call": "read", "columns": ["地区", "GDP"]},
        {"id": "short_rows_padded", "csv": "地区,GDP,人口\n广州,1\n深圳,2,3\n", "call": "read",
         "values": {"人口": [NAN, 3]}, "note": r"fewer fields than the header.*lines \[2\]"},
        {"id": "ragged_unquoted_thousands", "csv": "地区,GDP\n广州,28,839\n深圳,32387\n", "call": "read",
         "raises": (ValueError, r"line 2 \(3 fields\).*unquoted thousands separator")},
        {"id": "ragged_many", "csv": "地区,GDP\n" + "".join(f"c{i},1,234\n" for i in range(12)), "call": "read",
         "raises": (ValueError, r"12 row\(s\) have more fields than the header \(2\): line 2 .* and 2 more")},
        {"id": "ragged_tab", "csv": "地区\tGDP\n广州\t1\t2\n深圳\t3\n", "call": "read",
         "raises": (ValueError, r"line 2 \(3 fields\)")},
        {"id": "semicolon_delimiter", "csv": "地区;GDP\n广州;\"1,5\"\n深圳;2\n", "call": "read",
         "values": {"GDP": [1.5, 2.0]}},
        {"id": "tab_delimiter", "csv": "地区\tGDP\n广州\t1,234\n深圳\t2\n", "call": "read", "values": {"GDP": [1234, 2]}},
        {"id": "pipe_delimiter", "csv": "地区|GDP\n广州|1\n", "call": "read", "values": {"GDP": [1]}},
        {"id": "single_column", "csv": "地区\n广州\n深圳\n", "call": "read", "values": {"地区": ["广州", "深圳"]}},
        {"id": "header_only", "csv": "地区,GDP\n", "call": "read", "columns": ["地区", "GDP"],
         "note": "no data rows"},
        {"id": "unclosed_quote", "csv": "地区,GDP\n广州,\"1\n深圳,2\n", "call": "read",
         "raises": (ValueError, r"line 2")},
        {"id": "mixed_decimal_styles", "csv": "地区,GDP\n广州,\"12,5\"\n深圳,12.5\n", "call": "read",
         "kind": {"GDP": "text"}, "note": "stays text"},
        {"id": "decimal_comma_column", "csv": "地区;GDP\n广州;12,5\n深圳;1.234,5\n珠海;1,234\n", "call": "read",
         "values": {"GDP": [12.5, 1234.5, 1.234]}, "converted": {"GDP": {"decimal comma": 3}}},
        {"id": "thousands_column_dot_style", "csv": "地区,GDP\n广州,\"1,234\"\n深圳,12.5\n", "call": "read",
         "values": {"GDP": [1234.0, 12.5]}},
        {"id": "eu_thousands_in_comma_column", "csv": "地区;GDP\n广州;12,5\n深圳;1.234\n", "call": "read",
         "values": {"GDP": [12.5, 1234.0]}},
        {"id": "integers_stay_integer", "csv": "地区,n\n广州,1\n深圳,2\n", "call": "read", "kind": {"n": "integer"}},
        {"id": "decimals_stay_float", "csv": "地区,n\n广州,1.0\n深圳,2.0\n", "call": "read", "kind": {"n": "number"}},
        {"id": "all_missing_column", "csv": "地区,n\n广州,—\n深圳,\n", "call": "read", "kind": {"n": "empty"}},
        {"id": "crlf_line_endings", "raw": "地区,GDP\r\n广州,1\r\n\r\n深圳,—\r\n".encode(), "call": "read",
         "missing_rows": {"GDP": [4]}},
        {"id": "cr_only_line_endings", "raw": "地区,GDP\r广州,1\r深圳,—\r".encode(), "call": "read",
         "missing_rows": {"GDP": [3]}},
        {"id": "no_header_row", "csv": "广州,100\n深圳,200\n", "call": "read",
         "raises": (ValueError, r"first row of the table \(line 1\) holds numbers \(\['100'\]\).*Add a header row")},
        {"id": "no_header_after_title", "csv": "表1 各市GDP\n广州,100,3\n深圳,200,4\n", "call": "read",
         "raises": (ValueError, r"line 2 \(3 fields\).*header \(line 1\) has one cell \('表1 各市GDP'\): a title above")},
        {"id": "single_label_then_data", "csv": "地区,,\n广州,1,2\n", "call": "read",
         "columns": ["地区", "column_2", "column_3"], "values": {"地区": ["广州"]}},
        {"id": "infinite_number_text", "csv": "地区,GDP\n广州,1e400\n深圳,1\n", "call": "read",
         "kind": {"GDP": "text"}, "text": {"GDP": [2]}},
        {"id": "inf_word_text", "csv": "地区,GDP\n广州,inf\n深圳,1\n", "call": "read", "kind": {"GDP": "text"}},
        {"id": "letter_suffix_ids_stay_text", "csv": "地区,编号\n广州,12a\n深圳,13b\n珠海,14c\n", "call": "read",
         "kind": {"编号": "text"}, "values": {"编号": ["12a", "13b", "14c"]}},
        {"id": "letter_footnote_minority", "csv": "地区,GDP\n广州,12a\n深圳,13\n珠海,14\n", "call": "read",
         "values": {"GDP": [12, 13, 14]}, "converted": {"GDP": {"footnote": 1}}},
        {"id": "unit_suffix_not_footnote", "csv": "地区,面积\n广州,12km\n深圳,13\n", "call": "read",
         "kind": {"面积": "text"}, "text": {"面积": [2]}},
        {"id": "mixed_percent_noted", "csv": "地区,比重\n广州,12%\n深圳,0.3\n", "call": "read",
         "values": {"比重": [12.0, 0.3]}, "note": r"1 cell\(s\) written with % and 1 without"},
    ]  # fmt: skip


def _encoding_cases():
    text = "地区,GDP\n广州,1\n"
    return [
        {"id": "utf8", "raw": text.encode("utf-8"), "call": "read", "encoding": "utf-8", "values": {"地区": ["广州"]}},
        {"id": "utf8_bom", "raw": text.encode("utf-8-sig"), "call": "read", "encoding": "utf-8-sig",
         "columns": ["地区", "GDP"]},
        {"id": "gbk", "raw": text.encode("gbk"), "call": "read", "encoding": "gb18030", "values": {"地区": ["广州"]}},
        {"id": "gb18030_rare_char", "raw": "地区,GDP\n鄠邑区,1\n亳州,2\n".encode("gb18030"), "call": "read",
         "values": {"地区": ["鄠邑区", "亳州"]}},
        {"id": "utf16_bom", "raw": text.encode("utf-16"), "call": "read", "encoding": "utf-16",
         "values": {"地区": ["广州"]}},
        {"id": "latin1_as_gb18030", "raw": "city,name\nZürich,Genève\nMünchen,Köln\n".encode("latin-1"), "call": "read",
         "raises": (ValueError, r"implausible characters.*tried utf-8, gb18030.*encoding='cp1252'")},
        {"id": "cp1252_undecodable", "raw": "city,v\nS\xe3o,1\n".encode("latin-1"), "call": "read",
         "raises": (ValueError, r"tried utf-8, gb18030")},
        {"id": "latin1_forced", "raw": "city,v\nZürich,1\n".encode("latin-1"), "call": "read",
         "kwargs": {"encoding": "latin-1"}, "values": {"city": ["Zürich"]}},
        {"id": "wrong_forced_encoding", "raw": "地区,v\n广州,1\n".encode("gbk"), "call": "read",
         "kwargs": {"encoding": "utf-8"}, "raises": (ValueError, r"cannot be read as utf-8")},
        {"id": "ascii_only", "raw": b"city,v\nGuangzhou,1\n", "call": "read", "values": {"city": ["Guangzhou"]}},
        {"id": "empty_file", "raw": b"", "call": "read", "raises": (ValueError, r"case\.csv: the file is empty")},
        {"id": "whitespace_file", "raw": b"  \n\n \n", "call": "read", "raises": (ValueError, r"case\.csv: the file is empty")},
        {"id": "only_commas", "raw": b",,\n,,\n", "call": "read", "raises": (ValueError, r"holds only empty rows")},
        {"id": "binary_nul", "raw": b"a,b\n\x00\x01,2\n", "call": "read", "raises": (ValueError, r"NUL bytes")},
        {"id": "xlsx_named_csv", "raw": b"PK\x03\x04rest", "call": "read", "raises": (ValueError, r"zip archive.*\.xlsx")},
        {"id": "xls_named_csv", "raw": b"\xd0\xcf\x11\xe0rest", "call": "read", "raises": (ValueError, r"old Excel")},
        {"id": "only_title", "csv": "各市GDP\n", "call": "read", "columns": ["各市GDP"]},
    ]  # fmt: skip


def _excel_cases():
    return [
        {"id": "xlsx_title_unit_header", "xlsx": [["表 3-1 各市地区生产总值"], ["单位：亿元"], ["地区", "GDP"],
                                                   ["广州市", 25019.11], ["东莞市", "—"]],
         "call": "read", "header_rows": [3], "unit_rows": [2], "values": {"GDP": [25019.11, NAN]},
         "missing_rows": {"GDP": [5]}},
        {"id": "xlsx_header_with_blanks", "xlsx": [["地区", None, None, "GDP"], ["广州", 1, 2, 3]], "call": "read",
         "header_rows": [1], "values": {"地区": ["广州"], "GDP": [3]}},
        {"id": "xlsx_merged_header", "xlsx": [["地区", "人口数", None, None], [None, "合计", "男", "女"], ["广州", 3, 2, 1]],
         "merge": ["A1:A2", "B1:D1"], "call": "read",
         "columns": ["地区", "人口数_合计", "人口数_男", "人口数_女"], "header_rows": [1, 2]},
        {"id": "xlsx_empty_row_numbers", "xlsx": [["地区", "GDP"], ["广州", 1], [None, None], ["深圳", "…"]],
         "call": "read", "missing_rows": {"GDP": [4]}},
        {"id": "xlsx_leading_empty_rows", "xlsx": [[None], [None], ["地区", "GDP"], ["广州", "/"]], "call": "read",
         "header_rows": [3], "missing_rows": {"GDP": [4]}},
        {"id": "xlsx_error_cells", "xlsx": [["地区", "GDP"], ["广州", "#DIV/0!"], ["深圳", 2]], "call": "read",
         "values": {"GDP": [NAN, 2]}, "missing_rows": {"GDP": [2]}},
        {"id": "xlsx_text_numbers", "xlsx": [["地区", "GDP"], ["广州", "1,234.5"], ["深圳", 2]], "call": "read",
         "values": {"GDP": [1234.5, 2.0]}, "converted": {"GDP": {"thousands": 1}}},
        {"id": "xlsx_notes_below", "xlsx": [["地区", "GDP", "人口"], ["广州", 1, 2], ["注：初步数"], ["资料来源：统计局"]],
         "call": "read", "notes_rows": [3, 4]},
        {"id": "xlsx_header_line_break", "xlsx": [["地区", "性别比\n（女=100）"], ["广州", 104.5]], "call": "read",
         "columns": ["地区", "性别比（女=100）"]},
        {"id": "xlsx_header_space", "xlsx": [["city", "gdp value"], ["广州", 1]], "call": "read",
         "columns": ["city", "gdp value"]},
        {"id": "xlsx_numeric_header", "xlsx": [["地区", 2019, 2020], ["广州", 1, 2]], "call": "read",
         "columns": ["地区", "2019", "2020"]},
        {"id": "xlsx_empty_sheet", "xlsx": [], "call": "read", "raises": (ValueError, r"case\.xlsx: sheet 'Sheet' is empty")},
        {"id": "xlsx_bad_sheet_index", "xlsx": [["a"], [1]], "call": "read", "kwargs": {"sheet": 3},
         "raises": (ValueError, r"case\.xlsx: has 1 sheet\(s\) \['Sheet'\]; sheet=3 does not exist")},
        {"id": "xlsx_bad_sheet_name", "xlsx": [["a"], [1]], "call": "read", "kwargs": {"sheet": "GDP"},
         "raises": (ValueError, r"case\.xlsx: no sheet 'GDP'; sheets are \['Sheet'\]")},
        {"id": "xlsx_corrupt", "raw": b"PK\x03\x04garbage", "suffix": ".xlsx", "call": "read",
         "raises": (ValueError, r"case\.xlsx: not a readable Excel workbook")},
        {"id": "xlsx_is_text", "raw": "地区,GDP\n广州,1\n".encode(), "suffix": ".xlsx", "call": "read",
         "raises": (ValueError, r"case\.xlsx: not a readable Excel workbook")},
        {"id": "xls_needs_xlrd", "raw": b"\xd0\xcf\x11\xe0", "suffix": ".xls", "call": "read",
         "raises": (ImportError, r"case\.xls: reading \.xls files needs the xlrd package")},
    ]  # fmt: skip


def _frame_cases():
    return [
        {"id": "frame_text_numbers", "frame": pd.DataFrame({"city": ["广州", "深圳"], "gdp": ["1,234", "—"]}),
         "call": "read", "values": {"gdp": [1234, NAN]}, "missing_rows": {"gdp": [1]}},
        {"id": "frame_numeric_untouched", "frame": pd.DataFrame({"city": ["广州"], "gdp": [1.5]}), "call": "read",
         "values": {"gdp": [1.5]}},
        {"id": "frame_index_labels_as_rows", "frame": pd.DataFrame({"gdp": ["1", "-"]}, index=[10, 20]),
         "call": "read", "missing_rows": {"gdp": [20]}},
        {"id": "frame_text_kept", "frame": pd.DataFrame({"city": ["  广州", "深圳"]}), "call": "read",
         "values": {"city": ["  广州", "深圳"]}},
        {"id": "frame_mixed_text", "frame": pd.DataFrame({"gdp": ["1", "n.a"]}), "call": "read",
         "kind": {"gdp": "text"}, "values": {"gdp": ["1", "n.a"]}},
    ]  # fmt: skip


def _join_cases():
    big = "区划代码,地区,人口\n440000,广东省,300\n440100,广州市,100\n440103,荔湾区,40\n440104,越秀区,60\n" \
          "440300,深圳市,200\n440303,罗湖区,80\n440304,福田区,120\n"  # fmt: skip
    return [
        {"id": "join_text_numbers", "csv": "地区,GDP\n广州,\"28,839\"\n深圳,—\n", "call": "join",
         "unit_values": {("440100", "GDP"): 28839}, "join_note": r"column 'GDP': 1 cell\(s\) missing"},
        {"id": "join_percent", "csv": "地区,比重\n广州,12.5%\n", "call": "join",
         "unit_values": {("440100", "比重"): 12.5}},
        {"id": "join_hierarchy_by_code_auto", "csv": big, "call": "join",
         "unit_values": {("440100", "人口"): 100, ("440300", "人口"): 200}, "level": "prefecture",
         "outcomes": ["total", "joined", "part", "part", "joined", "part", "part"]},
        {"id": "join_hierarchy_sum_rolls_up", "csv": big, "call": "join", "kwargs": {"agg": "sum"},
         "unit_values": {("440100", "人口"): 100, ("440300", "人口"): 200}, "level": "county",
         "outcomes": ["total", "checked", "rolled_up", "rolled_up", "checked", "rolled_up", "rolled_up"]},
        {"id": "join_hierarchy_by_parent_name_sum", "csv": "市,区县,人口\n广州市,广州市,100\n广州市,荔湾区,40\n"
                                                          "广州市,越秀区,60\n",
         "call": "join", "kwargs": {"on": "市", "agg": "sum"}, "unit_values": {("440100", "人口"): 100}},
        {"id": "join_counties_only_refused", "csv": "区县,人口\n荔湾区,40\n越秀区,60\n罗湖区,80\n广州市,100\n",
         "call": "join", "raises": (ValueError, r"440300 \(rows \[4\]…\).*level='county'")},
        {"id": "join_counties_only_rolled", "csv": "区县,人口\n荔湾区,40\n越秀区,60\n罗湖区,80\n广州市,100\n",
         "call": "join", "kwargs": {"level": "county"},
         "unit_values": {("440100", "人口"): 100, ("440300", "人口"): 80}},
        {"id": "join_mismatch_reported", "csv": "区划代码,人口\n440100,100\n440103,40\n440104,50\n", "call": "join",
         "kwargs": {"on": "区划代码", "level": "county"}, "unit_values": {("440100", "人口"): 90},
         "join_note": r"440100 \(10\.0 % in '人口', row 2\)"},
        {"id": "join_rate_not_summed", "csv": "区划代码,人口,性别比\n440100,100,104\n440103,40,100\n440104,60,110\n",
         "call": "join", "kwargs": {"level": "county"},
         "unit_values": {("440100", "人口"): 100, ("440100", "性别比"): 104}, "join_note": r"not summed.*性别比"},
        {"id": "join_missing_part_not_summed", "csv": "区划代码,人口\n440103,40\n440104,—\n", "call": "join",
         "kwargs": {"on": "区划代码", "level": "county"}, "unit_values": {("440100", "人口"): NAN}},
        {"id": "join_municipality_twin_rows_equal", "csv": "区划代码,人口\n110000,5\n110100,5\n", "call": "join",
         "kwargs": {"on": "区划代码"}, "unit_values": {("110100", "人口"): 5}},
        {"id": "join_municipality_twin_rows_differ", "csv": "区划代码,人口\n110000,5\n110100,6\n", "call": "join",
         "kwargs": {"on": "区划代码", "agg": "sum"}, "raises": (ValueError, r"unit 110100 has 2 total rows with different values \(row 2, row 3\)")},
        {"id": "join_municipality_district_row", "csv": "区划代码,区县,人口\n110000,北京市,10\n110100,市辖区,10\n"
                                                        "110101,东城区,4\n110102,西城区,6\n",
         "call": "join", "kwargs": {"agg": "sum"}, "unit_values": {("110100", "人口"): 10}},
        {"id": "join_chongqing_parts", "csv": "区划代码,区县,人口\n500000,重庆市,30\n500100,市辖区,20\n500101,万州区,20\n"
                                             "500200,县,10\n500229,城口县,10\n",
         "call": "join", "kwargs": {"agg": "sum"}, "unit_values": {("500100", "人口"): 30},
         "outcomes": ["checked", "part", "rolled_up", "part", "rolled_up"]},
        {"id": "join_level_county_without_counties", "csv": "地区,人口\n广州,1\n", "call": "join",
         "kwargs": {"level": "county"}, "raises": (ValueError, r"level='county': no row .* county-level")},
        {"id": "join_bad_level", "csv": "地区,人口\n广州,1\n", "call": "join", "kwargs": {"level": "town"},
         "raises": (ValueError, r"level must be one of")},
        {"id": "join_ragged_file", "csv": "地区,GDP\n广州,28,839\n", "call": "join",
         "raises": (ValueError, r"line 2 \(3 fields\)")},
        {"id": "join_empty_file", "raw": b"", "call": "join", "raises": (ValueError, r"case\.csv: the file is empty")},
        {"id": "join_read_report_attached", "csv": "单位：亿元\n地区,GDP\n广州,1\n", "call": "join",
         "join_note": r"1 unit row\(s\) removed"},
        {"id": "join_line_numbers", "csv": "地区,GDP\n广州,1\n\n东筦,2\n", "call": "join", "lines": [2, 4]},
        {"id": "join_typo_not_positional", "csv": "地区,GDP\n深圳,1\n东筦,2\n", "call": "join",
         "outcomes": ["joined", "unmatched"]},
        {"id": "join_county_name_disambiguated_by_parent", "csv": "市,区县,人口\n北京市,朝阳区,5\n长春市,朝阳区,7\n",
         "call": "join", "kwargs": {"on": "区县", "level": "county"},
         "unit_values": {("110100", "人口"): 5, ("220100", "人口"): 7}},
        {"id": "join_county_name_ambiguous", "csv": "区县,人口\n朝阳区,5\n", "call": "join",
         "kwargs": {"on": "区县", "level": "county"},
         "raises": (ValueError, r"no row of the table is a county-level unit.*row 2: county name 朝阳区 is in several")},
        {"id": "join_rollup_refuses_unknown_rows", "csv": "区划代码,区县,人口\n440100,广州市,100\n440103,荔湾区,40\n"
                                                         ",乱码,60\n",
         "call": "join", "kwargs": {"on": "区划代码", "agg": "sum"},
         "raises": (ValueError, r"cannot roll up: 1 row\(s\) .*row 4 .*no such unit")},
        {"id": "join_prefecture_rows_with_unknown_reported", "csv": "区划代码,区县,人口\n440100,广州市,100\n"
                                                                   "440103,荔湾区,40\n,乱码,60\n",
         "call": "join", "kwargs": {"on": "区划代码"}, "unit_values": {("440100", "人口"): 100},
         "outcomes": ["joined", "part", "unmatched"]},
        {"id": "join_urban_districts_beside_city", "csv": "地区,人口\n广州市,100\n广州市区,60\n深圳市,200\n",
         "call": "join", "kwargs": {"agg": "sum"}, "unit_values": {("440100", "人口"): 100},
         "outcomes": ["joined", "part", "joined"]},
        {"id": "join_district_subtotal_beside_city", "csv": "地区,人口\n广州市,100\n广州市市辖区,60\n深圳市,200\n",
         "call": "join", "kwargs": {"agg": "sum"}, "unit_values": {("440100", "人口"): 100}},
        {"id": "join_municipal_districts_whole", "csv": "区划代码,区县,人口\n110100,市辖区,10\n440100,广州市,5\n",
         "call": "join", "kwargs": {"on": "区划代码"}, "unit_values": {("110100", "人口"): 10}},
        {"id": "join_municipal_districts_part", "csv": "区划代码,区县,人口\n500100,市辖区,20\n500200,县,10\n"
                                                       "440100,广州市,5\n",
         "call": "join", "kwargs": {"on": "区划代码", "agg": "sum"}, "unit_values": {("500100", "人口"): NAN},
         "outcomes": ["part", "part", "joined"]},
        {"id": "join_rollup_refusal_names_row", "csv": "区划代码,区县,人口\n440100,广州市,100\n440103,荔湾区,40\n"
                                                      ",加格达奇,60\n",
         "call": "join", "kwargs": {"on": "区划代码", "level": "county"},
         "raises": (ValueError, r"row 4 \(empty\): 加格达奇: no such unit")},
        {"id": "join_bad_agg", "csv": "地区,人口\n广州,1\n", "call": "join", "kwargs": {"agg": "bogus"},
         "raises": (ValueError, r"agg must be one of .*got 'bogus'")},
        {"id": "join_bad_agg_in_dict", "csv": "地区,人口\n广州,1\n", "call": "join", "kwargs": {"agg": {"人口": "add"}},
         "raises": (ValueError, r"got 'add'")},
        {"id": "join_rollup_agg_unknown_column", "csv": "区划代码,人口\n440100,100\n440103,40\n", "call": "join",
         "kwargs": {"on": "区划代码", "level": "county", "agg": {"GDP": "sum"}},
         "raises": (ValueError, r"agg names columns that cannot be rolled up: \['GDP'\]")},
        {"id": "join_rollup_agg_text_column", "csv": "区划代码,区县,人口\n440100,广州市,100\n440103,荔湾区,40\n",
         "call": "join", "kwargs": {"on": "区划代码", "level": "county", "agg": {"区县": "sum"}},
         "raises": (ValueError, r"cannot be rolled up: \['区县'\]")},
        {"id": "join_rollup_agg_dict_mean", "csv": "区划代码,人口,比率\n440100,100,5\n440103,40,4\n440104,60,8\n",
         "call": "join", "kwargs": {"on": "区划代码", "level": "county", "agg": {"人口": "sum", "比率": "mean"}},
         "unit_values": {("440100", "人口"): 100, ("440100", "比率"): 6.0}},
        {"id": "join_own_adcode_column_kept", "csv": "city,adcode,v\n广州,999,1\n", "call": "join",
         "kwargs": {"on": "city"}, "unit_values": {("440100", "adcode_table"): 999},
         "join_note": r"own 'adcode' column .* kept as 'adcode_table'"},
        {"id": "join_long_missing_year", "csv": "city,year,ind,v\n广州,2019,gdp,1\n广州,,gdp,2\n", "call": "join",
         "kwargs": {"on": "city", "long": {"indicator": "ind", "value": "v", "year": "year"}},
         "raises": (ValueError, r"1 row\(s\) have no 'year' label \(rows \[3\]\)")},
        {"id": "join_long_missing_indicator", "csv": "city,ind,v\n广州,gdp,1\n深圳,,2\n", "call": "join",
         "kwargs": {"on": "city", "long": {"indicator": "ind", "value": "v"}},
         "raises": (ValueError, r"no 'ind' label \(rows \[3\]\)")},
        {"id": "join_long_year_labels", "frame": pd.DataFrame({"city": ["广州", "广州"], "year": [2019.0, 2020.0],
                                                               "ind": ["gdp", "gdp"], "v": [1, 2]}),
         "call": "join", "kwargs": {"on": "city", "long": {"indicator": "ind", "value": "v", "year": "year"}},
         "unit_values": {("440100", "gdp_2019"): 1, ("440100", "gdp_2020"): 2}},
        {"id": "join_duplicates_name_lines", "csv": "地区,v\n广州,1\n\n广州市,2\n深圳,3\n", "call": "join",
         "raises": (ValueError, r"440100 广州市: rows \[2, 4\] \(广州, 广州市\)")},
        {"id": "join_strict_names_line", "csv": "地区,v\n广州,1\n\n东筦,2\n", "call": "join",
         "kwargs": {"strict": True}, "raises": (ValueError, r"line 4 '东筦'")},
        {"id": "join_excel_rows_named", "xlsx": [["表1"], ["地区", "v"], ["广州", 1], ["东筦", 2]], "call": "join",
         "kwargs": {"strict": True}, "raises": (ValueError, r"row 4 '东筦'")},
    ]  # fmt: skip


CASES = (
    _number_cases() + _code_cases() + _layout_cases() + _encoding_cases() + _excel_cases() + _frame_cases()
)
CASES += _join_cases()
