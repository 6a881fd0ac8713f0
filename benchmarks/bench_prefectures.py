"""Load time of geolink.prefectures(): cold (first call in a process) and warm (cached).

Target (issue 2): warm < 0.3 s.  Run: python benchmarks/bench_prefectures.py
"""

import time

t0 = time.perf_counter()
import geolink  # noqa: E402

t1 = time.perf_counter()
geolink.prefectures()
t2 = time.perf_counter()
warm = []
for _ in range(20):
    s = time.perf_counter()
    geolink.prefectures()
    warm.append(time.perf_counter() - s)
warm.sort()
print(f"import geolink        {t1 - t0:8.3f} s")
print(f"prefectures() cold    {t2 - t1:8.3f} s")
print(f"prefectures() warm    {warm[len(warm) // 2]:8.4f} s (median of 20; target < 0.3 s)")
