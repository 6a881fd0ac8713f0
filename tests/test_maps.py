import html
import json
import re
import shutil
import subprocess
import warnings

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

import geolink
from geolink.fonts import cjk_font


@pytest.fixture(scope="module")
def gba():
    units = geolink.cities_in("gba")
    units["value"] = np.arange(len(units), dtype=float)
    units.loc["820000", "value"] = np.nan
    return units


def test_a_cjk_font_is_used_and_no_glyph_is_missing(tmp_path, gba):
    assert cjk_font() is not None, "no CJK font: neither a system one nor the bundled subset"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = geolink.choropleth(gba, "value", title="粤港澳大湾区 城镇化率", source="数据来源：统计年鉴")
        fig.savefig(tmp_path / "map.png", dpi=60)
    assert not [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]


def test_choropleth_classes_legend_and_pixels(tmp_path, gba):
    classes = geolink.classify(gba["value"], "equal_interval", k=3)
    fig = geolink.choropleth(gba, "value", classes=classes, value_unit="%", labels="name_short", outlines="gba")
    legend = fig.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    # values 0..9 in three equal intervals of width 3: 0–3 holds 0,1,2,3; 3–6 holds 4,5,6; 6–9 holds 7,8,9
    assert texts[:3] == [f"{lab}  ({n})" for lab, n in zip(classes.labels, (4, 3, 3), strict=True)]
    assert texts[3] == "无数据 no data  (1)" and legend.get_title().get_text() == "value (%)"
    fig.savefig(tmp_path / "map.png", dpi=60)
    img = (mpimg.imread(tmp_path / "map.png")[..., :3] * 255).round().astype(int)
    present = {tuple(c) for c in img.reshape(-1, 3)}
    for color in classes.colors:  # every class colour is actually drawn
        rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
        assert any(max(abs(a - b) for a, b in zip(rgb, p, strict=True)) <= 2 for p in present)
    with pytest.raises(KeyError, match="column 'gdp' not in the data"):
        geolink.choropleth(gba, "gdp")


def test_national_map_gets_a_south_china_sea_inset():
    units = geolink.prefectures().assign(v=lambda d: d["area_km2"])
    fig = geolink.choropleth(units, "v", k=4)
    assert len(fig.axes[0].child_axes) == 1
    minx, maxx = fig.axes[0].get_xlim()
    regional = geolink.choropleth(units.loc[geolink.cities_in("gba").index], "v", k=3)
    assert regional.axes[0].child_axes == []
    assert maxx - minx > 10 * np.diff(regional.axes[0].get_xlim())[0]  # extent fits what is shown


def test_membership_map_names_overlaps():
    fig = geolink.agglomeration_map("eight", overlap="first")
    note = " ".join(t.get_text() for t in fig.texts)
    assert "运城市: cp (full)/gzp (partial) → cp" in note
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][0] == "京津冀 bth (13)"


def test_distance_decay_plots():
    towns = geolink.datasets.load("dongguan_towns").dropna(subset=["lon"])
    res = geolink.distance_decay(towns, "pop_2020", target="深圳市", dropna=True)
    fig = geolink.plot_distance_decay(res)
    assert "Pearson r = -0.63" in fig.axes[0].get_title()
    assert len(fig.axes[0].lines) == 4  # linear, log-linear, exponential, power
    fig2 = geolink.map_distance_decay(res, rings_km=(10, 20))
    assert "rings: 10, 20 km" in [t.get_text() for t in fig2.axes[0].get_legend().get_texts()][-1]


# --- web maps -------------------------------------------------------------------------------------


def test_self_contained_web_map_has_no_external_assets(tmp_path, gba):
    path = tmp_path / "map.html"
    geolink.web_map(gba, "value", outlines="gba").save(str(path))
    text = path.read_text(encoding="utf-8")
    assert '<script src="http' not in text and '<link rel="stylesheet" href="http' not in text
    assert "cdn.jsdelivr" not in text and "code.jquery" not in text
    assert "Leaflet 1.9.4" in text or "1.9.4" in text  # inlined from django-js-lib-leaflet
    assert "无数据 no data (1)" in text and "agglomerations" in text


def test_asset_base_url_and_amap_shift(gba):
    m = geolink.web_map(
        gba, "value", asset_base_url="https://intranet.example/leaflet/", self_contained=False
    )
    html = m.get_root().render()
    assert '<script src="https://intranet.example/leaflet/leaflet.js">' in html
    shifted = geolink.web_map(gba, "value", tiles="amap").get_root().render()
    plain = geolink.web_map(gba, "value").get_root().render()
    assert "autonavi" in shifted and shifted != plain  # GeoJSON moved to GCJ-02 (~500 m)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium with no network and a new profile, its console on stderr."""
    return subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=4000", *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_web_map_embeds_the_glyphs_of_every_text_it_shows(gba):
    """A browser without a CJK font draws the page's Chinese with the embedded subset, not boxes."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    outlines = geolink.agglomeration_outline("gba")
    page = geolink.web_map(gba.assign(简称=gba["name_short"]), "value", title="粤港澳 测试值", outlines=outlines,
                           tooltip=("name", "name_en", "简称")).get_root().render()
    (woff,) = re.findall(r"src:url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    cmap = TTFont(io.BytesIO(base64.b64decode(woff))).getBestCmap()
    shown = "".join([*gba["name"], "简称", *gba["name_short"], "粤港澳 测试值", "城市群 agglomerations",
                     *outlines["agglomeration_zh"], "无数据"])
    assert {c for c in shown if ord(c) > 0x7E} - {chr(c) for c in cmap} == set()
    assert ".leaflet-tooltip,html body .leaflet-control-layers{font-family:" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_chromium_loads_the_embedded_font(tmp_path, gba):
    from geolink.fonts import BUNDLED_FONT

    html = tmp_path / "map.html"
    geolink.web_map(gba, "value", title="城镇化率").save(str(html))
    probe = (f"<script>document.fonts.load(\"12px '{BUNDLED_FONT}'\", '广州市城镇化率').then("
             "fs => document.body.setAttribute('data-fonts', fs.map(f => f.family + ':' + f.status).join('|')),"
             "e => document.body.setAttribute('data-fonts', 'error ' + e));</script></html>")
    html.write_text(html.read_text(encoding="utf-8").replace("</html>", probe), encoding="utf-8")
    proc = _chromium(tmp_path, "--dump-dom", html.as_uri())
    assert f'<body data-fonts="{BUNDLED_FONT}:loaded">' in proc.stdout, proc.stderr[-2000:]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_web_map_renders_offline_in_chromium(tmp_path, gba):
    classes = geolink.classify(gba["value"], "quantiles", k=4)
    html = tmp_path / "map.html"
    geolink.web_map(gba, "value", classes=classes).save(str(html))
    shot = tmp_path / "shot.png"
    proc = _chromium(tmp_path, "--window-size=900,700", f"--screenshot={shot}", html.as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not [line for line in console if "rror" in line or "Uncaught" in line], console
    img = (mpimg.imread(shot)[..., :3] * 255).round().astype(int)
    present = {tuple(c) for c in img.reshape(-1, 3)}
    assert len(present) > 50  # not blank
    drawn = 0
    for color in classes.colors:  # polygons are filled with the class colours (opacity 0.85 on white)
        rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
        blended = np.round(0.85 * rgb + 0.15 * 255)
        drawn += any(np.abs(blended - np.array(p)).max() <= 3 for p in present)
    assert drawn >= 3


def test_classify_schemes_use_mapclassify_names():
    import mapclassify

    v = pd.Series([1.0, 2.0, 3.0, 10.0, 50.0, np.nan])
    q = geolink.classify(v, "quantiles", k=2)
    assert q.k == 2 and q.tally(v) == ((3, 2), 1)
    u = geolink.classify(v, "user_defined", bins=[5, 20])
    assert u.upper == (5.0, 20.0, 50.0) and u.tally(v) == ((3, 1, 1), 1)
    assert u.assign([4, 5, 6, None]).tolist() == [0, 0, 1, -1]
    fj = geolink.classify(v, "fisher_jenks", k=3)
    assert fj.upper == tuple(mapclassify.FisherJenks(v.dropna().to_numpy(), k=3).bins.tolist())
    for scheme in ("natural_breaks", "jenks_caspall", "equal_interval", "maximum_breaks", "headtail_breaks"):
        assert geolink.classify(v, scheme, k=3).upper[-1] == 50.0
    with pytest.raises(ValueError, match="scheme must be one of"):
        geolink.classify(v, "user")  # the old geolink-only spelling is refused with the valid names
    with pytest.raises(ValueError, match="k must be a positive whole number"):
        geolink.classify(v, "quantiles", k=0)
    with pytest.raises(ValueError, match="infinite"):
        geolink.classify([1.0, np.inf], "quantiles")


def _web_legend_counts(html: str) -> list[int]:
    import re

    legend = html[html.index('id="geolink-legend"') :]
    legend = legend[: legend.index("</div></div>") + 12]
    return [int(n) for n in re.findall(r"\((\d+)\)</div>", legend)]


def test_web_legend_counts_the_units_drawn_like_the_png(gba):
    """National classes on a GBA map: the legend counts the 11 units drawn, not the 370 classified."""
    national = geolink.prefectures().assign(v=lambda d: d["area_km2"])
    classes = geolink.classify(national["v"], "quantiles", k=5)
    shown = national.loc[gba.index]
    counts = _web_legend_counts(geolink.web_map(shown, "v", classes=classes).get_root().render())
    assert sum(counts) == 11 and counts == list(classes.tally(shown["v"])[0])
    fig = geolink.choropleth(shown, "v", classes=classes)
    png = [int(t.get_text().rsplit("(", 1)[1][:-1]) for t in fig.axes[0].get_legend().get_texts()]
    assert png == counts
    with_missing = _web_legend_counts(geolink.web_map(gba, "value", k=3).get_root().render())
    assert sum(with_missing) == 11 and with_missing[-1] == 1  # 10 classed + "no data (1)"


def test_web_map_writes_template_syntax_in_titles_and_names_literally(gba):
    """folium compiles rendered scripts as Jinja templates again: braces in text must survive as text."""
    names = gba["name"].astype(object).copy()
    names.iloc[0] = "广州{{ 1+1 }}{% x"
    title = "{{ 1+1 }} 测试 {% raw %}{#"
    page = geolink.web_map(gba.assign(name=names), "area_km2", k=3, title=title).get_root().render()
    assert f"<b>{title}</b>" in page  # the legend
    assert '"\\u5e7f\\u5dde{{ 1+1 }}{% x"' in page  # the unit's tooltip property
    assert '"{{ 1+1 }} \\u6d4b\\u8bd5 {% raw %}{#" : geo_json_' in page  # the layer control
    assert "{% endraw %}" not in page and ">2 测试<" not in page


def test_plot_lq_comparison_draws_one_bar_per_unit_and_industry():
    lq = geolink.datasets.load("gz_sz_lq").query("year == 2022")
    fig = geolink.plot_lq_comparison(lq, industry="industry_zh")
    bars = fig.axes[0].patches
    assert len(bars) == 68
    widths = sorted(round(b.get_width(), 6) for b in bars)
    assert widths == sorted(round(v, 6) for v in lq["lq"])
    with pytest.raises(ValueError, match="select one time value"):
        geolink.plot_lq_comparison(geolink.datasets.load("gz_sz_lq"), industry="industry_zh")


def test_national_web_map_draws_the_maritime_line_and_regional_does_not(gba):
    national = geolink.prefectures().assign(v=lambda d: d["area_km2"])
    html = geolink.web_map(national, "v").get_root().render()
    assert "maritime boundary" in html
    assert "maritime boundary" not in geolink.web_map(gba, "value").get_root().render()


def test_national_simplification_is_cached_on_disk_exactly(tmp_path, monkeypatch):
    import shapely

    from geolink import display

    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    display._national.cache_clear()
    computed = display._national(4096.0)
    (stored,) = tmp_path.glob("display_*_4096m_*.npz")
    display._national.cache_clear()
    read = display._national(4096.0)  # from the file, not simplified again
    assert read.index.equals(computed.index) and read.crs == computed.crs
    assert shapely.equals_exact(read.values, computed.values, 0).all()
    # a truncated file is not trusted: simplified again and rewritten
    stored.write_bytes(stored.read_bytes()[:1000])
    display._national.cache_clear()
    again = display._national(4096.0)
    assert shapely.equals_exact(again.values, computed.values, 0).all()
    assert stored.stat().st_size > 1000
    display._national.cache_clear()


def test_simplified_provinces_follow_the_simplified_prefecture_borders():
    import shapely

    from geolink.display import display_simplified

    units = geolink.prefectures()
    provinces = display_simplified(geolink.provinces(), 2048.0).set_index("province_adcode")
    light = display_simplified(units, 2048.0)
    guangdong = shapely.coverage_union_all(light.loc[units["province_adcode"] == "440000", "geometry"].to_numpy())
    assert shapely.equals_exact(provinces.loc["440000", "geometry"], guangdong, 0)
    assert shapely.is_valid(provinces.geometry.values).all() and len(provinces) == 34
    # a layer that is not the bundled provinces (a province moved) is simplified on its own
    moved = geolink.provinces().iloc[:3].assign(geometry=lambda d: d.geometry.translate(0.001, 0))
    assert not shapely.equals_exact(display_simplified(moved, 2048.0).geometry.values[0], provinces.geometry.values[0], 0)


ATTACK = "<img src=x onerror=\"document.title='PWNED'\">"


def test_web_map_texts_are_never_templates_nor_html(gba):
    """Column names, titles and values reach the page as text: not run as Jinja, not parsed as HTML."""
    data = gba.assign(**{"{{ 7*7 }}": "x", "{% raw %}": ATTACK, "rank": "Q"})
    data.loc["440300", "name"] = ATTACK
    fmap = geolink.web_map(data, "value", title=ATTACK, tooltip=("name", "{{ 7*7 }}", "{% raw %}", "rank"))
    page = fmap.get_root().render()
    aliases = json.loads(re.search(r"let aliases = (\[.*?\]);", page).group(1))
    assert aliases == ["name", "{{ 7*7 }}", "{% raw %}", "rank", "value", "rank"]  # the user's rank, then geolink's
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page  # the legend
    assert '"\\u0026lt;img src=x onerror=' in page  # the layer control's name, escaped for HTML, then JSON
    features = json.loads(re.search(r"_add\((\{\"features\".*?\})\);\n", page).group(1))["features"]
    shenzhen = next(f["properties"] for f in features if f["properties"]["t0"].startswith("&lt;img"))
    assert shenzhen["t0"] == html.escape(ATTACK) and shenzhen["t3"] == "Q"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_web_map_runs_no_script_from_its_texts_in_chromium(tmp_path, gba):
    data = gba.assign(note=ATTACK)
    page = tmp_path / "map.html"
    geolink.web_map(data, "value", title=ATTACK, tooltip=("name", "note")).save(str(page))
    probe = ("<script>setTimeout(() => { for (const k of Object.keys(window)) { const g = window[k]; "
             "if (k.startsWith('geo_json_') && typeof g.getTooltip === 'function' && g.getTooltip()) "
             "document.body.setAttribute('data-tip', g.getTooltip()._content(g.getLayers()[0])); } }, 50);</script></html>")
    page.write_text(page.read_text(encoding="utf-8").replace("</html>", probe), encoding="utf-8")
    proc = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "data-tip=" in proc.stdout, proc.stderr[-2000:]  # the tooltip was built
    assert "PWNED" not in re.sub(r"&lt;.*?&gt;|&amp;lt;.*?&amp;gt;", "", proc.stdout.split("<body", 1)[0])
    assert "<title>PWNED" not in proc.stdout


@pytest.mark.parametrize(
    ("categories", "error", "match"),
    [
        (["HH", "LL"], TypeError, "map each value"),
        ({"HH": "#f00", "LL": "#00f"}, ValueError, r"categories\['HH'\] must be \(colour, label\)"),
        ({"HH": ("notacolour", "高高"), "LL": ("#00f", "低低")}, ValueError, "'notacolour' is not a colour"),
        ({"HH": ('red"><img src=x>', "高高"), "LL": ("#00f", "低低")}, ValueError, "is not a colour"),
    ],
)
def test_web_map_checks_its_categories(gba, categories, error, match):
    with pytest.raises(error, match=match):
        geolink.web_map(gba.assign(c=["HH"] * 5 + ["LL"] * 6), "c", categories=categories)


def test_web_map_shows_category_labels_and_normalises_colours(gba):
    page = geolink.web_map(gba.assign(c=["HH"] * 5 + ["LL"] * 6), "c",
                           categories={"HH": ("red", "高—高 HH"), "LL": ((0, 0, 1), "低—低 LL")}).get_root().render()
    features = json.loads(re.search(r"_add\((\{\"features\".*?\})\);\n", page).group(1))["features"]
    assert {f["properties"]["_color"] for f in features} == {"#ff0000", "#0000ff"}
    assert {f["properties"]["t2"] for f in features} == {"高—高 HH", "低—低 LL"}  # name, name_en, then the label


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda g: geolink.web_map(pd.DataFrame(g.drop(columns="geometry")), "value"), TypeError, "GeoDataFrame"),
        (lambda g: geolink.web_map(g.iloc[:0], "value"), ValueError, "no geometry to map"),
        (lambda g: geolink.web_map(g, "value", tooltip=("name", "nmae")), KeyError, r"tooltip column\(s\) \['nmae'\]"),
        (lambda g: geolink.web_map(g, "value", context=g.set_crs(None, allow_override=True)), ValueError,
         "context has no CRS"),
        (lambda g: geolink.web_map(g, "value", asset_base_url='https://x/a"b'), ValueError, "asset_base_url"),
    ],
)
def test_web_map_refuses_bad_input_clearly(gba, call, error, match):
    with pytest.raises(error, match=match):
        call(gba)


def test_web_map_takes_one_tooltip_column_as_a_string(gba):
    page = geolink.web_map(gba, "value", tooltip="name_en").get_root().render()
    assert json.loads(re.search(r"let aliases = (\[.*?\]);", page).group(1)) == ["name_en", "value", "rank"]


def test_web_map_draws_points_as_coloured_circles(gba):
    points = gba.set_geometry(gba.representative_point())
    page = geolink.web_map(points, "value", k=3).get_root().render()
    assert "new L.CircleMarker(latlng, opts)" in page


def test_web_map_embeds_glyphs_of_the_amap_credit(gba):
    import base64
    import io

    from fontTools.ttLib import TTFont

    page = geolink.web_map(gba, "value", tiles="amap").get_root().render()
    (woff,) = re.findall(r"src:url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    assert set(map(ord, "高德地图©")) <= set(TTFont(io.BytesIO(base64.b64decode(woff))).getBestCmap())


def test_web_map_names_the_units_it_cannot_draw_and_counts_only_the_drawn(gba):
    data = gba.copy()
    data.loc["440300", "geometry"] = None
    with pytest.warns(UserWarning, match="1 unit\\(s\\) without a geometry are not drawn.*440300 深圳市"):
        page = geolink.web_map(data, "value", classes=geolink.classify(gba["value"], "user_defined", bins=[100]))
    html_ = page.get_root().render()
    assert "(9)</div>" in html_ and "无数据 no data (1)" in html_  # 11 units: Macao has no value, Shenzhen no shape
    whole = geolink.web_map(gba, "value").get_root().render()
    assert len(html_) < 1.1 * len(whole)  # still simplified


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"categories": {1.0: ("red", "a")}, "classes": "x"}, "not both"),
        ({"outlines": geolink.agglomeration_outline("gba").iloc[:0]}, "outlines is an empty GeoDataFrame"),
    ],
)
def test_web_map_refuses_contradictory_options(gba, options, match):
    with pytest.raises(ValueError, match=match):
        geolink.web_map(gba, "value", **options)


def test_web_map_tooltip_shows_decimals_as_the_legend_does(gba):
    data = gba.assign(share=np.linspace(0.012345, 87.545562, 11), n=np.arange(11), flag=True)
    page = geolink.web_map(data, "value", tooltip=("name", "share", "n", "flag")).get_root().render()
    layer = next(json.loads(m.group(1))["features"] for m in re.finditer(r"_add\((\{\"features\".*?\})\);\n", page)
                 if "t1" in json.loads(m.group(1))["features"][0]["properties"])
    assert {f["properties"]["t1"] for f in layer} >= {"0.0123", "87.5"}
    assert {f["properties"]["t2"] for f in layer} == {str(i) for i in range(11)} and {f["properties"]["t3"] for f in layer} == {"True"}


def test_web_map_outline_labels_are_text_too(gba):
    outlines = geolink.agglomeration_outline("gba").assign(agglomeration_zh=ATTACK + "{{ 7*7 }}")
    page = geolink.web_map(gba, "value", outlines=outlines).get_root().render()
    assert "<img src=x" not in page and "49" not in re.findall(r"let aliases = (\[.*?\]);", page)[-1]
    labels = [json.loads(m.group(1))["features"] for m in re.finditer(r"_add\((\{\"features\".*?\})\);\n", page)]
    assert [f["properties"] for f in labels[-1]] == [{"t0": html.escape(ATTACK + "{{ 7*7 }}")}]


def test_web_map_geojson_is_geopandas_geojson():
    """The layers' GeoJSON, built from GEOS coordinate arrays, is geopandas' (less its bounding boxes).

    Every geometry kind a layer may hold: holes, several parts, lines, points, 3D, missing and
    empty geometries (null), a multipolygon with an empty part, collections; ids from the index.
    """
    import geopandas as gpd
    import shapely

    from geolink.webmap import _feature_collection

    wkts = [
        "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0), (0.2 0.2, 0.4 0.2, 0.4 0.4, 0.2 0.2), (0.6 0.6, 0.8 0.6, 0.8 0.8, 0.6 0.6))",
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.5 5.2, 5.8 5.2, 5.8 5.4, 5.5 5.2)))",
        None, "POLYGON EMPTY", "POINT (113.26436 23.12908)", "LINESTRING (0 0, 1 1, 2 0)",
        "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 4))", "MULTIPOINT ((0 0), (1 1))",
        "GEOMETRYCOLLECTION (POINT (0 0), LINESTRING (0 0, 1 1))", "POINT Z (1 2 3)", "POLYGON Z ((0 0 1, 1 0 1, 1 1 1, 0 0 1))",
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), EMPTY)", "LINESTRING EMPTY",
    ]
    geoms = shapely.from_wkt(np.array(wkts, dtype=object))
    props = {"t0": [f"名{i}" for i in range(len(wkts))], "_color": np.array(["#d7191c"] * len(wkts))}
    index = pd.Index([f"4403{i:02d}" for i in range(len(wkts))])
    ref = gpd.GeoDataFrame(props, geometry=geoms, index=index).to_geo_dict(show_bbox=False)
    assert json.dumps(_feature_collection(props, geoms, ids=index)) == json.dumps(ref)
    ref = gpd.GeoDataFrame(geometry=geoms).to_geo_dict(show_bbox=False)
    assert json.dumps(_feature_collection({}, geoms)) == json.dumps(ref)
    national = geolink.prefectures().geometry.values
    assert json.dumps(_feature_collection({}, national)) == json.dumps(gpd.GeoSeries(national).to_frame().to_geo_dict())


def test_web_map_legend_title_and_value_unit(gba):
    html = geolink.web_map(gba, "value", title="城镇化率 2020", legend_title="城镇化率", value_unit="%").get_root().render()
    legend = html[html.index('id="geolink-legend"'):]
    assert legend.split("</b>")[0].endswith("<b>城镇化率 (%)")
    assert '"value (%)"' in html  # the tooltip names the value with its unit
    assert json.dumps("城镇化率 2020") in html  # the layer keeps its title in the layer control
    plain = geolink.web_map(gba, "value", title="城镇化率 2020").get_root().render()
    assert plain[plain.index('id="geolink-legend"'):].split("</b>")[0].endswith("<b>城镇化率 2020")
