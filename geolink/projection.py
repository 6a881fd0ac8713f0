"""Projections for measuring and drawing: China Albers equal-area, local equal-area and equidistant.

Areas and centroids are computed in :data:`CHINA_ALBERS`, maps are drawn in a
Lambert azimuthal equal-area projection centred on the units shown
(:func:`local_crs`), and nearest points for geodesic distances are found in an
azimuthal equidistant projection centred on the target (:func:`aeqd`).
"""

from __future__ import annotations

import geopandas as gpd
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

