"""Chinese text in maps without boxes: a system CJK font when there is one, else the bundled subset.

geolink ships a subset of Noto Sans CJK SC (SIL Open Font License 1.1) covering GB 2312 and every
character of its bundled names and texts (``data/fonts/``, built by ``data/fonts/build_font.py``),
so maps render Chinese on a machine with no CJK font installed, without a warning.
"""

from __future__ import annotations

import functools
import warnings

#: Installed fonts with Simplified Chinese glyphs, most preferred first (Linux, Windows, macOS).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)

#: Family name of the bundled subset (``data/fonts/NotoSansCJKsc-Regular-subset.otf``).
BUNDLED_FONT = "Noto Sans CJK SC geolink subset"
BUNDLED_FILE = "NotoSansCJKsc-Regular-subset.otf"

#: CSS ``font-family`` list for web pages: the same faces as the PNG maps where installed, then the
#: bundled subset, which :func:`css_font_face` embeds in the page (so no boxes without a CJK font).
CSS_FONT_STACK = (
    "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Hiragino Sans GB',"
    f"'Microsoft YaHei','WenQuanYi Micro Hei','{BUNDLED_FONT}',sans-serif"
)

_FILE_HINTS = (
    "notosanscjk",
    "notosanssc",
    "sourcehansans",
    "wqy-microhei",
    "wqy-zenhei",
    "msyh",
    "simhei",
    "pingfang",
)


@functools.cache
def cjk_font() -> str | None:
    """Make matplotlib draw Chinese: put a CJK font first in its sans-serif list and return its name.

    An installed system font from :data:`CJK_FONTS` is preferred; without one, the bundled
    subset of Noto Sans CJK SC is registered (``font_manager.addfont``) and used, silently.
    DejaVu Sans follows as the fallback for glyphs the CJK font lacks.  Runs once per process.

    Returns
    -------
    str or None
        The family name now first in ``rcParams['font.sans-serif']``; None (with a warning)
        only if the bundled font file is missing from a broken installation.

    Examples
    --------
    >>> name = cjk_font()
    >>> name in CJK_FONTS or name == BUNDLED_FONT
    True
    >>> import matplotlib as mpl
    >>> mpl.rcParams["font.sans-serif"][0] == name
    True
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    from geolink._paths import bundled

    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed & set(CJK_FONTS):
        # installed after matplotlib cached its font list: register the files directly
        for path in font_manager.findSystemFonts():
            if any(key in path.lower() for key in _FILE_HINTS):
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    name = next((n for n in CJK_FONTS if n in installed), None)
    if name is None:
        try:
            path = bundled("data") / "fonts" / BUNDLED_FILE
        except FileNotFoundError:
            path = None
        if path is None or not path.is_file():
            warnings.warn(
                f"geolink's bundled CJK font ({BUNDLED_FILE}) is missing and no system CJK font was "
                "found: Chinese labels will show as boxes. Reinstall geolink, or install a font, e.g. "
                "'apt-get install fonts-noto-cjk' (Debian/Ubuntu), then restart Python",
                stacklevel=2,
            )
            return None
        font_manager.fontManager.addfont(str(path))
        name = BUNDLED_FONT
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f not in (name, "DejaVu Sans")]
    mpl.rcParams["font.sans-serif"] = [name, "DejaVu Sans", *rest]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    return name


def css_font_face(text: str) -> str:
    """A CSS ``@font-face`` rule embedding the bundled font's glyphs for the characters of ``text``.

    Web pages name :data:`CSS_FONT_STACK`: a browser with an installed CJK font draws with it, one
    without (a server, a minimal desktop) draws with these glyphs instead of boxes.  The glyphs of
    printable ASCII and of every character of ``text`` that the bundled font has are cut out of it
    with fontTools into a WOFF font (zlib-compressed OpenType; its copyright and licence records
    kept, as the SIL Open Font License asks) in a ``data:`` URI: about 80 kB for the 440 distinct
    characters of a national map.  Subsetting takes about a second; the result is kept in the user
    cache per character set.

    Parameters
    ----------
    text : every text the page shows.

    Returns
    -------
    str
        The rule, for a ``<style>`` element; ``""`` when the bundled font is missing.

    Examples
    --------
    >>> from geolink.fonts import BUNDLED_FONT, css_font_face
    >>> rule = css_font_face("广州市 城镇化率")
    >>> rule.startswith("@font-face{font-family:'" + BUNDLED_FONT + "';src:url(data:font/woff;base64,d09G")
    True
    """
    import base64
    import hashlib
    import unicodedata

    from geolink._paths import bundled, file_digest
    from geolink._store import stored

    try:
        path = bundled("data") / "fonts" / BUNDLED_FILE
    except FileNotFoundError:
        return ""
    if not path.is_file():
        return ""
    # every character but controls, formats, surrogates and unassigned (spaces such as U+3000 included)
    drawn = (ord(c) for c in text if ord(c) > 0x7E and not unicodedata.category(c).startswith("C"))
    codepoints = sorted({*range(0x20, 0x7F), *drawn})
    key = hashlib.sha256(",".join(map(str, codepoints)).encode()).hexdigest()[:16]
    woff = stored(
        lambda: f"webfont_{file_digest(path)}_{key}.woff",
        lambda: _woff_subset(path, codepoints),
        lambda data: data if _is_woff(data) else None,
    )
    return (f"@font-face{{font-family:'{BUNDLED_FONT}';src:url(data:font/woff;base64,"
            f"{base64.b64encode(woff).decode()}) format('woff');font-display:block}}")


def _woff_subset(path, codepoints: list[int]) -> bytes:
    """The glyphs of ``codepoints`` that the font at ``path`` has, as a WOFF file."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]  # keep the copyright, licence and designer records
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = TTFont(path, lazy=True, recalcTimestamp=False)  # the same bytes for the same characters
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out)
    return out.getvalue()


def _is_woff(data: bytes) -> bool:
    """A whole WOFF file: its signature, and the length its header gives."""
    return len(data) > 44 and data[:4] == b"wOFF" and int.from_bytes(data[8:12], "big") == len(data)
