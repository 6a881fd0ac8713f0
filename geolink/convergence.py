"""σ convergence (coefficient of variation over time) and β convergence (absolute, conditional, spatial).

σ convergence (Barro and Sala-i-Martin 1992, "Convergence"): per group and
period ``σ = sqrt(Σ_i (y_i − μ)² / n) / μ`` — the population coefficient of
variation, which needs values on a ratio scale (non-negative, positive mean).

β convergence: ``g_i = α + β ln y_i,start (+ group effects + controls) + ε``
with ``g_i = (ln y_i,end − ln y_i,start) / T`` the average annual log growth
over T = end − start years.  β < 0 is convergence; the implied speed is
``λ = −ln(1 + β T) / T`` per year and the half-life ``ln 2 / λ`` years.
``model='ols'``: heteroskedasticity-robust (HC1) standard errors with
t-distribution p-values on n − k degrees of freedom.  Spatial models by
maximum likelihood (PySAL spreg; Anselin 1988, *Spatial Econometrics*;
Rey and Montouri 1999, "US regional income convergence: a spatial
econometric perspective"): ``'lag'``: g = ρ W g + α + β ln y0 + … + ε;
``'error'``: u = λ W u + ε; asymptotic normal (z) inference from the information matrix of the
row-standardised W (spreg's sparse-LU method: its eigenvalue method uses a symmetrised W there,
which put the standard errors up to 4 % off).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS

from geolink._checks import concat_dropped, reject
from geolink._regional import attach_group, named, panel, periods

MODELS = ("ols", "lag", "error")


@dataclass
class SigmaResult:
    """σ convergence (Barro and Sala-i-Martin 1992, "Convergence").

    Attributes
    ----------
    summary : one row per group (``'all'`` for the pooled units) and period:
        ``n``, ``mean``, ``sigma`` (population coefficient of variation).
    trend : one row per group: OLS slope of σ on the period (per unit of
        time), its p-value (t, n − 2 df; NaN with fewer than 3 periods),
        first and last σ, and ``converging`` (slope < 0 and last < first).
    dropped : rows left out (missing values with ``dropna=True``, units outside
        a registry grouping) and why.
    notes : warnings (groups of one unit, units left out).

    Examples
    --------
    Urbanisation rates (census 2010 and 2020) of the prefectures of Fujian
    (350000) and Guangdong (440000): their dispersion fell in both.

    >>> from geolink.datasets import load
    >>> census = load("census")
    >>> df = census[census["province_adcode"].isin(["350000", "440000"])]
    >>> res = sigma_convergence(df, "urbanisation_pct", group="province_adcode")
    >>> print(res.summary.round(4).to_string(index=False))
     group  year  n    mean  sigma
       all  2010 30 59.3957 0.3168
       all  2020 30 66.1696 0.2428
    350000  2010  9 55.6686 0.2269
    350000  2020  9 66.7950 0.1326
    440000  2010 21 60.9931 0.3395
    440000  2020 21 65.9015 0.2777
    >>> print(res.trend[["group", "sigma_first", "sigma_last", "slope", "converging"]].round(4).to_string(index=False))
     group  sigma_first  sigma_last   slope  converging
       all       0.3168      0.2428 -0.0074        True
    350000       0.2269      0.1326 -0.0094        True
    440000       0.3395      0.2777 -0.0062        True

    With two periods the slope is (last − first) / 10 years and has no p-value.
    """

    summary: pd.DataFrame
    trend: pd.DataFrame
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)


def sigma_convergence(
    data: pd.DataFrame,
    value: str,
    *,
    group=None,
    time: str = "year",
    unit: str = "adcode",
    overlap: str = "raise",
    dropna: bool = False,
) -> SigmaResult:
    """Coefficient of variation per group and overall per period (formula in the module docstring).

    Parameters
    ----------
    data : long table, one row per unit and period.
    value : non-negative values on a ratio scale (negative values raise).
    group : a column of group labels, a registry id (``'eight'``, …), a
        registered grouping or a table (``adcode``, ``group``); units outside
        a registry grouping are left out (listed in ``dropped``).
    time : period column.
    unit : unit column.
    overlap : how units in several groups of a registry grouping are assigned.
    dropna : drop rows with a missing value or group (listed in ``dropped``) instead of raising.

    Returns
    -------
    SigmaResult.  A group with a single unit in a period gets σ = NaN with a
    warning; a zero mean raises.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"adcode": list("abab"), "year": [2000, 2000, 2010, 2010], "y": [1.0, 3.0, 1.5, 2.5]})
    >>> res = sigma_convergence(df, "y")
    >>> res.summary["sigma"].round(3).tolist(), bool(res.trend.loc[0, "converging"])
    ([0.5, 0.25], True)
    """
    frame, dropped = panel(data, value, unit=unit, time=time, dropna=dropna)
    reject(frame, frame["value"] < 0, f"{value!r} is negative: σ (a coefficient of variation) needs a ratio scale", show=["unit", "time"])
    pieces = [frame.assign(group="all")]
    notes = []
    if group is not None:
        grouped, group_dropped = attach_group(frame, data, group, overlap=overlap, dropna=dropna, unit=unit)
        dropped = concat_dropped(dropped, group_dropped)
        if len(group_dropped):
            notes.append(f"{len(group_dropped)} row(s) outside every group left out")
        labels = grouped["group"].astype(str)
        reject(grouped, (labels == "all").to_numpy(),
               "the group is labelled 'all', the label of the rows over all units: rename that group", show=["unit", "time"])
        pieces = [grouped.assign(group="all"), grouped.assign(group=labels)]
    stacked = pd.concat(pieces, ignore_index=True)
    summary = (
        stacked.groupby(["group", "time"], sort=False)["value"]
        .agg(n="size", mean="mean", sd=lambda s: s.std(ddof=0))
        .reset_index()
    )
    zero = summary["mean"] == 0
    reject(summary, zero, "the mean is zero: σ is undefined", show=["group", "time"])
    single = summary["n"] < 2
    summary["sigma"] = np.where(single, np.nan, summary["sd"] / summary["mean"])
    if single.any():
        cases = summary.loc[single, ["group", "time"]].values.tolist()
        msg = f"σ needs at least 2 units: NaN for (group, {time}) {cases[:10]}"
        warnings.warn(msg, UserWarning, stacklevel=2)
        notes.append(msg)
    summary = summary.drop(columns="sd")
    unbalanced = _unbalanced(stacked)
    if unbalanced:
        msg = (f"the units differ between periods of {time!r} ({'; '.join(unbalanced[:5])}): σ compares different "
               "sets of units (a balanced panel compares the same units)")
        warnings.warn(msg, UserWarning, stacklevel=2)
        notes.append(msg)
    trends = [_trend(name, part) for name, part in summary.groupby("group", sort=False)]
    flat = [row["group"] for row in trends if np.isnan(row["slope"])]
    if flat:
        msg = f"the σ trend needs σ in at least 2 periods of {time!r}: slope NaN, converging False for group(s) {flat[:10]}"
        warnings.warn(msg, UserWarning, stacklevel=2)
        notes.append(msg)
    return SigmaResult(
        summary=named(summary, None, time), trend=pd.DataFrame(trends), dropped=named(dropped, unit, time), notes=notes
    )


def _unbalanced(stacked: pd.DataFrame) -> list[str]:
    """For each group whose units are not the same in every period: its units per period and how many
    units are not in all of them."""
    out = []
    for name, part in stacked.groupby("group", sort=False):
        per = part.groupby("time", sort=True)["unit"].agg(frozenset)
        if len(set(per)) > 1:
            everywhere = frozenset.intersection(*per)
            counts = ", ".join(f"{len(u)} in {t}" for t, u in per.items())
            out.append(f"{name}: {counts}; {len(frozenset.union(*per) - everywhere)} not in every period")
    return out


def _trend(name, part: pd.DataFrame) -> dict:
    part = part.dropna(subset=["sigma"]).sort_values("time")
    row = {"group": name, "sigma_first": np.nan, "sigma_last": np.nan, "slope": np.nan, "p_value": np.nan}
    if len(part):
        row.update(sigma_first=part["sigma"].iloc[0], sigma_last=part["sigma"].iloc[-1])
    if len(part) >= 3:
        t = part["time"].astype(float).to_numpy()
        fit = OLS(part["sigma"].to_numpy(float), np.column_stack([np.ones_like(t), t])).fit()
        row.update(slope=float(fit.params[1]), p_value=float(fit.pvalues[1]))
    elif len(part) == 2:
        span = float(part["time"].iloc[-1]) - float(part["time"].iloc[0])
        row.update(slope=(row["sigma_last"] - row["sigma_first"]) / span)
    row["converging"] = bool(row["slope"] < 0 and row["sigma_last"] < row["sigma_first"])
    return row


@dataclass
class BetaResult:
    """β convergence (Barro and Sala-i-Martin 1992, "Convergence"; spatial models:
    Rey and Montouri 1999, "US regional income convergence: a spatial
    econometric perspective").

    Attributes
    ----------
    summary : one-row table: ``model``, ``beta``, ``se``, ``stat`` (t for OLS,
        z for ML), ``p_value``, ``df`` (n − k for OLS; NaN for ML, whose
        inference is asymptotic normal), ``speed`` (per year), ``half_life``
        (years), ``rho`` (lag) or ``lambda`` (error), ``r_squared`` (pseudo
        R² for ML), ``log_likelihood``, ``n``, ``years``, ``conditional``.
    coefficients : every term: ``term``, ``coef``, ``se``, ``stat``, ``p_value``.
    data : exactly the units used: unit, ``y0``, ``y1``, ``growth``,
        ``log_y0`` (+ group, controls at the start).
    dropped : units left out and why.
    model : the fitted statsmodels or spreg object.
    weights : the libpysal Graph of a spatial model (None for OLS).
    notes : what was done to the weights, an undefined speed.
    beta : the β coefficient (a float; ``summary["beta"]``).

    Examples
    --------
    Absolute β convergence of the urbanisation rate (census) of the 30
    prefectures of Fujian and Guangdong from 2010 to 2020, by OLS: prefectures
    with lower rates in 2010 grew faster (the rate is bounded by 100 %, which
    contributes to this).

    >>> from geolink.datasets import load
    >>> census = load("census")
    >>> df = census[census["province_adcode"].isin(["350000", "440000"])]
    >>> res = beta_convergence(df, "urbanisation_pct", start=2010, end=2020)
    >>> print(res.summary[["beta", "se", "stat", "df", "speed", "half_life", "r_squared"]].round(4).to_string(index=False))
       beta     se     stat   df  speed  half_life  r_squared
    -0.0237 0.0023 -10.3055 28.0 0.0271    25.6033     0.6174
    >>> print(res.coefficients[["term", "coef", "se"]].round(4).to_string(index=False))
      term    coef     se
     const  0.1084 0.0100
    log_y0 -0.0237 0.0023
    >>> print(res.data.head(2).round(4).to_string(index=False))
    adcode      y0      y1  growth  log_y0
    350100 61.9515 72.4888  0.0157  4.1264
    350200 88.3264 89.4128  0.0012  4.4810
    """

    summary: pd.DataFrame
    coefficients: pd.DataFrame
    data: pd.DataFrame
    model: object
    weights: object = None
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)

    @property
    def beta(self) -> float:
        return float(self.summary.loc[0, "beta"])


def _speed(beta: float, T: float, notes: list) -> tuple[float, float]:
    if 1 + beta * T <= 0:
        notes.append(f"1 + βT = {1 + beta * T:.3g} ≤ 0: the speed of convergence is undefined (β ≤ −1/T)")
        return np.nan, np.nan
    speed = -np.log(1 + beta * T) / T
    return float(speed), float(np.log(2) / speed) if speed > 0 else np.nan


def _cross_section(data, value, unit, time, start, end, group, controls, overlap, dropna):
    """One row per unit: y0, y1, growth, log_y0, group and controls at ``start``; and the dropped units."""
    frame, dropped = panel(data, value, unit=unit, time=time, dropna=dropna, extra=controls)
    at = dict(periods(frame))
    for t in (start, end):
        if t not in at:
            raise ValueError(f"{time!r} has no rows for {t!r}; periods are {sorted(at)[:20]}")
    first, last = at[start], at[end]
    dropped = dropped[dropped["time"].isin([start, end])]  # the years between are not used
    units = pd.Index(pd.unique(pd.concat([first["unit"], last["unit"], dropped["unit"]])), name="unit")
    if group is not None:
        first, group_dropped = attach_group(first, data, group, overlap=overlap, dropna=dropna, unit=unit)
        dropped = concat_dropped(dropped, group_dropped)
    cs = first.set_index("unit").rename(columns={"value": "y0"}).drop(columns="time")
    cs = cs.join(last.set_index("unit")["value"].rename("y1"), how="outer").reindex(units)
    gone = set(dropped["unit"])
    cs = cs[~cs.index.isin(gone)]
    incomplete = cs["y0"].isna() | cs["y1"].isna()
    if incomplete.any() and not dropna:
        reject(cs.reset_index(), incomplete.to_numpy(), f"{value!r} is missing in {start} or {end} (pass dropna=True to drop them)", show=["unit"])
    dropped = concat_dropped(dropped, pd.DataFrame({"unit": cs.index[incomplete], "time": None, "reason": f"no {value} in {start} or {end}"}))
    cs = cs[~incomplete]
    for col in controls:
        x = pd.to_numeric(cs[col], errors="coerce")
        reject(cs.reset_index(), (x.isna() & cs[col].notna()).to_numpy(), f"control {col!r} at {start} is not numeric", show=["unit"])
        reject(cs.reset_index(), np.isinf(x).to_numpy(), f"control {col!r} at {start} is infinite", show=["unit"])
        if x.isna().any() and not dropna:
            reject(cs.reset_index(), x.isna().to_numpy(), f"control {col!r} at {start} is missing (pass dropna=True to drop them)", show=["unit"])
        dropped = concat_dropped(dropped, pd.DataFrame({"unit": cs.index[x.isna()], "time": start, "reason": f"control {col} missing"}))
        cs = cs.assign(**{col: x})[x.notna()]
    reject(cs.reset_index(), ((cs["y0"] <= 0) | (cs["y1"] <= 0)).to_numpy(), f"{value!r} is not positive (logs)", show=["unit"])
    T = float(end) - float(start)
    cs["growth"] = (np.log(cs["y1"]) - np.log(cs["y0"])) / T
    cs["log_y0"] = np.log(cs["y0"])
    return cs, dropped, T


def beta_convergence(
    data: pd.DataFrame,
    value: str,
    *,
    unit: str = "adcode",
    time: str = "year",
    start,
    end,
    group=None,
    controls=None,
    model: str = "ols",
    weights="queen",
    overlap: str = "raise",
    dropna: bool = False,
) -> BetaResult:
    """β convergence of ``value`` from ``start`` to ``end`` (formulas in the module docstring).

    Parameters
    ----------
    data : long table (unit, time, value, …).
    value : positive values (logs).
    unit, time : unit and period columns.
    start, end : the two periods compared (``end`` after ``start``).
    group : group fixed effects (conditional β): a column (its value at
        ``start``), a registry id, a registered grouping or a table
        (``adcode``, ``group``).  A missing group raises (``dropna=True``:
        the unit is dropped and listed); units outside a registry grouping
        are dropped and listed.
    controls : column name(s) of control variables, their values at ``start``
        (conditional β).
    model : ``'ols'``, ``'lag'`` (spatial lag) or ``'error'`` (spatial error).
    weights : spatial weights of the spatial models: a libpysal Graph with
        every unit or a kind for :func:`geolink.weights.spatial_weights`
        (islands linked to their nearest unit); row-standardised.
    overlap : how units in several groups of a registry grouping are assigned.
    dropna : drop units with a missing value, group or control (listed in
        ``dropped``) instead of raising.

    Returns
    -------
    BetaResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> y0 = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    >>> y1 = y0 * np.exp(10 * (0.05 - 0.01 * np.log(y0)) + np.array([0.01, -0.01, 0.0, 0.01, -0.01]))
    >>> df = pd.DataFrame({"adcode": list("abcde") * 2, "year": [2000] * 5 + [2010] * 5, "y": np.r_[y0, y1]})
    >>> res = beta_convergence(df, "y", start=2000, end=2010)
    >>> res.summary[["beta", "df"]].round(4).values.tolist()
    [[-0.0103, 3.0]]
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    controls = [controls] if isinstance(controls, str) else list(controls or [])
    if float(end) <= float(start):
        raise ValueError(f"end ({end}) must be after start ({start})")
    cs, dropped, T = _cross_section(data, value, unit, time, start, end, group, controls, overlap, dropna)
    terms = ["log_y0", *controls]
    k = 1 + len(terms) + (cs["group"].nunique() - 1 if group is not None else 0)
    if len(cs) < 3 or len(cs) <= k:
        raise ValueError(f"{len(cs)} unit(s) left for a regression with {k} coefficient(s): need at least 3 and more than {k}")
    X, names = _design(cs, terms, group)
    X = np.column_stack([np.ones(len(X)), X])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        constant = [t for t, col in zip(["log_y0", *controls], X.T[1:], strict=False) if np.ptp(col) == 0]
        why = f"{constant} do not vary over the units" if constant else "the terms are collinear"
        raise ValueError(f"β is not identified: {why} (terms {names})")
    notes: list = []
    if model == "ols":
        summary, coefficients, fitted, graph = _ols(cs, terms, group)
    else:
        summary, coefficients, fitted, graph, notes = _spatial(cs, terms, group, model, weights)
    speed, half_life = _speed(summary["beta"], T, notes)
    summary.update(speed=speed, half_life=half_life, n=len(cs), years=T, conditional=bool(group is not None or controls))
    used = named(cs.reset_index().assign(time=None), unit, None)
    return BetaResult(
        summary=pd.DataFrame([summary]), coefficients=coefficients, data=used, model=fitted, weights=graph,
        dropped=named(dropped, unit, None), notes=notes,
    )


def _ols(cs: pd.DataFrame, terms: list[str], group):
    X, names = _design(cs, terms, group)
    term_names = ["const", *names]
    fit = OLS(cs["growth"].to_numpy(float), np.column_stack([np.ones(len(X)), X])).fit(cov_type="HC1", use_t=True)
    coefficients = pd.DataFrame(
        {"term": term_names, "coef": fit.params, "se": fit.bse, "stat": fit.tvalues, "p_value": fit.pvalues}
    )
    i = term_names.index("log_y0")
    summary = {
        "model": "ols", "beta": float(fit.params[i]), "se": float(fit.bse[i]),
        "stat": float(fit.tvalues[i]), "p_value": float(fit.pvalues[i]), "df": float(fit.df_resid),
        "r_squared": float(fit.rsquared), "log_likelihood": float(fit.llf),
    }
    return summary, coefficients, fit, None


def _design(cs: pd.DataFrame, terms: list[str], group) -> tuple[np.ndarray, list[str]]:
    X = cs[terms].astype(float)
    if group is not None:
        dummies = pd.get_dummies(cs["group"].astype(str), prefix="group", drop_first=True, dtype=float)
        X = pd.concat([X, dummies], axis=1)
    return X.to_numpy(), list(X.columns)


def _spatial(cs: pd.DataFrame, terms: list[str], group, model: str, weights):
    import spreg
    from scipy.sparse import SparseEfficiencyWarning

    from geolink.weights import graph_for

    _, graph, notes = graph_for(pd.DataFrame({"unit": cs.index}), weights)
    w = graph.transform("r").to_W()
    X, names = _design(cs, terms, group)
    y = cs[["growth"]].to_numpy(float)
    # spreg 1.9 prints the model's class name while building its output; scipy warns about its bounded optimiser's tolerance
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", SparseEfficiencyWarning)  # spreg's sparse LU of I − ρW
        warnings.filterwarnings("ignore", message="The inplace keyword", module="spreg")  # spreg's own pandas calls
        fitted = (spreg.ML_Lag if model == "lag" else spreg.ML_Error)(y, X, w, method="lu", name_x=names, name_y="growth")
    spatial_name = "rho" if model == "lag" else "lambda"
    term_names = ["const", *names, spatial_name]
    z = np.array([s for s, _ in fitted.z_stat], float)
    p = np.array([q for _, q in fitted.z_stat], float)
    coefficients = pd.DataFrame({"term": term_names, "coef": fitted.betas.ravel(), "se": fitted.std_err, "stat": z, "p_value": p})
    i = term_names.index("log_y0")
    summary = {
        "model": model, "beta": float(fitted.betas[i, 0]), "se": float(fitted.std_err[i]), "stat": float(z[i]),
        "p_value": float(p[i]), "df": np.nan, spatial_name: float(fitted.betas[-1, 0]),
        "r_squared": float(fitted.pr2), "log_likelihood": float(fitted.logll),
    }
    return summary, coefficients, fitted, graph, notes
