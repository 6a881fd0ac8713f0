"""Distance decay: indicators of units (e.g. Dongguan's towns) against geodesic distance to a target.

Per indicator: Pearson and Spearman correlation with p-values, and four OLS
fits of the indicator y on the distance d (km):

* ``linear``       y = a + b·d
* ``log_linear``   y = a + b·ln d
* ``power``        ln y = a + b·ln d        (y = e^a · d^b)
* ``exponential``  ln y = a + b·d           (y = e^a · e^{b d})

Logs need positive values: units with d = 0 (inside or touching the target)
or y ≤ 0 are left out of the models that take their log, and counted in
``n_excluded``.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import stats
from statsmodels.regression.linear_model import OLS

from geolink._checks import as_numbers, concat_dropped, dropped, reject, require_columns
from geolink.boundaries import prefectures
from geolink.names import to_adcode
from geolink.spatial import centroid_distance_km, check_distance, geodesic_distance_km

MODELS = ("linear", "log_linear", "power", "exponential")


@dataclass
class DecayResult:
    """Result of :func:`distance_decay`.

    Attributes
    ----------
    units : the units used, with ``distance_km`` and ``inside`` (distance 0: in or touching the target).
    correlations : per indicator: ``n``, ``pearson_r``, ``pearson_p``, ``spearman_rho``, ``spearman_p``, ``n_missing``.
    fits : per indicator × model: ``n``, ``n_excluded``, ``intercept``, ``slope``, their standard
        errors, ``slope_p`` and ``r2`` (of the fitted, possibly logged, equation).
    target : the target geometry (WGS 84); ``target_name`` its name.
    distance : how distance was measured (``'boundary'`` or ``'centroid'``).
    value : the indicator columns.
    dropped : units left out (no coordinates, with ``dropna=True``) with a ``reason``.

    Examples
    --------
    >>> import geolink
    >>> res = geolink.distance_decay(geolink.datasets.load("dongguan_towns"), "pop_2020", target="深圳市", dropna=True)
    >>> res.fits.set_index("model").loc["power", ["n", "n_excluded"]].tolist()
    [31, 0]
    >>> round(float(res.units.set_index("name").loc["长安镇", "distance_km"]), 1)
    1.5
    """

    units: gpd.GeoDataFrame
    correlations: pd.DataFrame
    fits: pd.DataFrame
    target: shapely.Geometry
    target_name: str
    distance: str
    value: list[str]
    dropped: pd.DataFrame

    def predict(self, value: str, model: str, d) -> np.ndarray:
        """Fitted values of indicator ``value`` by ``model`` at distances ``d`` (km).

        Examples
        --------
        >>> import geolink
        >>> towns = geolink.datasets.load("dongguan_towns")
        >>> res = geolink.distance_decay(towns, "pop_2020", target="深圳市", dropna=True)
        >>> res.predict("pop_2020", "linear", [0, 10]).round(-3).tolist()
        [611000.0, 470000.0]
        """
        row = self.fits.set_index(["indicator", "model"]).loc[(value, model)]
        d = np.asarray(d, dtype=float)
        a, b = row["intercept"], row["slope"]
        with np.errstate(divide="ignore", invalid="ignore"):
            return {
                "linear": lambda: a + b * d,
                "log_linear": lambda: a + b * np.log(d),
                "power": lambda: np.exp(a) * d**b,
                "exponential": lambda: np.exp(a + b * d),
            }[model]()


def _as_units(data, lon: str, lat: str, dropna: bool) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The units with a location (WGS 84), and the ones without (an error unless ``dropna``)."""
    if isinstance(data, gpd.GeoDataFrame):
        if data.crs is None:
            raise ValueError("the units have no CRS: set one first (e.g. data.set_crs('EPSG:4326'))")
        gdf, bad = data, (data.geometry.isna() | data.geometry.is_empty).to_numpy()
    else:
        require_columns(data, [lon, lat])
        x, y = (pd.to_numeric(data[c], errors="coerce") for c in (lon, lat))
        reject(data, (x.isna() & data[lon].notna()) | (y.isna() & data[lat].notna()), "a coordinate is not a number")
        reject(data, ~(x.abs() <= 180) & x.notna() | ~(y.abs() <= 90) & y.notna(), "a coordinate is out of range (|lon| ≤ 180, |lat| ≤ 90)")
        reject(data, (x == 0) & (y == 0), "the point is (0, 0): a missing coordinate written as 0?")
        bad = (x.isna() | y.isna()).to_numpy()
        gdf = gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")
    if bad.any() and not dropna:
        named = data["name"] if "name" in data.columns else pd.Series(data.index)
        raise ValueError(
            f"{int(bad.sum())} unit(s) without coordinates: {named[bad].tolist()[:10]}; "
            "pass dropna=True to leave them out"
        )
    return gdf[~bad].to_crs("EPSG:4326"), dropped(pd.DataFrame(data), bad, "no coordinates")


def _target(target, resolution: str) -> tuple[shapely.Geometry, str]:
    if isinstance(target, tuple):
        if len(target) != 2 or not all(isinstance(c, (int, float, np.integer, np.floating)) for c in target) \
                or not (abs(target[0]) <= 180 and abs(target[1]) <= 90):
            raise ValueError(f"a target point is (lon, lat) in degrees with |lon| ≤ 180 and |lat| ≤ 90, got {target!r}")
        return shapely.Point(*target), f"point {target}"
    if isinstance(target, shapely.Geometry):
        return target, target.geom_type
    code = to_adcode(target)
    unit = prefectures(resolution=resolution).loc[code]
    return unit.geometry, unit["name"]


def _distances(gdf: gpd.GeoDataFrame, geom, distance: str) -> np.ndarray:
    if distance == "centroid":
        return centroid_distance_km(gdf.geometry, geom)
    return geodesic_distance_km(gdf.geometry, geom)


def _ols(x: np.ndarray, y: np.ndarray) -> dict:
    fit = OLS(y, np.column_stack([np.ones(len(x)), x])).fit()
    return {
        "intercept": fit.params[0],
        "slope": fit.params[1],
        "se_intercept": fit.bse[0],
        "se_slope": fit.bse[1],
        "slope_p": fit.pvalues[1],
        "r2": fit.rsquared,
    }


def _fit_indicator(name: str, d: np.ndarray, y: np.ndarray) -> tuple[dict, list[dict]]:
    ok = ~np.isnan(y)
    dd, yy = d[ok], y[ok]
    if len(yy) < 3:
        raise ValueError(f"{name!r}: only {len(yy)} unit(s) with a value; at least 3 are needed")
    if np.ptp(yy) == 0 or np.ptp(dd) == 0:
        raise ValueError(f"{name!r}: the {'values' if np.ptp(yy) == 0 else 'distances'} are all equal; no relation to fit")
    pr, pp = stats.pearsonr(dd, yy)
    sr, sp = stats.spearmanr(dd, yy)
    corr = {"indicator": name, "n": len(yy), "pearson_r": pr, "pearson_p": pp, "spearman_rho": sr,
            "spearman_p": sp, "n_missing": int((~ok).sum())}
    fits = []
    for model in MODELS:
        use = np.ones_like(yy, dtype=bool)
        if model in ("log_linear", "power"):
            use &= dd > 0
        if model in ("power", "exponential"):
            use &= yy > 0
        x = np.log(dd[use]) if model in ("log_linear", "power") else dd[use]
        target_y = np.log(yy[use]) if model in ("power", "exponential") else yy[use]
        row = {"indicator": name, "model": model, "n": int(use.sum()), "n_excluded": int((~use).sum() + (~ok).sum())}
        row.update(_ols(x, target_y) if use.sum() >= 3 else {})
        fits.append(row)
    return corr, fits


def distance_decay(
    data,
    value,
    *,
    target,
    distance: str = "boundary",
    lon: str = "lon",
    lat: str = "lat",
    resolution: str = "display",
    dropna: bool = False,
) -> DecayResult:
    """Relate indicators of units to their geodesic distance (km) from a target.

    Parameters
    ----------
    data : GeoDataFrame of points or polygons, or a DataFrame with ``lon``/``lat`` columns (WGS 84).
    value : indicator column name(s).
    target : adcode or name of a prefecture-level unit (e.g. ``'深圳市'``), a
        ``(lon, lat)`` point or a shapely geometry (WGS 84).
    distance : ``'boundary'``: from each unit to the nearest point of the
        target (for polygon units: between the nearest boundary points; 0 for
        units inside or touching the target); ``'centroid'``: from each unit's
        area centroid to the target's area centroid (a point is its own centroid).
    lon, lat : coordinate columns of a DataFrame.
    resolution : boundaries of a named target.
    dropna : leave units without coordinates out (``dropped``) and missing
        indicator values out per indicator (``n_missing``), instead of raising.

    Returns
    -------
    DecayResult

    Examples
    --------
    >>> import geolink
    >>> towns = geolink.datasets.load("dongguan_towns")     # 大岭山镇 has no point: dropna=True
    >>> res = geolink.distance_decay(towns, "pop_2020", target="深圳市", dropna=True)
    >>> res.correlations[["n", "pearson_r", "spearman_rho"]].round(2).values.tolist()
    [[31.0, -0.63, -0.66]]
    >>> res.dropped["name"].tolist()
    ['大岭山镇']
    """
    check_distance(distance)
    value = [value] if isinstance(value, str) else list(value)
    gdf, no_place = _as_units(data, lon, lat, dropna)
    require_columns(gdf, value)
    geom, name = _target(target, resolution)
    d = _distances(gdf, geom, distance)
    gdf = gdf.assign(distance_km=d, inside=np.asarray(d) == 0)
    corr_rows, fit_rows = [], []
    for ind in value:
        y = as_numbers(gdf, ind)
        if not dropna:
            reject(gdf, y.isna(), f"{ind!r} is missing (pass dropna=True to leave these units out)")
        corr, fits = _fit_indicator(ind, gdf["distance_km"].to_numpy(float), y.to_numpy(float))
        corr_rows.append(corr)
        fit_rows += fits
    return DecayResult(
        units=gdf,
        correlations=pd.DataFrame(corr_rows),
        fits=pd.DataFrame(fit_rows),
        target=geom,
        target_name=name,
        distance=distance,
        value=value,
        dropped=concat_dropped(no_place),
    )
