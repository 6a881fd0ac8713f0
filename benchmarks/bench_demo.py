"""Wall-clock time of the main job, ``geolink demo``, as a user runs it.

"first run": a new process with an empty geolink cache and an empty matplotlib config folder
(as right after ``pip install .``: the map simplifications and the font list are built then);
"warm": the next runs with the same folders.  Each run is a whole process of the installed ``geolink`` command (imports included).
Beside it, alternating with the warm runs, the same demo with its PNGs written in its own
process (what a one-core machine gets: ``os.cpu_count()`` patched to 1) and the same demo with
Python's cyclic garbage collector left on (``geolink.cli.main`` called directly, as from Python),
so that each gain reads as a ratio on a machine whose speed varies.  The machine's speed at the
time is given by a fixed pure-Python loop (20 million additions), timed before and after.

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

ONE_CORE = "import os, sys; os.cpu_count = lambda: 1; from geolink.cli import run; run()"
COLLECTOR_ON = "import sys; from geolink.cli import main; sys.exit(main(sys.argv[1:]))"
LOOP = "import time; t = time.perf_counter(); s = 0\nfor i in range(20_000_000): s += i\nprint(time.perf_counter() - t)"


def _run(env: dict, out: Path, *, script: str | None = None) -> float:
    command = [sys.executable, "-c", script] if script else [_geolink_command()]
    start = time.perf_counter()
    subprocess.run([*command, "demo", "-o", str(out)], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _geolink_command() -> str:
    """The ``geolink`` command installed beside this Python, as a user runs it."""
    command = Path(sys.executable).with_name("geolink")
    if not command.exists():
        sys.exit(f"no geolink command beside {sys.executable}: pip install . first")
    return str(command)


def _summary(times: list[float]) -> str:
    times = sorted(times)
    return f"median {times[len(times) // 2]:.1f} s (min {times[0]:.1f}, max {times[-1]:.1f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3, help="warm runs after the first")
    args = ap.parse_args()
    loop = [_loop()]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "GEOLINK_CACHE_DIR": str(tmp / "cache"), "MPLCONFIGDIR": str(tmp / "mpl")}
        first = _run(env, tmp / "maps")
        warm, one_core, collector = [], [], []
        for _ in range(args.runs):
            warm.append(_run(env, tmp / "maps"))
            one_core.append(_run(env, tmp / "maps1", script=ONE_CORE))
            collector.append(_run(env, tmp / "maps2", script=COLLECTOR_ON))
    loop.append(_loop())
    median = sorted(warm)[len(warm) // 2]
    print(f"geolink demo, first run: {first:.1f} s; warm: {_summary(warm)}, {len(warm)} runs;\n"
          f"  PNGs written in the demo's own process (one core): {_summary(one_core)}, "
          f"{sorted(one_core)[len(one_core) // 2] / median:.2f}× the warm run;\n"
          f"  cyclic garbage collector on: {_summary(collector)}, "
          f"{sorted(collector)[len(collector) // 2] / median:.2f}× the warm run;\n"
          f"  reference loop {loop[0]:.2f} s before, {loop[1]:.2f} s after; load average {os.getloadavg()[0]:.1f}")


def _loop() -> float:
    """Seconds of a fixed pure-Python loop: the machine's speed at the time."""
    done = subprocess.run([sys.executable, "-c", LOOP], check=True, capture_output=True, text=True)
    return float(done.stdout)


if __name__ == "__main__":
    main()
