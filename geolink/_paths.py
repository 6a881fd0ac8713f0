"""Where geolink's bundled files live, installed or in a source checkout."""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def bundled(kind: str) -> Path:
    """Directory of bundled ``'boundaries'`` or ``'data'`` files.

    A wheel carries them inside the package (``geolink/_bundled/<kind>``); a
    source checkout or editable install reads the repository folders.
    """
    for candidate in (_HERE / "_bundled" / kind, _HERE.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"geolink's bundled '{kind}' folder is missing; reinstall geolink")


def cache_dir() -> Path:
    """User cache directory (``$GEOLINK_CACHE_DIR`` or the platform default)."""
    env = os.environ.get("GEOLINK_CACHE_DIR")
    if env:
        path = Path(env)
    else:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir("geolink"))
    path.mkdir(parents=True, exist_ok=True)
    return path
