"""Data derived from bundled files (outlines, contiguity, simplifications, font subsets), kept in the user cache.

Computing a province's or an agglomeration's outline, the units' contiguity, a national
simplification or a web font takes tenths of a second in every new process; the result is written
once into the user cache and read back in milliseconds.  Files are named by what they were
computed from (a digest of the source file; for geometry also the GEOS version), so a new source
computes them again.  A missing, truncated or foreign file is computed again and rewritten; a
cache that cannot be written is skipped (computed in every process).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import shapely

from geolink._paths import cache_dir, replace_atomically

T = TypeVar("T")


def stored(name: Callable[[], str], compute: Callable[[], bytes], load: Callable[[bytes], T | None]) -> T:
    """``load(compute())``, the bytes kept in the user cache as the file ``name()`` and read from there
    later; a stored file ``load`` rejects (returns None for) is computed again and rewritten."""
    try:
        path = cache_dir() / name()
    except OSError:
        return load(compute())
    try:
        found = load(path.read_bytes())
        if found is not None:
            return found
    except OSError:
        pass
    data = compute()
    try:
        replace_atomically(path, lambda tmp: tmp.write_bytes(data))
    except OSError:
        pass
    return load(data)


def stored_arrays(
    name: Callable[[], str], compute: Callable[[], dict[str, np.ndarray]], valid: Callable[[dict], bool]
) -> dict[str, np.ndarray]:
    """``compute()`` (named numeric arrays), kept in the user cache as ``name()`` + ``.npz``.

    ``valid(arrays)`` checks what was read (the expected names and lengths).
    """

    def pack() -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, **compute())
        return buffer.getvalue()

    def load(data: bytes) -> dict[str, np.ndarray] | None:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in npz.files}
            return arrays if valid(arrays) else None
        except Exception:  # noqa: BLE001 - a truncated or foreign file is rebuilt, never trusted
            return None

    return stored(lambda: f"{name()}.npz", pack, load)


def stored_geometries(name: Callable[[], str], n: int, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """``compute()`` (``n`` geometries), kept in the user cache as WKB.

    ``name()`` says what the input is (e.g. ``f"provinces_{file digest}"``); the GEOS version is added.
    """

    def pack() -> dict[str, np.ndarray]:
        wkb = shapely.to_wkb(compute())
        offsets = np.concatenate([[0], np.cumsum([len(b) for b in wkb])])
        return {"wkb": np.frombuffer(b"".join(wkb), dtype=np.uint8), "offsets": offsets}

    arrays = stored_arrays(
        lambda: f"{name()}_{shapely.geos_version_string}",
        pack,
        lambda arrays: set(arrays) == {"wkb", "offsets"} and len(arrays["offsets"]) == n + 1
        and arrays["offsets"][-1] == len(arrays["wkb"]),
    )
    blob, offsets = arrays["wkb"].tobytes(), arrays["offsets"]
    return shapely.from_wkb([blob[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)])
