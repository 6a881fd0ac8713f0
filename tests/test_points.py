"""Point assignment: exact point-in-polygon answers, fast; SYNTHETIC random points are labelled as such."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geolink
from geolink.coords import bd09_to_gcj02, gcj02_to_bd09, wgs84_to_gcj02


def test_identical_to_sjoin_on_synthetic_points():
    rng = np.random.default_rng(42)  # SYNTHETIC: uniform over China's bounding box
    x, y = rng.uniform(73, 136, 50_000), rng.uniform(3, 54, 50_000)
    ours = geolink.assign_points(lon=x, lat=y)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    ref = gpd.sjoin(pts, geolink.prefectures()[["adcode", "geometry"]], predicate="within", how="left")
    ref = ref[~ref.index.duplicated()]["adcode"]
    assert (ours.astype(object).fillna("-").to_numpy() == ref.fillna("-").to_numpy()).all()
    assert ours.attrs["outside"] == int(ref.isna().sum()) and ours.attrs["missing"] == 0
    # categorical: the units' adcodes in order, text only when asked for
    assert list(ours.cat.categories) == sorted(geolink.prefectures().index)


def test_shared_border_and_vertex_are_deterministic():
    units = geolink.prefectures()
    border = units.loc["441900"].geometry.boundary.intersection(units.loc["440300"].geometry.boundary)
    line = max(shapely.get_parts(border), key=lambda g: g.length)
    vertex = line.coords[1]
    mid = line.interpolate(0.5, normalized=True)
    codes = geolink.assign_points(lon=[vertex[0], mid.x], lat=[vertex[1], mid.y])
    assert codes.tolist() == ["440300", "440300"]  # on the border of 440300 and 441900: the smaller adcode
    assert codes.tolist() == list(geolink.locate([vertex[0], mid.x], [vertex[1], mid.y]))


def test_outside_missing_hk_macao_and_empty():
    codes = geolink.assign_points(
        lon=[114.1694, 113.5439, 116.0, 2.35, np.nan], lat=[22.3193, 22.1987, 20.5, 48.85, 23.0]
    )
    assert codes.tolist()[:2] == ["810000", "820000"] and codes.iloc[2:].isna().all()
    assert codes.attrs == {"missing": 1, "outside": 2}
    empty = geolink.assign_points(lon=[], lat=[])
    assert len(empty) == 0 and empty.attrs == {"missing": 0, "outside": 0}


def test_geodataframe_and_dataframe_inputs_keep_the_index():
    df = pd.DataFrame({"lon": [113.75, 121.47], "lat": [23.02, 31.23]}, index=["dg", "sh"])
    assert geolink.assign_points(df, lon="lon", lat="lat").to_dict() == {"dg": "441900", "sh": "310100"}
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs=4326).to_crs(3857)
    assert geolink.assign_points(gdf).to_dict() == {"dg": "441900", "sh": "310100"}
    with pytest.raises(ValueError, match="needs lon= and lat="):
        geolink.assign_points(df)


def test_gcj02_and_bd09_input_are_converted():
    # a WGS 84 point 300 m inside Hong Kong, south of the Shenzhen border; its GCJ-02 coordinates lie ~500 m away
    units = geolink.prefectures()
    hk = units.loc["810000"].geometry
    border = hk.boundary.intersection(units.loc["440300"].geometry.boundary)
    p = shapely.get_parts(border)[0].interpolate(0.5, normalized=True)
    inside = min(
        (shapely.Point(p.x + dx, p.y + dy) for dx in (-0.003, 0, 0.003) for dy in (-0.003, 0.003)),
        key=lambda q: (not hk.contains(q), q.distance(p)),
    )
    assert hk.contains(inside)
    gx, gy = wgs84_to_gcj02(inside.x, inside.y)
    bx, by = gcj02_to_bd09(gx, gy)
    assert geolink.assign_points(lon=[gx], lat=[gy], crs="gcj02").item() == "810000"
    assert geolink.assign_points(lon=[bx], lat=[by], crs="bd09").item() == "810000"
    # the published Baidu example (116.404, 39.915) is Tiananmen: Beijing, GCJ-02 (116.39763, 39.90866)
    assert bd09_to_gcj02(116.404, 39.915) == pytest.approx((116.39762729, 39.90865674), abs=1e-6)
    assert geolink.assign_points(lon=[116.404], lat=[39.915], crs="bd09").item() == "110100"


def test_aggregate_feeds_location_quotient():
    rng = np.random.default_rng(3)  # SYNTHETIC firms in the GBA box
    n = 20_000
    firms = pd.DataFrame(
        {
            "lon": rng.uniform(112.5, 114.6, n),
            "lat": rng.uniform(21.9, 23.9, n),
            "industry": rng.choice(["制造业", "金融业", "信息传输、软件和信息技术服务业"], n),
        }
    )
    counts = geolink.aggregate_points(firms, industry="industry", lon="lon", lat="lat")
    assert counts["count"].sum() + counts.attrs["outside"] + counts.attrs["missing"] == n
    assert set(counts.columns) == {"adcode", "industry", "count"}
    lq = geolink.location_quotient(counts, "count", industry="industry")
    big = lq.groupby("adcode")["value"].transform("sum") >= 1000
    assert lq.loc[big, "lq"].between(0.85, 1.15).all()  # uniform random firms: no real specialisation
    with_aggl = geolink.aggregate_points(
        firms, industry="industry", lon="lon", lat="lat", agglomerations=True
    )
    assert {"gba", "prd"} <= set(with_aggl["agglomeration_id"].dropna())


def test_dask_engine_agrees_with_numpy(tmp_path):
    pytest.importorskip("dask_geopandas")
    rng = np.random.default_rng(5)  # SYNTHETIC
    n = 30_000
    df = pd.DataFrame(
        {
            "lon": rng.uniform(100, 125, n),
            "lat": rng.uniform(20, 45, n),
            "industry": rng.choice(["a", "b"], n),
        }
    )
    df.loc[::997, "lon"] = np.nan
    ours = geolink.assign_points(df, lon="lon", lat="lat")
    lazy = geolink.assign_points(df, lon="lon", lat="lat", engine="dask", npartitions=3).compute()
    assert (lazy.sort_index().fillna("-") == ours.astype(object).fillna("-")).all()
    gdf = gpd.GeoDataFrame(
        df.dropna(), geometry=gpd.points_from_xy(df.dropna().lon, df.dropna().lat), crs=4326
    )
    geo = geolink.assign_points(gdf, engine="dask", npartitions=3).compute().sort_index()
    assert (geo.fillna("-") == ours.astype(object).loc[gdf.index].fillna("-")).all()
    df.to_parquet(tmp_path / "firms.parquet")
    from_parquet = geolink.aggregate_points(
        tmp_path / "firms.parquet", industry="industry", lon="lon", lat="lat", engine="dask"
    )
    in_memory = geolink.aggregate_points(df, industry="industry", lon="lon", lat="lat")
    pd.testing.assert_frame_equal(
        from_parquet.reset_index(drop=True), in_memory.reset_index(drop=True), check_dtype=False
    )
    assert from_parquet.attrs == in_memory.attrs


def _reference(x, y):
    """The obviously-right answer: every point against the whole polygons, smallest adcode on ties."""
    units = geolink.prefectures().sort_values("adcode")
    geoms = np.asarray(units.geometry.values)
    tree = shapely.STRtree(geoms)
    pi, ui = tree.query(shapely.points(x, y), predicate="intersects")
    best = np.full(len(x), len(geoms))
    np.minimum.at(best, pi, ui)
    codes = np.append(units["adcode"].to_numpy(dtype=object), None)
    return codes[best]


def test_points_on_and_near_borders_match_the_whole_polygons():
    # SYNTHETIC points at boundary vertices, edge midpoints and 1e-9° / 1e-4° beside them: the
    # answers from the grid's polygon pieces equal those from the whole polygons
    rng = np.random.default_rng(11)
    xy = shapely.get_coordinates(geolink.prefectures().geometry.values)
    pick = rng.choice(len(xy) - 1, 4000, replace=False)
    mid = (xy[pick] + xy[pick + 1]) / 2
    near = np.concatenate(
        [xy[pick], mid, mid + rng.normal(0, 1e-9, mid.shape), xy[pick] + rng.normal(0, 1e-4, mid.shape)]
    )
    ours = geolink.assign_points(lon=near[:, 0], lat=near[:, 1])
    assert (
        ours.astype(object).fillna("-").to_numpy() == pd.Series(_reference(*near.T)).fillna("-").to_numpy()
    ).all()


def test_grid_is_cached_by_boundary_file_and_loads_without_scipy_or_geopandas():
    import hashlib
    import os
    import subprocess
    import sys
    from pathlib import Path

    from geolink import pointgrid
    from geolink._paths import cache_dir

    grid = pointgrid._grid("display")
    digest = hashlib.sha256(pointgrid._boundary_file("display").read_bytes()).hexdigest()[:16]
    assert (cache_dir() / f"pointgrid_v{pointgrid._GRID_VERSION}_display_{digest}" / "done").exists()
    assert grid.top.shape == (pointgrid.NY, pointgrid.NX)
    # a fresh process: `import geolink` imports neither numpy nor pandas; locate maps the cached grid
    # with numpy and shapely only; assign_points adds pandas (no scipy, geopandas, pyproj, no layer read)
    script = (
        "import sys, geolink\n"
        "assert not [m for m in sys.modules if m.startswith(('numpy', 'pandas', 'shapely'))]\n"
        "codes = geolink.locate([113.75, 121.47, 87.6, 2.35], [23.02, 31.23, 43.8, 48.85])\n"
        "assert codes.tolist() == ['441900', '310100', '650100', None], codes\n"
        "assert not [m for m in sys.modules if m.startswith('pandas')]\n"
        "codes = geolink.assign_points(lon=[113.75, 121.47, 87.6], lat=[23.02, 31.23, 43.8])\n"
        "assert codes.astype(object).tolist() == ['441900', '310100', '650100'], codes\n"
        "heavy = [m for m in sys.modules if m.startswith(('scipy', 'pyogrio', 'geopandas', 'pyproj', 'matplotlib'))]\n"
        "assert not heavy, heavy\n"
        "assert 'geolink.boundaries' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)


def test_grid_without_a_writable_cache_is_kept_in_memory(monkeypatch, tmp_path):
    from geolink import pointgrid, points

    def refuse(arrays, folder):
        raise PermissionError(f"read-only: {folder}")

    caches = (pointgrid._grid, pointgrid._code_objects, points._adcodes)
    monkeypatch.setattr(pointgrid, "_save", refuse)
    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))  # no grid there yet
    for cache in caches:
        cache.cache_clear()
    try:
        with pytest.warns(UserWarning, match="cannot be cached") as caught:
            codes = geolink.assign_points(lon=[113.75, 121.47], lat=[23.02, 31.23])
        assert caught[0].filename == __file__  # the warning points at the caller
        assert codes.astype(object).tolist() == ["441900", "310100"]
    finally:
        for cache in caches:
            cache.cache_clear()


def test_locate_is_assign_points_as_an_object_array():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(73, 136, 20_000), rng.uniform(3, 54, 20_000)
    x[:5], y[5:10] = np.nan, np.inf  # missing and impossible coordinates: no unit
    series = geolink.assign_points(lon=x, lat=y).astype(object)
    located = geolink.locate(x, y)
    assert located.dtype == object and len(located) == len(x)
    assert located.tolist() == series.where(series.notna(), None).tolist()
    assert located[:10].tolist() == [None] * 10 and (located != None).sum() > 5_000  # noqa: E711
    # crs= converts first, as in assign_points; a scalar pair gives a one-element array
    gcj = geolink.locate(x[10:2000], y[10:2000], crs="gcj02")
    expect = geolink.assign_points(lon=x[10:2000], lat=y[10:2000], crs="gcj02").astype(object)
    assert gcj.tolist() == expect.where(expect.notna(), None).tolist()
    assert geolink.locate(113.75, 23.02).tolist() == ["441900"]


def test_locate_warns_on_swapped_coordinates():
    with pytest.warns(UserWarning, match="lon and lat swapped"):
        codes = geolink.locate([23.02, 31.23, 22.54], [113.75, 121.47, 114.06])
    assert codes.tolist() == [None, None, None]
