"""geolink GeoPackages opened in QGIS 3.22 (Debian python3-qgis, headless) and checked with GDAL's validator."""

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

import geolink
from geolink.classes import MISSING_LABEL, classify
from geolink.gpkg import FileInUseError, Style, to_gpkg

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": "/tmp", "PYTHONPATH": ""}


def _has(module: str) -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    return (
        subprocess.run([SYSTEM_PYTHON, "-c", f"import {module}"], capture_output=True, env=ENV).returncode
        == 0
    )


needs_qgis = pytest.mark.skipif(
    not _has("qgis.core"), reason="/usr/bin/python3 cannot import qgis (python3-qgis)"
)
needs_validator = pytest.mark.skipif(
    not _has("osgeo_utils.samples.validate_gpkg"), reason="GDAL's validate_gpkg (python3-gdal) not installed"
)


def probe(*args, timeout=300):
    out = subprocess.run(
        [SYSTEM_PYTHON, str(PROBE), *map(str, args)], capture_output=True, text=True, env=ENV, timeout=timeout
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def validate(path):
    """GDAL's validator with its extra checks: (return code, output)."""
    code = (
        "import sys; from osgeo_utils.samples import validate_gpkg as v; "
        "sys.exit(v.main(['validate_gpkg', '--extra', sys.argv[1]]))"
    )
    out = subprocess.run([SYSTEM_PYTHON, "-c", code, str(path)], capture_output=True, text=True, env=ENV)
    return out.returncode, out.stdout + out.stderr


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A national graduated layer with missing values, a categorized one, points, lines, an attribute table."""
    nation = geolink.prefectures()
    value = np.linspace(10, 95, len(nation))
    # synthetic values; no data, as in the census tables, for Xinjiang, Taiwan, Hong Kong and Macao
    value[nation["adcode"].str[:2].isin(["65", "71", "81", "82"]).to_numpy()] = np.nan
    nation["城镇化率"] = value
    classes = classify(nation["城镇化率"], "fisher_jenks", k=5)
    gba = geolink.cities_in("gba")
    gba["城市群"] = ["核心", "核心", "外围", "核心", "外围", "外围", "外围", "外围", "外围", "核心", None]
    points = gba[["adcode", "name", "geometry"]].copy()
    points["geometry"] = gba.representative_point()
    lines = geolink.agglomeration_outline("gba")
    lines["geometry"] = lines.boundary
    table = pd.DataFrame({"年份": [2010, 2020], "基尼系数": [0.21, 0.17], "城市群": ["粤港澳", "粤港澳"]})
    complete = nation[["adcode", "name", "name_short", "geometry"]].copy()
    complete["人口"] = np.exp(np.linspace(1.0, 7.0, len(nation)))  # synthetic, no unit without data
    path = tmp_path_factory.mktemp("qgis") / "api.gpkg"
    to_gpkg(
        path,
        {
            "nation": nation,
            "complete": complete,
            "gba": gba,
            "points": points,
            "outline": lines,
            "gini": table,
        },
        descriptions={"nation": "synthetic urbanisation rate"},
        styles={
            "nation": Style.graduated("城镇化率", classes, title="城镇化率", value_unit="%"),
            "complete": Style("人口", classify(complete["人口"], "quantiles", k=5), value_unit="万人"),
            "gba": Style.categorized(
                "城市群", {"核心": ("#d7191c", "核心城市"), "外围": ("#2c7bb6", "外围城市")}
            ),
        },
    )
    return path, nation, classes


@needs_qgis
def test_qgis_opens_every_layer_styled_and_draws_every_feature(written):
    path, nation, classes = written
    info = probe("inspect", path)
    assert set(info) == {"nation", "complete", "gba", "points", "outline", "gini"}
    for name, layer in info.items():
        assert layer["style_loaded"], (name, layer["message"])
        if layer["spatial"]:
            assert layer["drawn"] == layer["features"] > 0, name  # willRenderFeature for every feature
    nat = info["nation"]
    assert nat["features"] == 370 and nat["renderer"] == "RuleRenderer"
    # legend: heading with the unit, the PNG's classes, then the no-data entry
    assert nat["legend"] == ["城镇化率（%）", *classes.labels, MISSING_LABEL]
    assert nat["labels"] == "name_short" and nat["geometry_type"] == 2
    # QGIS's own method id for Fisher–Jenks, in the default style and in the native graduated style
    assert nat["method_property"] == "Jenks"
    assert nat["styles"] == ["geolink default", "geolink graduated"]
    assert nat["native"]["method"] == "Jenks" and nat["native"]["renderer"] == "graduatedSymbol"
    assert nat["native"]["ranges"] == [list(r) for r in zip(classes.lower, classes.upper, strict=True)]
    assert nat["native"]["drawn"] == int(nation["城镇化率"].notna().sum())  # why it is not the default
    # QGIS's Classify reproduces the quantile classes (QGIS's Jenks is its own algorithm, not Fisher–Jenks)
    full = info["complete"]
    assert full["legend"][0] == "人口（万人）" and full["native"]["method"] == "Quantile"
    assert np.allclose(full["native"]["classify"], full["native"]["ranges"], rtol=1e-12)
    gba = info["gba"]
    assert gba["legend"] == ["城市群", "核心城市", "外围城市", MISSING_LABEL]
    assert gba["native"] == {
        "renderer": "categorizedSymbol",
        "legend": ["核心城市", "外围城市", MISSING_LABEL],
        "drawn": 11,
    }
    assert info["points"]["renderer"] == "singleSymbol" and info["points"]["geometry_type"] == 0
    assert info["outline"]["geometry_type"] == 1 and info["outline"]["labels"] is False
    # original column names as aliases on every layer, the attribute-only table included
    assert nat["aliases"]["chengzhenhualv"] == "城镇化率"
    assert gba["aliases"]["chengshiqun"] == "城市群"
    assert info["gini"]["aliases"] == {
        "fid": "",
        "nianfen": "年份",
        "jinixishu": "基尼系数",
        "chengshiqun": "城市群",
    }
    assert info["gini"]["display_names"]["jinixishu"] == "基尼系数"


@needs_validator
def test_gdal_validator_passes_with_extra_checks(written, tmp_path):
    path, nation, _ = written
    code, out = validate(path)
    assert code == 0, out
    ogr = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True)
    assert ogr.returncode == 0 and ogr.stderr == "", ogr.stderr  # no "Non-conformant content" warnings
    # also after in-place appends and a replaced layer
    to_gpkg(path, {"extra": nation.iloc[:20], "gini": pd.DataFrame({"年": [1]})}, mode="append")
    to_gpkg(path, {"extra": nation.iloc[:10]}, mode="append")
    code, out = validate(path)
    assert code == 0, out
    with sqlite3.connect(path) as con:
        rows = con.execute(
            "select count(*) from gpkg_extensions where extension_name = 'gpkg_schema'"
        ).fetchone()
        assert rows == (2,)  # gpkg_data_columns + gpkg_data_column_constraints, once each
        times = [t for (t,) in con.execute("select update_time from layer_styles")]
        assert all(len(t) == 24 and t[10] == "T" and t.endswith("Z") for t in times)
        assert max(len(n) for (n,) in con.execute("select styleName from layer_styles")) <= 30
    # a file as earlier geolink versions wrote it is repaired by an append
    old = to_gpkg(tmp_path / "old.gpkg", {"extra": nation.iloc[:5]})
    with sqlite3.connect(old) as con:
        con.execute("drop table gpkg_data_column_constraints")
        con.execute("delete from gpkg_extensions where table_name = 'gpkg_data_column_constraints'")
        con.execute(
            "insert into gpkg_extensions select * from gpkg_extensions where extension_name = 'gpkg_schema'"
        )
        con.execute("update layer_styles set update_time = '2026-11-30 08:15:00', styleName = ?", ("x" * 40,))
    assert validate(old)[0] != 0
    to_gpkg(old, {"more": nation.iloc[5:9]}, mode="append")
    code, out = validate(old)
    assert code == 0, out


@needs_qgis
def test_append_while_qgis_holds_an_unsaved_edit(tmp_path):
    """QGIS edits a value (not yet saved), geolink appends a layer, QGIS saves: three runs in a row."""
    gba = geolink.cities_in("gba")[["adcode", "name", "geometry"]]
    gba["pop"] = np.arange(11.0)  # synthetic
    path = to_gpkg(tmp_path / "shared.gpkg", {"gba": gba})
    for run in range(3):
        qgis = subprocess.Popen(
            [
                SYSTEM_PYTHON,
                str(PROBE),
                "hold-edit",
                str(path),
                "gba",
                str(run + 1),
                "pop",
                str(1000.0 + run),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        try:
            assert qgis.stdout.readline().strip() == "editing", qgis.stderr.read()
            # a whole-file overwrite now would lose the edit: refused, naming the file
            with pytest.raises(FileInUseError, match="shared.gpkg.*open for writing"):
                to_gpkg(path, {"gba": gba})
            # so would replacing a layer the editor may be saving into
            with pytest.raises(FileInUseError, match=r"not replacing its layer\(s\) \['gba'\]"):
                to_gpkg(path, {"gba": gba}, mode="append")
            to_gpkg(path, {f"run{run}": gba.iloc[: run + 2]}, mode="append")  # a new layer: in place
            out, err = qgis.communicate("save\n", timeout=120)
        finally:
            qgis.kill()
        assert json.loads(out.strip().splitlines()[-1])["committed"], err
        with sqlite3.connect(path) as con:
            assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        layers = {n for n, _ in pyogrio.list_layers(path)}
        assert {f"run{i}" for i in range(run + 1)} | {"gba"} <= layers
        saved = pyogrio.read_dataframe(path, layer="gba", fid_as_index=True)["pop"]
        assert [saved[i + 1] for i in range(run + 1)] == [
            1000.0 + i for i in range(run + 1)
        ]  # every edit kept
        assert len(pyogrio.read_dataframe(path, layer=f"run{run}")) == run + 2
        ogr = subprocess.run(["ogrinfo", "-so", "-q", str(path)], capture_output=True, text=True)
        assert ogr.returncode == 0 and f"run{run}" in ogr.stdout, ogr.stderr
    if _has("osgeo_utils.samples.validate_gpkg"):
        code, out = validate(path)
        assert code == 0, out


@needs_qgis
def test_render_national_layer(written):
    path, _, classes = written
    out = Path(os.environ.get("GEOLINK_QGIS_PNG", path.with_suffix(".png")))  # to look at it
    info = probe("render", path, "nation", out)
    assert info["features"] == 370 and info["legend"][-1] == MISSING_LABEL
    assert out.stat().st_size > 50_000


@needs_qgis
@needs_validator
def test_cli_and_demo_geopackages_open_styled_in_qgis(tmp_path):
    from conftest import CENSUS_CITY

    from geolink.cli import main

    runs = [["export", "-o", str(tmp_path / "export.gpkg"), "--agglomerations", "gba", "yrd"]]
    if CENSUS_CITY.exists():
        runs.append(["join", str(CENSUS_CITY), "-o", str(tmp_path / "join.gpkg")])
    runs.append(["demo", "--out", str(tmp_path / "demo")])
    for args in runs:
        assert main(args) == 0, args
    for path in [*tmp_path.glob("*.gpkg"), *tmp_path.glob("demo/*.gpkg")]:
        code, out = validate(path)
        assert code == 0, (path.name, out)
        with sqlite3.connect(path) as con:
            titles = con.execute("select table_name, column_name, title from gpkg_data_columns").fetchall()
        info = probe("inspect", path)
        renamed = [(t, c, title) for t, c, title in titles if c != title]
        for table, column, title in renamed:  # every renamed field shows its original name
            assert info[table]["aliases"][column] == title, (path.name, table, column)
            assert info[table]["display_names"][column] == title
        for name, layer in info.items():
            assert layer["style_loaded"], (path.name, name)
            if layer["spatial"]:
                assert layer["drawn"] == layer["features"] > 0, (path.name, name)
                if layer["method_property"]:
                    assert layer["native"]["method"] == layer["method_property"]
                    assert layer["method_property"] in {
                        "Quantile",
                        "Jenks",
                        "EqualInterval",
                        "StdDev",
                        "Custom",
                    }
