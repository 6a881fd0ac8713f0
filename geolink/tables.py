"""Read yearbook tables (CSV or Excel) as their authors meant them, with a report of every conversion.

Yearbook sheets are written for people: a title line, a unit line (``单位：万元``),
headers over two or three rows with merged cells, numbers with thousands
separators, footnote marks and missing markers (``—``, ``…``), and notes
under the table (``注：…``, ``资料来源：…``).  :func:`read_table` turns such a
sheet into a plain DataFrame and records on ``.attrs["read_report"]`` (a
:class:`ReadReport`) what it recognised, converted and set missing, naming
the rows as the user sees them: the file's line number (CSV) or the Excel
row number.  Anything it cannot read unambiguously raises ``ValueError``
naming the file, the column and the rows.

How numbers are read
--------------------
* ``1,234.5`` and ``1 234`` — thousands separators (groups of exactly three digits);
* ``12.5%`` → 12.5 (kept in percent points; the column is listed under ``percent``);
* full-width digits and signs (``１２３``, ``－５``) → half-width (NFKC), ``−5`` (U+2212) → -5;
* footnote marks after a number: ``123*``, ``123①``, ``123¹``, ``123a`` (one
  lower-case letter) → 123;
* a decimal comma only where it cannot be a thousands separator: a column is
  read with decimal commas when some cell has a comma followed by other than
  three digits (``12,5``, ``0,25``, ``1.234,5``) and no cell has an unambiguous
  decimal point (``12.5``, ``1,234.5``); a column with both raises;
* missing markers ``—``, ``-``, ``--``, ``…``, ``...``, ``/``, ``×``, ``NA``,
  ``N/A``, blank and Excel errors (``#N/A``, ``#DIV/0!``) → missing.

A column any of whose cells is none of these stays text and is named in the
report with examples.  Code-like columns (6- or 12-digit division codes, ids
with leading zeros) stay text exactly as written (``'440300'``, never
``440300.0``).
"""

from __future__ import annotations

import csv
import errno
import io
import math
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

EXCEL = (".xlsx", ".xlsm", ".xls", ".ods")
MISSING_MARKERS = frozenset(
    {"—", "——", "–", "-", "--", "---", "－", "…", "……", "...", "/", "／", "×", "x", "NA", "N/A", "n/a",
     "na", "NaN", "nan", "null", "NULL", "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}
)  # fmt: skip
PROVINCE_PREFIXES = _PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                       "61 62 63 64 65 71 81 82".split())  # fmt: skip
_CODE_HINT = re.compile(r"(代码|编码|编号|code|^id$|_id$|^id_)", re.I)
_UNIT_ROW = re.compile(r"^[（(]?\s*(单位|计量单位|unit)s?\s*[:：]", re.I)
_NOTE_ROW = re.compile(
    r"^\s*(注|附注|说明|备注|资料来源|数据来源|来源|note|notes|source|sources)\s*[:：\d\u2460-\u2473.、]",
    re.I,
)
_FOOTNOTE_ROW = re.compile(
    r"^\s*([*＊※†‡]+|[\u2460-\u2473]|[\u00b9\u00b2\u00b3\u2074-\u2079]|\(\d\)|（\d）)\s*\S"
)
_FOOTNOTE_MARK = re.compile(
    r"^(.*\d)\s*([*＊※†‡]+|[\u2460-\u2473]+|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|[a-d])$"
)
_SIGN = r"[+-]?"
_PLAIN = re.compile(_SIGN + r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(_SIGN + r"\d{1,3}(,\d{3})+(\.\d+)?")
_SPACED = re.compile(_SIGN + r"\d{1,3}( \d{3})+(\.\d+)?")
_EU = re.compile(_SIGN + r"\d{1,3}(\.\d{3})+,\d+")
_COMMA_DEC = re.compile(_SIGN + r"\d+,\d+")
_DOT_DEC = re.compile(_SIGN + r"\d*\.\d+")
_INT_TEXT = re.compile(r"[+-]?\d+")


@dataclass
class ColumnReport:
    """What :func:`read_table` made of one column.

    ``kind``: ``'integer'``, ``'number'``, ``'code'`` (kept as exact text),
    ``'text'`` or ``'empty'``.  ``converted``: counts of cells per conversion
    (``thousands``, ``percent``, ``full-width``, ``footnote``, ``decimal
    comma``, ``minus sign``).  ``missing``: counts per missing marker
    (``'blank'``, ``'—'`` …) and ``missing_rows`` their row numbers.
    ``non_numeric``: for a text column, up to five ``(row, cell)`` examples
    of cells that are not numbers.
    """

    name: str
    kind: str
    converted: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    missing_rows: list[int] = field(default_factory=list)
    non_numeric: list[tuple[int, str]] = field(default_factory=list)
    numeric_cells: int = 0


@dataclass
class ReadReport:
    """How a table was read: layout recognised, conversions made, cells set missing.

    Row numbers are as the user sees them: the line of a CSV file, the row of
    an Excel sheet (both from 1), or the index label of a DataFrame;
    ``rows[i]`` is the row number of data row ``i``.

    Attributes
    ----------
    source, encoding, delimiter, sheet : where and how the table was read.
    header_rows, title_rows, unit_rows, notes_rows, footnotes : the layout recognised.
    columns : per column, a ``ColumnReport`` (kind, cells converted, cells set missing).
    rows : the row number of each data row.
    notes : what was done, in words.

    Examples
    --------
    >>> import pandas as pd
    >>> import geolink
    >>> raw = pd.DataFrame({"地区": ["广州市", "深圳市"], "GDP": ["28,839", "—"]})
    >>> report = geolink.read_table(raw).attrs["read_report"]
    >>> isinstance(report, geolink.ReadReport), report.columns["GDP"].kind
    (True, 'integer')
    """

    source: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_rows: list[int] = field(default_factory=list)
    title_rows: list[tuple[int, str]] = field(default_factory=list)
    unit_rows: list[tuple[int, str]] = field(default_factory=list)
    notes_rows: list[tuple[int, str]] = field(default_factory=list)
    footnotes: list[tuple[int, str]] = field(default_factory=list)
    columns: dict[str, ColumnReport] = field(default_factory=dict)
    rows: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] | None = field(default=None, repr=False)  # None: not known

    @property
    def text_columns(self) -> dict[str, list[tuple[int, str]]]:
        """Columns left as text, with examples ``(row, cell)`` of their non-numeric cells."""
        return {n: c.non_numeric for n, c in self.columns.items() if c.kind == "text"}

    def __deepcopy__(self, memo) -> ReadReport:
        return self  # pandas deep-copies .attrs on every operation: a report is shared, not copied

    def summary(self) -> str:
        parts = [f"read {self.source}"]
        if self.encoding:
            parts.append(f"encoding {self.encoding}")
        if self.header_rows:
            parts.append(f"header row(s) {self.header_rows}")
        text = ", ".join(parts) + f": {len(self.rows)} data rows, {len(self.columns)} columns"
        return "\n  ".join([text, *self.notes])

    def __str__(self) -> str:
        return self.summary()


class _Cell:
    """Classification of one cell: missing marker, number shape, or text."""

    __slots__ = ("kinds", "marker", "raw", "shape", "text")

    def __init__(self, value):
        self.kinds: list[str] = []
        self.marker = None
        self.shape = None
        self.raw = "" if value is None else str(value).strip()
        if value is None or (isinstance(value, float) and np.isnan(value)):
            self.marker, self.text = "blank", ""
            return
        if isinstance(value, bool):
            self.text = str(value)
            return
        if isinstance(value, (int, float, np.integer, np.floating)):
            self.text = repr(float(value)) if isinstance(value, (float, np.floating)) else str(int(value))
            self.shape = "native"
            if not np.isfinite(float(value)):
                self.shape = None
            return
        text = str(value).strip()
        self.text = text
        if not text:
            self.marker = "blank"
            return
        if text in MISSING_MARKERS:
            self.marker = text
            return
        m = _FOOTNOTE_MARK.match(text)
        if m and _number_shape(_normalise(m.group(1))[0]):
            text = m.group(1)
            self.kinds.append("footnote letter" if m.group(2).isalpha() else "footnote")
        norm, kinds = _normalise(text)
        self.kinds += kinds
        if norm in MISSING_MARKERS:
            self.marker = text
            return
        if norm.endswith("%"):
            norm = norm[:-1].rstrip()
            self.kinds.append("percent")
        self.text = norm
        self.shape = _number_shape(norm)
        if self.shape and not np.isfinite(float(re.sub(r"[^\d.eE+-]", "", norm) or "nan")):
            self.shape = None  # 1e400: not a finite number


def _normalise(text: str) -> tuple[str, list[str]]:
    norm = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    kinds = ["full-width"] if norm != text.replace("\u2212", "-").strip() else []
    if "\u2212" in text:
        kinds.append("minus sign")
    return norm, kinds


def _number_shape(text: str) -> str | None:
    """'plain', 'ambiguous_dot' (1.234), 'thousands' (1,234 / 1,234.5), 'ambiguous_comma' (1,234),
    'comma_decimal' (12,5), 'eu' (1.234,5), 'spaced' (1 234) or None."""
    if _THOUSANDS.fullmatch(text):
        return "thousands" if "." in text or text.count(",") > 1 else "ambiguous_comma"
    if _PLAIN.fullmatch(text):
        if re.fullmatch(_SIGN + r"[1-9]\d{0,2}\.\d{3}", text):
            return "ambiguous_dot"
        return "dot_decimal" if "." in text else "plain"
    if _EU.fullmatch(text) or _COMMA_DEC.fullmatch(text):
        return "comma_decimal"
    if _SPACED.fullmatch(text):
        return "spaced"
    return None


def _to_float(cell: _Cell, comma_style: bool) -> float:
    t = cell.text
    if cell.shape == "native":
        return float(t)
    if comma_style:
        if cell.shape in ("comma_decimal", "ambiguous_comma"):
            return float(t.replace(".", "").replace(",", "."))
        if cell.shape == "ambiguous_dot":
            return float(t.replace(".", ""))
    return float(t.replace(",", "").replace(" ", ""))


def _is_code_column(name: str, cells: list[_Cell]) -> bool:
    texts = [c.text if c.shape != "native" else _native_text(c.text) for c in cells if c.marker is None]
    if not texts or not all(t.isdigit() for t in texts):
        return False
    if any(len(t) > 1 and t.startswith("0") for t in texts):
        return True  # ids with leading zeros
    lengths = {len(t) for t in texts}
    if _CODE_HINT.search(name) and len(lengths) == 1 and lengths.pop() >= 4:
        return True
    return all(len(t) in (6, 12) and t[:2] in _PROVINCES for t in texts)


def _native_text(text: str) -> str:
    """'440300.0' → '440300' (an Excel number holding a code); other text unchanged."""
    value = float(text)
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else text


def convert_column(name: str, values, rows) -> tuple[pd.Series, ColumnReport]:
    """Parse one column's cells as yearbook numbers (see the module docstring).

    Parameters
    ----------
    name : the column name (code hints such as ``代码``, ``code`` are read from it).
    values : the cells (str, numbers or None).
    rows : the row number of each cell as the user sees it.

    Returns
    -------
    (Series, ColumnReport): the converted values (``Int64`` for whole
    numbers, ``float64`` otherwise, text for codes and text columns) and what
    was done.

    Examples
    --------
    >>> s, rep = convert_column("GDP", ["1,234.5", "—", "12%", "１２"], rows=[2, 3, 4, 5])
    >>> s.tolist(), rep.kind, rep.converted, rep.missing, rep.missing_rows
    ([1234.5, nan, 12.0, 12.0], 'number', {'thousands': 1, 'percent': 1, 'full-width': 1}, {'—': 1}, [3])
    >>> convert_column("区划代码", [440300.0, 440100.0], rows=[2, 3])[0].tolist()
    ['440300', '440100']
    """
    rows = list(rows)
    fast = _native_column(str(name), values, rows)
    if fast is not None:
        return fast
    cells = [_Cell(v) for v in values]
    report = ColumnReport(name=str(name), kind="empty")
    for cell, row in zip(cells, rows, strict=True):
        if cell.marker is not None:
            report.missing[cell.marker] = report.missing.get(cell.marker, 0) + 1
            report.missing_rows.append(row)
    filled = [c for c in cells if c.marker is None]
    if not filled:
        return pd.Series([None] * len(cells), dtype=object), report
    if _is_code_column(str(name), cells):
        report.kind = "code"
        out = [None if c.marker else (_native_text(c.text) if c.shape == "native" else c.text) for c in cells]
        return pd.Series(out, dtype=object), report
    lettered = [c for c in filled if "footnote letter" in c.kinds]
    if len(lettered) * 2 > len(filled):  # 12a, 13b, … in most cells: ids or units, not footnote marks
        for c in lettered:
            c.shape = None
    for c in filled:
        c.kinds = ["footnote" if k == "footnote letter" else k for k in c.kinds]
    numeric = [c for c in filled if c.shape is not None]
    report.numeric_cells = len(numeric)
    shapes = {c.shape for c in numeric}
    comma_style = "comma_decimal" in shapes
    conflict = comma_style and bool(shapes & {"thousands", "dot_decimal"})
    if comma_style and any(c.shape == "ambiguous_comma" and c.text.count(",") > 1 for c in numeric):
        conflict = True
    if len(numeric) < len(filled) or conflict:
        report.kind = "text"
        bad = [(r, c.raw) for c, r in zip(cells, rows, strict=True) if c.marker is None and c.shape is None]
        if conflict:
            bad = [
                (r, c.raw)
                for c, r in zip(cells, rows, strict=True)
                if c.shape in ("comma_decimal", "thousands", "dot_decimal")
            ]
        report.non_numeric = bad[:5]
        report.missing, report.missing_rows = {}, []
        out = [None if c.marker == "blank" else _original(v) for c, v in zip(cells, values, strict=True)]
        return pd.Series(out, dtype=object), report
    counts: dict[str, int] = {}
    for c in numeric:
        kinds = list(c.kinds)
        if c.shape in ("thousands", "spaced") or (c.shape == "ambiguous_comma" and not comma_style):
            kinds.append("thousands")
        if comma_style and c.shape in ("comma_decimal", "ambiguous_comma"):
            kinds.append("decimal comma")
        if comma_style and c.shape == "ambiguous_dot":
            kinds.append("thousands")
        for k in dict.fromkeys(kinds):
            counts[k] = counts.get(k, 0) + 1
    report.converted = counts
    floats = np.array([np.nan if c.marker else _to_float(c, comma_style) for c in cells], dtype=float)
    decimal_marks = ("comma_decimal", "ambiguous_comma") if comma_style else ()
    written_decimal = any(  # 12.0, 12,5 or 12% as written: a measured value, kept as float
        c.shape != "native" and ("." in c.text or c.shape in decimal_marks or "percent" in c.kinds)
        for c in numeric
    )
    finite = floats[~np.isnan(floats)]
    whole = not written_decimal and (finite % 1 == 0).all() and (np.abs(finite) < 2**53).all()
    report.kind = "integer" if whole else "number"
    series = pd.Series(floats).astype("Int64") if whole else pd.Series(floats)
    return series, report


def _native_column(name: str, values, rows):
    """Fast path: a column of Excel numbers, empty cells and missing markers (None when it holds more)."""
    values = list(values)
    markers: list = []
    floats = np.empty(len(values))
    for k, v in enumerate(values):
        t = type(v)
        if (t is int or t is float) and math.isfinite(v):
            floats[k] = v
            markers.append(None)
            continue
        if v is None or (t is str and (v.strip() in MISSING_MARKERS or not v.strip())):
            floats[k] = np.nan
            markers.append("blank" if v is None or not v.strip() else v.strip())
            continue
        return None
    missing = np.isnan(floats)
    if not values or missing.all():
        return None
    finite = floats[~missing]
    whole = bool((finite % 1 == 0).all() and (np.abs(finite) < 2**53).all())
    report = ColumnReport(
        name=name, kind="integer" if whole else "number", numeric_cells=int((~missing).sum())
    )
    for m, r in zip(markers, rows, strict=True):
        if m is not None:
            report.missing[m] = report.missing.get(m, 0) + 1
            report.missing_rows.append(r)
    if whole:
        texts = [str(int(v)) for v in finite]
        if _CODE_HINT.search(name) or all(len(t) in (6, 12) and t[:2] in _PROVINCES for t in texts):
            if _is_code_column(name, [_Cell(t) for t in texts]):
                report.kind = "code"
                out = [None if m is not None else str(int(v)) for v, m in zip(floats, markers, strict=True)]
                return pd.Series(out, dtype=object), report
        return pd.Series(floats).astype("Int64"), report
    return pd.Series(floats), report


def _original(value):
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------------------------- reading


def _decode(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValueError(f"{path}: cannot be read as {encoding} ({exc}); check encoding=") from None
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    tried = []
    for enc in candidates:
        tried.append(enc)
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            if enc == "utf-8":
                _damaged_utf8(data, path, exc)
            continue
        if enc == "gb18030":  # Latin-1 bytes often decode as rare GBK characters that swallow a letter
            odd = [ch for ch in text if ord(ch) > 127 and not _plausible_cjk(ch)]
            wedged = re.search(r"[A-Za-z][^\x00-\x7f][A-Za-z]", text) and any(
                not _plausible_cjk(m[1]) for m in re.finditer(r"[A-Za-z]([^\x00-\x7f])[A-Za-z]", text)
            )
            if odd and (len(odd) > 0.3 * sum(ord(ch) > 127 for ch in text) or wedged):
                examples = "".join(dict.fromkeys(odd))[:8]
                raise ValueError(
                    f"{path}: the bytes are not UTF-8 and read as GB18030 give implausible characters "
                    f"({examples!r}); tried {', '.join(tried)}. If the file is Latin-1 or cp1252, read it with "
                    "read_table(path, encoding='cp1252') (then join the table), or save it as UTF-8"
                )
        return text, enc
    raise ValueError(
        f"{path}: not text in any encoding tried ({', '.join(tried)}); save it as UTF-8 CSV, "
        "or pass encoding="
    )


def _damaged_utf8(data: bytes, path: Path, exc: UnicodeDecodeError) -> None:
    """Raise for UTF-8 text with a few broken bytes (read as GB18030 it would be mojibake)."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if broken <= 0.02 * sum(ord(ch) > 127 for ch in text):
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"{path}: UTF-8 text with {broken} broken byte sequence(s), the first on line {line} "
            f"(byte {exc.start}); the file is damaged: fix or re-export it as UTF-8"
        )


def _plausible_cjk(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _open_quote(lines: list[str]) -> int:
    """The line (from 1) where the quote that is never closed opens."""
    opened, inside = 0, False
    for n, line in enumerate(lines, start=1):
        for _ in range(line.count('"') % 2):
            inside = not inside
            opened = n if inside else opened
    return opened


def _sniff(lines: list[str]) -> str:
    """The delimiter (',', tab, ';', '|') occurring most consistently in the first non-blank lines."""
    best, best_score = ",", (0, 0)
    for delim in (",", "\t", ";", "|"):
        counts = [len(next(csv.reader([ln], delimiter=delim))) - 1 for ln in lines if ln.strip()][:30]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _csv_grid(path: Path, encoding: str | None) -> tuple[list[list], list[int], ReadReport]:
    data = path.read_bytes()
    if not data.strip():
        raise ValueError(f"{path}: the file is empty (no rows); nothing to read")
    if data.startswith(b"PK\x03\x04"):
        raise ValueError(
            f"{path}: is a zip archive (an .xlsx workbook?), not CSV text; give it the .xlsx extension"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError(f"{path}: is an old Excel workbook (.xls), not CSV text; give it the .xls extension")
    text, enc = _decode(data, path, encoding)
    if "\x00" in text:
        raise ValueError(f"{path}: contains NUL bytes (a binary file?), not a CSV table")
    lines = text.splitlines()
    if text.count('"') % 2:
        raise ValueError(f'{path}: line {_open_quote(lines)}: a quote (") is never closed; fix the quoting')
    delim = _sniff(lines[:50])
    grid, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False)
    last = 0
    try:
        for row in reader:
            grid.append(row)
            numbers.append(last + 1)
            last = reader.line_num
    except csv.Error as exc:
        raise ValueError(f"{path}: line {last + 1}: {exc} (an unclosed quote?); fix the quoting") from None
    report = ReadReport(source=str(path), encoding=enc, delimiter=delim)
    return grid, numbers, report


def _excel_grid(path: Path, sheet) -> tuple[list[list], list[int], ReadReport]:
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods"):
        engine, package = ("xlrd", "xlrd") if suffix == ".xls" else ("odf", "odfpy")
        try:
            __import__(engine)
        except ImportError:
            raise ImportError(
                f"{path}: reading {suffix} files needs the {package} package (pip install {package}); "
                "or save the sheet as .xlsx or CSV"
            ) from None
        try:
            raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine=engine)
        except Exception as exc:  # the engines raise many types for corrupt files
            raise ValueError(
                f"{path}: not a readable {suffix} workbook ({type(exc).__name__}: {exc})"
            ) from None
        grid = [[None if pd.isna(v) else v for v in row] for row in raw.itertuples(index=False)]
        return grid, list(range(1, len(grid) + 1)), ReadReport(source=str(path), sheet=str(sheet))
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValueError(
            f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc}); re-save it as .xlsx "
            "from Excel, or export the sheet as CSV"
        ) from None
    except Exception as exc:  # openpyxl's InvalidFileException and parser errors
        raise ValueError(f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    try:
        names = book.sheetnames
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise ValueError(f"{path}: has {len(names)} sheet(s) {names}; sheet={sheet} does not exist")
            ws = book.worksheets[sheet]
        elif sheet in names:
            ws = book[sheet]
        else:
            raise ValueError(f"{path}: no sheet {sheet!r}; sheets are {names}")
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        title = ws.title
        member = getattr(ws, "_worksheet_path", None)
    finally:
        book.close()
    if not any(v is not None and str(v).strip() for row in grid for v in row):
        raise ValueError(f"{path}: sheet {title!r} is empty (no cells); nothing to read")
    report = ReadReport(source=str(path), sheet=title)
    report.merged = _merged_ranges(path, member) if member else None
    return grid, list(range(1, len(grid) + 1)), report


def _merged_ranges(path: Path, member: str) -> list[tuple[int, int, int, int]]:
    """Merged cell ranges of a sheet as (first row, first column from 0, last row, last column)."""
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(path) as archive:
        xml = archive.read(member)
    out = []
    for ref in re.findall(rb'<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
        c1, r1, c2, r2 = range_boundaries(ref.decode())
        out.append((r1, c1 - 1, r2, c2 - 1))
    return out


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def _clean_header(value) -> str:
    """Header text: line breaks removed (a space kept between two Latin words), ends stripped."""
    if _blank(value):
        return ""
    text = _original(value)
    text = re.sub(r"(?<=[A-Za-z0-9])\s*[\r\n]+\s*(?=[A-Za-z0-9])", " ", text)
    return re.sub(r"\s*[\r\n]+\s*", "", text).strip()


def _year(value) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d(\.0)?", _Cell(value).text))


def _headerish(row: list) -> bool:
    """Every filled cell is a label: no number, no missing marker (or a year such as 2019)."""
    for v in row:
        if _blank(v):
            continue
        cell = _Cell(v)
        if cell.marker is not None:
            return False
        if cell.shape is not None and not _year(v):
            return False
    return True


def _layout(grid: list[list], numbers: list[int], report: ReadReport, kind: str) -> pd.DataFrame:
    rows = [(n, r) for n, r in zip(numbers, grid, strict=True) if not all(_blank(v) for v in r)]
    if not rows:
        raise ValueError(f"{report.source}: holds only empty rows; nothing to read")
    width = max(max((j + 1 for j, v in enumerate(r) if not _blank(v)), default=0) for _, r in rows)
    i = 0
    while i < len(rows):  # title and unit rows above the header
        n, r = rows[i]
        filled = [str(v).strip() for v in r if not _blank(v)]
        if any(_UNIT_ROW.match(f) for f in filled):
            report.unit_rows.append((n, " ".join(filled)))
        elif len(filled) == 1 and width > 1 and i + 1 < len(rows) and _headerish(rows[i + 1][1]):
            report.title_rows.append((n, filled[0]))
        else:
            break
        i += 1
    if i == len(rows):
        raise ValueError(f"{report.source}: no header row found (only title or unit lines)")
    header = [rows[i]]
    numbers = [str(v).strip() for v in rows[i][1] if not _blank(v) and _Cell(v).shape and not _year(v)]
    if numbers:
        raise ValueError(
            f"{report.source}: the first row of the table ({'line' if kind == 'csv' else 'row'} {rows[i][0]}) "
            f"holds numbers ({numbers[:3]}): "
            "it looks like data, not a header. Add a header row naming the columns"
        )
    i += 1
    while i < len(rows):  # further header rows: labels under merged cells
        n, r = rows[i]
        upper = header[-1][1]
        under_merge = any(
            _blank(upper[j] if j < len(upper) else None) and not _blank(r[j]) for j in range(len(r))
        )
        filled = [str(v).strip() for v in r if not _blank(v)]
        if filled and any(_UNIT_ROW.match(f) for f in filled):
            report.unit_rows.append((n, " ".join(filled)))
        elif under_merge and _headerish(r) and (_blank(r[0]) or all(_Cell(v).shape is None for v in r)):
            header.append(rows[i])
        else:
            break
        i += 1
    body = rows[i:]
    data, seen_note = [], None
    place = "line" if kind == "csv" else "row"
    for n, r in body:
        filled = [v for v in r if not _blank(v)]
        first = str(filled[0]).strip() if filled else ""
        single = len(filled) == 1 and width > 1
        wordy = not _blank(r[0]) and all(
            _Cell(v).shape is None for v in filled
        )  # 注：, followed by text cells
        if (single or (wordy and _NOTE_ROW.match(first))) and (
            _NOTE_ROW.match(first) or (seen_note and not _FOOTNOTE_ROW.match(first))
        ):
            report.notes_rows.append((n, first))
            seen_note = seen_note or n
        elif single and _FOOTNOTE_ROW.match(first):
            report.footnotes.append((n, first))
            seen_note = seen_note or n
        elif single and _UNIT_ROW.match(first):
            report.unit_rows.append((n, first))
        elif seen_note:
            raise ValueError(
                f"{report.source}: {place} {n} holds data below the notes that start at {place} {seen_note}; "
                "a second table? Keep one table per file or sheet"
            )
        else:
            data.append((n, r))
    while data and _trailing_note(data[-1][1], width):  # e.g. a website's name below the table
        n, r = data.pop()
        report.notes_rows.insert(0, (n, next(str(v).strip() for v in r if not _blank(v))))
    report.header_rows = [n for n, _ in header]
    if report.merged:
        _fill_merged(report, dict(rows), report.header_rows, {n for n, _ in data})
    if kind == "csv":
        hwidth = max(len(h) for _, h in header)
        ragged = [(n, len(r)) for n, r in data if any(not _blank(v) for v in r[hwidth:])]
        if ragged:
            listing = ", ".join(f"line {n} ({k} fields)" for n, k in ragged[:10])
            more = f" and {len(ragged) - 10} more" if len(ragged) > 10 else ""
            raise ValueError(
                f"{report.source}: {len(ragged)} row(s) have more fields than the header ({hwidth}): "
                f"{listing}{more}. "
                + (
                    f"The header (line {header[0][0]}) has one cell ({title[0]!r}): a title above a table "
                    "without a header row? Add a header row naming the columns"
                    if len(title := [str(v).strip() for v in header[0][1] if not _blank(v)]) == 1
                    else "An unquoted thousands separator (1,234) splits a number: quote such numbers or "
                    "remove the separators"
                )
            )
        short = [n for n, r in data if len(r) < hwidth]
        if short:
            report.notes.append(
                f"{len(short)} row(s) have fewer fields than the header; the missing cells at their ends "
                f"are blank: lines {short[:10]}"
            )
    names = _flatten([h for _, h in header], width, guess_merges=not report.merged)
    columns, keep = [], []
    for j, name in enumerate(names):
        has_data = any(j < len(r) and not _blank(r[j]) for _, r in data)
        if not name and not has_data:
            continue
        if not name:
            name = f"column_{j + 1}"
            report.notes.append(f"column {j + 1} has no header; named {name!r}")
        columns.append(name)
        keep.append(j)
    seen: dict[str, int] = {}
    for k, name in enumerate(columns):
        if name in seen:
            seen[name] += 1
            columns[k] = f"{name}_{seen[name]}"
            report.notes.append(f"header {name!r} repeats; column {keep[k] + 1} named {columns[k]!r}")
        else:
            seen[name] = 1
    report.rows = [n for n, _ in data]
    out = {}
    for name, j in zip(columns, keep, strict=True):
        series, col = convert_column(name, [r[j] if j < len(r) else None for _, r in data], report.rows)
        out[name] = series
        report.columns[name] = col
    frame = pd.DataFrame(out, index=pd.RangeIndex(len(data)))
    _summarise(report)
    return frame


def _fill_merged(report: ReadReport, by_row: dict, header: list[int], data: set[int]) -> None:
    """Merged cells take their top-left value: across header rows (人口数 over 合计/男/女) and down
    data rows (a 省 cell merged over its cities); merges elsewhere are left as they are."""
    filled_down = set()
    for r1, c1, r2, c2 in report.merged:
        top = by_row.get(r1)
        if top is None or c1 >= len(top):
            continue
        value = top[c1]
        if r1 in header:
            cells = [(r, c) for r in range(r1, r2 + 1) if r in header for c in range(c1, c2 + 1)]
        elif r1 in data and c1 == c2:
            cells = [(r, c1) for r in range(r1 + 1, r2 + 1) if r in data]
            filled_down.update(cells)
        else:
            continue
        for r, c in cells:
            if c < len(by_row[r]):
                by_row[r][c] = value
    if filled_down:
        report.notes.append(
            f"{len(filled_down)} cell(s) of merged ranges in the data filled with the value above them "
            f"(columns {sorted({c + 1 for _, c in filled_down})})"
        )


def _trailing_note(row: list, width: int) -> bool:
    filled = [str(v).strip() for v in row if not _blank(v)]
    if len(filled) != 1 or width < 3 or not isinstance(next(v for v in row if not _blank(v)), str):
        return False
    text = filled[0]
    return bool(re.search(r"[:：]|https?://|www\.|\.(org|com|cn|net)\b", text)) or len(text) > 30


def _flatten(header: list[list], width: int, guess_merges: bool = True) -> list[str]:
    """Multi-row headers → one name per column, parts joined by '_'.

    Where no merged cells are known (CSV, a sheet without merges), a blank upper cell over a label takes the label to
    its left when that one has labels below it too (人口数 over 合计, 男, 女)."""
    levels = [[_clean_header(h[j]) if j < len(h) else "" for j in range(width)] for h in header]
    for r in range(len(levels) - 1 if guess_merges else 0):
        row, deeper = levels[r], levels[r + 1 :]
        for j in range(1, width):
            if not row[j] and row[j - 1] and any(lv[j] for lv in deeper) and any(lv[j - 1] for lv in deeper):
                row[j] = row[j - 1]
    names = []
    for j in range(width):
        parts = list(dict.fromkeys(p for p in (lv[j] for lv in levels) if p))
        names.append("_".join(parts))
    return names


def _summarise(report: ReadReport) -> None:
    for kind, rows in (("title", report.title_rows), ("unit", report.unit_rows), ("note", report.notes_rows),
                       ("footnote", report.footnotes)):  # fmt: skip
        if rows:
            shown = "; ".join(f"row {n}: {t[:60]}" for n, t in rows[:5])
            report.notes.append(f"{len(rows)} {kind} row(s) removed from the data ({shown})")
    blanks = {
        n: c.missing["blank"]
        for n, c in report.columns.items()
        if c.missing.get("blank") and c.kind != "empty"
    }
    if blanks:
        shown = ", ".join(f"{n!r} ({k})" for n, k in list(blanks.items())[:8])
        report.notes.append(
            f"blank cells read as missing in {len(blanks)} column(s): {shown}{' …' if len(blanks) > 8 else ''} "
            "(their rows: read_report.columns[column].missing_rows)"
        )
    for name, col in report.columns.items():
        if col.converted:
            report.notes.append(f"column {name!r}: converted {col.converted}")
        if set(col.missing) - {"blank"} and col.kind != "empty":
            rows = col.missing_rows
            more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
            report.notes.append(
                f"column {name!r}: {len(rows)} cell(s) missing {col.missing} at rows {rows[:10]}{more}"
            )
        pct = col.converted.get("percent", 0)
        if col.kind in ("number", "integer") and 0 < pct < col.numeric_cells:
            report.notes.append(
                f"column {name!r}: {pct} cell(s) written with % and {col.numeric_cells - pct} without; all are "
                "read as written (12% → 12): check that they are in the same unit"
            )
        if col.kind == "text" and col.numeric_cells:
            shown = ", ".join(f"{t!r} (row {n})" for n, t in col.non_numeric)
            report.notes.append(
                f"column {name!r} stays text: {col.numeric_cells} cell(s) are numbers but not these: {shown}; "
                "correct them or write a missing marker (—)"
            )


def read_table(source, *, sheet=0, encoding: str | None = None) -> pd.DataFrame:
    """Read a CSV or Excel table in yearbook layout, converting yearbook numbers, with a report.

    Parameters
    ----------
    source : path of a CSV/TSV (UTF-8, UTF-8 with BOM, GB18030/GBK detected)
        or Excel (.xlsx/.xlsm; .xls with xlrd, .ods with odfpy) file, or a
        DataFrame (its text columns are converted like a file's cells).
    sheet : the Excel sheet (position from 0, or name).
    encoding : force the text encoding of a CSV file (e.g. ``'cp1252'``).

    Returns
    -------
    DataFrame, one row per data row (index from 0); ``.attrs["read_report"]``
    is a :class:`ReadReport`: the header rows used, title, unit and note rows
    removed, and per column the conversions and missing cells with their row
    numbers (the CSV line / Excel row).

    Raises ``ValueError`` naming the file (and rows) for an empty or
    undecodable file, rows with more fields than the header, data below the
    notes; ``ImportError`` for a format whose reader is not installed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gdp.csv"
    >>> _ = path.write_text("单位：亿元\\n地区,GDP\\n广州,\\"28,839.0\\"\\n珠海,—\\n注：初步核算数。\\n", encoding="utf-8")
    >>> table = read_table(path)
    >>> table["GDP"].tolist()
    [28839.0, nan]
    >>> rep = table.attrs["read_report"]
    >>> rep.header_rows, rep.unit_rows, rep.columns["GDP"].missing_rows, rep.notes_rows
    ([2], [(1, '单位：亿元')], [4], [(5, '注：初步核算数。')])
    """
    if isinstance(source, pd.DataFrame):
        return _convert_frame(source)
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"no such table: {path}")
    if path.is_dir():  # the OS's own error, as for any other file that cannot be read
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if path.suffix.lower() in EXCEL:
        grid, numbers, report = _excel_grid(path, sheet)
        return _finish(_layout(grid, numbers, report, "excel"), report)
    grid, numbers, report = _csv_grid(path, encoding)
    return _finish(_layout(grid, numbers, report, "csv"), report)


def _finish(frame: pd.DataFrame, report: ReadReport) -> pd.DataFrame:
    if frame.empty:
        report.notes.append("the table has a header but no data rows")
    frame.attrs["read_report"] = report
    return frame


def _convert_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A DataFrame's text columns converted like a file's cells; numeric columns kept."""
    if "read_report" in table.attrs:
        return table
    report = ReadReport(source="DataFrame", rows=list(table.index))
    out = {}
    for name in table.columns:
        s = table[name]
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            values = [None if v is pd.NA else v for v in s.tolist()]
            series, col = convert_column(str(name), values, report.rows)
            if col.kind == "text":
                series = s.reset_index(drop=True)  # text stays exactly as given
            report.columns[str(name)] = col
            out[name] = series.to_numpy() if col.kind not in ("integer",) else series.array
        else:
            out[name] = s.to_numpy()
    frame = pd.DataFrame(out, index=table.index, columns=table.columns)
    _summarise(report)
    frame.attrs = {**table.attrs, "read_report": report}
    return frame
