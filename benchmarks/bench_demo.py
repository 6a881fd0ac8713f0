"""Wall-clock time of the main job, ``geolink demo``, as a user runs it.

"first run": a new process with an empty geolink cache and an empty matplotlib config folder
(as right after ``pip install .``: the point grid and the font cache are built then);
"warm": the next runs with the same folders.  Each run is a whole process (imports included).

    python benchmarks/bench_demo.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(env: dict, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "geolink", "demo", "-o", str(out)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3, help="warm runs after the first")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "GEOLINK_CACHE_DIR": str(tmp / "cache"), "MPLCONFIGDIR": str(tmp / "mpl")}
        first = _run(env, tmp / "maps")
        warm = sorted(_run(env, tmp / "maps") for _ in range(args.runs))
    print(f"geolink demo, first run: {first:.1f} s; warm: median {warm[len(warm) // 2]:.1f} s "
          f"(min {warm[0]:.1f}, max {warm[-1]:.1f}, {len(warm)} runs); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
