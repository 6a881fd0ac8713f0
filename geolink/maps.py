"""Static maps and charts (matplotlib): choropleths, distance-decay plots, LQ comparisons.

Maps are drawn in a Lambert azimuthal equal-area projection centred on the
units shown, so areas are true and north is up at the centre; the extent
fits the units (GBA or the whole country).  Chinese text uses an installed
CJK font (:func:`geolink.fonts.cjk_font`).
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

from geolink.agglomerations import agglomeration_outline
from geolink.boundaries import maritime_line
from geolink.classes import Classes, classify
from geolink.fonts import cjk_font

MISSING_COLOR = "#d9d9d9"
HALO = [withStroke(linewidth=2.2, foreground="white")]


def local_crs(gdf: gpd.GeoDataFrame) -> str:
    """Lambert azimuthal equal-area projection centred on the bounding box of ``gdf`` (WGS 84)."""
    minx, miny, maxx, maxy = gdf.to_crs("EPSG:4326").total_bounds
    return f"+proj=laea +lat_0={(miny + maxy) / 2:.4f} +lon_0={(minx + maxx) / 2:.4f} +datum=WGS84 +units=m +no_defs"


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


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    scheme: str = "quantiles",
    k: int = 5,
    breaks=None,
    classes: Classes | None = None,
    cmap: str = "YlOrRd",
    title: str | None = None,
    units: str | None = None,
    source: str | None = None,
    outlines=None,
    labels: str | None = None,
    context: gpd.GeoDataFrame | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
    south_china_sea="auto",
    legend_title: str | None = None,
    figsize=(8, 7),
    fmt: str | None = None,
) -> Figure:
    """Choropleth map of ``column``.

    Parameters
    ----------
    scheme, k, breaks, cmap : class breaks (see :func:`geolink.classify`), or
        pass ready ``classes`` to share them with a web map or GeoPackage style.
    units : unit of the values, shown in the legend title (e.g. ``'亿元'``, ``'%'``).
    legend_title : legend heading (default: the column name).
    source : data-source note printed under the map.
    outlines : agglomeration id(s) or a GeoDataFrame of outlines drawn on top.
    labels : column with unit names to print at each unit (e.g. ``'name_short'``).
    context : units drawn in light grey underneath (e.g. the surrounding prefectures).
    south_china_sea : draw the main map without 三沙 and add a 南海诸岛 inset with
        the maritime boundary line; ``'auto'``: for national maps.

    Units without a value are drawn grey with a "no data" legend entry.
    Returns a matplotlib Figure (``fig.savefig(path, dpi=200)`` writes a PNG).
    """
    if column not in gdf.columns:
        raise KeyError(f"column {column!r} not in the data; columns: {list(gdf.columns)}")
    classes = classes or classify(gdf[column], scheme, k, breaks, cmap, fmt)
    crs = local_crs(gdf)
    shown = gdf.to_crs(crs)
    fig, ax = _figure(figsize)
    if context is not None:
        context.to_crs(crs).plot(ax=ax, color="#f2f2f2", edgecolor="#bdbdbd", linewidth=0.3)
    idx = classes.assign(shown[column])
    colors = np.where(idx >= 0, np.array(classes.colors + (MISSING_COLOR,))[idx], MISSING_COLOR)
    shown.plot(ax=ax, color=colors, edgecolor="white", linewidth=0.4)
    lines = _outlines(outlines, crs)
    if lines is not None:
        lines.boundary.plot(ax=ax, color="#222222", linewidth=1.2)
    inset = south_china_sea if south_china_sea != "auto" else _is_national(gdf)
    if labels:
        named = shown[shown["adcode"] != "460300"] if inset and "adcode" in shown.columns else shown
        points = named.representative_point()
        for (x, y), text in zip(zip(points.x, points.y, strict=True), named[labels], strict=True):
            ax.text(x, y, str(text), ha="center", va="center", fontsize=7, color="#222222", path_effects=HALO)
    _fit_extent(
        ax, shown[shown["adcode"] != "460300"] if inset and "adcode" in shown.columns else shown, 0.04
    )
    if inset:
        _south_china_sea_inset(ax, shown, colors, crs)
    counts = np.bincount(idx[idx >= 0], minlength=classes.k)  # units of this map per class
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=f"{lab}  ({n})")
        for c, lab, n in zip(classes.colors, classes.labels, counts, strict=True)
    ]
    if (idx < 0).any():
        handles.append(
            Patch(facecolor=MISSING_COLOR, edgecolor="#999999", label=f"无数据 no data  ({(idx < 0).sum()})")
        )
    legend_title = (legend_title or column) + ("" if units is None else f" ({units})")
    ax.legend(
        handles=handles,
        title=legend_title,
        loc="lower left" if inset else "best",
        fontsize=8,
        title_fontsize=9,
        frameon=True,
    )
    if title:
        ax.set_title(title, fontsize=13)
    if scale_bar and not inset:
        _scale_bar(ax)
    if north_arrow:
        _north_arrow(ax)
    if source:
        fig.text(0.01, 0.005, source, fontsize=7, color="#555555", ha="left", va="bottom")
    return fig


def _is_national(gdf: gpd.GeoDataFrame) -> bool:
    minx, _, maxx, _ = gdf.to_crs("EPSG:4326").total_bounds
    return "adcode" in gdf.columns and (gdf["adcode"] == "460300").any() and maxx - minx > 25


def _south_china_sea_inset(ax, shown: gpd.GeoDataFrame, colors, crs: str) -> None:
    """南海诸岛 inset: the South China Sea with its islands and the maritime boundary line.

    The main map is widened to the east so the inset (lower right) sits beside Taiwan, not over it.
    """
    x0, x1 = ax.get_xlim()
    ax.set_xlim(x0, x1 + 0.22 * (x1 - x0))
    line = maritime_line().to_crs(crs)
    box = gpd.GeoSeries([shapely.box(105.5, 2.5, 123.5, 24.5)], crs="EPSG:4326").to_crs(crs).total_bounds
    inset = ax.inset_axes([0.81, 0.01, 0.185, 0.30])
    shown.plot(ax=inset, color=colors, edgecolor="#888888", linewidth=0.3)
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
    ids="eight",
    overlap: str = "first",
    title: str | None = None,
    labels: bool = False,
    context: gpd.GeoDataFrame | None = None,
    figsize=(8, 7),
    source: str | None = None,
) -> Figure:
    """Membership map: each agglomeration's units in its own colour, outlines on top.

    ``ids``: agglomeration id(s) or a grouping name; units in several of them
    are coloured by ``overlap`` (see :func:`geolink.agglomeration_groups`) and
    listed under the map.  ``context`` defaults to all prefectures (national
    extent for several agglomerations) or the surrounding province(s).
    """
    from matplotlib import colormaps

    from geolink.agglomerations import agglomeration_groups, agglomerations
    from geolink.boundaries import prefectures

    groups = agglomeration_groups(ids, overlap=overlap)
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
    shown = context.to_crs(crs)
    shown.plot(ax=ax, color="#f2f2f2", edgecolor="#c8c8c8", linewidth=0.3)
    palette = colormaps["tab10"]
    handles = []
    for i, (gid, part) in enumerate(members.groupby("group", sort=False)):
        color = palette(i % 10)
        part.to_crs(crs).plot(ax=ax, color=color, edgecolor="white", linewidth=0.3, alpha=0.85)
        handles.append(Patch(facecolor=color, label=f"{label_of[gid]} ({len(part)})"))
    agglomeration_outline(list(label_of)).to_crs(crs).boundary.plot(ax=ax, color="#333333", linewidth=0.8)
    if labels:
        pts = members.to_crs(crs).representative_point()
        for p, text in zip(pts, members["name_short"], strict=True):
            ax.text(p.x, p.y, text, fontsize=7, ha="center", va="center", path_effects=HALO)
    inset = _is_national(context)
    _fit_extent(ax, shown[shown["adcode"] != "460300"] if inset else members.to_crs(crs), 0.05)
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
    indicator: str | None = None,
    models=("linear", "log_linear", "exponential", "power"),
    figsize=(7, 5),
    label: str = "name",
) -> Figure:
    """Scatter of an indicator against distance with the fitted curves (from :func:`geolink.distance_decay`)."""
    indicator = indicator or result.indicators[0]
    fig, ax = _figure(figsize)
    ax.set_axis_on()
    units = result.units
    d = units["distance_km"].to_numpy(float)
    y = pd.to_numeric(units[indicator], errors="coerce").to_numpy(float)
    ax.scatter(d, y, s=22, color="#d7301f", zorder=3, label=None)
    if label in units.columns:
        for xi, yi, text in zip(d, y, units[label], strict=True):
            ax.annotate(
                str(text), (xi, yi), fontsize=6.5, xytext=(3, 2), textcoords="offset points", color="#444444"
            )
    grid = np.linspace(max(d.min(), 0.1), d.max(), 200)
    fits = result.fits.set_index(["indicator", "model"])
    corr = result.correlations.set_index("indicator").loc[indicator]
    for model, style in zip(models, ("-", "--", ":", "-."), strict=False):
        r2 = fits.loc[(indicator, model), "r2"]
        ax.plot(
            grid,
            result.predict(indicator, model, grid),
            style,
            color="#253494",
            lw=1.4,
            label=f"{model} (R² = {r2:.2f}{', on ln y' if model in ('power', 'exponential') else ''})",
        )
    ax.set_xlabel(f"到{result.target_name}的距离 distance to {result.target_name} (km, {result.distance})")
    ax.set_ylabel(indicator)
    ax.set_title(
        f"{indicator}: Pearson r = {corr['pearson_r']:.2f} (p = {corr['pearson_p']:.3g}), "
        f"Spearman ρ = {corr['spearman_rho']:.2f}",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def map_distance_decay(
    result,
    indicator: str | None = None,
    rings_km=(10, 20, 30),
    context=None,
    scheme: str = "quantiles",
    k: int = 5,
    figsize=(8, 7),
    source: str | None = None,
) -> Figure:
    """Units coloured by the indicator, the target outline and distance rings around it."""
    indicator = indicator or result.indicators[0]
    units = result.units
    target = gpd.GeoDataFrame(geometry=[result.target], crs="EPSG:4326")
    crs = local_crs(pd.concat([units[["geometry"]], target]))
    fig, ax = _figure(figsize)
    if context is not None:
        context.to_crs(crs).plot(ax=ax, color="#f4f4f4", edgecolor="#8c8c8c", linewidth=0.6)
    t = target.to_crs(crs)
    for r in rings_km:
        t.buffer(r * 1000).boundary.plot(ax=ax, color="#6baed6", linewidth=0.8, linestyle="--")
    t.plot(
        ax=ax,
        facecolor="#c6dbef" if result.target.geom_type != "Point" else "#08519c",
        edgecolor="#08519c",
        linewidth=1.2,
        alpha=0.6,
    )
    classes = classify(units[indicator], scheme, k)
    shown = units.to_crs(crs)
    idx = classes.assign(shown[indicator])
    colors = np.where(idx >= 0, np.array(classes.colors + (MISSING_COLOR,))[idx], MISSING_COLOR)
    shown.plot(ax=ax, color=colors, edgecolor="#444444", linewidth=0.5, markersize=60, zorder=4)
    if "name" in shown.columns:
        for geom, text in zip(shown.geometry.representative_point(), shown["name"], strict=True):
            ax.annotate(
                str(text),
                (geom.x, geom.y),
                fontsize=6.5,
                xytext=(4, 3),
                textcoords="offset points",
                path_effects=HALO,
            )
    _fit_extent(ax, shown, 0.15)
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=lab)
        for c, lab in zip(classes.colors, classes.labels, strict=True)
    ]
    handles.append(
        Patch(facecolor="#c6dbef", edgecolor="#08519c", label=f"目标 target: {result.target_name}")
    )
    handles.append(
        Line2D(
            [],
            [],
            color="#6baed6",
            linestyle="--",
            lw=0.8,
            label="距离圈 rings: " + ", ".join(f"{r:g}" for r in rings_km) + " km",
        )
    )
    ax.legend(handles=handles, title=indicator, loc="lower left", fontsize=8, title_fontsize=9)
    ax.set_title(f"{indicator} 与到{result.target_name}的距离", fontsize=12)
    _scale_bar(ax, corner="right")
    _north_arrow(ax)
    if source:
        fig.text(0.01, 0.005, source, fontsize=7, color="#555555")
    return fig


def plot_lq_comparison(
    lq: pd.DataFrame, industry: str, value: str, by: str, title: str | None = None, figsize=(8, 9)
) -> Figure:
    """Horizontal bars of LQs per industry, one bar per ``by`` value (e.g. city), with the LQ = 1 line."""
    fig, ax = _figure(figsize)
    ax.set_axis_on()
    wide = lq.pivot_table(index=industry, columns=by, values=value, sort=False)
    wide = wide.loc[wide.max(axis=1).sort_values().index]
    height = 0.8 / wide.shape[1]
    ypos = np.arange(len(wide))
    for i, col in enumerate(wide.columns):
        ax.barh(ypos + i * height, wide[col], height=height, label=str(col))
    ax.axvline(1, color="black", lw=0.8)
    ax.set_yticks(ypos + 0.4 - height / 2, wide.index, fontsize=7)
    ax.set_xlabel(value)
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=12)
    return fig
