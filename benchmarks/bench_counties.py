"""File sizes and load times of geolink.counties(), display and full resolution.

First call in a process: a fresh interpreter per run (after `import geolink`, which is not
counted), median of 3; warm: median of 20 calls in one process. The full layer is first built
into an empty temporary cache (needs the `geolink[full]` extra), then loaded from it.
Run: python benchmarks/bench_counties.py
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geolink._paths import bundled

FIRST_CALL = """
import time, geolink
t = time.perf_counter()
geolink.counties(resolution={res!r})
print(time.perf_counter() - t)
"""
WARM = """
import time, statistics, geolink
geolink.counties(resolution={res!r})
times = []
for _ in range(20):
    t = time.perf_counter()
    geolink.counties(resolution={res!r})
    times.append(time.perf_counter() - t)
print(statistics.median(times))
"""


def run(code: str, env: dict) -> float:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = os.environ | {"GEOLINK_CACHE_DIR": cache}
        display = bundled("boundaries") / "counties.gpkg"
        print(f"display file (bundled)       {display.stat().st_size / 1e6:8.1f} MB")
        t = time.perf_counter()
        build = run(FIRST_CALL.format(res="full"), env)
        print(f"full: built on first use     {build:8.1f} s  (process {time.perf_counter() - t:.1f} s)")
        full = next(Path(cache).glob("counties_full_*.gpkg"))
        print(f"full file (cache)            {full.stat().st_size / 1e6:8.1f} MB")
        for res in ("display", "full"):
            first = statistics.median(run(FIRST_CALL.format(res=res), env) for _ in range(3))
            warm = run(WARM.format(res=res), env)
            print(f"{res:8s} first call in process {first:8.3f} s")
            print(f"{res:8s} warm (cached copy)    {warm:8.4f} s")


if __name__ == "__main__":
    main()
