"""The ``geolink`` command line (also ``python -m geolink``): a thin layer over the library functions.

Options follow the library's vocabulary (``--unit``, ``--value``, ``--time``,
``--year``, ``--group``, ``--weight``, ``--scheme``/``--k``/``--bins``,
``--distance``).  Every error — bad input, a missing file, an output path that
cannot be written, a full disk — is exactly one readable line on stderr and
exit code 2; ``GEOLINK_DEBUG=1`` shows the traceback instead.  Notes (the join
report, rows left out) go to stderr once a command has succeeded.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

import geolink
from geolink.autocorrelation import LISA_CATEGORIES
from geolink.classes import SCHEMES
from geolink.gpkg import Style
from geolink.join import AGGREGATIONS
from geolink.rollup import DEFINITIONS, LEVELS


def _save(fig, path: Path, dpi: int = 150) -> Path:
    """Write a figure (a matplotlib Figure, or a folium Map as HTML) through :func:`_write`."""
    path = Path(path)
    if hasattr(fig, "get_root"):
        return _write(path, fig.get_root().render().encode("utf-8"))
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=dpi, format=path.suffix[1:].lower() or "png")
    return _write(path, buffer.getvalue())


def _write(path: Path, data: bytes) -> Path:
    """Write bytes with Python's own file, so that a full disk raises naming the file (matplotlib's PNG writer
    does not report it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_bytes(data)
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from None
    return path


def _check_output(path, *, folder: bool = False) -> None:
    """Refuse an output path that cannot be written before any work is done: clearer than the OS later."""
    path = Path(path)
    if folder:
        if path.exists() and not path.is_dir():
            raise ValueError(f"-o {path}: a file of that name exists; give a folder")
        return
    if path.is_dir():
        raise ValueError(f"-o {path}: is a folder; give a file name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"-o {path}: {parent} is a file, not a folder")
            try:
                tempfile.TemporaryFile(dir=parent).close()
            except OSError as err:
                raise ValueError(f"-o {path}: cannot write in {parent} ({err.strerror})") from None
            break


def _one_line(exc: Exception) -> str:
    """The error as one line: KeyError without quotes, OS errors as 'reason: file', no line breaks."""
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename2 if getattr(exc, "filename2", None) else exc.filename
        message = f"{exc.strerror}: {where}" if where else exc.strerror
    elif isinstance(exc, KeyError) and exc.args:
        message = str(exc.args[0])
    else:
        message = str(exc)
    kind = "" if isinstance(exc, (KeyError, ValueError, OSError)) else f"{type(exc).__name__}: "
    return kind + " ".join(message.split())


def _join(args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = geolink.join(
            args.table, unit=args.unit, year=args.year, agg=args.agg, strict=args.strict, sheet=args.sheet,
            level=args.level, definition=args.definition,
        )  # fmt: skip
    args.notes.append(gdf.attrs["join_report"].summary())
    return gdf


def _classes(args, values):
    return geolink.classify(values, args.scheme, k=args.k, bins=args.bins)


def _require_column(gdf, column: str) -> None:
    if column not in gdf.columns:
        raise KeyError(f"column {column!r} not in the table; columns: {list(gdf.columns)}")


def cmd_join(args) -> int:
    _check_output(args.output)
    gdf = _join(args)
    report = gdf.attrs["join_report"]
    styles = {}
    if args.value:
        _require_column(gdf, args.value)
        styles["prefectures"] = Style(args.value, _classes(args, gdf[args.value]), title=args.value)
    layers = {"prefectures": gdf, "join_report": report.rows.astype({"input": str})}
    if report.reassigned is not None:
        layers["reassigned"] = report.reassigned.astype({c: str for c in ("row", "line", "input")})
    path = geolink.to_gpkg(
        args.output,
        layers,
        descriptions={
            "prefectures": f"{args.table} joined on {report.key}",
            "join_report": "outcome of every input row",
            "reassigned": "rows the reporting definition counts elsewhere than the hierarchy, and zones",
        },
        styles=styles,
    )
    print(f"wrote {path}")
    return 0


def cmd_map(args) -> int:
    out = Path(args.output)
    if out.suffix.lower() not in (".png", ".html"):
        raise ValueError(f"-o must end in .png or .html, got {out.name!r}")
    _check_output(out)
    gdf = _join(args)
    context = None
    if args.agglomeration:
        gdf = gdf.loc[gdf.index.intersection(geolink.cities_in(args.agglomeration).index)]
        units = geolink.prefectures()
        context = units[units["province_adcode"].isin(set(gdf["province_adcode"]))]
    _require_column(gdf, args.value)
    common = {
        "classes": _classes(args, gdf[args.value]),
        "title": args.title,
        "value_unit": args.value_unit,
        "outlines": args.agglomeration,
        "context": context,
    }
    if out.suffix.lower() == ".html":
        _save(geolink.web_map(gdf, args.value, **common), out)
    else:
        labels = "name_short" if args.labels else None
        fig = geolink.choropleth(gdf, args.value, source=args.source, labels=labels, **common)
        _save(fig, out, args.dpi)
    print(f"wrote {out}")
    return 0


def cmd_gini(args) -> int:
    if args.output:
        _check_output(args.output)
    table = geolink.read_table(args.table)
    result = geolink.dagum_gini(
        table,
        args.value,
        group=args.group,
        unit=args.unit,
        time=args.time,
        weight=args.weight,
        overlap=args.overlap,
        bootstrap=args.bootstrap,
        seed=args.seed,
        dropna=args.dropna,
    )
    _print_table(result.summary)
    _report_dropped(args, result)
    if args.output:
        geolink.to_gpkg(
            args.output,
            {"dagum_summary": result.summary, "dagum_within": result.within, "dagum_between": result.between},
        )
        print(f"wrote {args.output}")
    return 0


def _print_table(table: pd.DataFrame) -> None:
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))


def _report_dropped(args, result) -> None:
    """A result's notes and left-out rows, for stderr once the command has succeeded."""
    args.notes += [f"note: {note}" for note in result.notes]
    if len(result.dropped):
        reasons = result.dropped["reason"].value_counts().to_dict() if "reason" in result.dropped else {}
        args.notes.append(f"note: {len(result.dropped)} row(s) left out: {reasons}")


def cmd_moran(args) -> int:
    out = Path(args.output) if args.output else None
    if out is not None and out.suffix.lower() not in (".png", ".html", ".gpkg"):
        raise ValueError(f"-o must end in .png, .html or .gpkg, got {out.name!r}")
    if out is not None:
        _check_output(out)
    if args.weights == "distance_band" and args.threshold_km is None:
        raise ValueError("--weights distance_band needs --threshold-km (the band's radius in km)")
    if args.threshold_km is not None and args.weights not in ("distance_band", "inverse_distance"):
        raise ValueError(f"--threshold-km is for --weights distance_band or inverse_distance, not {args.weights}")
    weights = args.weights if args.threshold_km is None else geolink.spatial_weights(
        args.weights, threshold_km=args.threshold_km, link_islands=True)
    table = geolink.read_table(args.table)
    common = {"unit": args.unit, "time": args.time, "weights": weights, "permutations": args.permutations,
              "seed": args.seed, "dropna": args.dropna}
    with warnings.catch_warnings():  # units left without a neighbour: in the result's notes, printed once
        warnings.filterwarnings("ignore", message=r".* without a neighbour among the units used")
        result = geolink.moran(table, args.value, **common)
        _print_table(result.summary)
        if out is None:
            _report_dropped(args, result)
            return 0
        lisa = geolink.local_moran(table, args.value, fdr=args.fdr, **common)
    _report_dropped(args, lisa)
    times = lisa.table[lisa.time].unique() if lisa.time else [None]
    at = times[-1]
    shown = lisa.table if at is None else lisa.table[lisa.table[lisa.time] == at]
    layer = geolink.prefectures().join(shown.set_index(lisa.unit), how="inner")
    if out.suffix.lower() == ".png":
        _save(geolink.lisa_map(lisa, time=at), out, args.dpi)
    elif out.suffix.lower() == ".html":
        _save(geolink.web_map(layer, "cluster", categories=LISA_CATEGORIES, title=f"LISA {args.value}"), out)
    else:
        geolink.to_gpkg(out, {"lisa": layer}, styles={"lisa": Style.categorized("cluster", LISA_CATEGORIES)},
                        descriptions={"lisa": f"LISA clusters of {args.value} ({args.weights})"})
    print(f"wrote {out}")
    return 0


def cmd_theil(args) -> int:
    table = geolink.read_table(args.table)
    result = geolink.theil(table, args.value, group=args.group, unit=args.unit, time=args.time, weight=args.weight,
                           overlap=args.overlap, bootstrap=args.bootstrap, seed=args.seed, dropna=args.dropna)
    _print_table(result.summary)
    _report_dropped(args, result)
    return 0


def cmd_markov(args) -> int:
    table = geolink.read_table(args.table)
    result = geolink.markov(table, args.value, unit=args.unit, time=args.time, k=args.k, dropna=args.dropna)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(result.probabilities.round(3).to_string())
    _report_dropped(args, result)
    return 0


def cmd_decay(args) -> int:
    if args.output:
        _check_output(args.output)
    table = geolink.read_table(args.table)
    result = geolink.distance_decay(
        table,
        args.value,
        target=args.target,
        distance=args.distance,
        lon=args.lon,
        lat=args.lat,
        dropna=args.dropna,
    )
    if len(result.dropped):
        args.notes.append(f"note: {len(result.dropped)} unit(s) without coordinates left out")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(result.correlations.round(4).to_string(index=False))
        print(result.fits.round(4).to_string(index=False))
    if args.output:
        _save(geolink.plot_distance_decay(result), Path(args.output), args.dpi)
        print(f"wrote {args.output}")
    return 0


def cmd_export(args) -> int:
    _check_output(args.output)
    group = args.agglomerations or None
    layers = {
        "prefectures": geolink.prefectures(),
        "agglomerations": geolink.agglomeration_outline(group),
        "membership": geolink.agglomerations(group),
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

    _check_output(args.output, folder=True)
    start = time.perf_counter()
    index = run(Path(args.output), progress=lambda msg: print(f"[{time.perf_counter() - start:5.1f}s] {msg}"))
    print(f"done in {time.perf_counter() - start:.1f} s: open {index}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (and exit code 2), like every other error of the command."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text}")
    return value


def _table_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", help="CSV (UTF-8 or GBK) or Excel file")
    p.add_argument("--unit", help="column naming the units (detected if omitted)")
    p.add_argument("--year", type=int, help="the table's vintage (decides historical names)")
    p.add_argument("--agg", choices=AGGREGATIONS, help="combine rows of the same unit")
    p.add_argument("--strict", action="store_true", help="fail if any row is not joined")
    p.add_argument("--sheet", default=0, help="Excel sheet (name or number)")
    p.add_argument(
        "--level", default="auto", choices=LEVELS,
        help="a table with totals beside their parts: each unit's own row, or 'county' to sum its county rows",
    )  # fmt: skip
    p.add_argument(
        "--definition", default="administrative", choices=DEFINITIONS,
        help="with --level county: roll county rows up by the division hierarchy or by the prefectures' "
        "reporting definitions ('statistical', needs --year)",
    )  # fmt: skip


def _class_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scheme", default="quantiles", choices=list(SCHEMES), help="mapclassify scheme")
    p.add_argument("--k", type=_positive_int, default=5, help="number of classes")
    p.add_argument("--bins", type=float, nargs="+", help="upper class bounds, with --scheme user_defined")


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``geolink`` command.

    Examples
    --------
    >>> from geolink.cli import parser
    >>> args = parser().parse_args(["gini", "t.csv", "--value", "v", "--group", "eight"])
    >>> args.group, args.unit, args.time
    ('eight', 'adcode', None)
    """
    ap = _Parser(prog="geolink", description=geolink.__doc__)
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser(
        "demo", help="run every bundled analysis into maps/ (PNGs, HTML, GeoPackage, index.html)"
    )
    p.add_argument("-o", "--output", default="maps", help="output folder (default: maps)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("join", help="join a city table onto the prefectures and write a GeoPackage")
    _table_args(p)
    p.add_argument("-o", "--output", required=True, help="output .gpkg")
    p.add_argument("--value", help="column to style the layer by (graduated colours)")
    _class_args(p)
    p.set_defaults(func=cmd_join)

    p = sub.add_parser("map", help="choropleth of a column of a city table (.png or .html)")
    _table_args(p)
    p.add_argument("--value", required=True, help="the column mapped")
    p.add_argument("-o", "--output", required=True, help="output .png or .html")
    _class_args(p)
    p.add_argument("--agglomeration", help="restrict to an agglomeration (id or name) and outline it")
    p.add_argument("--title")
    p.add_argument("--value-unit", help="unit of measurement of the values, for the legend (e.g. 万人)")
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
    p.add_argument("--unit", default="adcode", help="column naming the units (codes or names)")
    p.add_argument(
        "--overlap", default="first", choices=["raise", "first", "prefer_full", "drop"],
        help="rule for units in several agglomerations",
    )
    p.add_argument("--time", help="time column: one decomposition per value (e.g. year)")
    p.add_argument("--weight", help="column of positive weights (e.g. population)")
    p.add_argument("--bootstrap", type=int, default=0, help="bootstrap replicates for intervals")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--dropna", action="store_true", help="leave rows with a missing value out")
    p.add_argument("-o", "--output", help="write the tables to this .gpkg")
    p.set_defaults(func=cmd_gini)

    p = sub.add_parser("moran", help="global Moran's I; with -o also LISA clusters (.png, .html or .gpkg)")
    p.add_argument("table")
    p.add_argument("--value", required=True)
    p.add_argument("--unit", default="adcode", help="column naming the units (codes or names)")
    p.add_argument("--time", help="time column: one result per value")
    p.add_argument("--weights", default="queen", choices=["queen", "rook", "knn", "distance_band", "inverse_distance"])
    p.add_argument("--threshold-km", type=float, help="radius of --weights distance_band (or a cut-off of inverse_distance), km")
    p.add_argument("--permutations", type=int, default=999, help="permutations for the pseudo p-values")
    p.add_argument("--seed", type=int, default=0, help="seed of the permutations (default 0)")
    p.add_argument("--fdr", action="store_true", help="LISA significance by false discovery rate")
    p.add_argument("--dropna", action="store_true", help="leave rows with a missing value out")
    p.add_argument("-o", "--output", help="LISA cluster map .png / .html, or a .gpkg layer")
    p.add_argument("--dpi", type=int, default=150)
    p.set_defaults(func=cmd_moran)

    p = sub.add_parser("theil", help="Theil T and L with the within/between decomposition by group")
    p.add_argument("table")
    p.add_argument("--value", required=True)
    p.add_argument("--group", required=True, help="group column, or an agglomeration grouping such as 'eight'")
    p.add_argument("--unit", default="adcode", help="column naming the units (codes or names)")
    p.add_argument("--overlap", default="first", choices=["raise", "first", "prefer_full", "drop"])
    p.add_argument("--time", help="time column")
    p.add_argument("--weight", help="column of positive weights (e.g. population)")
    p.add_argument("--bootstrap", type=int, default=0, help="bootstrap replicates for intervals")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--dropna", action="store_true", help="leave rows with a missing value out")
    p.set_defaults(func=cmd_theil)

    p = sub.add_parser("markov", help="Markov transition probabilities between quantile classes")
    p.add_argument("table")
    p.add_argument("--value", required=True)
    p.add_argument("--unit", default="adcode")
    p.add_argument("--time", default="year")
    p.add_argument("--k", type=_positive_int, default=5, help="number of quantile classes")
    p.add_argument("--dropna", action="store_true")
    p.set_defaults(func=cmd_markov)

    p = sub.add_parser("decay", help="distance decay of indicators of points to a target")
    p.add_argument("table", help="table with lon/lat (WGS 84) and indicator columns")
    p.add_argument("--target", required=True, help="prefecture (adcode or name)")
    p.add_argument("--value", required=True, nargs="+", help="indicator column(s)")
    p.add_argument("--distance", default="boundary", choices=["boundary", "centroid"])
    p.add_argument("--dropna", action="store_true", help="leave units without coordinates out")
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
    """Run the ``geolink`` command with ``argv`` (default: the process arguments); returns the exit code.

    Examples
    --------
    >>> from geolink.cli import main
    >>> main(["summary"])     # doctest: +ELLIPSIS
    geolink ...: 370 prefecture-level units (WGS 84)
    ...
    0
    """
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed as one line
        return int(stop.code or 0)
    args.notes = []  # the join report and other notes: printed once the command has succeeded
    try:
        code = args.func(args)
    except Exception as exc:  # every error is one line and exit code 2
        if os.environ.get("GEOLINK_DEBUG"):
            raise
        print(f"geolink {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    for note in args.notes:
        print(note, file=sys.stderr)
    return code


def run() -> None:
    """The ``geolink`` command (and ``python -m geolink``): :func:`main` in a process of its own.

    One command is one bounded job, so the process runs it with Python's cyclic garbage collector
    off and leaves without the interpreter's final collection: in ``geolink demo`` the collector
    spent about a sixth of the time traversing long-lived objects (pandas, matplotlib, the
    boundaries), for 13% more peak memory.  :func:`main` itself leaves the collector alone.
    """
    gc.disable()
    code = main()
    gc.freeze()  # nothing left to collect: the process ends
    sys.exit(code)


if __name__ == "__main__":
    run()
