"""GeoPackage output: several layers in one file, QGIS default styles, atomic writes.

* spatial layers (GeoDataFrames, written in WGS 84) and attribute-only tables
  (DataFrames: ``gpkg_contents.data_type = 'attributes'``), each with a
  description in ``gpkg_contents``;
* field names sanitised to ASCII (Chinese → pinyin), ≤ 63 characters, unique;
  the original names are kept as field titles in ``gpkg_data_columns`` (the
  GeoPackage schema extension) and as aliases in the QGIS style;
* a graduated QGIS style per choropleth layer in ``layer_styles`` (QML,
  ``useAsDefault = 1``), built from the same :class:`geolink.Classes`
  as the PNG and web maps, so the layer opens styled in QGIS;
* the file is written to a temporary file beside the target and renamed over
  it only when complete: a failure never leaves a half-written file.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

import geopandas as gpd
import pandas as pd
import pyogrio

if TYPE_CHECKING:
    from geolink.classes import Classes

MAX_FIELD = 63


def sanitise_names(names) -> dict[str, str]:
    """Original column name → ASCII field name (pinyin for Chinese, ``[a-z0-9_]``, ≤ 63, unique)."""
    from pypinyin import lazy_pinyin

    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        text = unicodedata.normalize("NFKC", str(name))
        segments = re.split(r"([\u3400-\u9fff]+)", text)
        parts = ["".join(lazy_pinyin(seg)) if re.match(r"[\u3400-\u9fff]", seg) else seg for seg in segments]
        ascii_ = "_".join(p for p in parts if p).encode("ascii", "ignore").decode()
        field = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_).strip("_").lower() or "field"
        if field[0].isdigit():
            field = "f_" + field
        field = field[:MAX_FIELD]
        base, n = field, 2
        while field in used or field == "fid" or field == "geom":
            suffix = f"_{n}"
            field, n = base[: MAX_FIELD - len(suffix)] + suffix, n + 1
        used.add(field)
        out[name] = field
    return out


@dataclass
class Style:
    """A graduated style for one column of a spatial layer."""

    column: str
    classes: Classes
    title: str = ""
    outline: str = "#666666"


def _qml(style: Style, field: str, aliases: Mapping[str, str], geom_type: str) -> str:
    """QGIS QML document: graduated renderer on ``field`` plus field aliases."""
    kind = {"Point": "marker", "MultiPoint": "marker", "LineString": "line", "MultiLineString": "line"}.get(
        geom_type, "fill"
    )

    def symbol(i: int, color: str) -> str:
        r, g, b = (int(color[j : j + 2], 16) for j in (1, 3, 5))
        layer_class = {"fill": "SimpleFill", "line": "SimpleLine", "marker": "SimpleMarker"}[kind]
        return (
            f'<symbol type="{kind}" name="{i}" alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="{layer_class}" enabled="1" locked="0" pass="0">'
            f'<Option type="Map"><Option type="QString" name="color" value="{r},{g},{b},255"/>'
            f'<Option type="QString" name="outline_color" value="{_rgb(style.outline)},255"/>'
            f'<Option type="QString" name="outline_width" value="0.2"/>'
            f'<Option type="QString" name="style" value="solid"/></Option></layer></symbol>'
        )

    c = style.classes
    ranges = "".join(
        f'<range lower="{lo!r}" upper="{up!r}" symbol="{i}" label={quoteattr(label)} render="true"/>'
        for i, (lo, up, label) in enumerate(zip(c.lower, c.upper, c.labels, strict=True))
    )
    symbols = "".join(symbol(i, color) for i, color in enumerate(c.colors))
    alias_xml = "".join(
        f'<alias field={quoteattr(f)} name={quoteattr(orig)} index="{i}"/>'
        for i, (orig, f) in enumerate(aliases.items())
    )
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis version="3.28.0" styleCategories="Symbology|Fields">'
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(field)} graduatedMethod="GraduatedColor" '
        'symbollevels="0" enableorderby="0" forceraster="0">'
        f"<ranges>{ranges}</ranges><symbols>{symbols}</symbols>"
        f'<classificationMethod id="{escape(c.scheme)}"/></renderer-v2>'
        f"<aliases>{alias_xml}</aliases></qgis>"
    )


def _rgb(color: str) -> str:
    return ",".join(str(int(color[j : j + 2], 16)) for j in (1, 3, 5))


_LAYER_STYLES = """CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"""
_DATA_COLUMNS = """CREATE TABLE IF NOT EXISTS gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,
  mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
  CONSTRAINT gdc_tn UNIQUE (table_name, name))"""


_EXTENSIONS = """CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"""


def _register(con: sqlite3.Connection, table: str, data_type: str, description: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
        "VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
        (table, data_type, table, description),
    )


def _write_metadata(
    path: Path, layer: str, renamed: Mapping[str, str], style: Style | None, geom_type: str | None
):
    with sqlite3.connect(path) as con:
        con.execute(_DATA_COLUMNS)
        con.execute(_EXTENSIONS)
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "VALUES ('gpkg_data_columns', NULL, 'gpkg_schema', "
            "'http://www.geopackage.org/spec/#extension_schema', 'read-write')"
        )
        con.execute("DELETE FROM gpkg_data_columns WHERE table_name = ?", (layer,))
        con.executemany(
            "INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (?, ?, ?, ?)",
            [(layer, field, f"{layer}.{field}", str(orig)) for orig, field in renamed.items()],
        )
        if style is not None:
            con.execute(_LAYER_STYLES)
            _register(con, "layer_styles", "attributes", "QGIS layer styles")
            con.execute("DELETE FROM layer_styles WHERE f_table_name = ?", (layer,))
            qml = _qml(style, renamed[style.column], renamed, geom_type or "Polygon")
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
                "VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, 'geolink', NULL)",
                (layer, f"{layer} {style.column}", qml, style.title or f"graduated on {style.column}"),
            )


def to_gpkg(
    path,
    layers: Mapping[str, pd.DataFrame],
    descriptions: Mapping[str, str] | None = None,
    styles: Mapping[str, Style] | None = None,
    mode: str = "overwrite",
) -> Path:
    """Write layers to one GeoPackage, atomically.

    Parameters
    ----------
    path : target ``.gpkg``.
    layers : layer name → GeoDataFrame (spatial layer, reprojected to
        EPSG:4326) or DataFrame (attribute-only table).
    descriptions : layer name → description stored in ``gpkg_contents``.
    styles : layer name → :class:`Style`, stored as the layer's default QGIS style.
    mode : ``'overwrite'`` replaces the whole file; ``'append'`` keeps the
        existing file's other layers and replaces same-named ones.

    Returns the path.  The work happens in a temporary copy next to ``path``,
    renamed over it at the end; on any error the temporary file is removed
    and ``path`` is untouched.
    """
    if mode not in ("overwrite", "append"):
        raise ValueError(f"mode must be 'overwrite' or 'append', got {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptions, styles = descriptions or {}, styles or {}
    unknown = set(styles) - set(layers)
    if unknown:
        raise KeyError(f"styles given for layers that are not written: {sorted(unknown)}")
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp.gpkg")
    try:
        if mode == "append" and path.exists():
            shutil.copyfile(path, tmp)
        for name, frame in layers.items():
            renamed = sanitise_names(
                [c for c in frame.columns if c != getattr(frame, "_geometry_column_name", None)]
            )
            out = frame.rename(columns=renamed)
            geom_type = None
            if isinstance(frame, gpd.GeoDataFrame):
                out = out.to_crs("EPSG:4326") if out.crs is not None else out.set_crs("EPSG:4326")
                geom_type = out.geom_type.dropna().iloc[0] if out.geom_type.notna().any() else None
            if name in styles and styles[name].column not in renamed:
                raise KeyError(f"style column {styles[name].column!r} not in layer {name!r}")
            pyogrio.write_dataframe(
                out,
                tmp,
                layer=name,
                driver="GPKG",
                append=False,
                layer_options={"DESCRIPTION": descriptions.get(name, ""), "OVERWRITE": "YES"},
                dataset_options={"VERSION": "1.2"},  # readable by GDAL < 3.7 (older QGIS) too
            )
            _write_metadata(tmp, name, renamed, styles.get(name), geom_type)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
