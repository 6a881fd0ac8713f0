"""Millions of points (firm registrations, POIs, patents) to prefectures and agglomerations.

:func:`assign_points` gives the adcode of each point as a pandas Series
aligned with the input (GeoSeries, GeoDataFrame or a table of coordinates),
:func:`aggregate_points` the counts per unit (and industry) for
:func:`geolink.location_quotient`, and ``engine='dask'`` the same out of core.
The answers come from the lookup grid of :mod:`geolink.pointgrid`: exactly
the point-in-polygon answers on the chosen boundaries, only faster.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import shapely

from geolink.coords import convert
from geolink.pointgrid import OUTSIDE, check_swapped, locate, unit_adcodes, unit_index


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
    *,
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
    pandas Series of adcodes, aligned with the input, of categorical dtype
    (categories: the 370 adcodes in order; the codes stay small integers
    until text is asked for, e.g. ``.astype(str)``); NaN outside every unit
    and for missing coordinates.  ``.attrs`` holds ``outside`` (count of
    points outside China) and ``missing`` (count of points without
    coordinates).

    Examples
    --------
    >>> codes = assign_points(lon=[113.75, 121.47, 2.35, None], lat=[23.02, 31.23, 48.85, 30.0])
    >>> codes.astype(object).tolist(), codes.attrs
    (['441900', '310100', nan, nan], {'missing': 1, 'outside': 1})
    """
    if engine == "dask":
        return assign_points_dask(
            points, lon=lon, lat=lat, crs=crs, resolution=resolution, npartitions=npartitions
        )
    if engine != "numpy":
        raise ValueError(f"engine must be 'numpy' or 'dask', got {engine!r}")
    lon, lat = _lonlat_from(points, lon, lat)
    x, y = _coords(points, lon, lat, crs)
    unit = unit_index(x, y, resolution=resolution)
    codes = pd.Categorical.from_codes(unit, dtype=_adcodes(resolution))
    index = points.index if isinstance(points, (pd.Series, pd.DataFrame)) else None
    out = pd.Series(codes, index=index, name="adcode")
    missing = int(np.count_nonzero(np.isnan(x) | np.isnan(y)))
    out.attrs.update(missing=missing, outside=int(np.count_nonzero(unit == OUTSIDE)) - missing)
    check_swapped(x, y, outside=out.attrs["outside"])
    return out


@functools.cache
def _adcodes(resolution: str) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(unit_adcodes(resolution=resolution).tolist())


def aggregate_points(
    points,
    *,
    industry=None,
    lon=None,
    lat=None,
    crs: str = "wgs84",
    resolution: str = "display",
    agglomerations: bool = False,
    engine: str = "numpy",
    npartitions: int | None = None,
) -> pd.DataFrame:
    """Counts of points per unit (× industry): a long table for :func:`geolink.location_quotient`.

    Parameters
    ----------
    points, lon, lat, crs, resolution, engine, npartitions : as in :func:`assign_points`.
    industry : column(s) of ``points`` to count by as well (e.g. ``'industry'``), or None.
    agglomerations : also the agglomeration ids of each unit (one row per
        membership, an ``agglomeration_id`` column; units in no agglomeration keep ``None``).

    Returns
    -------
    DataFrame with columns ``adcode``, the ``industry`` column(s) and
    ``count``, sorted; ``.attrs`` reports the points ``outside`` China and
    with ``missing`` coordinates: they are counted, not silently dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"lon": [113.75, 113.76, 121.47, 2.35], "lat": [23.02, 23.03, 31.23, 48.85],
    ...                       "industry": ["制造业", "制造业", "金融业", "金融业"]})
    >>> counts = aggregate_points(firms, industry="industry", lon="lon", lat="lat")
    >>> counts.to_dict("records"), counts.attrs
    ([{'adcode': '310100', 'industry': '金融业', 'count': 1}, {'adcode': '441900', 'industry': '制造业', 'count': 2}], {'missing': 0, 'outside': 1})
    """
    by = [industry] if isinstance(industry, str) else list(industry or [])
    if engine == "dask":
        table = _aggregate_dask(points, by, lon, lat, crs, resolution, npartitions)
    else:
        codes = assign_points(points, lon=lon, lat=lat, crs=crs, resolution=resolution)
        # count by unit number (adcode order), then name the units
        frame = pd.DataFrame({"adcode": codes.cat.codes.to_numpy()}, index=codes.index)
        for col in by:
            frame[col] = points[col].to_numpy()
        frame = frame[frame["adcode"].to_numpy() >= 0]
        table = frame.groupby(["adcode", *by], sort=True).size().rename("count").reset_index()
        table["adcode"] = np.asarray(codes.cat.categories, dtype=object)[table["adcode"].to_numpy()]
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
    *,
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
    ddf = _as_dask(points, npartitions)

    def part(frame: pd.DataFrame) -> pd.Series:
        if hasattr(frame, "geometry"):
            arr = np.asarray(frame.geometry.values)
            x, y = shapely.get_x(arr), shapely.get_y(arr)
        else:
            x, y = frame[lon].to_numpy(float), frame[lat].to_numpy(float)
        index = frame["_row"].to_numpy() if "_row" in frame.columns else frame.index
        return pd.Series(
            locate(x, y, crs=crs, resolution=resolution), index=index, name="adcode", dtype=object
        )

    return ddf.map_partitions(part, meta=pd.Series([], name="adcode", dtype=object))


def _as_dask(points, npartitions):
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
    ddf = _as_dask(points, npartitions)
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
