"""Dagum decomposition: geolink vs what a user would write.

SYNTHETIC data: lognormal values, k = 8 groups of unequal size.
* n = 10⁴: against the decomposition written out pair of groups by pair of groups, each pair's
  Σ w_i w_r |y_i − y_r| and Σ w_i w_r max(y_i − y_r, 0) by broadcasting in chunks, unweighted and
  with weights; the results must agree to 1e-12.
* n = 10⁷: against one default ``np.argsort`` of the values (what any sort-based method pays at
  least; what a user would write first).  Targets: ≤ 3× the argsort and ≤ 500 MB allocated above
  the input (tracemalloc peak, in a separate run from the timings).  Also timed: the same with
  weights, and the pair sums and components alone (``_components``, as ``dagum_gini`` calls it).
The contenders alternate and medians are reported, so a shared machine slows all alike.
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


def pairwise_by_group_pairs(y: np.ndarray, g: np.ndarray, w: np.ndarray | None = None, chunk: int = 2048) -> dict:
    """G, G_w, G_nb, G_t from pair sums per pair of groups (broadcast in chunks): the direct way."""
    w = np.ones_like(y) if w is None else w

    def sums(a, b):  # Σ_i Σ_r w_i w_r |a_i − b_r| and Σ_i Σ_r w_i w_r max(a_i − b_r, 0); a, b: (values, weights)
        total = above = 0.0
        for s in range(0, len(a[0]), chunk):
            d = a[0][s : s + chunk, None] - b[0][None, :]
            ww = a[1][s : s + chunk, None] * b[1][None, :]
            total += (ww * np.abs(d)).sum()
            above += (ww * np.maximum(d, 0)).sum()
        return total, above

    labels = np.unique(g)
    ys = [(y[g == lab], w[g == lab]) for lab in labels]
    n, mu = w.sum(), np.sum(w * y) / w.sum()
    nj = np.array([v[1].sum() for v in ys])
    mj = np.array([np.sum(v[0] * v[1]) / v[1].sum() for v in ys])
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
    data["pop"] = np.random.default_rng(2).uniform(0.5, 20, len(data))
    y, g = data["y"].to_numpy(), data["g"].to_numpy()
    ref = pairwise_by_group_pairs(y, g)
    ours = dagum_gini(data, "y", group="g").summary.iloc[0]
    err = max(abs(ours[k] - v) for k, v in ref.items())
    ref_w = pairwise_by_group_pairs(y, g, data["pop"].to_numpy())
    ours_w = dagum_gini(data, "y", group="g", weight="pop").summary.iloc[0]
    err_w = max(abs(ours_w[k] - v) for k, v in ref_w.items())
    med = alternate(
        {
            "geolink": lambda: dagum_gini(data, "y", group="g"),
            "pairwise": lambda: pairwise_by_group_pairs(y, g),
        },
        args.runs,
    )
    print(
        f"n = 10⁴: geolink {med['geolink'] * 1e3:.1f} ms, pairwise per group pair {med['pairwise']:.3f} s"
        f" ({med['pairwise'] / med['geolink']:.0f}×); largest difference of G, G_w, G_nb, G_t {err:.1e},"
        f" with weights {err_w:.1e}"
    )

    for n in (10**6, 10**7):
        data = synthetic(n)
        y, codes = data["y"].to_numpy(), data["g"].to_numpy()
        weighted = data.assign(pop=np.random.default_rng(2).uniform(0.5, 20, n))
        med = alternate(
            {
                "argsort": lambda y=y: np.argsort(y),
                "dagum_gini": lambda d=data: dagum_gini(d, "y", group="g"),
                "pair sums": lambda y=y, c=codes: _components(y, c, None, 8),
                "weighted": lambda d=weighted: dagum_gini(d, "y", group="g", weight="pop"),
            },
            args.runs,
        )
        a = med["argsort"]
        print(
            f"n = {n:.0e} × 8 groups: np.argsort {a:.2f} s; dagum_gini {med['dagum_gini']:.2f} s"
            f" ({med['dagum_gini'] / a:.2f}×), its pair sums and components {med['pair sums']:.2f} s"
            f" ({med['pair sums'] / a:.2f}×), with weights {med['weighted']:.2f} s ({med['weighted'] / a:.2f}×);"
            f" allocated above the input: dagum_gini {peak_mb(lambda d=data: dagum_gini(d, 'y', group='g')):.0f} MB,"
            f" with weights {peak_mb(lambda d=weighted: dagum_gini(d, 'y', group='g', weight='pop')):.0f} MB,"
            f" argsort {peak_mb(lambda y=y: np.argsort(y)):.0f} MB"
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
