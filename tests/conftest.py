from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
CENSUS_CITY = SHARED / "census" / "census_city_2010-2020_v1.csv"


@pytest.fixture(scope="session")
def census_city() -> pd.DataFrame:
    """The 2010/2020 census by prefecture (external reference data, read in place)."""
    if not CENSUS_CITY.exists():
        pytest.skip("../shared/data/census is absent")
    return pd.read_csv(CENSUS_CITY, dtype={"city_code": str, "province_code": str})
