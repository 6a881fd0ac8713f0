"""Derive the division history 1990–2024 (boundaries/history/) from the areacodes data set.

Usage: python boundaries/build_history.py [path/to/areacodes]   (default ../shared/data/areacodes)

Source: yescallop/areacodes (commit eed219a, CC0 1.0): ``result.csv`` (one row per code/name
record with its first year, its change year and the codes its territory went to) checked
against the yearly tables ``data/YYYY.txt``.  Writes three tables (see boundaries/history/README.md):

* ``units.csv``: every record in use in some year 1990–2024 (code, name, kind, parent
  prefecture, first and last year);
* ``links.csv``: each county-level record (and each prefecture-level record without
  county-level children) followed forward to today's county-level records and their
  geolink unit, with the fraction of the record that went there;
* ``successors.csv``: each prefecture-level record, per run of years with the same result,
  the geolink unit(s) its county-level units went to and the share of its counties.
"""

from __future__ import annotations

import csv
import functools
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

FIRST, LAST = 1990, 2024
MUNICIPALITIES = ("11", "12", "31", "50")
OUT = Path(__file__).resolve().parent / "history"


@dataclass(frozen=True)
class Record:
    code: str
    name: str
    level: str  # 省级 / 地级 / 县级
    first: int
    end: int | None  # change year (exclusive); None: in use
    new: tuple[str, ...]  # codes the whole record went to at `end` (partial transfers dropped)

    @property
    def last(self) -> int:
        return LAST if self.end is None else self.end - 1

    def valid(self, year: int) -> bool:
        return self.first <= year <= self.last


def kind_of(r: Record) -> str:
    if r.level == "省级":
        if r.code[:2] in MUNICIPALITIES:
            return "municipality"
        return "sar" if r.code[:2] in ("81", "82") else "province"
    if r.level == "地级":
        return "prefecture"
    return "direct" if r.code[2:4] == "90" else "county"


def is_unit(r: Record) -> bool:
    """A prefecture-level unit in geolink's sense (municipalities, SARs, Taiwan, xx90xx included)."""
    return kind_of(r) in ("municipality", "sar", "prefecture", "direct") or r.code == "710000"


def read_records(src: Path) -> list[Record]:
    records = []
    with open(src / "result.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            end = int(row["变更/弃用时间"]) if row["变更/弃用时间"] else None
            # "code[YYYY]" entries are parts moved in year YYYY; the record itself continues
            new = tuple(c for c in row["新代码"].split(";") if c and "[" not in c)
            records.append(Record(row["代码"], row["名称"], row["级别"], int(row["启用时间"]), end, new))
    return records


class History:
    def __init__(self, records: list[Record]):
        self.records = [r for r in records if r.last >= FIRST and r.first <= LAST]
        self.by_code: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            self.by_code[r.code].append(r)
        self.children: dict[str, list[Record]] = defaultdict(list)  # unit code → county records
        for r in records:
            if r.level == "县级" and r.code[2:4] != "90":
                self.children[self.parent_key(r.code)].append(r)

    @staticmethod
    def parent_key(code: str) -> str:
        return code[:2] + "0000" if code[:2] in MUNICIPALITIES else code[:4] + "00"

    def at(self, code: str, year: int) -> Record:
        """The record holding `code` in `year` (or the next one to hold it)."""
        holders = sorted((r for r in self.by_code[code] if r.last >= year), key=lambda r: r.first)
        if not holders:
            raise LookupError(f"no record with code {code} in or after {year}")
        return holders[0]

    @functools.cache  # noqa: B019 (one History per build)
    def forward(self, r: Record) -> tuple[tuple[Record, float], ...]:
        """Today's records the territory of `r` went to, with fractions summing to 1.

        A record that went to several codes goes whole to the one with its own name when there
        is one (和县 2011: 和县 of 马鞍山, one town to 芜湖's 鸠江区), else in equal parts.
        """
        if r.end is None:
            return ((r, 1.0),)
        targets = [self.at(c, r.end) for c in r.new]
        if not targets:
            raise LookupError(f"{r.code} {r.name} ended in {r.end} without new codes")
        same = [t for t in targets if t.name == r.name]
        if same:
            targets = same[:1]
        out: dict[Record, float] = defaultdict(float)
        for t in targets:
            for leaf, f in self.forward(t):
                out[leaf] += f / len(targets)
        return tuple(out.items())

    def leaves(self, unit: Record, year: int) -> list[Record]:
        """County-level records of a prefecture-level record in `year` (itself when it has none)."""
        if kind_of(unit) in ("direct", "sar") or unit.code == "710000":
            return [unit]
        kids = [c for c in self.children[self.parent_key(unit.code)] if c.valid(year)]
        return kids or [unit]

    def current_unit(self, leaf: Record) -> str:
        """geolink adcode of one of today's records (a county, or a unit without counties)."""
        code = leaf.code
        if code[:2] in MUNICIPALITIES:
            return code[:2] + "0100"
        if code[2:] == "0000" or code[4:] == "00" or code[2:4] == "90":
            return code
        parent = code[:4] + "00"
        if any(r.end is None for r in self.by_code[parent]):
            return parent
        raise LookupError(f"today's county {code} {leaf.name} has no prefecture")

    def links(self, r: Record) -> dict[str, tuple[str, float]]:
        out: dict[str, list] = {}
        for leaf, f in self.forward(r):
            out.setdefault(leaf.code, [self.current_unit(leaf), 0.0])[1] += f
        return {k: (a, f) for k, (a, f) in out.items()}

    def unit_at(self, r: Record, year: int) -> Record:
        """The prefecture-level record containing record `r` in `year`."""
        if is_unit(r):
            return r
        return self.at(self.parent_key(r.code), year)

    def became(self, unit: Record) -> list[Record]:
        """The prefecture-level records holding the territory of `unit` right after it ended."""
        out: dict[tuple, Record] = {}
        for leaf in self.leaves(unit, unit.last):
            if leaf.last >= unit.end:
                nxt = [leaf]
            else:
                nxt = [self.at(c, leaf.end) for c in leaf.new]
                nxt = [t for t in nxt if t.name == leaf.name][:1] or nxt
            for t in nxt:
                u = self.unit_at(t, unit.end)
                out[(u.code, u.first)] = u
        return list(out.values())

    def shares(self, unit: Record, year: int) -> dict[str, float]:
        """geolink unit → number of the unit's county-level records of `year` that went there."""
        out: dict[str, float] = defaultdict(float)
        for leaf in self.leaves(unit, year):
            for adcode, f in self.links(leaf).values():
                out[adcode] += f
        return dict(out)


def check_against_tables(h: History, src: Path) -> None:
    """Every year's records must equal the yearly table data/YYYY.txt."""
    for year in range(FIRST, LAST + 1):
        with open(src / "data" / f"{year}.txt", encoding="utf-8") as f:
            table = {tuple(line.split(maxsplit=1)) for line in f.read().splitlines() if line.strip()}
        ours = {(r.code, r.name) for r in h.records if r.valid(year)}
        if table != ours:
            raise ValueError(f"{year}: result.csv and data/{year}.txt differ: {sorted(table ^ ours)[:5]}")


def build(src: Path, out: Path = OUT) -> dict:
    h = History(read_records(src))
    check_against_tables(h, src)
    if len({(r.code, r.first) for r in h.records}) != len(h.records):
        raise ValueError("(code, first year) does not identify a record")
    out.mkdir(exist_ok=True)
    rows = []
    for r in sorted(h.records, key=lambda r: (r.code, r.first)):
        kind = kind_of(r)
        has_parent = kind == "county" and r.code[:2] not in MUNICIPALITIES and r.code[2:4] != "00"
        parent = r.code[:4] + "00" if has_parent else ""
        became = " ".join(sorted(u.code for u in h.became(r))) if is_unit(r) and r.end else ""
        rows.append([r.code, r.name, kind, int(is_unit(r)), parent, r.first, r.last, became])
    header = ["code", "name", "kind", "unit", "prefecture", "first", "last", "became"]
    _write(out / "units.csv", header, rows)

    rows = []
    for r in sorted(h.records, key=lambda r: (r.code, r.first)):
        if r.level == "县级" or r is h.leaves(r, max(r.first, FIRST))[0]:
            for to, (adcode, f) in sorted(h.links(r).items()):
                rows.append([r.code, r.first, to, adcode, _num(f)])
    _write(out / "links.csv", ["code", "first", "to", "adcode", "fraction"], rows)

    rows = []
    for r in sorted((r for r in h.records if is_unit(r)), key=lambda r: (r.code, r.first)):
        runs: list[list] = []
        for year in range(max(r.first, FIRST), r.last + 1):
            s = h.shares(r, year)
            if runs and runs[-1][2] == s:
                runs[-1][1] = year
            else:
                runs.append([year, year, s])
        for a, b, s in runs:
            total = sum(s.values())
            for adcode, n in sorted(s.items()):
                rows.append([r.code, r.first, r.name, a, b, adcode, _num(n), _num(n / total)])
    header = ["code", "first", "name", "from", "to", "adcode", "counties", "share"]
    _write(out / "successors.csv", header, rows)
    return {"records": len(h.records), "successor rows": len(rows)}


def _num(x: float) -> str:
    return f"{x:.6g}"


def _write(path: Path, header: list[str], rows: list) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "areacodes"
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else default.resolve()))
