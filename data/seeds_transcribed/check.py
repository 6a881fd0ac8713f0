"""Consistency checks for the transcribed seed tables (pandas only).

Run:  python data/seeds_transcribed/check.py
Prints one line per check (OK / DIFF / NOTE) and, for every DIFF, the rows
concerned.  Nothing here modifies the CSV files: published numbers are kept as
printed and disagreements are only reported.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
N_DIFF = 0
N_NOTE = 0


def rd(name: str) -> pd.DataFrame:
    return pd.read_csv(HERE / name, dtype=str, keep_default_na=False)


def f(x) -> float:
    return float(x) if x != "" else math.nan


def half_unit(s: str) -> float:
    """Half of the last printed digit: '0.77' -> 0.005, '0.005' -> 0.0005, '70' -> 0.5."""
    s = s.lstrip("-")
    return 0.5 * 10 ** (-(len(s.split(".")[1]) if "." in s else 0))


def report(ok: bool, label: str, detail: pd.DataFrame | str | None = None, note: bool = False) -> None:
    global N_DIFF, N_NOTE
    tag = "OK  " if ok else ("NOTE" if note else "DIFF")
    if not ok:
        if note:
            N_NOTE += 1
        else:
            N_DIFF += 1
    print(f"[{tag}] {label}")
    if not ok and detail is not None:
        txt = detail if isinstance(detail, str) else detail.to_string(index=False)
        print("       " + txt.replace("\n", "\n       "))


# =====================================================================
# Seed 000 - Guangzhou / Shenzhen
# =====================================================================
print("=" * 70)
print("Seed 000 (Guangzhou-Shenzhen industrial linkage)")
print("=" * 70)
t1 = rd("gz_sz_lq_2022.csv")
t2 = rd("gz_sz_lq_2011_2022.csv")
quotes = rd("gz_sz_lq_text_quotes.csv")

report(
    len(t1) == 34 and list(t1.industry_no.astype(int)) == list(range(1, 35)),
    f"Table 1 has 34 industries numbered 1..34 (rows={len(t1)})",
)
report(
    len(t2) == 68 and t2.groupby("city").size().eq(34).all(),
    f"Table 2 has 34 industries x 2 cities (rows={len(t2)})",
)

# --- Table 1: published ratio vs LQ_GZ / LQ_SZ -----------------------
rows = []
for r in t1.itertuples():
    g, s, q = f(r.lq_guangzhou), f(r.lq_shenzhen), f(r.lq_ratio_published)
    hg, hs = half_unit(r.lq_guangzhou), half_unit(r.lq_shenzhen)
    lo, hi = (g - hg) / (s + hs), (g + hg) / (s - hs)
    # the ratio column drops trailing zeros ("4", "8", "70", "1"); treat every
    # ratio as printed to 2 decimals (+/-0.005) -- the most demanding reading
    hq = 0.005
    ok = (q + hq) >= lo and (q - hq) <= hi
    rows.append(
        dict(
            no=r.industry_no,
            industry=r.industry_zh,
            gz=r.lq_guangzhou,
            sz=r.lq_shenzhen,
            ratio_pub=r.lq_ratio_published,
            gz_over_sz=round(g / s, 4),
            interval=f"[{lo:.3f}, {hi:.3f}]",
            ok=ok,
        )
    )
chk = pd.DataFrame(rows)
bad = chk[~chk.ok]
report(bad.empty, "Table 1: published LQ ratio compatible with rounded LQ_GZ/LQ_SZ (34 rows)", bad)
big = chk[(chk.gz_over_sz - chk.ratio_pub.astype(float)).abs() > 0.005]
print(
    f"       (point check on the printed values: max |GZ/SZ - ratio| = "
    f"{(chk.gz_over_sz - chk.ratio_pub.astype(float)).abs().max():.4f}; rows with > 0.005: {len(big)})"
)

# --- Table 2: change vs 2022 - 2011 ------------------------------------
t2n = t2.assign(
    L0=t2.lq_2011.astype(float), Lt=t2.lq_2022.astype(float), dL=t2.lq_change_published.astype(float)
)
t2n["diff"] = (t2n.Lt - t2n.L0 - t2n.dL).round(6)
bad = t2n[t2n["diff"].abs() > 1e-9][
    ["industry_no", "industry_zh", "city", "lq_2011", "lq_2022", "lq_change_published", "diff"]
]
report(bad.empty, "Table 2: published change == LQ2022 - LQ2011 exactly on printed values (68 rows)", bad)

# --- Table 2 2022 column vs Table 1 ------------------------------------
m = t2.merge(t1, on=["industry_no", "industry_zh"])
m["t1"] = m.apply(lambda r: r.lq_guangzhou if r.city == "guangzhou" else r.lq_shenzhen, axis=1)
numdiff = m[m.t1.astype(float) != m.lq_2022.astype(float)]
report(
    numdiff.empty,
    "Table 2 LQ2022 equals Table 1 LQ2022 numerically (68 cells)",
    numdiff[["industry_no", "industry_zh", "city", "t1", "lq_2022"]],
)
strdiff = m[(m.t1 != m.lq_2022) & (m.t1.astype(float) == m.lq_2022.astype(float))]
report(
    strdiff.empty,
    "Table 2 LQ2022 printed with the same digits as Table 1",
    strdiff[["industry_no", "industry_zh", "city", "t1", "lq_2022"]].rename(
        columns={"t1": "table1", "lq_2022": "table2"}
    ),
    note=True,
)


# --- classification (SPEC section 2) vs the prose lists ---------------
def klass(l0: float, lt: float) -> str:
    d = round(lt - l0, 10)
    if d > 0 and l0 < 1 and lt > 1:
        return "formed"
    if d > 0 and l0 > 1:
        return "strengthened"
    if d < 0 and l0 > 1 and lt < 1:
        return "lost"
    if d < 0 and lt > 1:
        return "weakened"
    return "none"


t2n["class_rule"] = [klass(a, b) for a, b in zip(t2n.L0, t2n.Lt)]
prose = quotes[quotes.measure == "lq_change"]
rule = t2n[t2n.class_rule != "none"][
    ["industry_no", "industry_zh", "city", "lq_2011", "lq_2022", "lq_change_published", "class_rule"]
]
pm = prose.assign(industry_no=prose.industry_no.astype(str))[
    ["industry_no", "city", "text_group", "quoted_value", "src_line_start"]
]
rule = rule.assign(industry_no=rule.industry_no.astype(str))
j = rule.merge(pm, on=["industry_no", "city"], how="outer")
j = j.merge(
    t2n.assign(industry_no=t2n.industry_no.astype(str))[
        ["industry_no", "city", "industry_zh", "lq_2011", "lq_2022", "lq_change_published", "class_rule"]
    ],
    on=["industry_no", "city"],
    how="left",
    suffixes=("_x", ""),
)
j = j[
    [
        "industry_no",
        "industry_zh",
        "city",
        "lq_2011",
        "lq_2022",
        "lq_change_published",
        "class_rule",
        "text_group",
        "quoted_value",
        "src_line_start",
    ]
]
cls_bad = j[j.class_rule != j.text_group.fillna("(not listed)")]
report(cls_bad.empty, "Table 2: SPEC class rule vs the classes listed in the prose (lines 845-879)", cls_bad)
val_bad = j[j.text_group.notna() & (j.quoted_value.fillna("") != j.lq_change_published)]
report(
    val_bad.empty,
    "Table 2: change values quoted in the prose == Table 2 change",
    val_bad[
        [
            "industry_no",
            "industry_zh",
            "city",
            "text_group",
            "quoted_value",
            "lq_change_published",
            "src_line_start",
        ]
    ],
)
print(
    "       class counts by rule: "
    + "; ".join(
        f"{c}: " + ", ".join(f"{k}={v}" for k, v in t2n[t2n.city == c].class_rule.value_counts().items())
        for c in ["guangzhou", "shenzhen"]
    )
)

# --- LQ / ratio values quoted in the prose vs Table 1 -----------------
q1 = quotes[quotes.measure != "lq_change"].copy()
t1i = t1.set_index("industry_no")
q1["table"] = [
    t1i.loc[
        n, "lq_guangzhou" if c == "guangzhou" else "lq_shenzhen" if c == "shenzhen" else "lq_ratio_published"
    ]
    for n, c in zip(q1.industry_no, q1.city)
]
qb = q1[q1.quoted_value.astype(float) != q1.table.astype(float)]
report(
    qb.empty, f"Table 1: {len(q1)} LQ / ratio values quoted in the prose (lines 427-517) equal the table", qb
)

# --- prose counts ------------------------------------------------------
g, s, q = (t1[c].astype(float) for c in ["lq_guangzhou", "lq_shenzhen", "lq_ratio_published"])
counts = [
    ("GZ LQ > 1", (g > 1).sum(), 14, 427),
    ("SZ LQ > 1", (s > 1).sum(), 5, 457),
    ("ratio > 1", (q > 1).sum(), 26, 475),
    ("ratio > 2", (q > 2).sum(), 19, 479),
    ("ratio < 1", (q < 1).sum(), 8, 503),
    ("ratio < 0.5", (q < 0.5).sum(), 4, 509),
    ("0.5 <= ratio <= 2", ((q >= 0.5) & (q <= 2)).sum(), 11, 511),
]
cb = pd.DataFrame([dict(count=a, table=int(b), prose=c, line=d) for a, b, c, d in counts])
cb = cb[cb.table != cb.prose]
report(
    cb.empty,
    "Table 1: counts stated in the prose (14 GZ>1, 5 SZ>1, 26 ratio>1, 19 >2, 8 <1, 4 <0.5, 11 in [0.5,2])",
    cb.to_string(index=False)
    + "\n(the ratio-1 row #21 金属制品业 (0.35/0.35) is counted neither >1 nor <1 here; "
    "the prose's 26 + 8 = 34 implies it was counted as >1, and 26/34 = 76.5% as printed)",
)
print(f"       26/34 = {26 / 34:.3%} (prose: 约 76.5%)")

# --- structure and linkage figures ----------------------------------------
st = rd("gz_sz_structure_2022.csv")
for r in st.itertuples():
    tot = sum(f(x) for x in (r.primary_pct, r.secondary_pct, r.tertiary_pct))
    report(
        abs(tot - 100) < 0.051,
        f"Structure 2022 {r.city}: {r.primary_pct}:{r.secondary_pct}:{r.tertiary_pct} sums to {tot:.2f}",
    )
lk = rd("gz_sz_linkage_published.csv")
lk["v"] = lk.value.astype(float)
for lvl, d in lk.groupby("sector_level"):
    pts = d[d.statistic.isin(["value", "max", "min"])]
    mx, mn = d[d.statistic == "max"].v.max(), d[d.statistic == "min"].v.min()
    ok = (pts.v <= mx + 1e-12).all() and (math.isnan(mn) or (pts.v >= mn - 1e-12).all())
    report(ok, f"Linkage index ({lvl}): every quoted value lies between the quoted min ({mn}) and max ({mx})")
    report(
        ((d.v >= 0) & (d.v <= 1.5)).all(),
        f"Linkage index ({lvl}): all quoted values inside the SPEC range [0, 1.5]",
    )
    lo, hi = d[d.statistic == "range_low"].v.iloc[0], d[d.statistic == "range_high"].v.iloc[0]
    yrs = d[(d.statistic == "value") & d.year.ne("")]
    print(
        f"       quoted range {lo}-{hi} ({d[d.statistic == 'range_low'].period.iloc[0]}); "
        f"point values: " + ", ".join(f"{y}={v}" for y, v in zip(yrs.year, yrs.value))
    )
    mean = d[d.statistic == "mean"].v.iloc[0]
    report(
        mn <= mean <= mx if not math.isnan(mn) else mean <= mx,
        f"Linkage index ({lvl}): quoted 2000-2022 mean {mean} lies between min and max",
    )
print(
    "       (no Krugman index or similarity coefficient value is quoted in the text -- only the linkage index)"
)

# =====================================================================
# Seed 002 - co-agglomeration in eight urban agglomerations
# =====================================================================
print()
print("=" * 70)
print("Seed 002 (co-agglomeration, Dagum Gini, sigma convergence)")
print("=" * 70)
IDS = ["bth", "myr", "yrd", "cp", "cy", "hc", "gzp", "prd"]
YEARS = list(range(2004, 2019))
t1b = rd("coagglomeration_by_agglomeration.csv")
tw = rd("dagum_within.csv")
tb = rd("dagum_between.csv")
td = rd("dagum_decomposition.csv")
ts = rd("sigma_convergence.csv")
report(
    len(t1b) == 120 and set(t1b.agglomeration_id) == set(IDS) and sorted(set(t1b.year.astype(int))) == YEARS,
    f"Table 1: 8 agglomerations x 15 years (rows={len(t1b)})",
)
report(len(tw) == 16 * 9, f"Table 2: (15 years + mean row) x (8 G_jj + G) (rows={len(tw)})")
report(
    len(tb) == 28 and len({frozenset(p) for p in zip(tb.agglomeration_a, tb.agglomeration_b)}) == 28,
    f"Table 3: 28 distinct pairs (rows={len(tb)})",
)
report(len(td) == 15, f"Table 4: 15 years (rows={len(td)})")
report(len(ts) == 16 * 9, f"Table 5: (15 years + mean row) x (8 + overall) (rows={len(ts)})")

mu = t1b.assign(v=t1b.coagglomeration_index.astype(float), year=t1b.year.astype(int)).pivot(
    index="year", columns="agglomeration_id", values="v"
)


def wide(df: pd.DataFrame, col: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    d = df.assign(v=df[col].astype(float))
    yr = (
        d[d.statistic == "value"]
        .assign(year=lambda x: x.year.astype(int))
        .pivot(index="year", columns="agglomeration_id", values="v")
    )
    mean_pub = d[d.statistic != "value"].set_index("agglomeration_id").v
    mean_pub_s = df[df.statistic != "value"].set_index("agglomeration_id")[col]
    return yr, mean_pub, mean_pub_s


# --- mean rows ---------------------------------------------------------
for name, df, col in [("Table 2 (G_jj, G)", tw, "value"), ("Table 5 (sigma)", ts, "sigma")]:
    yr, mp, _ = wide(df, col)
    calc = yr.mean()
    d = pd.DataFrame({"published_mean": mp, "mean_of_15_years": calc.round(4)}).dropna()
    d["diff"] = (d.published_mean - d.mean_of_15_years).round(4)
    bad = d[d["diff"].abs() > 0.001]  # 0.0005 printing + 0.0005 from averaging rounded values
    report(
        bad.empty, f"{name}: printed mean row == mean of the 15 yearly values (tol 0.001)", bad.reset_index()
    )

# --- Table 4 -------------------------------------------------------------
tdn = td.drop(columns=["src_line", "src_line_G_table2"]).astype(float)
tdn["share_sum"] = (tdn.G_w_share_pct + tdn.G_nb_share_pct + tdn.G_t_share_pct).round(3)
bad = tdn[(tdn.share_sum - 100).abs() > 0.0015 + 1e-9][["year", "share_sum"]]
report(bad.empty, "Table 4: the three contribution shares sum to 100 (tol 0.0015 = 3 x half-unit)", bad)
tdn["sum_parts"] = (tdn.G_w + tdn.G_nb + tdn.G_t).round(3)
tdn["gap"] = (tdn.sum_parts - tdn.G_from_table2).round(3)
bad = tdn[tdn.gap.abs() > 0.0015 + 1e-9][["year", "G_w", "G_nb", "G_t", "sum_parts", "G_from_table2", "gap"]]
report(bad.empty, "Table 4 vs Table 2: G_w + G_nb + G_t == G (tol 0.0015)", bad)
rows = []
for r in tdn.itertuples():
    for comp in ["G_w", "G_nb", "G_t"]:
        c, G, sh = getattr(r, comp), r.G_from_table2, getattr(r, comp + "_share_pct")
        lo, hi = 100 * (c - 5e-4) / (G + 5e-4), 100 * (c + 5e-4) / (G - 5e-4)
        if not (lo - 5e-4 <= sh <= hi + 5e-4):
            rows.append(
                dict(
                    year=int(r.year),
                    component=comp,
                    value=c,
                    G=G,
                    share_pub=sh,
                    share_from_values=round(100 * c / G, 2),
                    compatible_interval=f"[{lo:.2f}, {hi:.2f}]",
                )
            )
report(
    not rows,
    "Table 4: share % compatible with component / G (Table 2 G), allowing 3-decimal rounding",
    pd.DataFrame(rows),
)
for comp, claim, line in [("G_nb", 56.749, 1081), ("G_t", 32.11, 1153), ("G_w", 11.14, 1162)]:
    mval = tdn[comp + "_share_pct"].mean()
    report(
        abs(mval - claim) < 0.005 * (10 if claim != 56.749 else 1) + 1e-9,
        f"Table 4: mean {comp} share over 2004-2018 = {mval:.3f} vs prose {claim} (line {line})",
    )

# --- prose claims about Tables 2, 3 -------------------------------------------
yr2, mp2, _ = wide(tw, "value")
claims = [
    ("mean G (line 774)", mp2["all"], 0.111),
    ("G 2004 (line 780)", yr2.loc[2004, "all"], 0.114),
    ("G 2012 (line 780)", yr2.loc[2012, "all"], 0.127),
    ("G 2014 (line 786)", yr2.loc[2014, "all"], 0.107),
    ("G 2018 (line 790)", yr2.loc[2018, "all"], 0.121),
    ("min G is 2014 (line 790)", float(yr2["all"].idxmin()), 2014.0),
    ("max G_jj gzp (line 875)", yr2["gzp"].max(), 0.198),
]
for a, b, c in claims:
    report(abs(b - c) < 1e-9, f"Table 2 vs prose: {a}: table {b} / prose {c}")
order_prose = ["gzp", "cy", "hc", "bth", "yrd", "cp", "myr", "prd"]  # lines 808-817
means_prose = [0.167, 0.115, 0.097, 0.092, 0.091, 0.087, 0.067, 0.056]
ok = all(abs(mp2[a] - b) < 1e-9 for a, b in zip(order_prose, means_prose))
report(ok, "Table 2 vs prose: G_jj means by agglomeration (lines 808-817: 0.167 gzp ... 0.056 prd)")
pt = tb.assign(v=tb.g_jh_mean.astype(float))
mx, mn = pt.loc[pt.v.idxmax()], pt.loc[pt.v.idxmin()]
report(
    (mx.agglomeration_a, mx.agglomeration_b, mx.g_jh_mean) == ("prd", "gzp", "0.166"),
    f"Table 3 vs prose: largest pair {mx.agglomeration_a}-{mx.agglomeration_b} {mx.g_jh_mean} (prose: 珠三角-关中平原 0.166, line 995)",
)
report(
    (mn.agglomeration_a, mn.agglomeration_b, mn.g_jh_mean) == ("myr", "hc", "0.077"),
    f"Table 3 vs prose: smallest pair {mn.agglomeration_a}-{mn.agglomeration_b} {mn.g_jh_mean} (prose: 长江中游-哈长 0.077, line 1011)",
)
gt30 = {
    frozenset(p)
    for p, c in zip(zip(tb.agglomeration_a, tb.agglomeration_b), tb.change_pct.astype(int))
    if c > 30
}
prose30 = {
    frozenset(p) for p in [("yrd", "prd"), ("bth", "yrd"), ("bth", "gzp"), ("yrd", "hc"), ("yrd", "gzp")]
}
report(
    gt30 == prose30,
    "Table 3 vs prose: pairs with change > 30% are exactly the five named at lines 1047-1056",
    f"table: {sorted(tuple(sorted(x)) for x in gt30)}",
)
cp = tb[(tb.agglomeration_a == "cp") | (tb.agglomeration_b == "cp")]
ncp = (cp.change_pct.astype(int) < 0).sum()
report(
    ncp > len(cp) / 2,
    f"Table 3 vs prose (line 1067-1069 '中原与其他多数城市群之间的差异逐渐缩小'): "
    f"{ncp} of {len(cp)} pairs with 中原 have a negative change",
    cp[["agglomeration_a", "agglomeration_b", "change_pct"]],
    note=True,
)

# --- Table 5 prose -------------------------------------------------------------
yr5, mp5, _ = wide(ts, "sigma")
conv = {a: yr5.loc[2018, a] < yr5.loc[2004, a] for a in IDS + ["all"]}
report(
    all(conv[a] for a in ["cy", "prd", "cp"])
    and not any(conv[a] for a in ["bth", "myr", "yrd", "hc", "all"]),
    "Table 5 vs prose (lines 1184-1206): sigma 2018 < 2004 for cy, prd, cp; > for bth, myr, yrd, hc and overall",
    str({a: (yr5.loc[2004, a], yr5.loc[2018, a]) for a in IDS + ["all"]}),
)

# --- Table 2 (Gini) vs Table 5 (CV): G <= CV / sqrt(3) ----------------------
# For any finite population the Gini mean difference satisfies
# (1/n^2) sum|y_i - y_r| <= 2*sd_pop/sqrt(3), so G = that/(2 mu) <= CV_pop/sqrt(3).
# If the paper's sigma used n-1 it is larger, so the bound is still valid.
rows = []
for a in IDS + ["all"]:
    for y in YEARS:
        G, cv = yr2.loc[y, a], yr5.loc[y, a]
        bound = (cv + 5e-4) / math.sqrt(3)
        if G - 5e-4 > bound:
            rows.append(
                dict(
                    agg=a,
                    year=y,
                    G=G,
                    sigma=cv,
                    bound_sigma_over_sqrt3=round(cv / math.sqrt(3), 4),
                    also_above_sigma_over_sqrt2=G - 5e-4 > (cv + 5e-4) / math.sqrt(2),
                )
            )
bad = pd.DataFrame(rows)
report(
    bad.empty,
    "Table 2 vs Table 5: Gini G_jj (and overall G) <= sigma/sqrt(3) (mathematical upper bound)",
    bad
    if bad.empty
    else bad.groupby("agg")
    .agg(
        n_years=("year", "size"),
        years=(
            "year",
            lambda x: f"{min(x)}-{max(x)}" if len(x) == max(x) - min(x) + 1 else ",".join(map(str, x)),
        ),
        worst_G=("G", "max"),
        any_above_sqrt2=("also_above_sigma_over_sqrt2", "any"),
    )
    .reset_index(),
)

# Could a column mix-up between Table 2 and Table 5 explain it?  Try every
# relabelling of the 8 group columns of Table 5 against Table 2.
from itertools import permutations  # noqa: E402

viol = {(a, b): int(((yr2[a] - 5e-4) > (yr5[b] + 5e-4) / math.sqrt(3)).sum()) for a in IDS for b in IDS}
best = min(sum(viol[a, b] for a, b in zip(IDS, p)) for p in permutations(IDS))
n_best = sum(1 for p in permutations(IDS) if sum(viol[a, b] for a, b in zip(IDS, p)) == best)
print(
    f"       (diagnostic: violating group-years as printed: {sum(viol[a, a] for a in IDS)}; over all 8! "
    f"relabellings of Table 5's group columns the fewest is {best}, reached by {n_best} relabelling(s))"
)

pos = {a: b for a, b in zip(["bth", "yrd", "prd", "myr", "cy", "gzp", "hc", "cp"], IDS)}  # k-th col of T2 -> k-th col of T5
vpos = sum(viol[a, b] for a, b in pos.items())
ratio = pd.Series({a: (yr2[a] / yr5[b]).mean() for a, b in pos.items()}).round(2)
print(f"       (pairing the k-th printed column of Table 2 with the k-th printed column of Table 5 instead of by "
      f"header label gives {vpos} violations and G/sigma = {ratio.min()}-{ratio.max()} in every group, vs "
      f"{(yr2['all'] / yr5['all']).mean():.2f} overall: the two tables look like one column order under two "
      f"different headers; see README)")

# --- INDICATIVE: Table 4 G_w from Table 2 G_jj and Table 1 means ---------------
# G_w = sum_j G_jj p_j s_j needs the group sizes n_j, which the paper does NOT
# print.  ASSUMED n_j = prefecture-level members of each national plan (not from
# the paper); the result is only used to compare the two header readings.
N_ASSUMED = dict(bth=13, yrd=26, prd=9, myr=31, cy=16, gzp=11, hc=11, cp=30)


def gw_from(G: pd.DataFrame) -> pd.Series:
    n = sum(N_ASSUMED.values())
    out = {}
    for y in YEARS:
        m = sum(N_ASSUMED[a] * mu.loc[y, a] for a in IDS) / n
        out[y] = sum(G.loc[y, a] * (N_ASSUMED[a] / n) * (N_ASSUMED[a] * mu.loc[y, a] / (n * m)) for a in IDS)
    return pd.Series(out)


gw_pub = tdn.set_index(tdn.year.astype(int)).G_w
gw_a = gw_from(yr2)
alt = yr2[["bth", "yrd", "prd", "myr", "cy", "gzp", "hc", "cp"]].copy()
alt.columns = IDS  # Table 2 read in Table 1/5 column order
gw_b = gw_from(alt)
ea, eb = (gw_a - gw_pub).abs(), (gw_b - gw_pub).abs()
report(False, f"INDICATIVE (n_j assumed = plan sizes {N_ASSUMED}): Table 4 G_w recomputed from Table 2 G_jj: "
              f"Table 2 headers as printed -> max |err| {ea.max():.4f} ({(ea <= 5e-4).sum()}/15 years within 0.0005); "
              f"Table 2 read in Table 5's column order -> max |err| {eb.max():.4f} ({(eb <= 5e-4).sum()}/15)",
       note=True)

# --- Table 3 vs Tables 1 and 5: bounds on the between-group Gini -------------
# G_jh(t) = E|X - Y| / (mu_j + mu_h) with X ~ group j, Y ~ group h.
#   lower bound |mu_j - mu_h| / (mu_j + mu_h)            (Jensen)
#   upper bound sqrt(sd_j^2 + sd_h^2 + (mu_j-mu_h)^2) / (mu_j + mu_h),  sd = sigma * mu
# Averaged over 2004-2018 and compared with the published mean G_jh.
rows = []
for r in tb.itertuples():
    a, b = r.agglomeration_a, r.agglomeration_b
    lo = ((mu[a] - mu[b]).abs() / (mu[a] + mu[b])).mean()
    sd_a, sd_b = yr5[a] * mu[a], yr5[b] * mu[b]
    hi = (((sd_a**2 + sd_b**2 + (mu[a] - mu[b]) ** 2) ** 0.5) / (mu[a] + mu[b])).mean()
    g = float(r.g_jh_mean)
    rows.append(
        dict(
            pair=f"{a}-{b}",
            g_jh_mean=g,
            lower=round(lo, 4),
            upper=round(hi, 4),
            ok=(g + 5e-4 >= lo - 1e-3) and (g - 5e-4 <= hi + 1e-3),
        )
    )
bt = pd.DataFrame(rows)
report(
    bt.ok.all(),
    "Table 3 vs Tables 1 & 5: mean G_jh inside [mean |dmu|/(mu_j+mu_h), mean sqrt(sd_j^2+sd_h^2+dmu^2)/(mu_j+mu_h)]",
    bt[~bt.ok],
)
print(
    "       Table 3 change % (presumably (G_jh,2018 - G_jh,2004)/G_jh,2004) cannot be derived from the other tables "
    "(no yearly G_jh is published)."
)

print()
print(
    f"Summary: {N_DIFF} check(s) with disagreements (DIFF), {N_NOTE} note(s). Published values were not altered."
)
