import warnings

import numpy as np
import pytest
from pyproj import Geod

import geolink
from geolink.spatial import contiguity
from geolink.weights import _centroids, spatial_weights

GEOD = Geod(ellps="WGS84")


def _edges(graph) -> set:
    adj = graph.adjacency
    adj = adj[adj > 0]
    return set(zip(adj.index.get_level_values(0), adj.index.get_level_values(1), strict=True))


def _dense_km(codes) -> np.ndarray:
    c = _centroids("display").loc[codes]
    lon, lat = np.meshgrid(c["lon"], c["lat"])
    n = len(codes)
    d = GEOD.inv(lon.T.ravel(), lat.T.ravel(), lon.ravel(), lat.ravel())[2].reshape(n, n) / 1000
    return d


def _chord(codes) -> np.ndarray:
    """Straight-line distances between the centroids on the unit sphere (what a KD-tree ranks by)."""
    c = _centroids("display").loc[codes]
    lon, lat = np.radians(c["lon"].to_numpy()), np.radians(c["lat"].to_numpy())
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return np.linalg.norm(xyz[:, None, :] - xyz[None, :, :], axis=2) + np.diag(np.full(len(codes), np.inf))


def test_queen_reports_islands_and_hainan():
    with pytest.warns(UserWarning, match=r"2 unit\(s\) without a neighbour: 460300 三沙市, 710000 台湾省.*460100 海口市"):
        g = spatial_weights("queen")
    assert set(g.isolates) == {"460300", "710000"}
    assert ("460300",) in g.detached and any("460100" in d and len(d) > 1 for d in g.detached)
    assert _edges(g) == _edges(contiguity(resolution="display"))  # the shared contiguity, not a copy
    assert g.n == 370 and list(g.unique_ids) == list(geolink.prefectures().index)


def test_link_islands_links_to_nearest_unit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = spatial_weights("queen", link_islands=True)
    assert len(g.isolates) == 0 and g.n_components == 1
    links = g.linked.set_index("focal")
    assert links.loc["710000", "neighbor"] == "350300"  # Taiwan → 泉州 (nearest centroid on the mainland)
    # 三沙 is linked to the nearest unit by centroid distance, checked by brute force
    codes = list(g.unique_ids)
    d = _dense_km(codes)[codes.index("460300")]
    d[codes.index("460300")] = np.inf
    assert links.loc["460300", "neighbor"] == codes[int(np.argmin(d))]
    assert links.loc["460300", "distance_km"] == pytest.approx(d.min())
    edges = _edges(g)
    assert all((b, a) in edges for a, b in edges)  # still symmetric


def test_knn_is_geodesic_nearest():
    g = spatial_weights("knn", k=4)
    assert (g.cardinalities == 4).all()
    codes = list(g.unique_ids)
    d = _dense_km(codes)
    np.fill_diagonal(d, np.inf)
    differ = 0
    for i, code in enumerate(codes):  # every unit: its 4 nearest by geodesic km (no ties among the 4th)
        assert set(g[code].index) == {codes[j] for j in np.argsort(d[i])[:4]}, code
        differ += set(g[code].index) != {codes[j] for j in np.argsort(_chord(codes)[i])[:4]}
    assert differ == 5  # units whose 4th neighbour on the sphere (chord) is not their geodesic 4th


def test_distance_band_and_inverse_distance():
    with pytest.warns(UserWarning, match="without a neighbour"):
        band = spatial_weights("distance_band", threshold_km=200)
    codes = list(band.unique_ids)
    d = _dense_km(codes)
    np.fill_diagonal(d, np.inf)
    expected = {(codes[i], codes[j]) for i, j in zip(*np.nonzero(d <= 200), strict=True)}
    assert _edges(band) == expected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inv = spatial_weights("inverse_distance", threshold_km=200, alpha=-2)
    adj = inv.adjacency[inv.adjacency > 0]
    i = [codes.index(a) for a in adj.index.get_level_values(0)]
    j = [codes.index(b) for b in adj.index.get_level_values(1)]
    np.testing.assert_allclose(adj.to_numpy(), d[i, j] ** -2, rtol=1e-12)


def test_within_groups_never_crosses():
    groups = geolink.agglomeration_groups("eight", overlap="first").set_index("adcode")["group"]
    for kind in ("queen", "knn"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = spatial_weights(kind, within="eight", overlap="first", k=3)
        assert set(g.unique_ids) == set(groups.index)
        assert all(groups[a] == groups[b] for a, b in _edges(g))
    gba = spatial_weights("queen", within="gba")
    assert gba.n == 11 and len(gba.isolates) == 0


def test_units_subset_and_errors():
    with pytest.warns(UserWarning, match="440300 深圳市"):  # 深圳 touches neither 广州 nor 佛山
        g = spatial_weights("rook", units=["广州市", "440300", 440600])
    assert list(g.unique_ids) == ["440100", "440300", "440600"]
    assert ("440100", "440600") in _edges(g)
    with pytest.raises(ValueError, match="kind must be one of"):
        spatial_weights("gabriel")
    with pytest.raises(ValueError, match="needs threshold_km"):
        spatial_weights("distance_band")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        spatial_weights("knn", k=0)
    with pytest.raises(ValueError, match="not understood"):
        spatial_weights("queen", units=["Atlantis"])
    with pytest.raises(ValueError, match=r"in no group of within='gba': 110100 北京市"):
        spatial_weights("queen", units=["110100", "440100"], within="gba")
    with pytest.raises(ValueError, match="several agglomerations"):
        spatial_weights("queen", within="eight")
    with pytest.raises(ValueError, match="listed twice"):
        spatial_weights("queen", units=["110100", "110100"])


def test_unit_centroids_are_read_back_exactly_from_the_cache(tmp_path, monkeypatch):
    from geolink.spatial import centroids

    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    direct = centroids(geolink.prefectures())
    for _ in range(2):  # computed and written, then read from the file
        _centroids.cache_clear()
        table = _centroids("display")
        assert np.array_equal(table["lon"].to_numpy(), direct.x.to_numpy())
        assert np.array_equal(table["lat"].to_numpy(), direct.y.to_numpy())
        assert len(list(tmp_path.glob("centroids_*.npz"))) == 1
    _centroids.cache_clear()


@pytest.mark.parametrize("rook", [False, True])
def test_contiguity_is_read_back_exactly_from_the_cache(tmp_path, monkeypatch, rook):
    from libpysal.graph import Graph

    from geolink.spatial import _contiguity

    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    units = geolink.prefectures()
    direct = Graph.build_contiguity(units.geometry, rook=True) if rook else Graph.build_fuzzy_contiguity(units.geometry)
    for _ in range(2):  # computed and written, then read from the file
        _contiguity.cache_clear()
        graph = contiguity(rook=rook)
        assert graph.adjacency.equals(direct.adjacency) and list(graph.unique_ids) == list(direct.unique_ids)
        assert sorted(graph.isolates) == sorted(direct.isolates)
        assert len(list(tmp_path.glob(f"contiguity_{'rook' if rook else 'queen'}_*.npz"))) == 1
    (stored,) = tmp_path.glob("contiguity_*.npz")
    stored.write_bytes(stored.read_bytes()[:300])  # a truncated file is computed again
    _contiguity.cache_clear()
    assert contiguity(rook=rook).adjacency.equals(direct.adjacency) and stored.stat().st_size > 300
    _contiguity.cache_clear()


def test_a_subgraph_keeps_only_the_links_between_its_units():
    """三沙 is linked to 陵水 in the national weights; without 陵水 that link is gone, and 三沙 is alone."""
    from geolink.weights import as_graph, isolated

    full = geolink.spatial_weights("queen", link_islands=True)
    pairs = set(zip(full.linked["focal"], full.linked["neighbor"], strict=True))
    assert ("460300", "469028") in pairs
    units = [u for u in full.unique_ids if u != "469028"]
    sub = as_graph(full, units)
    assert ("460300", "469028") not in set(zip(sub.linked["focal"], sub.linked["neighbor"], strict=True))
    assert len(sub.linked) == len(full.linked) - 1 and isolated(sub) == ["460300"]
