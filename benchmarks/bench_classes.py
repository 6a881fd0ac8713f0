"""Fisher–Jenks class breaks: geolink.classify against mapclassify.FisherJenks with and without numba.

k = 5 classes of lognormal values, n = 370 (prefecture-level units), 2,800 (county-level) and
10,000. geolink and mapclassify with numba: median of 5 calls after a warm-up call (numba's
compilation on import is not counted); mapclassify without numba (numba blocked before
mapclassify is imported, in a subprocess): one call, it takes minutes for 10,000 values
(``--skip-pure-python`` leaves it out). Each line also says whether the breaks are the same and, with
numba, by how much mapclassify's within-class sum of squares exceeds geolink's (geolink's is the
float64 optimum; mapclassify sums in float32).
Run: python benchmarks/bench_classes.py [--skip-pure-python]
"""

import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

import geolink

SIZES = (370, 2_800, 10_000)
K = 5
PURE_PYTHON = """
import sys, time, warnings
sys.modules["numba"] = None
import numpy as np
import mapclassify
warnings.simplefilter("ignore")
y = np.random.default_rng({n}).lognormal(size={n})
t = time.perf_counter()
bins = mapclassify.FisherJenks(y, k={k}).bins
print(time.perf_counter() - t, *bins.tolist())
"""


def values(n: int) -> np.ndarray:
    return np.random.default_rng(n).lognormal(size=n)


def ssd(y: np.ndarray, upper) -> float:
    """Within-class sum of squared deviations of the classes given by their upper bounds."""
    x = np.sort(y)
    idx = np.searchsorted(np.asarray(upper), x, side="left")
    return float(sum(((x[idx == c] - x[idx == c].mean()) ** 2).sum() for c in np.unique(idx)))


def median_time(fn, repeat: int = 5) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    import mapclassify
    from mapclassify.classifiers import HAS_NUMBA

    pure = "--skip-pure-python" not in sys.argv[1:]
    print(f"k = {K}; mapclassify {mapclassify.__version__}, numba {'installed' if HAS_NUMBA else 'not installed'}")
    print(f"{'n':>7}  {'geolink':>9}  {'mapclassify+numba':>17}  {'mapclassify, no numba':>21}  same breaks"
          "  mapclassify SSD / geolink SSD - 1")
    for n in SIZES:
        y = values(n)
        ours = geolink.classify(y, "fisher_jenks", k=K).upper
        t_ours = median_time(lambda y=y: geolink.classify(y, "fisher_jenks", k=K))
        same = []
        excess = "–"
        if HAS_NUMBA:
            ref = tuple(mapclassify.FisherJenks(y, k=K).bins.tolist())
            t_numba = f"{median_time(lambda y=y: mapclassify.FisherJenks(y, k=K)):15.4f} s"
            same.append(ours == ref)
            excess = f"{ssd(y, ref) / ssd(y, ours) - 1:.1e}"
        else:
            t_numba = f"{'–':>17}"
        if pure:
            out = subprocess.run([sys.executable, "-c", PURE_PYTHON.format(n=n, k=K)], capture_output=True,
                                 text=True, check=True).stdout.split()
            t_pure = f"{float(out[0]):19.2f} s"
            same.append(ours == tuple(float(b) for b in out[1:]))
        else:
            t_pure = f"{'skipped':>21}"
        print(f"{n:7,d}  {t_ours:7.4f} s  {t_numba}  {t_pure}  {str(all(same)) if same else '–':>11}  {excess:>33}")


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main()
