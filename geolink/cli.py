"""The ``geolink`` command line."""

from __future__ import annotations

import argparse
import sys

import geolink


def _summary(args: argparse.Namespace) -> int:
    units = geolink.prefectures()
    print(f"geolink {geolink.__version__}: {len(units)} prefecture-level units (WGS 84)")
    for level, n in units["level"].value_counts().items():
        print(f"  {level:<24}{n:>4}")
    outlines = geolink.agglomeration_outline()
    print(f"{len(outlines)} urban agglomerations:")
    for row in outlines.itertuples():
        partial = f", {row.n_partial} partial" if row.n_partial else ""
        print(
            f"  {row.agglomeration_id:<4}{row.agglomeration_zh:<10}{row.agglomeration_en:<45}"
            f"{row.n_units:>3} units{partial}, {row.area_km2:>10,.0f} km²"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="geolink", description=geolink.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="run the bundled analyses (for now: summary of units and agglomerations)"
    )
    demo.set_defaults(func=_summary)
    summary = sub.add_parser("summary", help="summary of units and agglomerations")
    summary.set_defaults(func=_summary)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
