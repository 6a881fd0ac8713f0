import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import geolink

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def towns():
    return geolink.datasets.load("dongguan_towns")


def _brute_force_km(lon, lat, polygon) -> float:
    """Independent check: geodesic distance to every vertex of the boundary densified to ~50 m."""
    ring = shapely.segmentize(polygon.boundary, 0.0005)
    xy = shapely.get_coordinates(ring)
    return GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])[2].min() / 1000


def test_distances_match_an_independent_geodesic_computation(towns):
    with pytest.raises(ValueError, match=r"1 unit\(s\) without coordinates: \['大岭山镇'\]; pass dropna=True"):
        geolink.distance_decay(towns, "pop_2020", target="深圳市")
    res = geolink.distance_decay(towns, "pop_2020", target="深圳市", dropna=True)
    d = res.units.set_index("name")["distance_km"]
    shenzhen = geolink.prefectures().loc["440300"].geometry
    for name in ("长安镇", "高埗镇"):
        row = towns.set_index("name").loc[name]
        expect = _brute_force_km(row["lon"], row["lat"], shenzhen)
        assert d[name] == pytest.approx(expect, abs=0.05)  # within 50 m (the densification step)
    assert 0.5 < d["长安镇"] < 5 and 25 < d["高埗镇"] < 35
    assert not res.units["inside"].any()


def test_population_decays_with_distance_to_shenzhen(towns):
    res = geolink.distance_decay(towns, ["pop_2020"], target="深圳市", dropna=True)
    corr = res.correlations.iloc[0]
    assert corr["n"] == 31 and res.dropped["name"].tolist() == ["大岭山镇"]
    assert res.dropped["reason"].tolist() == ["no coordinates"]
    assert corr["pearson_r"] == pytest.approx(-0.631, abs=0.001) and corr["pearson_p"] < 0.001
    assert corr["spearman_rho"] == pytest.approx(-0.658, abs=0.001)
    fits = res.fits.set_index("model")
    assert (fits["slope"] < 0).all() and list(fits.index) == ["linear", "log_linear", "power", "exponential"]


@pytest.mark.parametrize(
    "model, make",
    [
        ("linear", lambda d: 100 - 2 * d),
        ("log_linear", lambda d: 50 - 10 * np.log(d)),
        ("power", lambda d: np.exp(3.0) * d**-0.7),
        ("exponential", lambda d: np.exp(2.0 - 0.05 * d)),
    ],
)
def test_fits_recover_known_parameters_from_synthetic_data(model, make):
    """SYNTHETIC points east of a target point at known distances; noise-free y = f(d)."""
    rng = np.random.default_rng(1)
    d_km = rng.uniform(2, 60, 40)
    lon0, lat0 = 114.0, 22.5
    lon, lat, _ = GEOD.fwd(np.full(40, lon0), np.full(40, lat0), np.full(40, 90.0), d_km * 1000)
    units = pd.DataFrame(
        {"name": [f"synthetic {i}" for i in range(40)], "lon": lon, "lat": lat, "y": make(d_km)}
    )
    res = geolink.distance_decay(units, "y", target=(lon0, lat0))
    assert res.units["distance_km"].to_numpy() == pytest.approx(d_km, rel=1e-9)
    row = res.fits.set_index("model").loc[model]
    expected = {
        "linear": (100, -2),
        "log_linear": (50, -10),
        "power": (3.0, -0.7),
        "exponential": (2.0, -0.05),
    }
    assert (row["intercept"], row["slope"]) == pytest.approx(expected[model], abs=1e-6)
    assert row["r2"] == pytest.approx(1.0)
    assert res.predict("y", model, [10.0]) == pytest.approx(make(np.array([10.0])))


def test_zero_and_missing_values_are_counted(towns):
    data = towns.dropna(subset=["lon"]).assign(x=lambda t: t["pop_2020"].astype(float))
    data.loc[data.index[:2], "x"] = 0.0
    data.loc[data.index[2], "x"] = np.nan
    with pytest.raises(ValueError, match=r"'x' is missing \(pass dropna=True"):
        geolink.distance_decay(data, "x", target="深圳市")
    res = geolink.distance_decay(data, "x", target="深圳市", dropna=True)
    assert res.correlations.iloc[0]["n_missing"] == 1
    fits = res.fits.set_index("model")
    assert fits.loc["linear", "n_excluded"] == 1 and fits.loc["power", "n_excluded"] == 3  # 1 NaN + 2 zeros


def test_units_inside_the_target_get_zero(towns):
    inside = pd.DataFrame(
        {
            "name": ["深圳市民中心", "a", "b"],
            "lon": [114.0579, 113.75, 113.70],
            "lat": [22.5431, 23.02, 23.05],
            "y": [1.0, 2.0, 3.0],
        }
    )
    res = geolink.distance_decay(inside, "y", target="440300")
    assert res.units["inside"].tolist() == [True, False, False] and res.units["distance_km"].iloc[0] == 0
    assert res.fits.set_index("model").loc["log_linear", "n_excluded"] == 1


def test_centroid_distance_and_errors(towns):
    data = towns.dropna(subset=["lon"])
    by_centroid = geolink.distance_decay(data, "pop_2020", target="深圳市", distance="centroid")
    by_boundary = geolink.distance_decay(data, "pop_2020", target="深圳市")
    assert (by_centroid.units["distance_km"] > by_boundary.units["distance_km"]).all()
    with pytest.raises(KeyError, match="not a current prefecture-level unit"):
        geolink.distance_decay(data, "pop_2020", target="深证市x")
    with pytest.raises(KeyError, match=r"column\(s\) \['gdp'\] not in data"):
        geolink.distance_decay(data, "gdp", target="深圳市")
    with pytest.raises(ValueError, match="distance must be one of"):
        geolink.distance_decay(data, "pop_2020", target="深圳市", distance="road")


def test_centroid_distance_is_centroid_to_centroid():
    """广州–深圳 by centroid: 97.6 km between the area centroids, as within_km says (was 42.9 km to a polygon)."""
    units = geolink.prefectures()
    res = geolink.distance_decay(units.loc[["440100", "441900", "440600"]], "area_km2", target="深圳市", distance="centroid")
    gz = res.units.set_index("adcode").loc["440100", "distance_km"]
    c = geolink.centroids(units.loc[["440100", "440300"]])
    by_hand = GEOD.inv(c.iloc[0].x, c.iloc[0].y, c.iloc[1].x, c.iloc[1].y)[2] / 1000
    assert gz == pytest.approx(by_hand, abs=1e-6) and gz == pytest.approx(97.6, abs=0.05)
    near = geolink.within_km("深圳市", 100, distance="centroid").set_index("adcode")
    assert near.loc["440100", "distance_km"] == pytest.approx(gz, abs=0.001)


@pytest.mark.parametrize(
    "lon, lat, message",
    [
        (0.0, 0.0, r"the point is \(0, 0\)"),
        (114.0, 95.0, "out of range"),
        ("x", 22.0, "not a number"),
    ],
)
def test_bad_coordinates_are_named(lon, lat, message):
    data = pd.DataFrame({"name": ["a", "b", "c", "d"], "lon": [113.7, 113.8, 113.9, lon], "lat": [23.0, 23.1, 23.2, lat],
                         "y": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match=message):
        geolink.distance_decay(data, "y", target="深圳市")


def test_infinite_values_raise():
    data = pd.DataFrame({"lon": [113.7, 113.8, 113.9], "lat": [23.0, 23.1, 23.2], "y": [1.0, np.inf, 3.0]})
    with pytest.raises(ValueError, match=r"'y' is infinite: index \[1\]"):
        geolink.distance_decay(data, "y", target="深圳市")
