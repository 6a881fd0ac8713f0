"""The ``geolink`` command line: a thin layer over the library functions.

Errors are one readable line on stderr (plus the join report when there is
one) and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from pyogrio.errors import DataSourceError

import geolink
from geolink.classes import SCHEMES


def _save(fig, path: Path, dpi: int = 150) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path


def _join(args) -> geolink.JoinReport:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = geolink.join(
            args.table, on=args.on, year=args.year, agg=args.agg, strict=args.strict, sheet=args.sheet
        )
    report = gdf.attrs["join_report"]
    print(report.summary(), file=sys.stderr)
    return gdf


def cmd_join(args) -> int:
    gdf = _join(args)
    report = gdf.attrs["join_report"]
    layers = {"prefectures": gdf, "join_report": report.rows.astype({"input": str})}
    path = geolink.to_gpkg(
        args.output,
        layers,
        descriptions={
            "prefectures": f"{args.table} joined on {report.key}",
            "join_report": "outcome of every input row",
        },
    )
    print(f"wrote {path}")
    return 0


def cmd_map(args) -> int:
    gdf = _join(args)
    context = None
    if args.agglomeration:
        gdf = gdf.loc[gdf.index.intersection(geolink.cities_in(args.agglomeration).index)]
        units = geolink.prefectures()
        context = units[units["province_adcode"].isin(set(gdf["province_adcode"]))]
    if args.column not in gdf.columns:
        raise KeyError(f"column {args.column!r} not in the table; columns: {list(gdf.columns)}")
    out = Path(args.output)
    common = {
        "classes": geolink.classify(gdf[args.column], args.scheme, args.k, args.breaks),
        "title": args.title,
        "outlines": args.agglomeration,
        "context": context,
    }
    if out.suffix.lower() == ".html":
        out.parent.mkdir(parents=True, exist_ok=True)
        geolink.web_map(gdf, args.column, **common).save(str(out))
    else:
        labels = "name_short" if args.labels else None
        fig = geolink.choropleth(
            gdf, args.column, units=args.units, source=args.source, labels=labels, **common
        )
        _save(fig, out, args.dpi)
    print(f"wrote {out}")
    return 0


def cmd_gini(args) -> int:
    table = geolink.read_table(args.table)
    group = args.group
    if group not in table.columns:  # an agglomeration grouping: units → groups by their adcode
        if args.unit not in table.columns:
            raise KeyError(
                f"--group {group!r} is not a column, so it is read as an agglomeration grouping, which "
                f"needs the unit column --unit (default 'adcode'); columns: {list(table.columns)}"
            )
        resolved = geolink.resolve_names(table[args.unit])
        table = table.assign(adcode=resolved["adcode"].to_numpy())
        group = geolink.agglomeration_groups(group, overlap=args.overlap)
    result = geolink.dagum_gini(
        table, args.value, group, by=args.by, weights=args.weights, bootstrap=args.bootstrap, seed=0
    )
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(result.summary.round(4).to_string(index=False))
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.output:
        geolink.to_gpkg(
            args.output,
            {"dagum_summary": result.summary, "dagum_within": result.within, "dagum_between": result.between},
        )
        print(f"wrote {args.output}")
    return 0


def cmd_decay(args) -> int:
    table = geolink.read_table(args.table)
    result = geolink.distance_decay(
        table, args.target, args.indicator, distance=args.distance, lon=args.lon, lat=args.lat
    )
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(result.correlations.round(4).to_string(index=False))
        print(result.fits.round(4).to_string(index=False))
    if args.output:
        _save(geolink.plot_distance_decay(result), Path(args.output), args.dpi)
        print(f"wrote {args.output}")
    return 0


def cmd_export(args) -> int:
    ids = args.agglomerations or None
    layers = {
        "prefectures": geolink.prefectures(),
        "agglomerations": geolink.agglomeration_outline(ids),
        "membership": geolink.agglomerations(ids),
    }
    geolink.to_gpkg(
        args.output,
        layers,
        descriptions={
            "prefectures": "prefecture-level units of China, WGS 84",
            "agglomerations": "urban agglomeration outlines (union of member units)",
            "membership": "agglomeration × unit membership with plan documents",
        },
    )
    print(f"wrote {args.output}")
    return 0


def cmd_summary(args) -> int:
    units = geolink.prefectures()
    print(f"geolink {geolink.__version__}: {len(units)} prefecture-level units (WGS 84)")
    for level, n in units["level"].value_counts().items():
        print(f"  {level:<24}{n:>4}")
    outlines = geolink.agglomeration_outline()
    print(f"{len(outlines)} urban agglomerations:")
    for row in outlines.itertuples():
        partial = f", {row.n_partial} partial" if row.n_partial else ""
        print(f"  {row.agglomeration_id:<4}{row.agglomeration_en:<45}{row.n_units:>3} units{partial}")
    return 0


def cmd_demo(args) -> int:
    from geolink.demo import run

    start = time.perf_counter()
    index = run(Path(args.out), progress=lambda msg: print(f"[{time.perf_counter() - start:5.1f}s] {msg}"))
    print(f"done in {time.perf_counter() - start:.1f} s: open {index}")
    return 0


def _table_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", help="CSV (UTF-8 or GBK) or Excel file")
    p.add_argument("--on", help="column naming the units (detected if omitted)")
    p.add_argument("--year", type=int, help="the table's year (decides historical names)")
    p.add_argument("--agg", help="combine rows of the same unit: sum, mean, first …")
    p.add_argument("--strict", action="store_true", help="fail if any row is not joined")
    p.add_argument("--sheet", default=0, help="Excel sheet (name or number)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="geolink", description=geolink.__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "demo", help="run every bundled analysis into maps/ (PNGs, HTML, GeoPackage, index.html)"
    )
    p.add_argument("--out", default="maps", help="output folder (default: maps)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("join", help="join a city table onto the prefectures and write a GeoPackage")
    _table_args(p)
    p.add_argument("-o", "--output", required=True, help="output .gpkg")
    p.set_defaults(func=cmd_join)

    p = sub.add_parser("map", help="choropleth of a column of a city table (.png or .html)")
    _table_args(p)
    p.add_argument("--column", required=True)
    p.add_argument("-o", "--output", required=True, help="output .png or .html")
    p.add_argument("--scheme", default="quantiles", choices=sorted(SCHEMES))
    p.add_argument("--k", type=int, default=5, help="number of classes")
    p.add_argument("--breaks", type=float, nargs="+", help="upper class bounds, with --scheme user")
    p.add_argument("--agglomeration", help="restrict to an agglomeration (id or name) and outline it")
    p.add_argument("--title")
    p.add_argument("--units", help="unit of the values, for the legend")
    p.add_argument("--source", help="data-source note")
    p.add_argument("--labels", action="store_true", help="print unit names")
    p.add_argument("--dpi", type=int, default=150)
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("gini", help="Dagum Gini decomposition of a value by group")
    p.add_argument("table")
    p.add_argument("--value", required=True)
    p.add_argument(
        "--group", required=True, help="group column, or an agglomeration grouping such as 'eight'"
    )
    p.add_argument("--unit", default="adcode", help="unit column used with an agglomeration grouping")
    p.add_argument("--overlap", default="first", help="rule for units in several agglomerations")
    p.add_argument("--by", help="e.g. year")
    p.add_argument("--weights")
    p.add_argument("--bootstrap", type=int, default=0)
    p.add_argument("-o", "--output", help="write the tables to this .gpkg")
    p.set_defaults(func=cmd_gini)

    p = sub.add_parser("decay", help="distance decay of indicators of points to a target")
    p.add_argument("table", help="table with lon/lat (WGS 84) and indicator columns")
    p.add_argument("--target", required=True, help="prefecture (adcode or name)")
    p.add_argument("--indicator", required=True, nargs="+")
    p.add_argument("--distance", default="boundary", choices=["boundary", "centroid"])
    p.add_argument("--lon", default="lon")
    p.add_argument("--lat", default="lat")
    p.add_argument("-o", "--output", help="scatter plot with fitted curves (.png)")
    p.add_argument("--dpi", type=int, default=150)
    p.set_defaults(func=cmd_decay)

    p = sub.add_parser("export", help="boundaries, agglomeration outlines and membership to a GeoPackage")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--agglomerations", nargs="*", help="ids (default: all)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="units and agglomerations")
    p.set_defaults(func=cmd_summary)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (KeyError, ValueError, OSError, ImportError, DataSourceError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"geolink {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
