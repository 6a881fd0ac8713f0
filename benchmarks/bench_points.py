"""Point assignment throughput: geolink.assign_points vs plain geopandas.sjoin, and the dask engine.

SYNTHETIC points, uniform over China's bounding box (73–136°E, 3–54°N; about a third fall in a unit).
Targets (issue 8): ≥ 3× sjoin on the same boundaries and points; 10⁷ points < 10 s on 2 cores.
Run: python benchmarks/bench_points.py [--full] [--dask]
"""

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import geolink
from geolink.points import _grid


def points(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.uniform(73, 136, n), rng.uniform(3, 54, n)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--full", action="store_true", help="also the full-resolution boundaries (needs geolink[full])"
    )
    ap.add_argument(
        "--dask", action="store_true", help="dask engine on 1 and 2 workers (needs geolink[dask])"
    )
    args = ap.parse_args()

    for resolution in ("display", "full") if args.full else ("display",):
        t = time.perf_counter()
        _grid(resolution)
        units = geolink.prefectures(resolution)[["adcode", "geometry"]]
        print(f"\n[{resolution}] lookup grid built in {time.perf_counter() - t:.2f} s")
        warm = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*points(10_000, seed=9)), crs=4326)
        geolink.assign_points(
            warm, resolution=resolution
        )  # first-call costs (lazy indexes) out of the timings
        gpd.sjoin(warm, units, predicate="within", how="left")
        print(
            f"{'n':>10} {'geolink s':>10} {'Mpts/s':>7} {'peak MB':>8} {'sjoin s':>8} {'ratio':>6} {'identical':>9}"
        )
        for n in (10**5, 10**6, 10**7):
            x, y = points(n)
            gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
            t = time.perf_counter()
            ours = geolink.assign_points(gdf, resolution=resolution)
            fast = time.perf_counter() - t
            tracemalloc.start()  # a second, untimed run for the peak memory of the call
            geolink.assign_points(gdf, resolution=resolution)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            if n <= 10**6 or resolution == "display":
                t = time.perf_counter()
                ref = gpd.sjoin(gdf, units, predicate="within", how="left")
                slow = time.perf_counter() - t
                ref = ref[~ref.index.duplicated()]["adcode"]
                same = bool((ref.fillna("-").to_numpy() == ours.fillna("-").to_numpy()).all())
                print(
                    f"{n:>10} {fast:>10.3f} {n / fast / 1e6:>7.1f} {peak:>8.0f} {slow:>8.2f} {slow / fast:>5.1f}× {same!s:>9}"
                )
            else:
                print(f"{n:>10} {fast:>10.3f} {n / fast / 1e6:>7.1f} {peak:>8.0f} {'—':>8} {'—':>6} {'—':>9}")
            sys.stdout.flush()

    if args.dask:
        from dask.distributed import Client, LocalCluster

        n = 10**7
        x, y = points(n, seed=1)
        industry = np.random.default_rng(2).choice(["制造业", "金融业", "租赁和商务服务业"], n)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "points.parquet"
            pd.DataFrame({"lon": x, "lat": y, "industry": industry}).to_parquet(path, row_group_size=500_000)
            expected = geolink.aggregate_points(
                pd.DataFrame({"lon": x, "lat": y, "industry": industry}), by="industry", lon="lon", lat="lat"
            )
            print(f"\n[dask] aggregate_points on {n:,} points from Parquet")
            for workers in (1, 2):
                with (
                    LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster,
                    Client(cluster),
                ):
                    t = time.perf_counter()
                    got = geolink.aggregate_points(
                        str(path), by="industry", lon="lon", lat="lat", engine="dask"
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
