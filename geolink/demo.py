"""The main job (``geolink demo``): city-level census indices on prefecture boundaries, end to end.

Part 1 — the mission, on the 2010/2020 censuses by prefecture (Lei Dong et al. 2022): choropleths
of city-level indices for the Greater Bay Area and for the nation with the eight agglomerations
outlined (南海诸岛 inset), a population-weighted Dagum decomposition of urbanisation by
agglomeration with bootstrap intervals, σ and β convergence 2010 → 2020, distance decay of the GBA
cities to Shenzhen beside Dongguan's towns, an offline web map and one styled GeoPackage.

Part 2 — reproductions of the source papers' results: the co-agglomeration index of the eight
agglomerations (Chen & Wang) and the Guangzhou–Shenzhen location quotients (《特区经济》 2025 no. 2).

Everything goes into one folder with an ``index.html`` that says what each output shows and
where its data come from.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import geolink
from geolink._pngwriter import PngWriter
from geolink.autocorrelation import LISA_CATEGORIES
from geolink.fonts import CSS_FONT_STACK, css_font_face
from geolink.gpkg import Style

CENSUS = "数据 Data: 第六、七次全国人口普查 (2010, 2020 censuses), Lei Dong et al. 2022 (MIT)"
CENSUS_SOURCE = (
    "2010 and 2020 censuses by prefecture, compiled by Lei Dong et al. (2022), "
    "“Mapping Evolving Population Geography in China” (MIT licence)"
)
COAGG = "数据 Data: 陈秀英、王梦翠, 中国城市群生产性服务业与制造业协同集聚, 表 1–2, 2004–2018"
COAGG_SOURCE = "Chen & Wang, co-agglomeration of producer services and manufacturing, Tables 1–2 (as printed)"
GZSZ_SOURCE = "《特区经济》 2025 no. 2, Guangzhou–Shenzhen industrial linkage, Tables 1–2 (as printed)"
TOWNS = "数据 Data: 东莞市第七次全国人口普查公报（第二号）; points: GeoNames (CC BY 4.0)"
TOWNS_SOURCE = "Dongguan 7th census bulletin No. 2 (town populations); town points from GeoNames (CC BY 4.0)"
BOOTSTRAP = 199


@dataclass
class _Report:
    """What the demo wrote: one entry per output, and the key figures."""

    out: Path
    progress: Callable[[str], None]
    writer: PngWriter = field(default_factory=PngWriter)
    items: list[tuple[str, str, str, str]] = field(default_factory=list)  # part, file, caption, source
    facts: dict[str, list[str]] = field(default_factory=lambda: {"census": [], "papers": []})  # part → lines
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)

    def figure(self, fig, name: str, caption: str, source: str, part: str = "census") -> None:
        self.items.append((part, name, caption, source))
        self.writer.save(fig, str(self.out / name), done=lambda: self.progress(f"wrote {self.out / name}"))

    def web_map(self, data, value: str, name: str, caption: str, source: str, **options) -> None:
        """The web map is built and saved here: the worker is busy with the PNGs."""
        geolink.web_map(data, value, **options).save(str(self.out / name))
        self.add(name, caption, source)

    def add(self, name: str, caption: str, source: str, part: str = "census") -> None:
        self.items.append((part, name, caption, source))
        self.progress(f"wrote {self.out / name}")


def _census() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The census panel (long) and the 2020 cross-section with 2010 values and densities, per unit."""
    panel = geolink.datasets.load("census")
    units = geolink.prefectures()
    wide = panel[panel["year"] == 2020].set_index("adcode")
    y2010 = panel[panel["year"] == 2010].set_index("adcode")
    wide = wide.assign(
        urbanisation_2010_pct=y2010["urbanisation_pct"],
        density_2020=wide["population"] / units.loc[wide.index, "area_km2"],
    )
    return panel, wide.reset_index()


def _maps(report: _Report, gdf) -> dict:
    """Choropleths of city-level census indices: the GBA and the nation with the eight outlined."""
    gba = gdf.loc[geolink.cities_in("gba").index]
    context = geolink.prefectures()
    context = context[context["province_adcode"].isin(["440000", "450000", "360000", "430000", "350000"])]
    classes = {
        "urbanisation_pct": geolink.classify(gdf["urbanisation_pct"], "quantiles", k=5, cmap="YlGnBu"),
        "growth_2010_2020_pct": geolink.classify(
            gdf["growth_2010_2020_pct"], "user_defined", bins=[-10, 0, 10, 20, 40], cmap="RdYlBu_r"
        ),
        "age_65_plus_pct": geolink.classify(gdf["age_65_plus_pct"], "quantiles", k=5, cmap="OrRd"),
    }
    gba_classes = geolink.classify(gba["urbanisation_pct"], "fisher_jenks", k=3, cmap="YlGnBu")
    report.figure(
        geolink.choropleth(
            gba, "urbanisation_pct", classes=gba_classes, labels="name_short", context=context,
            outlines="gba", title="粤港澳大湾区 城镇化率 2020", legend_title="城镇化率 urbanisation",
            value_unit="%", source=CENSUS,
        ),
        "gba_urbanisation_2020.png",
        "Urbanisation rate 2020 (urban ÷ resident population) of the 11 Greater Bay Area units, in three "
        "Fisher–Jenks classes; Hong Kong and Macao are not in the mainland census (no data).",
        CENSUS_SOURCE,
    )
    for value, title, caption in (
        ("urbanisation_pct", "城镇化率 Urbanisation 2020", "Urbanisation rate 2020 of every prefecture-level unit "
         "(quintiles), with the eight national agglomerations outlined and the 南海诸岛 inset; the source has no "
         "2020 urban counts for Xinjiang, 周口, 通化 and a few county-level units (no data)."),
        ("growth_2010_2020_pct", "常住人口增长 Population growth 2010–2020",
         "Growth of the resident population 2010–2020 (%), with the eight agglomerations outlined: growth "
         "concentrates in the agglomerations, the north-east shrinks."),
        ("age_65_plus_pct", "65 岁及以上人口占比 Share aged 65+ 2020",
         "Share of the population aged 65 and over, 2020 (quintiles), with the eight agglomerations outlined."),
    ):
        report.figure(
            geolink.choropleth(gdf, value, classes=classes[value], outlines="eight", title=title, value_unit="%",
                               legend_title=value.removesuffix("_pct"), source=CENSUS),
            f"china_{value.removesuffix('_pct')}.png",
            caption,
            CENSUS_SOURCE,
        )
    return classes


def _inequality(report: _Report, panel: pd.DataFrame):
    """Dagum decomposition of urbanisation by the eight agglomerations, σ and β convergence."""
    dagum = geolink.dagum_gini(
        panel, "urbanisation_pct", group="eight", overlap="first", time="year", weight="population",
        bootstrap=BOOTSTRAP, seed=1, dropna=True,
    )
    report.figure(
        _dagum_chart(dagum),
        "dagum_urbanisation.png",
        f"Population-weighted Dagum Gini of the urbanisation rate across the cities of the eight agglomerations, "
        f"2010 and 2020, split into within-agglomeration, net between and transvariation parts, with {BOOTSTRAP}-"
        "replicate bootstrap 95 % intervals (cities resampled within agglomerations).",
        CENSUS_SOURCE,
    )
    groups = geolink.agglomeration_groups("eight", overlap="first").set_index("adcode")["group"]
    members = panel[panel["adcode"].isin(groups.index)].assign(agglomeration=lambda d: d["adcode"].map(groups))
    members = members.dropna(subset=["urbanisation_pct"])
    complete = members.groupby("adcode")["year"].transform("size") == 2
    sigma = geolink.sigma_convergence(members[complete], "urbanisation_pct", group="agglomeration", time="year")
    beta = geolink.beta_convergence(
        members[complete], "urbanisation_pct", unit="adcode", time="year", start=2010, end=2020
    )
    s = dagum.summary.set_index("year")
    trend, b = sigma.trend.set_index("group"), beta.summary.iloc[0]
    report.facts["census"] += [
        f"Dagum Gini of urbanisation across the eight agglomerations' cities (population-weighted): "
        f"{s.loc[2010, 'G']:.3f} (2010) → {s.loc[2020, 'G']:.3f} (2020), 95 % interval 2020 "
        f"[{s.loc[2020, 'G_lo']:.3f}, {s.loc[2020, 'G_hi']:.3f}]; between-agglomeration share "
        f"{s.loc[2020, 'share_nb']:.0f} % in 2020. Left out: {len(dagum.dropped)} city-years outside the eight "
        "or without an urban count.",
        f"σ (coefficient of variation) of urbanisation over the eight agglomerations' cities: "
        f"{trend.loc['all', 'sigma_first']:.3f} (2010) → {trend.loc['all', 'sigma_last']:.3f} (2020).",
        f"β convergence of urbanisation 2010 → 2020 ({int(b['n'])} cities): β = {b['beta']:.4f} per year "
        f"(robust SE {b['se']:.4f}, t test with {int(b['df'])} df: p = {b['p_value']:.2g}), "
        f"half-life {b['half_life']:.0f} years.",
    ]
    return dagum, sigma, beta


def _dagum_chart(dagum):
    from matplotlib.figure import Figure

    from geolink.fonts import cjk_font

    cjk_font()
    fig = Figure(figsize=(7, 4.2), layout="constrained")
    ax = fig.add_subplot()
    s = dagum.summary.set_index("year")
    parts = [("G_w", "组内 within"), ("G_nb", "组间净值 net between"), ("G_t", "超变密度 transvariation")]
    x = np.arange(len(s))
    bottom = np.zeros(len(s))
    for (name, label), color in zip(parts, ("#6baed6", "#fd8d3c", "#bdbdbd"), strict=True):
        ax.bar(x, s[name], bottom=bottom, color=color, label=label, width=0.5)
        bottom += s[name].to_numpy()
    ax.errorbar(x, s["G"], yerr=[s["G"] - s["G_lo"], s["G_hi"] - s["G"]], fmt="o", color="black",
                capsize=4, label="G (95 % bootstrap)")
    ax.set_xticks(x, [str(t) for t in s.index])
    ax.set_ylabel("Dagum Gini")
    ax.set_title("城镇化率的 Dagum 基尼系数分解（八大城市群，人口加权）", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    return fig


def _regional(report: _Report, panel: pd.DataFrame):
    """Spatial autocorrelation (Moran, LISA), Theil beside Dagum, Markov transitions of urbanisation."""
    y2020 = panel[panel["year"] == 2020].dropna(subset=["urbanisation_pct"])
    weights = geolink.spatial_weights("queen", units=y2020["adcode"], link_islands=True)
    global_i = geolink.moran(y2020, "urbanisation_pct", weights=weights, permutations=999, seed=1)
    lisa = geolink.local_moran(y2020, "urbanisation_pct", weights=weights, permutations=999, seed=1, fdr=True)
    report.figure(
        geolink.lisa_map(lisa, title="城镇化率 LISA 2020 (FDR 5 %)"),
        "lisa_urbanisation_2020.png",
        "Local Moran (LISA) clusters of the urbanisation rate 2020 on queen contiguity (island units linked to "
        "their nearest unit), 999 conditional permutations, significant at a false discovery rate of 5 %.",
        CENSUS_SOURCE,
    )
    lisa_gdf = geolink.prefectures().join(lisa.table.set_index(lisa.unit), how="inner")
    report.web_map(lisa_gdf, "cluster", "lisa_urbanisation_2020.html", "Interactive LISA cluster map of urbanisation "
                   "2020 (offline); hover a unit for its value and pseudo p-value.", CENSUS_SOURCE,
                   categories=LISA_CATEGORIES, title="城镇化率 LISA 2020", context=geolink.provinces(),
                   tooltip=("name", "name_en", "urbanisation_pct", "p_sim"))
    theil = geolink.theil(panel, "urbanisation_pct", group="eight", overlap="first", time="year",
                          weight="population", dropna=True)
    both = panel.dropna(subset=["urbanisation_pct"])
    both = both[both.groupby("adcode")["year"].transform("size") == 2]
    chain = geolink.markov(both, "urbanisation_pct", time="year", k=5)
    g = global_i.summary.iloc[0]
    t = theil.summary.set_index("year")
    counts = lisa.table["cluster"].value_counts()
    report.facts["census"] += [
        f"Global Moran's I of urbanisation 2020 (queen, {int(g['n'])} units): I = {g['I']:.3f}, "
        f"permutation p = {g['p_sim']:.3f}; LISA clusters: "
        + ", ".join(f"{k} {counts.get(k, 0)}" for k in ("HH", "LL", "HL", "LH")) + ".",
        f"Theil T of urbanisation across the eight agglomerations' cities (population-weighted): "
        f"{t.loc[2010, 'T']:.4f} (2010) → {t.loc[2020, 'T']:.4f} (2020); between-agglomeration part "
        f"{t.loc[2020, 'share_T_b']:.0f} % in 2020 (Dagum: see above).",
        f"Markov transitions of {both['adcode'].nunique()} cities between urbanisation quintiles 2010 → 2020: "
        f"{100 * np.trace(chain.counts.to_numpy()) / chain.counts.to_numpy().sum():.0f} % stayed in their quintile "
        "(table below).",
    ]
    report.tables.append(("Markov transition probabilities between urbanisation quintiles, 2010 → 2020",
                          chain.probabilities))
    report.tables.append(("Global Moran's I of urbanisation 2020", global_i.summary))
    return lisa_gdf, theil, chain


def _decay(report: _Report, gdf):
    """Distance decay: GBA cities vs distance to Shenzhen (census), Dongguan's towns (town census)."""
    gba = gdf.loc[geolink.cities_in("gba").index.drop("440300")].dropna(subset=["density_2020"])
    cities = geolink.distance_decay(gba, "density_2020", target="深圳市", distance="centroid")
    report.figure(
        geolink.plot_distance_decay(cities, label="name_short"),
        "gba_decay.png",
        "Population density 2020 (persons per km²) of the other mainland GBA cities against the distance from "
        "their centroid to Shenzhen's (geodesic km), with four fitted curves.",
        CENSUS_SOURCE,
    )
    towns = geolink.distance_decay(
        geolink.datasets.load("dongguan_towns"), "pop_2020", target="深圳市", dropna=True
    )
    report.figure(
        geolink.plot_distance_decay(towns),
        "dongguan_decay.png",
        "Resident population 2020 of Dongguan's towns against the distance to the Shenzhen boundary "
        f"({len(towns.dropped)} town without a citable point left out: {', '.join(towns.dropped['name'])}).",
        TOWNS_SOURCE,
    )
    report.figure(
        geolink.map_distance_decay(towns, context=geolink.cities_in("gba"), source=TOWNS),
        "dongguan_decay_map.png",
        "Dongguan's towns by population, with 10/20/30 km rings around Shenzhen.",
        TOWNS_SOURCE,
    )
    c, t = cities.correlations.iloc[0], towns.correlations.iloc[0]
    report.facts["census"] += [
        f"GBA cities, density vs centroid distance to Shenzhen ({int(c['n'])} cities): Spearman ρ = "
        f"{c['spearman_rho']:.2f}, Pearson r = {c['pearson_r']:.2f}.",
        f"Dongguan's towns, population vs distance to the Shenzhen boundary ({int(t['n'])} towns): Pearson r = "
        f"{t['pearson_r']:.2f} (p = {t['pearson_p']:.1g}), Spearman ρ = {t['spearman_rho']:.2f}.",
    ]
    return cities, towns


def _papers(report: _Report) -> dict:
    """Part 2: the papers' published results, reproduced on the boundaries."""
    co = geolink.datasets.load("coagglomeration")
    wide = co.pivot(index="agglomeration_id", columns="year", values="coagglomeration_index")
    values = pd.DataFrame({"agglomeration_id": wide.index, "coagglomeration_2004": wide[2004].to_numpy(),
                           "coagglomeration_2018": wide[2018].to_numpy()})
    outlines = geolink.agglomeration_outline(geolink.EIGHT).merge(values, on="agglomeration_id", how="left")
    classes = geolink.classify(pd.concat([values["coagglomeration_2004"], values["coagglomeration_2018"]]),
                               "equal_interval", k=4, cmap="PuBu")
    for year in (2004, 2018):
        report.figure(
            geolink.choropleth(outlines, f"coagglomeration_{year}", classes=classes, context=geolink.prefectures(),
                               title=f"生产性服务业与制造业协同集聚指数 {year}", source=COAGG,
                               labels="agglomeration_zh", legend_title=f"协同集聚指数 co-agglomeration {year}",
                               legend_loc="upper left"),
            f"coagglomeration_{year}.png",
            f"Co-agglomeration index of producer services and manufacturing by agglomeration, {year}, as "
            "published (same classes in both years).",
            COAGG_SOURCE,
            part="papers",
        )
    lq = geolink.datasets.load("gz_sz_lq").query("year == 2022").assign(
        city=lambda d: d["city"].map({"guangzhou": "广州 Guangzhou", "shenzhen": "深圳 Shenzhen"})
    )
    report.figure(
        geolink.plot_lq_comparison(lq, unit="city", industry="industry_zh",
                                   title="2022 年广州、深圳制造业区位熵 LQ"),
        "gz_sz_lq.png",
        "Location quotients of 34 manufacturing industries, Guangzhou vs Shenzhen, 2022, as published (LQ = 1 line).",
        GZSZ_SOURCE,
        part="papers",
    )
    change = geolink.datasets.load("gz_sz_lq_change")
    change = change.assign(**{"class": geolink.classify_lq_change(change["lq_2011"], change["lq_2022"])})
    structure = geolink.datasets.load("gz_sz_structure")
    krugman = geolink.krugman_index(structure, "share_pct", pair=("440100", "440300"), industry="sector")
    counts = change.groupby(["city", "class"]).size().unstack(fill_value=0)
    report.facts["papers"] += [
        f"Krugman index of the 2022 three-sector structures of Guangzhou and Shenzhen: {krugman['krugman'].item():.2f}.",
        "LQ-change classes 2011→2022 of the 34 manufacturing industries: " + "; ".join(
            f"{c}: " + ", ".join(f"{k} {v}" for k, v in counts.loc[c].items() if v) for c in counts.index
        ),
    ]
    return {"outlines": outlines, "classes": classes, "coagglomeration": co, "lq_change": change}


def _web_map(report: _Report, gdf, classes) -> None:
    report.web_map(
        gdf, "urbanisation_pct", "china_urbanisation_2020.html",
        "Interactive map of the urbanisation rate 2020 with the eight agglomerations (works offline: Leaflet "
        "inlined, no tiles); hover a unit for its name, value and rank.",
        CENSUS_SOURCE,
        classes=classes["urbanisation_pct"], outlines="eight", title="城镇化率 Urbanisation 2020",
        value_unit="%", tooltip=("name", "name_en", "population"),
    )


def _geopackage(report: _Report, gdf, classes, dagum, sigma, beta, decay, papers, regional) -> None:
    cities, towns = decay
    lisa_layer, theil, chain = regional
    units = geolink.prefectures()
    groups = geolink.agglomeration_groups("eight", overlap="first").set_index("adcode")["group"]
    units["agglomeration"] = units["adcode"].map(groups)
    census = gdf.drop(columns=[c for c in ("name", "province_adcode", "year") if c in gdf.columns])
    census_layer = units.join(census.set_index("adcode"), how="left")
    layers = {
        "census_2020": census_layer,
        "prefectures": units,
        "agglomerations": papers["outlines"],
        "dongguan_towns": towns.units.drop(columns=["inside"]),
        "gba_cities_decay": cities.units.drop(columns=["inside"]),
        "lisa_urbanisation_2020": lisa_layer,
        "dagum_summary": dagum.summary,
        "theil_summary": theil.summary,
        "markov_probabilities": chain.probabilities.reset_index(),
        "dagum_within": dagum.within,
        "dagum_between": dagum.between,
        "sigma": sigma.summary,
        "beta": beta.summary,
        "decay_fits": pd.concat([cities.fits, towns.fits], ignore_index=True),
        "coagglomeration": papers["coagglomeration"],
        "gz_sz_lq_change": papers["lq_change"],
    }
    geolink.to_gpkg(
        report.out / "geolink_demo.gpkg",
        layers,
        descriptions={
            "census_2020": "2020 census indices by prefecture (Lei Dong et al. 2022) with 2010 urbanisation and density",
            "prefectures": "prefecture-level units (WGS 84) with their agglomeration among the eight (overlaps: first)",
            "agglomerations": "outlines of the eight agglomerations with the published co-agglomeration index",
            "dongguan_towns": "Dongguan's towns: 2020 population and geodesic distance to the Shenzhen boundary (km)",
            "gba_cities_decay": "GBA cities: density 2020 and centroid distance to Shenzhen (km)",
            "lisa_urbanisation_2020": "LISA clusters of urbanisation 2020 (queen, FDR 5 %)",
            "dagum_summary": "Dagum decomposition of urbanisation, eight agglomerations, population-weighted",
            "theil_summary": "Theil T and L of urbanisation with the within/between-agglomeration parts",
            "markov_probabilities": "Markov transition probabilities between urbanisation quintiles 2010 → 2020",
            "dagum_within": "within-agglomeration Gini G_jj with bootstrap intervals",
            "dagum_between": "between-agglomeration Gini G_jh and relative affluence D_jh",
            "sigma": "σ convergence of urbanisation by agglomeration",
            "beta": "β convergence of urbanisation 2010 → 2020",
            "decay_fits": "distance-decay fits: GBA cities and Dongguan's towns",
            "coagglomeration": "published co-agglomeration index by agglomeration, 2004–2018 (Chen & Wang, Table 1)",
            "gz_sz_lq_change": "published LQs 2011 and 2022 of Guangzhou and Shenzhen with LQ-change classes",
        },
        styles={
            "census_2020": Style("urbanisation_pct", classes["urbanisation_pct"], "城镇化率 urbanisation 2020 (%)"),
            "lisa_urbanisation_2020": Style.categorized("cluster", LISA_CATEGORIES, title="LISA 城镇化率 2020"),
            "prefectures": Style.categorized("agglomeration", _agglomeration_colours(), title="城市群 agglomeration"),
            "agglomerations": Style("coagglomeration_2018", papers["classes"], "co-agglomeration index 2018"),
            "dongguan_towns": Style("pop_2020", geolink.classify(towns.units["pop_2020"], "quantiles", k=5)),
            "gba_cities_decay": Style("density_2020", geolink.classify(cities.units["density_2020"], "quantiles", k=4)),
        },
    )
    report.add("geolink_demo.gpkg", "GeoPackage with every layer and table above; opens styled in QGIS.",
               "all of the above", part="both")


def _agglomeration_colours() -> dict:
    """One colour per agglomeration of the eight (matplotlib's tab10, as in the membership maps)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    names = geolink.agglomerations("eight").drop_duplicates("agglomeration_id").set_index("agglomeration_id")
    return {
        gid: (to_hex(colormaps["tab10"](i)), f"{names.loc[gid, 'agglomeration_short_zh']} {gid}")
        for i, gid in enumerate(geolink.EIGHT)
    }


def run(out: Path, progress: Callable[[str], None] = print) -> Path:
    """Run the demo into the folder ``out``.

    Parameters
    ----------
    out : output folder (created).
    progress : called with a line of text after each step.

    Returns
    -------
    Path of ``index.html``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = _Report(out, progress)
    try:
        _parts(report)
    except BaseException:
        report.writer.abort()
        raise
    report.writer.close()
    index = out / "index.html"
    index.write_text(_index_html(report), encoding="utf-8")
    progress(f"wrote {index}")
    return index


def _parts(report: _Report) -> None:
    progress = report.progress
    progress("census indices on prefecture boundaries")
    panel, cross = _census()
    gdf = geolink.prefectures().join(cross.drop(columns=["name", "province_adcode"]).set_index("adcode"), how="left")
    classes = _maps(report, gdf)
    progress("Dagum decomposition, σ and β convergence of urbanisation")
    dagum, sigma, beta = _inequality(report, panel)
    progress("the papers' results")  # here, so that the worker always has a figure to render
    papers = _papers(report)
    progress("spatial autocorrelation, Theil and Markov transitions of urbanisation")
    regional = _regional(report, panel)
    progress("distance decay: GBA cities and Dongguan's towns vs Shenzhen")
    decay = _decay(report, gdf)
    progress("web map")  # built here while the worker renders the last PNGs
    _web_map(report, gdf, classes)
    progress("GeoPackage")
    _geopackage(report, cross, classes, dagum, sigma, beta, decay, papers, regional)


def _index_html(report: _Report) -> str:
    def blocks(part: str) -> str:
        rows = []
        for p, name, caption, source in report.items:
            if p not in (part, "both"):
                continue
            body = (f'<a href="{name}"><img src="{name}" alt="{html.escape(caption)}"></a>'
                    if name.endswith(".png") else f'<p><a href="{name}">{name}</a></p>')
            rows.append(f"<figure>{body}<figcaption>{html.escape(caption)} <i>Data: {html.escape(source)}.</i>"
                        "</figcaption></figure>")
        return "".join(rows)

    facts = "".join(f"<li>{html.escape(f)}</li>" for part in ("census", "papers") for f in report.facts[part])
    tables = "".join(
        f"<h3>{html.escape(title)}</h3>" + table.round(3).to_html(border=0, index=not isinstance(table.index, pd.RangeIndex))
        for title, table in report.tables
    )
    body = (
        f"<h1>geolink demo</h1><p>geolink {geolink.__version__}: regenerated by <code>geolink demo</code>.</p>"
        f"<h2>Key figures</h2><ul>{facts}</ul>{tables}"
        "<h2>Part 1 — city-level census indices on prefecture boundaries</h2>" + blocks("census")
        + "<h2>Part 2 — the source papers' results, reproduced</h2>" + blocks("papers")
    )
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>geolink demo</title>"
        f"<style>{css_font_face(html.unescape(body))}body{{font-family:{CSS_FONT_STACK};"
        "max-width:1000px;margin:auto;padding:1em}img{max-width:100%;border:1px solid #ddd}"
        f"figure{{margin:1.5em 0}}</style></head><body>{body}</body></html>"
    )
