"""Join city-level tables (yearbook CSV/Excel or DataFrames) onto the prefecture boundaries.

Nothing is dropped without appearing in the report: every input row is
matched, a subtotal, unmatched (with the reason and nearest candidates), or
part of a duplicate group; every unit without data is listed.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geolink.boundaries import prefectures
from geolink.names import check_year, resolve_names
from geolink.rollup import (
    DEFINITIONS,
    INTENSIVE,
    LEVELS,
    classify,
    combine,
    definitions_for,
    is_hierarchical,
    reassign,
)
from geolink.tables import ReadReport, read_table

OUTCOMES = (
    "joined",
    "aggregated",
    "rolled_up",
    "checked",
    "part",
    "apart",
    "total",
    "subtotal",
    "unmatched",
    "ambiguous",
)
AGGREGATIONS = ("sum", "mean", "first", "last", "max", "min")
_KEY_HINT = re.compile(r"(代码|code|adcode|城市|地区|地市|city|name|名称|市)", re.I)


def _place(read: ReadReport | None, r) -> str:
    """Where a row is, as the user sees it: 'line 5' (CSV), 'row 5' (Excel), 'data row 3' (DataFrame)."""
    if read is None or read.source == "DataFrame":
        return f"data row {r.row}"
    return f"{'line' if read.delimiter else 'row'} {r.line}"


def _show(value) -> str:
    """An input value as the user wrote it: '东筦', 110101, (empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(empty)"
    return repr(value) if isinstance(value, str) else str(value)


@dataclass
class JoinReport:
    """What happened to every row of the input table and every unit.

    ``rows``: one row per input row (its position ``row``), with ``input``,
    ``adcode``, ``name``, ``status`` (exact / alias / historical / ambiguous
    / unmatched), ``note`` and ``outcome`` (``row`` counts data rows from 0,
    after the header) — ``joined``, ``aggregated``
    (a duplicate combined by ``agg``), ``subtotal``, ``unmatched`` or
    ``ambiguous``; in a table with totals beside their parts also
    ``rolled_up`` (a county row summed into its prefecture), ``checked`` (a
    prefecture's own row compared with that sum), ``part`` (a county or
    part-subtotal row not used because its prefecture's own row was),
    ``apart`` (a county row that the reporting definition counts in no
    prefecture-level unit, such as 雄安新区's counties) and ``total`` (a
    province or the nation), with each row's ``level``, ``unit`` and
    ``how``.  ``line``: the row as the user sees it (file line, Excel row).
    ``without_data``: units of the boundary layer that no row matched.
    ``read_report``: how the file was read (:class:`geolink.tables.ReadReport`);
    ``level`` and ``rollup``: the level used and, for a roll-up, per unit the
    county rows summed and the difference from its own row (``diff_pct``).
    ``definition``: how county rows were assigned to units
    (``'administrative'``, ``'statistical'``, or ``'table'`` for the
    caller's own definitions); ``reassigned``: with a reporting definition,
    every input row it counted elsewhere than the hierarchy does (``row``,
    ``line``, ``input``, ``code``, ``name``, ``from``, ``to``: the unit, None
    when apart; ``reported_as``, ``basis``; ``applied`` True) and every zone
    it could not separate from county rows (``applied`` False).

    Examples
    --------
    >>> import pandas as pd, geolink, warnings
    >>> t = pd.DataFrame({"city": ["广州", "全省", "Taizhou"], "v": [1, 2, 3]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     report = geolink.join(t).attrs["join_report"]
    >>> report.rows[["input", "outcome"]].values.tolist()
    [['广州', 'joined'], ['全省', 'subtotal'], ['Taizhou', 'ambiguous']]
    >>> len(report.without_data)
    369
    """

    key: str
    source: str
    rows: pd.DataFrame
    without_data: pd.DataFrame
    layout: str = "wide"
    notes: list[str] = field(default_factory=list)
    read_report: ReadReport | None = None
    level: str = "prefecture"
    rollup: pd.DataFrame | None = None
    definition: str = "administrative"
    reassigned: pd.DataFrame | None = None

    def _outcome(self, outcome: str) -> pd.DataFrame:
        return self.rows[self.rows["outcome"] == outcome]

    @property
    def matched(self) -> pd.DataFrame:
        return self.rows[self.rows["outcome"].isin(["joined", "aggregated"])]

    @property
    def unmatched(self) -> pd.DataFrame:
        return self.rows[self.rows["outcome"].isin(["unmatched", "ambiguous"])]

    @property
    def subtotals(self) -> pd.DataFrame:
        return self._outcome("subtotal")

    @property
    def duplicates(self) -> pd.DataFrame:
        joined = self.matched
        return joined[joined.duplicated("adcode", keep=False)].sort_values(["adcode", "row"])

    def summary(self) -> str:
        counts = self.rows["outcome"].value_counts()
        parts = [f"{counts.get(k, 0)} {k}" for k in OUTCOMES if k in counts or k in ("joined", "unmatched")]
        text = f"join on {self.key!r} ({self.source}): {len(self.rows)} rows: " + ", ".join(parts)
        text += f"; {len(self.without_data)} units without data"
        if self.reassigned is not None:
            done = self.reassigned[self.reassigned["applied"]]
            text += (
                f"\n  definition {self.definition!r}: {len(done)} row(s) counted elsewhere than in the hierarchy "
                f"({int(done['to'].isna().sum())} apart), {int((~self.reassigned['applied']).sum())} zone(s) "
                "that county rows cannot separate (report.reassigned)"
            )
        for r in self.unmatched.head(10).itertuples():
            text += f"\n  {_place(self.read_report, r)} {_show(r.input)}: {r.status}: {r.note}"
        if len(self.unmatched) > 10:
            text += f"\n  … and {len(self.unmatched) - 10} more (report.unmatched)"
        return text

    def __str__(self) -> str:
        return self.summary()


def _resolution_rate(column: pd.Series, year: int | None = None) -> tuple[int, float]:
    """(distinct units resolved − rows repeating a unit, share of values resolved) of a column."""
    values = column.dropna()
    if values.empty or values.astype(str).str.len().median() > 40:
        return 0, 0.0  # empty, or long text (WKT, notes) that does not name units
    res = resolve_names(values, year=year, suggest=False)
    good = res["adcode"].notna()
    distinct = int(res.loc[good, "adcode"].nunique())
    return distinct - (int(good.sum()) - distinct), float(good.mean())


def detect_key(table: pd.DataFrame, *, year: int | None = None) -> str:
    """The column that names the units: most distinct units resolved, codes preferred on ties."""
    scores = []
    for col in table.columns:
        values = table[col].dropna()
        is_code = (
            bool(values.astype(str).str.fullmatch(r"\d{6}(\.0+)?").mean() > 0.5) if len(values) else False
        )
        if pd.api.types.is_numeric_dtype(values) and not is_code:
            continue  # counts and measures are data, not names or codes
        distinct, rate = _resolution_rate(table[col], year)
        if rate > 0 and distinct > 0:
            scores.append((distinct, rate, is_code, bool(_KEY_HINT.search(str(col))), col))
    if not scores or max(s[0] for s in scores) == 0:
        raise ValueError(
            f"no column names prefecture-level units; pass unit= (columns: {list(table.columns)})"
        )
    return max(scores, key=lambda s: s[:4])[-1]


def _roll_up(frame, key, res, *, level, agg, year, long, definition="administrative"):
    """Reduce a table with totals and parts to one row per unit (None: the table holds one level)."""
    levels = classify(frame, key, year=year)
    for col in ("level", "unit", "how"):
        res[col] = levels[col].to_numpy()
    units = levels[levels["level"] == "unit"]
    province_code = units["how"].str.endswith("(municipality)")  # 110000 beside 110100: one unit twice
    twins = units["unit"].isin(units.loc[province_code, "unit"]) & units["unit"].duplicated(keep=False)
    part = (levels["level"] == "part").to_numpy()  # 广州市区 beside 广州市; 500100 市辖区 read as 重庆市
    parts = levels.loc[part, "unit"].isin(units["unit"]).to_numpy() | (
        res["outcome"].to_numpy()[part] == "joined"
    )
    if not is_hierarchical(levels) and level != "county" and not twins.any() and not parts.any():
        return None
    if level == "county" and not (levels["level"] == "county").any():
        unknown = levels[levels["level"] == "unknown"].head(5)
        why = "; ".join(
            f"row {res['line'][i]}: {h}" for i, h in zip(unknown.index, unknown["how"], strict=True)
        )
        raise ValueError(
            f"level='county': no row of the table is a county-level unit (column {key!r})"
            + (f"; not recognised: {why}" if why else "")
        )
    if long:
        raise ValueError(
            "a long table with county rows beside prefecture or province rows: select one level first"
        )
    unknown = levels[levels["level"] == "unknown"]
    if level == "county" and len(unknown):
        shown = "; ".join(
            f"row {res['line'][i]} {_show(frame[key][i])}: {h}" for i, h in unknown["how"].head(10).items()
        )
        raise ValueError(
            f"cannot roll up: {len(unknown)} row(s) are neither a county of a known prefecture nor a total "
            f"({shown}); correct their names or codes (a code column or a prefecture column helps), or drop "
            "them, then join again"
        )
    rows_named = res["line"].tolist()
    table = definitions_for(definition, year)
    moves, reassigned, moved_notes = (
        reassign(frame, key, levels, table, rows_named=rows_named) if table is not None else (None, None, [])
    )
    if moves is not None:
        for i, target in moves.items():
            res.loc[i, "unit"] = target
            res.loc[i, "how"] += f"; counted {'in ' + target if target else 'apart'} by the reporting definition"
    roll = combine(frame, key, levels, level=level, agg=agg, rows_named=rows_named, moves=moves)
    res["outcome"] = roll.rows["outcome"].to_numpy()
    if table is not None:
        roll.definition = definition if isinstance(definition, str) else "table"
        roll.reassigned = reassigned
        roll.notes = moved_notes + roll.notes
    return roll


def _lines(read: ReadReport | None, index: pd.Index) -> list:
    """The row numbers as the user sees them (file line / Excel row) of a table's rows, by index label."""
    if read is None or not read.rows:
        return list(range(len(index)))
    if read.source == "DataFrame":
        return list(index)
    n = len(read.rows)
    if all(isinstance(i, (int, np.integer)) and 0 <= i < n for i in index):
        return [read.rows[i] for i in index]
    return list(range(len(index)))


def _label(value) -> str:
    """A year label as text: 2019 (not 2019.0)."""
    return (
        str(int(value))
        if isinstance(value, (float, np.floating)) and float(value).is_integer()
        else str(value)
    )


def _long_to_wide(
    table: pd.DataFrame, key: str, indicator: str, value: str, time: str | None
) -> pd.DataFrame:
    columns = [indicator] if time is None else [indicator, time]
    wide = table.pivot(index=key, columns=columns, values=value)
    if time is not None:
        wide.columns = [f"{i}_{_label(t)}" for i, t in wide.columns]
    return wide.reset_index()


def join(
    data,
    *,
    unit: str | None = None,
    year: int | None = None,
    how: str = "left",
    strict: bool = False,
    agg: str | dict | None = None,
    long: dict | None = None,
    resolution: str = "display",
    sheet=0,
    level: str = "auto",
    definition: str | pd.DataFrame = "administrative",
) -> gpd.GeoDataFrame:
    """Join a city-level table onto :func:`geolink.prefectures`.

    Parameters
    ----------
    data : DataFrame or path of a CSV (UTF-8 / GBK detected) or Excel file.
    unit : the column naming the units (codes or names in any form
        :func:`geolink.resolve_names` understands); detected when None.
    year : the table's vintage (an integer): decides names whose meaning
        changed and is quoted in notes on historical names.
    how : ``'left'`` (every unit, NaN where no data) or ``'inner'`` (units with data).
    strict : raise ``ValueError`` if any row is unmatched or ambiguous.
    agg : how rows resolving to the same unit are combined (``'sum'``,
        ``'mean'``, ``'first'`` …, or a dict per column); without it such
        duplicates raise ``ValueError`` naming the rows.
    long : for a long table (unit, [time,] indicator, value), the column
        names ``{'indicator': …, 'value': …, 'time': …}``; it is pivoted to
        one column per indicator (``<indicator>_<time>`` with a time column).
    level : for a table holding totals beside their parts (province,
        prefecture and county rows, as in census and yearbook sheets): each
        row's level is read from its code (``xx0000`` province, ``xxxx00``
        prefecture, else county) or its name (the bundled county list).
        ``'prefecture'``: each unit's own row, its county rows reported as
        parts; ``'county'``: the county rows summed per prefecture (``agg``,
        default ``'sum'``; rates, shares and ratios by their header are taken
        from the unit's own row, not summed) and checked against the unit's
        own row (``report.rollup``, differences above 0.5 % in the notes);
        ``'auto'``: each unit's own row where it has one; a unit with county
        rows only is built from them when ``agg`` is given (else left without
        data, noted); ``report.level`` says ``'prefecture'``, ``'mixed'`` or
        ``'county'``.  Totals are never added to their parts; several own rows
        of one unit (former units merged into it, 莱芜 into 济南) are combined
        by ``agg`` and refused without it.
    definition : with ``level='county'``, which unit each county row counts
        in.  ``'administrative'``: the division hierarchy (a county row goes
        to the prefecture it belongs to).  ``'statistical'``: the reporting
        definitions of the prefectures' own statistics
        (:func:`geolink.statistical_definitions`; needs ``year=``): 定州 and
        雄安新区's three counties apart from 保定, 杨陵区 apart from 咸阳, the
        XPCC cities founded since 2011 in the prefecture that holds them, ….
        Or a table of your own with the columns ``code``, ``administrative``
        and ``statistical`` (empty: apart).  Rows counted apart from every
        unit get the outcome ``apart``; every moved row is listed in
        ``report.reassigned`` with its basis, as are the zones (parts of
        counties, such as 西咸新区) that county rows cannot carry.  Each unit's
        own row is still checked against its county rows by the hierarchy;
        rates and shares taken from own rows are left missing for the units
        a definition changes.
    resolution : boundaries joined onto.
    sheet : Excel sheet (name or number).

    Returns
    -------
    GeoDataFrame (EPSG:4326)
        The boundary attributes and the table's columns;
        ``.attrs['join_report']`` is a :class:`JoinReport`.  A warning says
        how many rows were not joined.

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> t = pd.DataFrame({"城市": ["广州市", "深圳", "Foshan", "东筦"], "gdp": [28839, 32388, 12698, 1]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     gdf = geolink.join(t, how="inner")
    >>> gdf["gdp"].to_dict()
    {'440100': 28839, '440300': 32388, '440600': 12698}
    >>> report = gdf.attrs["join_report"]
    >>> report.key, report.unmatched[["input", "note"]].values.tolist()
    ('城市', [['东筦', 'no such unit; nearest: 东方, 东莞, 东营, 丹东, 乐东']])
    """
    _check_options(level=level, how=how, agg=agg, long=long, definition=definition)
    year = check_year(year)
    source = str(data) if not isinstance(data, pd.DataFrame) else "DataFrame"
    frame = read_table(data, sheet=sheet)
    read = frame.attrs.get("read_report")
    lines = _lines(read, frame.index)
    frame = frame.reset_index(drop=True)
    key = unit or detect_key(frame, year=year)
    if key not in frame.columns:
        raise KeyError(f"column {key!r} not in table; columns: {list(frame.columns)}")
    notes = []
    if "adcode" in frame.columns and key != "adcode":
        frame = frame.rename(columns={"adcode": "adcode_table"})
        notes.append(f"the table's own 'adcode' column (not the join key {key!r}) is kept as 'adcode_table'")
    _check_long_labels(frame, long, lines)
    res = _resolve_rows(frame, key, year, lines)
    roll = _roll_up(frame, key, res, level=level, agg=agg, year=year, long=long, definition=definition)
    bad = res[res["outcome"].isin(["unmatched", "ambiguous"])]
    if strict and len(bad):
        listing = "; ".join(f"{_place(read, r)} {_show(r.input)}: {r.note}" for r in bad.head(10).itertuples())
        raise ValueError(f"{len(bad)} row(s) not joined (strict=True): {listing}")
    keep = res["outcome"].eq("joined").to_numpy()
    table = frame.loc[keep].drop(columns=[key]).assign(adcode=res.loc[keep, "adcode"].to_numpy())
    if roll is not None:
        table = roll.data
    table = _combine_duplicates(table, res, keep, agg, long)
    if long:
        table = _long_to_wide(table, "adcode", long["indicator"], long["value"], long.get("time"))
    merged, without, overlap = _onto_units(table, resolution, how)
    report = JoinReport(
        key=key,
        source=source,
        rows=res,
        without_data=without,
        layout="long" if long else "wide",
        notes=([f"table columns renamed to avoid clashes: {overlap}"] if overlap else [])
        + notes
        + (read.notes if read is not None else [])
        + (roll.notes if roll is not None else []),
        read_report=read,
        level=roll.level if roll is not None else "prefecture",
        rollup=roll.check if roll is not None else None,
        definition=roll.definition if roll is not None else "administrative",
        reassigned=roll.reassigned if roll is not None else None,
    )
    merged.attrs["join_report"] = report
    _warn_about(report, roll, len(res))
    return merged


def _check_options(*, level: str, how: str, agg, long, definition="administrative") -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if isinstance(definition, str) and definition not in DEFINITIONS:
        raise ValueError(f"definition must be one of {DEFINITIONS} or a table, got {definition!r}")
    if not isinstance(definition, (str, pd.DataFrame)):
        raise ValueError(f"definition must be one of {DEFINITIONS} or a table, got {type(definition).__name__}")
    if not (isinstance(definition, str) and definition == "administrative") and level != "county":
        raise ValueError(
            f"definition= assigns county rows to units: it needs level='county' (got level={level!r}); a "
            "prefecture's own row holds its administrative total and cannot be split"
        )
    if how not in ("left", "inner"):
        raise ValueError(f"how must be 'left' or 'inner', got {how!r}")
    for rule in [agg] if isinstance(agg, str) else (agg or {}).values():
        if rule not in AGGREGATIONS:
            raise ValueError(f"agg must be one of {AGGREGATIONS} (or a dict of them per column), got {rule!r}")
    if long is not None:
        unknown = set(long) - {"indicator", "value", "time"}
        if unknown or not {"indicator", "value"} <= set(long):
            raise ValueError(f"long= takes the keys 'indicator', 'value' and optionally 'time'; got {sorted(long)}")


def _check_long_labels(frame: pd.DataFrame, long, lines) -> None:
    """A long table's indicator and time labels must not be missing (named by their lines)."""
    for col in filter(None, (long.get("indicator"), long.get("time"))) if long else ():
        missing = frame[col].isna().to_numpy()
        if missing.any():
            where = [lines[i] for i in np.flatnonzero(missing)[:10]]
            raise ValueError(
                f"long table: {int(missing.sum())} row(s) have no {col!r} label (rows {where}); fill or drop them"
            )


def _resolve_rows(frame: pd.DataFrame, key: str, year, lines) -> pd.DataFrame:
    """One report row per input row: the resolution of its unit and its first outcome."""
    res = resolve_names(frame[key], year=year)
    res.insert(0, "row", frame.index)
    res["outcome"] = np.select(
        [res["subtotal"], res["status"].eq("ambiguous"), res["adcode"].isna()],
        ["subtotal", "ambiguous", "unmatched"],
        default="joined",
    )
    res.insert(1, "line", lines)
    return res


def _combine_duplicates(table: pd.DataFrame, res: pd.DataFrame, keep, agg, long) -> pd.DataFrame:
    """Rows of the same unit (× indicator × time): refused naming them, or combined by ``agg``."""
    group_keys = ["adcode"] + ([long["indicator"]] + ([long["time"]] if long.get("time") else []) if long else [])
    dup = table.duplicated(group_keys, keep=False).to_numpy()
    if not dup.any():
        return table
    rows = res.loc[keep].loc[dup]
    if agg is None:
        listing = "; ".join(
            f"{code} {grp['name'].iloc[0]}: rows {grp['line'].tolist()} ({', '.join(map(str, grp['input']))})"
            for code, grp in list(rows.groupby("adcode"))[:10]
        )
        raise ValueError(
            f"{rows['adcode'].nunique()} unit(s) appear in several rows ({listing}); if one of them is a "
            "total or subtotal (a province-level code beside its 市辖区 row), drop it first; to combine "
            "genuine parts pass agg= ('sum', 'mean', 'first', …; CLI: --agg)"
        )
    if isinstance(agg, str):  # numbers are combined, text keeps its first value
        numeric = [c for c in table.columns if c not in group_keys and pd.api.types.is_numeric_dtype(table[c])]
        rates = [c for c in numeric if agg == "sum" and INTENSIVE.search(str(c))]
        if rates and not long:
            first = rows.groupby("adcode")["name"].first().head(3)
            raise ValueError(
                f"column(s) {rates} hold rates, shares or ratios by their header and would be summed over the "
                f"rows of one unit ({', '.join(f'{c} {n}' for c, n in first.items())}); pass agg as a dict per "
                f"column, e.g. agg={{{next((c for c in numeric if c not in rates), 'count')!r}: 'sum', {rates[0]!r}: 'mean'}}, "
                "or leave them out"
            )
        agg = {c: agg if c in numeric else "first" for c in table.columns if c not in group_keys}
    res.loc[res["row"].isin(rows["row"]), "outcome"] = "aggregated"
    return table.groupby(group_keys, sort=False).agg(agg).reset_index()


def _onto_units(table: pd.DataFrame, resolution: str, how: str):
    """(the table merged onto the units, the units without data, the renamed clashing columns)."""
    units = prefectures(resolution=resolution)
    overlap = [c for c in table.columns if c in units.columns and c != "adcode"]
    if overlap:
        table = table.rename(columns={c: f"{c}_table" for c in overlap})
    integers = [c for c in table.columns if c != "adcode" and table[c].dtype.kind in "iu" and table[c].dtype != "Int64"]
    merged = units.merge(table, on="adcode", how=how, validate="1:1")
    merged[integers] = merged[integers].astype("Int64")  # stay integers despite units without data
    merged.index = merged["adcode"].to_numpy()
    without = units.loc[~units["adcode"].isin(table["adcode"]), ["adcode", "name", "level"]].reset_index(drop=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=units.crs), without, overlap


def _warn_about(report: JoinReport, roll, n_rows: int) -> None:
    if roll is not None and len(roll.mismatches):
        warnings.warn(
            f"{len(roll.mismatches)} unit(s) whose county rows differ by more than 0.5 % from their own row; "
            "see .attrs['join_report'].rollup",
            stacklevel=3,
        )
    if len(report.unmatched):
        historical = int(report.unmatched["status"].eq("historical").sum())
        why = (
            f"; {historical} name units of that year split or dissolved since, whose polygons are gone: "
            "geolink.harmonise shares their values among today's units"
            if historical
            else ""
        )
        warnings.warn(
            f"{len(report.unmatched)} of {n_rows} rows not joined (unmatched or ambiguous{why}); "
            "see .attrs['join_report'].unmatched",
            stacklevel=3,
        )
