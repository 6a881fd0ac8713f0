"""Global and local Moran's I (spatial autocorrelation) by period, on prefecture weights.

Global Moran's I (Moran 1950, "Notes on continuous stochastic phenomena";
Cliff and Ord 1981, *Spatial Processes*)::

    I = (n / S0) · Σ_i Σ_j w_ij z_i z_j / Σ_i z_i²,   z = y − ȳ,  S0 = Σ_ij w_ij

computed by ``esda.Moran`` on row-standardised weights, with the analytical
normal approximation (two-sided), and random-permutation inference as esda
defines it: pseudo p = (1 + #{I_perm ≥ I}) / (1 + permutations) for I above
its permutation mean (the other tail below it) — the permutations drawn at
once from a seeded numpy Generator, one per period (from the seed and the
period's label: a year's p-values do not depend on the other years in the data).

Local Moran (Anselin 1995, "Local indicators of spatial association —
LISA")::

    I_i = z_i Σ_j w_ij z_j / m2,   m2 = Σ_k z_k² / n

(GeoDa's scaling; ``esda.Moran_Local.Is`` uses n − 1 in place of n).
Quadrants by the signs of z_i and its lag: HH, LL (clusters), HL, LH
(outliers).  Conditional permutation: the unit's value held fixed, its
neighbours drawn at random without replacement from the other n − 1 units;
the same pseudo p as above, per unit.  These draws are vectorised numpy (the
same scheme as ``esda.crand``, without its ~15 s JIT compilation per process).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geolink._checks import concat_dropped
from geolink._regional import named, panel, period_rng, periods
from geolink.weights import as_graph, graph_for, isolated

QUADRANTS = ("HH", "LH", "LL", "HL")  # esda's q codes 1..4


def _permutation_inference(z: np.ndarray, graph, observed: float, permutations: int, rng) -> tuple[float, float]:
    """(z_sim, p_sim) of global Moran's I from random permutations of z, all at once.

    The same statistics as esda.Moran's (folded pseudo p, z against the
    permutation mean and sd), drawn from a seeded numpy Generator instead of
    numpy's global RNG, and vectorised (one sparse product for all permutations).
    """
    W = graph.sparse.tocsr()
    Z = rng.permuted(np.broadcast_to(z, (permutations, len(z))), axis=1)
    sim = len(z) / W.sum() * np.einsum("pi,ip->p", Z, W @ Z.T) / (z @ z)
    return float((observed - sim.mean()) / sim.std()), _folded(sim, observed, permutations)


def _folded(sim: np.ndarray, observed: float, permutations: int) -> float:
    """(1 + draws at least as extreme, in the observed tail) / (1 + permutations).

    The tail is the smaller of #{sim ≥ observed} and #{sim ≤ observed}
    (esda's folding, except that draws tied with the observed value count in
    both tails: a statistic that cannot vary gets p = 1, not 1/(1+permutations)).
    Ties are equal up to rounding (``numpy.isclose``): draws whose sums equal
    the observed one differ from it in the last bits.
    """
    tie = np.isclose(sim, observed, rtol=1e-9, atol=1e-12)
    extreme = min(int(((sim > observed) | tie).sum()), int(((sim < observed) | tie).sum()))
    return (extreme + 1) / (permutations + 1)

#: LISA clusters → (colour, legend label): the usual GeoDa colours (hot spots red, cold spots blue,
#: outliers pale), shared by the PNG (:func:`geolink.lisa_map`), the web map and the GeoPackage style.
LISA_CATEGORIES = {
    "HH": ("#d7191c", "高–高 HH"),
    "LL": ("#2c7bb6", "低–低 LL"),
    "LH": ("#abd9e9", "低–高 LH"),
    "HL": ("#fdae61", "高–低 HL"),
    "not significant": ("#eeeeee", "不显著 not significant"),
}


@dataclass
class MoranResult:
    """Global Moran's I per period (Moran 1950, "Notes on continuous stochastic phenomena").

    The normal approximation is that of Cliff and Ord (1981, *Spatial
    Processes: Models and Applications*); the pseudo p-values come from
    random permutations of the values over the units.

    Attributes
    ----------
    summary : one row per period: ``n``, ``I``, ``EI`` (−1/(n−1)), ``z_norm``
        and ``p_norm`` (normal approximation, two-sided), ``z_sim`` and
        ``p_sim`` (permutation pseudo p), ``permutations``.
    weights : the libpysal Graph used (all units of the data; row-standardised
        per period on the units observed then).
    units : the units, in the weights' order.
    dropped : rows left out (missing values with ``dropna=True``) and why.
    notes : what was done to the weights (islands linked, names resolved).

    Examples
    --------
    Synthetic values on a 3 × 3 grid of cells (0–8 row by row, rook
    contiguity) rising towards one corner: positive autocorrelation.

    >>> import pandas as pd
    >>> from libpysal.graph import Graph
    >>> from libpysal.weights import lat2W
    >>> g = Graph.from_W(lat2W(3, 3))
    >>> df = pd.DataFrame({"cell": range(9), "y": [1.0, 2, 3, 2, 3, 5, 4, 6, 8]})
    >>> res = moran(df, "y", unit="cell", weights=g, permutations=999, seed=0)
    >>> print(res.summary[["n", "I", "EI", "z_norm", "p_norm", "p_sim"]].round(4).to_string(index=False))
     n      I     EI  z_norm  p_norm  p_sim
     9 0.5269 -0.125  2.7255  0.0064  0.002
    """

    summary: pd.DataFrame
    weights: object
    units: list
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)


def _period_graph(weights, full, units, at, notes: list):
    """Row-standardised weights of one period's units, with what the user should know in ``notes``.

    A kind is built on the period's units (islands linked to their nearest unit with a value: the
    links other than those of all periods' units are noted); a Graph is restricted to them, and a
    unit it leaves without a neighbour is warned of and noted.  Returns (graph, the units without
    a neighbour).
    """
    graph = as_graph(weights if isinstance(weights, str) else full, list(units))
    when = "" if at is None else f" in {at}"
    linked = getattr(graph, "linked", None)
    if isinstance(weights, str) and linked is not None and len(linked):
        known = set(zip(full.linked["focal"], full.linked["neighbor"], strict=True))
        new = [(a, b, d) for a, b, d in linked.itertuples(index=False) if (a, b) not in known]
        if new:
            notes.append(f"linked{when} (their neighbours have no value then): "
                         + ", ".join(f"{a}–{b} ({d:.0f} km)" for a, b, d in new))
    alone = isolated(graph)
    if alone:
        note = (
            f"{len(alone)} unit(s) without a neighbour among the units used{when}: {alone[:10]} (their "
            "neighbours are not in the data): spatial lag 0, no LISA quadrant; weights built on these units "
            "(a kind such as weights='queen') link them to their nearest unit"
        )
        warnings.warn(note, UserWarning, stacklevel=3)
        notes.append(note)
    return graph.transform("r"), alone


def moran(
    data: pd.DataFrame,
    value: str,
    *,
    unit: str = "adcode",
    time: str | None = None,
    weights="queen",
    permutations: int = 999,
    seed: int | None = None,
    dropna: bool = False,
) -> MoranResult:
    """Global Moran's I of ``value`` per period (formula in the module docstring).

    Parameters
    ----------
    data : long table, one row per unit (× period).
    value : numeric column.
    unit : column of unit ids (adcodes or names when ``weights`` is a kind;
        the Graph's ids otherwise).
    time : optional period column (e.g. ``'year'``): one row per period.
    weights : a libpysal ``Graph`` containing every unit, or a kind for
        :func:`geolink.weights.spatial_weights` (``'queen'``, ``'rook'``,
        ``'knn'``, …) built on the data's units with islands linked to
        their nearest unit (reported in ``notes``).
    permutations : random permutations for the pseudo p-value (0: none).
    seed : seed of the permutations (each period draws from the seed and its label).
    dropna : drop rows with a missing value (listed in ``dropped``) instead of raising.

    Returns
    -------
    MoranResult

    Examples
    --------
    >>> import pandas as pd
    >>> from libpysal.graph import Graph
    >>> g = Graph.from_arrays(["a", "b", "b", "c", "c", "d"], ["b", "a", "c", "b", "d", "c"], [1.0] * 6)
    >>> df = pd.DataFrame({"id": list("abcd"), "y": [1.0, 2.0, 3.0, 4.0]})
    >>> res = moran(df, "y", unit="id", weights=g, permutations=0)
    >>> round(float(res.summary.loc[0, "I"]), 4), round(float(res.summary.loc[0, "EI"]), 4)
    (0.4, -0.3333)
    """
    import esda

    _check_permutations(permutations)
    frame, dropped = panel(data, value, unit=unit, time=time, dropna=dropna)
    frame, full, notes = graph_for(frame, weights)
    rows = []
    for at, part in periods(frame):
        y = part.set_index("unit")["value"]
        _require_variation(y, value, at)
        graph, _ = _period_graph(weights, full, y.index, at, notes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # esda's randomisation moments for tiny n
            m = esda.Moran(y.reindex(graph.unique_ids).to_numpy(), graph, permutations=0)
        row = {"time": at, "n": int(m.n), "I": m.I, "EI": m.EI, "z_norm": m.z_norm, "p_norm": m.p_norm}
        z_sim, p_sim = _permutation_inference(m.z, graph, m.I, permutations, period_rng(seed, at)) if permutations else (np.nan, np.nan)
        row.update(z_sim=z_sim, p_sim=p_sim, permutations=permutations)
        rows.append(row)
    summary = named(pd.DataFrame(rows), None, time)
    return MoranResult(summary=summary, weights=full, units=list(full.unique_ids), dropped=named(dropped, unit, time), notes=notes)


@dataclass
class LocalMoranResult:
    """Local Moran (LISA) per unit and period (Anselin 1995, "Local indicators of spatial association — LISA").

    Attributes
    ----------
    table : one row per unit × period: the value, ``z`` (standardised value),
        ``lag`` (spatial lag of z), ``Ii``, ``quadrant`` (HH/LL/HL/LH; missing for a unit left without a neighbour),
        ``p_sim`` (conditional permutation pseudo p), ``significant`` and
        ``cluster`` (the quadrant, or ``'not significant'``).
    summary : per period: the number of units per cluster label and the
        p-value threshold used (``alpha`` or its FDR threshold).
    weights : the libpysal Graph used.
    alpha, fdr : the significance level and whether the false-discovery-rate
        threshold (Benjamini and Hochberg 1995, "Controlling the false
        discovery rate") was used.
    unit, time : the names of the unit and period columns of ``table``.
    dropped : rows left out (missing values with ``dropna=True``) and why.
    notes : what was done to the weights (islands linked, names resolved).

    Examples
    --------
    The synthetic grid of :class:`MoranResult`: a low cluster in the corner
    cell 0 and a high one in the opposite corner cell 8.

    >>> import pandas as pd
    >>> from libpysal.graph import Graph
    >>> from libpysal.weights import lat2W
    >>> g = Graph.from_W(lat2W(3, 3))
    >>> df = pd.DataFrame({"cell": range(9), "y": [1.0, 2, 3, 2, 3, 5, 4, 6, 8]})
    >>> res = local_moran(df, "y", unit="cell", weights=g, permutations=999, seed=0)
    >>> print(res.table[["cell", "y", "Ii", "quadrant", "p_sim", "cluster"]].round(3).to_string(index=False))
     cell   y    Ii quadrant  p_sim         cluster
        0 1.0 1.124       LL  0.030              LL
        1 2.0 0.584       LL  0.074 not significant
        2 3.0 0.049       LL  0.514 not significant
        3 2.0 0.449       LL  0.136 not significant
        4 3.0 0.005       LL  0.519 not significant
        5 5.0 0.247       HH  0.203 not significant
        6 4.0 0.011       HH  0.501 not significant
        7 6.0 0.618       HH  0.135 not significant
        8 8.0 1.654       HH  0.037              HH
    >>> print(res.summary.to_string(index=False))
     n  HH  LH  LL  HL  not significant  threshold
     9   1   0   1   0                7       0.05
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    weights: object
    alpha: float
    fdr: bool
    unit: str = "adcode"
    time: str | None = None
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)


def _check_permutations(permutations) -> None:
    if isinstance(permutations, bool) or not (isinstance(permutations, (int, np.integer)) and permutations >= 0):
        raise ValueError(f"permutations must be a non-negative integer, got {permutations!r}")


def _require_variation(y: pd.Series, value: str, at) -> None:
    if len(y) < 3:
        raise ValueError(f"{value!r}{f' in {at}' if at is not None else ''}: {len(y)} unit(s); Moran's I needs at least 3")
    if np.ptp(y.to_numpy()) == 0:
        raise ValueError(f"{value!r}{f' in {at}' if at is not None else ''} is constant over the units: Moran's I is undefined")


def conditional_pvalues(z: np.ndarray, graph, stat: np.ndarray, permutations: int, rng) -> np.ndarray:
    """Folded pseudo p-values of I_i under conditional randomisation (esda.crand's scheme, in numpy).

    For each permutation one set of ``max cardinality`` distinct draws from
    the other n − 1 units is shared by all units (unit i's own index skipped).

    Parameters
    ----------
    z : standardised values, in the graph's order.
    graph : row-standardised libpysal Graph.
    stat : observed local statistics I_i (``z_i · lag_i / m2``).
    permutations : number of draws.
    rng : numpy Generator.

    Returns
    -------
    numpy array of pseudo p-values, (1 + #{more extreme}) / (1 + permutations).

    Examples
    --------
    >>> import numpy as np
    >>> from libpysal.graph import Graph
    >>> g = Graph.from_arrays(list("abc"), list("bcb"), [1.0, 1.0, 1.0]).transform("r")
    >>> z = np.array([-1.0, 0.0, 1.0]) / np.sqrt(2 / 3)
    >>> stat = z * g.lag(z) / np.mean(z**2)
    >>> conditional_pvalues(z, g, stat, 99, np.random.default_rng(0)).round(2).tolist()
    [0.49, 1.0, 0.52]
    """
    n = len(z)
    sparse = graph.sparse.tocsr()
    card = np.diff(sparse.indptr)
    kmax = int(card.max()) if n else 0
    if kmax == 0:
        return np.ones(n)
    draws = np.argpartition(rng.random((permutations, n - 1)), kmax - 1, axis=1)[:, :kmax]
    m2 = (z @ z) / n
    p = np.ones(n)
    for i in range(n):
        k = card[i]
        if k == 0:
            continue
        w = sparse.data[sparse.indptr[i] : sparse.indptr[i + 1]]
        ids = draws[:, :k]
        ids = ids + (ids >= i)
        sim = z[i] * (z[ids] @ w) / m2
        p[i] = _folded(sim, stat[i], permutations)
    return p


def local_moran(
    data: pd.DataFrame,
    value: str,
    *,
    unit: str = "adcode",
    time: str | None = None,
    weights="queen",
    permutations: int = 999,
    alpha: float = 0.05,
    fdr: bool = False,
    seed: int | None = None,
    dropna: bool = False,
) -> LocalMoranResult:
    """Local Moran's I (LISA) per unit and period, with cluster labels.

    Parameters
    ----------
    data, value, unit, time, weights, seed, dropna : as in :func:`moran`.
    permutations : conditional permutations per unit (≥ 1).
    alpha : significance level of the pseudo p-values.
    fdr : use the false-discovery-rate threshold (Benjamini–Hochberg, via
        ``esda.fdr``) at ``alpha`` instead of ``alpha`` itself.

    Returns
    -------
    LocalMoranResult

    Examples
    --------
    >>> import pandas as pd
    >>> from libpysal.graph import Graph
    >>> g = Graph.from_arrays(["a", "b", "b", "c", "c", "d"], ["b", "a", "c", "b", "d", "c"], [1.0] * 6)
    >>> df = pd.DataFrame({"id": list("abcd"), "y": [1.0, 2.0, 3.0, 4.0]})
    >>> res = local_moran(df, "y", unit="id", weights=g, permutations=99, seed=0)
    >>> res.table[["id", "quadrant"]].values.tolist()
    [['a', 'LL'], ['b', 'LL'], ['c', 'HH'], ['d', 'HH']]
    >>> res.table["Ii"].round(2).tolist()
    [0.6, 0.2, 0.2, 0.6]
    """
    from esda import fdr as fdr_threshold

    _check_permutations(permutations)
    if permutations < 1:
        raise ValueError("local_moran needs permutations ≥ 1 for its p-values")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    frame, dropped = panel(data, value, unit=unit, time=time, dropna=dropna)
    frame, full, notes = graph_for(frame, weights)
    tables, summaries = [], []
    for at, part in periods(frame):
        y = part.set_index("unit")["value"]
        _require_variation(y, value, at)
        graph, alone = _period_graph(weights, full, y.index, at, notes)
        y = y.reindex(graph.unique_ids)
        alone = y.index.isin(alone)
        z = (y.to_numpy() - y.mean()) / y.std(ddof=0)
        lag = graph.lag(z)
        Ii = z * lag / ((z @ z) / len(z))
        quadrant = np.select([(z > 0) & (lag > 0), (z <= 0) & (lag > 0), (z <= 0) & (lag <= 0)], ["HH", "LH", "LL"], "HL")
        quadrant = np.where(alone, None, quadrant)  # no neighbours: no quadrant
        p = conditional_pvalues(z, graph, Ii, permutations, period_rng(seed, at))
        threshold = float(fdr_threshold(p, alpha)) if fdr else alpha
        significant = p <= threshold
        t = pd.DataFrame(
            {"unit": y.index, "time": at, "value": y.to_numpy(), "z": z, "lag": lag, "Ii": Ii, "quadrant": quadrant,
             "p_sim": p, "significant": significant, "cluster": np.where(significant, quadrant, "not significant")}
        )
        tables.append(t)
        counts = t["cluster"].value_counts()
        summaries.append({"time": at, "n": len(t), **{c: int(counts.get(c, 0)) for c in (*QUADRANTS, "not significant")}, "threshold": threshold})
    table = named(pd.concat(tables, ignore_index=True).rename(columns={"value": value}), unit, time)
    summary = named(pd.DataFrame(summaries), None, time)
    return LocalMoranResult(
        table=table, summary=summary, weights=full, alpha=alpha, fdr=fdr, unit=unit, time=time,
        dropped=named(concat_dropped(dropped), unit, time), notes=notes,
    )
