"""Regional-difference statistics on 370 units × 20 years with 999 permutations.

SYNTHETIC data (labelled so in every table it produces): a lognormal value
per prefecture-level unit with a west–east gradient, growing at random
rates for 20 years; groups from the eight urban agglomerations.  Target:
all statistics below in < 10 s on a 2-core machine, imports and the
one-off weights build reported separately.
Run: python benchmarks/bench_regional.py
"""

import time

t0 = time.perf_counter()
import esda  # noqa: E402, F401  (the PySAL packages load on first use; their import is counted here)
import mapclassify  # noqa: E402, F401
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import spreg  # noqa: E402, F401

import geolink  # noqa: E402
from geolink.autocorrelation import local_moran, moran  # noqa: E402
from geolink.convergence import beta_convergence, sigma_convergence  # noqa: E402
from geolink.dynamics import kernel_density, markov, spatial_markov  # noqa: E402
from geolink.theil_index import theil  # noqa: E402
from geolink.weights import spatial_weights  # noqa: E402

imports = time.perf_counter() - t0

YEARS = range(2001, 2021)
units = geolink.prefectures()
lon = geolink.centroids(units).x.to_numpy()
rng = np.random.default_rng(0)
level = np.exp(0.03 * (lon - lon.mean()) + rng.normal(0, 0.4, len(units)))
rows = []
for year in YEARS:
    rows.append(pd.DataFrame({"adcode": units.index, "year": year, "synthetic_value": level, "population": rng.uniform(1, 10, len(units))}))
    level = level * np.exp(0.05 - 0.01 * np.log(level) + rng.normal(0, 0.02, len(units)))
data = pd.concat(rows, ignore_index=True)
groups = geolink.agglomeration_groups("eight", overlap="first").set_index("adcode")["group"]
data["agglomeration"] = data["adcode"].map(groups).fillna("other")

t = time.perf_counter()
W = spatial_weights("queen", link_islands=True)
weights_build = time.perf_counter() - t

steps = {
    "moran (999 perm.)": lambda: moran(data, "synthetic_value", time="year", weights=W, permutations=999, seed=1),
    "local_moran (999 perm.)": lambda: local_moran(data, "synthetic_value", time="year", weights=W, permutations=999, seed=1),
    "theil (by group, weighted, 999 bootstrap)": lambda: theil(
        data, "synthetic_value", group="agglomeration", time="year", weight="population", bootstrap=999, seed=1
    ),
    "sigma_convergence": lambda: sigma_convergence(data, "synthetic_value", group="agglomeration"),
    "kernel_density": lambda: kernel_density(data, "synthetic_value", time="year"),
    "markov (k=5)": lambda: markov(data, "synthetic_value", k=5),
    "spatial_markov (k=5)": lambda: spatial_markov(data, "synthetic_value", weights=W, k=5),
    "beta ols (group effects)": lambda: beta_convergence(data, "synthetic_value", start=2001, end=2020, group="agglomeration"),
    "beta spatial lag (ML)": lambda: beta_convergence(data, "synthetic_value", start=2001, end=2020, model="lag", weights=W),
    "beta spatial error (ML)": lambda: beta_convergence(data, "synthetic_value", start=2001, end=2020, model="error", weights=W),
}
print("SYNTHETIC data: 370 units × 20 years")
print(f"{'imports':<44} {imports:7.2f} s (not counted)")
print(f"{'queen weights, islands linked':<44} {weights_build:7.2f} s (not counted)")
total = 0.0
for name, fn in steps.items():
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    total += dt
    print(f"{name:<44} {dt:7.2f} s")
print(f"{'all statistics':<44} {total:7.2f} s  (target < 10 s)")
