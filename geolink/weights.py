"""Spatial weights for prefecture-level units as libpysal ``Graph`` objects (indexed by adcode).

Contiguity comes from :func:`geolink.spatial.contiguity` (cached); k nearest
neighbours, distance bands and inverse distances use the units' area
centroids (China Albers equal-area projection, :func:`geolink.spatial.centroids`)
and geodesic distances on the WGS 84 ellipsoid (pyproj ``Geod``), never
degrees.  Candidate neighbours are found with a KD-tree on the unit sphere.

Units without a neighbour (三沙, Taiwan) and groups of units detached from
the rest (Hainan's units) are reported with a warning; ``link_islands=True``
links each to its nearest unit instead.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
from pyproj import Geod
from scipy.spatial import cKDTree

from geolink._checks import one_label_per_unit

KINDS = ("queen", "rook", "knn", "distance_band", "inverse_distance")
GEOD = Geod(ellps="WGS84")
EARTH_KM = 6371.0088  # mean radius, only to convert a km radius to a chord for the KD-tree searches


@functools.cache
def _centroids(resolution: str) -> pd.DataFrame:
    """Area centroids of all units (:func:`geolink.spatial.centroids`), kept in the user cache."""
    import shapely

    from geolink._store import stored_geometries
    from geolink.boundaries import boundary_digest, prefectures
    from geolink.spatial import centroids

    units = prefectures(resolution=resolution)
    c = stored_geometries(
        lambda: f"centroids_{boundary_digest(resolution)}", len(units),
        lambda: centroids(units).to_numpy(),
    )
    x, y = shapely.get_x(c), shapely.get_y(c)
    return pd.DataFrame({"name": units["name"].to_numpy(), "lon": x, "lat": y}, index=units.index)


def _xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _km(lon, lat, i, j) -> np.ndarray:
    return GEOD.inv(lon[i], lat[i], lon[j], lat[j])[2] / 1000.0


def _resolve_units(units, table: pd.DataFrame) -> list[str]:
    if units is None:
        return list(table.index)
    codes = [str(u) for u in units]
    unknown = [u for u in codes if u not in table.index]
    if unknown:
        from geolink.names import to_adcode

        try:
            codes = [c if c in table.index else to_adcode(c) for c in codes]
        except (KeyError, ValueError) as err:
            raise ValueError(f"units must be prefecture adcodes or names; not understood: {err}") from None
    dup = pd.Index(codes)[pd.Index(codes).duplicated()]
    if len(dup):
        raise ValueError(f"units listed twice: {sorted(set(dup))[:10]}")
    return codes


def _graph(codes: list[str], focal, neighbor, weight):
    """Graph over ``codes`` (units without an edge kept as isolates)."""
    from libpysal.graph import Graph

    idx = pd.Index(codes)
    focal, neighbor, weight = np.asarray(focal, int), np.asarray(neighbor, int), np.asarray(weight, float)
    alone = np.setdiff1d(np.arange(len(codes)), focal)
    focal = np.concatenate([focal, alone])
    neighbor = np.concatenate([neighbor, alone])
    weight = np.concatenate([weight, np.zeros(len(alone))])
    order = np.lexsort((neighbor, focal))
    return Graph.from_arrays(idx[focal[order]], idx[neighbor[order]], weight[order])


def _knn(xyz: np.ndarray, lon, lat, k: int, label: np.ndarray):
    """The ``k`` nearest units of the same group by geodesic distance (ties: the lower position first).

    The KD-tree on the unit sphere finds candidates: the ``k`` nearest on the sphere bound the
    ``k``-th geodesic distance, and every unit within 1.01 times that bound on the sphere (the
    ellipsoid departs from the mean sphere by less than 0.4 %) is measured geodesically.
    """
    focal, neighbor = [], []
    for g in pd.unique(label):
        members = np.flatnonzero(label == g)
        kk = min(k, len(members) - 1)
        if kk < k:
            warnings.warn(f"group {g!r} has {len(members)} unit(s): {kk} neighbour(s) each instead of k={k}", stacklevel=4)
        if kk < 1:
            continue
        tree = cKDTree(xyz[members])
        _, nn = tree.query(xyz[members], k=kk + 1)
        for row, i in enumerate(members):
            first = members[nn[row]]
            bound = np.sort(_km(lon, lat, np.full(len(first), i), first))[kk]  # [0] is the unit itself
            chord = 2 * np.sin(min(bound * 1.01 / EARTH_KM, np.pi) / 2)
            near = members[tree.query_ball_point(xyz[i], chord)]
            near = np.sort(near[near != i])
            d = _km(lon, lat, np.full(len(near), i), near)
            others = near[np.argsort(d, kind="stable")[:kk]]
            focal += [i] * len(others)
            neighbor += list(others)
    return np.array(focal, int), np.array(neighbor, int)


def _pairs_within(xyz: np.ndarray, lon, lat, threshold_km: float | None):
    """All ordered pairs (i ≠ j) within ``threshold_km`` geodesic km (all pairs if None), with distances."""
    n = len(xyz)
    if threshold_km is None:
        i, j = np.nonzero(~np.eye(n, dtype=bool))
    else:
        chord = 2 * np.sin(min(threshold_km * 1.01 / EARTH_KM, np.pi) / 2)
        pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
        i = np.concatenate([pairs[:, 0], pairs[:, 1]]).astype(int)
        j = np.concatenate([pairs[:, 1], pairs[:, 0]]).astype(int)
    d = _km(lon, lat, i, j)
    keep = np.ones(len(d), bool) if threshold_km is None else d <= threshold_km
    return i[keep], j[keep], d[keep]


def _link_detached(graph, codes, label, lon, lat, weight_of):
    """Link every component but the largest of each group to its nearest unit of the same group."""
    idx = pd.Index(codes)
    links = []
    while True:
        comp = graph.component_labels.reindex(idx).to_numpy()
        todo = None
        for g in pd.unique(label):
            members = np.flatnonzero(label == g)
            sizes = pd.Series(comp[members]).value_counts()
            if len(sizes) > 1:
                todo = (members, sizes.index[-1])
                break
        if todo is None:
            break
        members, smallest = todo
        inside = members[comp[members] == smallest]
        outside = members[comp[members] != smallest]
        i, j = np.repeat(inside, len(outside)), np.tile(outside, len(inside))
        d = _km(lon, lat, i, j)
        a, b, dist = i[np.argmin(d)], j[np.argmin(d)], float(d.min())
        links.append({"focal": codes[a], "neighbor": codes[b], "distance_km": dist})
        adj = graph.adjacency
        adj = adj[adj > 0].reset_index()
        extra = pd.DataFrame({"focal": [codes[a], codes[b]], "neighbor": [codes[b], codes[a]], "weight": weight_of(dist)})
        both = pd.concat([adj, extra], ignore_index=True)
        graph = _graph(codes, idx.get_indexer(both["focal"]), idx.get_indexer(both["neighbor"]), both["weight"])
    return graph, pd.DataFrame(links, columns=["focal", "neighbor", "distance_km"])


def _describe(codes, names, limit: int = 10) -> str:
    more = f" and {len(codes) - limit} more" if len(codes) > limit else ""
    return ", ".join(f"{c} {names[c]}" for c in codes[:limit]) + more


def spatial_weights(
    kind: str = "queen",
    *,
    units=None,
    k: int = 5,
    threshold_km: float | None = None,
    alpha: float = -1.0,
    link_islands: bool = False,
    within=None,
    overlap: str = "raise",
    resolution: str = "display",
):
    """Spatial weights between prefecture-level units, as a libpysal ``Graph`` indexed by adcode.

    Parameters
    ----------
    kind : ``'queen'`` (units sharing at least one boundary point), ``'rook'``
        (sharing an edge), ``'knn'`` (the ``k`` nearest area centroids),
        ``'distance_band'`` (centroids within ``threshold_km`` geodesic km;
        weight 1) or ``'inverse_distance'`` (weight ``d**alpha``, d in
        geodesic km between centroids; all pairs, or those within
        ``threshold_km``).
    units : adcodes or names of the units to include (default: all 370).
    k : neighbours per unit for ``'knn'``.
    threshold_km : distance band in km (required for ``'distance_band'``).
    alpha : distance exponent for ``'inverse_distance'`` (−1: 1/d; −2: gravity).
    link_islands : link every unit without a neighbour, and every group of
        units detached from the rest, to its nearest unit (centroid to
        centroid; weight 1, or ``d**alpha`` for inverse distance).  Default:
        report them with a ``UserWarning``.
    within : a grouping (registry id such as ``'eight'`` or ``'gba'``, a
        registered grouping, or a table with ``adcode`` and ``group``): links
        only between units of the same group; units outside every group are
        left out (or raise when listed in ``units``).
    overlap : how units in several groups of ``within`` are assigned
        (see :func:`geolink.agglomeration_groups`).
    resolution : boundary resolution for contiguity and centroids.

    Returns
    -------
    libpysal.graph.Graph, binary weights (``'inverse_distance'``: raw
    ``d**alpha``), not row-standardised (``graph.transform('r')`` does).
    ``graph.isolates`` lists units without neighbours; ``graph.detached``
    lists the groups of units (tuples of adcodes) not connected to the
    largest component of their group; ``graph.linked`` is a table
    (``focal``, ``neighbor``, ``distance_km``) of the links added by
    ``link_islands``.

    Examples
    --------
    >>> g = spatial_weights("queen")  # doctest: +SKIP
    UserWarning: queen weights: 2 unit(s) without a neighbour: 460300 三沙市, 710000 台湾省; ...
    >>> g = spatial_weights("queen", link_islands=True)
    >>> g.n, len(g.isolates), sorted(g.linked["focal"] + "-" + g.linked["neighbor"])
    (370, 0, ['460100-440800', '460300-469028', '710000-350300'])
    >>> knn = spatial_weights("knn", k=4, within="gba")
    >>> knn.n, int(knn.cardinalities.max())
    (11, 4)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if kind == "knn" and not (isinstance(k, (int, np.integer)) and k >= 1):
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if kind == "distance_band" and threshold_km is None:
        raise ValueError("kind='distance_band' needs threshold_km (in km)")
    if threshold_km is not None and not threshold_km > 0:
        raise ValueError(f"threshold_km must be positive, got {threshold_km!r}")
    table = _centroids(resolution)
    codes = _resolve_units(units, table)
    if within is not None:
        from geolink.agglomerations import group_mapping

        groups = group_mapping(within, overlap=overlap)[0]
        outside = [c for c in codes if c not in groups.index]
        if units is not None and outside:
            raise ValueError(f"unit(s) in no group of within={within!r}: {_describe(outside[:10], table['name'])}")
        codes = [c for c in codes if c in groups.index]
        label = groups.reindex(codes).to_numpy()
    else:
        label = np.zeros(len(codes), int)
    sub = table.loc[codes]
    lon, lat = sub["lon"].to_numpy(), sub["lat"].to_numpy()
    xyz = _xyz(lon, lat)

    def weight_of(d):
        return np.power(d, alpha) if kind == "inverse_distance" else np.ones_like(np.asarray(d, float))

    if kind in ("queen", "rook"):
        from geolink.spatial import contiguity

        adj = contiguity(resolution=resolution, rook=kind == "rook").adjacency
        adj = adj[adj > 0].reset_index()
        idx = pd.Index(codes)
        i, j = idx.get_indexer(adj["focal"]), idx.get_indexer(adj["neighbor"])
        keep = (i >= 0) & (j >= 0)
        i, j = i[keep], j[keep]
    elif kind == "knn":
        i, j = _knn(xyz, lon, lat, k, label)
    else:
        i, j, _ = _pairs_within(xyz, lon, lat, threshold_km)
    same = label[i] == label[j]
    i, j = i[same], j[same]
    w = weight_of(_km(lon, lat, i, j)) if kind == "inverse_distance" else np.ones(len(i))
    graph = _graph(codes, i, j, w)

    comp = graph.component_labels.reindex(codes).to_numpy()
    detached = []
    for g in pd.unique(label):
        members = np.flatnonzero(label == g)
        sizes = pd.Series(comp[members]).value_counts()
        detached += [tuple(codes[m] for m in members if comp[m] == c) for c in sizes.index[1:]]
    isolates = [c for c in codes if c in set(graph.isolates)]
    linked = pd.DataFrame(columns=["focal", "neighbor", "distance_km"])
    if detached and link_islands:
        graph, linked = _link_detached(graph, codes, label, lon, lat, weight_of)
    elif detached:
        several = [d for d in detached if len(d) > 1]
        groups_txt = "; ".join(_describe(d, table["name"], 3) for d in several[:5])
        groups_txt += f"; and {len(several) - 5} more groups" if len(several) > 5 else ""
        warnings.warn(
            f"{kind} weights: {len(isolates)} unit(s) without a neighbour"
            + (f": {_describe(isolates, table['name'])}" if isolates else "")
            + (f"; detached from the rest: {groups_txt}" if groups_txt else "")
            + ". Pass link_islands=True to link each to its nearest unit.",
            UserWarning,
            stacklevel=2,
        )
    graph.detached = detached
    graph.linked = linked
    return graph


def as_graph(weights, units, *, resolution: str = "display"):
    """The ``Graph`` for ``weights`` (a Graph or a kind) restricted to ``units``, in that order.

    A kind builds the weights with :func:`spatial_weights` on ``units``
    (islands linked to their nearest unit: every unit gets a neighbour; the
    links are listed on ``graph.linked``); a Graph must contain every unit.

    Parameters
    ----------
    weights : a libpysal Graph or a kind of :func:`spatial_weights`.
    units : the unit ids, in the order wanted.
    resolution : boundary resolution when a kind is built.

    Returns
    -------
    libpysal.graph.Graph over exactly ``units``.

    Examples
    --------
    >>> g = as_graph("rook", ["440300", "440100", "440600"])
    >>> list(g.unique_ids), len(g.isolates), g.linked["focal"].tolist()
    (['440300', '440100', '440600'], 0, ['440300'])
    """
    units = [str(u) if not isinstance(u, str) else u for u in units] if not hasattr(weights, "adjacency") else list(units)
    if isinstance(weights, str):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            graph = spatial_weights(weights, units=units, link_islands=True, resolution=resolution)
        return graph
    if not hasattr(weights, "adjacency"):
        raise TypeError(f"weights must be a libpysal Graph or one of {KINDS}, got {type(weights).__name__}")
    ids = pd.Index(weights.unique_ids)
    missing = [u for u in units if u not in ids]
    if missing:
        raise ValueError(f"{len(missing)} unit(s) not in the weights graph: {missing[:10]}")
    graph = weights if len(units) == len(ids) and list(ids) == units else weights.subgraph(units)
    if list(graph.unique_ids) != units:
        adj = graph.adjacency
        adj = adj.reset_index()
        graph = _graph(units, pd.Index(units).get_indexer(adj["focal"]), pd.Index(units).get_indexer(adj["neighbor"]), adj["weight"])
    keep = set(units)  # what the full graph says of the units kept
    if hasattr(weights, "linked"):
        linked = weights.linked
        graph.linked = linked[linked["focal"].isin(keep) & linked["neighbor"].isin(keep)].reset_index(drop=True)
    if hasattr(weights, "detached"):
        graph.detached = [d for d in (tuple(u for u in group if u in keep) for group in weights.detached) if d]
    return graph


def isolated(graph) -> list:
    """Units of ``graph`` without a neighbour (e.g. an island whose linked neighbour has no value)."""
    return list(pd.Index(graph.unique_ids).intersection(graph.isolates, sort=False))


def _as_adcodes(labels: pd.Series, weights) -> tuple[pd.Series, list[str]]:
    """Unit labels as adcodes (names resolved), for weights built from the bundled boundaries."""
    known = _centroids("display").index
    text = labels.astype(str)
    if text.isin(known).all():
        return text, []
    from geolink.names import resolve_names

    uniq = pd.unique(labels)
    res = resolve_names(uniq)
    bad = res["adcode"].isna().to_numpy()
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} unit(s) are not prefecture-level units, so weights={weights!r} cannot be built: "
            f"{list(uniq[bad][:10])}; pass a libpysal Graph with their ids instead"
        )
    return labels.map(dict(zip(uniq, res["adcode"], strict=True))), ["unit names resolved to adcodes"]


def graph_for(frame: pd.DataFrame, weights) -> tuple[pd.DataFrame, object, list[str]]:
    """(frame, graph, notes) for a frame with a ``unit`` column and ``weights`` (a Graph or a kind).

    A kind: unit labels become adcodes and the weights are built on the
    frame's units with islands linked (said in ``notes``); a Graph must
    contain every unit.  The graph is not row-standardised.

    Parameters
    ----------
    frame : table with a ``unit`` column (adcodes or names when ``weights`` is a kind).
    weights : a libpysal Graph or a kind of :func:`spatial_weights`.

    Returns
    -------
    (frame with its units as the graph's ids, Graph over the frame's units, notes)

    Examples
    --------
    >>> import pandas as pd
    >>> frame, g, notes = graph_for(pd.DataFrame({"unit": ["广州市", "佛山市", "肇庆市"]}), "queen")
    >>> frame["unit"].tolist(), int(g.n_edges), notes
    (['440100', '440600', '441200'], 4, ['unit names resolved to adcodes'])
    """
    notes: list[str] = []
    if isinstance(weights, str):
        units, notes = _as_adcodes(frame["unit"], weights)
        one_label_per_unit(frame, units)
        frame = frame.assign(unit=units.to_numpy())
    graph = as_graph(weights, list(pd.unique(frame["unit"])))
    linked = getattr(graph, "linked", None)
    if linked is not None and len(linked):
        pairs = ", ".join(f"{a}–{b} ({d:.0f} km)" for a, b, d in linked.itertuples(index=False))
        notes.append(f"units without a neighbour or detached from the rest were linked to their nearest unit: {pairs}")
    return frame, graph, notes
