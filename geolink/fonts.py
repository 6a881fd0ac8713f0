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

#: CSS ``font-family`` list for the web maps: the same faces as the PNG maps where installed.
CSS_FONT_STACK = (
    "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Hiragino Sans GB',"
    "'Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
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
