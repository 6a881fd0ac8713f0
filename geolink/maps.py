"""Static maps and charts (matplotlib): choropleths, distance-decay plots, LQ comparisons.

Maps are drawn in a Lambert azimuthal equal-area projection centred on the
units shown (:func:`geolink.projection.local_crs`), so areas are true and
north is up at the centre; the extent fits the units (GBA or the whole
country).  Chinese text uses a CJK font (:func:`geolink.fonts.cjk_font`).
Colours, legend counts and the "national map" decision come from
:class:`geolink.Classes` and :func:`geolink.boundaries.is_national`, shared
with the web map.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke

from geolink.agglomerations import agglomeration_groups, agglomeration_outline, agglomerations
from geolink.boundaries import is_national, maritime_line, prefectures
from geolink.classes import MISSING_COLOR, MISSING_LABEL, Classes, classify
from geolink.display import PIXELS, display_simplified, display_tolerance, draw_polygons
from geolink.fonts import cjk_font
from geolink.projection import local_crs

HALO = [withStroke(linewidth=2.2, foreground="white")]
SANSHA = "460300"  # 三沙: drawn in the 南海诸岛 inset of national maps


def _figure(figsize) -> tuple[Figure, object]:
    cjk_font()
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    return fig, ax


def _scale_bar(ax, corner: str = "left", crs_units_per_km: float = 1000.0) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width_km = (x1 - x0) / crs_units_per_km
    nice = 10 ** math.floor(math.log10(width_km / 5))
    length = max(m * nice for m in (1, 2, 5) if m * nice <= width_km / 4)
    x = x0 + 0.04 * (x1 - x0) if corner == "left" else x1 - 0.04 * (x1 - x0) - length * crs_units_per_km
    y = y0 + 0.04 * (y1 - y0)
    ax.plot([x, x + length * crs_units_per_km], [y, y], color="black", lw=2.5, solid_capstyle="butt")
    ax.text(
        x + length * crs_units_per_km / 2,
        y + 0.012 * (y1 - y0),
        f"{length:g} km",
        ha="center",
        va="bottom",
        fontsize=8,
    )


def _north_arrow(ax) -> None:
    ax.annotate(
        "N",
        xy=(0.96, 0.97),
        xytext=(0.96, 0.88),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5},
    )


def _fit_extent(ax, gdf: gpd.GeoDataFrame, pad: float) -> None:
    """Axis limits around ``gdf`` with a margin of ``pad`` × its larger side; equal aspect."""
    minx, miny, maxx, maxy = gdf.total_bounds
    margin = pad * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - margin, maxx + margin)
    ax.set_ylim(miny - margin, maxy + margin)
    ax.set_aspect("equal")


def _outlines(outlines, crs) -> gpd.GeoDataFrame | None:
    if outlines is None:
        return None
    if isinstance(outlines, gpd.GeoDataFrame):
        return outlines.to_crs(crs)
    return agglomeration_outline(outlines).to_crs(crs)


def _without_sansha(gdf: gpd.GeoDataFrame, inset: bool) -> gpd.GeoDataFrame:
    return gdf[gdf["adcode"] != SANSHA] if inset and "adcode" in gdf.columns else gdf


def _class_legend(ax, classes: Classes, values, title: str, loc: str) -> None:
    """Legend with the class bounds and the counts of the units drawn (plus "no data" when any)."""
    counts, missing = classes.tally(values)
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=f"{lab}  ({n})")
        for c, lab, n in zip(classes.colors, classes.labels, counts, strict=True)
    ]
    if missing:
        handles.append(Patch(facecolor=MISSING_COLOR, edgecolor="#999999", label=f"{MISSING_LABEL}  ({missing})"))
    ax.legend(handles=handles, title=title, loc=loc, fontsize=8, title_fontsize=9, frameon=True)


def _label_units(ax, gdf: gpd.GeoDataFrame, column: str) -> None:
    points = gdf.representative_point()
    for x, y, text in zip(points.x, points.y, gdf[column], strict=True):
        ax.text(x, y, str(text), ha="center", va="center", fontsize=7, color="#222222", path_effects=HALO)


def choropleth(
    data: gpd.GeoDataFrame,
    value: str,
    *,
    classes: Classes | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins=None,
    cmap: str = "YlOrRd",
    title: str | None = None,
    legend_title: str | None = None,
    value_unit: str | None = None,
    source: str | None = None,
    outlines=None,
    labels: str | None = None,
    context: gpd.GeoDataFrame | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
    south_china_sea="auto",
    legend_loc: str | None = None,
    figsize=(8, 7),
    fmt: str | None = None,
) -> Figure:
    """Choropleth map of the column ``value``.

    Parameters
    ----------
    data : GeoDataFrame of the units (e.g. from :func:`geolink.join`).
    value : the column mapped.
    classes : ready :class:`geolink.Classes` (share them with a web map or
        GeoPackage style); otherwise computed from ``scheme``, ``k``, ``bins``,
        ``cmap``, ``fmt`` as in :func:`geolink.classify`.
    title : map title.
    legend_title : legend heading (default: the column name); ``value_unit``
        (e.g. ``'亿元'``, ``'%'``) is appended in parentheses.
    source : data-source note printed under the map.
    outlines : agglomeration id(s) or grouping, or a GeoDataFrame of outlines drawn on top.
    labels : column with unit names printed at each unit (e.g. ``'name_short'``).
    context : units drawn in light grey underneath (e.g. the surrounding prefectures).
    north_arrow, scale_bar : map furniture (no scale bar on national maps).
    south_china_sea : draw the main map without 三沙 and add a 南海诸岛 inset
        with the maritime boundary line; ``'auto'``: for national maps.
    legend_loc : matplotlib legend location; default ``'lower left'`` beside the inset, else ``'best'``.
    figsize : inches.

    Units without a value are drawn grey with a "no data" legend entry; the
    legend counts the units drawn in each class.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.savefig(path, dpi=200)`` writes a PNG.

    Examples
    --------
    >>> import geolink
    >>> gba = geolink.cities_in("gba").assign(area=lambda d: d["area_km2"].where(d["adcode"] != "820000"))
    >>> fig = geolink.choropleth(gba, "area", k=3, value_unit="km²", labels="name_short", title="面积")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-1]
    '无数据 no data  (1)'
    """
    if value not in data.columns:
        raise KeyError(f"column {value!r} not in the data; columns: {list(data.columns)}")
    if data.crs is None:
        raise ValueError("the data have no CRS: set one first (e.g. data.set_crs('EPSG:4326'))")
    classes = classes or classify(data[value], scheme, k=k, bins=bins, cmap=cmap, fmt=fmt)
    crs = local_crs(data)
    tolerance = display_tolerance(data if context is None else context, PIXELS)
    shown = display_simplified(data, tolerance).to_crs(crs)
    inset = is_national(data) if south_china_sea == "auto" else bool(south_china_sea)
    fig, ax = _figure(figsize)
    if context is not None:
        context = display_simplified(context, tolerance).to_crs(crs)
        draw_polygons(ax, context, facecolor="#f2f2f2", edgecolor="#bdbdbd", linewidth=0.3)
    colors = classes.colors_of(shown[value])
    draw_polygons(ax, shown, facecolor=colors, edgecolor="white", linewidth=0.4)
    lines = _outlines(outlines, crs)
    if lines is not None:
        lines.boundary.plot(ax=ax, color="#222222", linewidth=1.2)
    if labels:
        _label_units(ax, _without_sansha(shown, inset), labels)
    _fit_extent(ax, _without_sansha(shown, inset), 0.04)
    if inset:
        _south_china_sea_inset(ax, shown, colors, crs, context=context)
    heading = (legend_title or value) + ("" if value_unit is None else f" ({value_unit})")
    _class_legend(ax, classes, shown[value], heading, legend_loc or ("lower left" if inset else "best"))
    if title:
        ax.set_title(title, fontsize=13)
    if scale_bar and not inset:
        _scale_bar(ax)
    if north_arrow:
        _north_arrow(ax)
    if source:
        fig.text(0.01, 0.005, source, fontsize=7, color="#555555", ha="left", va="bottom")
    return fig


def _south_china_sea_inset(ax, shown: gpd.GeoDataFrame, colors, crs: str, context=None) -> None:
    """南海诸岛 inset: the South China Sea with its islands and the maritime boundary line.

    The main map is widened to the east so the inset (lower right) sits beside Taiwan, not over it.
    ``context`` (in ``crs``) is drawn underneath in grey, as on the main map.
    """
    x0, x1 = ax.get_xlim()
    ax.set_xlim(x0, x1 + 0.22 * (x1 - x0))
    line = maritime_line().to_crs(crs)
    box = gpd.GeoSeries([shapely.box(105.5, 2.5, 123.5, 24.5)], crs="EPSG:4326").to_crs(crs).total_bounds
    inset = ax.inset_axes([0.81, 0.01, 0.185, 0.30])
    frame = shapely.box(*box)
    if context is not None:
        draw_polygons(inset, context[context.intersects(frame)], facecolor="#f2f2f2", edgecolor="#bdbdbd", linewidth=0.3)
    near = shown.intersects(frame).to_numpy()  # only the units the inset shows
    draw_polygons(inset, shown[near], facecolor=colors[near], edgecolor="#888888", linewidth=0.3)
    line.plot(ax=inset, color="#555555", linewidth=0.9)
    inset.set_xlim(box[0], box[2])
    inset.set_ylim(box[1], box[3])
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.text(
        0.97, 0.97, "南海诸岛", transform=inset.transAxes, ha="right", va="top", fontsize=7, path_effects=HALO
    )


def agglomeration_map(
    group="eight",
    *,
    overlap: str = "first",
    title: str | None = None,
    labels: bool = False,
    context: gpd.GeoDataFrame | None = None,
    figsize=(8, 7),
    source: str | None = None,
) -> Figure:
    """Membership map: each agglomeration's units in its own colour, outlines on top.

    Parameters
    ----------
    group : agglomeration id(s) or a grouping name (``'eight'``, ``'gba'``, a registered one).
    overlap : how units in several agglomerations are coloured (see
        :func:`geolink.agglomeration_groups`); they are listed under the map.
    title, source : title and a note under the map.
    labels : print the units' short names.
    context : units drawn in grey underneath; default all prefectures
        (national extent for several agglomerations) or the surrounding province(s).
    figsize : inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geolink
    >>> fig = geolink.agglomeration_map("gba", labels=True)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['大湾区 gba (11)']
    """
    from matplotlib import colormaps

    groups = agglomeration_groups(group, overlap=overlap)
    units = prefectures()
    members = units.loc[groups["adcode"]].assign(group=groups["group"].to_numpy())
    names = agglomerations(list(dict.fromkeys(groups["group"]))).drop_duplicates("agglomeration_id")
    label_of = dict(
        zip(
            names["agglomeration_id"],
            names["agglomeration_short_zh"] + " " + names["agglomeration_id"],
            strict=True,
        )
    )
    if context is None:
        provinces = set(members["province_adcode"])
        context = units if len(provinces) > 3 else units[units["province_adcode"].isin(provinces)]
    crs = local_crs(members if len(context) < 370 else context)
    fig, ax = _figure(figsize)
    tolerance = display_tolerance(context, PIXELS)
    shown = display_simplified(context, tolerance).to_crs(crs)
    members = display_simplified(members, tolerance)
    draw_polygons(ax, shown, facecolor="#f2f2f2", edgecolor="#c8c8c8", linewidth=0.3)
    palette = colormaps["tab10"]
    handles = []
    for i, (gid, part) in enumerate(members.groupby("group", sort=False)):
        color = palette(i % 10)
        draw_polygons(ax, part.to_crs(crs), facecolor=color, edgecolor="white", linewidth=0.3, alpha=0.85)
        handles.append(Patch(facecolor=color, label=f"{label_of[gid]} ({len(part)})"))
    agglomeration_outline(list(label_of)).to_crs(crs).boundary.plot(ax=ax, color="#333333", linewidth=0.8)
    if labels:
        pts = members.to_crs(crs).representative_point()
        for p, text in zip(pts, members["name_short"], strict=True):
            ax.text(p.x, p.y, text, fontsize=7, ha="center", va="center", path_effects=HALO)
    inset = is_national(context)
    _fit_extent(ax, _without_sansha(shown, True) if inset else members.to_crs(crs), 0.05)
    if inset:
        colors = np.full(len(shown), "#f2f2f2", dtype=object)
        _south_china_sea_inset(ax, shown, colors, crs)
    else:
        _scale_bar(ax, corner="right")
    _north_arrow(ax)
    ax.legend(handles=handles, loc="lower left", fontsize=8, title="城市群 (units)", title_fontsize=9)
    overlaps = groups.attrs["overlaps"]
    note = "; ".join(f"{o['name']}: {'/'.join(o['candidates'])} → {o['group']}" for o in overlaps)
    text = " | ".join(filter(None, [f"overlaps ({overlap}): {note}" if note else "", source or ""]))
    if text:
        fig.text(0.01, 0.005, text, fontsize=6.5, color="#555555")
    if title:
        ax.set_title(title, fontsize=13)
    return fig


def plot_distance_decay(
    result,
    value: str | None = None,
    *,
    models=("linear", "log_linear", "exponential", "power"),
    label: str = "name",
    figsize=(7, 5),
) -> Figure:
    """Scatter of an indicator against distance with the fitted curves.

    Parameters
    ----------
    result : a :func:`geolink.distance_decay` result.
    value : the indicator (default: the first one).
    models : fitted curves drawn (R² of the log fits is on ln y).
    label : column whose text labels each point.
    figsize : inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geolink
    >>> res = geolink.distance_decay(geolink.datasets.load("dongguan_towns"), "pop_2020", target="深圳市", dropna=True)
    >>> fig = geolink.plot_distance_decay(res)
    >>> fig.axes[0].get_xlabel()
    '到深圳市的距离 distance to 深圳市 (km, boundary)'
    """
    value = value or result.value[0]
    fig, ax = _figure(figsize)
    ax.set_axis_on()
    units = result.units
    d = units["distance_km"].to_numpy(float)
    y = pd.to_numeric(units[value], errors="coerce").to_numpy(float)
    ax.scatter(d, y, s=22, color="#d7301f", zorder=3, label=None)
    if label in units.columns:
        for xi, yi, text in zip(d, y, units[label], strict=True):
            ax.annotate(str(text), (xi, yi), fontsize=6.5, xytext=(3, 2), textcoords="offset points", color="#444444")
    positive = d[d > 0]
    grid = np.linspace(positive.min() if len(positive) else 0.1, d.max(), 200)
    fits = result.fits.set_index(["indicator", "model"])
    corr = result.correlations.set_index("indicator").loc[value]
    for model, style in zip(models, ("-", "--", ":", "-."), strict=False):
        r2 = fits.loc[(value, model), "r2"]
        log_note = ", on ln y" if model in ("power", "exponential") else ""
        ax.plot(grid, result.predict(value, model, grid), style, color="#253494", lw=1.4,
                label=f"{model} (R² = {r2:.2f}{log_note})")
    finite = y[np.isfinite(y)]
    span = finite.max() - min(finite.min(), 0)
    ax.set_ylim(min(finite.min(), 0) - 0.05 * span, finite.max() + 0.15 * span)  # the data, not a curve's pole
    ax.set_xlabel(f"到{result.target_name}的距离 distance to {result.target_name} (km, {result.distance})")
    ax.set_ylabel(value)
    ax.set_title(
        f"{value}: Pearson r = {corr['pearson_r']:.2f} (p = {corr['pearson_p']:.3g}), "
        f"Spearman ρ = {corr['spearman_rho']:.2f}",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def map_distance_decay(
    result,
    value: str | None = None,
    *,
    rings_km=(10, 20, 30),
    context=None,
    classes: Classes | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    figsize=(8, 7),
    source: str | None = None,
) -> Figure:
    """Units coloured by an indicator, the target outline and distance rings around it.

    Parameters
    ----------
    result : a :func:`geolink.distance_decay` result.
    value : the indicator (default: the first one).
    rings_km : radii of the rings drawn around the target, km.
    context : polygons drawn underneath (e.g. ``geolink.cities_in("gba")``).
    classes, scheme, k : class breaks as in :func:`geolink.choropleth`.
    figsize, source : inches; a note under the map.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geolink
    >>> res = geolink.distance_decay(geolink.datasets.load("dongguan_towns"), "pop_2020", target="深圳市", dropna=True)
    >>> fig = geolink.map_distance_decay(res, rings_km=(10, 20))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-1]
    '距离圈 rings: 10, 20 km'
    """
    value = value or result.value[0]
    units = result.units
    target = gpd.GeoDataFrame(geometry=[result.target], crs="EPSG:4326")
    crs = local_crs(pd.concat([units[["geometry"]], target]))
    fig, ax = _figure(figsize)
    if context is not None:
        draw_polygons(ax, context.to_crs(crs), facecolor="#f4f4f4", edgecolor="#8c8c8c", linewidth=0.6)
    t = target.to_crs(crs)
    # rings around the target simplified to a map pixel: the same lines at this scale, buffered in a fraction of the time
    outline = t.simplify(display_tolerance(pd.concat([units[["geometry"]], target]), PIXELS))
    for r in rings_km:
        outline.buffer(r * 1000).boundary.plot(ax=ax, color="#6baed6", linewidth=0.8, linestyle="--")
    is_point = result.target.geom_type == "Point"
    draw_polygons(ax, t, facecolor="#08519c" if is_point else "#c6dbef", edgecolor="#08519c", linewidth=1.2, alpha=0.6)
    classes = classes or classify(units[value], scheme, k=k)
    shown = units.to_crs(crs)
    colors = classes.colors_of(shown[value])
    if shown.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        draw_polygons(ax, shown, facecolor=colors, edgecolor="#444444", linewidth=0.5, zorder=4)
    else:
        shown.plot(ax=ax, color=colors, edgecolor="#444444", linewidth=0.5, markersize=60, zorder=4)
    if "name" in shown.columns:
        for geom, text in zip(shown.geometry.representative_point(), shown["name"], strict=True):
            ax.annotate(str(text), (geom.x, geom.y), fontsize=6.5, xytext=(4, 3), textcoords="offset points",
                        path_effects=HALO)
    _fit_extent(ax, shown, 0.15)
    counts, _ = classes.tally(shown[value])
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=f"{lab}  ({n})")
        for c, lab, n in zip(classes.colors, classes.labels, counts, strict=True)
    ]
    handles.append(Patch(facecolor="#c6dbef", edgecolor="#08519c", label=f"目标 target: {result.target_name}"))
    handles.append(Line2D([], [], color="#6baed6", linestyle="--", lw=0.8,
                          label="距离圈 rings: " + ", ".join(f"{r:g}" for r in rings_km) + " km"))
    ax.legend(handles=handles, title=value, loc="lower left", fontsize=8, title_fontsize=9)
    ax.set_title(f"{value} 与到{result.target_name}的距离", fontsize=12)
    _scale_bar(ax, corner="right")
    _north_arrow(ax)
    if source:
        fig.text(0.01, 0.005, source, fontsize=7, color="#555555")
    return fig


def plot_lq_comparison(
    lq: pd.DataFrame,
    *,
    unit: str = "adcode",
    industry: str = "industry",
    value: str = "lq",
    title: str | None = None,
    figsize=(8, 9),
) -> Figure:
    """Horizontal bars of location quotients per industry, one bar per unit, with the LQ = 1 line.

    Parameters
    ----------
    lq : a :func:`geolink.location_quotient` table (one time value).
    unit, industry, value : its columns.
    title, figsize : title; inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, geolink
    >>> t = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"], "jobs": [10, 30, 20, 20]})
    >>> fig = geolink.plot_lq_comparison(geolink.location_quotient(t, "jobs", unit="city"), unit="city")
    >>> [round(float(b.get_width()), 3) for b in fig.axes[0].patches]
    [1.2, 0.667, 0.8, 1.333]
    """
    require = [c for c in (unit, industry, value) if c not in lq.columns]
    if require:
        raise KeyError(f"column(s) {require} not in the LQ table; columns: {list(lq.columns)}")
    if lq.duplicated([unit, industry]).any():
        raise ValueError(f"several rows per {unit} × {industry}: select one time value first")
    fig, ax = _figure(figsize)
    ax.set_axis_on()
    wide = lq.pivot_table(index=industry, columns=unit, values=value, sort=False)
    wide = wide.loc[wide.max(axis=1).sort_values().index]
    height = 0.8 / wide.shape[1]
    ypos = np.arange(len(wide))
    for i, col in enumerate(wide.columns):
        ax.barh(ypos + i * height, wide[col], height=height, label=str(col))
    ax.axvline(1, color="black", lw=0.8)
    ax.set_yticks(ypos + 0.4 - height / 2, wide.index, fontsize=7)
    ax.set_xlabel("区位熵 location quotient" if value == "lq" else value)
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=12)
    return fig
