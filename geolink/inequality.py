"""Dagum (1997) Gini decomposition by groups (agglomerations), in O(n log n).

Notation of SPEC §3: values y_ji of unit i in group j, group sizes n_j (or
weight totals W_j), means μ_j, overall mean μ, ``p_j = n_j / n`` and
``s_j = n_j μ_j / (n μ)``.

* overall ``G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² μ)``
* within ``G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j)``, ``G_w = Σ_j G_jj p_j s_j``
* between ``G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h))``
* relative affluence (μ_j ≥ μ_h): ``d_jh = Σ Σ max(y_ji − y_hr, 0) / (n_j n_h)``,
  ``p_jh = Σ Σ max(y_hr − y_ji, 0) / (n_j n_h)``, ``D_jh = (d_jh − p_jh) / (d_jh + p_jh)``
* ``G_nb = Σ_{j<h} G_jh (p_j s_h + p_h s_j) D_jh``,
  ``G_t = Σ_{j<h} G_jh (p_j s_h + p_h s_j) (1 − D_jh)``, and ``G = G_w + G_nb + G_t``.

With weights w (e.g. population) every count becomes a weight total and
every pair (i, r) counts ``w_i w_r`` times: ``n_j → W_j = Σ_i w_ji``,
``μ_j → Σ_i w_ji y_ji / W_j`` and ``Σ_i Σ_r f(y_ji, y_hr) →
Σ_i Σ_r w_ji w_hr f(y_ji, y_hr)``; the identity still holds.  Unweighted is
w = 1.

All pair sums come from one sort and prefix sums (:func:`pair_sum_matrix`),
never an n × n matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd


def pair_sum_matrix(y: np.ndarray, codes: np.ndarray, w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted pair sums between all groups at once, from one sort and prefix sums.

    Returns ``(above, below)``, k × k, with
    ``above[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r max(y_i − y_r, 0)`` and
    ``below[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r max(y_r − y_i, 0)``, so that
    ``above + below`` holds the sums of ``|y_i − y_r|`` (the diagonal: within
    groups).  The values are sorted once; for each group h, running sums of
    h's weights and weighted values along the sorted order give, at every
    position, the weight and weighted sum of h's values below it; one
    ``bincount`` per h then sums over the groups j.  Cost O(n log n + k n),
    memory O(n).  Tied values contribute 0 whichever side they fall on.
    """
    order = np.argsort(y, kind="stable")
    ys, cs, ws = y[order], codes[order], w[order]
    above = np.empty((k, k))
    below = np.empty((k, k))
    for h in range(k):
        wh = np.where(cs == h, ws, 0.0)
        cw = np.cumsum(wh)  # weight of group h at or below each position
        cwy = np.cumsum(wh * ys)
        above[:, h] = np.bincount(cs, weights=ws * (ys * cw - cwy), minlength=k)
        below[:, h] = np.bincount(cs, weights=ws * ((cwy[-1] - cwy) - ys * (cw[-1] - cw)), minlength=k)
    return above, below


@dataclass
class DagumResult:
    """Dagum Gini decomposition; tables as DataFrames (one block per ``by`` value).

    Attributes
    ----------
    summary : per ``by``: ``G, G_w, G_nb, G_t, share_w, share_nb, share_t`` (shares in % of G), ``n``, ``k``.
    within : per group (× by): ``n_j``, ``mu_j``, ``G_jj``.
    between : per group pair (× by), ordered so that ``mu_j ≥ mu_h``: ``G_jh``, ``d_jh``, ``p_jh``, ``D_jh``.
    by : name of the ``by`` column, or None.
    """

    summary: pd.DataFrame
    within: pd.DataFrame
    between: pd.DataFrame
    by: str | None = None
    notes: list[str] = field(default_factory=list)

    def table(self, number: int) -> pd.DataFrame:
        """The layouts of seed 002's tables.

        2: G and the within-group G_jj, one row per ``by`` value, one column per group;
        3: mean G_jh per pair over the ``by`` values and its change (last vs first, %);
        4: G, G_w, G_nb, G_t and their shares (%) per ``by`` value.
        """
        if number == 2:
            if self.by is None:
                return pd.DataFrame(
                    [
                        {
                            "G": self.summary["G"].iloc[0],
                            **dict(zip(self.within["group"], self.within["G_jj"], strict=True)),
                        }
                    ]
                )
            wide = self.within.pivot(index=self.by, columns="group", values="G_jj")
            return pd.concat([self.summary.set_index(self.by)[["G"]], wide], axis=1)
        if number == 3:
            # pairs keyed in group order (the order of first appearance), whichever is richer that year
            order = list(dict.fromkeys(self.within["group"]))
            pair = [
                "—".join(sorted((j, h), key=order.index))
                for j, h in zip(self.between["group_j"], self.between["group_h"], strict=True)
            ]
            grouped = self.between.assign(pair=pair).groupby("pair", sort=False)["G_jh"]
            first, last = grouped.first(), grouped.last()
            return pd.DataFrame({"mean_G_jh": grouped.mean(), "change_pct": (last - first) / first * 100})
        if number == 4:
            cols = ["G", "G_w", "G_nb", "G_t", "share_w", "share_nb", "share_t"]
            return self.summary.set_index(self.by)[cols] if self.by else self.summary[cols]
        raise ValueError("seed 002 has decomposition tables 2, 3 and 4")


def _validate(data: pd.DataFrame, value: str, group: str, weights: str | None) -> None:
    columns = [value, group] + ([weights] if weights else [])
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"column(s) {missing} not in data; columns are {list(data.columns)}")
    y = pd.to_numeric(data[value], errors="coerce")
    problems = {
        f"{value} is missing or not numeric": y.isna(),
        f"{value} is negative": y < 0,
        f"{group} is missing": data[group].isna(),
    }
    if weights:
        w = pd.to_numeric(data[weights], errors="coerce")
        problems[f"{weights} is not a positive number"] = ~(w > 0)
    for what, mask in problems.items():
        if mask.any():
            rows = list(data.index[mask.to_numpy()][:10])
            more = f" (and {int(mask.sum()) - 10} more)" if mask.sum() > 10 else ""
            raise ValueError(f"{int(mask.sum())} row(s) where {what}: index {rows}{more}")


def _decompose(y: np.ndarray, g: np.ndarray, w: np.ndarray):
    codes, labels = pd.factorize(g)
    k = len(labels)
    above, below = pair_sum_matrix(y, codes, w, k)
    Wj = np.bincount(codes, weights=w, minlength=k)
    mj = np.bincount(codes, weights=w * y, minlength=k) / Wj
    W = Wj.sum()
    mu = np.sum(w * y) / W
    if mu == 0:
        raise ValueError("all values are zero: the Gini coefficient is undefined (mean 0)")
    G = (above.sum() + below.sum()) / (2 * W**2 * mu)
    pj, sj = Wj / W, Wj * mj / (W * mu)
    diag = np.diag(above) + np.diag(below)
    with np.errstate(invalid="ignore", divide="ignore"):
        Gjj = np.where(mj > 0, diag / (2 * Wj**2 * mj), 0.0)
    G_w = float(np.sum(Gjj * pj * sj))
    within = [
        {"group": labels[j], "n_j": int(n), "weight_j": Wj[j], "mu_j": mj[j], "G_jj": Gjj[j]}
        for j, n in enumerate(np.bincount(codes, minlength=k))
    ]
    between, G_nb, G_t = [], 0.0, 0.0
    for j, h in combinations(range(k), 2):
        if mj[j] < mj[h]:
            j, h = h, j
        d = above[j, h] / (Wj[j] * Wj[h])
        p = below[j, h] / (Wj[j] * Wj[h])
        Gjh = (d + p) / (mj[j] + mj[h])
        Djh = (d - p) / (d + p) if d + p > 0 else 0.0
        weight = pj[j] * sj[h] + pj[h] * sj[j]
        G_nb += Gjh * weight * Djh
        G_t += Gjh * weight * (1 - Djh)
        between.append(
            {"group_j": labels[j], "group_h": labels[h], "G_jh": Gjh, "d_jh": d, "p_jh": p, "D_jh": Djh}
        )
    summary = {
        "G": G,
        "G_w": G_w,
        "G_nb": G_nb,
        "G_t": G_t,
        "share_w": 100 * G_w / G if G else np.nan,
        "share_nb": 100 * G_nb / G if G else np.nan,
        "share_t": 100 * G_t / G if G else np.nan,
        "n": int(len(y)),
        "k": k,
    }
    return summary, within, between


def dagum_gini(
    data: pd.DataFrame,
    value: str,
    group: str | pd.DataFrame,
    by: str | None = None,
    weights: str | None = None,
    region: str = "adcode",
) -> DagumResult:
    """Dagum Gini decomposition of ``value`` by ``group`` (formulas in the module docstring).

    Parameters
    ----------
    data : long table, one row per unit (× ``by``).
    value : non-negative values (e.g. the co-agglomeration index, an urbanisation rate).
    group : column of group labels, or a unit → group table such as
        :func:`geolink.agglomeration_groups` returns (columns ``adcode``,
        ``group``), merged on ``region``.
    by : optional column (e.g. ``'year'``): one decomposition per value.
    weights : optional column of positive weights (e.g. population).

    Raises ``ValueError`` naming the rows with a missing, non-numeric or
    negative value, a missing group or a non-positive weight, and when all
    values are zero.
    """
    if isinstance(group, pd.DataFrame):
        mapping = group.set_index("adcode")["group"]
        if region not in data.columns:
            raise KeyError(f"a group table needs the unit column {region!r} in data")
        unmatched = ~data[region].astype(str).isin(mapping.index)
        data = data.assign(group=data[region].astype(str).map(mapping))
        notes = [f"{int(unmatched.sum())} row(s) outside every group left out"] if unmatched.any() else []
        data = data[~unmatched]
        group = "group"
    else:
        notes = []
    _validate(data, value, group, weights)
    key = by or "_all"
    frame = data.assign(_all=0) if by is None else data
    summaries, withins, betweens = [], [], []
    for level, part in frame.groupby(key, sort=True):
        y = pd.to_numeric(part[value]).to_numpy(float)
        g = part[group].to_numpy()
        w = np.ones_like(y) if weights is None else pd.to_numeric(part[weights]).to_numpy(float)
        summary, within, between = _decompose(y, g, w)
        summaries.append({key: level, **summary})
        withins += [{key: level, **r} for r in within]
        betweens += [{key: level, **r} for r in between]
    between_cols = [key, "group_j", "group_h", "G_jh", "d_jh", "p_jh", "D_jh"]
    drop = [] if by else ["_all"]
    return DagumResult(
        summary=pd.DataFrame(summaries).drop(columns=drop),
        within=pd.DataFrame(withins).drop(columns=drop),
        between=pd.DataFrame(betweens, columns=between_cols).drop(columns=drop),
        by=by,
        notes=notes,
    )
