"""Spatial queries on the prefecture layer: point location, agglomeration lookup, contiguity,
geodesic distance."""

from __future__ import annotations

import functools
import warnings

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod, Transformer

from geolink.agglomerations import agglomerations
from geolink.boundaries import prefectures
from geolink.names import to_adcode
from geolink.pointgrid import locate
from geolink.projection import CHINA_ALBERS, aeqd

GEOD = Geod(ellps="WGS84")
DISTANCES = ("boundary", "centroid")


def which_agglomerations(where, *, resolution: str = "display") -> list[str]:
    """Agglomeration ids a unit (adcode or name) or a point ``(lon, lat)`` in WGS 84 belongs to.

    A point is first located in its prefecture-level unit; a point outside
    every unit (at sea, abroad) gives ``[]``.  Membership is at prefecture
    level: a point in a partial member counts as in the agglomeration.

    Parameters
    ----------
    where : adcode, name, or a ``(lon, lat)`` tuple.
    resolution : boundaries used to locate a point.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import geolink
    >>> geolink.which_agglomerations("东莞"), geolink.which_agglomerations((113.75, 23.02)), geolink.which_agglomerations((120.0, 10.0))
    (['gba', 'prd'], ['gba', 'prd'], [])
    """
    if isinstance(where, tuple) and len(where) == 2 and all(np.isscalar(v) for v in where):
        code = locate([where[0]], [where[1]], resolution=resolution)[0]
        if code is None:
            return []
    else:
        code = to_adcode(where)
    table = agglomerations()
    return list(dict.fromkeys(table.loc[table["adcode"] == code, "agglomeration_id"]))


def contiguity(*, resolution: str = "display", rook: bool = False):
    """libpysal contiguity ``Graph`` of all units, indexed by adcode.

    Queen (at least one shared point) by default, built as an
    intersects-graph, which on a valid coverage is exactly queen contiguity
    and 10× faster than libpysal's vertex matcher; ``rook=True`` requires a
    shared edge (``Graph.build_contiguity``).  Island units (三沙, Taiwan)
    are isolates: see ``Graph.isolates``.

    Parameters
    ----------
    resolution : ``'display'`` or ``'full'`` boundaries.
    rook : shared edges only.

    Returns
    -------
    libpysal.graph.Graph (cached per process)

    Examples
    --------
    >>> import geolink
    >>> g = geolink.contiguity()
    >>> sorted(g["441900"].index), sorted(g.isolates)[:2]
    (['440100', '440300', '441300'], ['460300', '710000'])
    """
    return _contiguity(resolution, rook)


@functools.cache
def _contiguity(resolution: str, rook: bool):
    """The graph, its links kept in the user cache (as positions of the units' adcodes)."""
    from libpysal.graph import Graph

    from geolink._store import stored_arrays
    from geolink.boundaries import boundary_digest

    units = prefectures(resolution=resolution)
    ids = units.index.to_numpy()

    def compute() -> dict[str, np.ndarray]:
        if rook:
            graph = Graph.build_contiguity(units.geometry, rook=True)
        else:
            graph = Graph.build_fuzzy_contiguity(units.geometry)
        focal, neighbor = (units.index.get_indexer(graph.adjacency.index.get_level_values(i)) for i in (0, 1))
        return {"focal": focal, "neighbor": neighbor, "weight": graph.adjacency.to_numpy()}

    links = stored_arrays(
        lambda: f"contiguity_{'rook' if rook else 'queen'}_{boundary_digest(resolution)}",
        compute,
        lambda a: set(a) == {"focal", "neighbor", "weight"} and len({len(v) for v in a.values()}) == 1
        and all(((a[k] >= 0) & (a[k] < len(ids))).all() for k in ("focal", "neighbor")),
    )
    return Graph.from_arrays(ids[links["focal"]], ids[links["neighbor"]], links["weight"])


def neighbours(unit, *, resolution: str = "display", rook: bool = False) -> gpd.GeoDataFrame:
    """Units contiguous to ``unit`` (adcode or name), as a GeoDataFrame.

    An island unit has none: the result is empty and a ``UserWarning`` says so.

    Parameters
    ----------
    unit : adcode or name of one unit.
    resolution, rook : as in :func:`contiguity`.

    Returns
    -------
    GeoDataFrame of the neighbours, sorted by adcode.

    Examples
    --------
    >>> import geolink
    >>> geolink.neighbours("东莞")["name"].tolist()
    ['广州市', '深圳市', '惠州市']
    """
    code = to_adcode(unit)
    graph = contiguity(resolution=resolution, rook=rook)
    units = prefectures(resolution=resolution)
    if code in graph.isolates:
        warnings.warn(f"{code} {units.loc[code, 'name']} has no contiguous neighbour (island)", stacklevel=2)
        return units.iloc[0:0]
    return units.loc[sorted(graph[code].index)]


def centroids(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    """Area centroids computed in the China Albers equal-area projection, returned in WGS 84.

    A point is its own centroid.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries with a CRS.

    Returns
    -------
    GeoSeries (EPSG:4326)

    Examples
    --------
    >>> import geolink
    >>> c = geolink.centroids(geolink.prefectures().loc[["440300"]]).iloc[0]
    >>> round(c.x, 2), round(c.y, 2)
    (114.14, 22.65)
    """
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    return geoms.to_crs(CHINA_ALBERS).centroid.to_crs("EPSG:4326")


def centroid_distance_km(geoms: gpd.GeoSeries, target) -> np.ndarray:
    """Geodesic distance (km) from each geometry's area centroid to the target's area centroid.

    Parameters
    ----------
    geoms : GeoSeries with a CRS.
    target : shapely geometry in WGS 84 (a point is its own centroid).

    Returns
    -------
    numpy.ndarray of km

    Examples
    --------
    >>> import geolink
    >>> from geolink.spatial import centroid_distance_km
    >>> units = geolink.prefectures()
    >>> round(float(centroid_distance_km(units.loc[["440100"]].geometry, units.loc["440300", "geometry"])[0]), 1)
    97.6
    """
    t = centroids(gpd.GeoSeries([target], crs="EPSG:4326")).iloc[0]
    c = centroids(geoms)
    return GEOD.inv(c.x.to_numpy(), c.y.to_numpy(), np.full(len(c), t.x), np.full(len(c), t.y))[2] / 1000.0


def geodesic_distance_km(geoms: gpd.GeoSeries, target) -> np.ndarray:
    """Geodesic distance (WGS 84 ellipsoid, km) from each geometry to the nearest point of ``target``.

    For polygons this is the distance between their nearest boundary points
    (0 when they touch or overlap).  The nearest pair of points is found in
    an azimuthal equidistant projection centred on the target; their
    separation is then measured on the ellipsoid (pyproj ``Geod.inv``).

    Parameters
    ----------
    geoms : GeoSeries with a CRS.
    target : shapely geometry (or GeoJSON-like dict) in WGS 84.

    Returns
    -------
    numpy.ndarray of km

    Examples
    --------
    >>> import geolink
    >>> units = geolink.prefectures()
    >>> d = geolink.geodesic_distance_km(units.loc[["441900", "440400"]].geometry, units.loc["440300", "geometry"])
    >>> d.round(1).tolist()   # 东莞 touches 深圳; 珠海's islands lie across the Pearl River estuary
    [0.0, 11.9]
    """
    target = shapely.geometry.shape(target) if isinstance(target, dict) else target
    anchor = target.representative_point()
    crs = aeqd(anchor.x, anchor.y)
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


def check_distance(distance: str) -> str:
    """The distance mode, or ``ValueError`` naming the valid ones."""
    if distance not in DISTANCES:
        raise ValueError(f"distance must be one of {DISTANCES}, got {distance!r}")
    return distance


def within_km(
    where, km: float, *, distance: str = "boundary", resolution: str = "display"
) -> gpd.GeoDataFrame:
    """Units within ``km`` kilometres (geodesic) of a unit or a point.

    Parameters
    ----------
    where : adcode or name of a unit, a ``(lon, lat)`` tuple or a shapely geometry (WGS 84).
    km : search radius, km.
    distance : ``'boundary'`` (default): between the nearest boundary points
        of the geometries (0 for touching units); ``'centroid'``: between area
        centroids (a point target is its own centroid).
    resolution : ``'display'`` or ``'full'`` boundaries.

    Returns
    -------
    GeoDataFrame
        The units (the queried unit itself excluded) with a ``distance_km``
        column, nearest first.

    Examples
    --------
    >>> import geolink
    >>> geolink.within_km("深圳", 100, distance="centroid")[["name", "distance_km"]].round(1).values.tolist()[:3]
    [['香港特别行政区', 29.9], ['东莞市', 41.8], ['惠州市', 75.3]]
    """
    check_distance(distance)
    if not (isinstance(km, (int, float)) and np.isfinite(km) and km >= 0):
        raise ValueError(f"km must be a finite non-negative number, got {km!r}")
    units = prefectures(resolution=resolution)
    self_code = None
    if isinstance(where, tuple):
        target = shapely.Point(*where)
    elif isinstance(where, shapely.Geometry):
        target = where
    else:
        self_code = to_adcode(where)
        target = units.loc[self_code, "geometry"]
    if distance == "centroid":
        dist = centroid_distance_km(units.geometry, target)
    else:
        dist = geodesic_distance_km(units.geometry, target)
    out = units.assign(distance_km=np.round(dist, 3))
    out = out[(out["distance_km"] <= km) & (out["adcode"] != self_code)]
    return out.sort_values(["distance_km", "adcode"])
