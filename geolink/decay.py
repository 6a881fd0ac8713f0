"""Distance decay (SPEC §4): indicators of units (e.g. Dongguan's towns) against geodesic distance to a target.

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

import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import statsmodels.api as sm
from scipy import stats

from geolink.boundaries import prefectures
from geolink.names import to_adcode
from geolink.spatial import GEOD, centroids, geodesic_distance_km

MODELS = ("linear", "log_linear", "power", "exponential")
DISTANCES = ("boundary", "centroid")


@dataclass
class DecayResult:
    """Result of :func:`distance_decay`.

    units : the units with ``distance_km`` and ``inside`` (distance 0: in or touching the target).
    correlations : per indicator: ``n``, ``pearson_r``, ``pearson_p``, ``spearman_rho``, ``spearman_p``.
    fits : per indicator × model: ``n``, ``n_excluded``, ``intercept``, ``slope``, their standard
        errors, ``slope_p`` and ``r2`` (of the fitted, possibly logged, equation).
    target : the target geometry (WGS 84) and ``target_name``; ``distance``: how distance was measured.
    excluded : units left out for lack of coordinates (a warning names them).
    """

    units: gpd.GeoDataFrame
    correlations: pd.DataFrame
    fits: pd.DataFrame
    target: shapely.Geometry
    target_name: str
    distance: str
    indicators: list[str]
    excluded: pd.DataFrame

    def predict(self, indicator: str, model: str, d) -> np.ndarray:
        """Fitted indicator values at distances ``d`` (km)."""
        row = self.fits.set_index(["indicator", "model"]).loc[(indicator, model)]
        d = np.asarray(d, dtype=float)
        a, b = row["intercept"], row["slope"]
        with np.errstate(divide="ignore", invalid="ignore"):
            return {
                "linear": lambda: a + b * d,
                "log_linear": lambda: a + b * np.log(d),
                "power": lambda: np.exp(a) * d**b,
                "exponential": lambda: np.exp(a + b * d),
            }[model]()


def _as_points(units, lon: str, lat: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The units with a location (WGS 84) and the ones without (left out, reported)."""
    if isinstance(units, gpd.GeoDataFrame):
        gdf = units if units.crs is not None else units.set_crs("EPSG:4326")
        bad = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    else:
        missing = [c for c in (lon, lat) if c not in units.columns]
        if missing:
            raise KeyError(f"units need a geometry or the columns {lon!r} and {lat!r}; missing {missing}")
        bad = (units[lon].isna() | units[lat].isna()).to_numpy()
        gdf = gpd.GeoDataFrame(units, geometry=gpd.points_from_xy(units[lon], units[lat]), crs="EPSG:4326")
    excluded = pd.DataFrame(units[bad]).assign(reason="no coordinates")
    if bad.any():
        label = excluded["name"] if "name" in excluded.columns else pd.Series(excluded.index)
        warnings.warn(
            f"{int(bad.sum())} unit(s) without coordinates left out: {label.tolist()[:10]}", stacklevel=3
        )
    return gdf[~bad].to_crs("EPSG:4326"), excluded


def _target(target, distance: str, resolution: str) -> tuple[shapely.Geometry, str]:
    if isinstance(target, tuple):
        return shapely.Point(*target), f"point {target}"
    if isinstance(target, shapely.Geometry):
        return target, target.geom_type
    code = to_adcode(target)
    unit = prefectures(resolution).loc[[code]]
    geom = unit.geometry.iloc[0]
    if distance == "centroid":
        geom = centroids(unit).iloc[0]
    return geom, unit["name"].iloc[0]


def _ols(x: np.ndarray, y: np.ndarray) -> dict:
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    return {
        "intercept": fit.params[0],
        "slope": fit.params[1],
        "se_intercept": fit.bse[0],
        "se_slope": fit.bse[1],
        "slope_p": fit.pvalues[1],
        "r2": fit.rsquared,
    }


def distance_decay(
    units,
    target,
    indicators,
    distance: str = "boundary",
    lon: str = "lon",
    lat: str = "lat",
    resolution: str = "display",
) -> DecayResult:
    """Relate indicators of units to their geodesic distance (km) from a target.

    Parameters
    ----------
    units : GeoDataFrame of points or polygons, or a DataFrame with ``lon``/``lat`` (WGS 84).
    target : adcode or name of a prefecture-level unit (e.g. ``'深圳市'``), a
        ``(lon, lat)`` point or a shapely geometry.
    indicators : column name(s) of the units.
    distance : ``'boundary'`` — to the nearest point of the target's boundary
        (0 for units inside or touching it); ``'centroid'`` — to the target's
        area centroid.  A point target is a point either way.

    Units without coordinates are left out with a warning naming them
    (``result.excluded``); missing indicator values are left out per
    indicator and counted (``n_missing`` in ``correlations``, ``n_excluded``
    in ``fits``).
    """
    if distance not in DISTANCES:
        raise ValueError(f"distance must be one of {DISTANCES}, got {distance!r}")
    indicators = [indicators] if isinstance(indicators, str) else list(indicators)
    gdf, excluded = _as_points(units, lon, lat)
    missing = [c for c in indicators if c not in gdf.columns]
    if missing:
        raise KeyError(f"indicator column(s) {missing} not in units; columns: {list(gdf.columns)}")
    geom, name = _target(target, distance, resolution)
    if geom.geom_type == "Point" and gdf.geom_type.eq("Point").all():
        d = (
            GEOD.inv(gdf.geometry.x, gdf.geometry.y, np.full(len(gdf), geom.x), np.full(len(gdf), geom.y))[2]
            / 1e3
        )
    else:
        d = geodesic_distance_km(gdf.geometry, geom)
    gdf = gdf.assign(distance_km=d, inside=np.asarray(d) == 0)
    corr_rows, fit_rows = [], []
    for ind in indicators:
        y = pd.to_numeric(gdf[ind], errors="coerce").to_numpy(float)
        ok = ~np.isnan(y)
        dd, yy = gdf["distance_km"].to_numpy(float)[ok], y[ok]
        if len(yy) < 3:
            raise ValueError(f"{ind!r}: only {len(yy)} unit(s) with a value; at least 3 are needed")
        pr, pp = stats.pearsonr(dd, yy)
        sr, sp = stats.spearmanr(dd, yy)
        corr_rows.append(
            {
                "indicator": ind,
                "n": len(yy),
                "pearson_r": pr,
                "pearson_p": pp,
                "spearman_rho": sr,
                "spearman_p": sp,
                "n_missing": int((~ok).sum()),
            }
        )
        for model in MODELS:
            use = np.ones_like(yy, dtype=bool)
            if model in ("log_linear", "power"):
                use &= dd > 0
            if model in ("power", "exponential"):
                use &= yy > 0
            x = np.log(dd[use]) if model in ("log_linear", "power") else dd[use]
            target_y = np.log(yy[use]) if model in ("power", "exponential") else yy[use]
            row = {
                "indicator": ind,
                "model": model,
                "n": int(use.sum()),
                "n_excluded": int((~use).sum() + (~ok).sum()),
            }
            row.update(_ols(x, target_y) if use.sum() >= 3 else {})
            fit_rows.append(row)
    return DecayResult(
        units=gdf,
        correlations=pd.DataFrame(corr_rows),
        fits=pd.DataFrame(fit_rows),
        target=geom,
        target_name=name,
        distance=distance,
        indicators=indicators,
        excluded=excluded,
    )
