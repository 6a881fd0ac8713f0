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

All pair sums come from one sort of the values with their groups and running
counts (weights) of each group (:func:`pair_sum_matrix`), never an n × n matrix.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geolink._checks import (
    check_interval_options,
    concat_dropped,
    numeric_values,
    positive_weights,
    reject,
    reject_totals,
    require_columns,
    require_labels,
    require_rows,
)
from geolink._regional import period_rng
from geolink.agglomerations import group_labels

_BLOCK = 1 << 19  # elements of one (B, k + 2, L) block of running weights (a few MB, reused)


def pair_sum_matrix(y: np.ndarray, codes: np.ndarray, w: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted pair sums between all groups at once, from one sort of the values and running weights.

    ``y``, ``codes`` (group numbers 0..k−1) and ``w`` (None: unweighted) have
    shape ``(n,)`` or ``(B, n)`` (B independent samples, e.g. bootstrap
    replicates; one ``codes`` of shape ``(n,)`` may serve them all).  Returns
    ``(above, below)`` of shape ``(k, k)`` or ``(B, k, k)`` with
    ``above[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r max(y_i − y_r, 0)`` and
    ``below[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r max(y_r − y_i, 0)``, so that
    ``above + below`` holds the sums of ``|y_i − y_r|`` (the diagonal: within
    groups) and ``below`` is the transpose of ``above``.

    All values are sorted once, each with its group: for non-negative values
    one sort of 64-bit keys (the value's bits, less those of the smallest
    positive value, above the group's few bits; see :func:`_group_keys`),
    with weights also one argsort of those keys to carry the weights along;
    otherwise one argsort of the values.  Walking the sorted values in
    blocks, the running weight ``C_h(i)`` of group h up to and including
    position i gives ``X[j, h] = Σ_{i∈j} w_i y_i C_h(i)`` (per block one matrix
    product, the earlier blocks a rank-one term).  With the groups' weight
    totals ``W_j`` and weighted value totals ``S_j``,
    ``above[j, h] = X[j, h] + X[h, j] − W_j S_h``, less ``Σ_{i∈j} w_i² y_i`` on
    the diagonal, where each unit meets itself.  Unweighted, the running
    weights are exact integer counts: no running sums of values (no
    cancellation in prefix sums).  Tied values contribute 0 in whichever order
    they are sorted.  Cost O(B n log n) for the sort and O(B n k²) multiply-adds
    in the products; memory O(B n) and the (B, k + 2, L) block, never a (k, n)
    or n × n array.

    Examples
    --------
    >>> above, below = pair_sum_matrix(np.array([1.0, 5.0, 2.0]), np.array([0, 0, 1]), None, 2)
    >>> above.tolist(), below.tolist()
    ([[4.0, 3.0], [1.0, 0.0]], [[4.0, 1.0], [3.0, 0.0]])
    """
    y2 = np.atleast_2d(np.asarray(y, dtype=float))
    w2 = None if w is None else np.broadcast_to(np.atleast_2d(np.asarray(w, dtype=float)), y2.shape)
    above = _pair_sums(y2, codes, w2, k)[0]
    below = above.transpose(0, 2, 1)
    return (above[0], below[0]) if np.ndim(y) == 1 else (above, below)


def _pair_sums(y2: np.ndarray, codes: np.ndarray, w2: np.ndarray | None, k: int):
    """``above`` of :func:`pair_sum_matrix` (B, k, k), the groups' weight totals W, weighted value
    totals S and sizes (B, k), for B samples ``y2`` (B, n), ``w2`` (B, n) or None."""
    B, n = y2.shape
    if w2 is not None and (w2 == 1).all():
        w2 = None
    v, c, wt = _sorted_with_groups(y2, codes, w2, k)
    if wt is not None:
        np.multiply(v, wt, out=v)  # w_i y_i
    rows = k + 1 if wt is None else k + 2  # running weights of the k groups, 1 (→ S_j), w (→ Σ w² y)
    L = max(64, min(n, _BLOCK // (B * rows)))
    member = np.empty((B, k, L), dtype=bool)
    counts = np.empty((B, k, L), dtype=np.int32) if wt is None else None
    run = np.empty((B, rows, L))
    run[:, k] = 1.0
    wv = np.empty((B, k, L))
    part = np.empty((B, k, rows))
    X = np.zeros((B, k, rows))
    before = np.zeros((B, k))  # weight of each group in the blocks done
    sizes = np.zeros((B, k), dtype=np.int64)
    groups = np.arange(k, dtype=c.dtype)[None, :, None]
    with _one_blas_thread(blocks=-(-n // L)):
        for s in range(0, n, L):
            m = min(L, n - s)
            mem, rn, ev = member[..., :m], run[..., :m], wv[..., :m]
            np.equal(c[:, None, s : s + m], groups, out=mem)
            if wt is None:
                cnt = counts[..., :m]
                np.cumsum(mem, axis=-1, dtype=np.int32, out=cnt)  # integer running counts (fast, exact)
                rn[:, :k] = cnt
            else:
                np.multiply(mem, wt[:, None, s : s + m], out=rn[:, :k])
                np.cumsum(rn[:, :k], axis=-1, out=rn[:, :k])
                rn[:, k + 1] = wt[:, s : s + m]
                sizes += mem.sum(axis=-1)
            np.multiply(mem, v[:, None, s : s + m], out=ev)
            np.matmul(ev, rn.transpose(0, 2, 1), out=part)
            part[:, :, :k] += part[:, :, k, None] * before[:, None, :]  # the earlier blocks
            X += part
            before += rn[:, :k, -1]
    W, S = before, X[:, :, k]
    if wt is None:
        sizes = before.astype(np.int64)
    cross = X[:, :, :k]
    above = cross + cross.transpose(0, 2, 1)
    above -= W[:, :, None] * S[:, None, :]
    diag = np.arange(k)
    above[:, diag, diag] -= S if wt is None else X[:, :, k + 1]
    np.maximum(above, 0.0, out=above)  # sums of non-negative terms: clip rounding below 0
    return above, W, S, sizes


def _one_blas_thread(blocks: int):
    """One BLAS thread for a walk of many middle-sized products: on a busy machine, threads waiting for
    each other at every product cost more than they gain (10× at 31 groups on 2 shared cores)."""
    if blocks <= 1:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def _sorted_with_groups(y2: np.ndarray, codes: np.ndarray, w2: np.ndarray | None, k: int):
    """Each sample's values in ascending order, with the group code (and weight) at each position."""
    B, n = y2.shape
    c2 = np.broadcast_to(np.asarray(codes).astype(np.min_scalar_type(max(k - 1, 0)), copy=False), (B, n))
    keyed = _group_keys(y2, c2, k)
    if keyed is None:  # negative or extremely spread values: an argsort of the values
        order = np.argsort(y2, axis=-1)
        return tuple(None if a is None else _take(a, order) for a in (y2, c2, w2))
    key, decode = keyed
    wt = None if w2 is None else _take(w2, np.argsort(key, axis=-1))  # equal keys: equal units
    key.sort(axis=-1)
    return (*decode(key), wt)


def _take(a: np.ndarray, order: np.ndarray) -> np.ndarray:
    return a[0][order[0]][None] if len(a) == 1 else np.take_along_axis(a, order, axis=-1)


def _group_keys(y2: np.ndarray, c2: np.ndarray, k: int):
    """uint64 keys that sort like (value, group), and the function that recovers both from the sorted keys;
    None where the values do not fit.

    The bits of non-negative floats order like the floats.  Less the bits of
    the smallest positive value (zeros get 0), they leave the low
    ``ceil(log2 k)`` bits for the group unless the values span more than
    2^(12 − ceil(log2 k)) binades (the largest over 10^154 times the smallest
    positive one, for 8 groups).  Keys sort by value, ties by group; the
    values come back exactly.
    """
    shift = (k - 1).bit_length()
    lo, hi = y2.min(), y2.max()
    if not (lo >= 0 and np.isfinite(hi)):
        return None
    zero = (y2 == 0) if lo == 0 else None  # also −0.0
    smallest = lo if zero is None else np.min(y2, where=~zero, initial=np.inf)
    if not np.isfinite(smallest):
        return None  # every value is 0
    base = int(np.float64(smallest).view(np.uint64)) - 1
    if int(np.float64(hi).view(np.uint64)) - base >= 1 << (64 - shift):
        return None
    key = np.ascontiguousarray(y2).view(np.uint64) - np.uint64(base)
    zeros = None
    if zero is not None:
        np.putmask(key, zero, 0)
        zeros = zero.sum(axis=1)
        del zero
    key <<= np.uint64(shift)
    key |= c2

    def decode(key):
        groups = key.astype(c2.dtype)  # the low bits
        groups &= (1 << shift) - 1
        key >>= np.uint64(shift)
        key += np.uint64(base)
        values = key.view(np.float64)
        if zeros is not None:
            for row, z in zip(values, zeros, strict=True):
                row[:z] = 0.0  # the zeros sort first
        return values, groups

    return key, decode


def _components(y: np.ndarray, codes: np.ndarray, w: np.ndarray | None, k: int) -> dict[str, np.ndarray]:
    """Dagum components for B samples at once (arrays of shape (B, …)); see the module docstring.

    ``w`` None (or all 1): unweighted."""
    y2 = np.atleast_2d(np.asarray(y, dtype=float))
    w2 = None if w is None else np.broadcast_to(np.atleast_2d(np.asarray(w, dtype=float)), y2.shape)
    above, Wj, Sj, sizes = _pair_sums(y2, codes, w2, k)
    below = above.transpose(0, 2, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mj = Sj / Wj
    W = Wj.sum(axis=1)
    mu = Sj.sum(axis=1) / W
    G = (above.sum(axis=(1, 2)) + below.sum(axis=(1, 2))) / (2 * W**2 * mu)
    pj, sj = Wj / W[:, None], Sj / (W * mu)[:, None]
    diag = np.diagonal(above, axis1=1, axis2=2) + np.diagonal(below, axis1=1, axis2=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        Gjj = np.where(mj > 0, diag / (2 * Wj**2 * mj), 0.0)
    j, h = np.triu_indices(k, 1)
    a, b = above[:, j, h], below[:, j, h]  # a − b = W_j W_h (μ_j − μ_h)
    WW = Wj[:, j] * Wj[:, h]
    with np.errstate(invalid="ignore", divide="ignore"):
        Gjh = (a + b) / (WW * (mj[:, j] + mj[:, h]))  # 0/0 for two zero-mean groups: undefined
        Djh = np.where(a + b > 0, np.abs(a - b) / (a + b), 0.0)  # the richer group first: D ≥ 0
    weight = pj[:, j] * sj[:, h] + pj[:, h] * sj[:, j]
    # a pair of zero-mean groups has weight 0 (s_j = s_h = 0): it adds nothing to G_nb and G_t
    term = np.where(weight > 0, Gjh * weight, 0.0)
    return {
        "G": G,
        "G_w": (Gjj * pj * sj).sum(axis=1),
        "G_nb": (term * Djh).sum(axis=1),
        "G_t": (term * (1 - Djh)).sum(axis=1),
        "Gjj": Gjj,
        "nj": sizes,
        "Wj": Wj,
        "mj": mj,
        "mu": mu,
        "above": a / WW,
        "below": b / WW,
        "Gjh": Gjh,
        "Djh": Djh,
    }


def _bootstrap(y, codes, w, k, replicates: int, rng: np.random.Generator, level: float) -> dict:
    """Percentile intervals from resampling units with replacement within each group (``w`` None: unweighted)."""
    idx = np.empty((replicates, len(y)), dtype=np.intp)
    for j in range(k):
        members = np.flatnonzero(codes == j)
        idx[:, members] = rng.choice(members, size=(replicates, len(members)), replace=True)
    c = _components(y[idx], codes, None if w is None else w[idx], k)
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


def _floats(column: pd.Series) -> np.ndarray:
    """A checked numeric column as a float array (no copy when it holds float64 already)."""
    return (column if column.dtype == np.float64 else pd.to_numeric(column)).to_numpy(float)


def _decompose(y: np.ndarray, g: np.ndarray, w: np.ndarray | None):
    codes, labels = pd.factorize(g)
    k = len(labels)
    codes = codes.astype(np.min_scalar_type(max(k - 1, 0)))  # one byte per unit for up to 256 groups
    if not np.any(y):
        raise ValueError("every value is zero: the Gini coefficient is undefined (mean 0)")
    c = {key: v[0] for key, v in _components(y, codes, w, k).items()}
    sizes = c["nj"]
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
    level : interval level in % (95 for a 95 % interval; a fraction such as 0.95 is refused).
    seed : random seed of the bootstrap (each period draws from the seed and its label).
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
    if unit in data.columns:
        require_labels(data, [unit], "unit")
        reject_totals(data, unit)
    labels, _, reasons = group_labels(data, group, unit=unit, time=time, overlap=overlap, columns=columns,
                                      dropna=dropna)
    outside = labels.isna().to_numpy()
    frame = data.assign(_group=labels)
    out_rows = frame.loc[outside].assign(reason=reasons[outside].to_numpy())
    frame, missing_rows = numeric_values(frame[~outside] if outside.any() else frame, value, unit=unit if unit in data.columns else None, dropna=dropna)
    show = ["index"] + ([unit] if unit in frame.columns else [])
    if unit in frame.columns:
        twice = frame.duplicated([unit] + ([time] if time else []), keep=False)
        reject(frame, twice, f"a unit appears twice{f' in one {time!r}' if time else ' (pass time= for a panel)'}", show=show)
    reject(frame, frame[value] < 0, f"{value!r} is negative (the Gini needs non-negative values)", show=show)
    if weight:
        frame, no_weight = positive_weights(frame, weight, dropna=dropna, show=show)
        missing_rows = concat_dropped(missing_rows, no_weight)
    parts = [(None, frame)] if time is None else frame.groupby(time, sort=True)
    tag = (lambda at: {}) if time is None else (lambda at: {time: at})
    summaries, withins, betweens, notes = [], [], [], []
    for at, part in parts:
        if len(part) < 2:
            raise ValueError(f"{len(part)} unit{'' if at is None else f' in {at}'}: a Gini coefficient needs at least 2 units")
        y = part[value].to_numpy(float)
        w = None if weight is None else _floats(part[weight])
        summary, within, between, codes, k, zero_mean = _decompose(y, part["_group"].to_numpy(), w)
        if zero_mean:
            note = f"group(s) {zero_mean} have mean 0{'' if at is None else f' in {at}'}: G_jj undefined (NaN)"
            warnings.warn(note, stacklevel=2)
            notes.append(note)
        if bootstrap:
            intervals, gjj = _bootstrap(y, codes, w, k, bootstrap, period_rng(seed, at), level)
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
