"""Name and code resolution: statistical-table names → canonical adcodes, with a report.

Every input gets a status:

* ``exact``: the official full name (广州市) or the canonical adcode;
* ``alias``: another current form of the same unit: short name (广州), English
  or pinyin name (Guangzhou, Xi'an, Macau), short autonomous-prefecture form
  (延边州), the province-level code of a municipality (110000), or the urban
  districts of a prefecture (``广州市区``, ``广州市市辖区``: flagged ``part=True``,
  their values do not cover the whole prefecture);
* ``historical``: a name or code of a prefecture-level unit of 1990–2024 that
  no longer exists in that form (the bundled division history, derived from the
  Ministry of Civil Affairs' code tables).  When its territory went to one of
  today's units (a rename such as 襄樊 → 襄阳 2010, a 地区 → 市 with a new code
  such as 酒泉地区 622100 → 620900, an absorption such as 莱芜 → 济南) that unit's
  adcode is given; a unit whose county-level units went to several of today's
  units (巢湖 2011, 南宁地区 2002) gets **no** adcode, and ``successors`` lists
  them with their shares of its counties;
* ``ambiguous``: several units (Taizhou: 台州, 泰州), a unit and a province
  (海南, 吉林), or — without ``year=`` — a name or code that meant different
  units in different years (511400: 涪陵市 1995–1996, 眉山市 since 2000);
* ``unmatched``: everything else, with the reason (a county-level unit and its
  prefecture, a province, a subtotal row, a malformed code, or the nearest
  candidates).
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import os
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from geolink import _history as hist
from geolink._paths import bundled
from geolink._shortname import short_name
from geolink.boundaries import prefectures

# Traditional → simplified for characters that occur in unit names (HK/MO and others).
_TRAD = str.maketrans(
    "門別區灣臺東廣縣陽雲龍烏魯齊蘭寧遼濟鄭莊漢華濱嶺鄂爾瀋寶雞陝貴遵義慶邊",
    "门别区湾台东广县阳云龙乌鲁齐兰宁辽济郑庄汉华滨岭鄂尔沈宝鸡陕贵遵义庆边",
)
_CODE_RE = re.compile(r"^(\d{6}|\d{12})(\.0+)?$")
_NUMBERISH = re.compile(r"^[\d\s,.\-+_/:;'()]*\d[\d\s,.\-+_/:;'()]*$")
_ASCII_SUFFIX = re.compile(r"(city|shi|prefecture|league|specialadministrativeregion|sar)$")
_MUNICIPAL = {"11": "110100", "12": "120100", "31": "310100", "50": "500100"}
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
COLUMNS = ["input", "adcode", "name", "status", "note", "subtotal", "part", "successors"]
_NOW = 9999  # last year of the entries of today's units
_PART = "urban districts (市辖区) only — a part of the prefecture, values do not cover all of it"


#: footnote marks of yearbook tables around a Chinese name (after NFKC: ① → 1, ² → 2, （1） → (1), ＊ → *)
_FOOTNOTE = re.compile(
    r"(?<=[\u4e00-\u9fff])(?:[*#†‡§△▲☆★※]+|\(\d{1,2}\)|\[\d{1,2}\]|\d{1,2}\)?)$|^[*#†‡§△▲☆★※]+(?=[\u4e00-\u9fff])"
)


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


def name_key(text) -> str:
    """:func:`normalise`, without a yearbook's footnote mark around a Chinese name
    (``深圳市*``, ``深圳市①``, ``深圳市（1）``, ``北京市[1]`` → ``深圳市``/``北京市``).

    Examples
    --------
    >>> from geolink.names import name_key
    >>> name_key("深圳市①"), name_key("＊番禺区"), name_key("Guangzhou Shi")
    ('深圳市', '番禺区', 'guangzhou')
    """
    return _FOOTNOTE.sub("", normalise(text))


def parse_code(value) -> tuple[str | None, str]:
    """(6-digit code, "") for a division code, (None, reason) for a malformed one, (None, "") otherwise.

    A code is 6 digits, or 12 digits (the statistical division code; its county-level part is
    taken when its last 6 digits are zero), given as text, an integer or a float with a zero
    fraction (``440300.0``).  Text made of digits and punctuation that is not such a code
    (``1,101.00``, ``-440300``, ``44-03-00``) is malformed.

    Examples
    --------
    >>> parse_code("440300"), parse_code(440300.0), parse_code("440300000000")
    (('440300', ''), ('440300', ''), ('440300', ''))
    >>> parse_code("广州市")
    (None, '')
    >>> parse_code("44-03-00")[1]
    "not a division code ('44-03-00': codes are 6 or 12 digits, without separators or signs)"
    """
    if isinstance(value, bool | np.bool_):
        return None, ""
    if isinstance(value, numbers.Integral):
        text = str(int(value))
    elif isinstance(value, numbers.Real):
        if not math.isfinite(value) or not float(value).is_integer() or value < 0:
            return None, f"not a division code ({value!r}: codes are 6 or 12 digits)"
        text = str(int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not _NUMBERISH.match(text):
            return None, ""
    match = _CODE_RE.match(text)
    if not match:
        return None, f"not a division code ({text!r}: codes are 6 or 12 digits, without separators or signs)"
    digits = match.group(1)
    if len(digits) == 12:
        if digits[6:] != "000000":
            return (
                None,
                f"a 12-digit code below the county level ({digits}) within county-level code {digits[:6]}",
            )
        digits = digits[:6]
    return digits, ""


@functools.cache
def aliases() -> pd.DataFrame:
    """The bundled alias table (``boundaries/city_aliases.csv``): forms the division history cannot know."""
    return pd.read_csv(bundled("boundaries") / "city_aliases.csv", dtype=str, keep_default_na=False)


@functools.cache
def counties() -> pd.DataFrame:
    """County-level units (code, name, parent prefecture) of the boundary source."""
    return pd.read_csv(bundled("boundaries") / "counties.csv", dtype=str)


def _geolink_code(code: str) -> str:
    return _MUNICIPAL.get(code[:2], code) if code[2:] == "0000" else code


def _span(r) -> str:
    return f"until {r.last}" if r.first <= 1981 else f"{r.first}–{r.last}"


def _add(index: dict, key: str, kind, adcode, status, note, first, last, rec=None, part=False) -> None:
    """Add a candidate to the entries of ``key`` (once)."""
    entry = {
        "kind": kind,
        "adcode": adcode,
        "status": status,
        "note": note,
        "first": first,
        "last": last,
        "rec": rec,
        "part": part,
    }
    bucket = index.setdefault(key, [])
    if entry not in bucket:
        bucket.append(entry)


@functools.cache
def _current_records() -> dict[str, hist.Key]:
    """geolink adcode → (code, first) of its record in the history (today's record)."""
    return {
        _geolink_code(r.code): (r.code, r.first) for r in hist.unit_rows() if r.unit and r.last == hist.LAST
    }


def _short_allowed() -> set[hist.Key]:
    """Historical units whose short name no other prefecture-level unit of the same years had.

    南宁地区 and 南宁市 coexisted until 2001: "南宁" is 南宁市, never 南宁地区.
    """
    spans: dict[str, list] = {}
    for r in hist.unit_rows():
        if r.unit:
            spans.setdefault(short_name(r.name), []).append(
                (max(r.first, hist.FIRST), r.last, (r.code, r.first))
            )
    allowed = set()
    for periods in spans.values():
        for a, b, key in periods:
            if not any(k != key and a2 <= b and a <= b2 for a2, b2, k in periods):
                allowed.add(key)
    return allowed


@functools.cache
def _index() -> dict[str, list[dict]]:
    """normalised key → candidate entries {kind, adcode, status, note, first, last, rec, part}."""
    units = prefectures()
    current = _current_records()
    index: dict[str, list[dict]] = {}

    def unit(key, adcode, status, note="", part=False, first=None):
        first = current.get(adcode, ("", 0))[1] if first is None else first
        _add(index, key, "unit", adcode, status, note, first, _NOW, current.get(adcode), part)

    for u in units.itertuples():
        unit(u.adcode, u.adcode, "exact")
        unit(normalise(u.name), u.adcode, "exact")
        unit(normalise(u.name_short), u.adcode, "alias", "short name")
        unit(normalise(u.name_en), u.adcode, "alias", "English name")
        if u.level == "autonomous_prefecture":
            unit(u.name_short + "州", u.adcode, "alias", "short form 州")
        if u.level in ("prefecture_city", "municipality"):
            for form in (u.name + "区", u.name + "市辖区", u.name_short + "市辖区"):
                unit(form, u.adcode, "alias", f"{form}: {_PART}", part=True)
    unit_names = set(units["name"])
    for code, province in units[["province_adcode", "province"]].drop_duplicates().itertuples(index=False):
        if province not in unit_names:  # municipalities and SARs are units themselves
            for key in (province, short_name(province)):
                _add(index, normalise(key), "province", code, "unmatched", province, 0, _NOW)
    for a in aliases().itertuples():
        keys = {normalise(a.alias)}
        if not _CODE_RE.match(a.alias):
            keys.add(normalise(short_name(a.alias)))
        for key in keys:
            unit(key, a.adcode, "alias", a.note, first=0)

    shorts = _short_allowed()
    names = unit_lookups()[0]
    for r in hist.unit_rows():
        rkey = (r.code, r.first)
        if r.unit and r.last == hist.LAST and _geolink_code(r.code) not in names:
            note = (
                f"{r.name} ({r.code}, since {r.first}) is a county-level city administered by its province, "
                "not one of geolink's units (the boundary source has no polygon for it)"
            )
            for key in (r.code, normalise(r.name)):
                _add(index, key, "county", None, "unmatched", note, r.first, _NOW, rkey)
        elif r.unit and r.last < hist.LAST:
            keys = {r.code, normalise(r.name)}
            if rkey in shorts:
                keys.add(normalise(short_name(r.name)))
            for key in keys:
                _add(index, key, "hist", None, "historical", "", r.first, r.last, rkey)
        elif not r.unit and r.kind == "county" and r.last < hist.LAST:
            for key in (r.code, normalise(r.name)):  # note written when asked for: _note()
                _add(index, key, "county", None, "unmatched", "", r.first, r.last, rkey)
    for c in counties().itertuples():
        rec = hist.record_at(c.adcode, hist.LAST)
        first = rec.first if rec is not None else 0
        parent = f"county-level unit {c.name} ({c.adcode}) of {c.prefecture} ({c.prefecture_adcode})"
        for key in {c.adcode, normalise(c.name), normalise(short_name(c.name))}:
            _add(index, key, "county", c.adcode, "unmatched", parent, first, _NOW)
    return index


def _note(entry: dict) -> str:
    """The note of an entry (those of former county-level units are written on demand)."""
    return entry["note"] or (_county_note(entry["rec"]) if entry["kind"] == "county" and entry["rec"] else "")


@functools.cache
def _county_note(key: hist.Key) -> str:
    """What a former county-level record was and what it is today."""
    r = hist.records()[key]
    names = unit_lookups()[0]
    parent = hist.record_at(r.prefecture, r.last) if r.prefecture else None
    where = f" of {parent.name} ({parent.code})" if parent is not None else ""
    today = {}
    for to, adcode, _ in hist.county_links()[(r.code, r.first)]:
        today.setdefault(adcode, []).extend([hist.name_at(to, hist.LAST)] if to != adcode else [])
    now = "; ".join(
        f"{'、'.join(v)} of {names.get(a, a)} ({a})" if v else f"part of {names.get(a, a)} ({a})"
        for a, v in today.items()
    )
    return f"county-level unit {r.name} ({r.code}){where} ({_span(r)}); today {now}"


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
def unit_lookups() -> tuple[dict, dict, dict]:
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


def _unit_name(adcode: str) -> str:
    return unit_lookups()[0].get(adcode) or hist.name_at(adcode, hist.LAST)


def _num(x: float) -> str:
    return f"{x:g}"


def _successors_text(succ) -> str:
    return ";".join(f"{a}:{round(s, 4):g}" for a, _, s in succ)


def _outcome(entry: dict, year: int | None):
    """What an entry resolves to: an adcode, or the successors of a split unit."""
    if entry["kind"] != "hist":
        return entry["adcode"]
    succ = hist.successors_at(entry["rec"], year)
    return succ[0][0] if len(succ) == 1 else tuple(a for a, _, _ in succ)


def _history_note(entry: dict, year: int | None) -> str:
    """What became of a historical unit: renamed / became / merged into / dissolved, and when."""
    r = hist.records()[entry["rec"]]
    succ = hist.successors_at(entry["rec"], year)
    end = r.last + 1
    head = f"{r.name} ({r.code}, {_span(r)})"
    became = r.became.split()
    if len(became) == 1:
        code = became[0]
        nxt = hist.record_at(code, end)
        if code == r.code:
            what = f"renamed {nxt.name} in {end}"
        elif nxt.first == end:
            what = f"became {nxt.name} ({_geolink_code(code)}) in {end}"
        else:
            what = f"merged into {nxt.name} ({_geolink_code(code)}) in {end}"
        if len(succ) == 1 and succ[0][0] == _geolink_code(code):
            return f"{head} {what}"
        head = f"{head} {what};"
    else:
        listing = ", ".join(f"{hist.name_at(c, end)} ({_geolink_code(c)})" for c in became)
        head = f"{head} was dissolved in {end} (to {listing});"
    total = sum(n for _, n, _ in succ)
    when = f" of {year}" if year is not None and year <= r.last else ""
    if len(succ) == 1:
        return f"{head} its territory is now in {_unit_name(succ[0][0])} ({succ[0][0]})"
    parts = ", ".join(f"{_unit_name(a)} ({a}) {_num(n)} of {_num(total)}" for a, n, _ in succ)
    return f"{head} its county-level units{when} are now in {parts}"


def _describe(entry: dict, since: bool = False) -> str:
    if entry["kind"] == "province":
        return f"the province {entry['note']}"
    if entry["kind"] == "hist":
        r = hist.records()[entry["rec"]]
        succ = hist.successors_at(entry["rec"], None)
        now = ", ".join(f"{_unit_name(a)} {a}" for a, _, _ in succ)
        return f"{r.code} {r.name} ({_span(r)}; now {now})"
    text = f"{entry['adcode']} {unit_lookups()[0][entry['adcode']]}"
    return f"{text} since {entry['first']}" if since and entry["first"] > 1981 else text


def _pick(units: list[dict], year: int | None, out: dict) -> dict:
    """Resolve among prefecture-level candidates (current forms and historical units)."""
    current_codes = {e["adcode"] for e in units if e["kind"] == "unit"}
    predecessors = []
    if year is None and len(current_codes) == 1:
        # a former form of the same unit (荆沙市 1994–1995, now 荆州市 and part of 荆门市) is no rival
        (code,) = current_codes
        predecessors = [
            e
            for e in units
            if e["kind"] == "hist" and code in {a for a, _, _ in hist.successors_at(e["rec"], None)}
        ]
        units = [e for e in units if e not in predecessors]
    outcomes = {_outcome(e, year) for e in units}
    if len(outcomes) > 1:
        listing = ", ".join(dict.fromkeys(_describe(e) for e in units))
        hint = "" if year is not None else "; pass year= to decide"
        return {**out, "status": "ambiguous", "note": f"could be {listing}{hint}"}
    current = [e for e in units if e["kind"] == "unit"]
    if current:
        best = min(current, key=lambda e: STATUSES.index(e["status"]))
        out.update(
            status=best["status"],
            note=best["note"],
            adcode=best["adcode"],
            part=best["part"],
            name=unit_lookups()[0][best["adcode"]],
            _rec=best["rec"],
        )
        if year is not None and best["rec"] is not None:
            succ = hist.successors_at(best["rec"], year)
            if len(succ) > 1 and hist.records()[best["rec"]].first <= year:
                # split since: today's polygon is not the unit of that year (its values are shared
                # among the successors by geolink.harmonise)
                total = sum(n for _, n, _ in succ)
                parts = ", ".join(f"{_unit_name(a)} ({a}) {_num(n)} of {_num(total)}" for a, n, _ in succ)
                split = (
                    f"{out['name']} ({best['adcode']}) of {year} has been split since: its county-level units "
                    f"of {year} are now in {parts}; geolink.harmonise shares its values among them"
                )
                out.update(status="historical", adcode=None, name=None, part=False,
                           note="; ".join(filter(None, [out["note"], split])), successors=_successors_text(succ))
        if predecessors:
            former = ", ".join(dict.fromkeys(_describe(e) for e in predecessors))
            out["note"] = "; ".join(
                filter(None, [out["note"], f"formerly also {former}: pass year= for those years"])
            )
        return out
    latest = max(units, key=lambda e: e["last"])
    succ = hist.successors_at(latest["rec"], year)
    out.update(
        status="historical",
        note=_history_note(latest, year),
        successors=_successors_text(succ),
        _rec=latest["rec"],
    )
    if len(succ) == 1:
        out.update(adcode=succ[0][0], name=unit_lookups()[0].get(succ[0][0]))
    return out


def _valid(entries: list[dict], year: int) -> list[dict]:
    return [e for e in entries if e["first"] <= year <= e["last"]]


def resolve_one(raw, year: int | None, suggest: bool = True) -> dict:
    """Resolution of one name or code as a dict (the row :func:`resolve_names` returns, plus ``_rec``,
    the key of its division-history record, used by :func:`geolink.harmonise`).

    Examples
    --------
    >>> from geolink.names import resolve_one
    >>> r = resolve_one("襄樊", 2005)
    >>> r["adcode"], r["status"]
    ('420600', 'historical')
    """
    out = {
        "input": raw,
        "adcode": None,
        "name": None,
        "status": "unmatched",
        "note": "",
        "subtotal": False,
        "part": False,
        "successors": "",
        "_rec": None,  # the history record chosen (used by geolink.history)
    }
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or not str(raw).strip():
        out["note"] = "empty"
        return out
    code, problem = parse_code(raw)
    if problem:
        out["note"] = problem
        return out
    key = code or normalise(raw)
    bare = None if code else _FOOTNOTE.sub("", key)  # name_key
    if bare and bare != key:  # 深圳市* / 深圳市① / 深圳市（1）: a yearbook's footnote mark, not part of the name
        res = resolve_one(bare, year, suggest)
        mark = key[len(bare):] if key.startswith(bare) else key[: len(key) - len(bare)]
        status = "alias" if res["status"] == "exact" else res["status"]
        note = "; ".join(filter(None, [f"footnote mark {mark!r} removed", res["note"]]))
        return {**res, "input": raw, "status": status, "note": note}
    if key in SUBTOTALS:
        out.update(note=f"subtotal row ({key})", subtotal=True)
        return out
    entries = _index().get(key)
    if not entries and not code:
        stripped = re.sub(r"(市辖区|地区|自治州|州|盟|市)$", "", key)
        entries = _index().get(stripped) if stripped != key else None
        if entries:
            entries = [{**e, "status": "alias" if e["status"] == "exact" else e["status"]} for e in entries]
    if not entries:
        return _unknown(out, key, code, suggest)
    pref = [e for e in entries if e["kind"] in ("unit", "hist")]
    county = [e for e in entries if e["kind"] == "county"]
    provinces = [e for e in entries if e["kind"] == "province"]
    if year is None and county:
        # 西沙群岛 was a county-level unit of 三沙市 2012–2019; as a former province-administered
        # county-level unit (469031, until 2011) it is a candidate only for the years it existed
        pref = [e for e in pref if e["kind"] != "hist" or hist.records()[e["rec"]].kind != "direct"]
    if year is not None:
        if _valid(pref, year):
            pref = _valid(pref, year)
        elif _valid(county, year):
            out["note"] = _note(_valid(county, year)[0]) + f" (in {year})"
            return out
        elif pref:
            spans = ", ".join(dict.fromkeys(_describe(e, since=True) for e in pref))
            out["note"] = f"not in use in {year} ({spans})"
    if pref and provinces:
        listing = ", ".join(_describe(e) for e in [*pref, *provinces])
        return {**out, "status": "ambiguous", "note": f"could be {listing}"}
    if pref:
        fallback = out["note"]
        out = _pick(pref, year, out)
        if fallback and out["status"] != "ambiguous":
            out["note"] = "; ".join(filter(None, [out["note"], fallback]))
        if year is None:
            former = [_note(e) for e in county if e["last"] < _NOW or e["first"] > hist.FIRST]
            if former:
                out["note"] = "; ".join(filter(None, [out["note"], *former[:2], "pass year= to decide"]))
        return out
    if provinces:
        out.update(note=f"a province ({provinces[0]['note']}), not a prefecture-level unit", subtotal=True)
        return out
    notes = list(dict.fromkeys(_note(e) for e in county))
    more = f"; {len(notes) - 3} more of that name" if len(notes) > 3 else ""
    out["note"] = "; ".join(notes[:3]) + more
    return out


def _unknown(out: dict, key: str, code: str | None, suggest: bool) -> dict:
    names, provinces, municipal = unit_lookups()
    if code and key in provinces:
        out.update(note=f"province total ({provinces[key]})", subtotal=True)
    elif code and key[4:] == "00" and key[:2] + "0100" in municipal:
        out.update(
            note=f"subtotal of part of {municipal[key[:2] + '0100']} (e.g. its counties, 县)", subtotal=True
        )
    elif code and key[4:] != "00":
        parent = key[:4] + "00"
        where = f" under {parent} {names[parent]}" if parent in names else ""
        out["note"] = f"county-level code not in the current county list{where}"
    elif code:
        out["note"] = "no such code in the division history 1990–2024"
    else:
        close = nearest(key, _unit_keys()) if suggest and len(key) <= 40 else []
        out["note"] = f"no such unit; nearest: {', '.join(close)}" if close else "no such unit"
    return out


def check_year(year) -> int | None:
    """``year`` as an int (None stays None); ``ValueError`` for anything but a whole year from 1990 on.

    The division history begins in 1990; a year after its last one takes today's units.

    Examples
    --------
    >>> from geolink.names import check_year
    >>> check_year(2020), check_year(2020.0), check_year(None)
    (2020, 2020, None)
    """
    if year is None:
        return None
    whole = isinstance(year, (int, np.integer)) and not isinstance(year, bool)
    if not whole and isinstance(year, (float, np.floating)) and float(year).is_integer():
        whole = True
    if not whole:
        raise ValueError(f"year must be a whole number such as 2020, got {year!r}")
    if int(year) < hist.FIRST:
        raise ValueError(
            f"year={int(year)} is before the division history, which covers {hist.FIRST}–{hist.LAST} "
            "(later years take today's units)"
        )
    return int(year)


def resolve_names(names, *, year: int | None = None, suggest: bool = True) -> pd.DataFrame:
    """Resolve names or codes of prefecture-level units to today's adcodes, with a report.

    Parameters
    ----------
    names : str, int, float or iterable of them
        Names (any script or spelling, former names included, see the module docstring) or
        division codes (6 or 12 digits, as text, int or float with a zero fraction such as
        ``110100.0``).  A single string is one name.
    year : int, optional
        The year in which the names and codes are valid (as of 31 December).  Decides what a
        reused name or code meant (511400 in 1996 is 涪陵市, now part of 重庆市; in 2005 眉山市)
        and whether a unit had already been split.  Without it, a name or code that meant
        different units in different years is ``ambiguous``.
    suggest : bool, default True
        List the nearest unit names in the note of unmatched inputs.

    Returns
    -------
    DataFrame
        One row per input, in input order: ``input``, ``adcode`` (today's unit; None when the
        input is not one unit or its territory went to several), ``name`` (that unit's
        official name), ``status`` (one of ``STATUSES``), ``note``, ``subtotal`` (True for rows
        like 全国, 合计, 市辖区 or a province), ``part`` (True for the urban districts of a
        prefecture, e.g. 广州市区) and ``successors`` (``adcode:share;…``: today's units of
        a historical unit with the share of its county-level units that went to each).

    Examples
    --------
    >>> r = resolve_names(["襄樊市", "622100", "南宁地区", "广州市区"], year=2001)
    >>> r["adcode"].fillna("-").tolist()
    ['420600', '620900', '-', '440100']
    >>> r["status"].tolist()
    ['historical', 'historical', 'historical', 'alias']
    >>> r["part"].tolist()
    [False, False, False, True]
    >>> r.loc[2, "successors"]
    '450100:0.4167;451400:0.5833'
    >>> resolve_names("511400").loc[0, "status"]
    'ambiguous'
    >>> resolve_names("511400", year=1996).loc[0, "adcode"]
    '500100'
    """
    year = check_year(year)
    values = [names] if isinstance(names, str | bytes | numbers.Number) or names is None else list(names)
    cache: dict = {}
    rows = []
    for v in values:
        k = (type(v), v) if not (isinstance(v, float) and np.isnan(v)) else "nan"
        if k not in cache:
            cache[k] = resolve_one(v, year, suggest)
        rows.append({**cache[k], "input": v})
    return pd.DataFrame(rows, columns=COLUMNS)


def to_adcode(unit, *, year: int | None = None) -> str:
    """The adcode of today's unit that one name or code (of ``year``) denotes.

    Parameters
    ----------
    unit : str, int or float
        An adcode, name, short, English or former name (see :func:`resolve_names`).
    year : int, optional
        The year in which ``unit`` is valid.

    Returns
    -------
    str
        The 6-digit adcode.

    Raises
    ------
    ValueError
        For an ambiguous name (``'Taizhou'``: 台州 and 泰州).
    KeyError
        For anything that does not denote one of today's units, with the reason (unknown, a
        province, a county, a unit split among several).

    Examples
    --------
    >>> to_adcode("Guangzhou"), to_adcode("思茅市", year=2005), to_adcode(152100)
    ('440100', '530800', '150700')
    """
    r = resolve_one(unit, check_year(year))
    if r["status"] == "ambiguous":
        raise ValueError(f"{unit!r} is ambiguous: {r['note']}; pass the adcode or year=")
    if r["adcode"] is None:
        raise KeyError(f"{unit!r} is not a current prefecture-level unit: {r['note']}")
    return r["adcode"]
