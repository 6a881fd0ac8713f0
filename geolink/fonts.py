"""A CJK font for matplotlib, so Chinese labels render (no missing-glyph boxes)."""

from __future__ import annotations

import functools
import warnings

#: Fonts with Chinese glyphs, most preferred first (Linux, Windows, macOS).
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
    "Noto Sans CJK JP",
    "Arial Unicode MS",
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
    """Name of an installed CJK font, also put first in matplotlib's sans-serif list; None (with one warning) if none."""
    import matplotlib as mpl
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed & set(CJK_FONTS):
        # installed after matplotlib cached its font list: register the files directly
        for path in font_manager.findSystemFonts():
            if any(key in path.lower() for key in _FILE_HINTS):
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            mpl.rcParams["font.sans-serif"] = [name, *mpl.rcParams["font.sans-serif"]]
            mpl.rcParams["font.family"] = "sans-serif"
            mpl.rcParams["axes.unicode_minus"] = False
            return name
    warnings.warn(
        "no CJK font found: Chinese labels will show as boxes. Install one, e.g. "
        "'apt-get install fonts-noto-cjk' (Debian/Ubuntu) or 'fonts-wqy-microhei', then restart Python",
        stacklevel=2,
    )
    return None
