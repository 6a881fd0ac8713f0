"""Data derived from bundled files (outlines, simplifications, font subsets), kept in the user cache.

Computing a province's or an agglomeration's outline, a national simplification or a web font
takes tenths of a second in every new process; the result is written once into the user cache and
read back in milliseconds.  Files are named by what they were computed from (a digest of the
source file; for geometry also the GEOS version), so a new source computes them again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely

from geolink._paths import cache_dir, replace_atomically


def stored_geometries(name: Callable[[], str], n: int, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """``compute()`` (``n`` geometries), kept in the user cache and read from there later.

    ``name()`` says what the input is (e.g. ``f"provinces_{file digest}"``); the GEOS version is
    added.  A missing, truncated or foreign file is computed again and rewritten; a cache that
    cannot be written is skipped (computed in every process).
    """
    try:
        path = cache_dir() / f"{name()}_{shapely.geos_version_string}.npz"
    except OSError:
        return compute()
    stored = _read_geometries(path, n)
    if stored is not None:
        return stored
    geometries = compute()
    _write_geometries(path, geometries)
    return geometries


def _read_geometries(path, n: int) -> np.ndarray | None:
    """The ``n`` geometries stored by :func:`_write_geometries`, or None if absent or unreadable."""
    try:
        with np.load(path) as stored:
            blob, offsets = stored["wkb"].tobytes(), stored["offsets"]
        if len(offsets) != n + 1:
            return None
        return shapely.from_wkb([blob[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)])
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign file is rebuilt, never trusted
        return None


def _write_geometries(path, geometries: np.ndarray) -> None:
    """Geometries as WKB bytes and offsets in one ``.npz`` (a read-only cache is skipped)."""
    wkb = shapely.to_wkb(geometries)
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in wkb])])
    blob = np.frombuffer(b"".join(wkb), dtype=np.uint8)

    def write(tmp):
        with open(tmp, "wb") as f:
            np.savez(f, wkb=blob, offsets=offsets)

    try:
        replace_atomically(path, write)
    except OSError:
        pass


def stored_bytes(name: Callable[[], str], compute: Callable[[], bytes], valid: Callable[[bytes], bool]) -> bytes:
    """``compute()``, kept in the user cache as the file ``name()`` and read from there later.

    A stored file that ``valid`` rejects (truncated, foreign) is computed again and rewritten; a
    cache that cannot be written is skipped.
    """
    try:
        path = cache_dir() / name()
    except OSError:
        return compute()
    try:
        data = path.read_bytes()
        if valid(data):
            return data
    except OSError:
        pass
    data = compute()
    try:
        replace_atomically(path, lambda tmp: tmp.write_bytes(data))
    except OSError:
        pass
    return data
