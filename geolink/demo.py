"""The main job (``geolink demo``): every bundled analysis, end to end, into one folder.

Writes membership maps (GBA, the eight agglomerations), the co-agglomeration
index by agglomeration 2004 vs 2018 and the within-agglomeration Gini
(seed 002), Guangzhou vs Shenzhen location quotients (seed 000), Dongguan's
distance decay (population vs distance to Shenzhen), an offline web map, one
GeoPackage with every layer and table (QGIS styles included) and an
``index.html`` report linking them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import geolink
from geolink.gpkg import Style

SEED000 = "数据 Data: 广州、深圳制造业区位熵 (特区经济 2025 年第 2 期, 表 1–2)"
SEED002 = "数据 Data: 陈秀英、王梦翠, 中国城市群生产性服务业与制造业协同集聚 (表 1–5), 2004–2018"
TOWNS = "数据 Data: 东莞市第七次全国人口普查公报（第二号）; points: GeoNames (CC BY 4.0)"


def _outlines_with(values: pd.DataFrame) -> pd.DataFrame:
    outlines = geolink.agglomeration_outline(geolink.EIGHT)
    return outlines.merge(values, on="agglomeration_id", how="left")


def run(out: Path, progress: Callable[[str], None] = print) -> Path:
    """Run the demo into ``out``; returns the path of ``index.html``."""
    out.mkdir(parents=True, exist_ok=True)
    items: list[tuple[str, str, str]] = []  # (file, caption, source)

    def save(fig, name: str, caption: str, source: str) -> None:
        fig.savefig(out / name, dpi=150)
        items.append((name, caption, source))
        progress(f"wrote {out / name}")

    progress("membership maps")
    save(
        geolink.agglomeration_map("gba", labels=True, title="粤港澳大湾区 Greater Bay Area (11 units)"),
        "gba_membership.png",
        "The 11 units of the Greater Bay Area.",
        "《粤港澳大湾区发展规划纲要》 2019",
    )
    save(
        geolink.agglomeration_map(
            "eight", overlap="first", title="八大城市群 The eight national urban agglomerations"
        ),
        "agglomerations_eight.png",
        "Members of the eight agglomerations of seed 002; 邯郸, 邢台 (bth/cp) and 运城 (cp/gzp) are drawn with the "
        "first of the study's order.",
        "State Council / NDRC plans (boundaries/README.md)",
    )

    progress("co-agglomeration index by agglomeration (seed 002, Table 1)")
    co = geolink.datasets.load("coagglomeration")
    wide = co.pivot(index="agglomeration_id", columns="year", values="coagglomeration_index")
    values = pd.DataFrame(
        {
            "agglomeration_id": wide.index,
            "coagglomeration_2004": wide[2004].to_numpy(),
            "coagglomeration_2018": wide[2018].to_numpy(),
        }
    )
    gjj = geolink.datasets.load("dagum_within").query("measure == 'G_jj'")
    values = values.merge(gjj.groupby("agglomeration_id")["value"].mean().rename("g_jj_mean").reset_index())
    sigma = geolink.datasets.load("sigma").query("year == 2018")[["agglomeration_id", "sigma"]]
    values = values.merge(sigma.rename(columns={"sigma": "sigma_2018"}))
    outlines = _outlines_with(values)
    context = geolink.prefectures()
    classes = geolink.classify(
        pd.concat([values["coagglomeration_2004"], values["coagglomeration_2018"]]),
        "equal_interval",
        k=4,
        cmap="PuBu",
    )
    for year in (2004, 2018):
        save(
            geolink.choropleth(
                outlines,
                f"coagglomeration_{year}",
                classes=classes,
                context=context,
                title=f"生产性服务业与制造业协同集聚指数 {year}",
                source=SEED002,
                labels="agglomeration_zh",
                legend_title=f"协同集聚指数 co-agglomeration {year}",
            ),
            f"coagglomeration_{year}.png",
            f"Co-agglomeration index of producer services and manufacturing, {year}, by agglomeration "
            "(same classes in both years).",
            "seed 002 Table 1",
        )
    save(
        geolink.choropleth(
            outlines,
            "g_jj_mean",
            k=4,
            context=context,
            cmap="Oranges",
            labels="agglomeration_zh",
            legend_title="G_jj (mean)",
            title="城市群内差异 Within-agglomeration Gini G_jj (mean 2004–2018)",
            source=SEED002,
        ),
        "within_gini.png",
        "Within-agglomeration Dagum Gini of the co-agglomeration index, mean 2004–2018, as printed (Table 2; "
        "see data/papers/README.md on its column labels).",
        "seed 002 Table 2",
    )

    progress("σ and β convergence across the eight agglomerations (Table 1)")
    sigma_across = geolink.sigma_convergence(co, "coagglomeration_index", by="year")
    beta = geolink.beta_convergence(co, "coagglomeration_index", "agglomeration_id", "year", 2004, 2018)

    progress("Guangzhou vs Shenzhen location quotients (seed 000)")
    lq = (
        geolink.datasets.load("gz_sz_lq")
        .query("year == 2022")
        .assign(city=lambda d: d["city"].map({"guangzhou": "广州 Guangzhou", "shenzhen": "深圳 Shenzhen"}))
    )
    lq_chart = geolink.plot_lq_comparison(
        lq, unit="city", industry="industry_zh", title="2022 年广州、深圳制造业区位熵 LQ"
    )
    lq_chart.axes[0].set_xlabel("区位熵 location quotient (1 = the reference area)")
    save(
        lq_chart,
        "gz_sz_lq.png",
        "Location quotients of 34 manufacturing industries, Guangzhou vs Shenzhen, 2022 (LQ = 1 line).",
        "seed 000 Table 1",
    )
    change = geolink.datasets.load("gz_sz_lq_change")
    change = change.assign(**{"class": geolink.classify_lq_change(change["lq_2011"], change["lq_2022"])})
    structure = geolink.datasets.load("gz_sz_structure")
    krugman = geolink.krugman_index(structure, "share_pct", pair=("440100", "440300"), industry="sector")[
        "krugman"
    ].item()

    progress("Dongguan's towns vs distance to Shenzhen")
    towns = geolink.datasets.load("dongguan_towns")
    decay = geolink.distance_decay(towns, "pop_2020", target="深圳市", dropna=True)  # 大岭山镇 has no point
    save(
        geolink.plot_distance_decay(decay),
        "dongguan_decay.png",
        "Resident population 2020 of Dongguan's towns vs distance to the Shenzhen boundary.",
        TOWNS,
    )
    save(
        geolink.map_distance_decay(decay, context=geolink.cities_in("gba"), source=TOWNS),
        "dongguan_decay_map.png",
        "Dongguan's towns by population, with 10/20/30 km rings around Shenzhen.",
        TOWNS,
    )

    progress("web map")
    web = geolink.web_map(
        outlines,
        "coagglomeration_2018",
        classes=classes,
        title="协同集聚指数 2018",
        tooltip=("agglomeration_zh", "agglomeration_en"),
        context=geolink.provinces(),
    )
    web.save(str(out / "coagglomeration_2018.html"))
    items.append(
        (
            "coagglomeration_2018.html",
            "Interactive map (works offline, no tiles): co-agglomeration index 2018 by agglomeration.",
            "seed 002 Table 1",
        )
    )

    progress("GeoPackage")
    units = geolink.prefectures()
    groups = geolink.agglomeration_groups("eight", overlap="first").set_index("adcode")["group"]
    units["agglomeration"] = units["adcode"].map(groups)
    fits = decay.fits.copy()
    geolink.to_gpkg(
        out / "geolink_demo.gpkg",
        {
            "prefectures": units,
            "agglomerations": outlines,
            "dongguan_towns": decay.units.drop(columns=["inside"]),
            "coagglomeration": co,
            "dagum_decomposition": geolink.datasets.load("dagum_decomposition"),
            "gz_sz_lq_change": change,
            "sigma_across_agglomerations": sigma_across.table,
            "decay_fits": fits,
            "decay_correlations": decay.correlations,
        },
        descriptions={
            "prefectures": "prefecture-level units (WGS 84) with their agglomeration among the eight (overlaps: first)",
            "agglomerations": "outlines of the eight agglomerations with seed 002 Table 1, 2 and 5 values",
            "dongguan_towns": "Dongguan towns: 2020 population and geodesic distance to the Shenzhen boundary (km)",
            "coagglomeration": "seed 002 Table 1, long",
            "dagum_decomposition": "seed 002 Table 4",
            "gz_sz_lq_change": "seed 000 Table 2 with LQ-change classes (SPEC rules)",
            "sigma_across_agglomerations": "coefficient of variation of Table 1 across the eight, per year",
            "decay_fits": "distance-decay fits: population vs distance to Shenzhen",
            "decay_correlations": "distance-decay correlations",
        },
        styles={
            "agglomerations": Style("coagglomeration_2018", classes, "co-agglomeration index 2018"),
            "dongguan_towns": Style("pop_2020", geolink.classify(decay.units["pop_2020"], "quantiles", k=5)),
        },
    )
    items.append(
        (
            "geolink_demo.gpkg",
            "GeoPackage with every layer and table above (opens styled in QGIS).",
            "all of the above",
        )
    )
    progress(f"wrote {out / 'geolink_demo.gpkg'}")

    corr = decay.correlations.iloc[0]
    counts = change.groupby(["city", "class"]).size().unstack(fill_value=0)
    facts = [
        f"Krugman index of the 2022 three-sector structures of Guangzhou and Shenzhen: {krugman:.2f}.",
        "LQ-change classes 2011→2022 (SPEC rules on seed 000 Table 2): "
        + "; ".join(
            f"{c}: " + ", ".join(f"{k} {v}" for k, v in counts.loc[c].items() if v) for c in counts.index
        ),
        f"Dongguan, population vs distance to Shenzhen ({int(corr['n'])} towns; 大岭山镇 has no point): "
        f"Pearson r = {corr['pearson_r']:.2f} (p = {corr['pearson_p']:.1g}), Spearman ρ = {corr['spearman_rho']:.2f}.",
        f"σ of the co-agglomeration index across the eight agglomerations: "
        f"{sigma_across.trend['sigma_first'].iloc[0]:.3f} (2004) → {sigma_across.trend['sigma_last'].iloc[0]:.3f} "
        f"(2018); β (2004–2018, n = 8) = {beta.beta:.4f} (robust SE {beta.se:.4f}).",
    ]
    index = out / "index.html"
    index.write_text(_report(items, facts), encoding="utf-8")
    progress(f"wrote {index}")
    return index


def _report(items: list[tuple[str, str, str]], facts: list[str]) -> str:
    blocks = []
    for name, caption, source in items:
        body = (
            f'<a href="{name}"><img src="{name}" alt="{html.escape(caption)}"></a>'
            if name.endswith(".png")
            else f'<a href="{name}">{name}</a>'
        )
        blocks.append(
            f"<figure>{body}<figcaption>{html.escape(caption)} <i>Source: {html.escape(source)}.</i>"
            "</figcaption></figure>"
        )
    facts_html = "".join(f"<li>{html.escape(f)}</li>" for f in facts)
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>geolink demo</title>"
        "<style>body{font-family:sans-serif;max-width:1000px;margin:auto;padding:1em}"
        "img{max-width:100%;border:1px solid #ddd}figure{margin:1.5em 0}</style></head><body>"
        f"<h1>geolink demo</h1><p>geolink {geolink.__version__}: bundled analyses, regenerated by "
        "<code>geolink demo</code>.</p><h2>Key figures</h2><ul>"
        f"{facts_html}</ul><h2>Outputs</h2>{''.join(blocks)}</body></html>"
    )
