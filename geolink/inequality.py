"""Dagum (1997) Gini decomposition by groups (agglomerations), in O(n log n).

Dagum, C. (1997), "A new approach to the decomposition of the Gini income inequality ratio",
Empirical Economics 22, 515–531.  Notation: values y_ji of unit i in group j, group sizes n_j (or
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

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geolink._checks import (
    as_numbers,
    check_interval_options,
    concat_dropped,
    dropped,
    numeric_values,
    reject,
    require_columns,
    require_labels,
    require_rows,
)
from geolink.agglomerations import group_labels


def pair_sum_matrix(y: np.ndarray, codes: np.ndarray, w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted pair sums between all groups at once, from per-group sorting and prefix sums.

    ``y``, ``codes`` (group numbers 0..k−1) and ``w`` have shape ``(n,)`` or
    ``(B, n)`` (B independent samples, e.g. bootstrap replicates).  Returns
    ``(above, below)`` of shape ``(k, k)`` or ``(B, k, k)`` with
    ``above[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r max(y_i − y_r, 0)`` and
    ``below[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r max(y_r − y_i, 0)``, so that
    ``above + below`` holds the sums of ``|y_i − y_r|`` (the diagonal: within
    groups) and ``below`` is the transpose of ``above``.

    Each group's values are sorted on their own, with running sums of the
    weights and weighted values.  For a pair of groups (a, b), the position of
    every value of the smaller group a among b's sorted values (a binary
    search, or for B samples one merge of the two sorted runs per sample)
    gives the weight ``W_b(<y)`` and weighted sum ``S_b(<y)`` of b's values
    below it, so ``Σ_{r∈b} w_r max(y − y_r, 0) = y W_b(<y) − S_b(<y)`` and
    ``Σ_{r∈b} w_r max(y_r − y, 0) = (S_b − S_b(<y)) − y (W_b − W_b(<y))``.
    Cost O(B n log n) for the sorts and O(B n (k−1)/2 log n) for the
    searches; memory O(B n), never a (k, n) or n × n array.  Tied values
    contribute 0 whichever side they fall on.

    Examples
    --------
    >>> above, below = pair_sum_matrix(np.array([1.0, 5.0, 2.0]), np.array([0, 0, 1]), np.ones(3), 2)
    >>> above.tolist(), below.tolist()
    ([[4.0, 3.0], [1.0, 0.0]], [[4.0, 1.0], [3.0, 0.0]])
    """
    y2 = np.atleast_2d(np.asarray(y, dtype=float))
    c2 = np.broadcast_to(np.atleast_2d(codes), y2.shape)
    w2 = np.broadcast_to(np.atleast_2d(np.asarray(w, dtype=float)), y2.shape)
    if len(c2) > 1 and not (c2 == c2[0]).all():  # groups differ between samples: one at a time
        parts = [pair_sum_matrix(y2[b], c2[b], w2[b], k) for b in range(len(y2))]
        above = np.stack([a for a, _ in parts])
    else:
        above = _pair_sums(y2, c2[0], w2, k)
    below = above.transpose(0, 2, 1)
    return (above[0], below[0]) if np.ndim(y) == 1 else (above, below)


def _pair_sums(y2: np.ndarray, codes: np.ndarray, w2: np.ndarray, k: int) -> np.ndarray:
    """``above`` of :func:`pair_sum_matrix` for B samples sharing one group vector ``codes``."""
    B = len(y2)
    unweighted = bool((w2 == 1).all())
    codes = codes.astype(np.min_scalar_type(k), copy=False)
    ys, ws, cum_w, cum_wy = [], [], [], []  # per group: sorted values (B, n_j); running sums from 0
    above = np.zeros((B, k, k))
    for j in range(k):
        mask = codes == j
        yj, n_j = _select(y2, mask), int(mask.sum())
        if unweighted:
            yj.sort(axis=1)
            wj = cw = None
            # Σ_i Σ_{r<i} (y_i − y_r) over sorted values = Σ_i y_i (2i − n_j + 1)
            above[:, j, j] = (yj * (2.0 * np.arange(n_j) - (n_j - 1))).sum(axis=1)
        else:
            order = np.argsort(yj, axis=1)
            yj = np.take_along_axis(yj, order, axis=1)
            wj = np.take_along_axis(_select(w2, mask), order, axis=1)
            cw = _running(wj)
            # Σ_i w_i Σ_{r<i} w_r (y_i − y_r) = Σ_i w_i y_i (2 W_{<i} + w_i − W)
            above[:, j, j] = (wj * yj * (2 * cw[:, :-1] + wj - cw[:, -1:])).sum(axis=1)
        ys.append(yj)
        ws.append(wj)
        cum_w.append(cw)
        cum_wy.append(_running(yj if wj is None else wj * yj))
    if unweighted:
        totals_w = np.broadcast_to(np.array([y.shape[1] for y in ys], dtype=float), (B, k))
    else:
        totals_w = np.stack([cw[:, -1] for cw in cum_w], axis=1)
    totals_wy = np.stack([c[:, -1] for c in cum_wy], axis=1)
    for j in range(k):
        for h in range(j + 1, k):
            a, b = (j, h) if ys[j].shape[1] <= ys[h].shape[1] else (h, j)
            ya, wa = ys[a], ws[a]
            pos = _positions(ya, ys[b])  # how many of b's values are below each of a's
            wb_below = pos if wa is None else _take(cum_w[b], pos)
            terms = ya * wb_below
            terms -= _take(cum_wy[b], pos)
            above[:, a, b] = (terms if wa is None else wa * terms).sum(axis=1)
            # Σ_a Σ_b w w (y_a − y_b) = W_b S_a − W_a S_b gives the other direction
            above[:, b, a] = above[:, a, b] - (
                totals_w[:, b] * totals_wy[:, a] - totals_w[:, a] * totals_wy[:, b]
            )
    return above


def _running(v: np.ndarray) -> np.ndarray:
    """Running sums along axis 1 starting at 0: shape (B, m + 1)."""
    out = np.empty((v.shape[0], v.shape[1] + 1))
    out[:, 0] = 0.0
    np.cumsum(v, axis=1, out=out[:, 1:])
    return out


def _select(v2: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return v2[0][mask][None, :] if len(v2) == 1 else v2[:, mask]


def _take(prefix: np.ndarray, pos: np.ndarray) -> np.ndarray:
    return prefix[0, pos[0]][None, :] if len(pos) == 1 else np.take_along_axis(prefix, pos, axis=1)


def _positions(ya: np.ndarray, yb: np.ndarray) -> np.ndarray:
    """For each row: how many of the sorted ``yb`` are below each of the sorted ``ya``."""
    if len(ya) == 1:
        return np.searchsorted(yb[0], ya[0])[None, :]
    # B samples: a stable merge of the two sorted runs per row (timsort merges runs in linear time)
    order = np.argsort(np.concatenate([ya, yb], axis=1), axis=1, kind="stable")
    from_b = order >= ya.shape[1]
    return np.cumsum(from_b, axis=1)[~from_b].reshape(ya.shape)


def _group_totals(v2: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    """Sums of ``v2`` (B, n) per group: shape (B, k)."""
    c2 = np.broadcast_to(np.atleast_2d(codes), v2.shape)
    if len(v2) == 1:
        return np.bincount(c2[0], weights=v2[0], minlength=k)[None, :]
    slot = c2 + k * np.arange(len(v2))[:, None]
    return np.bincount(slot.ravel(), weights=v2.ravel(), minlength=len(v2) * k).reshape(-1, k)


def _components(y: np.ndarray, codes: np.ndarray, w: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Dagum components for B samples at once (arrays of shape (B, …)); see the module docstring."""
    y2 = np.atleast_2d(y)
    w2 = np.broadcast_to(np.atleast_2d(w), y2.shape)
    above, below = pair_sum_matrix(y2, codes, w2, k)
    Wj = _group_totals(w2, codes, k)
    mj = _group_totals(w2 * y2, codes, k) / Wj
    W = Wj.sum(axis=1)
    mu = (Wj * mj).sum(axis=1) / W
    G = (above.sum(axis=(1, 2)) + below.sum(axis=(1, 2))) / (2 * W**2 * mu)
    pj, sj = Wj / W[:, None], Wj * mj / (W * mu)[:, None]
    diag = np.diagonal(above, axis1=1, axis2=2) + np.diagonal(below, axis1=1, axis2=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        Gjj = np.where(mj > 0, diag / (2 * Wj**2 * mj), 0.0)
    j, h = np.triu_indices(k, 1)
    a, b = above[:, j, h], below[:, j, h]  # a − b = W_j W_h (μ_j − μ_h)
    WW = Wj[:, j] * Wj[:, h]
    Gjh = (a + b) / (WW * (mj[:, j] + mj[:, h]))
    with np.errstate(invalid="ignore", divide="ignore"):
        Djh = np.where(a + b > 0, np.abs(a - b) / (a + b), 0.0)  # the richer group first: D ≥ 0
    weight = pj[:, j] * sj[:, h] + pj[:, h] * sj[:, j]
    return {
        "G": G,
        "G_w": (Gjj * pj * sj).sum(axis=1),
        "G_nb": (Gjh * weight * Djh).sum(axis=1),
        "G_t": (Gjh * weight * (1 - Djh)).sum(axis=1),
        "Gjj": Gjj,
        "Wj": Wj,
        "mj": mj,
        "mu": mu,
        "above": a / WW,
        "below": b / WW,
        "Gjh": Gjh,
        "Djh": Djh,
    }




def _bootstrap(y, codes, w, k, replicates: int, rng: np.random.Generator, level: float) -> dict:
    """Percentile intervals from resampling units with replacement within each group."""
    idx = np.empty((replicates, len(y)), dtype=np.intp)
    for j in range(k):
        members = np.flatnonzero(codes == j)
        idx[:, members] = rng.choice(members, size=(replicates, len(members)), replace=True)
    c = _components(y[idx], codes, w[idx], k)
    lo, hi = (100 - level) / 2, 100 - (100 - level) / 2
    out = {}
    for name in ("G", "G_w", "G_nb", "G_t"):
        out[f"{name}_lo"], out[f"{name}_hi"] = np.percentile(c[name], [lo, hi])
    return out, np.percentile(c["Gjj"], [lo, hi], axis=0)


@dataclass
class DagumResult:
    """Dagum Gini decomposition; tidy tables with one block per ``time`` value.

    Attributes
    ----------
    summary : per time value: ``G, G_w, G_nb, G_t``, ``share_w, share_nb, share_t`` (% of G),
        ``n`` (units), ``k`` (groups); with a bootstrap also ``G_lo, G_hi, G_w_lo, …``.
    within : per group (× time): ``n_j``, ``weight_j``, ``mu_j``, ``G_jj`` (+ ``G_jj_lo``, ``G_jj_hi``).
    between : per group pair (× time), ordered so that ``mu_j ≥ mu_h``:
        ``G_jh``, ``d_jh``, ``p_jh``, ``D_jh``.
    time : name of the time column, or None.
    dropped : rows left out (outside every group, or missing with ``dropna=True``) with a ``reason``.
    notes : what else the user should know (e.g. zero-mean groups).

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> df = pd.DataFrame({"v": [1, 2, 3, 10, 20, 30] * 2, "g": list("aaabbb") * 2, "year": [2010] * 6 + [2020] * 6})
    >>> res = geolink.dagum_gini(df, "v", group="g", time="year")
    >>> res.within_wide.round(4).to_dict("index")[2010]
    {'G': 0.5202, 'a': 0.2222, 'b': 0.2222}
    >>> res.between_mean.round(4).to_dict("records")   # G_jh = 162 / (3 · 3 · (2 + 20))
    [{'mean_G_jh': 0.8182, 'change_pct': 0.0}]
    """

    summary: pd.DataFrame
    within: pd.DataFrame
    between: pd.DataFrame
    time: str | None = None
    dropped: pd.DataFrame = field(default_factory=concat_dropped)
    notes: list[str] = field(default_factory=list)

    @property
    def within_wide(self) -> pd.DataFrame:
        """G and each group's G_jj side by side, one row per time value (the usual published layout)."""
        if self.time is None:
            return pd.DataFrame(
                [{"G": self.summary["G"].iloc[0], **dict(zip(self.within["group"], self.within["G_jj"], strict=True))}]
            )
        wide = self.within.pivot(index=self.time, columns="group", values="G_jj")
        return pd.concat([self.summary.set_index(self.time)[["G"]], wide], axis=1)

    @property
    def between_mean(self) -> pd.DataFrame:
        """Mean G_jh per group pair over the time values and its change, last vs first (%)."""
        order = list(dict.fromkeys(self.within["group"]))
        pair = [
            "—".join(sorted((j, h), key=order.index))
            for j, h in zip(self.between["group_j"], self.between["group_h"], strict=True)
        ]
        grouped = self.between.assign(pair=pair).groupby("pair", sort=False)["G_jh"]
        first, last = grouped.first(), grouped.last()
        return pd.DataFrame({"mean_G_jh": grouped.mean(), "change_pct": (last - first) / first * 100})


def _decompose(y: np.ndarray, g: np.ndarray, w: np.ndarray):
    codes, labels = pd.factorize(g)
    k = len(labels)
    if np.sum(w * y) == 0:
        raise ValueError("every value is zero: the Gini coefficient is undefined (mean 0)")
    c = {key: v[0] for key, v in _components(y, codes, w, k).items()}
    sizes = np.bincount(codes, minlength=k)
    zero_mean = [labels[j] for j in range(k) if c["mj"][j] == 0]
    within = [
        {
            "group": labels[j],
            "n_j": int(sizes[j]),
            "weight_j": c["Wj"][j],
            "mu_j": c["mj"][j],
            "G_jj": c["Gjj"][j] if c["mj"][j] > 0 else np.nan,
        }
        for j in range(k)
    ]
    between = []
    for (j, h), d, p, Gjh, Djh in zip(
        zip(*np.triu_indices(k, 1), strict=True), c["above"], c["below"], c["Gjh"], c["Djh"], strict=True
    ):
        if c["mj"][j] < c["mj"][h]:
            j, h, d, p = h, j, p, d
        between.append({"group_j": labels[j], "group_h": labels[h], "G_jh": Gjh, "d_jh": d, "p_jh": p, "D_jh": Djh})
    G = c["G"]
    summary = {name: c[name] for name in ("G", "G_w", "G_nb", "G_t")}
    for part, name in (("w", "G_w"), ("nb", "G_nb"), ("t", "G_t")):
        summary[f"share_{part}"] = 100 * c[name] / G if G else np.nan
    summary.update(n=int(len(y)), k=k)
    return summary, within, between, codes, k, zero_mean


def dagum_gini(
    data: pd.DataFrame,
    value: str,
    *,
    group,
    unit: str = "adcode",
    time: str | None = None,
    weight: str | None = None,
    overlap: str = "raise",
    bootstrap: int = 0,
    level: float = 95.0,
    seed: int | None = None,
    dropna: bool = False,
) -> DagumResult:
    """Dagum Gini decomposition of ``value`` by ``group`` (formulas in the module docstring).

    Parameters
    ----------
    data : long table, one row per unit (× ``time``).
    value : column of non-negative values (e.g. an urbanisation rate, the co-agglomeration index).
    group : a column of group labels, an agglomeration id or grouping
        (``'eight'``, ``'gba'``, a registered one) mapped through ``unit``, or
        an ``adcode``/``group`` table such as :func:`geolink.agglomeration_groups`
        returns.  Rows whose unit is in no group are left out and listed in
        ``dropped``.
    unit : column naming the units (adcodes or names).
    time : optional time column: one decomposition per value.
    weight : optional column of positive weights (e.g. population).
    overlap : rule for units in several agglomerations (``'raise'``, ``'first'``,
        ``'prefer_full'``, ``'drop'``).
    bootstrap : number of bootstrap replicates (0: none).  Units are resampled
        with replacement within each group (group sizes fixed), all replicates
        computed at once; ``summary`` gains ``G_lo, G_hi, G_w_lo, …`` and
        ``within`` gains ``G_jj_lo, G_jj_hi``: percentile intervals at ``level`` %.
    level : interval level in % (0–100).
    seed : random seed of the bootstrap.
    dropna : leave rows with a missing value out (listed in ``dropped``) instead of raising.

    Returns
    -------
    DagumResult

    Raises ``ValueError`` naming the rows with a missing label, a missing,
    non-numeric, infinite or negative value or a non-positive weight, and
    when every value is zero.  A group whose mean is 0 gets ``G_jj = NaN``
    with a warning (its share s_j is 0, so the decomposition still holds).

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> df = pd.DataFrame({"v": [1, 2, 3, 10, 20, 30], "g": ["a", "a", "a", "b", "b", "b"]})
    >>> res = geolink.dagum_gini(df, "v", group="g")
    >>> res.summary[["G", "G_w", "G_nb", "G_t"]].round(4).values.tolist()
    [[0.5202, 0.1111, 0.4091, 0.0]]
    >>> res.within[["group", "G_jj"]].round(4).values.tolist()
    [['a', 0.2222], ['b', 0.2222]]
    """
    check_interval_options(bootstrap, level)
    require_columns(data, [value, time, weight])
    require_rows(data)
    columns = list(data.columns)
    needed = [c for c in dict.fromkeys([unit, value, time, weight, group if isinstance(group, str) else None])
              if c and c in data.columns]
    data = data[needed]  # only the columns used: no copies of a wide table
    require_labels(data, [time])
    labels, _ = group_labels(data, group, unit=unit, overlap=overlap, columns=columns, dropna=dropna)
    outside = labels.isna().to_numpy()
    frame = data.assign(_group=labels)
    in_column = isinstance(group, str) and group in data.columns
    out_rows = dropped(frame, outside, f"group column {group!r} missing" if in_column else "not in any group")
    frame, missing_rows = numeric_values(frame[~outside], value, unit=unit if unit in data.columns else None, dropna=dropna)
    show = ["index"] + ([unit] if unit in frame.columns else [])
    if unit in frame.columns:
        twice = frame.duplicated([unit] + ([time] if time else []), keep=False)
        reject(frame, twice, f"a unit appears twice{f' in one {time!r}' if time else ' (pass time= for a panel)'}", show=show)
    reject(frame, frame[value] < 0, f"{value!r} is negative (the Gini needs non-negative values)", show=show)
    if weight:
        w = as_numbers(frame, weight, what=f"the weight {weight!r}", show=show)
        reject(frame, ~(w > 0), f"the weight {weight!r} is not a positive finite number", show=show)
    rng = np.random.default_rng(seed)
    parts = [(None, frame)] if time is None else frame.groupby(time, sort=True)
    tag = (lambda at: {}) if time is None else (lambda at: {time: at})
    summaries, withins, betweens, notes = [], [], [], []
    for at, part in parts:
        if len(part) < 2:
            raise ValueError(f"{len(part)} unit{'' if at is None else f' in {at}'}: a Gini coefficient needs at least 2 units")
        y = part[value].to_numpy(float)
        w = np.ones_like(y) if weight is None else pd.to_numeric(part[weight]).to_numpy(float)
        summary, within, between, codes, k, zero_mean = _decompose(y, part["_group"].to_numpy(), w)
        if zero_mean:
            note = f"group(s) {zero_mean} have mean 0{'' if at is None else f' in {at}'}: G_jj undefined (NaN)"
            warnings.warn(note, stacklevel=2)
            notes.append(note)
        if bootstrap:
            intervals, gjj = _bootstrap(y, codes, w, k, bootstrap, rng, level)
            summary.update(intervals)
            for j, row in enumerate(within):
                row["G_jj_lo"], row["G_jj_hi"] = gjj[0, j], gjj[1, j]
        summaries.append({**tag(at), **summary})
        withins += [{**tag(at), **r} for r in within]
        betweens += [{**tag(at), **r} for r in between]
    between_cols = [*tag(None), "group_j", "group_h", "G_jh", "d_jh", "p_jh", "D_jh"]
    return DagumResult(
        summary=pd.DataFrame(summaries),
        within=pd.DataFrame(withins),
        between=pd.DataFrame(betweens, columns=between_cols),
        time=time,
        dropped=concat_dropped(out_rows, missing_rows).drop(columns="_group", errors="ignore"),
        notes=notes,
    )
