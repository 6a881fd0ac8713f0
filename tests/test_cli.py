import sqlite3
import subprocess
import sys

import pandas as pd
import pyogrio
import pytest
from conftest import CENSUS_CITY

from geolink._paths import bundled
from geolink.cli import main

needs_census = pytest.mark.skipif(not CENSUS_CITY.exists(), reason="../shared/data/census is absent")


def test_entry_point_help_and_summary():
    out = subprocess.run([sys.executable, "-m", "geolink", "summary"], capture_output=True, text=True, check=True)
    assert "370 prefecture-level units" in out.stdout and "gba" in out.stdout
    helped = subprocess.run([sys.executable, "-m", "geolink", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "demo" in helped.stdout and "gini" in helped.stdout
    helped = subprocess.run([sys.executable, "-m", "geolink", "map", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "--value" in helped.stdout and "--unit" in helped.stdout


@pytest.mark.parametrize(
    "command, options",
    [
        ("join", {"--unit", "--year", "--value", "--scheme", "--k", "--bins", "--level", "--definition"}),
        ("map", {"--unit", "--year", "--value", "--scheme", "--k", "--bins", "--value-unit"}),
        ("gini", {"--value", "--group", "--unit", "--time", "--weight", "--overlap", "--dropna"}),
        ("decay", {"--value", "--target", "--distance", "--dropna"}),
    ],
)
def test_cli_options_follow_the_library_vocabulary(command, options):
    helped = subprocess.run([sys.executable, "-m", "geolink", command, "--help"], capture_output=True, text=True)
    assert all(opt in helped.stdout for opt in options), helped.stdout
    for old in ("--on ", "--column", "--by ", "--weights", "--indicator", "--breaks", "--units "):
        assert old not in helped.stdout


@needs_census
def test_join_census_table_to_gpkg(tmp_path, capsys):
    out = tmp_path / "census.gpkg"
    assert main(["join", str(CENSUS_CITY), "-o", str(out)]) == 0
    assert "369 joined" in capsys.readouterr().err
    layers = dict(pyogrio.list_layers(out))
    assert layers["prefectures"] == "MultiPolygon" and layers["join_report"] is None
    assert len(pyogrio.read_dataframe(out, layer="prefectures", read_geometry=False)) == 370


def test_join_county_rows_by_the_reporting_definition(tmp_path, capsys):
    table = tmp_path / "counties.csv"
    table.write_text("code,pop\n130600,35\n130602,10\n130682,20\n130629,5\n", encoding="utf-8")
    out = tmp_path / "c.gpkg"
    args = ["join", str(table), "--unit", "code", "--level", "county", "--definition", "statistical", "-o", str(out)]
    assert main(args) == 2 and "needs year=" in capsys.readouterr().err
    assert main([*args, "--year", "2020"]) == 0
    assert "2 apart" in capsys.readouterr().err
    moved = pyogrio.read_dataframe(out, layer="reassigned", read_geometry=False)
    assert moved["name"].tolist() == ["定州市", "容城县"]
    layer = pyogrio.read_dataframe(out, layer="prefectures", read_geometry=False).set_index("adcode")
    assert layer.loc["130600", "pop"] == 10


@needs_census
def test_map_png_and_html(tmp_path):
    assert (
        main(
            [
                "map",
                str(CENSUS_CITY),
                "--value",
                "popu_2020",
                "-o",
                str(tmp_path / "m.png"),
                "--agglomeration",
                "gba",
                "--labels",
                "--dpi",
                "60",
            ]
        )
        == 0
    )
    assert (tmp_path / "m.png").stat().st_size > 10_000
    assert main(["map", str(CENSUS_CITY), "--value", "popu_2020", "-o", str(tmp_path / "m.html")]) == 0
    assert (
        main(
            [
                "map",
                str(CENSUS_CITY),
                "--value",
                "popu_2020",
                "--scheme",
                "user_defined",
                "--bins",
                "5e6",
                "1e7",
                "-o",
                str(tmp_path / "u.png"),
                "--dpi",
                "50",
            ]
        )
        == 0
    )
    assert "leaflet" in (tmp_path / "m.html").read_text(encoding="utf-8").lower()


def test_errors_are_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1.5,x\n2.5,y\n", encoding="utf-8")
    assert main(["join", str(bad), "-o", str(tmp_path / "x.gpkg")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "geolink join: error: no column names prefecture-level units; pass unit= (columns: ['a', 'b'])"
    ]
    assert main(["map", str(tmp_path / "missing.csv"), "--value", "x", "-o", "x.png"]) == 2
    assert "no such table" in capsys.readouterr().err
    strict = tmp_path / "strict.csv"
    strict.write_text("city,v\n广州,1\n东筦,2\n", encoding="utf-8")
    assert main(["join", str(strict), "--strict", "-o", str(tmp_path / "s.gpkg")]) == 2
    assert "line 3 '东筦'" in capsys.readouterr().err  # the file's line, as the user sees it
    table = tmp_path / "v.csv"
    table.write_text("city_code,v\n440100,1\n", encoding="utf-8")
    assert main(["gini", str(table), "--value", "v", "--group", "eight"]) == 2
    assert "column(s) ['adcode'] not in data" in capsys.readouterr().err
    for argv, message in (
        (["join", str(table), "--agg", "bogus", "-o", "x.gpkg"], "argument --agg: invalid choice: 'bogus'"),
        (["map", str(table), "--value", "v", "--k", "0", "-o", "x.png"], "argument --k: must be a whole number ≥ 1"),
        (["map", str(table), "--value", "v", "-o", "x.pdf"], "-o must end in .png or .html"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err
    ok = tmp_path / "ok.csv"
    ok.write_text("city,v\n广州,1\n", encoding="utf-8")
    assert main(["join", str(ok), "-o", str(tmp_path / "new" / "dir" / "x.gpkg")]) == 0  # folders are created


def test_gini_with_agglomeration_grouping(tmp_path, capsys):
    table = tmp_path / "values.csv"
    rows = [
        ("440100", 1.0),
        ("440300", 3.0),
        ("441900", 2.0),
        ("310100", 5.0),
        ("320500", 4.0),
        ("330100", 6.0),
    ]
    pd.DataFrame(rows, columns=["adcode", "v"]).to_csv(table, index=False)
    assert main(["gini", str(table), "--value", "v", "--group", "eight", "-o", str(tmp_path / "g.gpkg")]) == 0
    out = capsys.readouterr()
    assert "G_w" in out.out and "k" in out.out
    summary = pyogrio.read_dataframe(tmp_path / "g.gpkg", layer="dagum_summary")
    assert summary["g"].item() == pytest.approx(
        sum(abs(a - b) for _, a in rows for _, b in rows) / (2 * 36 * 3.5)
    )


def test_decay_command(tmp_path, capsys):
    towns = bundled("data") / "dongguan_towns.csv"
    assert (
        main(
            [
                "decay",
                str(towns),
                "--target",
                "深圳市",
                "--value",
                "pop_2020",
                "--dropna",
                "-o",
                str(tmp_path / "d.png"),
            ]
        )
        == 0
    )
    assert "-0.63" in capsys.readouterr().out and (tmp_path / "d.png").exists()


def test_export(tmp_path):
    out = tmp_path / "aggl.gpkg"
    assert main(["export", "-o", str(out), "--agglomerations", "gba", "yrd"]) == 0
    outlines = pyogrio.read_dataframe(out, layer="agglomerations")
    assert outlines["agglomeration_id"].tolist() == ["gba", "yrd"]


def test_demo_writes_every_output(tmp_path, capsys):
    assert main(["demo", "-o", str(tmp_path)]) == 0
    expected = {
        "gba_urbanisation_2020.png",
        "china_urbanisation.png",
        "china_growth_2010_2020.png",
        "china_age_65_plus.png",
        "dagum_urbanisation.png",
        "lisa_urbanisation_2020.png",
        "lisa_urbanisation_2020.html",
        "gba_decay.png",
        "dongguan_decay.png",
        "dongguan_decay_map.png",
        "china_urbanisation_2020.html",
        "coagglomeration_2004.png",
        "coagglomeration_2018.png",
        "gz_sz_lq.png",
        "geolink_demo.gpkg",
        "index.html",
    }
    assert expected <= {p.name for p in tmp_path.iterdir()}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in expected - {"index.html"})
    assert "Krugman index of the 2022 three-sector structures of Guangzhou and Shenzhen: 0.21" in index
    assert "Lei Dong et al. (2022)" in index and "Part 2" in index
    layers = dict(pyogrio.list_layers(tmp_path / "geolink_demo.gpkg"))
    assert layers["census_2020"] == "MultiPolygon" and layers["dongguan_towns"] == "Point"
    census = pyogrio.read_dataframe(tmp_path / "geolink_demo.gpkg", layer="census_2020", read_geometry=False)
    assert len(census) == 370 and census["urbanisation_pct"].notna().sum() == 369 - 34
    with sqlite3.connect(tmp_path / "geolink_demo.gpkg") as con:
        styled = {r[0] for r in con.execute("SELECT f_table_name FROM layer_styles WHERE useAsDefault")}
    assert {"census_2020", "prefectures", "lisa_urbanisation_2020", "agglomerations", "dongguan_towns"} <= styled
    assert "[" in capsys.readouterr().out  # progress lines


def test_demo_prints_no_warning(tmp_path):
    """A clean run of the main job prints nothing but its progress lines (no warning of any kind)."""
    out = subprocess.run([sys.executable, "-W", "always", "-m", "geolink", "demo", "-o", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr == "", out.stderr[-2000:]


def test_main_leaves_the_garbage_collector_alone_and_the_command_exits_with_its_code():
    import gc
    import subprocess
    import sys

    assert gc.isenabled()
    assert main(["summary"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0  # only the process entry (run) turns it off
    bad = subprocess.run([sys.executable, "-m", "geolink", "map", "no_such.csv", "--value", "x", "-o", "x.png"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "no_such.csv" in bad.stderr


def test_moran_distance_band_takes_its_radius(tmp_path, capsys):
    import geolink

    census = geolink.datasets.load("census")
    table = tmp_path / "c.csv"
    census[census["year"] == 2020].to_csv(table, index=False)
    base = ["moran", str(table), "--value", "urbanisation_pct", "--dropna", "--permutations", "9"]
    assert main([*base, "--weights", "distance_band"]) == 2
    assert "--weights distance_band needs --threshold-km" in capsys.readouterr().err
    assert main([*base, "--weights", "distance_band", "--threshold-km", "150"]) == 0
    out = capsys.readouterr()
    assert "335 0.4268" in out.out and "3 unit(s) without a neighbour among the units used" in out.err
