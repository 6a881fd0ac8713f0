import os
import shutil
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import geolink
from geolink.classes import MISSING_LABEL, classify
from geolink.gpkg import FileInUseError, Style, sanitise_names, to_gpkg


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
        style = con.execute(
            "select f_table_name, styleName, useAsDefault, styleQML from layer_styles"
        ).fetchall()
    assert [s[:3] for s in style] == [
        ("gba", "geolink default", 1),
        ("gba", "geolink graduated", 0),
        ("outline", "geolink default", 1),
        ("gini", "geolink default", 1),
    ]
    default, graduated = (ET.fromstring(s[3].split(">", 1)[1]) for s in style[:2])  # drop the DOCTYPE line
    heading = default.find("renderer-v2/rules/rule")
    assert heading.get("label") == "城镇化率" and [r.get("label") for r in heading] == [
        *classes.labels,
        MISSING_LABEL,
    ]
    assert heading[-1].get("filter") == "ELSE"
    assert (
        heading[1].get("filter")
        == f'"chengzhenhualv" > {classes.lower[1]!r} AND "chengzhenhualv" <= {classes.upper[1]!r}'
    )
    renderer = graduated.find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol" and renderer.get("attr") == "chengzhenhualv"
    assert renderer.find("classificationMethod").get("id") == "Quantile"
    bounds = [(float(r.get("lower")), float(r.get("upper"))) for r in renderer.iter("range")]
    assert bounds == list(zip(classes.lower, classes.upper, strict=True))  # the PNG's breaks
    for qml in (default, graduated):
        aliases = {a.get("field"): a.get("name") for a in qml.iter("alias")}
        assert aliases["chengzhenhualv"] == "城镇化率" and aliases["adcode"] == ""
        assert qml.find("labeling/settings/text-style").get("fieldName") == "name_short"
        assert qml.find("labeling/settings/text-style/text-buffer").get("bufferColor") == "255,255,255,255"
    table = ET.fromstring(style[3][3].split(">", 1)[1])
    assert {a.get("field"): a.get("name") for a in table.iter("alias")} == {
        "nianfen": "年份",
        "g": "G",
        "daima": "代码",
    }
    assert table.find("renderer-v2") is None
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
    assert {n for n, _ in pyogrio.list_layers(path)} == {"gba", "gini", "layer_styles"}
    to_gpkg(path, {"gini": layers["gini"]})  # overwrite: the whole file
    assert {n for n, _ in pyogrio.list_layers(path)} == {"gini", "layer_styles"}
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


# ---------------------------------------------------------------- writes that cannot lose data


def _layers(path):
    return {n for n, _ in pyogrio.list_layers(path)} - {"layer_styles"}


@pytest.mark.parametrize(
    "content",
    [
        b"",  # empty
        b"not a database, a colleague's notes\n",
        "sqlite",  # a plain SQLite database
        "truncated",  # a GeoPackage cut in half
    ],
)
def test_append_never_touches_a_file_that_is_not_a_geopackage(layers, tmp_path, content):
    path = tmp_path / "target.gpkg"
    if content == "sqlite":
        with sqlite3.connect(path) as con:
            con.execute("create table survey (id integer, answer text)")
            con.execute("insert into survey values (1, '是')")
    elif content == "truncated":
        to_gpkg(tmp_path / "full.gpkg", {"gba": layers["gba"]})
        data = (tmp_path / "full.gpkg").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"target\.gpkg (is not a GeoPackage|is a damaged)"):
        to_gpkg(path, {"gini": layers["gini"]}, mode="append")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


_APPEND = """
import sys, geolink, pandas as pd
from geolink.gpkg import to_gpkg
for i in range(int(sys.argv[3])):
    to_gpkg(sys.argv[1], {f"{sys.argv[2]}_{i}": pd.DataFrame({"值": [i]})}, mode="append")
"""


def test_concurrent_appends_lose_no_layer(layers, tmp_path):
    path = to_gpkg(tmp_path / "shared.gpkg", {"gba": layers["gba"]})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _APPEND, str(path), who, "4"], env=env, stderr=subprocess.PIPE
        )
        for who in ("a", "b")
    ]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read().decode()
    assert _layers(path) == {"gba"} | {f"{w}_{i}" for w in "ab" for i in range(4)}
    with sqlite3.connect(path) as con:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)


_KILLED = """
import os, signal, sys, pyogrio, geolink
from geolink.gpkg import to_gpkg
real = pyogrio.write_dataframe
def die(*args, **kwargs):
    real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # killed mid-write, after the first layer
pyogrio.write_dataframe = die
to_gpkg(sys.argv[1], {"a": geolink.cities_in("gba"), "b": geolink.cities_in("gba")})
"""


def test_temporary_files_of_killed_writes_are_removed(layers, tmp_path):
    path = to_gpkg(tmp_path / "out.gpkg", {"gini": layers["gini"]})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    killed = subprocess.run([sys.executable, "-c", _KILLED, str(path)], env=env, capture_output=True)
    assert killed.returncode == -9
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp.gpkg")]
    assert len(left) == 1 and left[0].stat().st_size > 100_000  # what a kill leaves behind
    old = tmp_path / ".out.gpkg.0123456789abcdef.tmp.gpkg"  # an older writer's (no pid), 20 minutes old
    old.write_bytes(b"x" * 1000)
    os.utime(old, (time.time() - 1200, time.time() - 1200))
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tmp_path / f".out.gpkg.{alive.pid}.0123456789ab.tmp.gpkg"  # a live writer's: kept
        busy.write_bytes(b"y")
        other = tmp_path / ".other.gpkg.1.0123456789ab.tmp.gpkg"  # another file's: not ours to judge here
        other.write_bytes(b"z")
        to_gpkg(path, {"gini": layers["gini"]}, mode="append")
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.gpkg", busy.name, other.name])
    finally:
        alive.kill()
    assert _layers(path) == {"gini"}


def test_overwrite_keeps_permissions(layers, tmp_path):
    path = to_gpkg(tmp_path / "private.gpkg", {"gini": layers["gini"]})
    path.chmod(0o600)
    to_gpkg(path, {"gba": layers["gba"]})
    assert path.stat().st_mode & 0o777 == 0o600 and _layers(path) == {"gba"}
    to_gpkg(path, {"gini": layers["gini"]}, mode="append")
    assert path.stat().st_mode & 0o777 == 0o600 and _layers(path) == {"gba", "gini"}


def test_writing_through_a_symlink_writes_its_target(layers, tmp_path):
    (tmp_path / "data").mkdir()
    target = to_gpkg(tmp_path / "data" / "real.gpkg", {"gini": layers["gini"]})
    link = tmp_path / "link.gpkg"
    link.symlink_to(target)
    for mode in ("overwrite", "append"):
        written = to_gpkg(link, {f"gba_{mode}": layers["gba"]}, mode=mode)
        assert written == target and link.is_symlink() and link.resolve() == target
    assert _layers(target) == {"gba_overwrite", "gba_append"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "link.gpkg"]


def test_layer_names_colliding_case_insensitively_are_refused(layers, tmp_path):
    path = tmp_path / "out.gpkg"
    with pytest.raises(ValueError, match="'A' and 'a' collide"):
        to_gpkg(path, {"A": layers["gini"], "a": layers["gini"]})
    assert not path.exists()
    to_gpkg(path, {"Gini": layers["gini"]})
    before = path.read_bytes()
    with pytest.raises(ValueError, match="'gini' collides with the existing layer 'Gini'"):
        to_gpkg(path, {"gini": layers["gini"]}, mode="append")
    assert path.read_bytes() == before
    to_gpkg(path, {"Gini": layers["gini"].iloc[:1]}, mode="append")  # the same name replaces it
    assert len(pyogrio.read_dataframe(path, layer="Gini")) == 1
    with pytest.raises(ValueError, match="reserved"):
        to_gpkg(path, {"gpkg_contents": layers["gini"]}, mode="append")


def test_data_without_crs_is_refused(layers, tmp_path):
    bare = layers["gba"].set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="layer 'gba' has no CRS: set it first"):
        to_gpkg(tmp_path / "out.gpkg", {"gba": bare})
    assert list(tmp_path.iterdir()) == []


def test_failed_append_leaves_the_file_as_it_was(layers, tmp_path, monkeypatch):
    path = to_gpkg(tmp_path / "out.gpkg", {"gini": layers["gini"]})
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
        to_gpkg(path, {"gba": layers["gba"], "outline": layers["outline"]}, mode="append")
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["out.gpkg"]


def test_styles_of_every_kind(layers, tmp_path):
    gba = layers["gba"].copy()
    gba["象限"] = ["HH", "LL", "HL", "LH", "ns", "HH", "LL", "ns", None, "HH", "ns"]
    lisa = {
        "HH": ("#d7191c", "高—高"),
        "LL": ("#2c7bb6", "低—低"),
        "HL": ("#fdae61", "高—低"),
        "LH": ("#abd9e9", "低—高"),
    }
    with pytest.raises(ValueError, match=r"values of '象限' without a category: \['ns'\]"):
        to_gpkg(tmp_path / "s.gpkg", {"lisa": gba}, styles={"lisa": Style.categorized("象限", lisa)})
    lisa["ns"] = ("#eeeeee", "不显著")
    path = to_gpkg(
        tmp_path / "s.gpkg", {"lisa": gba}, styles={"lisa": Style.categorized("象限", lisa, labels=False)}
    )
    with sqlite3.connect(path) as con:
        default, native = (
            ET.fromstring(q.split(">", 1)[1]) for (q,) in con.execute("select styleQML from layer_styles")
        )
    rules = default.find("renderer-v2/rules/rule")
    assert rules.get("label") == "象限"
    assert [(r.get("filter"), r.get("label")) for r in rules] == [
        ("\"xiangxian\" = 'HH'", "高—高"),
        ("\"xiangxian\" = 'LL'", "低—低"),
        ("\"xiangxian\" = 'HL'", "高—低"),
        ("\"xiangxian\" = 'LH'", "低—高"),
        ("\"xiangxian\" = 'ns'", "不显著"),
        ("ELSE", MISSING_LABEL),
    ]
    assert default.find("labeling") is None and default.get("labelsEnabled") == "0"
    cats = [(c.get("value"), c.get("label")) for c in native.iter("category")]
    assert cats[4:] == [("ns", "不显著"), ("", MISSING_LABEL)]
    with pytest.raises(TypeError, match="graduated style on '象限', which is not numeric"):
        to_gpkg(tmp_path / "g.gpkg", {"lisa": gba}, styles={"lisa": Style("象限", classify([1, 2]))})
    with pytest.raises(ValueError, match="not both"):
        Style("象限", classify([1, 2]), categories=lisa)
    with pytest.raises(ValueError, match="colours are"):
        Style.categorized("象限", {"HH": ("red", "高—高")})
    with pytest.raises(ValueError, match="attribute-only table"):
        to_gpkg(tmp_path / "t.gpkg", {"t": layers["gini"]}, styles={"t": Style()})


def test_replacing_a_layer_keeps_a_colleagues_own_qgis_style(layers, tmp_path):
    path = to_gpkg(tmp_path / "out.gpkg", {"gba": layers["gba"]})
    with sqlite3.connect(path) as con:
        con.execute(
            "insert into layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
            "values ('', '', 'gba', 'geom', 'mine', '<qgis/>', '', 1, 'saved in QGIS', '', '')"
        )
    to_gpkg(path, {"gba": layers["gba"].iloc[:3]}, mode="append")
    with sqlite3.connect(path) as con:
        rows = con.execute("select styleName, useAsDefault, owner from layer_styles order by id").fetchall()
    assert rows == [("mine", 0, ""), ("geolink default", 1, "geolink")]


def test_overwrite_is_refused_while_the_file_is_being_written(layers, tmp_path):
    path = to_gpkg(tmp_path / "busy.gpkg", {"gini": layers["gini"]})
    before = path.read_bytes()
    writer = sqlite3.connect(path, isolation_level=None)  # another program's open write transaction
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE gini SET g = 0.5")
    with pytest.raises(FileInUseError, match=r"busy\.gpkg is in use: another program is writing"):
        to_gpkg(path, {"gba": layers["gba"]})
    writer.execute("ROLLBACK")
    writer.execute("PRAGMA journal_mode = WAL")  # as QGIS leaves GeoPackages
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE gini SET g = 0.5")  # committed, but only in the write-ahead log
    assert (tmp_path / "busy.gpkg-wal").stat().st_size > 0
    with pytest.raises(FileInUseError, match=r"busy\.gpkg-wal holds changes not yet in the file"):
        to_gpkg(path, {"gba": layers["gba"]})
    to_gpkg(path, {"gba": layers["gba"]}, mode="append")  # in place: the log's change is kept
    writer.close()
    assert pyogrio.read_dataframe(path, layer="gini")["g"].tolist() == [0.5, 0.5]
    assert _layers(path) == {"gini", "gba"} and path.read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy.gpkg"]  # the last connection closed the log
    to_gpkg(path, {"gba": layers["gba"]})  # nobody else has it open: overwrite is fine
    assert _layers(path) == {"gba"}


def test_overwrite_replaces_a_file_that_is_not_a_geopackage(layers, tmp_path):
    path = tmp_path / "junk.gpkg"
    path.write_text("not a database")
    to_gpkg(path, {"gini": layers["gini"]})  # asked for explicitly
    assert _layers(path) == {"gini"}


def test_numeric_categories_compare_as_numbers(layers, tmp_path):
    gba = layers["gba"].copy()
    gba["类别"] = np.array([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2], dtype=np.int64)
    cats = {
        np.int64(k): (c, f"第{k}类")
        for k, c in zip((1, 2, 3), ("#1b9e77", "#d95f02", "#7570b3"), strict=True)
    }
    path = to_gpkg(tmp_path / "n.gpkg", {"gba": gba}, styles={"gba": Style.categorized("类别", cats)})
    with sqlite3.connect(path) as con:
        (qml,) = con.execute("select styleQML from layer_styles where useAsDefault = 1").fetchone()
    rules = ET.fromstring(qml.split(">", 1)[1]).find("renderer-v2/rules/rule")
    assert [r.get("filter") for r in rules] == ['"leibie" = 1', '"leibie" = 2', '"leibie" = 3', "ELSE"]


def test_append_repairs_what_earlier_versions_wrote(layers, tmp_path):
    path = to_gpkg(tmp_path / "old.gpkg", {"gba": layers["gba"]})
    with sqlite3.connect(path) as con:  # as geolink wrote it before: the validator's complaints
        for _ in range(8):
            con.execute(
                "insert into gpkg_extensions values ('gpkg_data_columns', NULL, 'gpkg_schema', "
                "'http://www.geopackage.org/spec/#extension_schema', 'read-write')"
            )
        con.execute("update layer_styles set update_time = '2026-11-30 08:15:00', styleName = ?", ("x" * 40,))
    to_gpkg(path, {"gini": layers["gini"]}, mode="append")
    with sqlite3.connect(path) as con:
        schema = con.execute("select count(*) from gpkg_extensions where extension_name = 'gpkg_schema'")
        assert schema.fetchone() == (2,)
        rows = con.execute(
            "select f_table_name, styleName, update_time from layer_styles order by id"
        ).fetchall()
    assert rows[0] == ("gba", "x" * 30, "2026-11-30T08:15:00.000Z")


def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path, layers):
    """A folder or a device (e.g. /dev/full as root) is never replaced by the atomic rename."""
    folder = tmp_path / "out.gpkg"
    folder.mkdir()
    with pytest.raises(ValueError, match="is not a regular file"):
        to_gpkg(folder, {"gini": layers["gini"]})
    assert folder.is_dir()
    if Path("/dev/full").is_char_device():
        with pytest.raises(ValueError, match="is not a regular file"):
            to_gpkg("/dev/full", {"gini": layers["gini"]})
        assert Path("/dev/full").is_char_device()


def test_to_gpkg_leaves_the_users_gdal_sqlite_setting_alone(tmp_path):
    """The scratch file is written unsynced (one fsync before the rename); the user's GDAL setting is restored."""
    units = geolink.cities_in("gba")
    for setting in (None, "FULL"):
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": setting})
        try:
            geolink.to_gpkg(tmp_path / "gba.gpkg", {"gba": units})
            assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") == setting
        finally:
            pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": None})
    assert pyogrio.read_dataframe(tmp_path / "gba.gpkg", layer="gba")["adcode"].tolist() == units["adcode"].tolist()


def test_a_users_ascii_field_keeps_its_name_beside_a_chinese_column_of_the_same_pinyin():
    from geolink.gpkg import sanitise_names

    assert sanitise_names(["人口", "renkou"]) == {"人口": "renkou_2", "renkou": "renkou"}
    assert sanitise_names(["renkou", "人口"]) == {"renkou": "renkou", "人口": "renkou_2"}
    assert sanitise_names(["x y", "x_y", "fid"]) == {"x y": "x_y_2", "x_y": "x_y", "fid": "fid_2"}
