"""Identify a prefecture-level unit from an adcode, a name or an English name."""

from __future__ import annotations

import difflib
import functools
import os
import re
import unicodedata

import pandas as pd

from geolink._paths import bundled
from geolink.boundaries import prefectures
from geolink.build import short_name

# Traditional → simplified for characters that occur in unit names (HK/MO and a few others).
_TRAD = str.maketrans(
    "門別區澳灣臺東廣縣陽雲龍烏魯齊蘭寧遼濟鄭莊漢", "门别区澳湾台东广县阳云龙乌鲁齐兰宁辽济郑庄汉"
)
_CODE_RE = re.compile(r"^(\d{6})(\.0+)?$")


def normalise(text) -> str:
    """Canonical form of a name for matching.

    NFKC (full-width → half-width), all white space removed (incl. U+3000),
    traditional → simplified for the characters in ``_TRAD``, Latin text
    lower-cased with apostrophes, hyphens and spaces dropped.
    """
    s = unicodedata.normalize("NFKC", str(text)).translate(_TRAD)
    s = re.sub(r"\s+", "", s)
    return re.sub(r"['’\-_.]", "", s.lower()) if s.isascii() else s


@functools.cache
def _aliases() -> pd.DataFrame:
    return pd.read_csv(bundled("boundaries") / "city_aliases.csv", dtype=str)


@functools.cache
def _index() -> dict[str, frozenset[str]]:
    """normalised key → adcodes it may denote."""
    units = prefectures()
    index: dict[str, set[str]] = {}
    for column in ("adcode", "name", "name_short", "name_en"):
        for code, value in zip(units["adcode"], units[column], strict=True):
            index.setdefault(normalise(value), set()).add(code)
    provinces = units.drop_duplicates("province_adcode")
    for code, province in zip(provinces["province_adcode"], provinces["province"], strict=True):
        if province not in set(units["name"]):  # municipalities and SARs are units themselves
            for key in (province, short_name(province)):
                index.setdefault(normalise(key), set()).add("P" + code)
    aliases = _aliases()
    for alias, code in zip(aliases["alias"], aliases["adcode"], strict=True):
        index.setdefault(normalise(alias), set()).add(code)
    return {k: frozenset(v) for k, v in index.items()}


def nearest(key: str, candidates, n: int = 5, cutoff: float = 0.5) -> list[str]:
    """Up to ``n`` candidates most similar to ``key`` (difflib ratio, ties broken by common prefix)."""
    scored = []
    for cand in candidates:
        ratio = difflib.SequenceMatcher(None, key, cand).ratio()
        if ratio >= cutoff:
            prefix = len(os.path.commonprefix([key, cand]))
            scored.append((-ratio, -prefix, cand))
    return [c for *_, c in sorted(scored)[:n]]


def _describe(code: str) -> str:
    units = prefectures()
    if code.startswith("P"):
        return f"the province {units.loc[units['province_adcode'] == code[1:], 'province'].iloc[0]}"
    return f"{code} {units.loc[code, 'name']}"


def to_adcode(unit) -> str:
    """The canonical adcode of one unit given as adcode (str/int/float), name or English name.

    Raises ``KeyError`` for an unknown unit (with close candidates) and
    ``ValueError`` for an ambiguous one (e.g. ``'Taizhou'``: 台州 and 泰州).
    """
    match = _CODE_RE.match(str(unit).strip())
    key = match.group(1) if match else normalise(unit)
    found = _index().get(key)
    if found and all(c.startswith("P") for c in found):
        raise KeyError(f"{unit!r} is a province, not a prefecture-level unit")
    if not found:
        close = nearest(key, _index().keys())
        hint = f"; close matches: {', '.join(close)}" if close else ""
        raise KeyError(f"unknown prefecture-level unit {unit!r}{hint}")
    if len(found) > 1:
        listing = ", ".join(_describe(c) for c in sorted(found))
        raise ValueError(f"{unit!r} is ambiguous: {listing}; pass the adcode")
    return next(iter(found))
