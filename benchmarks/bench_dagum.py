"""Dagum decomposition: geolink (sorted values + prefix sums) vs the plain pairwise reference.

Synthetic data (lognormal values, k = 8 groups of unequal size).  Targets (issue 5):
10⁶ observations < 1 s; ≥ 300× faster than pairwise at n = 10⁴.
Run: python benchmarks/bench_dagum.py
"""

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_inequality import pairwise_reference  # noqa: E402

from geolink import dagum_gini  # noqa: E402


def synthetic(n: int, k: int = 8, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    share = rng.dirichlet(np.full(k, 3.0))
    g = rng.choice(k, size=n, p=share)
    return pd.DataFrame({"y": rng.lognormal(g * 0.1, 0.5), "g": g})


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


print(f"{'n':>9} {'geolink s':>10} {'pairwise s':>11} {'speed-up':>9}")
for n in (10**3, 10**4, 10**5, 10**6):
    data = synthetic(n)
    fast = best_of(lambda d=data: dagum_gini(d, "y", "g"), 3 if n < 10**6 else 2)
    if n <= 10**4:
        slow = best_of(lambda d=data: pairwise_reference(d["y"].to_numpy(), d["g"].to_numpy()), 2)
        print(f"{n:>9} {fast:>10.4f} {slow:>11.3f} {slow / fast:>8.0f}×")
    else:
        print(f"{n:>9} {fast:>10.4f} {'—':>11} {'—':>9}")

# Bootstrap: 999 replicates, 300 cities × 15 years (issue 5: "seconds, not minutes").
rng = np.random.default_rng(1)
panel = pd.DataFrame(
    {
        "year": np.repeat(np.arange(2004, 2019), 300),
        "g": np.tile(rng.integers(0, 8, 300), 15),
        "y": rng.lognormal(0, 0.4, 300 * 15),
    }
)
t = time.perf_counter()
dagum_gini(panel, "y", "g", by="year", bootstrap=999, seed=0)
print(f"bootstrap 999 × (300 cities × 15 years): {time.perf_counter() - t:.2f} s")
