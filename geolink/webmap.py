"""Interactive Folium maps that work without the default CDNs (often unreachable in mainland China).

``self_contained=True`` (default) inlines Leaflet's JavaScript and CSS from
the installed ``django-js-lib-leaflet`` package (Leaflet 1.9.4, BSD licence)
and adds no tile layer, so the HTML file makes no network request at all.
``asset_base_url`` points the page at your own copy of ``leaflet.js`` /
``leaflet.css`` instead (e.g. an intranet mirror).  Only Leaflet is needed:
the choropleth is a GeoJson layer styled with the shared class breaks, the
legend plain HTML, so none of folium's other CDN assets (jQuery, Bootstrap,
Font Awesome) are loaded; with ``self_contained=False`` folium loads them all from their CDNs.

Tiles are optional.  Gaode/Amap tiles are in GCJ-02: with ``tiles='amap'`` the
data are shifted to GCJ-02 so they line up with the basemap.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement

from geolink.agglomerations import agglomeration_outline
from geolink.boundaries import is_national, maritime_line
from geolink.classes import MISSING_COLOR, MISSING_LABEL, Classes, classify, format_number
from geolink.coords import convert_geometry
from geolink.display import display_simplified, display_tolerance
from geolink.fonts import CSS_FONT_STACK, css_font_face

AMAP_TILES = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)


class _Verbatim(Element):
    """HTML put into the page as it is.

    folium's ``Element(html)`` compiles its text as a Jinja template: ``{{ … }}`` in a title or a
    label would be evaluated, and compiling Leaflet's 150 kB of JavaScript took longer than the rest
    of the page.
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _VerbatimMacro(MacroElement):
    """A folium element whose rendered header, HTML and script go into the page as :class:`_Verbatim`.

    branca's ``MacroElement.render`` puts them in as ``Element(text)``, which compiles the rendered
    text as a Jinja template once more: for a GeoJSON layer that is its whole embedded data, and
    compiling it took twice as long as rendering the rest of a national map.
    """

    def render(self, **kwargs):
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if macros.get(part) is not None:
                getattr(figure, part).add_child(_Verbatim(macros[part](self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _GeoJson(folium.GeoJson, _VerbatimMacro):
    """``folium.GeoJson`` with its data written into the page verbatim (see :class:`_VerbatimMacro`)."""


def _label(text) -> str:
    """A name for folium's layer control and tooltips, which show it as HTML after compiling their
    rendered script as a Jinja template once more: HTML-escaped, and each ``{`` written as a raw
    block that renders back to ``{``."""
    return "{% raw %}{{% endraw %}".join(html.escape(str(text)).split("{"))


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


def _legend(entries: list[tuple[str, str, int]], title: str) -> str:
    """Legend rows (colour, label, count of the units drawn), as in the PNG."""
    swatch = "display:inline-block;width:14px;height:10px;margin-right:6px;border:1px solid #999"
    rows = "".join(
        f'<div><span style="background:{c};{swatch}"></span>{html.escape(label)} ({n})</div>' for c, label, n in entries
    )
    return (
        "<style>.leaflet-container{background:#ffffff}</style>"
        '<div id="geolink-legend" style="position:fixed;bottom:24px;right:10px;z-index:1000;background:white;'
        f'padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px {CSS_FONT_STACK}">'
        f"<b>{html.escape(title)}</b>{rows}</div>"
    )


def _class_entries(classes: Classes, values) -> list[tuple[str, str, int]]:
    counts, missing = classes.tally(values)
    entries = list(zip(classes.colors, classes.labels, counts, strict=True))
    return entries + ([(MISSING_COLOR, MISSING_LABEL, missing)] if missing else [])


def _category_colors(values: pd.Series, categories) -> tuple[np.ndarray, list[tuple[str, str, int]], dict]:
    """Colour per unit, legend entries and value → label of a categorical variable.

    Values outside ``categories`` and colours that are not colours raise ``ValueError``.
    """
    from matplotlib.colors import to_hex

    if not isinstance(categories, Mapping):
        raise TypeError(f"categories must map each value to (colour, label), got {type(categories).__name__}")
    checked = {}
    for v, spec in categories.items():
        if not (isinstance(spec, tuple | list) and len(spec) == 2):
            raise ValueError(f"categories[{v!r}] must be (colour, label), got {spec!r}")
        try:
            checked[v] = (to_hex(spec[0]), str(spec[1]))
        except (ValueError, TypeError):
            raise ValueError(f"categories[{v!r}]: {spec[0]!r} is not a colour (e.g. '#d7191c' or 'red')") from None
    present = values.dropna()
    unknown = sorted(map(str, set(present) - set(checked)))
    if unknown:
        raise ValueError(f"values without a category: {unknown}; categories: {list(checked)}")
    colors = np.array([checked[v][0] if pd.notna(v) else MISSING_COLOR for v in values], dtype=object)
    counts = present.value_counts()
    entries = [(c, label, int(counts.get(v, 0))) for v, (c, label) in checked.items()]
    missing = int(values.isna().sum())
    return colors, entries + ([(MISSING_COLOR, MISSING_LABEL, missing)] if missing else []), checked


DEFAULT_TOOLTIP = ("name", "name_en")  # shown where the data have them

COORDINATE_DIGITS = 5  # decimals of the degrees written into the page: 1e-5° ≈ 1 m


def _to_display(gdf: gpd.GeoDataFrame, shift: bool) -> gpd.GeoDataFrame:
    """WGS 84 (GCJ-02 when drawn over Amap tiles), coordinates rounded to ``COORDINATE_DIGITS``.

    Rounding to about a metre keeps shared borders shared (equal vertices stay equal) and
    halves the page against full float precision.
    """
    gdf = gdf.to_crs("EPSG:4326")
    geoms = convert_geometry(gdf.geometry.values, "wgs84", "gcj02") if shift else gdf.geometry.values
    return gdf.set_geometry(shapely.transform(geoms, lambda xy: np.round(xy, COORDINATE_DIGITS)))


# shapely type ids: 0 Point, 1 LineString, 3 Polygon, 5 MultiLineString, 6 MultiPolygon
_GEOJSON_TYPES = {0: "Point", 1: "LineString", 3: "Polygon", 5: "MultiLineString", 6: "MultiPolygon"}
# GeoJSON coordinates from a geometry's parts, each a list of coordinate sequences
_COORDINATES = {
    "Point": lambda parts: parts[0][0][0],  # one part, one sequence, one position
    "LineString": lambda parts: parts[0][0],
    "Polygon": lambda parts: parts[0],  # its rings
    "MultiLineString": lambda parts: [p[0] for p in parts],
    "MultiPolygon": lambda parts: parts,
}


def _feature_collection(props: Mapping[str, list], geometries, ids=None) -> dict:
    """``GeoDataFrame(props, geometry=geometries).__geo_interface__`` (the same JSON), built fast.

    geopandas has shapely hand over each ring's coordinates in Python, half of a national web
    map's build time; here GEOS gives every coordinate in one array, cut into rings and parts.
    Points, lines and polygons (single or multi, 2D, without empty parts) go this way; other
    geometries through ``shapely.geometry.mapping``; missing and empty ones are ``null``.
    """
    geoms = np.asarray(geometries, dtype=object)
    n = len(geoms)
    kinds = shapely.get_type_id(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    fast = present & np.isin(kinds, list(_GEOJSON_TYPES)) & ~shapely.has_z(geoms)
    parts, part_of = shapely.get_parts(geoms[fast], return_index=True)
    whole = np.flatnonzero(fast)
    empty_part = np.zeros(n, bool)
    empty_part[whole[part_of[shapely.is_empty(parts)]]] = True
    fast &= ~empty_part
    keep = ~empty_part[whole[part_of]]
    parts, owner = parts[keep], whole[part_of[keep]]
    # a part's coordinate sequences: a polygon's rings, a line or point itself
    polygonal = np.isin(kinds[owner], (3, 6))
    rings, ring_of = shapely.get_rings(parts[polygonal], return_index=True)
    seqs = np.concatenate([rings, parts[~polygonal]])
    seq_part = np.concatenate([np.flatnonzero(polygonal)[ring_of], np.flatnonzero(~polygonal)])
    order = np.argsort(seq_part, kind="stable")
    seqs, seq_part = seqs[order], seq_part[order]
    coords = shapely.get_coordinates(seqs).tolist()
    ends = np.cumsum(shapely.get_num_coordinates(seqs)).tolist()
    part_seqs: list[list] = [[] for _ in range(len(parts))]
    start = 0
    for p, end in zip(seq_part.tolist(), ends, strict=True):
        part_seqs[p].append(coords[start:end])
        start = end
    geometry: list = [None] * n
    for i in np.flatnonzero(present & ~fast):
        geometry[i] = shapely.geometry.mapping(geoms[i])
    members: list[list] = [[] for _ in range(n)]  # geometry → its parts → their coordinate sequences
    for p, i in enumerate(owner.tolist()):
        members[i].append(part_seqs[p])
    for i in np.flatnonzero(fast).tolist():
        kind = _GEOJSON_TYPES[int(kinds[i])]
        geometry[i] = {"type": kind, "coordinates": _COORDINATES[kind](members[i])}
    ids = [str(i) for i in (range(n) if ids is None else ids)]
    keys = list(props)
    rows = zip(*(props[k] for k in keys), strict=True) if keys else [()] * n
    return {
        "type": "FeatureCollection",
        "features": [
            {"id": fid, "type": "Feature", "properties": dict(zip(keys, row, strict=True)), "geometry": g}
            for fid, row, g in zip(ids, rows, geometry, strict=True)
        ],
    }


def _add_assets(fmap: folium.Map, self_contained: bool, asset_base_url: str | None) -> None:
    if asset_base_url:
        base = asset_base_url.rstrip("/")
        fmap.default_js = [("leaflet", f"{base}/leaflet.js")]
        fmap.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    elif self_contained:
        fmap.default_js, fmap.default_css = [], []
        fmap.get_root().header.add_child(_Verbatim(_inline_assets()), name="geolink_leaflet")


def _add_tiles(fmap: folium.Map, tiles: str | None) -> list[str]:
    """Add the basemap; returns the texts it shows (its name and credit)."""
    if tiles == "amap":
        name, credit = "高德 Amap", "© 高德地图 AutoNavi (GCJ-02)"
        folium.TileLayer(AMAP_TILES, attr=credit, name=name, subdomains="1234").add_to(fmap)
        return [name, credit]
    if tiles:
        layer = folium.TileLayer(tiles, name=tiles).add_to(fmap)
        return [tiles, str(getattr(layer, "attr", ""))]
    return []


def _add_lines(fmap: folium.Map, lines: gpd.GeoDataFrame, name: str, color: str, weight: float, tooltip=None) -> list[str]:
    """Add a layer of outlines; returns the texts it shows (its name, its tooltips)."""
    rows = [(tooltip, _texts(lines[tooltip]))] if tooltip else []
    props, tip = _tooltip(rows)
    _GeoJson(
        _feature_collection(props, lines.geometry.values),
        name=name,
        style_function=lambda f: {"fill": False, "color": color, "weight": weight},
        tooltip=tip,
        interactive=tooltip is not None,
    ).add_to(fmap)
    return [name, *(t for row in rows for t in (row[0], *row[1]))]


def _add_font(fmap: folium.Map, texts: list[str]) -> None:
    """Embed the bundled CJK font's glyphs for ``texts`` and draw the page with :data:`CSS_FONT_STACK`."""
    face = css_font_face("".join(texts))
    fmap.get_root().header.add_child(
        _Verbatim(f"<style>{face}html body .leaflet-tooltip,html body .leaflet-control-layers"
                  f"{{font-family:{CSS_FONT_STACK}}}</style>"),
        name="geolink_font",
    )


def _texts(values) -> list[str]:
    """Tooltip text of each value: decimals as in the legend (:func:`geolink.classes.format_number`),
    anything else as it reads, ``""`` where missing."""
    return [
        "" if _missing(v) else format_number(v) if isinstance(v, float | np.floating) and np.isfinite(v) else str(v)
        for v in pd.Series(values, dtype=object)
    ]


def _missing(v) -> bool:
    return v is None or (not isinstance(v, list | tuple | np.ndarray | dict | set) and bool(pd.isna(v)))


def _tooltip_columns(data: gpd.GeoDataFrame, value, tooltip) -> list:
    """The tooltip's columns besides the value: the default ones that exist; any other that is missing raises."""
    tooltip = (tooltip,) if isinstance(tooltip, str) else tuple(tooltip or ())
    if tooltip == DEFAULT_TOOLTIP:
        return [c for c in tooltip if c in data.columns and c != value]
    missing = [c for c in tooltip if c not in data.columns]
    if missing:
        raise KeyError(f"tooltip column(s) {missing} not in the data; columns: {list(data.columns)}")
    return [c for c in dict.fromkeys(tooltip) if c != value]


def _tooltip(rows: list[tuple[str, list[str]]]) -> tuple[dict[str, list[str]], folium.GeoJsonTooltip | None]:
    """Tooltip rows (name, one text per feature) as feature properties ``t0``, ``t1``, …
    (HTML-escaped: the tooltip shows them as HTML; own keys, so no column name can clash with
    another), and the tooltip that shows them under their names."""
    props = {f"t{i}": [html.escape(t) for t in texts] for i, (_, texts) in enumerate(rows)}
    return props, folium.GeoJsonTooltip(fields=list(props), aliases=[_label(n) for n, _ in rows]) if rows else None


def _check_inputs(data, value, *, context, outlines, classes, categories, asset_base_url) -> None:
    """Refuse what :func:`web_map` cannot draw, naming the argument."""
    if not isinstance(data, gpd.GeoDataFrame):
        raise TypeError(f"data must be a GeoDataFrame (e.g. geolink.prefectures() joined with your table), got {type(data).__name__}")
    if value not in data.columns:
        raise KeyError(f"column {value!r} not in the data; columns: {list(data.columns)}")
    if data.crs is None:
        raise ValueError("the data have no CRS: set one first (e.g. data.set_crs('EPSG:4326'))")
    if data.geometry.isna().all() or data.geometry.is_empty.all():
        raise ValueError("the data have no geometry to map (no rows, or every geometry missing or empty)")
    for name, frame in (("context", context), ("outlines", outlines)):
        if isinstance(frame, gpd.GeoDataFrame) and frame.crs is None:
            raise ValueError(f"{name} has no CRS: set one first (e.g. {name}.set_crs('EPSG:4326'))")
    if asset_base_url and re.search(r"[\s\"'<>]", asset_base_url):
        raise ValueError(f"asset_base_url {asset_base_url!r}: a URL has no spaces, quotes or angle brackets")
    if categories is not None and classes is not None:
        raise ValueError("give classes= (a numeric column) or categories= (a categorical one), not both")
    if isinstance(outlines, gpd.GeoDataFrame) and outlines.empty:
        raise ValueError("outlines is an empty GeoDataFrame: give outlines to draw, or outlines=None")


def _drawable(wgs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The units with a geometry; the others are named in a warning (not drawn, not in the legend)."""
    absent = (wgs.geometry.isna() | wgs.geometry.is_empty).to_numpy()
    if absent.any():
        label = wgs["name"] if "name" in wgs.columns else pd.Series(wgs.index, index=wgs.index)
        warnings.warn(
            f"{absent.sum()} unit(s) without a geometry are not drawn nor counted in the legend: "
            + ", ".join(f"{i} {n}" for i, n in zip(wgs.index[absent][:10], label[absent][:10], strict=True))
            + (" …" if absent.sum() > 10 else ""),
            stacklevel=3,  # the caller of web_map
        )
    return wgs[~absent]


def web_map(
    data: gpd.GeoDataFrame,
    value: str,
    *,
    classes: Classes | None = None,
    categories=None,
    scheme: str = "quantiles",
    k: int = 5,
    bins=None,
    cmap: str = "YlOrRd",
    title: str | None = None,
    legend_title: str | None = None,
    value_unit: str | None = None,
    outlines=None,
    tooltip: str | tuple = DEFAULT_TOOLTIP,
    context: gpd.GeoDataFrame | None = None,
    simplify: float | None = None,
    self_contained: bool = True,
    asset_base_url: str | None = None,
    tiles: str | None = None,
) -> folium.Map:
    """Interactive choropleth (``folium.Map``) with tooltips, agglomeration outlines and a layer control.

    Parameters
    ----------
    data : GeoDataFrame of the units.
    value : the column mapped.
    classes, scheme, k, bins, cmap : class breaks, shared with :func:`geolink.choropleth`.
    categories : for a categorical column (e.g. LISA clusters) instead of classes: value →
        ``(colour, label)`` (a matplotlib colour: ``'#d7191c'``, ``'red'``); every value must
        have a category; the tooltip shows the label.
    title : the layer's name in the layer control (default: the column name).
    legend_title : legend heading (default: ``title``, else the column name); ``value_unit``
        (e.g. ``'%'``, ``'万人'``) is added to it in parentheses and to the value's name in the
        tooltip, as in :func:`geolink.choropleth`.
    outlines : agglomeration id(s) or grouping, or a GeoDataFrame of outlines (a toggleable layer).
    tooltip : column(s) shown on hover besides the value and its rank (1 = highest); by default
        ``name`` and ``name_en`` where the data have them, any other column must exist.
    context : polygons drawn underneath in light grey (e.g. :func:`geolink.provinces`).
    simplify : tolerance in metres for lighter HTML (coverage-preserving); default: 1/2000 of the
        extent's diagonal (≈ 2.5 km for China, ≈ 150 m for the GBA); 0 keeps the geometry as is.
    self_contained : inline Leaflet; no external request (default).  ``False`` leaves folium's
        defaults: Leaflet, jQuery, Bootstrap and Font Awesome from their CDNs.
    asset_base_url : load ``leaflet.js``/``leaflet.css`` from this URL instead (overrides self_contained).
    tiles : None (no basemap), a folium tile name (``'OpenStreetMap'``, …; WGS 84 data as is), or
        ``'amap'`` (Gaode, GCJ-02: the data are shifted to GCJ-02 to line up).

    The legend counts the units drawn; national maps (see
    :func:`geolink.boundaries.is_national`) draw the South China Sea maritime line.  The page
    embeds the bundled CJK font's glyphs for every text it shows
    (:func:`geolink.fonts.css_font_face`), so a browser without a CJK font draws Chinese, not boxes.

    Returns
    -------
    folium.Map
        ``.save("map.html")`` writes a page that works offline.

    Examples
    --------
    >>> import geolink
    >>> gba = geolink.cities_in("gba")
    >>> m = geolink.web_map(gba, "area_km2", k=3)
    >>> html = m.get_root().render()
    >>> "unpkg.com" in html or "cdn.jsdelivr" in html, "geolink-legend" in html
    (False, True)
    >>> lisa = gba.assign(cluster=["HH"] * 3 + ["not significant"] * 8)
    >>> colours = {"HH": ("#d7191c", "高—高 HH"), "not significant": ("#eeeeee", "不显著")}
    >>> "高—高 HH (3)" in geolink.web_map(lisa, "cluster", categories=colours).get_root().render()
    True
    """
    _check_inputs(data, value, context=context, outlines=outlines, classes=classes, categories=categories,
                  asset_base_url=asset_base_url)
    extra = _tooltip_columns(data, value, tooltip)
    unit_text = "" if value_unit is None else f" ({value_unit})"
    heading = f"{legend_title or title or value}{unit_text}"
    shift = tiles == "amap"
    wgs = data.to_crs("EPSG:4326")
    wgs = _drawable(wgs)
    if simplify is None:
        simplify = display_tolerance(wgs, 2000)
    if categories is not None:
        colors, entries, labels = _category_colors(wgs[value], categories)
        shown = [labels[v][1] if not _missing(v) else "" for v in wgs[value]]
        rows = [*((c, _texts(wgs[c])) for c in extra), (f"{value}{unit_text}", shown)]
    else:
        classes = classes or classify(data[value], scheme, k=k, bins=bins, cmap=cmap)
        colors, entries = classes.colors_of(wgs[value]), _class_entries(classes, wgs[value])
        numbers = pd.to_numeric(wgs[value], errors="coerce").astype(float)
        rank = numbers.rank(ascending=False, method="min")
        rows = [
            *((c, _texts(wgs[c])) for c in extra),
            (f"{value}{unit_text}", ["" if np.isnan(v) else format_number(v) for v in numbers]),
            ("rank", ["" if np.isnan(r) else str(int(r)) for r in rank]),
        ]
    props, tip = _tooltip(rows)
    drawn = _to_display(display_simplified(wgs, simplify), shift)
    minx, miny, maxx, maxy = drawn.total_bounds
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_start=6, control_scale=True,
        zoom_snap=0.25, zoom_delta=0.5,
    )
    _add_assets(fmap, self_contained, asset_base_url)
    # every text the page shows (titles, legend, tooltip names and values), for the embedded font
    shown = [title or value, heading, *_add_tiles(fmap, tiles), *(label for _, label, _ in entries)]
    shown += [str(name) for name, _ in rows] + [t for _, texts in rows for t in texts]
    if context is not None:
        ctx = _to_display(display_simplified(context.to_crs("EPSG:4326"), simplify), shift)
        shown.append("背景 context")
        _GeoJson(
            _feature_collection({}, ctx.geometry.values, ids=ctx.index),
            name="背景 context",
            style_function=lambda f: {"fillColor": "#f0f0f0", "color": "#b0b0b0", "weight": 0.7, "fillOpacity": 1},
            interactive=False,
        ).add_to(fmap)
    points = drawn.geom_type.isin(["Point", "MultiPoint"]).all()
    _GeoJson(
        _feature_collection({**props, "_color": colors}, drawn.geometry.values),
        name=_label(title or value),
        style_function=lambda f: {"fillColor": f["properties"]["_color"], "color": "#ffffff", "weight": 0.6,
                                  "fillOpacity": 0.85},
        highlight_function=lambda f: {"weight": 2, "color": "#333333"},
        tooltip=tip,
        marker=folium.CircleMarker(radius=6, fill=True) if points else None,  # Leaflet's pin image is not inlined
    ).add_to(fmap)
    if outlines is not None:
        lines = outlines if isinstance(outlines, gpd.GeoDataFrame) else agglomeration_outline(outlines)
        lines = display_simplified(lines.to_crs("EPSG:4326"), simplify)
        label = "agglomeration_zh" if "agglomeration_zh" in lines.columns else None
        shown += _add_lines(fmap, _to_display(lines, shift), "城市群 agglomerations", "#222222", 2, tooltip=label)
    if is_national(data if context is None else context):
        shown += _add_lines(fmap, _to_display(maritime_line(), shift), "南海 maritime boundary", "#555555", 1.5)
    _add_font(fmap, [str(t) for t in shown])
    fmap.get_root().html.add_child(_Verbatim(_legend(entries, heading)))
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap
