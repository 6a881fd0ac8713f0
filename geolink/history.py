"""Division history: map a panel of prefecture-level units of any year 1990–2024 onto today's units.

The history is derived from the Ministry of Civil Affairs' division code tables (the areacodes
data set, CC0; see ``boundaries/history/README.md``).  Each unit of year Y is followed through
its county-level units of that year to today's units: a rename, recoding (地区 → 市) or
absorption maps it whole to one unit; a split shares it among several.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geolink import _history as hist
from geolink._checks import reject, require_columns
from geolink.names import check_year, resolve_one, unit_lookups

KINDS = ("extensive", "intensive")
_MUNICIPAL = ("11", "12", "31", "50")


@dataclass(frozen=True)
class HarmoniseResult:
    """Result of :func:`harmonise`.

    Attributes
    ----------
    data : DataFrame
        The harmonised table: ``adcode`` (today's unit), ``name``, the time column (if any) and
        the value columns, one row per unit and time.
    report : DataFrame
        Every input unit that did not map one-to-one onto an unchanged unit: ``unit``, time,
        ``adcode`` (one row per successor), ``share`` (of the unit's values that went there),
        ``change`` (``historical``: a former name or code of one of today's units, e.g. a
        rename or recoding; ``merged``: one of several units of that time now in one;
        ``split``: shared among several of today's units), ``note``.
    dropped : DataFrame
        Rows left out (missing values with ``dropna=True``), with a ``reason`` column.
    notes : list of str
        How shares were computed and what was recomputed.

    Examples
    --------
    A synthetic panel (population and urban population in 10,000 persons, and
    the urbanisation rate in %): 莱芜市 was merged into 济南市 in 2018.  The
    populations are summed; the rate is not averaged but recomputed from the
    sums, 100 × 584 / 860 = 67.91 %.

    >>> panel = pd.DataFrame({"unit": ["济南市", "莱芜市", "济南市"], "year": [2015, 2015, 2020],
    ...                       "pop": [720.0, 140.0, 920.0], "urban": [500.0, 84.0, 680.0]})
    >>> panel["urban_pct"] = 100 * panel["urban"] / panel["pop"]
    >>> r = harmonise(panel, ["pop", "urban", "urban_pct"], unit="unit", numerator="urban", denominator="pop",
    ...               kind={"pop": "extensive", "urban": "extensive", "urban_pct": "intensive"})
    >>> print(r.data.round(2).to_string(index=False))
    adcode name  year   pop  urban  urban_pct
    370100  济南市  2015 860.0  584.0      67.91
    370100  济南市  2020 920.0  680.0      73.91
    >>> print(r.report[["unit", "year", "adcode", "share", "change"]].to_string(index=False))
    unit  year adcode  share change
     济南市  2015 370100    1.0 merged
     莱芜市  2015 370100    1.0 merged
    >>> r.report.loc[1, "note"]
    '莱芜市 (371200, 1992–2017) merged into 济南市 (370100) in 2018'
    >>> r.notes[1], len(r.dropped)
    ('urban_pct recomputed as 100 × urban / pop of the harmonised units', 0)
    """

    data: pd.DataFrame
    report: pd.DataFrame
    dropped: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _kinds(value: list[str], kind) -> dict[str, str]:
    kinds = {v: kind for v in value} if isinstance(kind, str) else dict(kind)
    missing = [v for v in value if v not in kinds]
    if missing:
        raise ValueError(f"kind= does not declare value column(s) {missing}: 'extensive' or 'intensive'")
    bad = {v: k for v, k in kinds.items() if k not in KINDS}
    if bad:
        raise ValueError(f"kind= must be 'extensive' or 'intensive' for each value column, got {bad}")
    return {v: kinds[v] for v in value}


def _ratio_columns(arg, intensive: list[str], what: str) -> dict[str, str]:
    if arg is None:
        return {}
    if isinstance(arg, str):
        if len(intensive) != 1:
            raise ValueError(
                f"{what}= as one column needs exactly one intensive value column, got {intensive}"
            )
        return {intensive[0]: arg}
    return dict(arg)


@dataclass
class _Weights:
    """Today's county-level code → weight (e.g. population), codes of other years mapped forward."""

    weights: dict[str, float]

    @classmethod
    def of(cls, county_weights) -> _Weights:
        if isinstance(county_weights, pd.DataFrame):
            require_columns(county_weights, ["adcode", "weight"])
            county_weights = county_weights.set_index("adcode")["weight"]
        series = pd.Series(county_weights)
        codes = series.index.map(lambda c: str(int(c)) if not isinstance(c, str) else c.strip())
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            raise ValueError(f"county_weights must be finite and ≥ 0; not for {list(codes[bad][:10])}")
        out: dict[str, float] = defaultdict(float)
        for code, w in zip(codes, values, strict=True):
            records = hist.by_code_year().get(code)
            if not records:
                raise ValueError(f"county_weights: {code} is not a county-level code of 1990–2024")
            latest = records[-1]
            for to, _, f in hist.county_links().get((latest.code, latest.first), ((code, "", 1.0),)):
                out[to] += w * f
        return cls(dict(out))

    def share(self, leaves: list[tuple], year: int, label) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        missing = []
        for leaf in leaves:
            for to, adcode, f in hist.county_links()[(leaf.code, leaf.first)]:
                if to not in self.weights:
                    missing.append(to)
                totals[adcode] += f * self.weights.get(to, 0.0)
        if missing:
            raise ValueError(
                f"county_weights has no weight for today's county-level code(s) {sorted(set(missing))[:10]}, "
                f"needed to share {label!r} ({year}) among its successors"
            )
        total = sum(totals.values())
        if total <= 0:
            raise ValueError(f"county_weights are all zero for the counties of {label!r} ({year})")
        return {a: w / total for a, w in totals.items()}


def _leaves(key: hist.Key, year: int) -> list[tuple]:
    """County-level records of a prefecture-level record in ``year`` (itself when it has none)."""
    r = hist.records()[key]
    units = hist.units()
    if r.kind == "municipality":
        mask = units["code"].str[:2].eq(r.code[:2]) & units["kind"].eq("county")
    elif r.kind == "prefecture":
        mask = units["prefecture"].eq(r.code)
    else:
        return [r]
    kids = units[mask & units["first"].le(year) & units["last"].ge(year)]
    return list(kids.itertuples(index=False)) or [r]


def _mapping(label, year: int | None, weights: _Weights | None) -> tuple[dict[str, float], dict]:
    """today's adcode → share of the unit's values, and the resolution row."""
    res = resolve_one(label, year)
    if res["status"] in ("ambiguous", "unmatched") or res["part"]:
        return {}, res
    key = res["_rec"]
    if key is None:  # a form without a record (110000 → 110100)
        return {res["adcode"]: 1.0}, res
    rec = hist.records()[key]
    in_use = year is not None and rec.first <= year <= rec.last
    at = year if in_use else (rec.last if res["status"] == "historical" else None)
    succ = hist.successors_at(key, at)
    if len(succ) == 1:
        return {succ[0][0]: 1.0}, res
    if weights is not None and at is not None:
        return weights.share(_leaves(key, at), at, label), res
    return {a: s for a, _, s in succ}, res


def _unit_in_year(res: dict, year: int | None):
    """The unit a resolution names in ``year``: the record holding its code then (襄阳市 in 2009 is
    襄樊市), else its own record, else its adcode."""
    key = res["_rec"]
    if key is None:
        return res["adcode"]
    held = hist.record_at(key[0], year) if year is not None else None
    return (held.code, held.first) if held is not None else key


def harmonise(
    data: pd.DataFrame,
    value,
    *,
    kind,
    unit: str = "adcode",
    time: str | None = "year",
    year: int | None = None,
    county_weights=None,
    numerator=None,
    denominator=None,
    dropna: bool = False,
) -> HarmoniseResult:
    """Map a panel of prefecture-level units onto today's units, year by year.

    Each row's unit (a code or name valid in that row's year) is followed through the division
    history to today's units.  **Extensive** variables (population, GDP, employment) are summed
    over the units merged into one of today's units and shared among the successors of a split
    unit by its county shares: the share of its county-level units of that year that went to
    each successor, or, with ``county_weights``, the weighted share (e.g. population by
    county).  **Intensive** variables (rates, indices, per-capita values) are never summed:
    they are recomputed as numerator / denominator from the harmonised ``numerator`` and
    ``denominator`` columns (times the constant factor the input rows show, e.g. 100 for a
    percentage), or, without those, copied where the unit maps one-to-one and refused for
    split and merged units.

    Parameters
    ----------
    data : DataFrame
        One row per unit (and time).
    value : str or list of str
        The value column(s).
    kind : str or dict
        ``"extensive"`` or ``"intensive"`` for all value columns, or a dict column → kind.
    unit : str, default "adcode"
        The column naming the units: codes or names in any form
        :func:`geolink.resolve_names` understands, valid in the row's year.
    time : str or None, default "year"
        The time column (integer years, as of 31 December): decides what each unit was.
        None: one cross-section, valid in ``year``.
    year : int, optional
        The year of a cross-section (``time=None``).
    county_weights : Series or DataFrame, optional
        Weights of county-level units (e.g. census population) to share split units:
        a Series indexed by county-level code, or a DataFrame with columns ``adcode`` and
        ``weight``.  Codes of other years are carried forward to today's codes.  Default:
        county counts.
    numerator, denominator : str or dict, optional
        For intensive columns: the extensive column(s) they are the ratio of (a dict intensive
        column → column; a string when there is one intensive column).  They are harmonised as
        extensive variables.
    dropna : bool, default False
        False: missing values raise naming the units; True: those rows are dropped and
        reported in ``dropped``.

    Returns
    -------
    HarmoniseResult
        ``data`` (``adcode``, ``name``, time, values), ``report``, ``dropped``, ``notes``.

    Raises
    ------
    ValueError
        Units that do not resolve (unknown, ambiguous, urban districts only), missing or
        infinite values, an intensive variable of split or merged units without numerator and
        denominator, a rate that is not numerator / denominator × a constant.

    Examples
    --------
    A synthetic panel: 巢湖市 (dissolved 2011: 2 of its 5 counties to 合肥, 1 to 芜湖, 2 to
    马鞍山) and 莱芜市 (absorbed by 济南 in 2018).

    >>> panel = pd.DataFrame({
    ...     "city": ["巢湖市", "合肥市", "莱芜市", "济南市", "合肥市"],
    ...     "year": [2010, 2010, 2010, 2010, 2015],
    ...     "gdp": [100.0, 200.0, 50.0, 300.0, 500.0],
    ... })
    >>> r = harmonise(panel, "gdp", kind="extensive", unit="city")
    >>> print(r.data.to_string(index=False))
    adcode name  year   gdp
    340100  合肥市  2010 240.0
    340200  芜湖市  2010  20.0
    340500 马鞍山市  2010  40.0
    370100  济南市  2010 350.0
    340100  合肥市  2015 500.0
    >>> r.report[["unit", "adcode", "share", "change"]].values.tolist()[:2]
    [['巢湖市', '340100', 0.4, 'split'], ['巢湖市', '340200', 0.2, 'split']]
    """
    value = _as_list(value)
    year = check_year(year)
    kinds = _kinds(value, kind)
    intensive = [v for v in value if kinds[v] == "intensive"]
    num = _ratio_columns(numerator, intensive, "numerator")
    den = _ratio_columns(denominator, intensive, "denominator")
    if set(num) != set(den) or not set(num) <= set(intensive):
        raise ValueError(
            f"numerator= and denominator= must name the same intensive column(s); got {num} and {den} "
            f"(intensive: {intensive})"
        )
    helpers = [c for c in dict.fromkeys([*num.values(), *den.values()]) if c not in value]
    require_columns(data, [unit, time, *value, *helpers])
    table = data.reset_index(drop=True)
    reject(table, table[unit].isna(), f"the unit column {unit!r} is missing", show=("index",))
    if time is not None:
        reject(table, table[time].isna(), f"the time column {time!r} is missing", show=("index", unit))
    numeric = [*value, *helpers]
    for col in numeric:
        if not pd.api.types.is_numeric_dtype(table[col]):
            raise ValueError(f"value column {col!r} is not numeric (dtype {table[col].dtype})")
        reject(table, np.isinf(table[col].to_numpy(dtype=float)), f"{col!r} is infinite", show=(unit,))
    missing = table[numeric].isna().any(axis=1).to_numpy()
    dropped = table.loc[missing].assign(reason="missing value")
    if missing.any() and not dropna:
        reject(
            table, missing, f"a value of {numeric} is missing (pass dropna=True to drop them)", show=(unit,)
        )
    table = table.loc[~missing]

    weights = _Weights.of(county_weights) if county_weights is not None else None
    if time is not None:
        flags = table[time].map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
        years = pd.to_numeric(table[time].where(~flags), errors="coerce")
        reject(
            table,
            years.isna() | (years % 1 != 0),
            f"the time column {time!r} is not an integer year",
            (unit, time),
        )
        reject(
            table,
            years < hist.FIRST,
            f"the year in {time!r} is before the division history, which covers {hist.FIRST}–{hist.LAST} "
            "(later years take today's units)",
            (unit, time),
        )
        years = years.astype(int)
    else:
        years = pd.Series(year, index=table.index)
    maps, problems = {}, []
    for label, y in dict.fromkeys(zip(table[unit], years, strict=True)):
        y = None if y is None or pd.isna(y) else int(y)
        shares, res = _mapping(label, y, weights)
        if not shares:
            why = "urban districts only (a part of the prefecture)" if res["part"] else res["status"]
            problems.append(f"{label!r} ({y}): {why}: {res['note']}")
        maps[(label, y)] = (shares, res)
    if problems:
        raise ValueError(
            f"{len(problems)} unit(s) not mapped onto today's units: " + "; ".join(problems[:10])
        )
    # one row per unit and year: two rows of one unit (twice, or as 广州 and 广州市) are not added up
    keys = [(u, None if y is None or pd.isna(y) else int(y)) for u, y in zip(table[unit], years, strict=True)]
    same = pd.Series([(_unit_in_year(maps[k][1], k[1]), k[1]) for k in keys])
    reject(
        table, same.duplicated(keep=False).to_numpy(),
        f"a unit appears twice in one {'year' if time is None else repr(time)} (its rows are not added up: "
        "keep one row per unit and year)", show=(unit, time) if time else (unit,),
    )

    long = []
    for idx, label, y in zip(table.index, table[unit], years, strict=True):
        y = None if y is None or pd.isna(y) else int(y)
        for adcode, share in maps[(label, y)][0].items():
            long.append((idx, label, y, adcode, share))
    links = pd.DataFrame(long, columns=["row", "unit", "t", "adcode", "share"])
    fan_in = links.groupby(["adcode", "t"], dropna=False)["row"].transform("nunique")
    fan_out = links.groupby("row")["adcode"].transform("size")
    status = [maps[(u, t)][1]["status"] for u, t in zip(links["unit"], links["t"], strict=True)]
    links["change"] = np.select(
        [fan_out.gt(1), fan_in.gt(1), pd.Series(status).eq("historical")],
        ["split", "merged", "historical"],
        "",
    )
    links["note"] = [maps[(u, t)][1]["note"] for u, t in zip(links["unit"], links["t"], strict=True)]

    extensive = [v for v in value if kinds[v] == "extensive"] + helpers
    rows = table.loc[links["row"]]
    out = links[["adcode", "t"]].copy()
    for col in extensive:
        out[col] = rows[col].to_numpy(dtype=float) * links["share"].to_numpy()
    grouped = out.groupby(["adcode", "t"], dropna=False, sort=True)
    result = grouped[extensive].sum() if extensive else grouped.size().to_frame("_n")[[]]
    notes = [
        "split units shared by "
        + ("county_weights (weighted county shares)" if weights is not None else "their county counts")
    ]
    touched = links["change"].ne("")
    for col in intensive:
        if col in num:
            ratio = table[num[col]].to_numpy(float) / table[den[col]].to_numpy(float)
            ok = np.isfinite(ratio) & (ratio != 0)
            factor = float(np.median(table[col].to_numpy(float)[ok] / ratio[ok])) if ok.any() else 1.0
            off = ok & ~np.isclose(table[col].to_numpy(float), factor * ratio, rtol=1e-6, atol=0)
            reject(table, off, f"{col!r} is not {factor:g} × {num[col]} / {den[col]}", show=(unit, time))
            result[col] = factor * result[num[col]] / result[den[col]]
            notes.append(f"{col} recomputed as {factor:g} × {num[col]} / {den[col]} of the harmonised units")
        else:
            bad = links.loc[links["change"].isin(["split", "merged"])]
            if len(bad):
                listing = ", ".join(
                    dict.fromkeys(f"{u} ({t})" for u, t in zip(bad["unit"], bad["t"], strict=True))
                )
                raise ValueError(
                    f"intensive column {col!r} cannot be summed or shared: split or merged unit(s) {listing}; "
                    "pass numerator= and denominator= (the extensive columns it is the ratio of) to recompute it"
                )
            result[col] = (
                pd.Series(rows[col].to_numpy(float), index=pd.MultiIndex.from_frame(links[["adcode", "t"]]))
                .groupby(level=[0, 1], dropna=False)
                .first()
            )
    result = result.reset_index().sort_values(["t", "adcode"], kind="stable")
    result.insert(
        1, "name", result["adcode"].map(lambda a: unit_lookups()[0].get(a) or hist.name_at(a, hist.LAST))
    )
    result = (
        result[["adcode", "name", "t", *value]] if time is not None else result[["adcode", "name", *value]]
    )
    if time is not None:
        result = result.rename(columns={"t": time})
        result[time] = result[time].astype(int)
    report = links.loc[touched, ["unit", "t", "adcode", "share", "change", "note"]].reset_index(drop=True)
    report["share"] = report["share"].round(6)
    report = report.rename(columns={"t": time}) if time is not None else report.drop(columns="t")
    return HarmoniseResult(result.reset_index(drop=True), report, dropped.reset_index(drop=True), notes)
