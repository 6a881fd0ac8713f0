"""Projections for measuring and drawing: China Albers equal-area, local equal-area and equidistant.

Areas and centroids are computed in :data:`CHINA_ALBERS`, maps are drawn in a
Lambert azimuthal equal-area projection centred on the units shown
(:func:`local_crs`), and nearest points for geodesic distances are found in an
azimuthal equidistant projection centred on the target (:func:`aeqd`).
"""

from __future__ import annotations

import functools
import hashlib

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

#: Albers equal-area conic for China (standard parallels 25°N and 47°N, central meridian 105°E).
CHINA_ALBERS = (
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)


def local_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> str:
    """Lambert azimuthal equal-area projection centred on the bounding box of ``gdf``.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries with a CRS.

    Returns
    -------
    str
        A PROJ string (metres; true areas, north up at the centre).

    Examples
    --------
    >>> import geolink
    >>> from geolink.projection import local_crs
    >>> local_crs(geolink.cities_in("gba"))
    '+proj=laea +lat_0=22.9266 +lon_0=113.3885 +datum=WGS84 +units=m +no_defs'
    """
    minx, miny, maxx, maxy = gdf.to_crs("EPSG:4326").total_bounds
    return (
        f"+proj=laea +lat_0={(miny + maxy) / 2:.4f} +lon_0={(minx + maxx) / 2:.4f} "
        "+datum=WGS84 +units=m +no_defs"
    )


def aeqd(lon: float, lat: float) -> CRS:
    """Azimuthal equidistant projection centred on (``lon``, ``lat``), in metres.

    Distances from the centre are true; used to find nearest points before
    measuring them on the ellipsoid.

    Parameters
    ----------
    lon, lat : centre in degrees (WGS 84).

    Returns
    -------
    pyproj.CRS

    Examples
    --------
    >>> from geolink.projection import aeqd
    >>> aeqd(114.06, 22.54).coordinate_operation.method_name
    'Azimuthal Equidistant'
    """
    return CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")


def display_tolerance(gdf: gpd.GeoDataFrame | gpd.GeoSeries, pixels: float) -> float:
    """A simplification tolerance (m) of 1/``pixels`` of the diagonal of ``gdf``'s extent.

    Examples
    --------
    >>> import geolink
    >>> from geolink.projection import display_tolerance
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
    >>> from geolink.projection import display_simplified
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
    wkb = shapely.to_wkb(gdf.geometry.values)
    digest = hashlib.sha1(b"".join(wkb)).hexdigest()
    simple = _simplified(digest, tuple(wkb), gdf.crs.to_string(), tolerance_m)
    return gdf.set_geometry(gpd.GeoSeries(shapely.from_wkb(simple), crs=gdf.crs).values)


def _level(tolerance_m: float) -> float:
    """The tolerance rounded down to a power of 2 (m), so that nearby extents share one simplification."""
    return float(2 ** np.floor(np.log2(max(tolerance_m, 1.0))))


def _from_prefectures(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame | None:
    """The simplified geometry of a layer of (some of) the bundled prefectures, from one national simplification.

    Units are recognised by their ``adcode`` and their geometry (exactly the bundled one), so
    every map of prefectures shares one cached simplification of the whole coverage per tolerance.
    """
    from geolink.boundaries import prefectures

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
    from geolink.boundaries import prefectures

    units = prefectures()
    local = units.geometry.to_crs(CHINA_ALBERS)
    simple = shapely.coverage_simplify(local.values, tolerance_m)
    return gpd.GeoSeries(simple, index=units.index, crs=CHINA_ALBERS).to_crs("EPSG:4326")


@functools.lru_cache(maxsize=16)
def _simplified(digest: str, wkb: tuple, crs_name: str, tolerance_m: float) -> tuple:
    geoms = gpd.GeoSeries(shapely.from_wkb(np.array(wkb, dtype=object)), crs=crs_name)
    crs = local_crs(geoms)
    local = geoms.to_crs(crs).values
    simple = (
        shapely.coverage_simplify(local, tolerance_m)
        if shapely.coverage_is_valid(local)
        else shapely.simplify(local, tolerance_m, preserve_topology=True)
    )
    return tuple(shapely.to_wkb(gpd.GeoSeries(simple, crs=crs).to_crs(crs_name).values))
