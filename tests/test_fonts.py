"""Chinese text without a system font: the bundled Noto Sans CJK SC subset, its coverage, licence and build."""

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

import geolink
from geolink import fonts
from geolink._paths import bundled
from geolink.fonts import BUNDLED_FILE, BUNDLED_FONT, CJK_FONTS, CSS_FONT_STACK, cjk_font, css_font_face

FONTS = bundled("data") / "fonts"
BUNDLED = FONTS / BUNDLED_FILE
REPO = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = REPO / "data" / "fonts" / "build_font.py"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")

# Rendered inside a mount namespace whose font directories are empty tmpfs mounts.
SCRIPT = r"""
import json, sys
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager
import geolink
from geolink.fonts import cjk_font

gba = geolink.cities_in("gba")
census = geolink.datasets.load("census")
urban = census[census["year"] == 2020].set_index("adcode")["urbanisation_pct"]
gba["城镇化率 2020 (%)"] = urban.reindex(gba.index).to_numpy()
fig = geolink.choropleth(gba, "城镇化率 2020 (%)", title="粤港澳大湾区 城镇化率（第七次人口普查）", labels="name")
fig.savefig(sys.argv[1], dpi=80)
texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
print(json.dumps({
    "cjk_font": cjk_font(),
    "sans_serif": matplotlib.rcParams["font.sans-serif"][:2],
    "system_cjk": sorted({f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name} - {sys.argv[2]}),
    "texts": {t.get_text(): font_manager.findfont(t.get_fontproperties()) for t in texts},
}, ensure_ascii=False))
"""


def test_bundled_font_is_the_sc_subset_with_its_licence():
    font = TTFont(BUNDLED)
    names = font["name"]
    assert names.getDebugName(1) == BUNDLED_FONT
    assert "Source" not in names.getDebugName(1)  # the Reserved Font Name of the original
    assert "Open Font License" in names.getDebugName(13)
    assert names.getDebugName(0).startswith("© 2014-2021 Adobe")
    assert 1_000_000 < BUNDLED.stat().st_size < 4_000_000  # a few MB, not the 19 MB collection
    licence = (FONTS / "LICENSE").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Reserved Font Name 'Source'" in licence
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(BUNDLED.read_bytes()).hexdigest() in readme  # the README names this very file
    cmap = font.getBestCmap()
    for text in (
        "粤港澳大湾区",
        "亳州市",
        "儋州市",
        "濮阳市",
        "衢州市",
        "无数据",
        "城镇化率",
        "−",
        "（）：、",
    ):
        assert all(ord(c) in cmap for c in text), text


def test_bundled_font_covers_gb2312_and_every_bundled_text():
    if not BUILD_SCRIPT.exists():
        pytest.skip("data/fonts/build_font.py is not beside the tests")
    spec = importlib.util.spec_from_file_location("build_font", BUILD_SCRIPT)
    build_font = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_font)
    cmap = TTFont(BUNDLED).getBestCmap()
    gb = build_font.gb2312()
    assert len(gb) == 7445  # 6,763 hanzi + 682 symbols
    assert {c for c in gb if ord(c) not in cmap} == set()
    texts = build_font.bundled_text(REPO)
    missing = sorted(
        c for c in texts if ord(c) not in cmap and not c.isspace() and unicodedata.category(c) != "Cc"
    )
    original = build_font.DEFAULT_SOURCE
    if original.exists():  # only characters the original face lacks may be absent
        face = TTFont(original, fontNumber=build_font._face_index(original), lazy=True)
        missing = [c for c in missing if ord(c) in face.getBestCmap()]
    else:  # without the original: every wide (CJK) character must be there; matplotlib's DejaVu draws the rest
        missing = [c for c in missing if unicodedata.east_asian_width(c) in ("W", "F")]
    assert missing == [], (
        f"rebuild the font (python data/fonts/build_font.py): {''.join(missing)!r} not covered"
    )


def test_css_stack_names_cjk_fonts_and_the_web_legend_uses_it():
    families = [f.strip("'") for f in CSS_FONT_STACK.split(",")]
    assert families[0] == "Noto Sans CJK SC" and families[-2:] == [BUNDLED_FONT, "sans-serif"]
    assert {"Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei"} <= set(families)
    assert '"' not in CSS_FONT_STACK  # it goes inside a double-quoted style attribute
    gba = geolink.cities_in("gba").assign(v=range(11))
    html = geolink.web_map(gba, "v").get_root().render()
    legend = re.search(r'<div id="geolink-legend" style="([^"]*)"', html)
    assert legend and f"font:12px {CSS_FONT_STACK}" in legend.group(1)


def _embedded(css: str) -> TTFont:
    import base64
    import io

    data = re.fullmatch(r"@font-face\{font-family:'(.+?)';src:url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) "
                        r"format\('woff'\);font-display:block\}", css)
    assert data and data.group(1) == BUNDLED_FONT
    return TTFont(io.BytesIO(base64.b64decode(data.group(2))))


def test_css_font_face_embeds_exactly_the_glyphs_of_the_text_and_ascii(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    text = "广州市 城镇化率 2020 – 埇桥区\n香港特別行政區\u3000\u00a0😀"  # 😀 is not in the bundled font
    font = _embedded(css_font_face(text))
    assert font.flavor == "woff" and font["name"].getDebugName(1) == BUNDLED_FONT
    assert "SIL Open Font License" in (font["name"].getDebugName(13) or "")  # the licence record is kept
    source = TTFont(BUNDLED, lazy=True).getBestCmap()
    wanted = {*range(0x20, 0x7F), *(ord(c) for c in text if ord(c) > 0x7E)}  # the newline is ASCII
    assert set(font.getBestCmap()) == wanted & set(source)
    assert {ord("埇"), 0x3000, 0xA0} <= set(font.getBestCmap()) and ord("😀") not in font.getBestCmap()


def test_css_font_face_is_cached_per_character_set(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    first = css_font_face("深圳市")
    (stored,) = tmp_path.glob("webfont_*.woff")
    monkeypatch.setattr(fonts, "_woff_subset", lambda *a: pytest.fail("subset again"))
    assert css_font_face("市圳深深") == first  # the same characters: read from the cache
    monkeypatch.undo()
    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    stored.write_bytes(stored.read_bytes()[:500])  # a truncated file is not trusted
    assert css_font_face("深圳市") == first and stored.stat().st_size > 500
    assert css_font_face("广州市") != first and len(list(tmp_path.glob("webfont_*.woff"))) == 2


def test_css_font_face_without_a_usable_cache_is_made_each_time(tmp_path, monkeypatch):
    (tmp_path / "file").touch()
    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path / "file" / "cache"))  # cannot be created
    font = _embedded(css_font_face("广州"))
    assert {ord("广"), ord("州"), ord("A")} <= set(font.getBestCmap())


def test_css_font_face_without_the_bundled_font_is_empty(monkeypatch):
    monkeypatch.setattr(fonts, "BUNDLED_FILE", "no_such_font.otf")
    assert css_font_face("广州") == ""


def test_a_cjk_font_is_first_in_this_process():
    name = cjk_font()
    assert name in CJK_FONTS or name == BUNDLED_FONT
    import matplotlib as mpl

    assert mpl.rcParams["font.sans-serif"][:2] == [name, "DejaVu Sans"]


def test_no_system_font_maps_render_chinese_with_the_bundled_font(tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    dirs = [d for d in (os.path.expanduser(p) for p in FONT_DIRS) if os.path.isdir(d)]
    mounts = " && ".join(f"mount -t tmpfs tmpfs '{d}'" for d in dirs)
    script, png, fc = tmp_path / "render.py", tmp_path / "gba.png", tmp_path / "fc-list.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    mplconfig = tmp_path / "mplconfig"
    mplconfig.mkdir()
    env = {
        **os.environ,
        "MPLCONFIGDIR": str(mplconfig),
        "GEOLINK_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": str(Path(geolink.__file__).resolve().parents[1]),
    }
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare -m is not permitted here: {probe.stderr.strip()}")
    shell = f'{mounts} && (fc-list :lang=zh > "$1"; true) && exec "$2" -W error "$3" "$4" "$5"'
    run = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            shell,
            "sh",
            str(fc),
            sys.executable,
            str(script),
            str(png),
            BUNDLED_FONT,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert not re.search(r"glyph|font", run.stderr, re.IGNORECASE), run.stderr[-3000:]
    if shutil.which("fc-list"):
        assert fc.read_text() == "", f"CJK fonts still visible in the namespace: {fc.read_text()[:500]}"
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["cjk_font"] == BUNDLED_FONT
    assert report["system_cjk"] == []
    assert report["sans_serif"] == [BUNDLED_FONT, "DejaVu Sans"]
    texts = report["texts"]
    chinese = {t: f for t, f in texts.items() if re.search(r"[\u4e00-\u9fff]", t)}
    assert (
        "粤港澳大湾区 城镇化率（第七次人口普查）" in chinese
        and "广州市" in chinese
        and "无数据 no data  (2)" in chinese
    )
    assert len(chinese) >= 13  # title, legend title, 11 city labels, the no-data entry
    assert {Path(f).name for f in chinese.values()} == {BUNDLED_FILE}
    assert png.stat().st_size > 20_000


def test_demo_without_system_fonts_runs_clean(tmp_path):
    """The whole main job in the namespace with no font: no warning (errors with -W error), every output.

    Its PNGs are rendered by a worker process, which registers the bundled font itself.
    """
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
        pytest.skip("unshare -m is not available here")
    dirs = [d for d in (os.path.expanduser(p) for p in FONT_DIRS) if os.path.isdir(d)]
    mounts = " && ".join(f"mount -t tmpfs tmpfs '{d}'" for d in dirs)
    (tmp_path / "mplconfig").mkdir()
    env = {
        **os.environ,
        "MPLCONFIGDIR": str(tmp_path / "mplconfig"),
        "GEOLINK_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": str(Path(geolink.__file__).resolve().parents[1]),
    }
    out = tmp_path / "maps"
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", f'{mounts} && exec "$1" -W error -m geolink demo -o "$2"', "sh", sys.executable, str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stderr == "", run.stderr[-3000:]
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == 12 and all((out / p).stat().st_size > 20_000 for p in pngs)
    assert "done in" in run.stdout
