"""Distribution dynamics: kernel densities by period, Markov and spatial Markov transition matrices.

Kernel density: Gaussian kernel (``scipy.stats.gaussian_kde``) per period (and
group) on one common grid; bandwidth h = factor × sd of the block, the factor
by Scott's rule n^(−1/5) or Silverman's (3n/4)^(−1/5) (Silverman 1986,
*Density Estimation for Statistics and Data Analysis*).

Markov chains of distribution dynamics (Quah 1993, "Empirical cross-section
dynamics in economic growth"): every unit is classed each period into k
quantile classes of that period (or by fixed class bounds);
``P[a, b] = n_ab / n_a`` over consecutive periods, its steady state and the
mean first passage times (Kemeny and Snell 1976, *Finite Markov Chains*).
Spatial Markov (Rey 2001, "Spatial empirics for economic growth and
convergence"): the same, conditioned on the class of the unit's spatial lag,
with the homogeneity tests Q and LR of Bickenbach and Bode (2003, "Evaluating
the Markov property in studies of economic convergence").  The chain algebra
is in numpy/scipy (``geolink._markov``); the tests check it against PySAL giddy.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geolink._checks import concat_dropped
from geolink._markov import first_passage, homogeneity, row_probabilities, steady_state, transition_counts
from geolink._regional import attach_group, named, panel, periods

BANDWIDTHS = ("scott", "silverman")


@dataclass
class DensityResult:
    """Gaussian kernel densities on a common grid (Silverman 1986, *Density Estimation for
    Statistics and Data Analysis*; Scott's rule: Scott 1992, *Multivariate Density Estimation*).

    Attributes
    ----------
    table : tidy: period, ``group`` (``'all'`` without a grouping), ``x``, ``density``.
    bandwidths : one row per period × group: ``n``, ``rule`` (``'scott'``,
        ``'silverman'`` or ``'factor'``), ``factor`` and ``bandwidth`` (in the
        value's units).
    time : the name of the period column (None: one period).
    dropped : rows left out (missing values with ``dropna=True``, units outside
        a registry grouping) and why.
    notes : list of str (:func:`kernel_density` adds none).

    Examples
    --------
    Urbanisation rates (census) of the 30 prefectures of Fujian and Guangdong
    in 2010 and 2020, at three rates: the mass moved from 40 % towards 60–80 %.

    >>> from geolink.datasets import load
    >>> census = load("census")
    >>> df = census[census["province_adcode"].isin(["350000", "440000"])]
    >>> res = kernel_density(df, "urbanisation_pct", time="year", grid=[40.0, 60.0, 80.0])
    >>> print(res.bandwidths.round(4).to_string(index=False))
    year group  n  rule  factor  bandwidth
    2010   all 30 scott  0.5065     9.6923
    2020   all 30 scott  0.5065     8.2763
    >>> print(res.table.round(4).to_string(index=False))
    year group    x  density
    2010   all 40.0   0.0180
    2010   all 60.0   0.0169
    2010   all 80.0   0.0078
    2020   all 40.0   0.0086
    2020   all 60.0   0.0241
    2020   all 80.0   0.0103

    Scott's factor is n^(−1/5) = 30^(−1/5) = 0.5065; the bandwidth is the
    factor times the sample standard deviation (n − 1) of the year's rates, in %.
    """

    table: pd.DataFrame
    bandwidths: pd.DataFrame
    time: str | None = None
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)


def kernel_density(
    data: pd.DataFrame,
    value: str,
    *,
    time: str | None = None,
    group=None,
    unit: str = "adcode",
    bandwidth="scott",
    grid=200,
    overlap: str = "raise",
    dropna: bool = False,
) -> DensityResult:
    """Gaussian kernel density of ``value`` per period (and group), on one common grid.

    Parameters
    ----------
    data : long table, one row per unit (× period).
    value : numeric column.
    time : optional period column.
    group : optional grouping (a column, a registry id, a registered grouping
        or a table ``adcode``, ``group``): one density per group and period.
    unit : unit column.
    bandwidth : ``'scott'`` (default), ``'silverman'`` or a positive number
        (the factor multiplying the block's standard deviation).
    grid : number of grid points (≥ 2) spanning the data ± 3 bandwidths, or
        an increasing array of x values.
    overlap, dropna : as in :func:`geolink.theil`.

    Returns
    -------
    DensityResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"adcode": list("abcde"), "y": [1.0, 2.0, 2.5, 3.0, 5.0]})
    >>> res = kernel_density(df, "y", grid=5)
    >>> res.table["x"].round(2).tolist()
    [-2.23, 0.39, 3.0, 5.61, 8.23]
    >>> res.bandwidths[["n", "rule", "factor"]].round(4).values.tolist()
    [[5, 'scott', 0.7248]]
    """
    from scipy.stats import gaussian_kde

    if isinstance(bandwidth, str):
        if bandwidth not in BANDWIDTHS:
            raise ValueError(f"bandwidth must be one of {BANDWIDTHS} or a positive number, got {bandwidth!r}")
    elif isinstance(bandwidth, bool) or not (np.isscalar(bandwidth) and np.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth must be one of {BANDWIDTHS} or a positive number, got {bandwidth!r}")
    frame, dropped = panel(data, value, unit=unit, time=time, dropna=dropna)
    if group is None:
        frame = frame.assign(group="all")
    else:
        frame, group_dropped = attach_group(frame, data, group, overlap=overlap, dropna=dropna, unit=unit)
        dropped = concat_dropped(dropped, group_dropped)
    blocks = []
    for at, part in periods(frame):
        for g, block in part.groupby("group", sort=True):
            y = block["value"].to_numpy(float)
            where = f"{value!r} ({time}={at}, group={g})" if time else f"{value!r} (group={g})"
            if len(y) < 2 or np.ptp(y) == 0:
                raise ValueError(f"{where}: {len(y)} unit(s) with {len(np.unique(y))} distinct value(s); a density needs at least 2 distinct values")
            kde = gaussian_kde(y, bw_method=bandwidth)
            blocks.append((at, g, kde, len(y)))
    if np.ndim(grid) == 0:
        if not (isinstance(grid, (int, np.integer)) and grid >= 2):
            raise ValueError(f"grid must be an integer ≥ 2 or an array of x values, got {grid!r}")
        pad = 3 * max(float(np.sqrt(kde.covariance[0, 0])) for _, _, kde, _ in blocks)
        x = np.linspace(frame["value"].min() - pad, frame["value"].max() + pad, grid)
    else:
        x = np.asarray(grid, float)
        if x.ndim != 1 or len(x) < 2 or not np.all(np.diff(x) > 0) or not np.isfinite(x).all():
            raise ValueError("grid must be an increasing 1-D array of finite x values")
    rule = bandwidth if isinstance(bandwidth, str) else "factor"
    tables = [pd.DataFrame({"time": at, "group": g, "x": x, "density": kde(x)}) for at, g, kde, _ in blocks]
    bands = [
        {"time": at, "group": g, "n": n, "rule": rule, "factor": float(kde.factor), "bandwidth": float(np.sqrt(kde.covariance[0, 0]))}
        for at, g, kde, n in blocks
    ]
    return DensityResult(
        table=named(pd.concat(tables, ignore_index=True), None, time),
        bandwidths=named(pd.DataFrame(bands), None, time),
        time=time,
        dropped=named(dropped, unit, time),
    )


def _wide(data, value, unit, time, dropna):
    """unit × period matrix of a balanced panel; units with holes raise (or with ``dropna`` are dropped)."""
    frame, dropped = panel(data, value, unit=unit, time=time, dropna=dropna)
    wide = frame.pivot(index="unit", columns="time", values="value")
    wide = wide.reindex(columns=sorted(wide.columns))
    if wide.shape[1] < 2:
        raise ValueError(f"a Markov chain needs at least 2 periods of {time!r}; got {list(wide.columns)}")
    holes = wide.isna().any(axis=1)
    if holes.any():
        incomplete = wide.index[holes]
        if not dropna:
            listing = [(u, [t for t in wide.columns if pd.isna(wide.loc[u, t])][:5]) for u in incomplete[:10]]
            raise ValueError(
                f"{len(incomplete)} unit(s) lack a value in some period (unit, periods): {listing}; "
                "a Markov chain needs a balanced panel (pass dropna=True to drop these units)"
            )
        # every row of these units is left out, also those with a value: each is listed with the periods it lacks
        lacks = {u: ", ".join(str(t) for t in wide.columns[wide.loc[u].isna().to_numpy()]) for u in incomplete}
        kept = frame[frame["unit"].isin(incomplete)]
        extra = kept[["unit", "time"]].assign(
            reason=[f"the unit has no value in {lacks[u]} (a Markov chain needs a balanced panel)" for u in kept["unit"]])
        dropped = concat_dropped(dropped, extra)
        wide = wide[~holes]
    steps = np.diff(np.asarray(wide.columns, dtype=float)) if pd.api.types.is_numeric_dtype(wide.columns) else []
    notes = [f"periods are unevenly spaced ({sorted(set(steps))}): transitions are between consecutive periods"] if len(set(steps)) > 1 else []
    return wide, dropped, notes


def _classes(wide: pd.DataFrame, k: int, bins) -> tuple[np.ndarray, list[str]]:
    import mapclassify as mc

    if bins is None:
        if not (isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k >= 2):
            raise ValueError(f"k must be an integer ≥ 2, got {k!r}")
        if k > len(wide):
            raise ValueError(f"k={k} quantile classes need at least {k} units; the panel has {len(wide)} (use a smaller k)")
        return _quantile_ids(wide.to_numpy(), k, "k", "bins="), [f"Q{i + 1}" for i in range(k)]
    bounds = np.asarray(bins, float)
    if bounds.ndim != 1 or len(bounds) < 1 or not np.all(np.diff(bounds) > 0):
        raise ValueError(f"bins must be increasing class upper bounds, got {bins!r}")
    ids = mc.UserDefined(wide.to_numpy().ravel(), [*bounds, np.inf]).yb.reshape(wide.shape)
    return ids, _bin_labels(bounds)


def _quantile_ids(values: np.ndarray, k: int, name: str, other: str) -> np.ndarray:
    """Quantile class (0..k−1) of each value within its column (period); ``ValueError`` when ties
    leave fewer than ``k`` classes in a period (mapclassify would quietly merge them).  ``name``:
    the option setting ``k``, ``other``: the option to use instead, both for the message."""
    import mapclassify as mc

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        try:
            return np.column_stack([mc.Quantiles(values[:, t], k=k).yb for t in range(values.shape[1])])
        except UserWarning as err:
            raise ValueError(
                f"quantile classes: {err} (too many ties for {name}={k}; use a smaller {name} or {other})"
            ) from None


def _bin_labels(bounds) -> list[str]:
    return [f"≤ {bounds[0]:g}"] + [f"({a:g}, {b:g}]" for a, b in zip(bounds[:-1], bounds[1:], strict=True)] + [f"> {bounds[-1]:g}"]


def _matrix(values: np.ndarray, labels: list[str]) -> pd.DataFrame:
    return pd.DataFrame(values, index=pd.Index(labels, name="from"), columns=pd.Index(labels, name="to"))


def _tidy(counts: np.ndarray, probs: np.ndarray, labels: list[str]) -> pd.DataFrame:
    a, b = np.meshgrid(range(len(labels)), range(len(labels)), indexing="ij")
    return pd.DataFrame(
        {"from": np.array(labels)[a.ravel()], "to": np.array(labels)[b.ravel()], "count": counts.ravel().astype(int), "probability": probs.ravel()}
    )


def _class_table(wide: pd.DataFrame, ids: np.ndarray, labels: list[str], unit: str, time: str, value: str) -> pd.DataFrame:
    long = pd.DataFrame(ids, index=wide.index, columns=wide.columns).stack().rename("class_id").reset_index()
    long.columns = [unit, time, "class_id"]
    long[value] = wide.stack().to_numpy()
    long["class"] = np.array(labels)[long["class_id"]]
    return long


@dataclass
class MarkovResult:
    """Markov transition matrices between value classes (Quah 1993, "Empirical cross-section
    dynamics in economic growth"; first passage times: Kemeny and Snell 1976, *Finite Markov Chains*).

    Attributes
    ----------
    transitions : tidy (``from``, ``to``, ``count``, ``probability``).
    counts, probabilities : the k × k matrices (index: class from, columns: class to).
    steady_state : long-run share of units per class (Series).
    first_passage : mean first passage times in periods (from row to column;
        the diagonal holds the mean recurrence times).
    classes : each unit's class per period (tidy).
    labels : class labels, lowest first (``Q1`` … for quantiles).
    dropped : rows left out (missing values with ``dropna=True``) and why.
    notes : warnings (uneven periods, classes never left, transient classes, no unique steady state).

    Examples
    --------
    The urbanisation rates of the 2010 and 2020 censuses in terciles of each
    year: 332 prefectures have both rates (the 37 units without one of them are
    dropped: 49 missing rates and the 25 rates of those units that are not
    missing); most stay in their tercile.

    >>> from geolink.datasets import load
    >>> res = markov(load("census"), "urbanisation_pct", k=3, dropna=True)
    >>> res.classes["adcode"].nunique(), len(res.dropped)
    (332, 74)
    >>> res.counts
    to    Q1  Q2   Q3
    from
    Q1    95  16    0
    Q2    16  84   10
    Q3     0  10  101
    >>> res.probabilities.round(3)
    to       Q1     Q2     Q3
    from
    Q1    0.856  0.144  0.000
    Q2    0.145  0.764  0.091
    Q3    0.000  0.090  0.910
    >>> res.steady_state.round(3).tolist()
    [0.334, 0.331, 0.334]
    >>> res.first_passage.round(1)
    to      Q1    Q2    Q3
    from
    Q1     3.0   6.9  29.0
    Q2    13.8   3.0  22.1
    Q3    24.9  11.1   3.0

    Periods are census decades here: under this chain a unit of the lowest
    tercile first reaches the highest after 29 decades on average.
    """

    transitions: pd.DataFrame
    counts: pd.DataFrame
    probabilities: pd.DataFrame
    steady_state: pd.Series
    first_passage: pd.DataFrame
    classes: pd.DataFrame
    labels: list
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)


def markov(
    data: pd.DataFrame,
    value: str,
    *,
    unit: str = "adcode",
    time: str = "year",
    k: int = 5,
    bins=None,
    dropna: bool = False,
) -> MarkovResult:
    """Markov transitions of units between the value classes of consecutive periods.

    Parameters
    ----------
    data : balanced long panel (every unit in every period).
    value : numeric column.
    unit, time : unit and period columns.
    k : number of quantile classes, computed per period (mapclassify ``Quantiles``).
    bins : fixed class upper bounds instead (same in every period); values
        above the last bound form the top class (k = len(bins) + 1).
    dropna : drop units with a missing value in some period (listed in ``dropped``) instead of raising.

    Returns
    -------
    MarkovResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"adcode": list("abcd") * 3, "year": [1] * 4 + [2] * 4 + [3] * 4,
    ...                    "y": [1, 2, 3, 4, 3, 1, 2, 4, 1, 2, 4, 3]})
    >>> res = markov(df, "y", k=2)
    >>> res.counts.values.tolist()
    [[2, 2], [2, 2]]
    >>> res.probabilities.values.tolist(), res.steady_state.round(2).tolist()
    ([[0.5, 0.5], [0.5, 0.5]], [0.5, 0.5])
    """
    wide, dropped, notes = _wide(data, value, unit, time, dropna)
    ids, labels = _classes(wide, k, bins)
    counts = transition_counts(ids, len(labels))
    probs = row_probabilities(counts)
    steady, closed = steady_state(probs)
    mfpt = first_passage(probs)
    if steady is None:
        notes.append(f"the chain has {len(closed)} closed sets of classes: no unique steady state (NaN), first passage times between sets are infinite")
        steady = np.full(len(labels), np.nan)
    else:
        transient = [labels[i] for i in np.flatnonzero(steady == 0)]
        if transient:
            notes.append(f"class(es) {transient} are transient (left for good): steady-state share 0, infinite recurrence time")
    empty = [labels[i] for i in np.flatnonzero(counts.sum(axis=1) == 0)]
    if empty:
        notes.append(f"no transition starts in class(es) {empty}: their rows of probabilities are zero")
    return MarkovResult(
        transitions=_tidy(counts, probs, labels),
        counts=_matrix(counts.astype(int), labels),
        probabilities=_matrix(probs, labels),
        steady_state=pd.Series(steady, index=pd.Index(labels, name="class"), name="steady_state"),
        first_passage=_matrix(mfpt, labels),
        classes=_class_table(wide, ids, labels, unit, time, value),
        labels=labels,
        dropped=named(dropped, unit, None if dropped["time"].isna().all() else time),
        notes=notes,
    )


def _conditional_steady_states(T: np.ndarray, P: np.ndarray, labels: list[str], lag_labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Steady state per lag class; NaN (with a note) where a class is never left or there are several closed sets."""
    out, notes = np.full(P.shape[:2], np.nan), []
    for j, p in enumerate(P):
        if (T[j].sum(axis=1) == 0).any():
            notes.append(f"{lag_labels[j]}: some classes have no transition; no steady state (NaN)")
            continue
        s, closed = steady_state(p)
        if s is None:
            notes.append(f"{lag_labels[j]}: the chain has {len(closed)} closed sets of classes; no unique steady state (NaN)")
            continue
        out[j] = s
        transient = [labels[i] for i in np.flatnonzero(s == 0)]
        if transient:
            notes.append(f"{lag_labels[j]}: class(es) {transient} are transient (left for good): steady-state share 0")
    return out, notes


@dataclass
class SpatialMarkovResult:
    """Spatial Markov: transitions conditioned on the class of the spatial lag (Rey 2001,
    "Spatial empirics for economic growth and convergence"; tests: Bickenbach and Bode
    2003, "Evaluating the Markov property in studies of economic convergence").

    Attributes
    ----------
    transitions : tidy (``lag_class``, ``from``, ``to``, ``count``, ``probability``).
    probabilities : the pooled (unconditional) k × k matrix.
    steady_state : one row per lag class: long-run shares per class.
    tests : the homogeneity tests ``Q`` and ``LR`` (statistic, df, p_value):
        H0 the transition probabilities do not depend on the lag class.
    classes : each unit's class per period (tidy).
    labels, lag_labels : the value classes and the lag classes, lowest first.
    weights : the libpysal Graph used (row-standardised for the lag).
    dropped : rows left out (missing values with ``dropna=True``) and why.
    notes : what was done to the weights, lag classes without a steady state or with transient classes.

    Examples
    --------
    Synthetic independent draws on a 4 × 4 grid (cells 0–15 row by row, rook
    contiguity) in 6 periods, two classes (below / above the median): the
    neighbours carry no information, and the homogeneity tests do not reject.

    >>> import numpy as np, pandas as pd
    >>> from libpysal.graph import Graph
    >>> from libpysal.weights import lat2W
    >>> g = Graph.from_W(lat2W(4, 4))
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"cell": np.tile(range(16), 6), "year": np.repeat(range(2000, 2012, 2), 16),
    ...                    "y": rng.normal(size=96)})
    >>> res = spatial_markov(df, "y", unit="cell", weights=g, k=2)
    >>> print(res.transitions.round(3).to_string(index=False))
    lag_class from to  count  probability
       lag Q1   Q1 Q1     11        0.478
       lag Q1   Q1 Q2     12        0.522
       lag Q1   Q2 Q1      9        0.529
       lag Q1   Q2 Q2      8        0.471
       lag Q2   Q1 Q1      4        0.235
       lag Q2   Q1 Q2     13        0.765
       lag Q2   Q2 Q1     16        0.696
       lag Q2   Q2 Q2      7        0.304
    >>> res.steady_state.round(3)
                  Q1     Q2
    lag_class
    lag Q1     0.504  0.496
    lag Q2     0.476  0.524
    >>> res.tests.round(3)
          statistic  df  p_value
    test
    Q         3.615   2    0.164
    LR        3.683   2    0.159
    """

    transitions: pd.DataFrame
    probabilities: pd.DataFrame
    steady_state: pd.DataFrame
    tests: pd.DataFrame
    classes: pd.DataFrame
    labels: list
    lag_labels: list
    weights: object
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)


def spatial_markov(
    data: pd.DataFrame,
    value: str,
    *,
    unit: str = "adcode",
    time: str = "year",
    weights="queen",
    k: int = 5,
    m: int | None = None,
    bins=None,
    lag_bins=None,
    dropna: bool = False,
) -> SpatialMarkovResult:
    """Spatial Markov transitions conditioned on the class of each unit's spatial lag.

    Parameters
    ----------
    data, value, unit, time, k, bins, dropna : as in :func:`markov`.
    weights : a libpysal Graph with every unit or a kind for
        :func:`geolink.weights.spatial_weights` (islands linked to their nearest unit).
    m : number of quantile classes of the spatial lag per period (default ``k``).
    lag_bins : fixed upper bounds of the lag classes (with ``bins``; default ``bins``).

    Returns
    -------
    SpatialMarkovResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from libpysal.graph import Graph
    >>> ids = list("abcdef")
    >>> g = Graph.from_arrays(ids[:-1] + ids[1:], ids[1:] + ids[:-1], [1.0] * 10)  # a path a–b–…–f
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"id": ids * 6, "year": np.repeat(range(6), 6), "y": rng.normal(size=36)})
    >>> res = spatial_markov(df, "y", unit="id", weights=g, k=2)
    >>> res.lag_labels, list(res.tests.index), int(res.transitions["count"].sum())
    (['lag Q1', 'lag Q2'], ['Q', 'LR'], 30)
    """
    import mapclassify as mc

    from geolink.weights import graph_for

    wide, dropped, notes = _wide(data, value, unit, time, dropna)
    frame, graph, weight_notes = graph_for(pd.DataFrame({"unit": wide.index}), weights)
    wide.index = frame["unit"].to_numpy()
    notes += weight_notes
    ids, labels = _classes(wide, k, bins)
    lag = graph.transform("r").sparse @ wide.to_numpy()  # rows: the graph's units, in wide's order
    if bins is None:
        m = k if m is None else m
        if not (isinstance(m, (int, np.integer)) and m >= 2):
            raise ValueError(f"m must be an integer ≥ 2, got {m!r}")
        lag_ids = _quantile_ids(lag, m, "m", "lag_bins=")
        lag_labels = [f"lag Q{i + 1}" for i in range(m)]
    else:
        lag_bins = bins if lag_bins is None else lag_bins
        lag_ids = mc.UserDefined(lag.ravel(), [*lag_bins, np.inf]).yb.reshape(lag.shape)
        lag_labels = [f"lag {lab}" for lab in _bin_labels(lag_bins)]
    T = transition_counts(ids, len(labels), lag_ids, len(lag_labels))
    P = row_probabilities(T)
    steady, steady_notes = _conditional_steady_states(T, P, labels, lag_labels)
    notes += steady_notes
    tidy = pd.concat(
        [_tidy(T[j], P[j], labels).assign(lag_class=lag_labels[j]) for j in range(len(lag_labels))], ignore_index=True
    )[["lag_class", "from", "to", "count", "probability"]]
    ht = homogeneity(T)
    tests = pd.DataFrame(
        {"statistic": [ht["Q"], ht["LR"]], "df": [ht["dof"]] * 2, "p_value": [ht["Q_p_value"], ht["LR_p_value"]]},
        index=pd.Index(["Q", "LR"], name="test"),
    )
    return SpatialMarkovResult(
        transitions=tidy,
        probabilities=_matrix(row_probabilities(T.sum(axis=0)), labels),
        steady_state=pd.DataFrame(steady, index=pd.Index(lag_labels, name="lag_class"), columns=labels),
        tests=tests,
        classes=_class_table(wide, ids, labels, unit, time, value),
        labels=labels,
        lag_labels=lag_labels,
        weights=graph,
        dropped=named(dropped, unit, None if dropped["time"].isna().all() else time),
        notes=notes,
    )
