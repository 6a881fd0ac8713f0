"""Millions of points (firm registrations, POIs, patents) to prefectures and agglomerations.

:func:`assign_points` answers most points from a lookup grid and tests only
the rest against the polygons:

1. a regular 0.02° grid over China's bounding box (3,100 × 2,500 cells);
2. every unit boundary is densified to a quarter cell and the cells its
   vertices fall in, grown by one cell, are marked *boundary cells*; a
   boundary can only cross such cells;
3. the other cells form connected regions (``scipy.ndimage.label``) that no
   boundary crosses, so each region lies wholly inside one unit or outside
   all of them: one point-in-polygon test of a single cell centre per region
   labels the whole region;
4. a point in a labelled cell gets that label with no polygon test; a point
   in a boundary cell is tested exactly against the (prepared) polygons with
   an STRtree, and a point on a shared border or vertex goes to the unit
   with the smallest adcode, as :func:`geolink.locate` does.

The answer is therefore exactly the point-in-polygon answer on the chosen
boundaries (``resolution='full'`` for the unsimplified ones), only faster.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geolink.boundaries import prefectures
from geolink.coords import convert

CELL_DEG = 0.02
BBOX = (73.0, 3.0, 136.0, 54.0)  # lon/lat box holding every unit
OUTSIDE = -1
UNKNOWN = -2  # boundary cell: test the polygons


@dataclass(frozen=True)
class _Grid:
    labels: np.ndarray  # (ny, nx) int16: unit index, OUTSIDE or UNKNOWN
    codes: np.ndarray  # unit index → adcode
    geoms: np.ndarray  # prepared polygons, in code order (smallest adcode first)
    tree: shapely.STRtree


@functools.cache
def _grid(resolution: str) -> _Grid:
    from scipy import ndimage

    units = prefectures(resolution=resolution).sort_values("adcode")
    geoms = np.asarray(units.geometry.values).copy()
    shapely.prepare(geoms)
    shapely.intersects(
        geoms, shapely.point_on_surface(geoms)
    )  # builds each prepared polygon's edge index now
    x0, y0, x1, y1 = BBOX
    nx, ny = round((x1 - x0) / CELL_DEG), round((y1 - y0) / CELL_DEG)
    xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geoms), CELL_DEG / 4))
    ix = np.clip(((xy[:, 0] - x0) / CELL_DEG).astype(np.int64), 0, nx - 1)
    iy = np.clip(((xy[:, 1] - y0) / CELL_DEG).astype(np.int64), 0, ny - 1)
    border = np.zeros((ny, nx), dtype=bool)
    border[iy, ix] = True
    border = ndimage.binary_dilation(border, structure=np.ones((3, 3), dtype=bool))
    regions, n = ndimage.label(~border)
    # one representative cell centre per region: its first cell in row-major order
    flat = regions.ravel()
    first = np.unique(flat, return_index=True)[1][1:]  # skip label 0 (the border cells)
    cy, cx = np.divmod(first, nx)
    centres = shapely.points(x0 + (cx + 0.5) * CELL_DEG, y0 + (cy + 0.5) * CELL_DEG)
    tree = shapely.STRtree(geoms)
    pt, unit = tree.query(centres, predicate="intersects")
    region_label = np.full(n + 1, OUTSIDE, dtype=np.int16)
    region_label[0] = UNKNOWN
    region_label[flat[first[pt]]] = unit  # a region centre is never on a border
    labels = region_label[regions]
    return _Grid(labels=labels, codes=units["adcode"].to_numpy(), geoms=geoms, tree=tree)


def _coords(points, lon, lat, crs: str) -> tuple[np.ndarray, np.ndarray]:
    if lon is not None or lat is not None:
        x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    elif isinstance(points, pd.DataFrame) and not hasattr(points, "geometry"):
        raise ValueError("a DataFrame of points needs lon= and lat= (arrays or column names)")
    else:
        geom = points.geometry if hasattr(points, "geometry") else points
        if geom.crs is not None and not geom.crs.equals("EPSG:4326"):
            geom = geom.to_crs("EPSG:4326")
        arr = np.asarray(geom.values)
        x, y = shapely.get_x(arr), shapely.get_y(arr)
    if crs != "wgs84":
        x, y = convert(x, y, crs, "wgs84")
    return x, y


def _lonlat_from(points, lon, lat):
    """Resolve column names of a DataFrame into arrays."""
    if isinstance(points, pd.DataFrame) and isinstance(lon, str) and isinstance(lat, str):
        missing = [c for c in (lon, lat) if c not in points.columns]
        if missing:
            raise KeyError(f"column(s) {missing} not in the points; columns: {list(points.columns)}")
        return points[lon].to_numpy(float), points[lat].to_numpy(float)
    return lon, lat


def assign_points(
    points=None,
    lon=None,
    lat=None,
    crs: str = "wgs84",
    resolution: str = "display",
    engine: str = "numpy",
    npartitions: int | None = None,
):
    """Adcode of the prefecture-level unit containing each point.

    Parameters
    ----------
    points : GeoSeries / GeoDataFrame of points, or a DataFrame with ``lon``
        and ``lat`` given as column names; or None with ``lon``/``lat`` arrays.
        With ``engine='dask'``: a dask(-geopandas) DataFrame or a Parquet /
        GeoParquet path.
    crs : coordinate system of the input: ``'wgs84'``, ``'gcj02'`` (Amap,
        Tencent) or ``'bd09'`` (Baidu); converted to WGS 84 first.
    resolution : boundaries used (``'full'`` for points near borders).
    engine : ``'numpy'`` (in memory) or ``'dask'`` (out of core, see
        :func:`assign_points_dask`).

    Returns
    -------
    pandas Series of adcodes (object dtype; None outside every unit and for
    missing coordinates), aligned with the input; ``.attrs`` holds
    ``outside`` (count of points outside China) and ``missing`` (count of
    points without coordinates).
    """
    if engine == "dask":
        return assign_points_dask(
            points, lon=lon, lat=lat, crs=crs, resolution=resolution, npartitions=npartitions
        )
    if engine != "numpy":
        raise ValueError(f"engine must be 'numpy' or 'dask', got {engine!r}")
    lon, lat = _lonlat_from(points, lon, lat)
    x, y = _coords(points, lon, lat, crs)
    codes = _assign_arrays(x, y, resolution)
    index = points.index if isinstance(points, (pd.Series, pd.DataFrame)) else None
    out = pd.Series(codes, index=index, name="adcode", dtype=object)
    missing = int((np.isnan(x) | np.isnan(y)).sum())
    out.attrs.update(missing=missing, outside=int(out.isna().sum()) - missing)
    if (
        len(x)
        and out.attrs["outside"] > 0.9 * len(x)
        and np.nanmedian(np.abs(x)) < 60 < np.nanmedian(np.abs(y))
    ):
        warnings.warn(
            "almost every point is outside China and lat looks like a longitude: lon and lat swapped?",
            stacklevel=2,
        )
    return out


def _assign_arrays(x: np.ndarray, y: np.ndarray, resolution: str) -> np.ndarray:
    grid = _grid(resolution)
    x0, y0, x1, y1 = BBOX
    ny, nx = grid.labels.shape
    result = np.full(len(x), OUTSIDE, dtype=np.int16)
    ok = np.isfinite(x) & np.isfinite(y) & (x >= x0) & (x < x1) & (y >= y0) & (y < y1)
    ix = ((x[ok] - x0) / CELL_DEG).astype(np.int64).clip(0, nx - 1)
    iy = ((y[ok] - y0) / CELL_DEG).astype(np.int64).clip(0, ny - 1)
    result[ok] = grid.labels[iy, ix]
    todo = np.flatnonzero(result == UNKNOWN)
    if len(todo):
        pts = shapely.points(x[todo], y[todo])
        pi, ui = grid.tree.query(pts)  # bounding boxes; then the exact test on the prepared polygons
        hit = shapely.intersects(grid.geoms[ui], pts[pi])
        pi, ui = pi[hit], ui[hit]
        best = np.full(len(todo), OUTSIDE, dtype=np.int64)
        # units are sorted by adcode, so the smallest unit index is the smallest adcode
        order = np.lexsort((ui, pi))
        keep = np.unique(pi[order], return_index=True)[1]
        best[pi[order][keep]] = ui[order][keep]
        result[todo] = best
    codes = np.empty(len(x), dtype=object)
    inside = result >= 0
    codes[inside] = grid.codes[result[inside]]
    return codes


def aggregate_points(
    points,
    by=None,
    lon=None,
    lat=None,
    crs: str = "wgs84",
    resolution: str = "display",
    agglomerations: bool = False,
    engine: str = "numpy",
    npartitions: int | None = None,
) -> pd.DataFrame:
    """Counts of points per unit (× categories): a long table for :func:`geolink.location_quotient`.

    ``by``: column(s) of ``points`` (e.g. ``'industry'``).  Returns columns
    ``adcode``, the ``by`` columns and ``count``; with ``agglomerations=True``
    also the agglomeration ids of each unit (one row per membership, a
    ``agglomeration_id`` column; units in no agglomeration keep ``None``).
    ``.attrs`` reports the points ``outside`` China and with ``missing``
    coordinates: they are counted, not silently dropped.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    if engine == "dask":
        table = _aggregate_dask(points, by, lon, lat, crs, resolution, npartitions)
    else:
        codes = assign_points(points, lon=lon, lat=lat, crs=crs, resolution=resolution)
        frame = pd.DataFrame({"adcode": codes.to_numpy()}, index=codes.index)
        for col in by:
            frame[col] = points[col].to_numpy()
        table = frame.dropna(subset=["adcode"]).groupby(["adcode", *by], sort=True).size().rename("count")
        table = table.reset_index()
        table.attrs.update(codes.attrs)
    if agglomerations:
        from geolink.agglomerations import agglomerations as membership

        ids = membership()[["adcode", "agglomeration_id"]]
        attrs = table.attrs
        table = table.merge(ids, on="adcode", how="left")
        table.attrs = attrs
    return table


def assign_points_dask(
    points,
    lon=None,
    lat=None,
    crs: str = "wgs84",
    resolution: str = "display",
    npartitions: int | None = None,
):
    """Out-of-core :func:`assign_points` with dask(-geopandas): a lazy dask Series of adcodes.

    ``points``: a dask DataFrame (with ``lon``/``lat`` column names), a
    dask-geopandas GeoDataFrame, a GeoDataFrame/DataFrame (partitioned
    spatially with a Hilbert sort so each partition touches few units), or a
    Parquet/GeoParquet path.  Every partition is assigned with the same
    grid as the in-memory engine, so the answers are identical.
    Needs the ``geolink[dask]`` extra.
    """
    ddf = _as_dask(points, lon, lat, npartitions)

    def part(frame: pd.DataFrame) -> pd.Series:
        if hasattr(frame, "geometry"):
            arr = np.asarray(frame.geometry.values)
            x, y = shapely.get_x(arr), shapely.get_y(arr)
        else:
            x, y = frame[lon].to_numpy(float), frame[lat].to_numpy(float)
        if crs != "wgs84":
            x, y = convert(x, y, crs, "wgs84")
        index = frame["_row"].to_numpy() if "_row" in frame.columns else frame.index
        return pd.Series(_assign_arrays(x, y, resolution), index=index, name="adcode", dtype=object)

    return ddf.map_partitions(part, meta=pd.Series([], name="adcode", dtype=object))


def _as_dask(points, lon, lat, npartitions):
    try:
        import dask.dataframe as dd
        import dask_geopandas
    except ImportError as exc:
        raise ImportError("engine='dask' needs the dask extra: pip install 'geolink[dask]'") from exc
    if isinstance(points, (str, bytes)) or hasattr(points, "__fspath__"):
        try:
            return dask_geopandas.read_parquet(points, split_row_groups=True)
        except (ValueError, TypeError):  # plain Parquet with lon/lat columns: one partition per row group
            return dd.read_parquet(points, split_row_groups=True)
    if hasattr(points, "map_partitions"):
        return points
    n = npartitions or 2
    if hasattr(points, "geometry"):
        # Hilbert-sorted spatial partitions; the original row labels travel along in _row
        ddf = dask_geopandas.from_geopandas(points.assign(_row=points.index), npartitions=n)
        return ddf.spatial_shuffle(by="hilbert", npartitions=n)
    return dd.from_pandas(points, npartitions=n)


def _aggregate_dask(points, by, lon, lat, crs, resolution, npartitions) -> pd.DataFrame:
    ddf = _as_dask(points, lon, lat, npartitions)
    codes = assign_points_dask(ddf, lon=lon, lat=lat, crs=crs, resolution=resolution)
    frame = ddf[by].assign(adcode=codes) if by else codes.to_frame()
    unassigned = frame["adcode"].isna().sum()
    if hasattr(ddf, "geometry"):
        no_coords = ddf.geometry.isna().sum()
    else:
        no_coords = (ddf[lon].isna() | ddf[lat].isna()).sum()
    counted = frame.dropna(subset=["adcode"]).groupby(["adcode", *by]).size()
    counted, unassigned, no_coords = _compute(counted, unassigned, no_coords)
    table = counted.rename("count").reset_index().sort_values(["adcode", *by], ignore_index=True)
    table.attrs.update(missing=int(no_coords), outside=int(unassigned) - int(no_coords))
    return table


def _compute(*objs):
    import dask

    return dask.compute(*objs)
