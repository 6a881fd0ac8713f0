"""Industrial-structure measures (SPEC §2): location quotient, LQ ratio, LQ-change classes,
Krugman specialisation index, structural similarity, industrial linkage index and the
producer-services / manufacturing co-agglomeration index.

Inputs are **long** tables (one row per region × industry [× year] with a value:
output, employment, …) or **wide** tables (one row per region [× year], one
column per industry; pass ``industry=None``).  A region × industry
combination absent from a long table counts as 0 (the industry is absent
there); the number of such cells is in ``.attrs['filled_zeros']`` of the
result.  Negative or missing values, duplicate region × industry rows and
regions with a zero total raise ``ValueError`` naming the rows.

Notation: ``Q[i,k]`` value of industry k in region i, ``Q[i] = Σ_k Q[i,k]``,
shares ``X[i,k] = Q[i,k] / Q[i]``; ``R`` the reference area.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from geolink._checks import reject, require_columns

CLASSES = ("formed", "strengthened", "weakened", "lost", "none")

#: Producer services as in the China City Statistical Yearbook (both GB/T 4754-2002 and -2011 wording).
PRODUCER_SERVICES = (
    "交通运输、仓储和邮政业",
    "信息传输、计算机服务和软件业",
    "信息传输、软件和信息技术服务业",
    "金融业",
    "租赁和商务服务业",
    "科学研究、技术服务和地质勘查业",
    "科学研究和技术服务业",
)
MANUFACTURING = ("制造业",)


def panel(
    data: pd.DataFrame,
    region: str = "region",
    industry: str | None = "industry",
    value: str = "value",
    year: str | None = None,
) -> pd.DataFrame:
    """Validated region × industry matrix of values, one block per year.

    Returns a DataFrame indexed by (year, region) — year 0 when not given —
    with one column per industry.  Long input: columns ``region``,
    ``industry``, ``value`` (and ``year``); wide input (``industry=None``):
    a ``region`` column (and ``year``) and one numeric column per industry.
    """
    keys = [region] + ([year] if year else [])
    require_columns(data, keys)
    if industry is None:
        long = data.melt(id_vars=keys, var_name="_industry", value_name="_value")
    else:
        if industry not in data.columns or value not in data.columns:
            raise KeyError(f"columns {industry!r} and {value!r} needed (or industry=None for a wide table)")
        long = data[keys + [industry, value]].rename(columns={industry: "_industry", value: "_value"})
    v = pd.to_numeric(long["_value"], errors="coerce")
    shown = long.rename(columns={"_industry": industry or "industry", "_value": value})
    reject(shown, v.isna(), "the value is missing or not numeric", show=["records"])
    reject(shown, v < 0, "the value is negative", show=["records"])
    long = long.assign(_value=v)
    named = long.rename(columns={"_industry": industry or "industry", "_value": value})
    reject(
        named,
        long.duplicated(keys + ["_industry"], keep=False),
        "region × industry is duplicated",
        show=["records"],
    )
    if not year:
        long = long.assign(_year=0)  # one block; the year column is dropped from the results
        keys = [region, "_year"]
    matrix = long.pivot(index=[keys[-1], region], columns="_industry", values="_value")
    filled = int(matrix.isna().sum().sum())
    matrix = matrix.fillna(0.0)
    matrix.index.names = ["year", "region"]
    matrix.columns.name = "industry"
    totals = matrix.sum(axis=1)
    if (totals == 0).any():
        zero = [f"{r} ({y})" if year else str(r) for y, r in totals.index[totals == 0]]
        raise ValueError(f"region(s) with a zero total: {zero}")
    matrix.attrs["filled_zeros"] = filled
    return matrix


def _tidy(matrix: pd.DataFrame, name: str, year: str | None) -> pd.DataFrame:
    out = matrix.stack().rename(name).reset_index()
    return out.drop(columns="year") if year is None else out.rename(columns={"year": year})


def location_quotient(
    data: pd.DataFrame,
    region: str = "region",
    industry: str | None = "industry",
    value: str = "value",
    reference=None,
    year: str | None = None,
) -> pd.DataFrame:
    """Location quotient ``LQ[i,k] = (Q[i,k] / Q[i]) / (Q[R,k] / Q[R])``.

    Parameters
    ----------
    reference : the reference area R.  None (default): the sum over the
        regions given.  A region label of the data (e.g. the province row):
        that region's structure.  A Series indexed by industry (or a
        DataFrame indexed by year with one column per industry) of
        reference totals Q[R,k], e.g. national employment by industry.

    Returns
    -------
    Long DataFrame: ``region``, ``industry`` (× ``year``), ``value``,
    ``share`` (X[i,k]), ``reference_share`` (Q[R,k]/Q[R]) and ``lq``
    (dimensionless; > 1: specialised).  An industry absent from the
    reference gives NaN.
    """
    matrix = panel(data, region, industry, value, year)
    shares = matrix.div(matrix.sum(axis=1), axis=0)
    if reference is None:
        ref = matrix.groupby(level="year", sort=False).sum()
    elif isinstance(reference, (pd.Series, pd.DataFrame)):
        ref = reference.to_frame().T if isinstance(reference, pd.Series) else reference
        if isinstance(reference, pd.Series):
            ref.index = matrix.index.get_level_values("year").unique()
        missing = sorted(set(matrix.columns) - set(ref.columns))
        if missing:
            raise KeyError(f"reference lacks industries {missing}")
        ref = ref[matrix.columns].astype(float)
    else:
        if reference not in matrix.index.get_level_values("region"):
            raise KeyError(f"reference region {reference!r} is not in the data")
        ref = matrix.xs(reference, level="region")
    ref_share = ref.div(ref.sum(axis=1), axis=0)
    ref_rows = ref_share.reindex(matrix.index.get_level_values("year"))
    ref_rows.index = matrix.index
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = shares / ref_rows.where(ref_rows > 0)
    out = _tidy(matrix, "value", year)
    out["share"] = _tidy(shares, "share", year)["share"].to_numpy()
    out["reference_share"] = _tidy(ref_rows, "r", year)["r"].to_numpy()
    out["lq"] = _tidy(lq, "lq", year)["lq"].to_numpy()
    out = out.rename(columns={"region": region, "industry": industry or "industry"})
    out.attrs["filled_zeros"] = matrix.attrs["filled_zeros"]
    return out


def _lq_wide(lq: pd.DataFrame, region: str, industry: str, year: str | None) -> pd.DataFrame:
    index = [industry] + ([year] if year else [])
    if lq.duplicated(index + [region]).any():
        hint = " (the table has several years: pass year=)" if year is None and "year" in lq.columns else ""
        raise ValueError(f"the LQ table has several rows per {region} × {industry}{hint}")
    return lq.pivot(index=index, columns=region, values="lq")


def lq_ratio(
    lq: pd.DataFrame, a, b, region: str = "region", industry: str = "industry", year: str | None = None
) -> pd.DataFrame:
    """``LQ[a,k] / LQ[b,k]`` per industry (× year) from a :func:`location_quotient` table.

    Equals ``X[a,k] / X[b,k]`` whatever the reference; > 1: a has the
    comparative advantage in k.  Columns ``lq_a``, ``lq_b``, ``ratio``.
    """
    wide = _lq_wide(lq, region, industry, year)
    for r in (a, b):
        if r not in wide.columns:
            raise KeyError(f"region {r!r} not in the LQ table; regions: {list(wide.columns)}")
    out = pd.DataFrame({"lq_a": wide[a], "lq_b": wide[b]})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["lq_a"] / out["lq_b"]
    return out.reset_index()


def classify_lq_change(l0, lt) -> np.ndarray:
    """LQ-change class per SPEC §2 from base-year ``l0`` and final-year ``lt`` LQs.

    ``formed``: ΔL > 0, L0 < 1, Lt > 1; ``strengthened``: ΔL > 0, L0 > 1;
    ``weakened``: ΔL < 0, Lt > 1; ``lost``: ΔL < 0, L0 > 1, Lt < 1; else ``none``.
    """
    l0 = np.asarray(l0, dtype=float)
    lt = np.asarray(lt, dtype=float)
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
    lq,
    final=None,
    base_year=None,
    final_year=None,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
) -> pd.DataFrame:
    """Change of LQ between a base and a final year, with its class.

    Either ``lq_change(lq_table, base_year=2011, final_year=2022)`` on a
    :func:`location_quotient` table with a year column, or
    ``lq_change(L0, Lt)`` with two Series aligned on their index.  Columns
    ``L0``, ``Lt``, ``change`` (= Lt − L0) and ``class`` (see
    :func:`classify_lq_change`).
    """
    if final is not None:
        out = pd.DataFrame({"L0": lq, "Lt": final})
    else:
        if lq.duplicated([region, industry, year]).any():
            raise ValueError(f"the LQ table has several rows per {region} × {industry} × {year}")
        wide = lq.pivot(index=[region, industry], columns=year, values="lq")
        for y in (base_year, final_year):
            if y not in wide.columns:
                raise KeyError(f"year {y!r} not in the LQ table; years: {list(wide.columns)}")
        out = pd.DataFrame({"L0": wide[base_year], "Lt": wide[final_year]})
    out["change"] = out["Lt"] - out["L0"]
    out["class"] = classify_lq_change(out["L0"], out["Lt"])
    return out.reset_index() if final is None else out


def _pairwise(matrix: pd.DataFrame, fn, name: str, a, b, year: str | None) -> pd.DataFrame:
    shares = matrix.div(matrix.sum(axis=1), axis=0)
    rows = []
    for y, block in shares.groupby(level="year", sort=False):
        block = block.droplevel("year")
        pairs = [(a, b)] if a is not None else list(combinations(block.index, 2))
        for i, j in pairs:
            for r in (i, j):
                if r not in block.index:
                    raise KeyError(f"region {r!r} not in the data{'' if y is None else f' for {y}'}")
            rows.append(
                {
                    "year": y,
                    "region_a": i,
                    "region_b": j,
                    name: fn(block.loc[i].to_numpy(), block.loc[j].to_numpy()),
                }
            )
    out = pd.DataFrame(rows)
    return out.drop(columns="year") if year is None else out.rename(columns={"year": year})


def _krugman(x, y) -> float:
    return float(np.abs(x - y).sum())


def _similarity(x, y) -> float:
    return float((x * y).sum() / np.sqrt((x**2).sum() * (y**2).sum()))


def krugman_index(
    data: pd.DataFrame,
    a=None,
    b=None,
    region: str = "region",
    industry: str | None = "industry",
    value: str = "value",
    year: str | None = None,
) -> pd.DataFrame:
    """Krugman specialisation index ``K[i,j] = Σ_k |X[i,k] − X[j,k]|`` ∈ [0, 2] (0: identical structures).

    For regions ``a`` and ``b``, or every pair when they are None; per year.
    """
    return _pairwise(panel(data, region, industry, value, year), _krugman, "krugman", a, b, year)


def similarity_index(
    data: pd.DataFrame,
    a=None,
    b=None,
    region: str = "region",
    industry: str | None = "industry",
    value: str = "value",
    year: str | None = None,
) -> pd.DataFrame:
    """Structural similarity (UNIDO) ``S = Σ_k X_i X_j / sqrt(Σ X_i² Σ X_j²)`` ∈ [0, 1] (1: identical)."""
    return _pairwise(panel(data, region, industry, value, year), _similarity, "similarity", a, b, year)


def linkage_index(
    data: pd.DataFrame,
    a,
    b,
    region: str = "region",
    industry: str | None = "industry",
    value: str = "value",
    year: str = "year",
) -> pd.DataFrame:
    """Industrial linkage index over the years of a panel (seed 000).

    ``S̃(t) = (max_t S − S(t)) / (max_t S − min_t S)`` turns similarity into a
    positive indicator by min–max over the period; ``L(t) = K(t)/2 + S̃(t)/2``.
    Returns one row per year with ``krugman``, ``similarity``,
    ``similarity_scaled`` and ``linkage``.  Needs at least two distinct S
    values (``ValueError`` otherwise).
    """
    matrix = panel(data, region, industry, value, year)
    k = _pairwise(matrix, _krugman, "krugman", a, b, year)
    s = _pairwise(matrix, _similarity, "similarity", a, b, year)
    out = k.merge(s, on=[year, "region_a", "region_b"])
    span = out["similarity"].max() - out["similarity"].min()
    if len(out) < 2 or span <= 0:
        raise ValueError(
            "the linkage index needs at least two years with different similarity values "
            f"(got {len(out)} year(s), similarity range {span:.3g})"
        )
    out["similarity_scaled"] = (out["similarity"].max() - out["similarity"]) / span
    out["linkage"] = out["krugman"] / 2 + out["similarity_scaled"] / 2
    return out


def coagglomeration_index(
    data: pd.DataFrame,
    city: str = "city",
    industry: str | None = "industry",
    value: str = "value",
    manufacturing: Sequence[str] = MANUFACTURING,
    producer_services: Sequence[str] = PRODUCER_SERVICES,
    reference=None,
    year: str | None = None,
) -> pd.DataFrame:
    """Co-agglomeration of manufacturing (m) and producer services (s) per city (seed 002, eq. 1–2).

    ``LQ_cm = (q_cm/q_c)/(q_m/q)``, ``LQ_cs = (q_cs/q_c)/(q_s/q)`` with q_c the
    city's total over all industries in the data and q_m, q_s, q the
    reference totals (default: the sum over the cities given; or a Series /
    DataFrame of reference totals by industry as in
    :func:`location_quotient`), and
    ``y = (1 − |LQ_cm − LQ_cs| / (LQ_cm + LQ_cs)) + (LQ_cm + LQ_cs)``: the
    first term measures how balanced, the second how strong the joint
    agglomeration is.  The industries named in ``manufacturing`` and
    ``producer_services`` that occur in the data are summed; at least one of
    each must occur.
    """
    matrix = panel(data, city, industry, value, year)
    groups = {}
    for label, names in (("m", manufacturing), ("s", producer_services)):
        present = [n for n in names if n in matrix.columns]
        if not present:
            raise KeyError(
                f"none of {list(names)} is an industry of the data; industries: {list(matrix.columns)}"
            )
        groups[label] = present
    if reference is None:
        ref = matrix.groupby(level="year", sort=False).sum()
    else:
        ref = reference.to_frame().T if isinstance(reference, pd.Series) else reference
        if isinstance(reference, pd.Series):
            ref.index = matrix.index.get_level_values("year").unique()
    ref_total = ref.sum(axis=1)
    total = matrix.sum(axis=1)
    years = matrix.index.get_level_values("year")
    out = pd.DataFrame(index=matrix.index)
    for label in ("m", "s"):
        q_c = matrix[groups[label]].sum(axis=1)
        q_ref = ref[groups[label]].sum(axis=1) / ref_total
        out[f"lq_{label}"] = (q_c / total).to_numpy() / q_ref.reindex(years).to_numpy()
    total_lq = out["lq_m"] + out["lq_s"]
    out["coagglomeration"] = (1 - (out["lq_m"] - out["lq_s"]).abs() / total_lq) + total_lq
    out = out.rename(columns={"lq_m": "lq_manufacturing", "lq_s": "lq_producer_services"}).reset_index()
    out = out.rename(columns={"region": city})
    return out.drop(columns="year") if year is None else out.rename(columns={"year": year})
