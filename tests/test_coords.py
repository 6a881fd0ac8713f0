import numpy as np
import pytest

from geolink import coords


def test_published_examples():
    # The worked examples of the widely used coordtransform library (116.404, 39.915).
    lon, lat = coords.wgs84_to_gcj02(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    lon, lat = coords.gcj02_to_bd09(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41036949371029, 39.92133699351022), abs=1e-12)
    # their BD-09 → GCJ-02 is the closed-form approximation; ours refines it by < 1e-6°
    lon, lat = coords.bd09_to_gcj02(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-6)
    assert coords.gcj02_to_bd09(lon, lat) == pytest.approx((116.404, 39.915), abs=1e-9)


def test_gcj02_inverse_is_exact_to_a_millimetre():
    rng = np.random.default_rng(0)
    lon = rng.uniform(74, 134, 10_000)
    lat = rng.uniform(18, 53, 10_000)
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    # the offset is tens to hundreds of metres ...
    shift = np.hypot(g_lon - lon, g_lat - lat)
    assert shift.min() > 1e-4 and np.median(shift) > 3e-3
    w_lon, w_lat = coords.gcj02_to_wgs84(g_lon, g_lat)
    # ... and the iterative inverse undoes it to < 1e-8° (≈ 1 mm), far below SPEC's 0.5 m
    assert np.abs(w_lon - lon).max() < 1e-8
    assert np.abs(w_lat - lat).max() < 1e-8


def test_no_offset_outside_china():
    lon, lat = coords.wgs84_to_gcj02([2.35, 139.0], [48.85, 35.7])  # Paris, east of the box
    assert lon.tolist() == [2.35, 139.0] and lat.tolist() == [48.85, 35.7]


def test_convert_chains_and_validates():
    lon, lat = coords.convert(113.75, 23.02, "bd09", "wgs84")
    back = coords.convert(lon, lat, "wgs84", "BD-09")
    assert back == pytest.approx((113.75, 23.02), abs=1e-9)
    with pytest.raises(ValueError, match="unknown coordinate system 'utm'"):
        coords.convert(1, 2, "utm")


def test_convert_geometry_keeps_shared_vertices_shared():
    import shapely

    a = shapely.Polygon([(113.0, 23.0), (113.1, 23.0), (113.1, 23.1), (113.0, 23.1)])
    b = shapely.Polygon([(113.1, 23.0), (113.2, 23.0), (113.2, 23.1), (113.1, 23.1)])
    a2, b2 = coords.convert_geometry(np.array([a, b]), "gcj02")
    shared = shapely.intersection(a2.boundary, b2.boundary)
    assert shared.length == pytest.approx(0.1, rel=1e-3)  # still a full shared edge
    assert shapely.intersection(a2, b2).area == 0
