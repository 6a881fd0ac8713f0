"""Theil indices T (GE(1)) and L (GE(0), mean log deviation) with the within/between decomposition.

Theil (1967), *Economics and Information Theory*; Shorrocks (1980), "The class
of additively decomposable inequality measures".  With unit shares p_i (1/n,
or weight shares w_i / Σw when ``weight=`` is given), mean μ = Σ p_i y_i,
groups j with shares P_j = Σ_{i∈j} p_i and means μ_j::

    T   = Σ_i p_i (y_i/μ) ln(y_i/μ)          L   = Σ_i p_i ln(μ/y_i)
    T_b = Σ_j P_j (μ_j/μ) ln(μ_j/μ)          L_b = Σ_j P_j ln(μ/μ_j)
    T_w = Σ_j (P_j μ_j/μ) T_j                L_w = Σ_j P_j L_j

T_j, L_j are the indices within group j (shares p_i / P_j).  T = T_w + T_b
and L = L_w + L_b exactly (both parts are computed independently).  T
accepts zeros (0 · ln 0 = 0); L needs positive values.  Unweighted T and T_b
are those of ``inequality.theil.Theil`` / ``TheilD`` (PySAL).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import xlogy

from geolink._checks import check_interval_options, concat_dropped, positive_weights, reject
from geolink._regional import attach_group, named, panel, period_rng, periods, show

PARTS = ("T", "T_w", "T_b", "L", "L_w", "L_b")


@dataclass
class TheilResult:
    """Theil decomposition per period (Theil 1967, *Economics and Information Theory*;
    Shorrocks 1980, "The class of additively decomposable inequality measures").

    Attributes
    ----------
    summary : one row per period: ``n``, ``k`` (groups), ``T``, ``T_w``,
        ``T_b``, ``L``, ``L_w``, ``L_b`` and the between shares
        ``share_T_b``, ``share_L_b`` (% of T, L); with ``bootstrap``,
        ``<part>_lo``/``<part>_hi`` percentile intervals at ``level`` %.
    groups : one row per period × group: ``n_j``, ``P_j`` (unit or weight
        share), ``mu_j``, ``s_j`` (share of the total, P_j μ_j / μ), ``T_j``,
        ``L_j`` and their contributions ``T_w_j = s_j T_j``, ``L_w_j = P_j L_j``.
    weighted : whether unit shares are weight shares (``weight=`` given).
    dropped : rows left out (missing values with ``dropna=True``, units outside
        a registry grouping) and why.
    notes : warnings (zero values, units left out).

    Examples
    --------
    The 2020 census population of the 9 prefectures of Fujian (350000) and the
    21 of Guangdong (440000), grouped by province: the population is unequal
    within the provinces, hardly between them (3.3 % of T).

    >>> from geolink.datasets import load
    >>> census = load("census")
    >>> df = census[census["province_adcode"].isin(["350000", "440000"]) & census["year"].eq(2020)]
    >>> res = theil(df, "population", group="province_adcode")
    >>> print(res.summary[["n", "k", "T", "T_w", "T_b", "L", "share_T_b"]].round(4).to_string(index=False))
     n  k      T    T_w    T_b      L  share_T_b
    30  2 0.2031 0.1964 0.0067 0.1842     3.2977
    >>> print(res.groups[["group", "n_j", "P_j", "s_j", "T_j", "T_w_j"]].round(4).to_string(index=False))
     group  n_j  P_j    s_j    T_j  T_w_j
    350000    9  0.3 0.2479 0.1142 0.0283
    440000   21  0.7 0.7521 0.2235 0.1681
    """

    summary: pd.DataFrame
    groups: pd.DataFrame
    weighted: bool
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)


def _components(y: np.ndarray, w: np.ndarray, codes: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """All parts for B samples at once: ``y``, ``w`` of shape (B, n); ``codes`` (n,) sorted, 0..k−1.

    Works on r = y / μ (both indices are scale-invariant), so with m_j = μ_j / μ:
    T_j = E_j[r ln r] / m_j − ln m_j and L_j = ln m_j − E_j[ln r] (E_j: share-weighted mean in group j).
    """
    starts = np.searchsorted(codes, np.arange(k))  # group sums by np.add.reduceat: far faster than a BLAS matmul here

    def by_group(x):
        return np.add.reduceat(x, starts, axis=1)

    p = w / w.sum(axis=1, keepdims=True)
    r = y / (p * y).sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pr_log_r = p * xlogy(r, r)
        p_log_r = p * np.log(r)
        Pj = by_group(p)
        mj = by_group(p * r) / Pj
        log_mj = np.log(mj)
        Tj = by_group(pr_log_r) / Pj / mj - log_mj
        Lj = log_mj - by_group(p_log_r) / Pj
    sj = Pj * mj
    return {
        "T": pr_log_r.sum(axis=1), "L": -p_log_r.sum(axis=1),
        # a group with mean 0 has s_j = 0: it adds 0 to T_b (m ln m → 0) and to T_w although its T_j is undefined
        "T_b": (Pj * xlogy(mj, mj)).sum(axis=1), "L_b": -(Pj * log_mj).sum(axis=1),
        "T_w": np.where(sj > 0, sj * Tj, 0.0).sum(axis=1), "L_w": (Pj * Lj).sum(axis=1),
        "Pj": Pj, "muj": mj * (p * y).sum(axis=1, keepdims=True), "sj": sj, "Tj": Tj, "Lj": Lj,
    }


def theil(
    data: pd.DataFrame,
    value: str,
    *,
    group=None,
    unit: str = "adcode",
    time: str | None = None,
    weight: str | None = None,
    bootstrap: int = 0,
    level: float = 95.0,
    seed: int | None = None,
    overlap: str = "raise",
    dropna: bool = False,
) -> TheilResult:
    """Theil T and L of ``value`` with the within/between decomposition by ``group``, per period.

    Parameters
    ----------
    data : long table, one row per unit (× period).
    value : non-negative values (L needs positive ones; zeros give L = NaN with a warning).
    group : a column of group labels, a registry id (``'eight'``, ``'gba'``, …),
        a registered grouping or a table (``adcode``, ``group``); None: no
        decomposition (one group).  Units outside a registry grouping are
        left out and listed in ``dropped``.
    unit : unit column (adcodes when ``group`` is a registry grouping).
    time : optional period column: one decomposition per period.
    weight : optional column of positive weights (e.g. population): unit
        shares become weight shares.
    bootstrap : replicates (0: none); units are resampled with replacement
        within each group (group sizes fixed, weights travel with their unit),
        all replicates at once; percentile intervals at ``level`` %.
    level, seed : interval level in % (95, not 0.95), RNG seed (each period draws from the seed
        and its label).
    overlap : how units in several groups of a registry grouping are assigned.
    dropna : drop rows with a missing value or group (listed in ``dropped``) instead of raising.

    Returns
    -------
    TheilResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"adcode": list("abcd"), "y": [1.0, 1.0, 2.0, 4.0], "g": ["x", "x", "y", "y"]})
    >>> res = theil(df, "y", group="g")
    >>> res.summary[["T", "T_w", "T_b"]].round(4).values.tolist()
    [[0.1733, 0.0425, 0.1308]]
    >>> s = res.summary.iloc[0]
    >>> bool(abs(s["T_w"] + s["T_b"] - s["T"]) < 1e-15)
    True
    """
    check_interval_options(bootstrap, level)
    extra = [weight] if weight else []
    frame, dropped = panel(data, value, unit=unit, time=time, dropna=dropna, extra=extra)
    reject(frame, frame["value"] < 0, f"{value!r} is negative (Theil indices need non-negative values)", show=show(time))
    if weight:
        frame, no_weight = positive_weights(frame, weight, dropna=dropna, show=show(time))
        dropped = concat_dropped(dropped, no_weight[["unit", "time", "reason"]])
    group_dropped = frame.iloc[0:0][["unit", "time"]].assign(reason=[])
    if group is None:
        frame = frame.assign(group="all")
    else:
        frame, group_dropped = attach_group(frame, data, group, overlap=overlap, dropna=dropna, unit=unit)
    lo, hi = (100 - level) / 2, 100 - (100 - level) / 2
    notes, summaries, group_rows = [], [], []
    for at, part in periods(frame):
        where = f" in {at}" if at is not None else ""
        y = part["value"].to_numpy(float)
        w = part[weight].to_numpy(float) if weight else np.ones_like(y)
        if np.sum(w * y) == 0:
            raise ValueError(f"{value!r}{where}: all values are zero, the Theil index is undefined (mean 0)")
        zeros = part.loc[y == 0, "unit"].tolist()
        if zeros:
            msg = f"{value!r}{where}: {len(zeros)} zero value(s) ({zeros[:10]}): L (mean log deviation) is undefined, set to NaN"
            warnings.warn(msg, UserWarning, stacklevel=2)
            notes.append(msg)
        if len(y) < 2:
            raise ValueError(f"{value!r}{where}: {len(y)} unit; a Theil index needs at least 2 units")
        codes, labels = pd.factorize(part["group"], sort=True)
        k = len(labels)
        zero_mean = [g for g in labels if not np.any(y[(part["group"] == g).to_numpy()] > 0)]
        if zero_mean:
            msg = f"{value!r}{where}: group(s) {zero_mean} have mean 0: their T_j is undefined (NaN); they add 0 to T_w and T_b"
            warnings.warn(msg, UserWarning, stacklevel=2)
            notes.append(msg)
        order = np.argsort(codes, kind="stable")
        y, w, codes = y[order], w[order], codes[order]
        c = _components(y[None, :], w[None, :], codes, k)
        row = {"time": at, "n": len(y), "k": k, **{name: float(c[name][0]) for name in PARTS}}
        if zeros:
            row.update(L=np.nan, L_w=np.nan, L_b=np.nan)
        row.update(share_T_b=100 * row["T_b"] / row["T"] if row["T"] else np.nan,
                   share_L_b=100 * row["L_b"] / row["L"] if row["L"] else np.nan)
        if bootstrap:
            rng = period_rng(seed, at)
            idx = np.empty((bootstrap, len(y)), dtype=np.intp)
            for j in range(k):
                members = np.flatnonzero(codes == j)
                idx[:, members] = rng.choice(members, size=(bootstrap, len(members)), replace=True)
            b = _components(y[idx], w[idx], codes, k)
            for name in PARTS:
                row[f"{name}_lo"], row[f"{name}_hi"] = (np.nan, np.nan) if zeros and name[0] == "L" else np.percentile(b[name], [lo, hi])
        summaries.append(row)
        sizes = np.bincount(codes, minlength=k)
        for j, label in enumerate(labels):
            g = {"time": at, "group": label, "n_j": int(sizes[j])}
            g.update({key: float(c[src][0, j]) for key, src in (("P_j", "Pj"), ("mu_j", "muj"), ("s_j", "sj"), ("T_j", "Tj"), ("L_j", "Lj"))})
            g.update(T_w_j=g["s_j"] * g["T_j"], L_w_j=g["P_j"] * g["L_j"])
            group_rows.append(g)
    summary, groups = named(pd.DataFrame(summaries), None, time), named(pd.DataFrame(group_rows), None, time)
    dropped = named(concat_dropped(dropped, group_dropped), unit, time)
    if len(group_dropped):
        notes.append(f"{len(group_dropped)} row(s) outside every group left out")
    return TheilResult(summary=summary, groups=groups, weighted=weight is not None, dropped=dropped, notes=notes)
