"""Dagum decomposition: geolink vs what a user would write.

SYNTHETIC data: lognormal values, k = 8 groups of unequal size.
* n = 10⁴: against the decomposition written out pair of groups by pair of groups, each pair's
  Σ|y_i − y_r| and Σ max(y_i − y_r, 0) by broadcasting in chunks; the results must agree to 1e-12.
* n = 10⁷: against one ``np.argsort`` of the values (what any sort-based method pays at least).
  Targets: ≤ 3× the argsort and ≤ 500 MB allocated above the input (tracemalloc peak, separate run).
The contenders alternate and medians are reported, so a shared machine slows both alike.
Run: python benchmarks/bench_dagum.py [--runs 3]
"""

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

from geolink import dagum_gini
from geolink.inequality import _components


def synthetic(n: int, k: int = 8, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    share = rng.dirichlet(np.full(k, 3.0))
    g = rng.choice(k, size=n, p=share)
    return pd.DataFrame({"y": rng.lognormal(g * 0.1, 0.5), "g": g})


def pairwise_by_group_pairs(y: np.ndarray, g: np.ndarray, chunk: int = 2048) -> dict:
    """G, G_w, G_nb, G_t from pair sums per pair of groups (broadcast in chunks): the direct way."""

    def sums(a, b):  # Σ_i Σ_r |a_i − b_r| and Σ_i Σ_r max(a_i − b_r, 0)
        total = above = 0.0
        for s in range(0, len(a), chunk):
            d = a[s : s + chunk, None] - b[None, :]
            total += np.abs(d).sum()
            above += np.maximum(d, 0).sum()
        return total, above

    labels = np.unique(g)
    ys = [y[g == lab] for lab in labels]
    n, mu = len(y), y.mean()
    nj = np.array([len(v) for v in ys])
    mj = np.array([v.mean() for v in ys])
    pj, sj = nj / n, nj * mj / (n * mu)
    within = [sums(v, v)[0] for v in ys]
    G_all = sum(within)
    Gjj = np.array(within) / (2 * nj**2 * mj)
    Gw = float((Gjj * pj * sj).sum())
    Gnb = Gt = 0.0
    for j in range(len(labels)):
        for h in range(j + 1, len(labels)):
            total, above = sums(ys[j], ys[h])
            G_all += 2 * total
            below = total - above
            d, p = (above, below) if mj[j] >= mj[h] else (below, above)
            Gjh = total / (nj[j] * nj[h] * (mj[j] + mj[h]))
            D = (d - p) / (d + p)
            weight = pj[j] * sj[h] + pj[h] * sj[j]
            Gnb += Gjh * weight * D
            Gt += Gjh * weight * (1 - D)
    return {"G": G_all / (2 * n**2 * mu), "G_w": Gw, "G_nb": Gnb, "G_t": Gt}


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def alternate(contenders: dict, runs: int) -> dict:
    results = {name: [] for name in contenders}
    for _ in range(runs):
        for name, fn in contenders.items():
            results[name].append(timed(fn))
    return {name: float(np.median(r)) for name, r in results.items()}


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3, help="alternating runs per comparison")
    args = ap.parse_args()

    data = synthetic(10**4)
    y, g = data["y"].to_numpy(), data["g"].to_numpy()
    ref = pairwise_by_group_pairs(y, g)
    ours = dagum_gini(data, "y", group="g").summary.iloc[0]
    err = max(abs(ours[k] - v) for k, v in ref.items())
    med = alternate(
        {
            "geolink": lambda: dagum_gini(data, "y", group="g"),
            "pairwise": lambda: pairwise_by_group_pairs(y, g),
        },
        args.runs,
    )
    print(
        f"n = 10⁴: geolink {med['geolink'] * 1e3:.1f} ms, pairwise per group pair {med['pairwise']:.3f} s"
        f" ({med['pairwise'] / med['geolink']:.0f}×); largest difference {err:.1e}"
    )

    for n in (10**6, 10**7):
        data = synthetic(n)
        y, codes = data["y"].to_numpy(), data["g"].to_numpy()
        ones = np.ones(n)
        med = alternate(
            {
                "argsort": lambda y=y: np.argsort(y),
                "dagum_gini": lambda d=data: dagum_gini(d, "y", group="g"),
                "pair sums": lambda y=y, c=codes, w=ones: _components(y, c, w, 8),
            },
            args.runs,
        )
        a = med["argsort"]
        print(
            f"n = {n:.0e} × 8 groups: np.argsort {a:.2f} s; dagum_gini {med['dagum_gini']:.2f} s"
            f" ({med['dagum_gini'] / a:.2f}×), its pair sums and components {med['pair sums']:.2f} s"
            f" ({med['pair sums'] / a:.2f}×); allocated above the input: dagum_gini"
            f" {peak_mb(lambda d=data: dagum_gini(d, 'y', group='g')):.0f} MB, argsort {peak_mb(lambda y=y: np.argsort(y)):.0f} MB"
        )

    # Bootstrap: 999 replicates, 300 cities × 15 years
    rng = np.random.default_rng(1)
    panel = pd.DataFrame(
        {
            "year": np.repeat(np.arange(2004, 2019), 300),
            "g": np.tile(rng.integers(0, 8, 300), 15),
            "y": rng.lognormal(0, 0.4, 300 * 15),
        }
    )
    years = [part for _, part in panel.groupby("year")]
    took = timed(lambda: [dagum_gini(part, "y", group="g", bootstrap=999, seed=0) for part in years])
    print(f"bootstrap 999 × (300 cities × 15 years): {took:.2f} s")


if __name__ == "__main__":
    main()
