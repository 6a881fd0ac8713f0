"""The bundled division history 1990–2024 (boundaries/history/): loaders and look-ups.

Shared by the name resolver (geolink.names) and panel harmonisation (geolink.history).
A record is identified by (code, first year): codes are reused (511400: 涪陵市 1995–1996,
眉山市 since 2000).
"""

from __future__ import annotations

import functools
from collections import namedtuple

import pandas as pd

from geolink._paths import bundled

FIRST, LAST = 1990, 2024
Key = tuple[str, int]  # (code, first year)


def _read(name: str, **dtype) -> pd.DataFrame:
    return pd.read_csv(
        bundled("boundaries") / "history" / name, dtype={"code": str, **dtype}, keep_default_na=False
    )


@functools.cache
def units() -> pd.DataFrame:
    """Every prefecture- and county-level record in use in some year 1990–2024."""
    return _read("units.csv", prefecture=str, became=str)


@functools.cache
def successors() -> pd.DataFrame:
    """Per prefecture-level record and run of years: today's units and their share of its counties."""
    return _read("successors.csv", adcode=str)


@functools.cache
def links() -> pd.DataFrame:
    """County-level record → today's county-level record(s) and geolink unit, with fractions."""
    return _read("links.csv", to=str, adcode=str)


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """The rows of a table as plain named tuples (much faster to iterate than ``itertuples``)."""
    Row = namedtuple("Row", [c if c != "from" else "from_" for c in frame.columns])
    return [Row(*t) for t in zip(*(frame[c].tolist() for c in frame.columns), strict=True)]


@functools.cache
def unit_rows() -> list[tuple]:
    """The rows of units.csv as named tuples."""
    return _rows(units())


@functools.cache
def records() -> dict[Key, tuple]:
    """(code, first) → the units.csv row as a named tuple."""
    return {(r.code, r.first): r for r in unit_rows()}


@functools.cache
def by_code_year() -> dict[str, list[tuple]]:
    """code → its records (one per period of use), oldest first."""
    out: dict[str, list] = {}
    for r in unit_rows():
        out.setdefault(r.code, []).append(r)
    return out


def record_at(code: str, year: int):
    """The record holding ``code`` in ``year``, or None."""
    for r in by_code_year().get(code, ()):
        if r.first <= year <= r.last:
            return r
    return None


@functools.cache
def runs() -> dict[Key, list[tuple[int, int, tuple[tuple[str, float, float], ...]]]]:
    """(code, first) of a prefecture-level record → [(from, to, ((adcode, counties, share), …))]."""
    out: dict[Key, dict] = {}
    for r in _rows(successors()):
        out.setdefault((r.code, r.first), {}).setdefault((r.from_, r.to), []).append(
            (r.adcode, r.counties, r.share)
        )
    # shares from the counts, so that they sum to 1 (the stored share is rounded)
    return {
        k: [
            (a, b, tuple((c, n, n / sum(m for _, m, _ in v)) for c, n, _ in v))
            for (a, b), v in sorted(d.items())
        ]
        for k, d in out.items()
    }


def successors_at(key: Key, year: int | None) -> tuple[tuple[str, float, float], ...]:
    """Today's units of a record in ``year`` (its last year of use when None or out of range)."""
    periods = runs()[key]
    if year is not None:
        for a, b, s in periods:
            if a <= year <= b:
                return s
    return periods[-1][2]


@functools.cache
def county_links() -> dict[Key, tuple[tuple[str, str, float], ...]]:
    """(code, first) → ((today's county code, geolink adcode, fraction), …)."""
    out: dict[Key, list] = {}
    for r in _rows(links()):
        out.setdefault((r.code, r.first), []).append((r.to, r.adcode, r.fraction))
    return {k: tuple(v) for k, v in out.items()}


def name_at(code: str, year: int) -> str:
    r = record_at(code, year)
    return r.name if r is not None else code
