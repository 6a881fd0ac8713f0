"""Name resolution speed: ~300 real names (the census table's, in mixed spellings), warm index.

Target (issue 3): < 50 ms for ~300 names.  Run: python benchmarks/bench_names.py
"""

import time

import geolink

units = geolink.prefectures()
names = list(units["name"][:100]) + list(units["name_short"][100:200]) + list(units["name_en"][200:300])
geolink.resolve_names(names[:5])  # build the index once
times = []
for _ in range(20):
    t = time.perf_counter()
    res = geolink.resolve_names(names)
    times.append(time.perf_counter() - t)
times.sort()
print(f"resolve_names({len(names)} names): median {1000 * times[10]:.1f} ms, best {1000 * times[0]:.1f} ms")
print(res["status"].value_counts().to_dict())
