"""Spatial queries on the prefecture layer: point location, contiguity, geodesic distance."""

from __future__ import annotations

import functools
import warnings

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer

from geolink.boundaries import prefectures
from geolink.build import CHINA_ALBERS
from geolink.names import to_adcode
from geolink.points import _assign_arrays

GEOD = Geod(ellps="WGS84")


def locate(lon, lat, resolution: str = "display") -> np.ndarray:
    """Adcode of the unit containing each WGS 84 point; ``None`` outside every unit.

    A point on a shared border is given to the unit with the smallest adcode
    (deterministic).  Use ``resolution='full'`` for points near borders.  The
    array form of :func:`geolink.assign_points` (same lookup grid).
    """
    return _assign_arrays(np.asarray(lon, float), np.asarray(lat, float), resolution)


@functools.cache
def contiguity(resolution: str = "display", rook: bool = False):
    """libpysal contiguity ``Graph`` of all units, indexed by adcode.

    Queen (at least one shared point) by default, built as an
    intersects-graph, which on a valid coverage is exactly queen contiguity
    and 10× faster than libpysal's vertex matcher; ``rook=True`` requires a
    shared edge (``Graph.build_contiguity``).  Island units (三沙, Taiwan)
    are isolates: see ``Graph.isolates``.
    """
    from libpysal.graph import Graph

    units = prefectures(resolution)
    if rook:
        return Graph.build_contiguity(units.geometry, rook=True)
    return Graph.build_fuzzy_contiguity(units.geometry)


def neighbours(unit, resolution: str = "display", rook: bool = False) -> gpd.GeoDataFrame:
    """Units contiguous to ``unit`` (adcode or name), as a GeoDataFrame.

    An island unit has none: the result is empty and a ``UserWarning`` says so.
    """
    code = to_adcode(unit)
    graph = contiguity(resolution, rook)
    units = prefectures(resolution)
    if code in graph.isolates:
        warnings.warn(f"{code} {units.loc[code, 'name']} has no contiguous neighbour (island)", stacklevel=2)
        return units.iloc[0:0]
    return units.loc[sorted(graph[code].index)]


def _aeqd(lon: float, lat: float) -> CRS:
    return CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")


def centroids(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Area centroids computed in the China Albers equal-area projection, returned in WGS 84."""
    return gdf.geometry.to_crs(CHINA_ALBERS).centroid.to_crs("EPSG:4326")


def geodesic_distance_km(geoms: gpd.GeoSeries, target) -> np.ndarray:
    """Geodesic distance (WGS 84 ellipsoid, km) from each geometry to ``target``.

    The nearest pair of points is found in an azimuthal equidistant
    projection centred on the target; their separation is then measured on
    the ellipsoid (pyproj ``Geod.inv``).  Geometries touching or containing
    the target get 0.
    """
    target = shapely.geometry.shape(target) if isinstance(target, dict) else target
    anchor = target.representative_point()
    crs = _aeqd(anchor.x, anchor.y)
    to_local = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    to_wgs = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_local.transform(xy[:, 0], xy[:, 1]))

    local = shapely.transform(np.asarray(geoms.to_crs("EPSG:4326").values), project)
    local_target = shapely.transform(target, project)
    a, b = _nearest_pairs(local, local_target)
    lon1, lat1 = to_wgs.transform(a[:, 0], a[:, 1])
    lon2, lat2 = to_wgs.transform(b[:, 0], b[:, 1])
    dist = GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0
    dist[shapely.intersects(local, local_target)] = 0.0
    return dist


def _nearest_pairs(geoms: np.ndarray, target) -> tuple[np.ndarray, np.ndarray]:
    lines = shapely.shortest_line(geoms, target)
    xy = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    return xy[:, 0, :], xy[:, 1, :]


def within_km(where, km: float, how: str = "boundary", resolution: str = "display") -> gpd.GeoDataFrame:
    """Units within ``km`` kilometres (geodesic) of a unit or a point.

    Parameters
    ----------
    where : adcode or name of a unit, a ``(lon, lat)`` tuple or a shapely geometry (WGS 84).
    km : search radius, km.
    how : ``'boundary'`` (default): nearest-boundary distance between the
        geometries (0 for touching units); ``'centroid'``: between area
        centroids (a point target is its own centroid).

    Returns the units (the queried unit itself excluded) with a
    ``distance_km`` column, nearest first.
    """
    if how not in ("boundary", "centroid"):
        raise ValueError(f"how must be 'boundary' or 'centroid', got {how!r}")
    units = prefectures(resolution)
    self_code = None
    if isinstance(where, tuple):
        target = shapely.Point(*where)
    elif isinstance(where, shapely.Geometry):
        target = where
    else:
        self_code = to_adcode(where)
        target = units.loc[self_code, "geometry"]
    if how == "centroid":
        target_point = (
            target
            if target.geom_type == "Point"
            else centroids(gpd.GeoDataFrame(geometry=[target], crs="EPSG:4326")).iloc[0]
        )
        c = centroids(units)
        dist = (
            GEOD.inv(np.full(len(c), target_point.x), np.full(len(c), target_point.y), c.x, c.y)[2] / 1000.0
        )
    else:
        dist = geodesic_distance_km(units.geometry, target)
    out = units.assign(distance_km=np.round(dist, 3))
    out = out[(out["distance_km"] <= km) & (out["adcode"] != self_code)]
    return out.sort_values(["distance_km", "adcode"])
