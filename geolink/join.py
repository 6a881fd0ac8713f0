"""Join city-level tables (yearbook CSV/Excel or DataFrames) onto the prefecture boundaries.

Nothing is dropped without appearing in the report: every input row is
matched, a subtotal, unmatched (with the reason and nearest candidates), or
part of a duplicate group; every unit without data is listed.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geolink.boundaries import prefectures
from geolink.names import resolve_names

ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 ⊃ GBK ⊃ GB2312
AGGREGATIONS = ("sum", "mean", "first", "last", "max", "min")
_KEY_HINT = re.compile(r"(代码|code|adcode|城市|地区|地市|city|name|名称|市)", re.I)


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Drop empty rows; float columns holding only whole numbers become nullable integers (codes, counts)."""
    table = table.dropna(how="all").reset_index(drop=True).infer_objects()
    out = {}
    for col in table.columns:
        s = table[col]
        if s.dtype.kind == "f" and s.notna().any() and (s.dropna() % 1 == 0).all() and s.abs().max() < 2**53:
            s = s.astype("Int64")
        out[col] = s
    return pd.DataFrame(out)


def _clean_header(name) -> str:
    return re.sub(r"\s+", "", str(name)) if not isinstance(name, int) else str(name)


def read_table(source, sheet=0) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 detected) or Excel (.xlsx/.xls) table.

    For Excel, the header row is the first row (of the top 20) whose number
    of filled cells is at least 60 % of the widest row, which skips title
    lines above yearbook tables; line breaks inside header cells are removed
    (``'性别比\\n（女=100）'`` → ``'性别比（女=100）'``).  Fully empty rows are dropped.
    """
    if isinstance(source, pd.DataFrame):
        return source
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"no such table: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raw = pd.read_excel(path, sheet_name=sheet, header=None)
        filled = raw.head(20).notna().sum(axis=1)
        header = int(np.flatnonzero(filled >= 0.6 * filled.max())[0])
        table = raw.iloc[header + 1 :].copy()
        table.columns = [_clean_header(c) for c in raw.iloc[header]]
        return _tidy(table)
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{path}: not UTF-8 or GB18030/GBK text; save it as UTF-8 CSV")
    table = pd.read_csv(io.StringIO(text), sep=None, engine="python")
    table.columns = [_clean_header(c) for c in table.columns]
    return _tidy(table)


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
    ``ambiguous``.  ``without_data``: units of the boundary layer that no row
    matched.

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
        parts = [
            f"{counts.get(k, 0)} {k}" for k in ("joined", "aggregated", "subtotal", "unmatched", "ambiguous")
        ]
        text = f"join on {self.key!r} ({self.source}): {len(self.rows)} rows: " + ", ".join(parts)
        text += f"; {len(self.without_data)} units without data"
        for r in self.unmatched.head(10).itertuples():
            text += f"\n  data row {r.row} {_show(r.input)}: {r.status}: {r.note}"
        if len(self.unmatched) > 10:
            text += f"\n  … and {len(self.unmatched) - 10} more (report.unmatched)"
        return text

    def __str__(self) -> str:
        return self.summary()


def _resolution_rate(column: pd.Series) -> tuple[int, float]:
    """(distinct units resolved − rows repeating a unit, share of values resolved) of a column."""
    values = column.dropna()
    if values.empty or values.astype(str).str.len().median() > 40:
        return 0, 0.0  # empty, or long text (WKT, notes) that does not name units
    res = resolve_names(values, suggest=False)
    good = res["adcode"].notna()
    distinct = int(res.loc[good, "adcode"].nunique())
    return distinct - (int(good.sum()) - distinct), float(good.mean())


def detect_key(table: pd.DataFrame) -> str:
    """The column that names the units: most distinct units resolved, codes preferred on ties."""
    scores = []
    for col in table.columns:
        values = table[col].dropna()
        is_code = (
            bool(values.astype(str).str.fullmatch(r"\d{6}(\.0+)?").mean() > 0.5) if len(values) else False
        )
        if pd.api.types.is_numeric_dtype(values) and not is_code:
            continue  # counts and measures are data, not names or codes
        distinct, rate = _resolution_rate(table[col])
        if rate > 0 and distinct > 0:
            scores.append((distinct, rate, is_code, bool(_KEY_HINT.search(str(col))), col))
    if not scores or max(s[0] for s in scores) == 0:
        raise ValueError(f"no column names prefecture-level units; pass unit= (columns: {list(table.columns)})")
    return max(scores, key=lambda s: s[:4])[-1]


def _long_to_wide(
    table: pd.DataFrame, key: str, indicator: str, value: str, time: str | None
) -> pd.DataFrame:
    columns = [indicator] if time is None else [indicator, time]
    wide = table.pivot(index=key, columns=columns, values=value)
    if time is not None:
        wide.columns = [f"{i}_{t}" for i, t in wide.columns]
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
    if how not in ("left", "inner"):
        raise ValueError(f"how must be 'left' or 'inner', got {how!r}")
    for rule in [agg] if isinstance(agg, str) else (agg or {}).values():
        if rule not in AGGREGATIONS:
            raise ValueError(f"agg must be one of {AGGREGATIONS} (or a dict of them per column), got {rule!r}")
    source = str(data) if not isinstance(data, pd.DataFrame) else "DataFrame"
    frame = read_table(data, sheet=sheet).reset_index(drop=True)
    key = unit or detect_key(frame)
    if key not in frame.columns:
        raise KeyError(f"column {key!r} not in table; columns: {list(frame.columns)}")
    res = resolve_names(frame[key], year=year)
    res.insert(0, "row", frame.index)
    outcome = np.select(
        [res["subtotal"], res["status"].eq("ambiguous"), res["adcode"].isna()],
        ["subtotal", "ambiguous", "unmatched"],
        default="joined",
    )
    res["outcome"] = outcome
    bad = res[res["outcome"].isin(["unmatched", "ambiguous"])]
    if strict and len(bad):
        listing = "; ".join(f"data row {r.row} {_show(r.input)}: {r.note}" for r in bad.head(10).itertuples())
        raise ValueError(f"{len(bad)} row(s) not joined (strict=True): {listing}")
    keep = res["outcome"].eq("joined").to_numpy()
    table = frame.loc[keep].drop(columns=[key]).assign(adcode=res.loc[keep, "adcode"].to_numpy())
    if long is not None:
        unknown = set(long) - {"indicator", "value", "time"}
        if unknown or not {"indicator", "value"} <= set(long):
            raise ValueError(f"long= takes the keys 'indicator', 'value' and optionally 'time'; got {sorted(long)}")
    group_keys = ["adcode"] + ([long["indicator"]] + ([long["time"]] if long.get("time") else []) if long else [])
    dup = table.duplicated(group_keys, keep=False).to_numpy()
    if dup.any():
        rows = res.loc[keep].loc[dup]
        if agg is None:
            listing = "; ".join(
                f"{code} {grp['name'].iloc[0]}: rows {grp['row'].tolist()} ({', '.join(map(str, grp['input']))})"
                for code, grp in list(rows.groupby("adcode"))[:10]
            )
            raise ValueError(
                f"{rows['adcode'].nunique()} unit(s) appear in several rows ({listing}); if one of them is a "
                "total or subtotal (a province-level code beside its 市辖区 row), drop it first; to combine "
                "genuine parts pass agg= ('sum', 'mean', 'first', …; CLI: --agg)"
            )
        if isinstance(agg, str):  # numbers are combined, text keeps its first value
            agg = {
                c: agg if pd.api.types.is_numeric_dtype(table[c]) else "first"
                for c in table.columns
                if c not in group_keys
            }
        table = table.groupby(group_keys, sort=False).agg(agg).reset_index()
        res.loc[res["row"].isin(rows["row"]), "outcome"] = "aggregated"
    layout = "wide"
    if long:
        table = _long_to_wide(table, "adcode", long["indicator"], long["value"], long.get("time"))
        layout = "long"
    units = prefectures(resolution=resolution)
    overlap = [c for c in table.columns if c in units.columns and c != "adcode"]
    if overlap:
        table = table.rename(columns={c: f"{c}_table" for c in overlap})
    integers = [
        c for c in table.columns if c != "adcode" and table[c].dtype.kind in "iu" and table[c].dtype != "Int64"
    ]
    merged = units.merge(table, on="adcode", how=how, validate="1:1")
    merged[integers] = merged[integers].astype("Int64")  # stay integers despite units without table
    merged.index = merged["adcode"].to_numpy()
    without = units.loc[~units["adcode"].isin(table["adcode"]), ["adcode", "name", "level"]].reset_index(
        drop=True
    )
    report = JoinReport(
        key=key,
        source=source,
        rows=res,
        without_data=without,
        layout=layout,
        notes=[f"table columns renamed to avoid clashes: {overlap}"] if overlap else [],
    )
    merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=units.crs)
    merged.attrs["join_report"] = report
    not_joined = len(report.unmatched)
    if not_joined:
        warnings.warn(
            f"{not_joined} of {len(res)} rows not joined (unmatched or ambiguous); "
            f"see .attrs['join_report'].unmatched",
            stacklevel=2,
        )
    return merged
