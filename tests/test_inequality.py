"""Dagum decomposition against a plain pairwise reference (the formulas of SPEC §3, written out)."""

import itertools

import numpy as np
import pandas as pd
import pytest

from geolink.inequality import dagum_gini, pair_sum_matrix


def pairwise_reference(y, g, w=None):
    """Brute force over the n × n matrix of pairs: the slow, obviously-right version."""
    y = np.asarray(y, float)
    w = np.ones_like(y) if w is None else np.asarray(w, float)
    labels = list(dict.fromkeys(g))
    W, mu = w.sum(), np.sum(w * y) / w.sum()
    diff = np.abs(y[:, None] - y[None, :]) * w[:, None] * w[None, :]
    G = diff.sum() / (2 * W**2 * mu)
    idx = {lab: np.flatnonzero(np.asarray(g) == lab) for lab in labels}
    Wj = {lab: w[i].sum() for lab, i in idx.items()}
    mj = {lab: np.sum(w[i] * y[i]) / Wj[lab] for lab, i in idx.items()}
    pj = {lab: Wj[lab] / W for lab in labels}
    sj = {lab: Wj[lab] * mj[lab] / (W * mu) for lab in labels}
    Gjj = {lab: diff[np.ix_(i, i)].sum() / (2 * Wj[lab] ** 2 * mj[lab]) for lab, i in idx.items()}
    G_w = sum(Gjj[lab] * pj[lab] * sj[lab] for lab in labels)
    G_nb = G_t = 0.0
    pairs = {}
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            j, h = labels[a], labels[b]
            if mj[j] < mj[h]:
                j, h = h, j
            i, r = idx[j], idx[h]
            ww = w[i][:, None] * w[r][None, :]
            dd = y[i][:, None] - y[r][None, :]
            d = (ww * np.maximum(dd, 0)).sum() / (Wj[j] * Wj[h])
            p = (ww * np.maximum(-dd, 0)).sum() / (Wj[j] * Wj[h])
            Gjh = (ww * np.abs(dd)).sum() / (Wj[j] * Wj[h] * (mj[j] + mj[h]))
            D = (d - p) / (d + p) if d + p else 0.0
            G_nb += Gjh * (pj[j] * sj[h] + pj[h] * sj[j]) * D
            G_t += Gjh * (pj[j] * sj[h] + pj[h] * sj[j]) * (1 - D)
            pairs[(j, h)] = (Gjh, d, p, D)
    return G, G_w, G_nb, G_t, Gjj, pairs


def random_case(seed, k, sizes, ties=False, zeros=False):
    rng = np.random.default_rng(seed)
    y = np.concatenate([rng.lognormal(mean=j * 0.3, sigma=0.6, size=n) for j, n in enumerate(sizes)])
    if ties:
        y = np.round(y, 1)
    if zeros:
        y[rng.random(len(y)) < 0.15] = 0.0
    g = np.repeat([f"g{j}" for j in range(k)], sizes)
    return y, g


CASES = [
    (1, 3, [5, 9, 14], False, False),
    (2, 8, [13, 31, 26, 30, 16, 11, 11, 9], False, False),  # the eight agglomerations' sizes
    (3, 4, [1, 7, 2, 20], True, False),  # a group of size 1, ties
    (4, 5, [10, 10, 10, 10, 10], True, True),  # ties and zeros
    (5, 1, [25], False, False),  # one group only
]


@pytest.mark.parametrize("seed, k, sizes, ties, zeros", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_agrees_with_pairwise_reference(seed, k, sizes, ties, zeros, weighted):
    y, g = random_case(seed, k, sizes, ties, zeros)
    w = np.random.default_rng(seed + 100).uniform(0.5, 20, len(y)) if weighted else None
    data = pd.DataFrame({"y": y, "grp": g, "pop": w if weighted else 1.0})
    res = dagum_gini(data, "y", group="grp", weight="pop" if weighted else None)
    G, G_w, G_nb, G_t, Gjj, pairs = pairwise_reference(y, g, w)
    s = res.summary.iloc[0]
    assert [s["G"], s["G_w"], s["G_nb"], s["G_t"]] == pytest.approx([G, G_w, G_nb, G_t], abs=1e-12)
    assert s["G"] == pytest.approx(s["G_w"] + s["G_nb"] + s["G_t"], abs=1e-12)
    assert s["share_w"] + s["share_nb"] + s["share_t"] == pytest.approx(100)
    assert res.within.set_index("group")["G_jj"].to_dict() == pytest.approx(Gjj, abs=1e-12)
    for row in res.between.itertuples():
        assert (row.G_jh, row.d_jh, row.p_jh, row.D_jh) == pytest.approx(
            pairs[(row.group_j, row.group_h)], abs=1e-12
        )
    assert (res.between["D_jh"] >= 0).all()  # pairs are ordered by mean


def test_hand_computed_example():
    # groups A = {1, 3}, B = {2, 6}; n = 4, μ = 3, μ_A = 2, μ_B = 4.
    # Σ|y_i − y_r| over all ordered pairs: pairs {1,3}2 {1,2}1 {1,6}5 {3,2}1 {3,6}3 {2,6}4 → 16, ×2 = 32
    # G = 32 / (2·16·3) = 1/3.  G_AA = 2·2/(2·4·2) = 1/4, G_BB = 2·4/(2·4·4) = 1/4.
    # p = 1/2 each, s_A = 2·2/12 = 1/3, s_B = 2/3 → G_w = 1/4·1/2·1/3 + 1/4·1/2·2/3 = 1/8.
    # B richer: d_BA = (1+0+5+3)/4 = 9/4, p_BA = (0+1)/4 = 1/4, D = (2)/(10/4) = 0.8,
    # G_BA = (1+1+5+3)/(4·6) = 10/24; weight p_A s_B + p_B s_A = 1/3 + 1/6 = 1/2.
    # G_nb = 10/24·1/2·0.8 = 1/6, G_t = 10/24·1/2·0.2 = 1/24; 1/8 + 1/6 + 1/24 = 1/3 ✓
    data = pd.DataFrame({"y": [1, 3, 2, 6], "g": ["A", "A", "B", "B"]})
    res = dagum_gini(data, "y", group="g")
    assert res.summary.loc[0, ["G", "G_w", "G_nb", "G_t"]].tolist() == pytest.approx(
        [1 / 3, 1 / 8, 1 / 6, 1 / 24]
    )
    row = res.between.iloc[0]
    assert (row.group_j, row.group_h) == ("B", "A")
    assert [row.d_jh, row.p_jh, row.D_jh, row.G_jh] == pytest.approx([9 / 4, 1 / 4, 0.8, 10 / 24])


def test_invariances():
    y, g = random_case(7, 4, [8, 12, 5, 9])
    base = dagum_gini(pd.DataFrame({"y": y, "g": g}), "y", group="g").summary.iloc[0]
    scaled = dagum_gini(pd.DataFrame({"y": 1000 * y, "g": g}), "y", group="g").summary.iloc[0]
    perm = np.random.default_rng(0).permutation(len(y))
    permuted = dagum_gini(pd.DataFrame({"y": y[perm], "g": g[perm]}), "y", group="g").summary.iloc[0]
    relabelled = dagum_gini(pd.DataFrame({"y": y, "g": np.char.add("x", g)}), "y", group="g").summary.iloc[0]
    cols = ["G", "G_w", "G_nb", "G_t"]
    for other in (scaled, permuted, relabelled):
        assert other[cols].tolist() == pytest.approx(base[cols].tolist(), abs=1e-12)


def test_between_component_of_group_means():
    # with no within-group spread and no overlap, G_w = 0, G_t = 0 and G_nb = the Gini of the
    # group means weighted by group sizes
    data = pd.DataFrame({"y": [1.0] * 3 + [4.0] * 5 + [9.0] * 2, "g": list("aaabbbbbcc")})
    s = dagum_gini(data, "y", group="g").summary.iloc[0]
    means, sizes = np.array([1.0, 4.0, 9.0]), np.array([3, 5, 2])
    gini_of_means = (sizes[:, None] * sizes[None, :] * np.abs(means[:, None] - means[None, :])).sum() / (
        2 * sizes.sum() ** 2 * np.average(means, weights=sizes)
    )
    assert s["G_w"] == pytest.approx(0, abs=1e-15) and s["G_t"] == pytest.approx(0, abs=1e-15)
    assert s["G_nb"] == pytest.approx(gini_of_means, abs=1e-12) and s["G"] == pytest.approx(gini_of_means)


def test_by_time_and_wide_layouts():
    rows = []
    for year, shift in ((2010, 0.0), (2020, 0.5)):
        y, g = random_case(year, 3, [6, 8, 4])
        rows += [{"year": year, "y": v + shift, "g": lab} for v, lab in zip(y, g, strict=True)]
    res = dagum_gini(pd.DataFrame(rows), "y", group="g", time="year")
    assert res.summary["year"].tolist() == [2010, 2020]
    wide = res.within_wide
    assert list(wide.columns) == ["G", "g0", "g1", "g2"] and list(wide.index) == [2010, 2020]
    assert wide.loc[2020, "g1"] == res.within.query("year == 2020 and group == 'g1'")["G_jj"].item()
    t3 = res.between_mean
    assert len(t3) == 3
    assert list(t3.index) == ["g0—g1", "g0—g2", "g1—g2"]

    def gjh(year, a, b):
        rows = res.between[
            (res.between.year == year) & res.between.group_j.isin([a, b]) & res.between.group_h.isin([a, b])
        ]
        return rows["G_jh"].item()

    for pair in t3.index:
        a, b = pair.split("—")
        first, last = gjh(2010, a, b), gjh(2020, a, b)
        assert t3.loc[pair, "mean_G_jh"] == pytest.approx((first + last) / 2)
        assert t3.loc[pair, "change_pct"] == pytest.approx((last - first) / first * 100)


def test_pair_sum_matrix_small():
    # group 0 = {1, 5}, group 1 = {2, 3, 7}
    # 0 vs 1: 1 is below 2, 3, 7 by 1+2+6 = 9; 5 is above 2, 3 by 3+2 = 5 and below 7 by 2
    # 0 vs 0: |1 − 5| in both orders; 1 vs 1: |2−3| + |2−7| + |3−7| = 10 in both orders
    y = np.array([1.0, 5.0, 2.0, 3.0, 7.0])
    above, below = pair_sum_matrix(y, np.array([0, 0, 1, 1, 1]), np.ones(5), 2)
    assert above.tolist() == [[4.0, 5.0], [11.0, 10.0]]
    assert below.tolist() == [[4.0, 11.0], [5.0, 10.0]]


@pytest.mark.parametrize(
    "frame, message",
    [
        (
            pd.DataFrame({"y": [1.0, -2.0, 3.0], "g": ["a", "a", "b"]}),
            r"1 row\(s\) where 'y' is negative \(the Gini needs non-negative values\): index \[1\]",
        ),
        (
            pd.DataFrame({"y": [1.0, np.nan, 3.0], "g": ["a", "a", "b"]}),
            r"'y' is missing \(pass dropna=True to leave these rows out\): index \[1\]",
        ),
        (pd.DataFrame({"y": [1.0, np.inf, 3.0], "g": ["a", "a", "b"]}), r"'y' is infinite: index \[1\]"),
        (pd.DataFrame({"y": [1.0, "—", 3.0], "g": ["a", "a", "b"]}), r"'y' is not a number: index \[1\]"),
        (pd.DataFrame({"y": [1.0, 2.0, 3.0], "g": ["a", None, "b"]}), r"the group column 'g' is missing \(pass dropna=True to drop them\): index \[1\]"),
        (pd.DataFrame({"y": [0.0, 0.0, 0.0], "g": ["a", "a", "b"]}), "every value is zero"),
        (pd.DataFrame({"v": [1.0], "g": ["a"]}), r"column\(s\) \['y'\] not in data"),
    ],
)
def test_bad_input(frame, message):
    with pytest.raises((ValueError, KeyError), match=message):
        dagum_gini(frame, "y", group="g")


def test_dropna_reports_the_rows_it_left_out():
    frame = pd.DataFrame({"y": [1.0, np.nan, 3.0, 4.0], "g": ["a", "a", "b", "b"], "adcode": list("pqrs")})
    res = dagum_gini(frame, "y", group="g", dropna=True)
    assert res.summary["n"].item() == 3
    assert res.dropped[["adcode", "reason"]].values.tolist() == [["q", "y is missing"]]
    full = dagum_gini(frame.drop(index=1), "y", group="g")
    assert res.summary["G"].item() == full.summary["G"].item()


@pytest.mark.parametrize(
    "kwargs, message",
    [({"bootstrap": -5}, "bootstrap must be a whole number"), ({"level": 150}, "level must be a percentage")],
)
def test_bootstrap_options_are_checked(kwargs, message):
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0], "g": ["a", "a", "b"]})
    with pytest.raises(ValueError, match=message):
        dagum_gini(frame, "y", group="g", **kwargs)


def test_zero_mean_group_warns_and_keeps_the_identity():
    frame = pd.DataFrame({"y": [0.0, 0.0, 2.0, 4.0], "g": ["a", "a", "b", "b"]})
    with pytest.warns(UserWarning, match=r"group\(s\) \['a'\] have mean 0"):
        res = dagum_gini(frame, "y", group="g")
    s = res.summary.iloc[0]
    assert np.isnan(res.within.set_index("group").loc["a", "G_jj"])
    assert s["G"] == pytest.approx(s["G_w"] + s["G_nb"] + s["G_t"], abs=1e-15)
    # by hand: pairs |0-2|,|0-4| twice each and |2-4| → Σ|·| over ordered pairs = 2·(2+4+2+4+2) = 28; G = 28 / (2·16·1.5)
    assert s["G"] == pytest.approx(28 / 48)


def test_group_may_be_a_registry_id_through_the_unit_column():
    """group="eight" with city names works as --group eight does in the CLI (it failed before)."""
    frame = pd.DataFrame({"city": ["北京", "天津市", "上海", "广州", "拉萨"], "y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    res = dagum_gini(frame, "y", group="eight", unit="city", overlap="first")
    assert res.summary["k"].item() == 3 and res.summary["n"].item() == 4
    assert res.dropped[["city", "reason"]].values.tolist() == [["拉萨", "not in any group of the grouping 'eight'"]]
    with pytest.raises(ValueError, match="no row falls in a group of the grouping 'gba'"):
        dagum_gini(frame.iloc[[0, 4]], "y", group="gba", unit="city")


def test_census_urbanisation_by_agglomeration(census_city):
    """Real data: urbanisation rate of the eight agglomerations' cities, 2010 and 2020."""
    import geolink

    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "adcode": census_city["city_code"],
                    "year": year,
                    "urban_rate": census_city[f"popu_urban_{year}"] / census_city[f"popu_{year}"],
                    "pop": census_city[f"popu_{year}"],
                }
            )
            for year in (2010, 2020)
        ]
    )
    groups = geolink.agglomeration_groups("eight", overlap="first")
    # the 2020 urban population of 周口, 仙桃, 潜江, 天门 is missing in the census table: named, not dropped
    with pytest.raises(ValueError, match=r"4 row\(s\) where 'urban_rate' is missing.*index \[164, 180, 181, 182\]"):
        dagum_gini(long, "urban_rate", group=groups, time="year")
    long = long.dropna(subset=["urban_rate"])
    res = dagum_gini(long, "urban_rate", group=groups, time="year")
    # the cities outside the eight, in both years, are listed as left out; no row is lost silently
    assert res.dropped["reason"].str.startswith("not in any group of").all()
    assert len(res.dropped) + res.summary["n"].sum() == len(long)
    assert not res.dropped["adcode"].isin(groups["adcode"]).any()
    s = res.summary.set_index("year")
    assert s["n"].tolist() == [len(groups), len(groups) - 4] and (s["k"] == 8).all()
    assert (s["G"] - s[["G_w", "G_nb", "G_t"]].sum(axis=1)).abs().max() < 1e-12
    # urbanisation converged between 2010 and 2020: the Gini fell
    assert 0.05 < s.loc[2020, "G"] < s.loc[2010, "G"] < 0.3
    weighted = dagum_gini(long, "urban_rate", group=groups, time="year", weight="pop").summary.set_index("year")
    assert (weighted["G"] - weighted[["G_w", "G_nb", "G_t"]].sum(axis=1)).abs().max() < 1e-12


def test_bootstrap_intervals():
    y, g = random_case(11, 4, [15, 20, 12, 30])
    data = pd.DataFrame({"y": y, "g": g})
    a = dagum_gini(data, "y", group="g", bootstrap=300, seed=1)
    b = dagum_gini(data, "y", group="g", bootstrap=300, seed=1)
    pd.testing.assert_frame_equal(a.summary, b.summary)  # reproducible
    s = a.summary.iloc[0]
    for name in ("G", "G_w", "G_nb", "G_t"):
        assert s[f"{name}_lo"] < s[f"{name}_hi"]
        assert s[f"{name}_lo"] - 0.05 < s[name] < s[f"{name}_hi"] + 0.05
    assert (a.within["G_jj_lo"] <= a.within["G_jj_hi"]).all()
    # no spread inside groups: every replicate equals the sample, the interval collapses
    flat = pd.DataFrame({"y": [1.0] * 4 + [3.0] * 6, "g": ["a"] * 4 + ["b"] * 6})
    f = dagum_gini(flat, "y", group="g", bootstrap=50, seed=0).summary.iloc[0]
    assert f["G_lo"] == pytest.approx(f["G"]) and f["G_hi"] == pytest.approx(f["G"])


def test_vectorised_components_match_one_by_one():
    from geolink.inequality import _components

    rng = np.random.default_rng(5)
    codes = np.repeat([0, 1, 2], [5, 7, 4])
    ys = rng.lognormal(size=(6, 16))
    ws = rng.uniform(1, 3, size=(6, 16))
    together = _components(ys, codes, ws, 3)
    for b in range(6):
        alone = _components(ys[b], codes, ws[b], 3)
        for name in ("G", "G_w", "G_nb", "G_t", "Gjj", "Gjh"):
            assert together[name][b] == pytest.approx(alone[name][0], abs=1e-13)


def brute_pair_sums(y, codes, w, k):
    """above[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r max(y_i − y_r, 0) over the n × n matrix of pairs."""
    diff = np.maximum(y[:, None] - y[None, :], 0) * w[:, None] * w[None, :]
    onehot = (codes[:, None] == np.arange(k)).astype(float)
    return onehot.T @ diff @ onehot


@pytest.mark.parametrize("weighted", [False, True])
def test_pair_sum_matrix_against_all_pairs(weighted):
    rng = np.random.default_rng(8)  # SYNTHETIC: ties (rounded values), zeros, groups of 1 and 0 members
    n, k = 400, 6
    y = np.round(rng.lognormal(0, 1, n), 1)
    y[rng.random(n) < 0.1] = 0.0
    codes = rng.choice([0, 1, 2, 3, 5], size=n, p=[0.5, 0.3, 0.1, 0.0975, 0.0025])
    codes[0] = 5  # group 5 has at least one member; group 4 none
    w = rng.uniform(0.5, 3, n) if weighted else np.ones(n)
    above, below = pair_sum_matrix(y, codes, w, k)
    expected = brute_pair_sums(y, codes, w, k)
    np.testing.assert_allclose(above, expected, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(below, above.T)
    assert (above[4] == 0).all() and (above[:, 4] == 0).all()


@pytest.mark.parametrize("weighted", [False, True])
def test_pair_sum_matrix_batched_samples(weighted):
    rng = np.random.default_rng(9)  # SYNTHETIC
    B, n, k = 5, 60, 4
    codes = rng.integers(0, k, n)
    ys = np.round(rng.lognormal(0, 0.7, (B, n)), 1)
    ws = rng.uniform(1, 4, (B, n)) if weighted else np.ones((B, n))
    above, below = pair_sum_matrix(ys, codes, ws, k)  # one merge per sample and pair of groups
    for b in range(B):
        np.testing.assert_allclose(above[b], brute_pair_sums(ys[b], codes, ws[b], k), rtol=1e-12, atol=1e-10)
        np.testing.assert_array_equal(below[b], above[b].T)
    # groups that differ between samples
    codes2 = rng.integers(0, k, (B, n))
    above2, _ = pair_sum_matrix(ys, codes2, ws, k)
    for b in range(B):
        np.testing.assert_allclose(
            above2[b], brute_pair_sums(ys[b], codes2[b], ws[b], k), rtol=1e-12, atol=1e-10
        )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("spread", ["negative", "wide"])
def test_pair_sum_matrix_values_that_do_not_fit_sort_keys(weighted, spread):
    """Negative values, or 8 groups' values over more than 2^9 binades, take the argsort of the values."""
    rng = np.random.default_rng(10)  # SYNTHETIC
    n, k = 300, 8
    y = np.round(rng.normal(0, 2, n), 1) if spread == "negative" else np.exp(rng.uniform(-400, 400, n))
    y[:3] = 0.0
    codes = rng.integers(0, k, n)
    w = rng.uniform(0.5, 3, n) if weighted else np.ones(n)
    above, below = pair_sum_matrix(y, codes, w, k)
    expected = brute_pair_sums(y, codes, w, k)
    np.testing.assert_allclose(above, expected, rtol=1e-12, atol=1e-9 * np.abs(expected).max())
    np.testing.assert_array_equal(below, above.T)


def test_sort_keys_give_back_every_value_with_its_group():
    from geolink.inequality import _sorted_with_groups

    rng = np.random.default_rng(12)  # SYNTHETIC: zeros, −0.0, ties; a tiny and a large value (argsort for k > 2)
    for k, extremes in itertools.product((1, 2, 8, 300), (False, True)):
        y = np.round(rng.lognormal(0, 2, (3, 500)), 2)
        y[:, :20] = 0.0
        y[:, 20:25] = -0.0
        if extremes:
            y[0, 30], y[1, 31] = 1e-300, 1e300
        codes = rng.integers(0, k, 500)
        w = rng.uniform(1, 2, (3, 500))
        v, c, wt = _sorted_with_groups(y, codes, w, k)
        for b in range(3):
            np.testing.assert_array_equal(v[b], np.sort(y[b]))
            assert sorted(zip(v[b], c[b], wt[b], strict=True)) == sorted(
                zip(y[b] + 0.0, codes, w[b], strict=True)  # + 0.0: −0.0 comes back as 0.0
            )


def test_missing_weight_raises_or_is_dropped_with_dropna():
    df = pd.DataFrame({"adcode": ["440100", "440300", "440600", "440400"], "v": [1.0, 2, 3, 4],
                       "pop": [1, np.nan, 2, 3]})
    with pytest.raises(ValueError, match=r"1 row\(s\) where the weight 'pop' is missing \(pass dropna=True.*'440300'"):
        dagum_gini(df, "v", weight="pop", group="gba")
    res = dagum_gini(df, "v", weight="pop", group="gba", dropna=True)
    assert res.dropped[["adcode", "reason"]].values.tolist() == [["440300", "pop is missing"]]
    expected = dagum_gini(df.drop(index=1), "v", weight="pop", group="gba").summary["G"].iloc[0]
    assert res.summary["G"].iloc[0] == pytest.approx(expected, abs=1e-15)


def test_a_periods_bootstrap_does_not_depend_on_the_other_periods():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"v": rng.lognormal(size=60), "g": np.tile(list("abc"), 20), "year": np.repeat([2010, 2020], 30)})
    both = dagum_gini(df, "v", group="g", time="year", bootstrap=50, seed=1).summary.set_index("year")
    only = dagum_gini(df[df["year"] == 2020], "v", group="g", time="year", bootstrap=50, seed=1).summary.set_index("year")
    assert both.loc[2020, "G_lo"] == only.loc[2020, "G_lo"] and both.loc[2020, "G_hi"] == only.loc[2020, "G_hi"]
