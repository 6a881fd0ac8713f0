import math

import numpy as np
import pytest

import geolink


def test_neighbours_of_dongguan():
    assert set(geolink.neighbours("441900").index) == {"440100", "440300", "441300"}
    assert set(geolink.neighbours("东莞市", rook=True).index) == {"440100", "440300", "441300"}


def test_islands_are_reported_not_errors():
    graph = geolink.contiguity()
    assert set(graph.isolates) == {"460300", "710000"}  # 三沙, Taiwan
    with pytest.warns(UserWarning, match="三沙市 has no contiguous neighbour"):
        assert geolink.neighbours("三沙").empty
    # Hong Kong borders Shenzhen only
    assert set(geolink.neighbours("香港").index) == {"440300"}


def test_locate_points():
    lon = [114.1694, 113.5439, 113.2644, 116.0, np.nan]
    lat = [22.3193, 22.1987, 23.1291, 20.5, 23.0]
    assert geolink.locate(lon, lat).tolist() == ["810000", "820000", "440100", None, None]


def test_locate_on_a_shared_vertex_is_deterministic():
    units = geolink.prefectures()
    shared = units.loc["441900"].geometry.intersection(units.loc["440300"].geometry)
    x, y = np.asarray(shared.geoms[0].coords[0] if hasattr(shared, "geoms") else shared.coords[0])
    assert geolink.locate([x], [y]).tolist() == ["440300"]  # smallest adcode of the units touching it


def _haversine_km(lon1, lat1, lon2, lat2, r=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


def test_within_km_of_a_unit():
    near = geolink.within_km("440300", 100)
    assert "440300" not in near.index
    assert near["distance_km"].is_monotonic_increasing
    assert set(near.index[near["distance_km"] == 0]) == {"441300", "441900", "810000"}
    assert {"440100", "820000", "442000"} <= set(near.index)
    assert "445100" not in near.index  # Chaozhou is ~300 km away


def test_within_km_of_a_point_centroid_distance():
    dongguan = geolink.centroids(geolink.prefectures().loc[["441900"]]).iloc[0]
    hits = geolink.within_km((114.0579, 22.5431), 60, distance="centroid")  # Shenzhen Civic Centre
    assert "441900" in hits.index
    # geodesic (ellipsoid) vs an independent spherical haversine: agree within 0.5 %
    expect = _haversine_km(114.0579, 22.5431, dongguan.x, dongguan.y)
    assert hits.loc["441900", "distance_km"] == pytest.approx(expect, rel=0.005)
    with pytest.raises(ValueError, match="distance must be one of"):
        geolink.within_km("440300", 10, distance="edge")


def test_point_distance_to_boundary_is_geodesic():
    # a point due north of Hong Kong's northernmost point: distance ≈ latitude difference × 110.7 km/°
    hk = geolink.prefectures().loc["810000"].geometry
    top = max(
        hk.exterior.coords if hk.geom_type == "Polygon" else (c for g in hk.geoms for c in g.exterior.coords),
        key=lambda c: c[1],
    )
    point = (top[0], top[1] + 0.5)
    d = geolink.geodesic_distance_km(
        geolink.prefectures().loc[["810000"]].geometry, __import__("shapely").Point(point)
    )
    assert d[0] == pytest.approx(0.5 * 110.75, rel=0.01)
    assert d[0] <= _haversine_km(top[0], top[1], *point) * 1.01
