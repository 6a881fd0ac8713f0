"""Build data/fonts/NotoSansCJKsc-Regular-subset.otf, the CJK font geolink uses when no system one is installed.

Usage: pip install -e '.[build]' && python data/fonts/build_font.py [path/to/NotoSansCJK-Regular.ttc]

Source: Noto Sans CJK SC Regular, the ``NotoSansCJK-Regular.ttc`` collection of Debian's
``fonts-noto-cjk`` package (default ``/usr/share/fonts/opentype/noto/``), SIL Open Font License 1.1.
The subset keeps the glyphs of

- every character of GB 2312 (its 6,763 hanzi and 682 symbols, enumerated through the codec),
- every character of the bundled texts: ``boundaries/*.csv``, the text columns of
  ``boundaries/prefectures.gpkg``, ``data/**/*.csv`` and the string literals of ``geolink/*.py``,
- printable ASCII, Latin-1, general and CJK punctuation, full-width forms and the minus sign,

drops the hinting, the vertical-layout tables and the layout features other than
``ccmp``, ``kern`` and ``liga`` (``locl`` would pull in the JP/KR/TC glyph forms), and renames the family to ``FAMILY`` (a
Modified Version under the OFL; the Reserved Font Name "Source" is not used).  Same input and
fontTools version, same bytes out (the ``head`` timestamps are kept from the source).
"""

from __future__ import annotations

import ast
import hashlib
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"  # the face taken from the collection
OUTPUT = HERE / "NotoSansCJKsc-Regular-subset.otf"
FAMILY = "Noto Sans CJK SC geolink subset"
POSTSCRIPT = "NotoSansCJKsc-Regular-geolink-subset"

BASE_RANGES = (
    (0x20, 0x7E),  # printable ASCII
    (0xA0, 0xFF),  # Latin-1 supplement
    (0x2010, 0x205E),  # general punctuation
    (0x2212, 0x2212),  # minus sign (matplotlib's negative tick labels)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF01, 0xFF5E),  # full-width ASCII forms
)


def gb2312() -> set[str]:
    """Every character of GB 2312 (rows 0xA1–0xF7 × cells 0xA1–0xFE that decode)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def bundled_text(repo: Path = REPO) -> set[str]:
    """Every character of the bundled names and texts that geolink may draw."""
    import pyogrio

    chars: set[str] = set()
    for path in sorted([*(repo / "boundaries").glob("*.csv"), *(repo / "data").rglob("*.csv")]):
        chars |= set(path.read_text(encoding="utf-8"))
    gpkg = repo / "boundaries" / "prefectures.gpkg"
    for layer in pyogrio.list_layers(gpkg)[:, 0]:
        table = pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=False)
        for column in table.columns:
            if table[column].dtype.kind in "OUT" or str(table[column].dtype).startswith(("str", "string")):
                chars |= set("".join(table[column].dropna().astype(str)))
    for path in sorted((repo / "geolink").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                chars |= set(node.value)
    return chars


def wanted(repo: Path = REPO) -> set[str]:
    """The characters the subset must cover (controls and format characters removed)."""
    chars = gb2312() | bundled_text(repo)
    for start, stop in BASE_RANGES:
        chars |= {chr(c) for c in range(start, stop + 1)}
    return {c for c in chars if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")}


def _face_index(source: Path) -> int:
    from fontTools.ttLib import TTCollection

    faces = [f["name"].getDebugName(1) for f in TTCollection(source, lazy=True).fonts]
    if SOURCE_FACE not in faces:
        raise ValueError(f"{source} has no face {SOURCE_FACE!r} (faces: {', '.join(faces)})")
    return faces.index(SOURCE_FACE)


def build(source: Path = DEFAULT_SOURCE, output: Path = OUTPUT) -> dict:
    """Subset ``source``'s SC face to :func:`wanted` and write ``output``; returns a summary."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, fontNumber=_face_index(source), recalcTimestamp=False, lazy=False)
    cmap = font.getBestCmap()
    chars = wanted()
    covered = sorted(ord(c) for c in chars if ord(c) in cmap)
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["ccmp", "kern", "liga"]  # no locl/vert: their JP/KR/TC and vertical forms
    options.drop_tables += ["vhea", "vmtx", "VORG", "BASE"]
    options.name_IDs = ["*"]  # keep the copyright, licence and designer records
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=covered)
    subsetter.subset(font)
    name = font["name"]
    for record in name.names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = POSTSCRIPT
        elif record.nameID == 3:
            record.string = f"{record.toUnicode()};geolink-subset"
    font["CFF "].cff.fontNames = [POSTSCRIPT]
    font.save(output)
    return {
        "output": output.name,
        "bytes": output.stat().st_size,
        "sha256": hashlib.sha256(output.read_bytes()).hexdigest(),
        "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "characters": len(covered),
        "glyphs": font["maxp"].numGlyphs,
        "not_in_source": "".join(sorted(c for c in chars if ord(c) not in cmap)),
    }


if __name__ == "__main__":
    summary = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
    for key, value in summary.items():
        print(f"{key}: {value}")
