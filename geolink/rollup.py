"""Tables that hold totals beside their parts: recognise each row's level, never add a total to its parts.

Yearbook and census sheets list the nation, each province, each prefecture
(its subtotal row) and its counties in one table.  Summing every row that
belongs to a prefecture would count it two or three times.  :func:`classify`
gives every row a level —

* ``total``: the nation or a province (several units);
* ``unit``: a whole prefecture-level unit (its subtotal row, a municipality's
  province-level row ``110000``, a province-administered county-level city);
* ``part``: a subtotal of part of a unit (``市辖区``, ``县``, ``市区``,
  ``省直辖县级行政区划``);
* ``county``: a county-level row and the unit it belongs to;
* ``unknown``: none of these (with the reason)

— from a 6-digit code where the row has one (``xx0000`` province,
``xxxx00`` prefecture, other county; the county → prefecture link from the
bundled county list, else from the code itself), else from its name
(:func:`geolink.resolve_names` and the bundled county list, a county name
found in several prefectures decided by the table's own prefecture column
or by the prefecture row above it).  :func:`combine` then gives one row per
unit: the unit's own row (``level='prefecture'``) or the sum of its county
rows (``level='county'``), checked against the unit's row where both exist.

County rows roll up by the administrative hierarchy, or, with a reporting
definition (:func:`statistical_definitions`, ``definition='statistical'``
in :func:`geolink.join`), by where the prefectures' own statistics count
them: :func:`reassign` says which rows go elsewhere and :func:`combine`
sums them there, checking each unit's own row by the hierarchy still.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geolink._paths import bundled
from geolink.boundaries import prefectures
from geolink.names import counties, name_key, normalise, resolve_names
from geolink.tables import PROVINCE_PREFIXES as _PROVINCES

LEVELS = ("auto", "prefecture", "county")
#: How county rows roll up: by the division hierarchy, or by the prefectures' reporting definitions.
DEFINITIONS = ("administrative", "statistical")
#: Relative difference (%) between a unit's row and the sum of its county rows that is reported.
TOLERANCE_PCT = 0.5
_CODE = re.compile(r"^\d{6}(\d{6})?$")
_PART = re.compile(r"(市辖区|^县$|直辖县级|^其中|小计)")
_TODAY = re.compile(r"today part of \S+ \((\d{6})\)$")
# a former province-administered county-level unit (xx90xx, never subdivided) that became part of another unit
_FORMER_DIRECT = re.compile(r"^\S+ \(\d\d90\d\d, \d{4}–\d{4}\) became .*; not in use in \d{4}")
_BELOW_COUNTY = re.compile(r"(区|县|旗|群岛|海域|园|镇|乡|街道|农场|林场)$")
#: headers of rates, shares, ratios and per-capita values: never summed over rows
INTENSIVE = re.compile(
    r"(比重|比例|比率|性别比|率|%|％|人均|平均|均值|指数|密度|规模|ratio|rate|share|per[ _]|percent|index|density|"
    r"average|mean)",
    re.I,
)


@dataclass
class RollUp:
    """The table reduced to one row per unit, and what happened to each input row.

    ``data``: one row per prefecture-level unit (``adcode`` and the value
    columns).  ``rows``: per input row its ``level``, ``unit`` (the adcode it
    is or belongs to), ``outcome`` and ``how``.  ``check``: per unit built
    from county rows, the number of ``parts``, the ``total_row`` it was
    compared with, and the largest relative difference ``diff_pct`` with its
    ``column``.  ``definition``: how county rows were assigned to units
    (``'administrative'``, ``'statistical'`` or ``'table'`` for a definitions
    table of the caller's); ``reassigned``: with a reporting definition, one
    row per input row it counted elsewhere than the hierarchy does and per
    zone it could not apply (see :func:`reassign`).
    """

    level: str
    data: pd.DataFrame
    rows: pd.DataFrame
    check: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    definition: str = "administrative"
    reassigned: pd.DataFrame | None = None

    @property
    def mismatches(self) -> pd.DataFrame:
        return self.check[self.check["diff_pct"] > TOLERANCE_PCT]


@functools.cache
def _units() -> tuple[frozenset, frozenset]:
    units = prefectures()
    municipal = frozenset(units.loc[units["level"] == "municipality", "adcode"])
    return frozenset(units["adcode"]), municipal


@functools.cache
def _county_lookup() -> tuple[dict, dict]:
    """county code → prefecture adcode; normalised county name → prefecture adcodes."""
    table = counties()
    by_code = dict(zip(table["adcode"], table["prefecture_adcode"], strict=True))
    by_name: dict[str, list[str]] = {}
    for name, parent in zip(table["name"], table["prefecture_adcode"], strict=True):
        bucket = by_name.setdefault(normalise(name), [])
        if parent not in bucket:
            bucket.append(parent)
    return by_code, by_name


def _code_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer()):
        value = str(int(value))
    text = str(value).strip()
    return text if _CODE.match(text) and text[:2] in _PROVINCES else None


def _records(res: pd.DataFrame) -> list[dict]:
    """resolve_names rows as dicts with None (not NaN) where empty."""
    return [{k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in r.items()}
            for r in res.to_dict("records")]  # fmt: skip


def _first(res: pd.DataFrame) -> dict:
    return _records(res)[0]


def _code_column(frame: pd.DataFrame, key: str) -> str | None:
    """The column of 6-digit division codes: the key if it is one, else the first such column."""
    report = frame.attrs.get("read_report")
    for col in [key, *[c for c in frame.columns if c != key]]:
        values = frame[col].dropna()
        if (
            report is not None
            and col in report.columns
            and report.columns[col].kind not in ("code", "integer")
        ):
            continue
        if len(values) and values.map(_code_text).notna().mean() > 0.5:
            return col
    return None


def _name_columns(frame: pd.DataFrame, key: str, codes: str | None) -> tuple[str | None, str | None]:
    """(the column naming each row's own unit, a column naming the row's prefecture) among text columns."""
    texts = [
        c for c in frame.columns
        if c != codes and (frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype))
        and frame[c].dropna().astype(str).str.len().median() <= 30
    ]  # fmt: skip
    if not texts:
        return None, None
    _, by_name = _county_lookup()
    in_list = {c: frame[c].dropna().astype(str).map(name_key).isin(by_name).sum() for c in texts}
    own = max(texts, key=lambda c: (in_list[c], c == key, frame[c].nunique()))
    parent, best = None, 0.5
    for c in texts:
        if c == own:
            continue
        res = resolve_names(frame[c].drop_duplicates(), suggest=False)
        rate = res["adcode"].notna().mean()
        if rate > best:
            parent, best = c, rate
    return own, parent


def classify(frame: pd.DataFrame, key: str, *, year: int | None = None) -> pd.DataFrame:
    """The level of every row and the unit it is or belongs to.

    Parameters
    ----------
    frame : the table (as :func:`geolink.tables.read_table` returns it).
    key : the column naming the units (names or codes).
    year : the year the table's names and codes are valid in.

    Returns
    -------
    DataFrame, one row per input row: ``level`` (total / unit / part /
    county / unknown), ``unit`` (adcode, None for totals and unknown rows),
    ``how`` (the evidence).

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["440000", "440300", "440303", "440304"], "pop": [126, 17, 1, 2]})
    >>> classify(t, "code")[["level", "unit"]].values.tolist()
    [['total', None], ['unit', '440300'], ['county', '440300'], ['county', '440300']]
    """
    units, municipal = _units()
    by_code, by_name = _county_lookup()
    codes = _code_column(frame, key)
    own, parent_col = _name_columns(frame, key, codes)
    own_res = _records(resolve_names(frame[own], year=year, suggest=False)) if own else None
    parents = (
        [r["adcode"] for r in _records(resolve_names(frame[parent_col], year=year, suggest=False))]
        if parent_col
        else None
    )
    out, context, province = [], None, None
    code_values = frame[codes].tolist() if codes else [None] * len(frame)
    name_values = frame[own].tolist() if own else [None] * len(frame)
    other_names = frame[parent_col].tolist() if parent_col else [None] * len(frame)
    for i in range(len(frame)):
        code = _code_text(code_values[i])
        name = "" if name_values[i] is None or pd.isna(name_values[i]) else str(name_values[i])
        part_label = bool(_PART.search(normalise(name))) if name else False
        if code and code[:2] + "0100" in municipal and isinstance(other_names[i], str):
            part_label = part_label or bool(_PART.search(normalise(other_names[i])))  # 500100 市辖区
        level, unit, how = "unknown", None, ""
        if code:
            code, town = code[:6], code[6:] not in ("", "000000")
            if town:
                level, how = "unknown", f"12-digit code {code}…: below county level"
            elif code in units and not (code in municipal and part_label):
                level, unit, how = "unit", code, f"code {code}"
            elif code[2:] == "0000":
                m = code[:2] + "0100"
                level, unit, how = ("unit", m, f"code {code} (municipality)") if m in municipal else (
                    "total", None, f"province code {code}")  # fmt: skip
            elif code in by_code:
                level, unit, how = "county", by_code[code], f"code {code} in the county list"
            elif code[4:] == "00":
                r = _first(resolve_names([code], year=year, suggest=False))
                if r["adcode"] and not part_label:
                    level, unit, how = "unit", r["adcode"], f"code {code}: {r['note']}"
                elif code[:2] + "0100" in municipal or code[2:4] == "90" or part_label:
                    level, unit, how = "part", (code[:2] + "0100" if code[:2] + "0100" in municipal else None), (
                        f"code {code}: subtotal of part")  # fmt: skip
                else:
                    how = f"code {code}: {r['note'] or 'not a current prefecture-level unit'}"
            elif code[2:4] == "90":  # province-administered (儋州 469003 until 2015): the code names its unit
                r = _first(resolve_names([code], year=year, suggest=False))
                level, unit, how = ("unit", r["adcode"], f"code {code}: {r['note'] or 'province-administered'}") if (
                    r["adcode"]) else ("unknown", None, f"code {code}: {r['note']}")  # fmt: skip
            else:
                p = code[:2] + "0100" if code[:2] + "0100" in municipal else code[:4] + "00"
                r = _first(resolve_names([p], year=year, suggest=False)) if p not in units else None
                unit = p if p in units else r["adcode"]
                level, how = ("county", f"code {code} → prefecture code {p}") if unit else (
                    "unknown", f"code {code}: its prefecture {p}: {r['note']}")  # fmt: skip
        elif own_res is not None and name.strip():
            r = own_res[i]
            norm = name_key(name)
            if r["subtotal"] or part_label:
                if part_label or str(r["note"]).startswith("subtotal of part"):
                    level, unit, how = "part", context, f"subtotal of part ({name.strip()})"
                else:
                    level, how = "total", str(r["note"])
            elif r["adcode"] and (r.get("part") or "市区" in str(r["note"])):
                level, unit, how = "part", r["adcode"], "urban districts (市区) only"
            elif r["adcode"] and r["adcode"] == context and _FORMER_DIRECT.search(str(r["note"])):
                level, unit, how = "county", r["adcode"], f"{name.strip()}: {r['note']}; under that unit's row"
            elif r["adcode"]:
                level, unit, how = "unit", r["adcode"], f"name {name.strip()}"
            elif year is not None and r["status"] == "historical":  # a prefecture-level unit then (巢湖市 in 2005)
                how = f"{name.strip()}: {r['note']}"
            elif norm in by_name:
                cands = by_name[norm]
                hint = parents[i] if parents else None
                pick = [c for c in cands if c == hint] or [c for c in cands if c == context]
                pick = pick or [c for c in cands if province and c[:2] == province] or (
                    cands if len(cands) == 1 else [])  # fmt: skip
                if len(pick) == 1:
                    level, unit, how = "county", pick[0], f"county name {name.strip()} in the county list"
                else:
                    how = f"county name {name.strip()} is in several prefectures ({', '.join(cands)})"
            elif successor := _TODAY.search(str(r["note"])):  # a former county, today part of one unit
                level, unit, how = "county", successor[1], f"{name.strip()}: {r['note']}"
            elif parents and parents[i]:
                level, unit, how = (
                    "county",
                    parents[i],
                    f"not in the county list; prefecture from column {parent_col!r}",
                )
            elif context and _BELOW_COUNTY.search(norm) and not str(r["note"]).startswith("county-level"):
                level, unit, how = (
                    "by_position",
                    context,
                    "not in the county list; under the prefecture row above it",
                )
            else:
                how = f"{name.strip()}: {r['note'] or 'not a unit'}"
        else:
            how = "no code and no name"
        if level == "unit":
            context, province = unit, unit[:2]
        elif level == "county":
            context, province = unit, unit[:2]
        elif level == "total":
            context, province = None, code[:2] if code else province
        out.append({"level": level, "unit": unit, "how": how, "context": context})
    levels = pd.DataFrame(out, index=frame.index, dtype=object)
    _whole_districts(levels, [_code_text(c) for c in code_values], municipal)
    pending = levels["level"] == "by_position"
    if pending.any():  # trusted only in a table whose other rows show the yearbook hierarchy
        firm = levels[~pending]
        levels.loc[pending, "level"] = "county" if is_hierarchical(firm) else "unknown"
        if not is_hierarchical(firm):
            levels.loc[pending, ["unit", "how"]] = [None, "no such unit"]
    levels.attrs["id_columns"] = [codes, own, parent_col]
    return levels


def _whole_districts(levels: pd.DataFrame, codes: list, municipal: frozenset) -> None:
    """A municipality's 市辖区 row (xx0100) is the whole municipality when the table has no row of
    its own and no 县 (xx02..) rows for it (Beijing, Tianjin, Shanghai in 2020)."""
    prefixes = {c[:4] for c in codes if c}
    for m in municipal:
        rows = [i for i, c in zip(levels.index, codes, strict=True) if c == m]
        own = (levels["unit"] == m) & (levels["level"] == "unit")
        if rows and not own.any() and m[:2] + "02" not in prefixes and levels.loc[rows[0], "level"] == "part":
            levels.loc[rows[0], ["level", "how"]] = [
                "unit",
                f"code {m}: 市辖区 of a municipality without 县 rows",
            ]


def is_hierarchical(levels: pd.DataFrame) -> bool:
    """True when the table holds county rows beside rows of their prefectures or provinces.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["440300", "440303"], "pop": [17, 1]})
    >>> is_hierarchical(classify(t, "code")), is_hierarchical(classify(t.iloc[:1], "code"))
    (True, False)
    """
    return bool((levels["level"] == "county").any()) and bool(
        levels["level"].isin(["unit", "total", "part"]).any()
    )


@functools.cache
def _bundled_definitions() -> pd.DataFrame:
    table = pd.read_csv(bundled("boundaries") / "statistical_definitions.csv", dtype=str, keep_default_na=False)
    return table.astype({"first": int, "last": int})


def statistical_definitions(year: int | None = None) -> pd.DataFrame:
    """Where the prefectures' own statistics count county-level units and zones (the bundled table).

    The prefecture-level figures that cities publish (their census bulletins,
    their yearbooks) cover their *statistical* scope, which differs in places
    from the administrative hierarchy of county-level units: Hebei reports
    定州 and the three counties of 雄安新区 apart from 保定, Shaanxi reports
    杨凌 apart from 咸阳 and counts 西咸新区 in 西安, Xinjiang's prefectures
    count the XPCC cities founded since 2011 on their territory, …  Each row
    says which unit's statistics count a county-level unit (``kind='county'``)
    or a zone that is part of county-level units (``kind='zone'``), in which
    years, and on what evidence; provenance in ``boundaries/README.md``.

    Parameters
    ----------
    year : only the rows valid that year (None: all rows).

    Returns
    -------
    DataFrame
        ``code`` (the county-level code; empty for zones), ``name``, ``kind``,
        ``province``, ``administrative`` (the unit of :func:`geolink.prefectures`
        it belongs to in the hierarchy), ``statistical`` (the unit whose figures
        count it; None: reported apart from every prefecture-level unit),
        ``reported_as`` (the reporting unit's name), ``first`` and ``last``
        (the years the row is evidenced for), ``basis`` (the evidence, checkable
        in the bundled data and the census tables of Lei Dong et al. 2022) and
        ``source`` (a published statement where one was found).

    Examples
    --------
    >>> import geolink
    >>> d = geolink.statistical_definitions(2020).set_index("name")
    >>> d.loc["定州市", ["administrative", "statistical", "reported_as"]].tolist()
    ['130600', None, '定州市 (province-administered for statistics)']
    >>> d.loc["双河市", ["administrative", "statistical"]].tolist()
    ['659007', '652700']
    >>> d.index[d["kind"] == "zone"].unique().tolist()
    ['西咸新区', '深汕特别合作区', '长白山保护开发区', '洋浦经济开发区']
    >>> len(geolink.statistical_definitions(2010))
    0
    """
    table = _bundled_definitions()
    if year is not None:
        table = table[(table["first"] <= year) & (table["last"] >= year)]
    table = table.reset_index(drop=True)
    table["statistical"] = table["statistical"].astype(object).where(table["statistical"] != "", None)
    return table


def definitions_for(definition, year: int | None) -> pd.DataFrame | None:
    """The definitions rows to apply (None: the administrative hierarchy), checked.

    ``definition``: ``'administrative'``, ``'statistical'`` (the bundled
    table, rows valid in ``year``, which is then required) or a table with
    the columns ``code``, ``administrative`` and ``statistical`` (optional:
    ``kind``, ``name``, ``reported_as``, ``basis``, and ``first`` / ``last``,
    which need ``year``).

    Examples
    --------
    >>> definitions_for("administrative", None) is None
    True
    >>> len(definitions_for("statistical", 2020)) > 0
    True
    >>> definitions_for("statistical", None)
    Traceback (most recent call last):
    ...
    ValueError: definition='statistical' needs year= (the table's vintage): the reporting definitions change over time; the bundled table covers 2020
    """
    if isinstance(definition, str):
        if definition not in DEFINITIONS:
            raise ValueError(f"definition must be one of {DEFINITIONS} or a table, got {definition!r}")
        if definition == "administrative":
            return None
        table = _bundled_definitions()
        years = sorted({y for a, b in zip(table["first"], table["last"], strict=True) for y in range(a, b + 1)})
        covered = ", ".join(map(str, years))
        if year is None:
            raise ValueError(
                "definition='statistical' needs year= (the table's vintage): the reporting definitions change "
                f"over time; the bundled table covers {covered}"
            )
        rows = statistical_definitions(year)
        if rows.empty:
            raise ValueError(
                f"the bundled statistical definitions cover {covered}, not {year}: pass definition='administrative', "
                "or your own table as definition= (columns code, administrative, statistical)"
            )
        return rows
    if not isinstance(definition, pd.DataFrame):
        raise ValueError(f"definition must be one of {DEFINITIONS} or a table, got {type(definition).__name__}")
    missing = [c for c in ("code", "administrative", "statistical") if c not in definition.columns]
    if missing:
        raise ValueError(
            f"a definitions table needs the columns code, administrative and statistical; missing: {missing}"
        )
    table = definition.copy()
    given = {}
    for col in ("code", "administrative", "statistical"):
        raw = [None if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "" else v
               for v in table[col]]  # fmt: skip
        given[col] = pd.Series([v is not None for v in raw], index=table.index)
        table[col] = [_code_text(v) if v is not None else None for v in raw]
    table["kind"] = table["kind"] if "kind" in table.columns else "county"
    units, _ = _units()
    bad = table[
        (table["kind"] == "county") & table["code"].isna()
        | (given["code"] & table["code"].isna())
        | ~table["administrative"].isin(units)
        | (given["statistical"] & ~table["statistical"].isin(units))
    ]
    if len(bad):
        shown = "; ".join(
            f"row {i}: " + ", ".join(f"{c} {definition.at[i, c]!r}" for c in ("code", "administrative", "statistical"))
            for i in bad.index[:5]
        )
        raise ValueError(
            f"{len(bad)} definitions row(s) without a 6-digit code or with an administrative / statistical code "
            f"that is not a prefecture-level unit of geolink.prefectures() ({shown}); an empty statistical "
            "code means reported apart"
        )
    if "first" in table.columns or "last" in table.columns:
        if year is None:
            raise ValueError("the definitions table has first/last years: pass year= (the table's vintage)")
        keep = pd.Series(True, index=table.index)
        for col, inside in (("first", lambda y: y <= year), ("last", lambda y: y >= year)):
            if col in table.columns:
                years = pd.to_numeric(table[col], errors="coerce")
                keep &= years.isna() | inside(years)
        table = table[keep]
    for col in ("name", "reported_as", "basis"):
        if col not in table.columns:
            table[col] = ""
    return table.reset_index(drop=True)


@functools.cache
def _county_codes() -> dict[tuple[str, str], str]:
    """(prefecture adcode, normalised county name) → county code, from the bundled county list."""
    table = counties()
    return {(p, normalise(n)): c for c, n, p in zip(table["adcode"], table["name"], table["prefecture_adcode"],
                                                     strict=True)}  # fmt: skip


def reassign(frame: pd.DataFrame, key: str, levels: pd.DataFrame, definitions: pd.DataFrame, *, rows_named):
    """Which rows a reporting definition counts elsewhere than the hierarchy does.

    Every county row (and every row of a prefecture-level unit, such as an
    XPCC city) whose code — from the table's code column, else its name
    within its prefecture in the bundled county list — is a ``county`` row
    of ``definitions`` goes to that row's ``statistical`` unit, or apart from
    every unit when it has none.  A row whose unit in the table is not the
    definition's ``administrative`` unit is left where it is, noted.  Zones
    (``kind='zone'``, parts of county-level units) cannot be separated from
    county rows: they are listed as not applied.

    Returns
    -------
    (moves, reassigned, notes)
        ``moves``: Series, row label → the unit it is counted in (None:
        apart); ``reassigned``: one row per moved input row (``applied``
        True) and per zone of a unit in the table (``applied`` False):
        ``row``, ``line``, ``input``, ``code``, ``name``, ``from``, ``to``,
        ``reported_as``, ``applied``, ``basis``; ``notes``: text for the report.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["130600", "130682", "130602", "659007", "652701"], "pop": [4, 1, 2, 5, 6]})
    >>> lv = classify(t, "code")
    >>> moves, table, notes = reassign(t, "code", lv, definitions_for("statistical", 2020), rows_named=[1, 2, 3, 4, 5])
    >>> moves.to_dict()
    {1: None, 3: '652700'}
    >>> table[["line", "name", "from", "to", "applied"]].values.tolist()
    [[2, '定州市', '130600', None, True], [4, '双河市', '659007', '652700', True]]
    """
    codes_col, own_col, _ = (list(levels.attrs.get("id_columns", ())) + [None] * 3)[:3]
    county_defs = {r["code"]: r for r in definitions[definitions["kind"] == "county"].to_dict("records")}
    pairs = _county_codes()
    lv, unit = levels["level"], levels["unit"]
    has_counties = set(unit[lv == "county"].dropna())
    moves, records, mismatched = {}, [], []
    for i in levels.index:
        level, u = lv[i], unit[i]
        if level not in ("county", "unit") or u is None:
            continue
        code = _code_text(frame.at[i, codes_col]) if codes_col else None
        code = code[:6] if code else None
        if level == "unit":
            code = u
        elif code is None and own_col and isinstance(frame.at[i, own_col], str):
            code = pairs.get((u, name_key(frame.at[i, own_col])))
        d = county_defs.get(code)
        if d is None or d["statistical"] == u:
            continue
        if d["administrative"] != u:
            mismatched.append(f"row {rows_named[i]} ({code}: in {u} in the table, not {d['administrative']})")
            continue
        # a unit moved whole: its county rows where the table has them, else its own row
        whole = level == "unit" and u in has_counties
        targets = list(levels.index[(lv == "county") & (unit == u)]) if whole else [i]
        for j in targets:
            moves[j] = d["statistical"]
            records.append({
                "row": j, "line": rows_named[j], "input": frame.at[j, key], "code": code, "name": d["name"],
                "from": u, "to": d["statistical"], "reported_as": d["reported_as"], "applied": True,
                "basis": d["basis"],
            })  # fmt: skip
    present = set(unit[lv.isin(["county", "unit"])].dropna())
    zones = definitions[(definitions["kind"] == "zone") & definitions["administrative"].isin(present)]
    for d in zones.to_dict("records"):
        records.append({
            "row": None, "line": None, "input": None, "code": None, "name": d["name"], "from": d["administrative"],
            "to": d["statistical"], "reported_as": d["reported_as"], "applied": False, "basis": d["basis"],
        })  # fmt: skip
    columns = ["row", "line", "input", "code", "name", "from", "to", "reported_as", "applied", "basis"]
    table = pd.DataFrame(records, columns=columns, dtype=object).astype({"applied": bool})
    notes = []
    done = [r for r in records if r["applied"]]
    if done:
        apart = [f"row {r['line']} {r['name']}: {r['reported_as']}" for r in done if r["to"] is None]
        moved = [f"row {r['line']} {r['name']} {r['from']} → {r['to']}" for r in done if r["to"] is not None]
        parts = [f"{len(x)} {what} ({', '.join(x[:8])}{' …' if len(x) > 8 else ''})"
                 for x, what in ((apart, "apart from every unit"), (moved, "into another unit")) if x]  # fmt: skip
        notes.append(
            f"reporting definition: {len(done)} row(s) counted elsewhere than in the administrative hierarchy: "
            + "; ".join(parts) + "; see report.reassigned"
        )
    zone_text = [f"{r['name']} (in {r['from']}; counted {'in ' + r['to'] if r['to'] else 'apart'})"
                 for r in records if not r["applied"]]  # fmt: skip
    if zone_text:
        notes.append(
            "reporting definition: zone(s) that county rows cannot separate stay in their county rows (the unit's "
            "figure then differs from its own statistics by the zone): " + ", ".join(zone_text)
        )
    if mismatched:
        notes.append(
            "reporting definition not applied to row(s) whose unit in the table differs from the definition's "
            f"administrative unit: {', '.join(mismatched[:10])}"
        )
    return pd.Series(moves, dtype=object), table, notes


def combine(
    frame: pd.DataFrame, key: str, levels: pd.DataFrame, *, level: str, agg, rows_named, moves=None
) -> RollUp:
    """One row per unit from a table with totals and parts (see the module docstring).

    ``level='prefecture'``: each unit's own row; county rows are reported as
    parts.  Several own rows of one unit are the same unit twice when one has
    a municipality's province-level code (110000 beside 110100: used once if
    equal, else refused) and otherwise former units now merged into it (莱芜
    into 济南: combined by ``agg``, refused without it).  ``level='county'``:
    the county rows of each unit combined by ``agg`` (default ``'sum'``);
    intensive columns (rates, shares, ratios, per-capita values, by their
    header) are not summed but taken from the unit's own row, missing where
    it has none; units without county rows keep their own row.
    ``rows_named``: row labels for messages.  ``moves`` (from
    :func:`reassign`, ``level='county'`` only): rows counted in another unit
    than the hierarchy's, or apart (outcome ``apart``); the data follow them,
    the check against each unit's own row stays by the hierarchy, and the
    columns taken from own rows are missing for every unit they change.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["440300", "440303", "440304"], "pop": [30, 10, 21]})
    >>> roll = combine(t, "code", classify(t, "code"), level="county", agg="sum", rows_named=[2, 3, 4])
    >>> roll.data.values.tolist(), roll.rows["outcome"].tolist()
    ([['440300', 31]], ['checked', 'rolled_up', 'rolled_up'])
    >>> roll.check[["adcode", "parts", "total_row"]].values.tolist(), round(float(roll.check["diff_pct"].iloc[0]), 2)
    ([['440300', 2, 2]], 3.33)
    """
    drop = {key, *[c for c in levels.attrs.get("id_columns", ()) if c]}
    values = [c for c in frame.columns if c not in drop]
    lv, unit = levels["level"], levels["unit"]
    outcome = pd.Series("unmatched", index=frame.index, dtype=object)
    outcome[lv == "total"] = "total"
    notes: list[str] = []
    own, first_row = _own_rows(frame, key, levels, values, agg, rows_named, outcome, notes)
    counties_of = levels[lv == "county"].groupby("unit").groups
    if level in ("prefecture", "auto"):
        outcome[lv.isin(["county", "part"])] = "part"
        only = sorted(set(counties_of) - set(own.index))
        data = own.rename_axis("adcode").reset_index()
        shown = ", ".join(f"{u} (rows {[rows_named[i] for i in counties_of[u][:3]]}…)" for u in only[:10])
        if only and level == "prefecture":
            raise ValueError(
                f"{len(only)} unit(s) have county rows but no row of their own: {shown}; pass level='county' "
                "to roll their county rows up (agg='sum' for counts), or drop those rows"
            )
        if only and agg is None:
            notes.append(
                f"{len(only)} unit(s) have county rows but no row of their own, left without data: {shown}; "
                "pass agg='sum' to build them from their county rows"
            )
        if not only or agg is None:
            return RollUp("prefecture", data, _rows(levels, outcome), _empty_check(), notes)
        return _roll_up_missing(
            frame, key, levels, only, data, outcome, notes, agg=agg, rows_named=rows_named
        )
    agg = agg or "sum"
    spec = agg if isinstance(agg, dict) else {
        c: agg for c in values if pd.api.types.is_numeric_dtype(frame[c]) and not INTENSIVE.search(str(c))
    }  # fmt: skip
    unknown = [c for c in spec if c not in values]
    text = [
        c
        for c in spec
        if c in values and spec[c] in ("sum", "mean") and not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if unknown or text:
        raise ValueError(
            f"agg names columns that cannot be rolled up: {unknown + text} "
            f"({'not value columns of the table' if unknown else 'text columns'}); value columns: {values[:20]}"
        )
    kept_from_total = [c for c in values if c not in spec]
    if kept_from_total and not isinstance(agg, dict):
        notes.append(
            f"not summed (rates, shares or text; taken from each unit's own row, missing where it has none): "
            f"{kept_from_total[:12]}{' …' if len(kept_from_total) > 12 else ''}"
        )
    is_part = (lv == "county").to_numpy()
    groups = unit[is_part].to_numpy()
    block = frame.loc[is_part, list(spec)]
    rolled = block.groupby(groups, sort=False).agg(spec) if spec else pd.DataFrame(index=pd.unique(groups))
    sums = [c for c, f in spec.items() if f == "sum"]
    if sums:  # a sum over parts with a missing part is not the unit's value
        holes = block[sums].isna().groupby(groups, sort=False).any()
        rolled[sums] = rolled[sums].astype(float).mask(holes.reindex(rolled.index))
    has_total = rolled.index.intersection(own.index)
    outcome[is_part] = "rolled_up"
    for u in has_total:
        outcome[levels.index[(lv == "unit") & (unit == u)]] = "checked"
    extra = [c for c in values if c not in spec]
    if extra:
        rolled = rolled.join(own[extra].reindex(rolled.index))
    alone = own.index.difference(rolled.index)
    data = pd.concat([rolled, own.loc[alone]])[values].rename_axis("adcode").reset_index()
    if moves is not None and len(moves):  # the checks above stay by the hierarchy; the data follow the definition
        data = _reassigned_data(frame, levels, own, alone, spec, values, moves, outcome, notes)
    checks = []
    if sums and len(has_total):
        a = rolled.loc[has_total, sums].astype(float)
        b = own.loc[has_total, sums].astype(float)
        diff = ((a - b).abs() / b.abs().where(b != 0) * 100).fillna(0.0)
        checks = pd.DataFrame({
            "adcode": has_total,
            "parts": pd.Series(groups).value_counts().reindex(has_total).to_numpy(),
            "total_row": [first_row[u] for u in has_total],
            "diff_pct": diff.max(axis=1).to_numpy(),
            "column": diff.idxmax(axis=1).to_numpy(),
        })  # fmt: skip
    outcome[(lv == "part") & (outcome == "unmatched")] = "part"
    for c in values:
        if c in spec and pd.api.types.is_integer_dtype(frame[c]) and (data[c].dropna() % 1 == 0).all():
            data[c] = data[c].astype("Int64")
    check = checks if len(checks) else _empty_check()
    bad = check[check["diff_pct"] > TOLERANCE_PCT]
    if len(bad):
        shown = ", ".join(
            f"{r.adcode} ({r.diff_pct:.1f} % in {r.column!r}, row {r.total_row})"
            for r in bad.head(10).itertuples()
        )
        notes.append(
            f"{len(bad)} unit(s) whose county rows differ by more than {TOLERANCE_PCT} % from their own row: "
            f"{shown}; see report.rollup"
        )
    return RollUp(level, data, _rows(levels, outcome), check, notes)


def _reassigned_data(frame, levels, own, alone, spec, values, moves, outcome, notes) -> pd.DataFrame:
    """One row per unit as the reporting definition counts them: county rows and the own rows of units
    without county rows, each in the unit ``moves`` names (left out when apart), then combined."""
    lv, unit = levels["level"], levels["unit"]
    county = list(levels.index[lv == "county"])
    unit_moves = {unit[i]: moves[i] for i in moves.index if lv[i] == "unit"}
    groups = [moves[i] if i in moves.index else unit[i] for i in county]
    groups += [unit_moves.get(u, u) for u in alone]
    cols = list(spec)
    block = pd.concat([frame.loc[county, cols], own.loc[alone, cols]], ignore_index=True)
    keep = np.array([g is not None for g in groups], dtype=bool)
    block, groups = block[keep], np.array(groups, dtype=object)[keep]
    rolled = block.groupby(groups, sort=False).agg(spec) if spec else pd.DataFrame(index=pd.unique(groups))
    sums = [c for c, f in spec.items() if f == "sum"]
    if sums:
        holes = block[sums].isna().groupby(groups, sort=False).any()
        rolled[sums] = rolled[sums].astype(float).mask(holes.reindex(rolled.index))
    changed = sorted({unit[i] for i in moves.index} | {t for t in moves if t is not None})
    extra = [c for c in values if c not in spec]
    if extra:
        rolled = rolled.join(own[extra].reindex(rolled.index))
        hit = pd.Series(rolled.index.isin(changed), index=rolled.index)
        numeric = [c for c in extra if pd.api.types.is_numeric_dtype(rolled[c])]
        if hit.any() and numeric:  # a rate of the administrative unit is not the rate of the reported one
            for c in numeric:
                rolled[c] = rolled[c].mask(hit)
            notes.append(
                f"rates and shares (taken from each unit's own row, not summed) are left missing for the "
                f"{int(hit.sum())} unit(s) whose composition the reporting definition changes: "
                f"{', '.join(rolled.index[hit][:12])}"
            )
    for i in moves.index:
        outcome[i] = "apart" if moves[i] is None else "rolled_up"
    gone = sorted(u for u in alone if u in unit_moves)
    if gone:
        notes.append(
            f"{len(gone)} unit(s) left without data: the reporting definition counts their rows in other units "
            f"or apart: {', '.join(gone[:12])}"
        )
    return rolled[values].rename_axis("adcode").reset_index()


def _roll_up_missing(frame, key, levels, only, data, outcome, notes, *, agg, rows_named) -> RollUp:
    """Units without a row of their own built from their county rows (the others keep theirs)."""
    unknown = levels.index[(levels["level"] == "unknown") & levels["context"].isin(only)]
    if len(unknown):
        shown = "; ".join(f"row {rows_named[i]}: {levels.at[i, 'how']}" for i in unknown[:10])
        raise ValueError(
            f"cannot build {len(only)} unit(s) from their county rows: {len(unknown)} row(s) among them are "
            f"not recognised ({shown}); correct or drop them, then join again"
        )
    rows = levels.index[(levels["level"] == "county") & levels["unit"].isin(only)]
    sub = levels.loc[rows]
    sub.attrs = levels.attrs
    roll = combine(frame.loc[rows], key, sub, level="county", agg=agg, rows_named=rows_named)
    outcome[rows] = roll.rows["outcome"].to_numpy()
    notes.append(f"{len(only)} unit(s) without a row of their own built from their county rows: {only[:10]}")
    level = "mixed" if len(data) else "county"
    data = pd.concat([data, roll.data], ignore_index=True) if len(data) else roll.data
    return RollUp(level, data, _rows(levels, outcome), roll.check, notes + roll.notes)


def _own_rows(frame, key, levels, values, agg, rows_named, outcome, notes) -> tuple[pd.DataFrame, dict]:
    """Each unit's own row (index: adcode), and the row number of its first own row; outcomes set."""
    is_unit = levels["level"] == "unit"
    groups = levels.loc[is_unit].groupby("unit", sort=False).groups
    records, first_row, merged = {}, {}, []
    for code, idx in groups.items():
        first_row[code] = rows_named[idx[0]]
        outcome[idx] = "joined"
        if len(idx) == 1:
            records[code] = frame.loc[idx[0], values]
            continue
        same_unit = levels.loc[idx, "how"].str.endswith("(municipality)").any()
        if same_unit:  # 110000 beside 110100: the same total twice
            numeric = [c for c in values if pd.api.types.is_numeric_dtype(frame[c])]
            if not frame.loc[idx, numeric].apply(lambda s: s.nunique(dropna=False) <= 1).all():
                listing = ", ".join(f"row {rows_named[i]}" for i in idx)
                raise ValueError(
                    f"unit {code} has {len(idx)} total rows with different values ({listing}): which one is "
                    "the unit's total? Drop the others and join again"
                )
            notes.append(f"unit {code}: {len(idx)} identical total rows; the first is used")
            records[code] = frame.loc[idx[0], values]
            outcome[idx[1:]] = "total"
            continue
        merged.append((code, idx))
    if merged and agg is None:
        listing = "; ".join(
            f"{code} {_unit_names()[code]}: rows {[rows_named[i] for i in idx]} "
            f"({', '.join(str(v).strip() for v in frame.loc[idx, key])})"
            for code, idx in merged[:10]
        )
        raise ValueError(
            f"{len(merged)} unit(s) have several rows of their own ({listing}): former units now merged "
            "into one? To combine them pass agg= ('sum' for counts); otherwise drop the rows that do not belong"
        )
    for code, idx in merged:
        rules = agg if isinstance(agg, dict) else {
            c: agg if pd.api.types.is_numeric_dtype(frame[c]) else "first" for c in values
        }  # fmt: skip
        block = frame.loc[idx, values]
        records[code] = pd.Series({c: _agg(block[c], rules.get(c, "first")) for c in values})
        outcome[idx] = "aggregated"
    own = (
        pd.DataFrame.from_dict(records, orient="index", columns=values) if records else frame.iloc[:0][values]
    )
    for c in values:
        if pd.api.types.is_integer_dtype(frame[c]) and (pd.to_numeric(own[c]).dropna() % 1 == 0).all():
            own[c] = pd.to_numeric(own[c]).astype("Int64")
    return own, first_row


def _agg(values: pd.Series, rule: str):
    """One value of a column by an aggregation rule ('first'/'last' as in groupby, the rest as Series.agg)."""
    if rule in ("first", "last"):
        kept = values.dropna()
        return None if kept.empty else kept.iloc[0 if rule == "first" else -1]
    return values.agg(rule)


@functools.cache
def _unit_names() -> dict[str, str]:
    units = prefectures()
    return dict(zip(units["adcode"], units["name"], strict=True))


def _rows(levels: pd.DataFrame, outcome: pd.Series) -> pd.DataFrame:
    return levels.drop(columns="context", errors="ignore").assign(outcome=outcome.to_numpy())


def _empty_check() -> pd.DataFrame:
    return pd.DataFrame(columns=["adcode", "parts", "total_row", "diff_pct", "column"])
