"""Name and code resolution: statistical-table names → canonical adcodes, with a report.

Every input gets a status:

* ``exact``: the official full name (广州市) or the canonical adcode;
* ``alias``: another current form of the same unit: short name (广州), English
  or pinyin name (Guangzhou, Xi'an, Macau), short autonomous-prefecture form
  (延边州), the province-level code of a municipality (110000), a former
  地区/盟 form of a unit that is now a 市 (毕节地区), or ``<city>市区`` (values of
  the urban districts only: said in the note);
* ``historical``: a former name or code.  Renamed units (襄樊 → 襄阳) get the
  current adcode; dissolved or merged units (巢湖 2011, 莱芜 2019) get **no**
  adcode, and the note says what became of them;
* ``ambiguous``: several units (Taizhou: 台州, 泰州) or a unit and a province
  (海南, 吉林);
* ``unmatched``: everything else, with the reason (a county-level unit and its
  prefecture, a province, a subtotal row, or the nearest candidates).
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from geolink._paths import bundled
from geolink._shortname import short_name
from geolink.boundaries import prefectures

# Traditional → simplified for characters that occur in unit names (HK/MO and others).
_TRAD = str.maketrans(
    "門別區灣臺東廣縣陽雲龍烏魯齊蘭寧遼濟鄭莊漢華濱嶺鄂爾瀋寶雞陝貴遵義慶邊",
    "门别区湾台东广县阳云龙乌鲁齐兰宁辽济郑庄汉华滨岭鄂尔沈宝鸡陕贵遵义庆边",
)
_CODE_RE = re.compile(r"^(\d{6})(\.0+)?$")
_ASCII_SUFFIX = re.compile(r"(city|shi|prefecture|league|specialadministrativeregion|sar)$")
#: Row labels of yearbook subtotals (not units).
SUBTOTALS = frozenset(
    {
        "全国",
        "全国合计",
        "全国总计",
        "中国",
        "全省",
        "全区",
        "全市",
        "合计",
        "总计",
        "市辖区",
        "县",
        "其中",
        "地区合计",
    }
)
STATUSES = ("exact", "alias", "historical", "ambiguous", "unmatched")


def normalise(text) -> str:
    """Canonical form of a name for matching.

    NFKC (full-width → half-width), all white space removed (incl. U+3000),
    traditional → simplified for the characters in ``_TRAD``; Latin text is
    lower-cased, apostrophes, hyphens and dots dropped, and a trailing
    ``city``/``shi``/``prefecture``/``SAR`` removed (Guangzhou Shi → guangzhou).
    """
    s = unicodedata.normalize("NFKC", str(text)).translate(_TRAD)
    s = re.sub(r"\s+", "", s)
    if s.isascii():
        s = re.sub(r"['’\-_.,]", "", s.lower())
        s = _ASCII_SUFFIX.sub("", s) or s
    return s


@functools.cache
def aliases() -> pd.DataFrame:
    """The bundled alias table (``boundaries/city_aliases.csv``)."""
    return pd.read_csv(bundled("boundaries") / "city_aliases.csv", dtype=str, keep_default_na=False)


@functools.cache
def counties() -> pd.DataFrame:
    """County-level units (code, name, parent prefecture) of the boundary source."""
    return pd.read_csv(bundled("boundaries") / "counties.csv", dtype=str)


def _add(index: dict, key: str, **entry) -> None:
    bucket = index.setdefault(key, [])
    if entry not in bucket:
        bucket.append(entry)


@functools.cache
def _index() -> dict[str, list[dict]]:
    """normalised key → candidate entries {kind, adcode, status, note}."""
    units = prefectures()
    index: dict[str, list[dict]] = {}
    for u in units.itertuples():
        _add(index, u.adcode, kind="unit", adcode=u.adcode, status="exact", note="")
        _add(index, normalise(u.name), kind="unit", adcode=u.adcode, status="exact", note="")
        _add(index, normalise(u.name_short), kind="unit", adcode=u.adcode, status="alias", note="short name")
        _add(index, normalise(u.name_en), kind="unit", adcode=u.adcode, status="alias", note="English name")
        if u.level == "autonomous_prefecture":
            _add(
                index, u.name_short + "州", kind="unit", adcode=u.adcode, status="alias", note="short form 州"
            )
        if u.level in ("prefecture_city", "municipality"):
            _add(
                index,
                u.name + "区",
                kind="unit",
                adcode=u.adcode,
                status="alias",
                note="市区: urban districts only — values may not cover the whole prefecture",
            )
        for former in ("地区", "盟"):
            if u.level == "prefecture_city" and u.adcode[2:4] != "90":
                _add(
                    index,
                    u.name_short + former,
                    kind="unit",
                    adcode=u.adcode,
                    status="alias",
                    note=f"former {former} form of {u.name}",
                )
    unit_names = set(units["name"])
    for code, province in units[["province_adcode", "province"]].drop_duplicates().itertuples(index=False):
        if province not in unit_names:  # municipalities and SARs are units themselves
            for key in (province, short_name(province)):
                _add(index, normalise(key), kind="province", adcode=code, status="unmatched", note=province)
    for a in aliases().itertuples():
        if a.kind in ("county_before", "county_after"):
            continue  # year-dependent meaning of a name: see _dated()
        status = "alias" if a.kind in ("code", "name") else "historical"
        note = (
            a.note if a.kind != "merged" and a.kind != "dissolved" else f"{a.note} (successor: {a.successor})"
        )
        keys = {normalise(a.alias)}
        if not _CODE_RE.match(a.alias):
            keys.add(normalise(short_name(a.alias)))
        for key in keys:
            _add(index, key, kind="alias", adcode=a.adcode or None, status=status, note=note)
    for c in counties().itertuples():
        parent = f"county-level unit {c.name} ({c.adcode}) of {c.prefecture} ({c.prefecture_adcode})"
        for key in {c.adcode, normalise(c.name), normalise(short_name(c.name))}:
            _add(index, key, kind="county", adcode=c.adcode, status="unmatched", note=parent)
    return index


@functools.cache
def _dated() -> dict[str, list]:
    """normalised name → alias rows whose meaning depends on the table year."""
    dated: dict[str, list] = {}
    for a in aliases().itertuples():
        if a.kind in ("county_before", "county_after"):
            dated.setdefault(normalise(a.alias), []).append(a)
    return dated


def nearest(key: str, candidates: Iterable[str], n: int = 5, cutoff: float = 0.5) -> list[str]:
    """Up to ``n`` candidates most similar to ``key`` (difflib ratio, ties broken by common prefix).

    Only candidates sharing a character with ``key`` (ignoring 市/区/县/州) are scored.
    """
    chars = set(key) - set("市区县州地盟")
    scored = []
    for cand in candidates:
        if chars.isdisjoint(cand):
            continue
        ratio = difflib.SequenceMatcher(None, key, cand).ratio()
        if ratio >= cutoff:
            scored.append((-ratio, -len(os.path.commonprefix([key, cand])), cand))
    return [c for *_, c in sorted(scored)[:n]]


@functools.cache
def _lookups() -> tuple[dict, dict, dict]:
    """adcode → name; province code → province name; municipality code → name."""
    units = prefectures()
    names = dict(zip(units["adcode"], units["name"], strict=True))
    provinces = dict(zip(units["province_adcode"], units["province"], strict=True))
    municipal = {
        c: n
        for c, n, lv in zip(units["adcode"], units["name"], units["level"], strict=True)
        if lv == "municipality"
    }
    return names, provinces, municipal


@functools.cache
def _unit_keys() -> tuple[str, ...]:
    units = prefectures()
    return tuple(dict.fromkeys(list(units["name"]) + list(units["name_short"]) + list(units["name_en"])))


def _describe(entry: dict) -> str:
    if entry["kind"] == "province":
        return f"the province {entry['note']}"
    return f"{entry['adcode']} {_lookups()[0][entry['adcode']]}"


def _resolve_one(raw, year: int | None, suggest: bool = True) -> dict:
    out = {"input": raw, "adcode": None, "name": None, "status": "unmatched", "note": "", "subtotal": False}
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or not str(raw).strip():
        out["note"] = "empty"
        return out
    match = _CODE_RE.match(str(raw).strip())
    key = match.group(1) if match else normalise(raw)
    if key in SUBTOTALS:
        out.update(note=f"subtotal row ({key})", subtotal=True)
        return out
    for a in _dated().get(key, ()):
        # 毕节市 in a 2010 table is the county-level city, not today's prefecture
        if a.kind == "county_before" and year is not None and year < int(a.year):
            out["note"] = a.note
            return out
    entries = _index().get(key)
    if not entries and not match:
        stripped = re.sub(r"(市辖区|地区|自治州|州|盟|市)$", "", key)
        entries = _index().get(stripped) if stripped != key else None
        if entries:
            entries = [{**e, "status": "alias" if e["status"] == "exact" else e["status"]} for e in entries]
    if not entries:
        names, provinces, municipal = _lookups()
        if match and key in provinces:
            out.update(note=f"province total ({provinces[key]})", subtotal=True)
        elif match and key[4:] == "00" and key[:2] + "0100" in municipal:
            out.update(
                note=f"subtotal of part of {municipal[key[:2] + '0100']} (e.g. its counties, 县)",
                subtotal=True,
            )
        elif match and key[4:] != "00":
            parent = key[:4] + "00"
            where = f" under {parent} {names[parent]}" if parent in names else ""
            out["note"] = f"county-level code not in the current county list{where}"
        else:
            close = nearest(key, _unit_keys()) if suggest and len(key) <= 40 else []
            out["note"] = f"no such unit; nearest: {', '.join(close)}" if close else "no such unit"
        return out
    units = [e for e in entries if e["kind"] in ("unit", "alias")]
    provinces = [e for e in entries if e["kind"] == "province"]
    distinct = {e["adcode"] for e in units}
    if len(distinct) > 1 or (units and provinces):
        listing = ", ".join(_describe(e) for e in [*units, *provinces] if e["adcode"])
        out.update(status="ambiguous", note=f"could be {listing}")
        return out
    if units:
        best = min(units, key=lambda e: STATUSES.index(e["status"]))
        code = best["adcode"]
        out.update(status=best["status"], note=best["note"], adcode=code)
        if code:
            out["name"] = _lookups()[0][code]
        if year is not None and best["status"] == "historical":
            out["note"] += f" (table year {year})"
        if year is None:
            dated = [a.note for a in _dated().get(key, ()) if a.kind == "county_before"]
            out["note"] = "; ".join(
                filter(None, [out["note"], *dated, "pass year= to decide" if dated else ""])
            )
        return out
    if provinces:
        out.update(note=f"a province ({provinces[0]['note']}), not a prefecture-level unit", subtotal=True)
        return out
    out["note"] = "; ".join(e["note"] for e in entries[:3])
    return out


def resolve_names(names: Iterable, year: int | None = None, suggest: bool = True) -> pd.DataFrame:
    """Resolve names or codes of prefecture-level units to adcodes, with a report.

    Parameters
    ----------
    names : names (any script or spelling, see the module docstring) or
        6-digit codes as text, int or float (``110100.0``).
    year : the table's year, quoted in the notes of historical names.
    suggest : list the nearest unit names in the note of unmatched inputs.

    Returns
    -------
    DataFrame with one row per input, in input order: ``input``, ``adcode``
    (None unless the status is exact, alias or a rename), ``name`` (matched
    official name), ``status`` (one of ``STATUSES``), ``note`` and
    ``subtotal`` (True for rows like 全国, 合计, 市辖区 or a province).
    """
    values = list(names)
    cache: dict = {}
    rows = []
    for v in values:
        k = (type(v), v) if not (isinstance(v, float) and np.isnan(v)) else "nan"
        if k not in cache:
            cache[k] = _resolve_one(v, year, suggest)
        rows.append({**cache[k], "input": v})
    return pd.DataFrame(rows, columns=["input", "adcode", "name", "status", "note", "subtotal"])


def to_adcode(unit) -> str:
    """The canonical adcode of one unit given as adcode (str/int/float), name or English name.

    Raises ``ValueError`` for an ambiguous name (e.g. ``'Taizhou'``: 台州 and
    泰州) and ``KeyError`` for anything else that does not denote one current
    unit (with the reason: unknown, a province, a county, a dissolved unit).
    """
    r = _resolve_one(unit, None)
    if r["status"] == "ambiguous":
        raise ValueError(f"{unit!r} is ambiguous: {r['note']}; pass the adcode")
    if r["adcode"] is None:
        raise KeyError(f"{unit!r} is not a current prefecture-level unit: {r['note']}")
    return r["adcode"]
