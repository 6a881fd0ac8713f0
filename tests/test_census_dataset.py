"""The bundled census dataset (Lei Dong et al. 2022): shape, keys, exact copies of the raw file, derived values."""

import math

import numpy as np
import pandas as pd
import pytest

import geolink


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    return geolink.datasets.load("census")


def test_listed_and_shaped(census):
    assert "census" in geolink.datasets.names()["name"].tolist()
    assert sorted(census["year"].unique()) == [2010, 2020]
    per_year = census.groupby("year")["adcode"].agg(["size", "nunique"])
    assert per_year.to_numpy().tolist() == [[369, 369], [369, 369]]
    for code in ("810000", "820000", "110100", "120100", "310100", "500100", "469001", "659001"):
        assert (census["adcode"] == code).sum() == 2, code
    assert census["adcode"].str.fullmatch(r"\d{6}").all()
    assert not census.duplicated(["adcode", "year"]).any()


def test_keys_are_the_prefectures_canonical_codes(census):
    # zero unmatched units when joined onto geolink.prefectures() (tested on the keys, not on join's options)
    units = geolink.prefectures().index
    for year in (2010, 2020):
        codes = census.loc[census["year"] == year, "adcode"]
        assert codes.isin(units).all(), codes[~codes.isin(units)].tolist()
    resolved = geolink.resolve_names(census["adcode"].drop_duplicates(), year=2020)
    assert (resolved["status"] == "exact").all()
    assert (resolved["adcode"] == resolved["input"]).all()
    # the names resolve to the same units as the codes
    by_name = geolink.resolve_names(census["name"].drop_duplicates(), year=2020)
    assert (by_name["adcode"].to_numpy() == census["adcode"].drop_duplicates().to_numpy()).all()


def test_source_values_are_copied_exactly(census, census_city):
    raw = census_city.set_index("city_code")
    for year in (2010, 2020):
        ours = census[census["year"] == year].set_index("adcode").reindex(raw.index)
        for src, col in [
            ("popu", "population"),
            ("popu_urban", "population_urban"),
            ("popu_rural", "population_rural"),
            ("household", "household_size"),
            ("male_female", "sex_ratio"),
            ("age_65", "age_65_plus_pct"),
            ("age_0_14", "age_0_14_pct"),
        ]:
            pd.testing.assert_series_equal(
                ours[col].astype(float), raw[f"{src}_{year}"].astype(float), check_names=False
            )
        assert ours["population"].sum() == raw[f"popu_{year}"].sum()  # totals exact


@pytest.mark.parametrize(
    ("adcode", "name"),
    [("440100", "广州市"), ("441900", "东莞市"), ("110100", "北京市")],
)
def test_derived_indicators_by_hand(census, census_city, adcode, name):
    raw = census_city.set_index("city_code").loc[adcode]
    assert raw["city"] == name
    row = census.set_index(["adcode", "year"])
    r10, r20 = row.loc[(adcode, 2010)], row.loc[(adcode, 2020)]
    assert r20["urbanisation_pct"] == pytest.approx(100 * raw["popu_urban_2020"] / raw["popu_2020"], abs=1e-6)
    assert r10["urbanisation_pct"] == pytest.approx(100 * raw["popu_urban_2010"] / raw["popu_2010"], abs=1e-6)
    ratio = raw["popu_2020"] / raw["popu_2010"]
    assert r20["growth_2010_2020_pct"] == pytest.approx(100 * (ratio - 1), abs=1e-6)
    assert r20["growth_log_annual_pct"] == pytest.approx(100 * math.log(ratio) / 10, abs=1e-6)
    assert np.isnan(r10["growth_2010_2020_pct"]) and np.isnan(r10["growth_log_annual_pct"])
    assert r20["age_65_plus_pct"] == raw["age_65_2020"] and r20["household_size"] == raw["household_2020"]


def test_guangzhou_by_the_printed_numbers(census):
    gz = census[(census["adcode"] == "440100") & (census["year"] == 2020)].iloc[0]
    # 16,096,724 urban of 18,676,605 residents; 12,700,800 residents in 2010
    assert gz["urbanisation_pct"] == pytest.approx(86.186563, abs=1e-6)
    assert gz["growth_2010_2020_pct"] == pytest.approx(100 * (18_676_605 / 12_700_800 - 1), abs=1e-6)
    assert round(gz["growth_2010_2020_pct"], 2) == 47.05


def test_missing_stays_missing_and_the_withheld_value(census):
    row = census.set_index(["adcode", "year"])
    assert np.isnan(row.loc[("512000", 2010), "urbanisation_pct"])  # 资阳: territories differ (README)
    assert row.loc[("512000", 2010), "population_urban"] == 1_126_046  # the count itself is kept
    assert np.isnan(row.loc[("810000", 2020), "urbanisation_pct"])
    assert row.loc[("810000", 2020), "population"] == 7_509_200
    assert np.isnan(row.loc[("220500", 2020), "age_65_plus_pct"])  # 通化
    missing_urban_2020 = census[(census["year"] == 2020) & census["population_urban"].isna()]
    assert len(missing_urban_2020) == 34
    has = census["population_urban"].notna() & census["population"].notna()
    has &= ~((census["adcode"] == "512000") & (census["year"] == 2010))
    assert census.loc[has, "urbanisation_pct"].notna().all()
    assert census["urbanisation_pct"].dropna().between(0, 100).all()
