import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

import geolink
from geolink.autocorrelation import LISA_CATEGORIES, local_moran
from geolink.dynamics import kernel_density
from geolink.regional_plots import lisa_map, plot_kernel_density

CLUSTER_COLORS = {k: colour for k, (colour, _) in LISA_CATEGORIES.items()}


@pytest.fixture(scope="module")
def yrd_lisa():
    """Synthetic labelled values on the Yangtze River Delta: a west–east gradient, two years."""
    units = geolink.cities_in("yrd")
    lon = geolink.centroids(units).x.to_numpy()
    rng = np.random.default_rng(0)
    data = pd.concat([pd.DataFrame({"adcode": units.index, "year": yr, "v": lon + rng.normal(0, 0.5, len(units))})
                      for yr in (2010, 2020)], ignore_index=True)
    return local_moran(data, "v", time="year", permutations=199, seed=2)


def test_lisa_map_colours_and_legend_counts(yrd_lisa):
    fig = lisa_map(yrd_lisa, time=2020)
    ax = fig.axes[0]
    rows = yrd_lisa.table[yrd_lisa.table.year == 2020]
    expected = rows["cluster"].value_counts()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    for text in texts[: len(CLUSTER_COLORS)]:
        label, count = text.rsplit(" (", 1)
        key = next(k for k in CLUSTER_COLORS if label.endswith(k))
        assert int(count.rstrip(")")) == int(expected.get(key, 0))
    # the prefectures around the YRD without a result are drawn as "no data" and counted
    assert texts[-1].startswith("无数据 no data (") and int(texts[-1].rsplit("(", 1)[1][:-1]) > 0
    # the unit polygons carry their cluster's colour (context first, then the units without data)
    faces = ax.collections[2].get_facecolors()
    assert len(faces) == len(rows)
    want = np.array([mcolors.to_rgba(CLUSTER_COLORS[c]) for c in rows["cluster"]])
    np.testing.assert_allclose(faces, want)
    assert "2020" in ax.get_title() and "p ≤ 0.05" in ax.get_title()


def test_lisa_map_errors(yrd_lisa):
    with pytest.raises(ValueError, match="several periods"):
        lisa_map(yrd_lisa)
    with pytest.raises(ValueError, match="not a period"):
        lisa_map(yrd_lisa, time=1999)
    from libpysal.graph import Graph

    g = Graph.from_arrays(["a", "b", "b", "c"], ["b", "a", "c", "b"], [1.0] * 4)
    res = local_moran(pd.DataFrame({"id": list("abc"), "v": [1.0, 2, 4]}), "v", unit="id", weights=g, permutations=9)
    with pytest.raises(ValueError, match="not adcodes"):
        lisa_map(res)


def test_kernel_density_figure_draws_the_table():
    rng = np.random.default_rng(1)
    data = pd.DataFrame({"adcode": np.tile(np.arange(40), 3), "year": np.repeat([2000, 2005, 2010], 40),
                         "g": np.tile(np.repeat(["a", "b"], 20), 3), "y": rng.normal(size=120)})
    res = kernel_density(data, "y", time="year", group="g", grid=50)
    fig = plot_kernel_density(res, value_label="y")
    drawn = [ax for ax in fig.axes if ax.lines]
    assert len(drawn) == 2 and all(len(ax.lines) == 3 for ax in drawn)
    line = drawn[1].lines[2]  # group b, 2010
    part = res.table[res.table.group.eq("b") & res.table.year.eq(2010)]
    np.testing.assert_allclose(line.get_ydata(), part["density"])
    with pytest.raises(ValueError, match="one group"):
        plot_kernel_density(res, style="surface")
    one = kernel_density(data, "y", time="year", grid=50)
    fig3d = plot_kernel_density(one, style="surface")
    assert fig3d.axes[0].name == "3d" and len(fig3d.axes[0].lines) == 3
    with pytest.raises(ValueError, match="style must be"):
        plot_kernel_density(one, style="ridge")
