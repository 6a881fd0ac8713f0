"""Figures of the regional-difference statistics (matplotlib ``Figure`` objects, no pyplot state).

- :func:`plot_kernel_density`: the classic multi-period kernel-density figure
  (one curve per period, light to dark; one panel per group), or a 3-D surface.
- :func:`lisa_map`: a LISA cluster map (HH, LL, HL, LH, not significant) in an
  equal-area projection centred on the units shown.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from geolink.autocorrelation import LISA_CATEGORIES
from geolink.classes import MISSING_COLOR, MISSING_LABEL
from geolink.fonts import cjk_font


def plot_kernel_density(
    result,
    *,
    style: str = "lines",
    value_label: str | None = None,
    title: str | None = None,
    cmap: str = "viridis",
    figsize=None,
) -> Figure:
    """The multi-period kernel-density figure of a :func:`geolink.dynamics.kernel_density` result.

    Parameters
    ----------
    result : a ``DensityResult``.
    style : ``'lines'`` (one curve per period, light to dark, one panel per
        group) or ``'surface'`` (3-D: value × period × density; one group only).
    value_label : x-axis label (e.g. ``'城镇化率'``).
    title : figure title.
    cmap : matplotlib colour map of the periods.
    figsize : inches; default from the number of panels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from geolink.dynamics import kernel_density
    >>> df = pd.DataFrame({"adcode": list("abcd") * 2, "year": [2010] * 4 + [2020] * 4,
    ...                    "y": [1.0, 2.0, 2.5, 4.0, 2.0, 2.2, 2.5, 3.0]})
    >>> fig = plot_kernel_density(kernel_density(df, "y", time="year"))
    >>> len(fig.axes[0].lines)
    2
    """
    import matplotlib as mpl

    if style not in ("lines", "surface"):
        raise ValueError(f"style must be 'lines' or 'surface', got {style!r}")
    cjk_font()
    table = result.table
    time = result.time
    groups = list(pd.unique(table["group"]))
    periods = sorted(pd.unique(table[time])) if time else [None]
    colors = mpl.colormaps[cmap](np.linspace(0.15, 0.9, len(periods)))
    if style == "surface":
        if len(groups) > 1:
            raise ValueError(f"style='surface' draws one group; the result has {len(groups)}: pass one group's rows")
        fig = Figure(figsize=figsize or (7, 5), layout="constrained")
        ax = fig.add_subplot(projection="3d")
        for color, at in zip(colors, periods, strict=True):
            part = table if at is None else table[table[time] == at]
            ax.plot(part["x"], np.full(len(part), float(at) if at is not None else 0.0), part["density"], color=color)
        x = np.sort(pd.unique(table["x"]))
        if time and len(periods) > 1:
            Z = np.vstack([table[table[time] == at].sort_values("x")["density"].to_numpy() for at in periods])
            X, Y = np.meshgrid(x, np.asarray(periods, float))
            ax.plot_surface(X, Y, Z, cmap=cmap, alpha=0.6, linewidth=0)
        ax.set_xlabel(value_label or "value")
        ax.set_ylabel(time or "")
        ax.set_zlabel("density")
        if title:
            ax.set_title(title)
        return fig
    ncols = min(len(groups), 3)
    nrows = math.ceil(len(groups) / ncols)
    fig = Figure(figsize=figsize or (4.2 * ncols, 3.2 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    for ax, g in zip(axes.ravel(), groups, strict=False):
        for color, at in zip(colors, periods, strict=True):
            part = table[table["group"] == g]
            part = part if at is None else part[part[time] == at]
            ax.plot(part["x"], part["density"], color=color, lw=1.6, label=str(at) if at is not None else None)
        if len(groups) > 1:
            ax.set_title(str(g))
        ax.set_xlabel(value_label or "value")
        ax.set_ylabel("density")
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes.ravel()[len(groups):]:
        ax.set_axis_off()
    if time:
        axes.ravel()[0].legend(title=time, frameon=False, fontsize="small")
    bands = result.bandwidths
    rule = bands["rule"].iloc[0]
    fig.text(0.99, 0.005, f"Gaussian kernel, bandwidth: {rule}", ha="right", va="bottom", fontsize="x-small", color="0.4")
    if title:
        fig.suptitle(title)
    return fig


def lisa_map(
    result,
    *,
    time=None,
    title: str | None = None,
    resolution: str = "display",
    figsize=(7, 6),
) -> Figure:
    """LISA cluster map of a :func:`geolink.autocorrelation.local_moran` result on prefecture boundaries.

    Parameters
    ----------
    result : a ``LocalMoranResult`` whose units are adcodes.
    time : the period to draw (required when the result has several).
    title : map title (default: the period and the significance rule).
    resolution : boundary resolution.
    figsize : inches.

    Returns
    -------
    matplotlib.figure.Figure; the legend counts the units drawn per cluster, and the prefectures
    in view without a result as "no data".

    Examples
    --------
    >>> import pandas as pd
    >>> import geolink
    >>> from geolink.autocorrelation import local_moran
    >>> gba = geolink.agglomeration_groups("gba")
    >>> df = pd.DataFrame({"adcode": gba.adcode, "v": range(len(gba))})
    >>> fig = lisa_map(local_moran(df, "v", weights="knn", permutations=99, seed=0))
    >>> counts = [int(t.get_text().rsplit("(", 1)[1].rstrip(")")) for t in fig.axes[0].get_legend().get_texts()]
    >>> sum(counts[:5]), counts[5]   # the 11 units in the five cluster classes; 10 neighbours without data
    (11, 10)
    """
    from geolink.boundaries import prefectures, provinces
    from geolink.display import PIXELS, display_simplified, display_tolerance, draw_polygons
    from geolink.projection import local_crs

    table = result.table
    unit, period_col = result.unit, result.time
    if period_col is not None:
        available = sorted(pd.unique(table[period_col]))
        if time is None and len(available) > 1:
            raise ValueError(f"the result has several periods of {period_col!r}: pass time= one of {available}")
        time = available[0] if time is None else time
        if time not in available:
            raise ValueError(f"time={time!r} is not a period of the result; periods are {available}")
        table = table[table[period_col] == time]
    units = prefectures(resolution=resolution)
    codes = table[unit].astype(str)
    unknown = sorted(set(codes) - set(units.index))
    if unknown:
        raise ValueError(f"lisa_map draws prefecture-level units by adcode; not adcodes: {unknown[:10]}")
    cjk_font()
    shown = units.loc[codes.to_numpy()].assign(cluster=table["cluster"].to_numpy())
    crs = local_crs(shown)
    tolerance = display_tolerance(shown, PIXELS)
    shown = display_simplified(shown, tolerance).to_crs(crs)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    minx, miny, maxx, maxy = shown.total_bounds
    pad = 0.05 * max(maxx - minx, maxy - miny)
    context = display_simplified(provinces(resolution=resolution), tolerance).to_crs(crs)
    context = context.cx[minx - pad : maxx + pad, miny - pad : maxy + pad]
    draw_polygons(ax, context, facecolor="white", edgecolor="#bbbbbb", linewidth=0.5)
    absent = display_simplified(units.drop(index=codes.to_numpy()), tolerance).to_crs(crs).cx[minx:maxx, miny:maxy]
    draw_polygons(ax, absent, facecolor=MISSING_COLOR, edgecolor="white", linewidth=0.3)
    colors = shown["cluster"].map({k: c for k, (c, _) in LISA_CATEGORIES.items()}).to_numpy()
    draw_polygons(ax, shown, facecolor=colors, edgecolor="white", linewidth=0.3)
    context.boundary.plot(ax=ax, color="#888888", linewidth=0.6)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    counts = shown["cluster"].value_counts()
    handles = [
        Patch(facecolor=color, edgecolor="#999999", label=f"{label} ({int(counts.get(c, 0))})")
        for c, (color, label) in LISA_CATEGORIES.items()
    ]
    if len(absent):
        handles.append(Patch(facecolor=MISSING_COLOR, edgecolor="#999999", label=f"{MISSING_LABEL} ({len(absent)})"))
    ax.legend(handles=handles, loc="lower left", frameon=False, fontsize="small", title="LISA")
    rule = f"p ≤ {result.alpha:g}" + (" (FDR)" if result.fdr else "")
    ax.set_title(title or " ".join(x for x in (str(time) if time is not None else "", f"LISA clusters, {rule}") if x))
    return fig
