"""σ convergence (coefficient of variation over time) and absolute / conditional β convergence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from geolink._checks import reject, require_columns


@dataclass
class SigmaResult:
    """σ convergence.

    table : one row per group (``'all'`` for the pooled units) and ``by`` value:
        ``n``, ``mean``, ``sigma`` (population coefficient of variation).
    trend : one row per group: OLS slope of σ on ``by`` (per unit of ``by``),
        its p-value, first and last σ, and ``converging`` (σ fell: slope < 0
        and last < first).
    """

    table: pd.DataFrame
    trend: pd.DataFrame


def sigma_convergence(
    data: pd.DataFrame, value: str, group: str | None = None, by: str = "year"
) -> SigmaResult:
    """Coefficient of variation per group and overall per ``by`` (seed 002 eq. 12).

    ``σ = sqrt(Σ_i (y_i − μ)² / n) / μ`` (population standard deviation over
    the mean; dimensionless).  σ falling over time is σ convergence.
    Missing or non-numeric values raise ``ValueError`` naming the rows.
    """
    require_columns(data, [value, group, by])
    y = pd.to_numeric(data[value], errors="coerce")
    reject(data, y.isna(), f"{value} is missing or not numeric")
    frame = data.assign(_y=y)
    pieces = [frame.assign(_g="all")]
    if group:
        pieces.append(frame.assign(_g=frame[group].astype(str)))
    stacked = pd.concat(pieces, ignore_index=True)
    table = (
        stacked.groupby(["_g", by], sort=False)["_y"]
        .agg(n="size", mean="mean", sd=lambda s: s.std(ddof=0))
        .reset_index()
        .rename(columns={"_g": "group"})
    )
    table["sigma"] = table["sd"] / table["mean"]
    table = table.drop(columns="sd")
    trends = []
    for name, part in table.groupby("group", sort=False):
        part = part.sort_values(by)
        row = {"group": name, "sigma_first": part["sigma"].iloc[0], "sigma_last": part["sigma"].iloc[-1]}
        if len(part) >= 3:
            fit = smf.ols(
                "sigma ~ t", data=pd.DataFrame({"sigma": part["sigma"], "t": part[by].astype(float)})
            ).fit()
            row.update(slope=fit.params["t"], p_value=fit.pvalues["t"])
        elif len(part) == 2:
            span = float(part[by].iloc[-1]) - float(part[by].iloc[0])
            row.update(slope=(row["sigma_last"] - row["sigma_first"]) / span, p_value=np.nan)
        else:
            row.update(slope=np.nan, p_value=np.nan)
        row["converging"] = bool(row["slope"] < 0 and row["sigma_last"] < row["sigma_first"])
        trends.append(row)
    return SigmaResult(table=table, trend=pd.DataFrame(trends))


@dataclass
class BetaResult:
    """β convergence: ``g_i = α + β ln y_i,start (+ group effects) + ε``.

    ``g_i = (ln y_i,end − ln y_i,start) / T`` is the average annual log growth
    rate, T = end − start years.  β < 0 is convergence; the implied speed is
    ``λ = −ln(1 + β T) / T`` per year and the half-life ``ln 2 / λ`` years.
    Standard errors are heteroskedasticity-robust (HC1).
    """

    beta: float
    se: float
    p_value: float
    speed: float
    half_life: float
    r_squared: float
    n: int
    years: float
    conditional: bool
    model: object
    data: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """One-row table of the estimates."""
        keys = ["beta", "se", "p_value", "speed", "half_life", "r_squared", "n", "years", "conditional"]
        return pd.DataFrame([{k: getattr(self, k) for k in keys}])


def beta_convergence(
    data: pd.DataFrame,
    value: str,
    region: str,
    year: str,
    start,
    end,
    group: str | None = None,
) -> BetaResult:
    """Absolute β convergence (or conditional, with group fixed effects when ``group`` is given).

    ``data`` is long (region, year, value); regions need a positive value in
    both ``start`` and ``end`` — regions lacking one, or with a non-positive
    value, raise ``ValueError`` naming them.
    """
    require_columns(data, [value, region, year, group])
    T = float(end) - float(start)
    if T <= 0:
        raise ValueError(f"end ({end}) must be after start ({start})")
    cols = [region, value] + ([group] if group else [])
    first = data.loc[data[year] == start, cols].set_index(region)
    last = data.loc[data[year] == end, [region, value]].set_index(region)
    for name, part in (("start", first), ("end", last)):
        dup = part.index.duplicated()
        if dup.any():
            raise ValueError(f"region(s) {list(part.index[dup][:10])} appear twice in the {name} year")
    panel = first.rename(columns={value: "y0"}).join(last.rename(columns={value: "y1"}), how="outer")
    missing = panel["y0"].isna() | panel["y1"].isna()
    reject(panel.reset_index(), missing.to_numpy(), f"{value} is missing in {start} or {end}", show=[region])
    nonpositive = (panel["y0"] <= 0) | (panel["y1"] <= 0)
    reject(panel.reset_index(), nonpositive.to_numpy(), f"{value} is not positive (logs)", show=[region])
    panel["growth"] = (np.log(panel["y1"]) - np.log(panel["y0"])) / T
    panel["log_y0"] = np.log(panel["y0"])
    formula = "growth ~ log_y0" + (f" + C({group})" if group else "")
    fit = smf.ols(formula, data=panel).fit(cov_type="HC1")
    beta = float(fit.params["log_y0"])
    speed = -np.log(1 + beta * T) / T if 1 + beta * T > 0 else np.inf
    half_life = np.log(2) / speed if speed > 0 else np.inf
    return BetaResult(
        beta=beta,
        se=float(fit.bse["log_y0"]),
        p_value=float(fit.pvalues["log_y0"]),
        speed=float(speed),
        half_life=float(half_life),
        r_squared=float(fit.rsquared),
        n=int(fit.nobs),
        years=T,
        conditional=group is not None,
        model=fit,
        data=panel.reset_index(),
    )
