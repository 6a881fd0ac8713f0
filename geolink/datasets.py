"""Bundled datasets: the 2010/2020 census by prefecture, the source papers' published tables and Dongguan's towns.

``geolink.datasets.names()`` lists them; ``geolink.datasets.load(name)`` returns
a tidy DataFrame keyed by adcodes (cities) or agglomeration ids, so it joins
onto :func:`geolink.prefectures` and :func:`geolink.agglomerations`.  The
census table is Lei Dong et al. (2022), "Mapping Evolving Population Geography
in China" (MIT licence), values only; its provenance, columns, units and
formulas are in ``data/census/README.md``.  The papers' values are as printed;
provenance, table numbers, source lines and the consistency findings are in
``data/papers/README.md``.
"""

from __future__ import annotations

import functools

import pandas as pd

from geolink._paths import bundled

CITY_CODES = {"guangzhou": "440100", "shenzhen": "440300"}

#: The source papers, cited by author, year and title as far as the texts give them.
GZ_SZ_PAPER = "《特区经济》 (Special Zone Economy) 2025 no. 2, Guangzhou–Shenzhen industrial linkage (authors, title not in the text)"
COAGG_PAPER = "陈秀英、王梦翠 (2023 or later), 中国城市群生产性服务业与制造业协同集聚的空间差异及收敛性研究"


def _read(name: str, folder: str = "papers") -> pd.DataFrame:
    return pd.read_csv(bundled("data") / folder / name, dtype={"year": "Int64"})


def _gz_sz_lq() -> pd.DataFrame:
    t2 = _read("gz_sz_lq_2011_2022.csv")
    long = t2.melt(
        id_vars=["industry_no", "industry_zh", "city"],
        value_vars=["lq_2011", "lq_2022"],
        var_name="year",
        value_name="lq",
    )
    long["year"] = long["year"].str[-4:].astype(int)
    long.insert(2, "adcode", long["city"].map(CITY_CODES))
    return long.sort_values(["year", "city", "industry_no"], ignore_index=True)


def _gz_sz_lq_change() -> pd.DataFrame:
    t2 = _read("gz_sz_lq_2011_2022.csv").drop(columns=["src_line_2011", "src_line_2022", "src_line_change"])
    t2.insert(3, "adcode", t2["city"].map(CITY_CODES))
    return t2


def _gz_sz_lq_ratio() -> pd.DataFrame:
    t1 = _read("gz_sz_lq_2022.csv")
    return t1[["industry_no", "industry_zh", "lq_guangzhou", "lq_shenzhen", "lq_ratio_published"]].assign(
        year=2022
    )


def _gz_sz_structure() -> pd.DataFrame:
    s = _read("gz_sz_structure_2022.csv")
    long = s.melt(
        id_vars=["city", "year"],
        value_vars=["primary_pct", "secondary_pct", "tertiary_pct"],
        var_name="sector",
        value_name="share_pct",
    )
    long["sector"] = long["sector"].str.removesuffix("_pct")
    long.insert(1, "adcode", long["city"].map(CITY_CODES))
    return long.sort_values(["city", "sector"], ignore_index=True)


def _paper_table(file: str, drop_mean: bool = True) -> pd.DataFrame:
    table = _read(file)
    if drop_mean and "statistic" in table.columns:
        table = table[table["statistic"] == "value"].drop(columns="statistic").reset_index(drop=True)
    return table


def _dongguan_towns() -> pd.DataFrame:
    return pd.read_csv(bundled("data") / "dongguan_towns.csv", dtype={"code": str})


def _census() -> pd.DataFrame:
    table = pd.read_csv(
        bundled("data") / "census" / "census_city_2010_2020.csv",
        dtype={"adcode": str, "province_adcode": str, "year": int},
    )
    table["population"] = table["population"].astype("Int64")
    return table


_DATASETS = {
    "gz_sz_lq": (
        _gz_sz_lq,
        f"{GZ_SZ_PAPER}, Table 2: LQ of 34 manufacturing industries, Guangzhou and Shenzhen, 2011 and 2022 (long)",
    ),
    "gz_sz_lq_change": (
        _gz_sz_lq_change,
        f"{GZ_SZ_PAPER}, Table 2: 2011 and 2022 LQ and the published change, per city and industry",
    ),
    "gz_sz_lq_ratio": (
        _gz_sz_lq_ratio,
        f"{GZ_SZ_PAPER}, Table 1: 2022 LQ of Guangzhou and Shenzhen and the published LQ ratio",
    ),
    "gz_sz_structure": (
        _gz_sz_structure,
        f"{GZ_SZ_PAPER}, text: 2022 three-sector structure (%) of Guangzhou and Shenzhen",
    ),
    "gz_sz_linkage": (
        lambda: _read("gz_sz_linkage_published.csv"),
        f"{GZ_SZ_PAPER}, text: published industrial linkage index figures",
    ),
    "coagglomeration": (
        lambda: _read("coagglomeration_by_agglomeration.csv"),
        f"{COAGG_PAPER}, Table 1: co-agglomeration index by agglomeration, 2004–2018",
    ),
    "dagum_within": (
        lambda: _paper_table("dagum_within.csv"),
        f"{COAGG_PAPER}, Table 2: overall G ('all') and within-agglomeration G_jj, 2004–2018",
    ),
    "dagum_between": (
        lambda: _read("dagum_between.csv"),
        f"{COAGG_PAPER}, Table 3: mean between-agglomeration G_jh 2004–2018 and change (%)",
    ),
    "dagum_decomposition": (
        lambda: _read("dagum_decomposition.csv"),
        f"{COAGG_PAPER}, Table 4: G_w, G_nb, G_t and shares (%), 2004–2018",
    ),
    "sigma": (
        lambda: _paper_table("sigma_convergence.csv"),
        f"{COAGG_PAPER}, Table 5: σ (coefficient of variation) by agglomeration ('all' = the eight), 2004–2018",
    ),
    "dongguan_towns": (
        _dongguan_towns,
        "Dongguan's 4 streets and 28 towns: NBS code, WGS 84 point, 2020 census population",
    ),
    "census": (
        _census,
        "Census 2010 and 2020 by prefecture (369 units × 2 years): population, urban/rural, household size, "
        "sex ratio, age shares, urbanisation and growth; Lei Dong et al. (2022), Mapping Evolving Population "
        "Geography in China",
    ),
}


def names() -> pd.DataFrame:
    """The bundled datasets with a one-line description each."""
    return pd.DataFrame([{"name": k, "description": v[1]} for k, v in _DATASETS.items()])


@functools.cache
def _load(name: str) -> pd.DataFrame:
    return _DATASETS[name][0]()


def load(name: str) -> pd.DataFrame:
    """A bundled dataset as a tidy DataFrame (a fresh copy); see :func:`names`."""
    if name not in _DATASETS:
        raise KeyError(f"unknown dataset {name!r}; available: {', '.join(_DATASETS)}")
    return _load(name).copy()
