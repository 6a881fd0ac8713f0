"""Geometry for drawing: polygons simplified to what a map can show, borders kept shared.

One mechanism for the PNG and the web map: a map's tolerance is a fraction of its extent
(:func:`display_tolerance`), rounded to a power of two, and layers of the bundled prefectures
share one simplification of the whole national coverage per tolerance, kept in the user cache
(keyed by the boundary file and the GEOS version) so that later processes read it from disk.
"""

from __future__ import annotations

import functools
import hashlib

import geopandas as gpd
import numpy as np
import shapely

from geolink._store import stored_geometries
from geolink.boundaries import boundary_digest, prefectures, provinces
from geolink.projection import CHINA_ALBERS, local_crs

PIXELS = 3000  # map polygons are simplified to 1/PIXELS of the map's diagonal: finer than a PNG shows


def display_tolerance(gdf: gpd.GeoDataFrame | gpd.GeoSeries, pixels: float) -> float:
    """A simplification tolerance (m) of 1/``pixels`` of the diagonal of ``gdf``'s extent.

    The extent is that of the units' bounding boxes in the layer's local projection
    (:func:`geolink.projection.local_crs`), a few per cent above the extent of the units
    themselves; :func:`display_simplified` rounds the tolerance down to a power of two.

    Examples
    --------
    >>> import geolink
    >>> from geolink.display import display_tolerance
    >>> round(display_tolerance(geolink.prefectures(), 2000) / 1000, 1)   # km, for a national map
    3.8
    """
    # the extent in the local projection of the corners and edge midpoints of every unit's bounding
    # box: within a few per cent of the layer's projected extent (what a tolerance needs), without
    # projecting every vertex
    b = shapely.bounds(gdf.geometry.values)
    b = b[~np.isnan(b).any(axis=1)]
    xs = np.concatenate([b[:, 0], b[:, 2], b[:, 0], b[:, 2], (b[:, 0] + b[:, 2]) / 2, (b[:, 0] + b[:, 2]) / 2, b[:, 0], b[:, 2]])
    ys = np.concatenate([b[:, 1], b[:, 1], b[:, 3], b[:, 3], b[:, 1], b[:, 3], (b[:, 1] + b[:, 3]) / 2, (b[:, 1] + b[:, 3]) / 2])
    points = gpd.GeoSeries(shapely.points(xs, ys), crs=gdf.crs).to_crs(local_crs(gdf))
    x0, y0, x1, y1 = points.total_bounds
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
    from_units = _from_bundled(gdf, tolerance_m)
    if from_units is not None:
        return from_units
    simple = _simplified(tuple(shapely.to_wkb(gdf.geometry.values)), gdf.crs.to_string(), tolerance_m)
    return gdf.set_geometry(gpd.GeoSeries(shapely.from_wkb(simple), crs=gdf.crs).values)


def draw_polygons(ax, geometries, *, facecolor, edgecolor, linewidth: float, alpha: float | None = None, zorder=None):
    """Draw (multi)polygons on ``ax`` as one matplotlib ``PathCollection`` (one path per geometry).

    What ``GeoSeries.plot`` draws for polygons, built from the coordinate arrays at once instead
    of one patch per polygon part: a national map's 370 units in milliseconds.  Holes are drawn
    as holes (rings in the GEOS orientation, exterior and interiors opposite).  The axes'
    aspect is set equal and its view limits are updated.  A layer with other geometry types
    (points, lines) is drawn by ``GeoSeries.plot`` with the same colours.

    Parameters
    ----------
    ax : matplotlib Axes, in the CRS of ``geometries``.
    geometries : GeoSeries, GeoDataFrame or array of geometries (None or empty ones: nothing drawn).
    facecolor, edgecolor : one colour or one per geometry.
    linewidth : points.
    alpha, zorder : as in matplotlib.

    Returns
    -------
    matplotlib.collections.Collection

    Examples
    --------
    >>> import shapely
    >>> from matplotlib.figure import Figure
    >>> from geolink.display import draw_polygons
    >>> square = shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], holes=[[(1, 1), (1, 2), (2, 2), (2, 1)]])
    >>> ax = Figure().add_subplot()
    >>> paths = draw_polygons(ax, [square, None], facecolor="red", edgecolor="white", linewidth=0.5)
    >>> [len(p.vertices) for p in paths.get_paths()], [float(x) for x in ax.dataLim.intervalx]
    ([10, 0], [0.0, 4.0])
    """
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    geoms = np.asarray(getattr(geometries, "geometry", geometries), dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kinds = shapely.get_type_id(geoms[present])
    if not np.isin(kinds, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON]).all():
        gpd.GeoSeries(geoms).plot(ax=ax, color=facecolor, edgecolor=edgecolor, linewidth=linewidth, alpha=alpha, zorder=zorder)
        return ax.collections[-1]
    paths = [Path(np.empty((0, 2)))] * len(geoms)
    if present.any():
        _, coords, offsets = shapely.to_ragged_array(geoms[present])  # Polygon: 2 offset arrays, Multi: 3
        rings = offsets[0]
        bounds = rings[offsets[1]] if len(offsets) == 2 else rings[offsets[1][offsets[2]]]
        codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
        codes[rings[:-1]] = Path.MOVETO
        codes[rings[1:] - 1] = Path.CLOSEPOLY
        for i, a, b in zip(np.flatnonzero(present), bounds[:-1], bounds[1:], strict=True):
            paths[i] = Path(coords[a:b], codes[a:b])
    collection = PathCollection(
        paths, facecolors=facecolor, edgecolors=edgecolor, linewidths=linewidth, alpha=alpha, zorder=zorder
    )
    ax.add_collection(collection, autolim=True)
    ax.set_aspect("equal")
    ax.autoscale_view()
    return collection


def _level(tolerance_m: float) -> float:
    """The tolerance rounded down to a power of 2 (m), so that nearby extents share one simplification."""
    return float(2 ** np.floor(np.log2(max(tolerance_m, 1.0))))


def _from_bundled(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame | None:
    """The simplified geometry of a layer of (some of) the bundled prefectures or provinces, or None.

    Units are recognised by their ``adcode`` (``province_adcode`` for provinces) and their
    geometry (exactly the bundled one), so every map of them shares one cached simplification of
    the whole national coverage per tolerance; provinces are the union of their simplified
    prefectures, so that their borders run exactly along the prefecture borders drawn beside them.
    """
    if gdf.crs is None or not gdf.crs.equals("EPSG:4326"):
        return None
    for key, units, light in (
        ("adcode", prefectures, _national),
        ("province_adcode", lambda: provinces().set_index("province_adcode"), _national_provinces),
    ):
        if key not in gdf.columns:
            continue
        whole = units()
        codes = gdf[key].astype(str)
        if codes.isin(whole.index).all() and shapely.equals_exact(
            gdf.geometry.values, whole.loc[codes, "geometry"].values, 0
        ).all():
            return gdf.set_geometry(light(tolerance_m).loc[codes].to_numpy())
    return None


@functools.lru_cache(maxsize=8)
def _national_provinces(tolerance_m: float) -> gpd.GeoSeries:
    light = _national(tolerance_m)
    province = prefectures().loc[light.index, "province_adcode"]
    merged = {code: shapely.coverage_union_all(part.to_numpy()) for code, part in light.groupby(province, sort=True)}
    return gpd.GeoSeries(merged, crs=light.crs)


@functools.lru_cache(maxsize=8)
def _national(tolerance_m: float) -> gpd.GeoSeries:
    """The bundled prefectures simplified as one coverage at ``tolerance_m`` (WGS 84), cached on disk."""
    units = prefectures()

    def compute() -> np.ndarray:
        local = units.geometry.to_crs(CHINA_ALBERS)
        simple = gpd.GeoSeries(shapely.coverage_simplify(local.values, tolerance_m), crs=CHINA_ALBERS)
        return simple.to_crs("EPSG:4326").values

    stored = _stored(boundary_digest, tolerance_m, len(units), compute)
    return gpd.GeoSeries(stored, index=units.index, crs="EPSG:4326")


@functools.lru_cache(maxsize=16)
def _simplified(wkb: tuple, crs_name: str, tolerance_m: float) -> tuple:
    def compute() -> np.ndarray:
        geoms = gpd.GeoSeries(shapely.from_wkb(np.array(wkb, dtype=object)), crs=crs_name)
        crs = local_crs(geoms)
        local = geoms.to_crs(crs).values
        simple = (
            shapely.coverage_simplify(local, tolerance_m)
            if shapely.coverage_is_valid(local)
            else shapely.simplify(local, tolerance_m, preserve_topology=True)
        )
        return gpd.GeoSeries(simple, crs=crs).to_crs(crs_name).values

    blob = b"".join(wkb)
    if len(blob) < _STORE_BYTES:  # small layers are simplified in milliseconds: not worth a file
        return tuple(shapely.to_wkb(compute()))
    digest = "layer_" + hashlib.sha256(blob + crs_name.encode()).hexdigest()[:16]
    return tuple(shapely.to_wkb(_stored(lambda: digest, tolerance_m, len(wkb), compute)))


_STORE_BYTES = 1_000_000  # layers of more WKB than this keep their simplification in the user cache


def _stored(source, tolerance_m: float, n: int, compute) -> np.ndarray:
    """``compute()`` (``n`` geometries) of the input named by ``source()`` (a file digest, a layer
    digest) at ``tolerance_m``, kept in the user cache (:func:`geolink._store.stored_geometries`)."""
    return stored_geometries(lambda: f"display_{source()}_{tolerance_m:g}m", n, compute)
