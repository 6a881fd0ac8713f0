"""Geometry for drawing: polygons simplified to what a map can show, borders kept shared.

One mechanism for the PNG and the web map: a map's tolerance is a fraction of its extent
(:func:`display_tolerance`), rounded to a power of two, and layers of the bundled prefectures
share one simplification of the whole national coverage per tolerance, kept in the user cache
(keyed by the boundary file and the GEOS version) so that later processes read it from disk.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import shapely

from geolink._paths import cache_dir, file_digest, prefectures_file, replace_atomically
from geolink.boundaries import prefectures
from geolink.projection import CHINA_ALBERS, local_crs


def display_tolerance(gdf: gpd.GeoDataFrame | gpd.GeoSeries, pixels: float) -> float:
    """A simplification tolerance (m) of 1/``pixels`` of the diagonal of ``gdf``'s extent.

    Examples
    --------
    >>> import geolink
    >>> from geolink.display import display_tolerance
    >>> round(display_tolerance(geolink.prefectures(), 2000) / 1000, 1)   # km, for a national map
    3.7
    """
    x0, y0, x1, y1 = gdf.to_crs(local_crs(gdf)).total_bounds
    return float(np.hypot(x1 - x0, y1 - y0)) / pixels


def display_simplified(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Polygons simplified for drawing, keeping shared borders shared (GEOS coverage simplifier).

    Used by the PNG and web maps so that a national map does not draw 100 m detail it cannot show.
    Non-polygon layers and ``tolerance_m <= 0`` come back unchanged; results are cached per
    geometry and tolerance.

    Parameters
    ----------
    gdf : GeoDataFrame with a CRS.
    tolerance_m : tolerance in metres (in a local equal-area projection).

    Returns
    -------
    GeoDataFrame in the CRS of ``gdf``.

    Examples
    --------
    >>> import geolink, shapely
    >>> from geolink.display import display_simplified
    >>> units = geolink.prefectures()
    >>> light = display_simplified(units, 3000)
    >>> bool(shapely.get_num_coordinates(light.geometry.values).sum() < shapely.get_num_coordinates(units.geometry.values).sum() / 10)
    True
    """
    if tolerance_m <= 0 or not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        return gdf
    tolerance_m = _level(tolerance_m)
    from_units = _from_prefectures(gdf, tolerance_m)
    if from_units is not None:
        return from_units
    simple = _simplified(tuple(shapely.to_wkb(gdf.geometry.values)), gdf.crs.to_string(), tolerance_m)
    return gdf.set_geometry(gpd.GeoSeries(shapely.from_wkb(simple), crs=gdf.crs).values)


def _level(tolerance_m: float) -> float:
    """The tolerance rounded down to a power of 2 (m), so that nearby extents share one simplification."""
    return float(2 ** np.floor(np.log2(max(tolerance_m, 1.0))))


def _from_prefectures(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame | None:
    """The simplified geometry of a layer of (some of) the bundled prefectures, from one national simplification.

    Units are recognised by their ``adcode`` and their geometry (exactly the bundled one), so
    every map of prefectures shares one cached simplification of the whole coverage per tolerance.
    """
    if "adcode" not in gdf.columns or gdf.crs is None or not gdf.crs.equals("EPSG:4326"):
        return None
    units = prefectures()
    codes = gdf["adcode"].astype(str)
    if not codes.isin(units.index).all():
        return None
    if not shapely.equals_exact(gdf.geometry.values, units.loc[codes, "geometry"].values, 0).all():
        return None
    light = _national(tolerance_m)
    return gdf.set_geometry(light.loc[codes].to_numpy())


@functools.lru_cache(maxsize=8)
def _national(tolerance_m: float) -> gpd.GeoSeries:
    """The bundled prefectures simplified as one coverage at ``tolerance_m`` (WGS 84), cached on disk."""
    units = prefectures()
    try:
        path = cache_dir() / f"display_{file_digest(prefectures_file())}_{shapely.geos_version_string}_{tolerance_m:g}m.npz"
    except OSError:  # no usable cache: simplify in this process
        path = None
    cached = None if path is None else _read_geometries(path, len(units))
    if cached is not None:
        return gpd.GeoSeries(cached, index=units.index, crs="EPSG:4326")
    local = units.geometry.to_crs(CHINA_ALBERS)
    light = gpd.GeoSeries(shapely.coverage_simplify(local.values, tolerance_m), index=units.index, crs=CHINA_ALBERS)
    light = light.to_crs("EPSG:4326")
    if path is not None:
        _write_geometries(path, light.values)
    return light


def _read_geometries(path, n: int) -> np.ndarray | None:
    """The ``n`` geometries stored by :func:`_write_geometries`, or None if absent or unreadable."""
    try:
        with np.load(path) as stored:
            blob, offsets = stored["wkb"].tobytes(), stored["offsets"]
        if len(offsets) != n + 1:
            return None
        return shapely.from_wkb([blob[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)])
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign file is rebuilt, never trusted
        return None


def _write_geometries(path, geometries: np.ndarray) -> None:
    """Geometries as WKB bytes and offsets in one ``.npz`` (a read-only cache is skipped)."""
    wkb = shapely.to_wkb(geometries)
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in wkb])])
    blob = np.frombuffer(b"".join(wkb), dtype=np.uint8)

    def write(tmp):
        with open(tmp, "wb") as f:
            np.savez(f, wkb=blob, offsets=offsets)

    try:
        replace_atomically(path, write)
    except OSError:
        pass


@functools.lru_cache(maxsize=16)
def _simplified(wkb: tuple, crs_name: str, tolerance_m: float) -> tuple:
    geoms = gpd.GeoSeries(shapely.from_wkb(np.array(wkb, dtype=object)), crs=crs_name)
    crs = local_crs(geoms)
    local = geoms.to_crs(crs).values
    simple = (
        shapely.coverage_simplify(local, tolerance_m)
        if shapely.coverage_is_valid(local)
        else shapely.simplify(local, tolerance_m, preserve_topology=True)
    )
    return tuple(shapely.to_wkb(gpd.GeoSeries(simple, crs=crs).to_crs(crs_name).values))
