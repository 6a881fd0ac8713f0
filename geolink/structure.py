"""Industrial-structure measures: location quotient, LQ ratio, LQ-change classes, Krugman
specialisation index, structural similarity, industrial linkage index and the producer-services /
manufacturing co-agglomeration index.

Inputs are **long** tables (one row per unit × industry [× time] with a value: output,
employment, …) or **wide** tables (one row per unit [× time], one column per industry; pass
``industry=None``).  A unit × industry combination absent from a long table counts as 0 (the
industry is absent there) and is flagged in the ``filled`` column of the result.  Missing,
infinite or negative values, missing labels, duplicate unit × industry rows and units with a zero
total raise ``ValueError`` naming the rows.

Notation: ``Q[i,k]`` value of industry k in unit i, ``Q[i] = Σ_k Q[i,k]``, shares
``X[i,k] = Q[i,k] / Q[i]``; ``R`` the reference area with totals ``Q[R,k]``.

References: the location quotient, Krugman index, structural similarity and linkage index
follow the Guangzhou–Shenzhen industrial-linkage study in 《特区经济》 (Special Zone Economy)
2025 no. 2; the co-agglomeration index follows Chen Xiuying and Wang Mengcui, 中国城市群生产性
服务业与制造业协同集聚的空间差异及收敛性研究 (Spatial differences and convergence of the
co-agglomeration of producer services and manufacturing in China's urban agglomerations).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from geolink._checks import as_numbers, reject, reject_totals, require_columns, require_labels, require_rows

CLASSES = ("formed", "strengthened", "weakened", "lost", "none")

#: Producer services as in the China City Statistical Yearbook: five industries, each in its
#: GB/T 4754-2002 and -2011 wordings (matched without spaces and the enumeration marks 、，,).
PRODUCER_SERVICES = (
    "交通运输、仓储和邮政业",
    ("信息传输、计算机服务和软件业", "信息传输、软件和信息技术服务业"),
    "金融业",
    "租赁和商务服务业",
    ("科学研究、技术服务和地质勘查业", "科学研究和技术服务业"),
)
MANUFACTURING = ("制造业",)


def industry_matrix(
    data: pd.DataFrame,
    value,
    *,
    unit: str = "adcode",
    industry: str | None = "industry",
    time: str | None = None,
) -> pd.DataFrame:
    """Validated unit × industry matrix of values, one block per time value.

    Parameters
    ----------
    data : long table (``unit``, ``industry``, ``value`` [, ``time``]) or, with
        ``industry=None``, a wide table (``unit`` [, ``time``] and one column per industry).
    value : the value column of a long table; for a wide table the industry
        columns (a list), or None for every column other than ``unit`` and ``time``.
    unit, industry, time : column names (see the conventions in the README).

    Returns
    -------
    DataFrame
        Indexed by (``time``, ``unit``) — time 0 when not given — with one
        column per industry; ``.attrs['filled']`` holds the (time, unit,
        industry) cells absent from a long table and counted as 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from geolink.structure import industry_matrix
    >>> t = pd.DataFrame({"city": ["A", "A", "B"], "industry": ["x", "y", "x"], "jobs": [1, 3, 2]})
    >>> industry_matrix(t, "jobs", unit="city").to_dict("index")
    {(0, 'A'): {'x': 1.0, 'y': 3.0}, (0, 'B'): {'x': 2.0, 'y': 0.0}}
    """
    keys = [unit] + ([time] if time else [])
    require_columns(data, keys)
    require_rows(data)
    require_labels(data, keys)
    reject_totals(data, unit)
    if industry is None:
        columns = [c for c in data.columns if c not in keys] if value is None else list(np.atleast_1d(value))
        require_columns(data, columns)
        if not columns:
            raise ValueError("a wide table (industry=None) needs at least one industry column")
        long = data.melt(id_vars=keys, value_vars=columns, var_name="industry", value_name="value")
    else:
        if not isinstance(value, str):
            raise TypeError(f"value must be the name of the value column of a long table, got {value!r}")
        require_columns(data, [industry, value])
        require_labels(data, [industry], "industry")
        long = data[keys + [industry, value]].set_axis(keys + ["industry", "value"], axis=1)
    shown = long.rename(columns={"industry": industry or "industry", "value": value if industry else "value"})
    v = as_numbers(shown, shown.columns[-1], what="the value", show=["records"])
    reject(shown, v.isna(), "the value is missing (an absent unit × industry row counts as 0, a missing value does not)", show=["records"])
    reject(shown, v < 0, "the value is negative", show=["records"])
    long = long.assign(value=v.to_numpy())
    reject(shown, long.duplicated(keys + ["industry"], keep=False), "unit × industry is duplicated", show=["records"])
    if not time:
        long = long.assign(_time=0)
        keys = [unit, "_time"]
    matrix = long.pivot(index=[keys[-1], unit], columns="industry", values="value")
    filled = matrix.isna().stack()
    matrix = matrix.fillna(0.0)
    matrix.index.names = ["time", "unit"]
    matrix.columns.name = "industry"
    totals = matrix.sum(axis=1)
    if (totals == 0).any():
        zero = [f"{u} ({t})" if time else str(u) for t, u in totals.index[totals == 0]]
        raise ValueError(f"unit(s) with a zero total over all industries: {zero}")
    matrix.attrs["filled"] = set(filled.index[filled.to_numpy()])
    return matrix


def _reference_totals(matrix: pd.DataFrame, reference) -> pd.DataFrame:
    """Reference totals Q[R,k], one row per time value of ``matrix`` (one mechanism for every metric)."""
    times = matrix.index.get_level_values("time").unique()
    if reference is None:
        return matrix.groupby(level="time", sort=False).sum()
    if isinstance(reference, pd.Series):
        ref = pd.DataFrame([reference.to_numpy()] * len(times), index=times, columns=reference.index)
    elif isinstance(reference, pd.DataFrame):
        ref = reference
        if list(times) != [0]:
            absent = [t for t in times if t not in ref.index]
            if absent:
                raise KeyError(f"the reference table has no row for time(s) {absent}; its index: {list(ref.index)}")
            ref = ref.loc[times]
        elif len(ref) != 1:
            raise ValueError("without time=, a reference table must have exactly one row (or pass a Series)")
        else:
            ref = ref.set_axis(times)
    else:
        units = matrix.index.get_level_values("unit")
        if reference not in set(units):
            raise KeyError(f"reference unit {reference!r} is not in the data")
        ref = matrix.xs(reference, level="unit")
        absent = [t for t in times if t not in ref.index]
        if absent:
            raise KeyError(f"reference unit {reference!r} has no data for time(s) {absent}")
        return ref.loc[times]
    missing = sorted(map(str, set(matrix.columns) - set(ref.columns)))
    if missing:
        raise KeyError(f"reference lacks industries {missing}")
    ref = ref[matrix.columns].apply(pd.to_numeric, errors="coerce").astype(float)
    bad = ~np.isfinite(ref.to_numpy()) | (ref.to_numpy() < 0)
    if bad.any():
        cells = [(t, k) if list(times) != [0] else k for t, k in ref.stack(future_stack=True)[bad.ravel()].index][:10]
        raise ValueError(f"reference totals must be finite non-negative numbers; not so for industries {cells}")
    _require_positive_totals(ref, times, "the reference area has a total of 0 over all industries")
    return ref


def _require_positive_totals(table: pd.DataFrame, times, what: str) -> None:
    """``ValueError`` naming the time values where a row of ``table`` (indexed by time) sums to 0."""
    zero = table.sum(axis=1) == 0
    if zero.any():
        at = "" if list(times) == [0] else f" (time: {list(table.index[zero])})"
        raise ValueError(f"{what}{at}: shares are undefined")


def _tidy(matrix: pd.DataFrame, name: str, unit: str, time: str | None) -> pd.DataFrame:
    out = matrix.stack().rename(name).reset_index().rename(columns={"unit": unit})
    return out.drop(columns="time") if time is None else out.rename(columns={"time": time})


def location_quotient(
    data: pd.DataFrame,
    value,
    *,
    unit: str = "adcode",
    industry: str | None = "industry",
    time: str | None = None,
    reference=None,
) -> pd.DataFrame:
    """Location quotient ``LQ[i,k] = (Q[i,k] / Q[i]) / (Q[R,k] / Q[R])``.

    Parameters
    ----------
    data, value, unit, industry, time : see :func:`industry_matrix`.
    reference : the reference area R.  None (default): the sum over the units
        given.  A unit label of the data (e.g. the province row): that unit's
        structure.  A Series indexed by industry of reference totals Q[R,k]
        (e.g. national employment by industry; the same for every time), or
        a DataFrame indexed by time with one column per industry.

    Returns
    -------
    DataFrame
        Long: ``unit``, ``industry`` (× ``time``), ``value``, ``share``
        (X[i,k]), ``reference_share`` (Q[R,k]/Q[R]), ``lq`` (dimensionless;
        > 1: specialised) and ``filled`` (True where the cell was absent from
        a long table and counted as 0).  An industry absent from the
        reference gives NaN.

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> t = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
    ...                   "jobs": [10, 30, 20, 20]})
    >>> lq = geolink.location_quotient(t, "jobs", unit="city")
    >>> lq[["city", "industry", "lq"]].round(3).values.tolist()
    [['A', 'x', 0.667], ['A', 'y', 1.2], ['B', 'x', 1.333], ['B', 'y', 0.8]]
    >>> national = pd.Series({"x": 100, "y": 100})
    >>> geolink.location_quotient(t, "jobs", unit="city", reference=national)["lq"].tolist()
    [0.5, 1.5, 1.0, 1.0]
    """
    matrix = industry_matrix(data, value, unit=unit, industry=industry, time=time)
    shares = matrix.div(matrix.sum(axis=1), axis=0)
    ref = _reference_totals(matrix, reference)
    ref_share = ref.div(ref.sum(axis=1), axis=0)
    ref_rows = ref_share.reindex(matrix.index.get_level_values("time"))
    ref_rows.index = matrix.index
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = shares / ref_rows.where(ref_rows > 0)
    out = _tidy(matrix, "value", unit, time)
    out["share"] = _tidy(shares, "s", unit, time)["s"].to_numpy()
    out["reference_share"] = _tidy(ref_rows, "r", unit, time)["r"].to_numpy()
    out["lq"] = _tidy(lq, "lq", unit, time)["lq"].to_numpy()
    filled = matrix.attrs["filled"]
    out["filled"] = [cell in filled for cell in matrix.stack().index]
    return out.rename(columns={"industry": industry or "industry"})


def _lq_wide(lq: pd.DataFrame, unit: str, industry: str, time: str | None) -> pd.DataFrame:
    require_columns(lq, [unit, industry, time, "lq"])
    index = [industry] + ([time] if time else [])
    if lq.duplicated(index + [unit]).any():
        hint = " (the table has several time values: pass time=)" if time is None else ""
        raise ValueError(f"the LQ table has several rows per {unit} × {industry}{hint}")
    return lq.pivot(index=index, columns=unit, values="lq")


def lq_ratio(
    lq: pd.DataFrame,
    a,
    b,
    *,
    unit: str = "adcode",
    industry: str = "industry",
    time: str | None = None,
) -> pd.DataFrame:
    """``LQ[a,k] / LQ[b,k]`` per industry (× time) from a :func:`location_quotient` table.

    Equals ``X[a,k] / X[b,k]`` whatever the reference; > 1: ``a`` has the
    comparative advantage in k.

    Parameters
    ----------
    lq : a :func:`location_quotient` result.
    a, b : the two units (labels of the ``unit`` column).
    unit, industry, time : column names of ``lq``; a table with several time
        values needs ``time=``.

    Returns
    -------
    DataFrame
        ``industry`` (× ``time``), ``lq_a``, ``lq_b``, ``ratio``.

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> t = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
    ...                   "jobs": [10, 30, 20, 20]})
    >>> lq = geolink.location_quotient(t, "jobs", unit="city")
    >>> geolink.lq_ratio(lq, "A", "B", unit="city")["ratio"].round(6).tolist()   # = X_A / X_B
    [0.5, 1.5]
    """
    wide = _lq_wide(lq, unit, industry, time)
    for u in (a, b):
        if u not in wide.columns:
            raise KeyError(f"unit {u!r} not in the LQ table; units: {list(wide.columns)}")
    out = pd.DataFrame({"lq_a": wide[a], "lq_b": wide[b]})
    _require_lq(out.reset_index(), ["lq_a", "lq_b"], f"{unit} {a!r} or {b!r} has no LQ")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["lq_a"] / out["lq_b"]
    return out.reset_index()


def _require_lq(table: pd.DataFrame, columns: list[str], what: str) -> None:
    """``ValueError`` naming the rows of ``table`` without a location quotient in one of ``columns``."""
    reject(table, table[columns].isna().any(axis=1), f"{what} (absent from the table, or NaN: an industry absent from the reference)",
           show=["records"])


def classify_lq_change(lq_start, lq_end) -> np.ndarray:
    """LQ-change class from start-year and end-year location quotients.

    With ``ΔL = L_end − L_start``: ``formed`` (比较优势形成): ΔL > 0,
    L_start < 1, L_end > 1; ``strengthened`` (增强): ΔL > 0, L_start > 1;
    ``weakened`` (减弱): ΔL < 0, L_end > 1; ``lost`` (丧失): ΔL < 0,
    L_start > 1, L_end < 1; otherwise ``none``.

    Parameters
    ----------
    lq_start, lq_end : array-likes of location quotients.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> import geolink
    >>> geolink.classify_lq_change([0.8, 1.2, 1.5, 1.3, 0.5], [1.1, 1.4, 1.2, 0.9, 0.6]).tolist()
    ['formed', 'strengthened', 'weakened', 'lost', 'none']
    """
    l0 = np.asarray(lq_start, dtype=float)
    lt = np.asarray(lq_end, dtype=float)
    d = lt - l0
    return np.select(
        [
            (d > 0) & (l0 < 1) & (lt > 1),
            (d > 0) & (l0 > 1),
            (d < 0) & (lt > 1),
            (d < 0) & (l0 > 1) & (lt < 1),
        ],
        list(CLASSES[:4]),
        default="none",
    )


def lq_change(
    lq: pd.DataFrame,
    *,
    start,
    end,
    unit: str = "adcode",
    industry: str = "industry",
    time: str = "year",
) -> pd.DataFrame:
    """Change of the location quotient between a start and an end time, with its class.

    Parameters
    ----------
    lq : a :func:`location_quotient` table with a time column.
    start, end : the two time values compared.
    unit, industry, time : column names of ``lq``.

    Returns
    -------
    DataFrame
        ``unit``, ``industry``, ``lq_start``, ``lq_end``, ``change``
        (= lq_end − lq_start) and ``class`` (see :func:`classify_lq_change`).

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> t = pd.DataFrame({"city": ["A", "A", "B", "B"] * 2, "industry": ["x", "y"] * 4,
    ...                   "jobs": [10, 30, 20, 20, 30, 10, 20, 20], "year": [2010] * 4 + [2020] * 4})
    >>> lq = geolink.location_quotient(t, "jobs", unit="city", time="year")
    >>> ch = geolink.lq_change(lq, start=2010, end=2020, unit="city")
    >>> ch[["city", "industry", "class"]].values.tolist()
    [['A', 'x', 'formed'], ['A', 'y', 'lost'], ['B', 'x', 'lost'], ['B', 'y', 'formed']]
    """
    require_columns(lq, [unit, industry, time, "lq"])
    if start == end:
        raise ValueError(f"start and end are the same {time} ({start!r}): there is no change to classify")
    if lq.duplicated([unit, industry, time]).any():
        raise ValueError(f"the LQ table has several rows per {unit} × {industry} × {time}")
    wide = lq.pivot(index=[unit, industry], columns=time, values="lq")
    for t in (start, end):
        if t not in wide.columns:
            raise KeyError(f"{time} {t!r} not in the LQ table; values: {list(wide.columns)}")
    out = pd.DataFrame({"lq_start": wide[start], "lq_end": wide[end]})
    _require_lq(out.reset_index(), ["lq_start", "lq_end"], f"there is no LQ in {time} {start!r} or {end!r}")
    out["change"] = out["lq_end"] - out["lq_start"]
    out["class"] = classify_lq_change(out["lq_start"], out["lq_end"])
    return out.reset_index()


def _pairwise(matrix: pd.DataFrame, fn, name: str, pair, unit: str, time: str | None) -> pd.DataFrame:
    if pair is not None and (isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2):
        raise ValueError(f"pair must be two unit labels, e.g. pair=('440100', '440300'), got {pair!r}")
    shares = matrix.div(matrix.sum(axis=1), axis=0)
    few = shares.groupby(level="time", sort=False).size() < 2
    if pair is None and few.any():
        at = "" if time is None else f" for {time} {list(few.index[few])}"
        raise ValueError(f"{name} compares units: the data have a single {unit!r}{at}")
    rows = []
    for t, block in shares.groupby(level="time", sort=False):
        block = block.droplevel("time")
        pairs = [tuple(pair)] if pair is not None else list(combinations(block.index, 2))
        for i, j in pairs:
            for u in (i, j):
                if u not in block.index:
                    raise KeyError(f"unit {u!r} not in the data{'' if time is None else f' for {t}'}")
            rows.append(
                {"time": t, f"{unit}_a": i, f"{unit}_b": j, name: fn(block.loc[i].to_numpy(), block.loc[j].to_numpy())}
            )
    out = pd.DataFrame(rows)
    return out.drop(columns="time") if time is None else out.rename(columns={"time": time})


def _krugman(x, y) -> float:
    return float(np.abs(x - y).sum())


def _similarity(x, y) -> float:
    return float((x * y).sum() / np.sqrt((x**2).sum() * (y**2).sum()))


_PAIRWISE = {"krugman": _krugman, "similarity": _similarity}


def _structure_index(name, data, value, pair, unit, industry, time) -> pd.DataFrame:
    matrix = industry_matrix(data, value, unit=unit, industry=industry, time=time)
    return _pairwise(matrix, _PAIRWISE[name], name, pair, unit, time)


def krugman_index(
    data: pd.DataFrame,
    value,
    *,
    pair: tuple | None = None,
    unit: str = "adcode",
    industry: str | None = "industry",
    time: str | None = None,
) -> pd.DataFrame:
    """Krugman specialisation index ``K[i,j] = Σ_k |X[i,k] − X[j,k]|`` ∈ [0, 2] (0: identical structures).

    Parameters
    ----------
    data, value, unit, industry, time : see :func:`industry_matrix`.
    pair : two unit labels, or None for every pair of units.

    Returns
    -------
    DataFrame
        ``<unit>_a``, ``<unit>_b`` (× ``time``), ``krugman``.

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> s = pd.DataFrame({"city": ["GZ"] * 3 + ["SZ"] * 3, "sector": ["I", "II", "III"] * 2,
    ...                   "pct": [1.1, 25.3, 73.6, 0.1, 37.3, 62.6]})
    >>> geolink.krugman_index(s, "pct", pair=("GZ", "SZ"), unit="city", industry="sector").round(2).values.tolist()
    [['GZ', 'SZ', 0.24]]
    """
    return _structure_index("krugman", data, value, pair, unit, industry, time)


def similarity_index(
    data: pd.DataFrame,
    value,
    *,
    pair: tuple | None = None,
    unit: str = "adcode",
    industry: str | None = "industry",
    time: str | None = None,
) -> pd.DataFrame:
    """Structural similarity (UNIDO) ``S = Σ_k X_i X_j / sqrt(Σ X_i² Σ X_j²)`` ∈ [0, 1] (1: identical).

    Parameters
    ----------
    data, value, unit, industry, time : see :func:`industry_matrix`.
    pair : two unit labels, or None for every pair of units.

    Returns
    -------
    DataFrame
        ``<unit>_a``, ``<unit>_b`` (× ``time``), ``similarity``.

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> t = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
    ...                   "jobs": [10, 30, 20, 20]})
    >>> round(geolink.similarity_index(t, "jobs", unit="city")["similarity"].item(), 4)   # 0.5 / sqrt(0.3125)
    0.8944
    """
    return _structure_index("similarity", data, value, pair, unit, industry, time)


def linkage_index(
    data: pd.DataFrame,
    value,
    *,
    pair: tuple,
    unit: str = "adcode",
    industry: str | None = "industry",
    time: str = "year",
) -> pd.DataFrame:
    """Industrial linkage index of two units over the time values of a panel.

    ``S̃(t) = (max_t S − S(t)) / (max_t S − min_t S)`` turns similarity into a
    positive indicator by min–max over the period; ``L(t) = K(t)/2 + S̃(t)/2``
    (the Guangzhou–Shenzhen linkage study, 《特区经济》 2025 no. 2).

    Parameters
    ----------
    data, value, unit, industry, time : see :func:`industry_matrix`.
    pair : the two unit labels.

    Returns
    -------
    DataFrame
        One row per time value: ``krugman``, ``similarity``,
        ``similarity_scaled`` and ``linkage``.  Needs at least two distinct
        similarity values (``ValueError`` otherwise).

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> rows = [{"city": c, "industry": k, "jobs": v, "year": y}
    ...         for y, (a, b) in {2000: (1, 3), 2010: (1, 1), 2020: (3, 1)}.items()
    ...         for c, k, v in (("A", "x", a), ("A", "y", b), ("B", "x", 1), ("B", "y", 1))]
    >>> out = geolink.linkage_index(pd.DataFrame(rows), "jobs", pair=("A", "B"), unit="city")
    >>> out[["year", "krugman", "linkage"]].round(3).values.tolist()
    [[2000.0, 0.5, 0.75], [2010.0, 0.0, 0.0], [2020.0, 0.5, 0.75]]
    """
    matrix = industry_matrix(data, value, unit=unit, industry=industry, time=time)
    k = _pairwise(matrix, _krugman, "krugman", pair, unit, time)
    s = _pairwise(matrix, _similarity, "similarity", pair, unit, time)
    out = k.merge(s, on=[time, f"{unit}_a", f"{unit}_b"])
    span = out["similarity"].max() - out["similarity"].min()
    if len(out) < 2 or span <= 0:
        raise ValueError(
            "the linkage index needs at least two time values with different similarity values "
            f"(got {len(out)}, similarity range {span:.3g})"
        )
    out["similarity_scaled"] = (out["similarity"].max() - out["similarity"]) / span
    out["linkage"] = out["krugman"] / 2 + out["similarity_scaled"] / 2
    return out


def _industry_key(name) -> str:
    """An industry name without spaces and enumeration marks: yearbooks write 、 or leave it out."""
    return re.sub(r"[\s、，,]", "", str(name))


def _industries_of(columns, industries, what: str) -> list:
    """The data's industries for ``industries`` (each a name or a tuple of its wordings).

    Industries not found are named in a warning beside those used; ``KeyError`` when none is found.
    """
    items = [industries] if isinstance(industries, str) else list(industries)  # one name, not its characters
    by_key = {}
    for c in columns:
        by_key.setdefault(_industry_key(c), c)
    found, missing = [], []
    for item in items:
        wordings = (item,) if isinstance(item, str) else tuple(item)
        hits = [by_key[k] for k in dict.fromkeys(map(_industry_key, wordings)) if k in by_key]
        (found.extend(hits) if hits else missing.append(" / ".join(map(str, wordings))))
    if not found:
        raise KeyError(f"none of the {what} industries {missing} is an industry of the data; industries: {list(columns)}")
    if missing:
        warnings.warn(
            f"{what}: {len(missing)} of {len(items)} industries are not in the data and are left out "
            f"({'; '.join(missing)}); the index sums {found}",
            UserWarning, stacklevel=3,
        )
    return found


def coagglomeration_index(
    data: pd.DataFrame,
    value,
    *,
    unit: str = "adcode",
    industry: str | None = "industry",
    time: str | None = None,
    reference=None,
    manufacturing: Sequence[str] = MANUFACTURING,
    producer_services: Sequence[str] = PRODUCER_SERVICES,
) -> pd.DataFrame:
    """Co-agglomeration of manufacturing (m) and producer services (s) per unit.

    ``LQ_cm = (q_cm/q_c)/(q_m/q)``, ``LQ_cs = (q_cs/q_c)/(q_s/q)`` with q_c the
    unit's total over all industries in the data and q_m, q_s, q the
    reference totals, and ``y = (1 − |LQ_cm − LQ_cs| / (LQ_cm + LQ_cs)) +
    (LQ_cm + LQ_cs)``: the first term measures how balanced, the second how
    strong the joint agglomeration is (Chen and Wang, eq. 1–2).

    Parameters
    ----------
    data, value, unit, industry, time : see :func:`industry_matrix`.
    reference : as in :func:`location_quotient` (None: the sum over the units given).
    manufacturing, producer_services : the industries summed into m and s, each a name or a
        tuple of its alternative wordings, matched to the data's industries without spaces and
        the enumeration marks ``、，,`` (``交通运输仓储和邮政业`` is ``交通运输、仓储和邮政业``).
        An industry not in the data is left out with a warning naming it and the industries
        used; at least one of each group must be there.  The default producer services are
        the yearbook's five (transport, information, finance, leasing and business services,
        research), in both the 2002 and the 2011 wordings of the industry classification.

    Returns
    -------
    DataFrame
        ``unit`` (× ``time``), ``lq_manufacturing``, ``lq_producer_services``, ``coagglomeration``.

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> t = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["制造业", "金融业"] * 2,
    ...                   "jobs": [30, 10, 10, 30]})
    >>> geolink.coagglomeration_index(t, "jobs", unit="city", producer_services="金融业").round(3).values.tolist()
    [['A', 1.5, 0.5, 2.5], ['B', 0.5, 1.5, 2.5]]
    """
    matrix = industry_matrix(data, value, unit=unit, industry=industry, time=time)
    groups = {label: _industries_of(matrix.columns, names, label.replace("_", " "))
              for label, names in (("manufacturing", manufacturing), ("producer_services", producer_services))}
    ref = _reference_totals(matrix, reference)
    ref_total = ref.sum(axis=1)
    total = matrix.sum(axis=1)
    times = matrix.index.get_level_values("time")
    out = pd.DataFrame(index=matrix.index)
    for label, present in groups.items():
        _require_positive_totals(ref[present], ref.index, f"the reference area has no {label.replace('_', ' ')} ({present})")
        q_ref = ref[present].sum(axis=1) / ref_total
        out[f"lq_{label}"] = (matrix[present].sum(axis=1) / total).to_numpy() / q_ref.reindex(times).to_numpy()
    both = out["lq_manufacturing"] + out["lq_producer_services"]
    none = (both == 0).to_numpy()
    if none.any():
        cells = [f"{u} ({t})" if time else str(u) for t, u in out.index[none]][:10]
        raise ValueError(
            f"unit(s) with neither manufacturing nor producer services: {cells}; the co-agglomeration "
            "index is undefined there (0/0): leave them out"
        )
    out["coagglomeration"] = (1 - (out["lq_manufacturing"] - out["lq_producer_services"]).abs() / both) + both
    out = out.reset_index().rename(columns={"unit": unit})
    return out.drop(columns="time") if time is None else out.rename(columns={"time": time})
