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

import numpy as np
import pandas as pd

from geolink._checks import reject, require_columns


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


def _validate(data: pd.DataFrame, value: str, group: str, weights: str | None, region: str) -> None:
    require_columns(data, [value, group, weights])
    y = pd.to_numeric(data[value], errors="coerce")
    checks = {
        f"{value} is missing or not numeric": y.isna(),
        f"{value} is negative": y < 0,
        f"{group} is missing": data[group].isna(),
    }
    if weights:
        checks[f"{weights} is not a positive number"] = ~(pd.to_numeric(data[weights], errors="coerce") > 0)
    for what, mask in checks.items():
        reject(data, mask, what, show=["index", region])


def _decompose(y: np.ndarray, g: np.ndarray, w: np.ndarray):
    codes, labels = pd.factorize(g)
    k = len(labels)
    if np.sum(w * y) == 0:
        raise ValueError("all values are zero: the Gini coefficient is undefined (mean 0)")
    c = {key: v[0] for key, v in _components(y, codes, w, k).items()}
    sizes = np.bincount(codes, minlength=k)
    within = [
        {
            "group": labels[j],
            "n_j": int(sizes[j]),
            "weight_j": c["Wj"][j],
            "mu_j": c["mj"][j],
            "G_jj": c["Gjj"][j],
        }
        for j in range(k)
    ]
    between = []
    for (j, h), d, p, Gjh, Djh in zip(
        zip(*np.triu_indices(k, 1), strict=True), c["above"], c["below"], c["Gjh"], c["Djh"], strict=True
    ):
        if c["mj"][j] < c["mj"][h]:
            j, h, d, p = h, j, p, d
        between.append(
            {"group_j": labels[j], "group_h": labels[h], "G_jh": Gjh, "d_jh": d, "p_jh": p, "D_jh": Djh}
        )
    G = c["G"]
    summary = {name: c[name] for name in ("G", "G_w", "G_nb", "G_t")}
    for part, name in (("w", "G_w"), ("nb", "G_nb"), ("t", "G_t")):
        summary[f"share_{part}"] = 100 * c[name] / G if G else np.nan
    summary.update(n=int(len(y)), k=k)
    return summary, within, between, codes, k


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


def dagum_gini(
    data: pd.DataFrame,
    value: str,
    group: str | pd.DataFrame,
    by: str | None = None,
    weights: str | None = None,
    region: str = "adcode",
    bootstrap: int = 0,
    seed: int | None = None,
    level: float = 95.0,
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
    bootstrap : number of bootstrap replicates (0: none).  Units are resampled
        with replacement within each group (group sizes fixed), all replicates
        computed at once (vectorised); ``summary`` gains ``G_lo, G_hi, G_w_lo,
        …`` and ``within`` gains ``G_jj_lo, G_jj_hi``: percentile intervals at
        ``level`` %.  ``seed`` makes them reproducible.

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
    _validate(data, value, group, weights, region)
    rng = np.random.default_rng(seed)
    parts = [(None, data)] if by is None else data.groupby(by, sort=True)
    tag = (lambda at: {}) if by is None else (lambda at: {by: at})
    summaries, withins, betweens = [], [], []
    for at, part in parts:
        y = pd.to_numeric(part[value]).to_numpy(float)
        g = part[group].to_numpy()
        w = np.ones_like(y) if weights is None else pd.to_numeric(part[weights]).to_numpy(float)
        summary, within, between, codes, k = _decompose(y, g, w)
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
        by=by,
        notes=notes,
    )
