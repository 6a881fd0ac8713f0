"""GeoPackage output: several layers in one file, complete QGIS default styles, writes that cannot lose data.

* spatial layers (GeoDataFrames, written in WGS 84) and attribute-only tables
  (DataFrames: ``gpkg_contents.data_type = 'attributes'``), each with a
  description in ``gpkg_contents``;
* field names sanitised to ASCII (Chinese → pinyin), ≤ 63 characters, unique;
  the original names are kept as field titles in ``gpkg_data_columns`` (the
  GeoPackage schema extension) and as field aliases in a QGIS style on every
  layer, attribute-only tables included;
* every spatial layer gets a default QGIS style (``layer_styles``,
  ``useAsDefault = 1``): a :class:`Style` given by the caller (graduated or
  categorized, units without data drawn as "无数据") or a single symbol for the
  geometry type; labels on small layers;
* writing cannot lose data: the layers are first written to a temporary file
  beside the target.  ``mode="overwrite"`` renames it over the target (refused
  while another program has the target open for writing, e.g. QGIS editing it);
  ``mode="append"`` copies the new layers into the existing file inside one
  SQLite transaction, so QGIS sessions reading or editing it are respected, and
  never touches a file that is not a GeoPackage.  geolink writers of one
  directory are serialised with a lock; temporary files of failed or killed
  writes are removed.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import time
import unicodedata
import uuid
from collections.abc import Mapping
from contextlib import contextmanager, suppress
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import geopandas as gpd
import pandas as pd
import pyogrio

from geolink import _qml
from geolink.classes import MISSING_COLOR, MISSING_LABEL

if TYPE_CHECKING:
    from geolink.classes import Classes

MAX_FIELD = 63
LABEL_MAX_FEATURES = 500  # labels only where a national map stays readable (370 prefectures)
BUSY_TIMEOUT = 10.0  # seconds to wait for another program's write transaction
STALE_AFTER = 600.0  # seconds after which a temporary file of an unknown writer counts as stale
_GPKG_APPLICATION_IDS = {0x47504B47, 0x47503130, 0x47503131}  # 'GPKG', 'GP10', 'GP11'
_SIDECARS = ("-journal", "-wal", "-shm")


def sanitise_names(names) -> dict[str, str]:
    """Original column name → ASCII field name (pinyin for Chinese, ``[a-z0-9_]``, ≤ 63, unique).

    A name that is already a valid field keeps it; a derived name that would clash with it (人口
    beside ``renkou``) gets a suffix instead.

    Examples
    --------
    >>> from geolink.gpkg import sanitise_names
    >>> sanitise_names(["人口", "renkou", "GDP (亿元)"])
    {'人口': 'renkou_2', 'renkou': 'renkou', 'GDP (亿元)': 'gdp_yiyuan'}
    """
    names = list(names)
    wanted = {name: _field(name) for name in names}
    used = {f for name, f in wanted.items() if f == name and f not in ("fid", "geom")}  # the user's own fields
    out: dict[str, str] = {}
    for name in names:
        field = wanted[name]
        if field == name and field in used and field not in out.values():
            out[name] = field
            continue
        base, n = field, 2
        while field in used or field == "fid" or field == "geom":
            suffix = f"_{n}"
            field, n = base[: MAX_FIELD - len(suffix)] + suffix, n + 1
        used.add(field)
        out[name] = field
    return out


def _field(name) -> str:
    """ASCII field name of one column name: pinyin for Chinese, ``[a-z0-9_]``, ≤ 63 characters."""
    text = unicodedata.normalize("NFKC", str(name))
    segments = re.split(r"([\u3400-\u9fff]+)", text)
    parts = [_pinyin(seg) if re.match(r"[\u3400-\u9fff]", seg) else seg for seg in segments]
    ascii_ = "_".join(p for p in parts if p).encode("ascii", "ignore").decode()
    field = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_).strip("_").lower() or "field"
    if field[0].isdigit():
        field = "f_" + field
    return field[:MAX_FIELD]


def _pinyin(chinese: str) -> str:
    """Toneless pinyin of Chinese text, words read as words (重庆 chongqing); pypinyin loads on first need."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(chinese))


@dataclass(frozen=True)
class Style:
    """The default QGIS style of one spatial layer.

    Three kinds:

    * **graduated** — ``Style(value, classes)`` or :meth:`Style.graduated`:
      the classes of a :class:`geolink.Classes` (the PNG's and the web map's
      breaks), QGIS's classification method id for the scheme;
    * **categorized** — :meth:`Style.categorized` with ``categories`` mapping
      each value to ``(colour, label)`` (e.g. LISA quadrants, agglomerations);
    * **single symbol** — ``Style()``: one colour for every feature, the style
      every spatial layer without an explicit style gets.

    Graduated and categorized styles draw units without a value in ``no_data``
    with the legend entry ``no_data_label`` (the PNG's and the web map's); every
    value of a categorized column needs a category.  The legend heading is
    ``title`` (default: the original column name) with ``value_unit``.

    Parameters
    ----------
    value : str, optional
        The value column the style classifies, by its original (e.g. Chinese) name.
    classes : geolink.Classes, optional
        Class breaks and colours of a graduated style.
    title : str
        Legend heading; default the column name.
    categories : mapping, optional
        Value → ``(colour '#rrggbb', label)`` of a categorized style.
    value_unit : str
        Unit of measurement shown in the heading, e.g. ``"%"``, ``"亿元"``.
    color, outline : str
        Fill (single symbol) and outline colours, ``'#rrggbb'``.
    no_data, no_data_label : str
        Colour and legend text of units without data.
    labels : str, bool or None
        Label column; None (default) labels with ``name_short`` (else ``name``)
        when the layer has at most 500 features; False: no labels.

    Examples
    --------
    >>> from geolink.classes import classify
    >>> s = Style.graduated("城镇化率", classify([0.5, 0.7, 0.9, 0.95], "quantiles", k=2), value_unit="%")
    >>> s.kind, s.heading
    ('graduated', '城镇化率（%）')
    >>> Style.categorized("象限", {"HH": ("#d7191c", "高—高")}).kind
    'categorized'
    """

    value: str | None = None
    classes: Classes | None = None
    title: str = ""
    _: KW_ONLY
    categories: Mapping[object, tuple[str, str]] | None = None
    value_unit: str = ""
    color: str = "#e0dcd2"
    outline: str = "#666666"
    no_data: str = MISSING_COLOR
    no_data_label: str = MISSING_LABEL
    labels: str | bool | None = None

    def __post_init__(self):
        if self.classes is not None and self.categories is not None:
            raise ValueError("a Style is graduated (classes=) or categorized (categories=), not both")
        if (self.classes is not None or self.categories is not None) and not self.value:
            raise ValueError("a graduated or categorized Style needs the value column it classifies")
        for value, entry in (self.categories or {}).items():
            if not (isinstance(entry, tuple) and len(entry) == 2):
                raise ValueError(f"category {value!r}: give (colour, label), got {entry!r}")
            _qml.rgba(entry[0])
        for c in (self.color, self.outline, self.no_data):
            _qml.rgba(c)

    @classmethod
    def graduated(cls, value: str, classes: Classes, **options) -> Style:
        """Graduated style on the column ``value`` with ``classes`` (options as for :class:`Style`)."""
        return cls(value, classes, **options)

    @classmethod
    def categorized(cls, value: str, categories: Mapping[object, tuple[str, str]], **options) -> Style:
        """Categorized style on the column ``value``: ``categories`` maps each value → ``(colour, label)``."""
        return cls(value, categories=categories, **options)

    @property
    def kind(self) -> str:
        """``'graduated'``, ``'categorized'`` or ``'single'``."""
        return (
            "graduated"
            if self.classes is not None
            else "categorized"
            if self.categories is not None
            else "single"
        )

    @property
    def heading(self) -> str:
        """Legend heading: the title (or column) with the unit, ``城镇化率（%）`` / ``GDP (bn yuan)``."""
        title = self.title or str(self.value or "")
        if not self.value_unit:
            return title
        cjk = re.search(r"[\u3400-\u9fff]", title)
        return f"{title}（{self.value_unit}）" if cjk else f"{title} ({self.value_unit})"

    def _documents(
        self, fields: Mapping[str, str], geom_type: str | None, n_features: int
    ) -> list[tuple[str, str, bool]]:
        """QML documents ``(style name, QML, default?)`` for a layer whose original column → field map is ``fields``.

        The default is rule-based (it draws units without data); graduated and
        categorized styles also get QGIS's native renderer as a second, named
        style (QGIS's Classify button, its classification method id).
        """
        for col in (self.value, self.labels if isinstance(self.labels, str) else None):
            if col is not None and col not in fields:
                raise KeyError(f"style column {col!r} not in the layer; columns are {list(fields)}")
        kind = _qml.GEOMETRY_KIND.get(geom_type or "", "fill")
        aliases = {field: str(orig) if str(orig) != field else "" for orig, field in fields.items()}
        label_field = None
        if isinstance(self.labels, str):
            label_field = fields[self.labels]
        elif self.labels is None and n_features <= LABEL_MAX_FEATURES:
            label_field = next((fields[c] for c in ("name_short", "name") if c in fields), None)
        fill = self.color if kind == "fill" else {"line": "#444444", "marker": "#c0392b"}[kind]
        no_data = (self.no_data, self.no_data_label)
        if self.kind == "single":
            renderer = _qml.single_renderer(kind, fill, self.outline)
            doc = _qml.document(renderer=renderer, label_field=label_field, aliases=aliases, kind=kind)
            return [("geolink default", doc, True)]
        field = fields[self.value]
        custom = {"geolink/column": str(self.value)}
        if self.kind == "graduated":
            c = self.classes
            method = _qml.QGIS_METHODS.get(c.scheme, "Custom")  # no QGIS method: manual breaks
            custom["geolink/classificationMethod"] = method
            rules = list(zip(_qml.range_filters(field, c.lower, c.upper), c.labels, c.colors, strict=True))
            native = _qml.graduated_renderer(
                field, c.lower, c.upper, c.labels, c.colors, method, kind, self.outline
            )
        else:
            cats = [(value, label, color) for value, (color, label) in self.categories.items()]
            rules = [
                (f"{_qml.field_ref(field)} = {_qml.literal(v)}", label, color) for v, label, color in cats
            ]
            native = _qml.categorized_renderer(field, cats, kind, self.outline, no_data)
        default = _qml.rule_renderer(self.heading, rules, kind, self.outline, no_data)
        return [
            (
                "geolink default",
                _qml.document(
                    renderer=default, label_field=label_field, aliases=aliases, custom=custom, kind=kind
                ),
                True,
            ),
            (
                f"geolink {self.kind}",
                _qml.document(
                    renderer=native, label_field=label_field, aliases=aliases, custom=custom, kind=kind
                ),
                False,
            ),
        ]


# ---------------------------------------------------------------- metadata tables (GeoPackage 1.2, QGIS)

_LAYER_STYLES = """CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""
_DATA_COLUMNS = """CREATE TABLE IF NOT EXISTS gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,
  mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
  CONSTRAINT gdc_tn UNIQUE (table_name, name))"""
_DATA_COLUMN_CONSTRAINTS = """CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC,
  min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))"""
_EXTENSIONS = """CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"""
_SCHEMA_EXTENSION = "http://www.geopackage.org/spec120/#extension_schema"  # the file is GeoPackage 1.2
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"


def _register(con: sqlite3.Connection, table: str, data_type: str, description: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
        f"VALUES (?, ?, ?, ?, {_NOW})",
        (table, data_type, table, description),
    )


def _schema_extension(con: sqlite3.Connection) -> None:
    """The schema extension (``gpkg_data_columns`` + ``gpkg_data_column_constraints``), registered once each
    (``column_name`` is NULL, which a UNIQUE constraint never matches: check explicitly)."""
    for sql in (_DATA_COLUMNS, _DATA_COLUMN_CONSTRAINTS, _EXTENSIONS):
        con.execute(sql)
    for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
        exists = con.execute(
            "SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND column_name IS NULL AND extension_name = "
            "'gpkg_schema'",
            (table,),
        ).fetchone()
        if not exists:
            con.execute(
                "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
                "VALUES (?, NULL, 'gpkg_schema', ?, 'read-write')",
                (table, _SCHEMA_EXTENSION),
            )


def _write_metadata(
    con: sqlite3.Connection,
    layer: str,
    fields: Mapping[str, str],
    styles: list[tuple[str, str, bool]],
    geometry_column: str | None,
    description: str,
) -> None:
    _schema_extension(con)
    con.execute("DELETE FROM gpkg_data_columns WHERE table_name = ?", (layer,))
    con.executemany(
        "INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (?, ?, ?, ?)",
        [(layer, field, str(orig), str(orig)) for orig, field in fields.items()],
    )
    con.execute(_LAYER_STYLES)
    _register(con, "layer_styles", "attributes", "QGIS layer styles")
    con.execute("DELETE FROM layer_styles WHERE f_table_name = ?", (layer,))
    con.executemany(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
        f"styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
        f"VALUES ('', '', ?, ?, ?, ?, '', ?, ?, 'geolink', '', {_NOW})",
        [
            (layer, geometry_column or "", name[:30], qml, int(default), description or layer)
            for name, qml, default in styles
        ],
    )


# ---------------------------------------------------------------- file safety


class FileInUseError(RuntimeError):
    """The GeoPackage is open for writing in another program (e.g. being edited in QGIS)."""


def _check_geopackage(path: Path) -> None:
    """Raise ``ValueError`` unless ``path`` is a readable GeoPackage (never modifies it)."""
    what = f"{path} is not a GeoPackage"
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as e:
        raise ValueError(f"{what}: {e}") from e
    if not header.startswith(b"SQLite format 3\x00"):
        raise ValueError(
            f"{what} (no SQLite header); refusing to append to it — choose another file or "
            "use mode='overwrite' deliberately"
        )
    app_id = int.from_bytes(header[68:72], "big")
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            ok = con.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise ValueError(f"{what} or is damaged ({e}); refusing to append to it") from e
    if app_id not in _GPKG_APPLICATION_IDS or not {"gpkg_contents", "gpkg_spatial_ref_sys"} <= tables:
        raise ValueError(
            f"{what} (a plain SQLite database: application_id {app_id:#x}, tables "
            f"{sorted(tables)[:8]}); refusing to append to it"
        )
    if ok != "ok":
        raise ValueError(f"{path} is a damaged GeoPackage (quick_check: {ok}); refusing to append to it")


def _writers(path: Path) -> list[str]:
    """Other processes holding ``path`` (or its ``-wal``/``-shm``, which a new file would inherit) open for
    writing, as ``'pid (name)'`` (Linux /proc; elsewhere an empty list)."""
    ids = set()
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with suppress(OSError):
            st = p.stat()
            ids.add((st.st_dev, st.st_ino))
    found = []
    proc = Path("/proc")
    if not ids or not proc.is_dir():
        return found
    me = os.getpid()
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit() or int(pid_dir.name) == me:
            continue
        with suppress(OSError):
            for fd in (pid_dir / "fd").iterdir():
                with suppress(OSError):
                    st = fd.stat()
                    if (st.st_dev, st.st_ino) not in ids:
                        continue
                    flags = next(
                        ln
                        for ln in (pid_dir / "fdinfo" / fd.name).read_text().splitlines()
                        if ln.startswith("flags:")
                    )
                    if int(flags.split()[1], 8) & 3:  # O_WRONLY or O_RDWR
                        name = (pid_dir / "comm").read_text().strip()
                        found.append(f"{pid_dir.name} ({name})")
                        break
    return found


def _refuse_if_in_use(path: Path) -> None:
    """``FileInUseError`` naming ``path`` when replacing it would lose another program's work."""
    if not path.exists():
        return
    wal = Path(f"{path}-wal")
    holders = _writers(path)
    if holders:
        raise FileInUseError(
            f"{path} is open for writing in process {', '.join(holders)} (e.g. edited in QGIS): "
            "not replacing it; save and close it there, or write with mode='append'"
        )
    if wal.exists() and wal.stat().st_size > 0:
        raise FileInUseError(
            f"{path} is in use: its write-ahead log {wal.name} holds changes not yet in the "
            "file; close the programs using it (QGIS) and try again"
        )
    try:
        con = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise FileInUseError(
                f"{path} is in use: another program is writing to it ({e}); try again"
            ) from e
    except (
        sqlite3.DatabaseError
    ):  # not an SQLite file: nobody's database to respect, overwriting is asked for
        pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove ``.NAME.<pid>.<id>.tmp.gpkg`` (and SQLite side files) left by failed or killed writes."""
    removed = []
    pattern = re.compile(
        rf"^\.{re.escape(path.name)}\.(?:(\d+)\.)?[0-9a-f]+\.tmp\.gpkg(?:-journal|-wal|-shm)?$"
    )
    now = time.time()
    for p in path.parent.iterdir():
        m = pattern.match(p.name)
        if not m:
            continue
        with suppress(OSError):
            pid = int(m.group(1)) if m.group(1) else None
            stale = (pid is not None and pid != os.getpid() and not _pid_alive(pid)) or (
                now - p.stat().st_mtime > STALE_AFTER and (pid is None or pid != os.getpid())
            )
            if stale:
                p.unlink()
                removed.append(p)
    return removed


@contextmanager
def _directory_lock(directory: Path, timeout: float = 120.0):
    """Serialise geolink writers of one directory (``flock``; a no-op where ``fcntl`` is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: SQLite's own locking still serialises appends
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another geolink process is writing into {directory}") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _unlink_with_sidecars(path: Path) -> None:
    for p in (path, *(Path(f"{path}{s}") for s in _SIDECARS)):
        p.unlink(missing_ok=True)


# ---------------------------------------------------------------- in-place append


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA {schema}.table_info({_quote(table)})")]


def _drop_layer(con: sqlite3.Connection, name: str) -> None:
    """Remove layer ``name`` (table, R-tree, triggers, metadata rows) from the main database."""
    meta = {r[0] for r in con.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    if "gpkg_geometry_columns" in meta:
        for (geom,) in con.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (name,)
        ):
            con.execute(f"DROP TABLE IF EXISTS main.{_quote(f'rtree_{name}_{geom}')}")
    for (trigger,) in con.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (name,)
    ).fetchall():
        con.execute(f"DROP TRIGGER main.{_quote(trigger)}")
    con.execute(f"DROP TABLE IF EXISTS main.{_quote(name)}")
    for table, column in (
        ("gpkg_geometry_columns", "table_name"),
        ("gpkg_extensions", "table_name"),
        ("gpkg_ogr_contents", "table_name"),
        ("gpkg_data_columns", "table_name"),
        ("gpkg_metadata_reference", "table_name"),
        ("gpkg_contents", "table_name"),
    ):
        if table in meta:
            con.execute(f"DELETE FROM main.{table} WHERE {column} = ?", (name,))
    if "layer_styles" in meta:  # geolink's styles go; styles a colleague saved stay, no longer the default
        con.execute("DELETE FROM main.layer_styles WHERE f_table_name = ? AND owner = 'geolink'", (name,))
        con.execute("UPDATE main.layer_styles SET useAsDefault = 0 WHERE f_table_name = ?", (name,))


def _copy_rows(con: sqlite3.Connection, table: str, where: str, args: tuple, skip=("id",)) -> None:
    """Copy rows of ``src.table`` into ``main.table`` (created like the source when missing)."""
    if not con.execute("SELECT 1 FROM main.sqlite_master WHERE name = ?", (table,)).fetchone():
        (sql,) = con.execute("SELECT sql FROM src.sqlite_master WHERE name = ?", (table,)).fetchone()
        con.execute(sql)
    common = [c for c in _columns(con, "src", table) if c in _columns(con, "main", table) and c not in skip]
    cols = ", ".join(_quote(c) for c in common)
    con.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM src.{table} WHERE {where}", args)


def _copy_layer(con: sqlite3.Connection, name: str) -> None:
    """Copy layer ``name`` of the attached ``src`` (table, R-tree, indexes, triggers, metadata rows) into main."""
    rtrees = [
        f"rtree_{name}_{g}"
        for (g,) in con.execute(
            "SELECT column_name FROM src.gpkg_geometry_columns WHERE table_name = ?", (name,)
        )
    ]
    for table in (name, *rtrees):
        (sql,) = con.execute("SELECT sql FROM src.sqlite_master WHERE name = ?", (table,)).fetchone()
        con.execute(sql)
        con.execute(f"INSERT INTO main.{_quote(table)} SELECT * FROM src.{_quote(table)}")
    # triggers last: the R-tree triggers call GDAL's SQL functions, which this connection does not have
    for (sql,) in con.execute(
        "SELECT sql FROM src.sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY type",
        (name,),
    ).fetchall():
        con.execute(sql)
    for (srs_id,) in con.execute(
        "SELECT srs_id FROM src.gpkg_geometry_columns WHERE table_name = ? "
        "AND srs_id NOT IN (SELECT srs_id FROM main.gpkg_spatial_ref_sys)",
        (name,),
    ).fetchall():
        _copy_rows(con, "gpkg_spatial_ref_sys", "srs_id = ?", (srs_id,), skip=())
    for table in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_ogr_contents", "gpkg_data_columns"):
        _copy_rows(con, table, "table_name = ?", (name,), skip=())
    _copy_rows(con, "gpkg_extensions", "table_name = ? AND column_name IS NOT NULL", (name,), skip=())
    _copy_rows(con, "layer_styles", "f_table_name = ?", (name,))


def _repair_metadata(con: sqlite3.Connection) -> None:
    """Fix what earlier geolink versions wrote and GDAL's validator rejects: duplicated extension rows,
    ``layer_styles.update_time`` not in ISO 8601, style names over the declared 30 characters."""
    con.execute(
        "DELETE FROM main.gpkg_extensions WHERE rowid NOT IN (SELECT min(rowid) FROM main.gpkg_extensions "
        "GROUP BY table_name, column_name, extension_name)"  # GROUP BY puts NULLs together
    )
    if con.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'layer_styles'").fetchone():
        con.execute(
            "UPDATE main.layer_styles SET update_time = strftime('%Y-%m-%dT%H:%M:%fZ', update_time) "
            "WHERE update_time NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z' "
            "AND strftime('%Y-%m-%dT%H:%M:%fZ', update_time) IS NOT NULL"
        )
        con.execute(
            "UPDATE main.layer_styles SET styleName = substr(styleName, 1, 30) WHERE owner = 'geolink'"
        )


def _merge(target: Path, scratch: Path, names: list[str]) -> None:
    """Copy the layers ``names`` of ``scratch`` into ``target`` inside one SQLite transaction."""
    con = sqlite3.connect(target, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        con.execute("ATTACH DATABASE ? AS src", (str(scratch),))
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise FileInUseError(
                f"{target} is in use: another program is writing to it ({e}); try again"
            ) from e
        try:
            for name in names:
                _drop_layer(con, name)
                _copy_layer(con, name)
            _repair_metadata(con)
            _schema_extension(con)
            _register(con, "layer_styles", "attributes", "QGIS layer styles")
            try:
                con.execute("COMMIT")
            except sqlite3.OperationalError as e:  # readers did not let go within the timeout
                raise FileInUseError(
                    f"{target} is in use: other programs kept reading it; nothing was changed ({e}); try again"
                ) from e
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE src")
    finally:
        con.close()


def _existing_layers(path: Path) -> list[str]:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    try:
        return [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM gpkg_contents UNION SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        ]
    finally:
        con.close()


def _check_names(names: list[str], existing: list[str]) -> None:
    """Layer names must not collide case-insensitively (SQLite table names are case-insensitive)."""
    seen: dict[str, str] = {}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"layer names are non-empty strings, got {name!r}")
        if re.match(r"(?i)(gpkg_|rtree_|sqlite_)", name) or name.lower() == "layer_styles":
            raise ValueError(f"layer name {name!r} is reserved by the GeoPackage format; choose another")
        if name.lower() in seen:
            raise ValueError(
                f"layer names {seen[name.lower()]!r} and {name!r} collide: GeoPackage table names "
                "are case-insensitive; rename one"
            )
        seen[name.lower()] = name
    for old in existing:
        new = seen.get(old.lower())
        if new is not None and new != old:
            raise ValueError(
                f"layer {new!r} collides with the existing layer {old!r} (table names are "
                f"case-insensitive); write it as {old!r} to replace that layer, or rename it"
            )


# ---------------------------------------------------------------- the writer


class _Layer(NamedTuple):
    frame: pd.DataFrame  # renamed fields; spatial layers in EPSG:4326
    fields: dict  # original column → field name
    spatial: bool
    qml: list  # (style name, QML, default?)


def _prepare(name: str, frame: pd.DataFrame, style: Style | None) -> _Layer:
    """Check a layer and its style; the renamed (spatial: reprojected) copy and its QGIS styles."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"layer {name!r}: expected a DataFrame or GeoDataFrame, got {type(frame).__name__}")
    geometry = None
    if isinstance(frame, gpd.GeoDataFrame):
        with suppress(AttributeError):  # a GeoDataFrame without an active geometry column: an attribute table
            geometry = frame.geometry.name
    columns = [c for c in frame.columns if c != geometry]
    dupes = sorted({str(c) for c in columns if columns.count(c) > 1})
    if dupes:
        raise ValueError(f"layer {name!r} has duplicate column names {dupes}; rename them")
    fields = sanitise_names(columns)
    out = frame.rename(columns=fields)
    if geometry is None:
        if style is not None:
            raise ValueError(
                f"style given for {name!r}, an attribute-only table: styles are for spatial layers"
            )
        aliases = {f: str(o) if str(o) != f else "" for o, f in fields.items()}
        return _Layer(
            pd.DataFrame(out), fields, False, [("geolink default", _qml.document(aliases=aliases), True)]
        )
    if frame.crs is None:
        raise ValueError(
            f"layer {name!r} has no CRS: set it first, e.g. gdf.set_crs('EPSG:4326') for "
            "longitude/latitude in WGS 84 (geolink's boundaries are EPSG:4326)"
        )
    out = out.to_crs("EPSG:4326")
    if style is not None and style.value is not None:
        if style.value not in fields:
            raise KeyError(f"style column {style.value!r} not in layer {name!r}; columns are {columns}")
        _check_style_values(name, frame, style)
    types = out.geom_type.dropna()
    qml = (style or Style())._documents(fields, types.iloc[0] if len(types) else None, len(out))
    return _Layer(out, fields, True, qml)


def _check_style_values(name: str, frame: pd.DataFrame, style: Style) -> None:
    """A graduated column must be numeric; every value of a categorized column needs a category."""
    if style.kind == "graduated" and not pd.api.types.is_numeric_dtype(frame[style.value]):
        raise TypeError(
            f"layer {name!r}: graduated style on {style.value!r}, which is not numeric "
            f"({frame[style.value].dtype}); convert it or use Style.categorized"
        )
    if style.kind == "categorized":
        values = frame[style.value].dropna()
        unlisted = sorted({str(v) for v in values[~values.isin(list(style.categories))]})
        if unlisted:
            raise ValueError(
                f"layer {name!r}: values of {style.value!r} without a category: {unlisted[:10]}; "
                "add them to categories (only missing values are drawn as no data)"
            )


def to_gpkg(
    path,
    layers: Mapping[str, pd.DataFrame],
    *,
    descriptions: Mapping[str, str] | None = None,
    styles: Mapping[str, Style] | None = None,
    mode: str = "overwrite",
) -> Path:
    """Write layers to one GeoPackage without risking the data already in it.

    Parameters
    ----------
    path : str or Path
        Target ``.gpkg``; through a symbolic link the link's target is written.
    layers : mapping
        Layer name → GeoDataFrame (a spatial layer, reprojected to EPSG:4326;
        it must have a CRS) or DataFrame (an attribute-only table).  Names
        must differ case-insensitively (also from the file's layers on append).
    descriptions : mapping, optional
        Layer name → description stored in ``gpkg_contents``.
    styles : mapping, optional
        Layer name → :class:`Style`, the layer's default QGIS style.  Spatial
        layers without one get a single-symbol style; every layer gets its
        original column names as QGIS field aliases.
    mode : {'overwrite', 'append'}
        ``'overwrite'`` replaces the whole file atomically (a complete new file
        renamed over it; refused with :class:`FileInUseError` while another
        program has it open for writing).  ``'append'`` adds the layers to the
        existing GeoPackage, replacing same-named ones, inside one SQLite
        transaction (waiting up to 10 s for another program's write); a file
        that is not a GeoPackage raises ``ValueError`` and is left untouched;
        replacing a layer while another program has the file open for writing
        raises :class:`FileInUseError` (adding new layers does not).

    Returns
    -------
    Path
        The path written (the link's target for a symbolic link).

    Examples
    --------
    >>> import tempfile, pandas as pd, pyogrio
    >>> import geolink
    >>> gba = geolink.cities_in("gba")[["adcode", "name", "geometry"]]
    >>> out = Path(tempfile.mkdtemp()) / "gba.gpkg"
    >>> _ = to_gpkg(out, {"gba": gba}, descriptions={"gba": "GBA units"})
    >>> _ = to_gpkg(out, {"年表": pd.DataFrame({"年份": [2020]})}, mode="append")
    >>> sorted(name for name, _ in pyogrio.list_layers(out))
    ['gba', 'layer_styles', '年表']
    """
    if mode not in ("overwrite", "append"):
        raise ValueError(f"mode must be 'overwrite' or 'append', got {mode!r}")
    if not isinstance(layers, Mapping) or not layers:
        raise ValueError("layers: give a non-empty mapping of layer name → DataFrame/GeoDataFrame")
    descriptions, styles = dict(descriptions or {}), dict(styles or {})
    unknown = set(styles) - set(layers)
    if unknown:
        raise KeyError(f"styles given for layers that are not written: {sorted(unknown)}")
    _check_names(list(layers), [])
    prepared = {name: _prepare(name, frame, styles.get(name)) for name, frame in layers.items()}

    path = Path(os.path.realpath(Path(path).expanduser()))
    if path.exists() and not path.is_file():
        raise ValueError(f"{path} exists and is not a regular file (a folder or a device): not writing a GeoPackage there")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _directory_lock(path.parent):
        _remove_stale_temporaries(path)
        append = mode == "append" and path.exists()
        if append:
            _check_geopackage(path)
            existing = _existing_layers(path)
            _check_names(list(layers), existing)
            replaced = sorted(set(layers) & set(existing))
            holders = _writers(path) if replaced else []
            if holders:  # an editor's later save would land in the new table
                raise FileInUseError(
                    f"{path} is open for writing in process {', '.join(holders)} (e.g. edited in QGIS): "
                    f"not replacing its layer(s) {replaced}; save and close it there, or write new layer names"
                )
        else:
            _refuse_if_in_use(path)  # before the work, and again before the rename
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp.gpkg")
        try:
            with _unsynced_sqlite():  # a scratch file: synced once, below, before it replaces anything
                for name, layer in prepared.items():
                    pyogrio.write_dataframe(
                        layer.frame,
                        tmp,
                        layer=name,
                        driver="GPKG",
                        append=False,
                        layer_options={"DESCRIPTION": descriptions.get(name, ""), "OVERWRITE": "YES"},
                        dataset_options={"VERSION": "1.2"},  # readable by GDAL < 3.7 (QGIS 3.22) too
                    )
                    con = sqlite3.connect(tmp, isolation_level=None)
                    try:
                        con.execute("PRAGMA synchronous=OFF")
                        con.execute("BEGIN")
                        geometry_column = "geom" if layer.spatial else None
                        _write_metadata(
                            con, name, layer.fields, layer.qml, geometry_column, descriptions.get(name, "")
                        )
                        con.execute("COMMIT")
                    finally:
                        con.close()
            if append:
                _merge(path, tmp, list(layers))
            else:
                _refuse_if_in_use(path)
                if path.exists():
                    st = path.stat()
                    os.chmod(tmp, st.st_mode & 0o7777)
                    with suppress(OSError):
                        os.chown(tmp, st.st_uid, st.st_gid)
                _fsync(tmp)
                os.replace(tmp, path)
                _fsync(path.parent)
        finally:
            _unlink_with_sidecars(tmp)
    return path


@contextmanager
def _unsynced_sqlite():
    """GDAL's SQLite writes without waiting for the disk after each commit (``OGR_SQLITE_SYNCHRONOUS=OFF``),
    for the scratch file only: 20 % of a GeoPackage's writing time on an SSD, far more on a slow disk."""
    before = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": before})


def _fsync(path: Path) -> None:
    """Wait until ``path`` (a file, or a folder's entries) is on the disk, where the system allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if path.is_dir():  # a folder cannot be opened on Windows: its entries are written through there
            return
        raise
    try:
        os.fsync(fd)
    except OSError as e:  # some file systems cannot sync a folder; a file that cannot be synced is an error
        if not (path.is_dir() and e.errno in (errno.EINVAL, errno.ENOTSUP, errno.EBADF)):
            raise
    finally:
        os.close(fd)
