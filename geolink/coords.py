"""Chinese coordinate systems: WGS 84, GCJ-02 (Amap, Tencent) and BD-09 (Baidu).

GCJ-02 is WGS 84 plus a deterministic, non-linear offset of a few hundred
metres applied by Chinese map providers inside mainland China (the
``out_of_china`` box below).  The forward offset is the published
"eviltransform" formula; the inverse has no closed form and is obtained by
fixed-point iteration until the forward transform of the estimate reproduces
the input to < 1e-9 degrees (about 0.1 mm), far below the 0.5 m a
prefecture map needs.  BD-09 is a further small rotation/scaling of GCJ-02; its usual
closed-form inverse (0.1 m error) is refined the same way.

All functions are vectorised over numpy arrays (longitude, latitude in
degrees) and return new arrays.
"""

from __future__ import annotations

import numpy as np
import shapely

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula, m
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
_INVERSE_TOL_DEG = 1e-9
_INVERSE_MAX_ITER = 30

CRS_NAMES = ("wgs84", "gcj02", "bd09")


def out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Boolean mask of points where GCJ-02 applies no offset (the standard box)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS 84 positions."""
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 → GCJ-02 (degrees)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def _invert(forward, lon, lat, start) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``forward(w) = (lon, lat)`` by fixed-point iteration ``w ← w − (forward(w) − target)``.

    Converges in 2–5 steps for the GCJ-02 and BD-09 offsets, which are
    smooth and small; stops at < 1e-9° (≈ 0.1 mm).
    """
    t_lon = np.asarray(lon, dtype=float)
    t_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = start(t_lon, t_lat)
    for _ in range(_INVERSE_MAX_ITER):
        f_lon, f_lat = forward(w_lon, w_lat)
        e_lon, e_lat = f_lon - t_lon, f_lat - t_lat
        w_lon = w_lon - e_lon
        w_lat = w_lat - e_lat
        err = np.nanmax(np.abs(np.concatenate([np.ravel(e_lon), np.ravel(e_lat)])), initial=0.0)
        if err < _INVERSE_TOL_DEG:
            break
    return w_lon, w_lat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS 84: the exact inverse of :func:`wgs84_to_gcj02` by iteration (< 1e-9°)."""
    return _invert(wgs84_to_gcj02, lon, lat, start=lambda x, y: (x.copy(), y.copy()))


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 (Baidu), degrees."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd09_to_gcj02_approx(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The usual closed-form BD-09 → GCJ-02 formula (error up to ~1e-6°, 0.1 m)."""
    x = x - 0.0065
    y = y - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 (Baidu) → GCJ-02: closed form refined by iteration to < 1e-9°."""
    return _invert(gcj02_to_bd09, lon, lat, start=_bd09_to_gcj02_approx)


_TO_WGS = {
    "wgs84": lambda lon, lat: (np.asarray(lon, float), np.asarray(lat, float)),
    "gcj02": gcj02_to_wgs84,
    "bd09": lambda lon, lat: gcj02_to_wgs84(*bd09_to_gcj02(lon, lat)),
}
_FROM_WGS = {
    "wgs84": lambda lon, lat: (np.asarray(lon, float), np.asarray(lat, float)),
    "gcj02": wgs84_to_gcj02,
    "bd09": lambda lon, lat: gcj02_to_bd09(*wgs84_to_gcj02(lon, lat)),
}


def _check_crs(name: str) -> str:
    key = str(name).lower().replace("-", "").replace("_", "")
    key = {"epsg:4326": "wgs84", "4326": "wgs84", "bd09ll": "bd09"}.get(key, key)
    if key not in CRS_NAMES:
        raise ValueError(f"unknown coordinate system {name!r}; expected one of {CRS_NAMES}")
    return key


def convert(lon, lat, src: str, dst: str = "wgs84") -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinates between ``'wgs84'``, ``'gcj02'`` (Amap, Tencent) and ``'bd09'`` (Baidu).

    GCJ-02 → WGS 84 is the iterative inverse of the published forward offset
    (to < 1e-9°); points outside China are left as they are, as the offset
    applies only inside China.

    Parameters
    ----------
    lon, lat : array-likes of degrees.
    src, dst : coordinate systems (``'wgs84'``, ``'gcj02'``, ``'bd09'``; ``'EPSG:4326'`` = wgs84).

    Returns
    -------
    (lon, lat) : numpy arrays of degrees.

    Examples
    --------
    >>> import geolink
    >>> lon, lat = geolink.convert_coords([114.0579], [22.5431], "wgs84", "gcj02")
    >>> back = geolink.convert_coords(lon, lat, "gcj02", "wgs84")
    >>> [round(float(v), 9) for v in (*back[0], *back[1])], bool(lon[0] != 114.0579)
    ([114.0579, 22.5431], True)
    """
    src, dst = _check_crs(src), _check_crs(dst)
    if src == dst:
        return np.asarray(lon, float).copy(), np.asarray(lat, float).copy()
    return _FROM_WGS[dst](*_TO_WGS[src](lon, lat))


def convert_geometry(geoms, src: str, dst: str = "wgs84"):
    """Convert shapely geometries (scalar or array) vertex-wise.

    Identical vertices map to identical vertices, so borders shared by two
    polygons stay shared after conversion.
    """

    def _fn(xy: np.ndarray) -> np.ndarray:
        lon, lat = convert(xy[:, 0], xy[:, 1], src, dst)
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, _fn)
