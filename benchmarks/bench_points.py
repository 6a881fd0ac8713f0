"""Point assignment: geolink.locate and geolink.assign_points vs geopandas.sjoin, one-shot and warm.

SYNTHETIC points, uniform over China's bounding box (73–136°E, 3–54°N; about a third fall in a unit).
Targets: a fresh process that imports, assigns 10⁵ points and exits is ≥ 2× faster than the same
with sjoin (both including imports, reading the boundaries and building their indexes), ≥ 5× at 10⁶;
warm, 10⁷ points take ≤ 5× a bare grid lookup; every answer equals sjoin(predicate="within").
The contenders alternate and medians are reported, so a shared machine slows both alike.
Run: python benchmarks/bench_points.py [--full] [--runs 5] [--dask]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import geolink
from geolink import pointgrid

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

# the whole job a user runs, in a fresh process: imports, boundaries, index, points in, codes out
ONE_SHOT = {
    "locate": """
import sys
import numpy as np
n, resolution = int(sys.argv[1]), sys.argv[2]
import geolink
rng = np.random.default_rng(0)
x, y = rng.uniform(73, 136, n), rng.uniform(3, 54, n)
codes = geolink.locate(x, y, resolution=resolution)
""",
    "assign_points": """
import sys
import numpy as np
n, resolution = int(sys.argv[1]), sys.argv[2]
import geolink
rng = np.random.default_rng(0)
x, y = rng.uniform(73, 136, n), rng.uniform(3, 54, n)
codes = geolink.assign_points(lon=x, lat=y, resolution=resolution)
""",
    "sjoin": """
import sys
import numpy as np
n, path = int(sys.argv[1]), sys.argv[2]
import geopandas as gpd
rng = np.random.default_rng(0)
x, y = rng.uniform(73, 136, n), rng.uniform(3, 54, n)
units = gpd.read_file(path, layer="prefectures")[["adcode", "geometry"]]
pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
codes = gpd.sjoin(pts, units, predicate="within", how="left")
""",
    # floors: Python with numpy (what locate needs) and with pandas as well (assign_points' Series)
    "import numpy": "import numpy",
    "import numpy, pandas": "import numpy, pandas",
}


def points(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.uniform(73, 136, n), rng.uniform(3, 54, n)


def process(script: str, *args) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one fresh Python process.

    GNU time reports the peak of its own child, which (unlike a child forked straight from this
    large process) starts small.
    """
    cmd = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-c", script, *map(str, args)]
    t = time.perf_counter()
    done = subprocess.run(cmd, env=ENV, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    return wall, int(done.stderr.split()[-1]) / 1024


def alternate(contenders: dict, runs: int) -> dict:
    """Median of each contender's results, running them in turn ``runs`` times."""
    results = {name: [] for name in contenders}
    for _ in range(runs):
        for name, fn in contenders.items():
            results[name].append(fn())
    return {name: np.median(np.array(r), axis=0) for name, r in results.items()}


def one_shot(resolution: str, path: Path, runs: int) -> None:
    print(f"\n[{resolution}] fresh process: import, boundaries, index, assign, exit (median of {runs})")
    print(
        f"{'n':>9} {'locate s':>9} {'MB':>5} {'assign_points s':>16} {'MB':>5} {'sjoin s':>8} {'MB':>5}"
        f" {'sjoin÷locate':>13} {'sjoin÷assign':>13} {'import numpy s':>15} {'+ pandas s':>11}"
    )
    for n in (10**5, 10**6):
        med = alternate(
            {
                "locate": lambda n=n: process(ONE_SHOT["locate"], n, resolution),
                "assign_points": lambda n=n: process(ONE_SHOT["assign_points"], n, resolution),
                "sjoin": lambda n=n: process(ONE_SHOT["sjoin"], n, path),
                "import numpy": lambda: process(ONE_SHOT["import numpy"]),
                "import numpy, pandas": lambda: process(ONE_SHOT["import numpy, pandas"]),
            },
            runs,
        )
        (lo, lm), (a, am), (s, sm) = med["locate"], med["assign_points"], med["sjoin"]
        print(
            f"{n:>9} {lo:>9.3f} {lm:>5.0f} {a:>16.3f} {am:>5.0f} {s:>8.3f} {sm:>5.0f}"
            f" {s / lo:>12.1f}× {s / a:>12.1f}× {med['import numpy'][0]:>15.3f}"
            f" {med['import numpy, pandas'][0]:>11.3f}"
        )
        sys.stdout.flush()


def warm(resolution: str, units: gpd.GeoDataFrame, runs: int) -> None:
    labels = np.array(pointgrid._grid(resolution).top)  # the 0.02° cells, in memory

    def bare(x, y):  # the least any grid method does: one cell label per point
        return labels[
            ((y - 3.0) / pointgrid.CELL_DEG).astype(np.intp),
            ((x - 73.0) / pointgrid.CELL_DEG).astype(np.intp),
        ]

    def timed(fn):
        t = time.perf_counter()
        out = fn()
        return time.perf_counter() - t, out

    print(f"\n[{resolution}] warm, in one process (median of alternating runs)")
    print(
        f"{'n':>9} {'assign s':>9} {'Mpts/s':>7} {'peak MB':>8} {'locate s':>9} {'bare s':>7} {'×bare':>6}"
        f" {'sjoin s':>8} {'×faster':>7} {'identical':>9}"
    )
    for n in (10**5, 10**6, 10**7):
        x, y = points(n)
        gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
        reps = runs if n < 10**7 else max(3, runs // 2)
        med = alternate(
            {
                "geolink": lambda x=x, y=y: timed(
                    lambda: geolink.assign_points(lon=x, lat=y, resolution=resolution)
                )[0],
                "locate": lambda x=x, y=y: timed(lambda: geolink.locate(x, y, resolution=resolution))[0],
                "bare": lambda x=x, y=y: timed(lambda: bare(x, y))[0],
            },
            reps,
        )
        ours = geolink.assign_points(lon=x, lat=y, resolution=resolution)
        tracemalloc.start()
        geolink.assign_points(lon=x, lat=y, resolution=resolution)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        slow, ref = timed(lambda gdf=gdf: gpd.sjoin(gdf, units, predicate="within", how="left"))
        ref = ref[~ref.index.duplicated()]["adcode"]
        expect = ref.fillna("-").to_numpy()
        located = geolink.locate(x, y, resolution=resolution)
        same = bool((expect == ours.astype(object).fillna("-").to_numpy()).all()) and bool(
            (expect == np.where(located == None, "-", located)).all()  # noqa: E711
        )
        fast = med["geolink"]
        print(
            f"{n:>9} {fast:>9.3f} {n / fast / 1e6:>7.1f} {peak:>8.0f} {med['locate']:>9.3f} {med['bare']:>7.3f}"
            f" {fast / med['bare']:>5.1f}× {slow:>8.2f} {slow / fast:>6.1f}× {same!s:>9}"
        )
        sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="also the full-resolution boundaries (geolink[full])")
    ap.add_argument("--dask", action="store_true", help="dask engine on 1 and 2 workers (geolink[dask])")
    ap.add_argument("--runs", type=int, default=5, help="alternating runs per comparison")
    args = ap.parse_args()

    for resolution in ("display", "full") if args.full else ("display",):
        units = geolink.prefectures(resolution=resolution)[["adcode", "geometry"]]
        path = pointgrid._boundary_file(resolution)
        t = time.perf_counter()
        pointgrid._build(resolution)
        print(
            f"\n[{resolution}] building the lookup grid (once per installation and boundary file): "
            f"{time.perf_counter() - t:.1f} s"
        )
        pointgrid._grid(resolution)  # the cached grid the processes below map
        one_shot(resolution, path, args.runs)
        warm(resolution, units, args.runs)

    if args.dask:
        dask_engine()


def dask_engine() -> None:
    """aggregate_points on 10⁷ points from Parquet with 1 and 2 dask workers, against in memory."""
    from dask.distributed import Client, LocalCluster

    n = 10**7
    x, y = points(n, seed=1)
    industry = np.random.default_rng(2).choice(["制造业", "金融业", "租赁和商务服务业"], n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.parquet"
        pd.DataFrame({"lon": x, "lat": y, "industry": industry}).to_parquet(path, row_group_size=500_000)
        expected = geolink.aggregate_points(
            pd.DataFrame({"lon": x, "lat": y, "industry": industry}),
            industry="industry",
            lon="lon",
            lat="lat",
        )
        print(f"\n[dask] aggregate_points on {n:,} points from Parquet")
        for workers in (1, 2):
            with (
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster,
                Client(cluster),
            ):
                t = time.perf_counter()
                got = geolink.aggregate_points(
                    str(path), industry="industry", lon="lon", lat="lat", engine="dask"
                )
                took = time.perf_counter() - t
            same = got.reset_index(drop=True).equals(
                expected.reset_index(drop=True).astype(got.dtypes.to_dict())
            )
            print(
                f"  {workers} worker(s): {took:.2f} s ({n / took / 1e6:.1f} Mpts/s), same counts as in memory: {same}"
            )


if __name__ == "__main__":  # dask worker processes import this file
    main()
