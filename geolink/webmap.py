"""Interactive Folium maps that work without the default CDNs (often unreachable in mainland China).

``self_contained=True`` (default) inlines Leaflet's JavaScript and CSS from
the installed ``django-js-lib-leaflet`` package (Leaflet 1.9.4, BSD licence)
and adds no tile layer, so the HTML file makes no network request at all.
``asset_base_url`` points the page at your own copy of ``leaflet.js`` /
``leaflet.css`` instead (e.g. an intranet mirror).  Only Leaflet is needed:
the choropleth is a GeoJson layer styled with the shared class breaks, the
legend plain HTML, so none of folium's other CDN assets (jQuery, Bootstrap,
Font Awesome) are loaded.

Tiles are optional.  Gaode/Amap tiles are in GCJ-02: with ``tiles='amap'`` the
data are shifted to GCJ-02 so they line up with the basemap.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geolink.agglomerations import agglomeration_outline
from geolink.boundaries import maritime_line
from geolink.classes import Classes, classify, format_number
from geolink.coords import convert_geometry
from geolink.fonts import CSS_FONT_STACK
from geolink.maps import local_crs

AMAP_TILES = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)
MISSING_COLOR = "#d9d9d9"


def _leaflet_dir() -> Path:
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "self-contained web maps need the 'django-js-lib-leaflet' package (a geolink dependency)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"


def _inline_assets() -> str:
    """Leaflet's CSS (images as data URIs) and JavaScript as inline ``<style>``/``<script>``."""
    root = _leaflet_dir()
    css = (root / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        png = (root / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    js = (root / "leaflet.js").read_text(encoding="utf-8")
    return f"<style>{css}</style>\n<script>{js}</script>"


def _lighten(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Coverage-preserving simplification for the browser (shared borders stay shared)."""
    if tolerance_m <= 0 or not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        return gdf
    crs = local_crs(gdf)
    geoms = gdf.geometry.to_crs(crs).values
    simple = (
        shapely.coverage_simplify(geoms, tolerance_m)
        if shapely.coverage_is_valid(geoms)
        else (shapely.simplify(geoms, tolerance_m, preserve_topology=True))
    )
    return gdf.set_geometry(gpd.GeoSeries(simple, crs=crs).to_crs("EPSG:4326").values)


def _legend(classes: Classes, title: str) -> str:
    rows = "".join(
        f'<div><span style="background:{c};display:inline-block;width:14px;height:10px;margin-right:6px;'
        f'border:1px solid #999"></span>{html.escape(label)} ({n})</div>'
        for c, label, n in zip(classes.colors, classes.labels, classes.counts, strict=True)
    )
    if classes.missing:
        rows += (
            f'<div><span style="background:{MISSING_COLOR};display:inline-block;width:14px;height:10px;'
            f'margin-right:6px;border:1px solid #999"></span>无数据 no data ({classes.missing})</div>'
        )
    return (
        "<style>.leaflet-container{background:#ffffff}</style>"
        '<div id="geolink-legend" style="position:fixed;bottom:24px;right:10px;z-index:1000;background:white;'
        f'padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px {CSS_FONT_STACK}">'
        f"<b>{html.escape(title)}</b>{rows}</div>"
    )


def web_map(
    gdf: gpd.GeoDataFrame,
    column: str,
    classes: Classes | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    breaks=None,
    cmap: str = "YlOrRd",
    title: str | None = None,
    outlines=None,
    tooltip: tuple[str, ...] = ("name", "name_en"),
    self_contained: bool = True,
    asset_base_url: str | None = None,
    tiles: str | None = None,
    context: gpd.GeoDataFrame | None = None,
    simplify: float | None = None,
) -> folium.Map:
    """Interactive choropleth (folium.Map) with tooltips, agglomeration outlines and a layer control.

    Parameters
    ----------
    classes, scheme, k, breaks, cmap : class breaks, shared with :func:`geolink.choropleth`.
    outlines : agglomeration id(s) or a GeoDataFrame of outlines (a toggleable layer).
    tooltip : columns shown on hover besides the value and its rank (1 = highest).
    self_contained : inline Leaflet; no external request (default).
    asset_base_url : load ``leaflet.js``/``leaflet.css`` from this URL instead (overrides self_contained).
    context : polygons drawn underneath in light grey for orientation (e.g. :func:`geolink.provinces`).
    simplify : tolerance in metres for lighter HTML (coverage-preserving); default: 1/2000 of the
        extent's diagonal (≈ 2.5 km for China, ≈ 150 m for the GBA); 0 keeps the geometry as is.
    tiles : None (no basemap), a folium tile name (``'OpenStreetMap'``, …; WGS 84 data as is), or
        ``'amap'`` (Gaode, GCJ-02: data are shifted to GCJ-02 to line up).
    """
    if column not in gdf.columns:
        raise KeyError(f"column {column!r} not in the data; columns: {list(gdf.columns)}")
    classes = classes or classify(gdf[column], scheme, k, breaks, cmap)
    shift = tiles == "amap"
    data = gdf.to_crs("EPSG:4326")
    if simplify is None:
        x0, y0, x1, y1 = data.to_crs(local_crs(data)).total_bounds
        simplify = float(np.hypot(x1 - x0, y1 - y0)) / 2000
    data = _lighten(data, simplify)
    values = pd.to_numeric(data[column], errors="coerce").astype(float)
    idx = classes.assign(values)
    keep = [c for c in tooltip if c in data.columns]
    layer = gpd.GeoDataFrame(
        {
            **{c: data[c].astype(str).to_numpy() for c in keep},
            "value": ["" if np.isnan(v) else format_number(v) for v in values],
            "rank": values.rank(ascending=False, method="min").map(
                lambda r: "" if np.isnan(r) else str(int(r))
            ),
            "_color": np.where(idx >= 0, np.array(classes.colors + (MISSING_COLOR,))[idx], MISSING_COLOR),
        },
        geometry=convert_geometry(data.geometry.values, "wgs84", "gcj02") if shift else data.geometry.values,
        crs="EPSG:4326",
    )
    minx, miny, maxx, maxy = layer.total_bounds
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_start=6, control_scale=True
    )
    if asset_base_url:
        base = asset_base_url.rstrip("/")
        fmap.default_js = [("leaflet", f"{base}/leaflet.js")]
        fmap.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    elif self_contained:
        fmap.default_js, fmap.default_css = [], []
        fmap.get_root().header.add_child(folium.Element(_inline_assets()), name="geolink_leaflet")
    if tiles == "amap":
        folium.TileLayer(
            AMAP_TILES, attr="© 高德地图 AutoNavi (GCJ-02)", name="高德 Amap", subdomains="1234"
        ).add_to(fmap)
    elif tiles:
        folium.TileLayer(tiles, name=tiles).add_to(fmap)
    if context is not None:
        ctx = _lighten(context.to_crs("EPSG:4326"), simplify)
        if shift:
            ctx = ctx.set_geometry(convert_geometry(ctx.geometry.values, "wgs84", "gcj02"))
        folium.GeoJson(
            ctx[["geometry"]].to_json(),
            name="背景 context",
            style_function=lambda f: {
                "fillColor": "#f0f0f0",
                "color": "#b0b0b0",
                "weight": 0.7,
                "fillOpacity": 1,
            },
            interactive=False,
        ).add_to(fmap)
    folium.GeoJson(
        layer.to_json(),
        name=title or column,
        style_function=lambda f: {
            "fillColor": f["properties"]["_color"],
            "color": "#ffffff",
            "weight": 0.6,
            "fillOpacity": 0.85,
        },
        highlight_function=lambda f: {"weight": 2, "color": "#333333"},
        tooltip=folium.GeoJsonTooltip(fields=[*keep, "value", "rank"], aliases=[*keep, column, "rank"]),
    ).add_to(fmap)
    if outlines is not None:
        lines = outlines if isinstance(outlines, gpd.GeoDataFrame) else agglomeration_outline(outlines)
        lines = lines.to_crs("EPSG:4326")
        if shift:
            lines = lines.set_geometry(convert_geometry(lines.geometry.values, "wgs84", "gcj02"))
        label = "agglomeration_zh" if "agglomeration_zh" in lines.columns else None
        folium.GeoJson(
            lines[[c for c in (label, "geometry") if c]].to_json(),
            name="城市群 agglomerations",
            style_function=lambda f: {"fill": False, "color": "#222222", "weight": 2},
            tooltip=folium.GeoJsonTooltip(fields=[label]) if label else None,
        ).add_to(fmap)
    lon_span = (
        maxx - minx if context is None else float(np.ptp(context.to_crs("EPSG:4326").total_bounds[::2]))
    )
    if lon_span > 25:  # a national map shows the South China Sea maritime boundary line
        line = maritime_line()
        if shift:
            line = line.set_geometry(convert_geometry(line.geometry.values, "wgs84", "gcj02"))
        folium.GeoJson(
            line[["geometry"]].to_json(),
            name="南海 maritime boundary",
            style_function=lambda f: {"color": "#555555", "weight": 1.5},
            interactive=False,
        ).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(_legend(classes, title or column)))
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap
