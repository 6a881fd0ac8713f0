"""Build data/census/census_city_2010_2020.csv from Lei Dong et al.'s census table by prefecture.

Usage: python data/census/build_census.py [path/to/census_city_2010-2020_v1.csv]

Source: the leiii/census repository (commit 0ba0f1ef, MIT licence), file
``census_city_2010-2020_v1.csv``; default path ``../shared/data/census/`` beside the repository.
The output is one row per prefecture-level unit and census year (2010, 2020), values only (the
``coord`` polygons are dropped).  Source values are copied as printed (text, not re-formatted);
the derived indicators are computed from them with the formulas in README.md.  Same input, same
bytes out.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[1].parent / "shared" / "data" / "census" / "census_city_2010-2020_v1.csv"
OUTPUT = HERE / "census_city_2010_2020.csv"
YEARS = (2010, 2020)

#: source column stem (``<stem>_<year>``) → output column
COLUMNS = {
    "popu": "population",
    "popu_urban": "population_urban",
    "popu_rural": "population_rural",
    "household": "household_size",
    "male_female": "sex_ratio",
    "age_0_14": "age_0_14_pct",
    "age_15_59": "age_15_59_pct",
    "age_60": "age_60_plus_pct",
    "age_65": "age_65_plus_pct",
}
DECIMALS = 6  # derived indicators are rounded to this many decimals

#: (adcode, year) whose urbanisation rate is left missing, and why (see README.md)
URBANISATION_WITHHELD = {
    ("512000", "2010"): "urban and rural counts on the pre-2016 territory (with 简阳), total on today's",
}


def build(source: Path = DEFAULT_SOURCE) -> pd.DataFrame:
    raw = pd.read_csv(source, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw = raw.drop(columns="coord").replace("", pd.NA)
    if (
        len(raw) != 369
        or raw["city_code"].duplicated().any()
        or not raw["city_code"].str.fullmatch(r"\d{6}").all()
    ):
        raise ValueError(f"{source}: expected 369 distinct 6-digit city codes")
    blocks = []
    for year in YEARS:
        block = pd.DataFrame(
            {
                "adcode": raw["city_code"],
                "name": raw["city"],
                "province_adcode": raw["province_code"],
                "year": str(year),
            }
        )
        for stem, column in COLUMNS.items():
            block[column] = raw[f"{stem}_{year}"]
        blocks.append(block)
    long = pd.concat(blocks, ignore_index=True)

    pop = pd.to_numeric(long["population"])
    urban = pd.to_numeric(long["population_urban"])
    long["urbanisation_pct"] = (100 * urban / pop).round(DECIMALS)
    withheld = pd.MultiIndex.from_frame(long[["adcode", "year"]]).isin(list(URBANISATION_WITHHELD))
    long.loc[withheld, "urbanisation_pct"] = np.nan
    by_year = {year: pd.to_numeric(raw[f"popu_{year}"]).to_numpy() for year in YEARS}
    ratio = by_year[2020] / by_year[2010]
    growth = np.concatenate([np.full(len(raw), np.nan), 100 * (ratio - 1)])
    log_growth = np.concatenate([np.full(len(raw), np.nan), 100 * np.log(ratio) / (YEARS[1] - YEARS[0])])
    long["growth_2010_2020_pct"] = pd.Series(growth).round(DECIMALS)
    long["growth_log_annual_pct"] = pd.Series(log_growth).round(DECIMALS)
    return long.sort_values(["adcode", "year"], ignore_index=True)


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    table = build(source)
    table.to_csv(OUTPUT, index=False, lineterminator="\n", float_format=f"%.{DECIMALS}f")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    print(f"{OUTPUT.name}: {len(table)} rows from {source} (sha256 {digest})")


if __name__ == "__main__":
    main(sys.argv)
