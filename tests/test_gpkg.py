import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

import geolink
from geolink.classes import classify
from geolink.gpkg import Style, sanitise_names, to_gpkg


@pytest.fixture(scope="module")
def layers():
    gba = geolink.cities_in("gba")
    gba["城镇化率"] = [0.86, 0.99, 0.9, 0.95, 0.72, 0.92, 0.87, 0.67, 0.51, 1.0, 1.0]
    gba["企业数"] = pd.array([120, 300, 40, 200, 80, 190, 60, 50, None, 400, 20], dtype="Int64")
    table = pd.DataFrame({"年份": [2010, 2020], "G": [0.21, 0.17], "代码": ["440100", "440300"]})
    return {"gba": gba, "outline": geolink.agglomeration_outline("gba"), "gini": table}


def test_field_names_ascii_unique_and_short():
    names = sanitise_names(
        ["城镇化率_2020", "人口数_合计", "性别比（女=100）", "2020年GDP", "fid", "a" * 80, "a" * 80 + "b"]
    )
    assert list(names.values()) == [
        "chengzhenhualv_2020",
        "renkoushu_heji",
        "xingbiebi_nv_100",
        "f_2020_nian_gdp",
        "fid_2",
        "a" * 63,
        "a" * 61 + "_2",
    ]


def test_layers_types_descriptions_and_styles(layers, tmp_path):
    path = tmp_path / "out.gpkg"
    classes = classify(layers["gba"]["城镇化率"], "quantiles", k=4)
    to_gpkg(
        path,
        layers,
        descriptions={"gba": "GBA units", "gini": "Dagum Gini by year"},
        styles={"gba": Style("城镇化率", classes)},
    )
    info = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert info == {"gba": "MultiPolygon", "outline": "MultiPolygon", "gini": None, "layer_styles": None}
    with sqlite3.connect(path) as con:
        contents = dict(con.execute("select table_name, data_type from gpkg_contents"))
        assert contents == {
            "gba": "features",
            "outline": "features",
            "gini": "attributes",
            "layer_styles": "attributes",
        }
        desc = dict(con.execute("select table_name, description from gpkg_contents"))
        assert desc["gba"] == "GBA units" and desc["gini"] == "Dagum Gini by year"
        srs = dict(con.execute("select table_name, srs_id from gpkg_geometry_columns"))
        assert srs == {"gba": 4326, "outline": 4326}
        types = {r[1]: r[2] for r in con.execute("pragma table_info(gba)")}
        assert (
            types["adcode"] == "TEXT" and types["qiyeshu"] == "INTEGER" and types["chengzhenhualv"] == "REAL"
        )
        titles = dict(con.execute("select column_name, title from gpkg_data_columns where table_name='gini'"))
        assert titles == {"nianfen": "年份", "g": "G", "daima": "代码"}
        style = con.execute("select f_table_name, useAsDefault, styleQML from layer_styles").fetchall()
    assert [(s[0], s[1]) for s in style] == [("gba", 1)]
    qml = ET.fromstring(style[0][2].split(">", 1)[1])  # drop the DOCTYPE line
    renderer = qml.find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol" and renderer.get("attr") == "chengzhenhualv"
    bounds = [(float(r.get("lower")), float(r.get("upper"))) for r in renderer.iter("range")]
    assert bounds == list(zip(classes.lower, classes.upper, strict=True))  # the PNG's breaks
    aliases = {a.get("field"): a.get("name") for a in qml.iter("alias")}
    assert aliases["chengzhenhualv"] == "城镇化率"
    back = pyogrio.read_dataframe(path, layer="gba")
    assert back["adcode"].tolist() == layers["gba"]["adcode"].tolist()
    assert back["qiyeshu"].isna().sum() == 1 and back.crs.to_epsg() == 4326
    assert shapely.equals_exact(back.geometry.values, layers["gba"].geometry.values, tolerance=1e-9).all()
    table = pyogrio.read_dataframe(path, layer="gini")
    assert table["nianfen"].tolist() == [2010, 2020] and table["daima"].tolist() == ["440100", "440300"]


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="ogrinfo (Debian gdal-bin) not installed")
def test_ogrinfo_reads_it(layers, tmp_path):
    path = to_gpkg(tmp_path / "out.gpkg", layers)
    out = subprocess.run(
        ["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Layer name: gba" in out and "Feature Count: 11" in out and "Layer name: gini" in out
    assert "EPSG" in out or "WGS 84" in out


def test_write_is_atomic(layers, tmp_path, monkeypatch):
    path = tmp_path / "out.gpkg"
    to_gpkg(path, layers)
    before = path.read_bytes()
    real = pyogrio.write_dataframe
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        to_gpkg(path, {"gba": layers["gba"], "gini": layers["gini"]})
    assert path.read_bytes() == before  # the good file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["out.gpkg"]  # no temporary left behind


def test_append_keeps_other_layers(layers, tmp_path):
    path = tmp_path / "out.gpkg"
    to_gpkg(path, {"gba": layers["gba"]})
    to_gpkg(path, {"gini": layers["gini"]}, mode="append")
    assert {n for n, _ in pyogrio.list_layers(path)} == {"gba", "gini"}
    to_gpkg(path, {"gini": layers["gini"]})  # overwrite: the whole file
    assert {n for n, _ in pyogrio.list_layers(path)} == {"gini"}
    with pytest.raises(KeyError, match="styles given for layers that are not written"):
        to_gpkg(path, {"gini": layers["gini"]}, styles={"gba": Style("x", classify([1, 2]))})
    with pytest.raises(ValueError, match="mode must be"):
        to_gpkg(path, {"gini": layers["gini"]}, mode="merge")


def test_non_wgs84_input_is_reprojected(layers, tmp_path):
    projected = layers["outline"].to_crs(3857)
    path = to_gpkg(tmp_path / "p.gpkg", {"outline": projected})
    back = gpd.read_file(path, layer="outline")
    assert back.crs.to_epsg() == 4326
    assert back.geometry.iloc[0].bounds == pytest.approx(layers["outline"].geometry.iloc[0].bounds, abs=1e-6)
