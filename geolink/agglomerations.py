"""Urban agglomerations (城市群): membership registry, lookups, outlines, exclusive groups.

The built-in registry is ``boundaries/agglomerations.csv`` (one row per
agglomeration × unit, from the State Council / NDRC plans).  Users add their
own groupings with :func:`register_grouping`; every function here then
accepts the new ids like the built-in ones.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geolink._paths import bundled
from geolink._store import stored_geometries
from geolink.boundaries import boundary_digest, prefectures
from geolink.names import normalise, to_adcode

#: The eight national urban agglomerations of Chen and Wang's co-agglomeration study, in its order.
EIGHT = ("bth", "myr", "yrd", "cp", "cy", "hc", "gzp", "prd")
OVERLAP_RULES = ("raise", "first", "prefer_full", "drop")
_ABBREVIATIONS = {"gba": "gba", "prd": "prd", "bth": "bth", "yrd": "yrd", "jjj": "bth"}
_USER: dict[str, pd.DataFrame] = {}
_GROUPINGS: dict[str, tuple[str, ...]] = {"eight": EIGHT}


@functools.cache
def _builtin() -> pd.DataFrame:
    table = pd.read_csv(bundled("boundaries") / "agglomerations.csv", dtype=str, keep_default_na=False)
    table["plan_year"] = table["plan_year"].astype(int)
    return table


def agglomerations(group: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Membership table: one row per agglomeration × unit.

    Parameters
    ----------
    group : an agglomeration id or name, several, a grouping name
        (``'eight'`` or a registered one), or None for all.

    Returns
    -------
    DataFrame
        ``agglomeration_id``, ``agglomeration_zh``, ``agglomeration_short_zh``,
        ``agglomeration_en``, ``adcode``, ``name``, ``name_en``, ``membership``
        (``full`` | ``partial``), ``counties_note`` (which counties of a
        partial member are in), ``plan``, ``plan_issuer``, ``plan_doc_no``,
        ``plan_year``.  Built-in ids: ``gba prd bth yrd myr cy gzp hc cp``;
        registered groupings follow.

    Examples
    --------
    >>> import geolink
    >>> gba = geolink.agglomerations("gba")
    >>> len(gba), gba["name"].iloc[0]
    (11, '广州市')
    >>> geolink.agglomerations("eight")["agglomeration_id"].nunique()
    8
    """
    table = pd.concat([_builtin(), *_USER.values()], ignore_index=True)
    if group is None:
        return table
    wanted = _resolve_ids(group)
    table = table[table["agglomeration_id"].isin(wanted)]
    order = {a: i for i, a in enumerate(wanted)}
    return table.sort_values("agglomeration_id", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )


@functools.cache
def _id_index() -> dict[str, str]:
    """Normalised id/name → agglomeration id (rebuilt when a grouping is registered or removed)."""
    table = agglomerations()
    index = dict(_ABBREVIATIONS)
    columns = ["agglomeration_id", "agglomeration_zh", "agglomeration_short_zh", "agglomeration_en"]
    for row in table[columns].drop_duplicates().itertuples(index=False):
        for key in row:
            if key:
                index[normalise(key)] = row.agglomeration_id
                index[normalise(key).removesuffix("城市群")] = row.agglomeration_id
    return index


def resolve_id(agglomeration: str) -> str:
    """Agglomeration id from an id, a Chinese name (长三角, 长江三角洲城市群) or an English name.

    Parameters
    ----------
    agglomeration : id, Chinese or English name.

    Returns
    -------
    str
        The id; ``KeyError`` listing the valid ids otherwise.

    Examples
    --------
    >>> import geolink
    >>> geolink.resolve_id("长江三角洲城市群"), geolink.resolve_id("京津冀"), geolink.resolve_id("jjj")
    ('yrd', 'bth', 'bth')
    """
    index = _id_index()
    key = normalise(agglomeration)
    for candidate in (key, key.removesuffix("城市群")):
        if candidate in index:
            return index[candidate]
    valid = ", ".join(dict.fromkeys(agglomerations()["agglomeration_id"]))
    groupings = ", ".join(_GROUPINGS)
    raise KeyError(
        f"unknown agglomeration {agglomeration!r}; valid ids: {valid} (or a Chinese/English name); "
        f"groupings: {groupings}"
    )


def _resolve_ids(ids: str | Iterable[str]) -> list[str]:
    if isinstance(ids, str):
        ids = _GROUPINGS.get(ids, [ids])
    return list(dict.fromkeys(resolve_id(a) for a in ids))


def is_grouping(name) -> bool:
    """Whether ``name`` is an agglomeration id or name, or a grouping name (``'eight'``, registered ones).

    Examples
    --------
    >>> import geolink
    >>> from geolink.agglomerations import is_grouping
    >>> is_grouping("eight"), is_grouping("粤港澳大湾区"), is_grouping("province")
    (True, True, False)
    """
    if not isinstance(name, str):
        return False
    if name in _GROUPINGS:
        return True
    try:
        resolve_id(name)
    except KeyError:
        return False
    return True


def cities_in(agglomeration: str, *, resolution: str = "display", partial: bool = True) -> gpd.GeoDataFrame:
    """The member units of one agglomeration, with their prefecture geometry.

    Parameters
    ----------
    agglomeration : id or name (``'gba'``, ``'长三角'``, ``'Yangtze River Delta'`` …).
    resolution : ``'display'`` or ``'full'`` boundaries.
    partial : keep partial members (a plan including only some of their
        counties: ``membership`` and ``counties_note`` say which); False
        keeps full members only.

    Returns
    -------
    GeoDataFrame
        The units' boundary attributes plus ``agglomeration_id``,
        ``membership``, ``counties_note``; indexed by adcode.

    Examples
    --------
    >>> import geolink
    >>> len(geolink.cities_in("gba")), len(geolink.cities_in("cy")), len(geolink.cities_in("cy", partial=False))
    (11, 16, 12)
    """
    members = agglomerations(agglomeration)
    if not partial:
        members = members[members["membership"] == "full"]
    units = prefectures(resolution=resolution)
    extra = members[["adcode", "agglomeration_id", "membership", "counties_note"]].set_index("adcode")
    return units.loc[extra.index].join(extra)


def agglomeration_outline(
    group: str | Iterable[str] | None = None, *, resolution: str = "display"
) -> gpd.GeoDataFrame:
    """Dissolved outline(s), one row per agglomeration.

    Parameters
    ----------
    group : one id or name, several, a grouping name (``'eight'``) or None for all.
    resolution : ``'display'`` or ``'full'`` boundaries.

    Returns
    -------
    GeoDataFrame (EPSG:4326)
        ``agglomeration_id``, ``agglomeration_zh``, ``agglomeration_en``,
        ``n_units``, ``n_partial``, ``area_km2`` (sum of the member units'
        geodesic areas, km²) and the union of the member prefectures (partial
        members included whole).

    Examples
    --------
    >>> import geolink
    >>> o = geolink.agglomeration_outline("gba")
    >>> o[["agglomeration_id", "n_units", "n_partial"]].to_dict("records")
    [{'agglomeration_id': 'gba', 'n_units': 11, 'n_partial': 0}]
    """
    members = agglomerations(group)
    units = prefectures(resolution=resolution)
    rows = []
    for aid, group in members.groupby("agglomeration_id", sort=False):
        rows.append(
            {
                "agglomeration_id": aid,
                "agglomeration_zh": group["agglomeration_zh"].iloc[0],
                "agglomeration_en": group["agglomeration_en"].iloc[0],
                "n_units": len(group),
                "n_partial": int((group["membership"] == "partial").sum()),
                "area_km2": round(float(units.loc[group["adcode"], "area_km2"].sum()), 2),
                "geometry": _union(tuple(group["adcode"]), resolution),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=units.crs)


@functools.lru_cache(maxsize=64)
def _union(adcodes: tuple[str, ...], resolution: str):
    """The union of these prefecture-level units (they form a coverage: shared borders dissolve exactly),
    kept in the user cache."""

    def name() -> str:
        members = hashlib.sha256(",".join(adcodes).encode()).hexdigest()[:16]
        return f"union_{boundary_digest(resolution)}_{members}"

    def compute() -> np.ndarray:
        geometry = prefectures(resolution=resolution).loc[list(adcodes), "geometry"].values
        return np.array([shapely.coverage_union_all(geometry)], dtype=object)

    return stored_geometries(name, 1, compute)[0]


def agglomeration_groups(group: str | Iterable[str] = "eight", *, overlap: str = "raise") -> pd.DataFrame:
    """Mutually exclusive unit → group assignment for a set of agglomerations.

    Parameters
    ----------
    group : grouping name (default ``'eight'``: the eight agglomerations of
        Chen and Wang's co-agglomeration study), ids, or a registered
        grouping's name.
    overlap : how a unit listed by several agglomerations is assigned.
        ``'raise'`` (default): ``ValueError`` naming every overlapping unit.
        ``'first'``: to the first agglomeration in ``ids`` order.
        ``'prefer_full'``: to the one where it is a full member; if it is a
        full (or partial) member of several, ``ValueError``.
        ``'drop'``: left out of every group.

    Returns
    -------
    DataFrame with ``adcode``, ``name``, ``group`` (agglomeration id) and
    ``membership``, one row per unit; ``.attrs['overlaps']`` lists each
    overlapping unit with its candidate groups and the decision taken.

    Examples
    --------
    >>> import geolink
    >>> g = geolink.agglomeration_groups("eight", overlap="first")
    >>> g.set_index("adcode").loc[["130400", "140800"], "group"].tolist()   # 邯郸, 运城
    ['bth', 'cp']
    >>> geolink.agglomeration_groups(["gba", "prd"], overlap="first")["group"].value_counts().to_dict()
    {'gba': 11}
    """
    if overlap not in OVERLAP_RULES:
        raise ValueError(f"overlap must be one of {OVERLAP_RULES}, got {overlap!r}")
    members = agglomerations(group)
    order = {a: i for i, a in enumerate(dict.fromkeys(members["agglomeration_id"]))}
    counts = members["adcode"].value_counts()
    shared = members[members["adcode"].isin(counts[counts > 1].index)]
    report = []
    for code, rows in shared.groupby("adcode", sort=True):
        candidates = [f"{a} ({m})" for a, m in zip(rows["agglomeration_id"], rows["membership"], strict=True)]
        entry = {"adcode": code, "name": rows["name"].iloc[0], "candidates": candidates}
        if overlap == "first":
            entry["group"] = min(rows["agglomeration_id"], key=order.get)
        elif overlap == "prefer_full":
            full = rows.loc[rows["membership"] == "full", "agglomeration_id"].tolist()
            entry["group"] = full[0] if len(full) == 1 else None
        elif overlap == "drop":
            entry["group"] = "dropped"
        report.append(entry)
    unresolved = [e for e in report if e.get("group") is None]
    if unresolved:
        listing = "; ".join(f"{e['adcode']} {e['name']}: {', '.join(e['candidates'])}" for e in unresolved)
        others = ", ".join(repr(r) for r in OVERLAP_RULES[1:] if r != overlap)
        raise ValueError(
            f"{len(unresolved)} unit(s) belong to several agglomerations ({listing}); choose overlap= {others}"
        )
    keep = {e["adcode"]: e["group"] for e in report}
    chosen = members[
        [keep.get(c, a) == a for c, a in zip(members["adcode"], members["agglomeration_id"], strict=True)]
    ]
    out = chosen.rename(columns={"agglomeration_id": "group"})[["adcode", "name", "group", "membership"]]
    out = out.reset_index(drop=True)
    out.attrs["overlaps"] = report
    return out


def register_grouping(
    name: str,
    table: pd.DataFrame | Mapping,
    *,
    unit: str = "adcode",
    group: str = "group",
    names_zh: Mapping[str, str] | None = None,
    names_en: Mapping[str, str] | None = None,
) -> list[str]:
    """Register a user grouping (unit → group) so its groups act as agglomeration ids.

    Parameters
    ----------
    name : name of the grouping as a whole (usable wherever a grouping is, e.g. ``group=name``).
    table : DataFrame with a unit column (adcodes or names) and a group
        column, or a mapping ``unit → group``.
    unit, group : the column names in ``table``.
    names_zh, names_en : optional display names per group.

    Returns
    -------
    list of str
        The registered group ids.  Unknown units raise ``KeyError``; a group
        id that clashes with an existing id raises ``ValueError``.

    Examples
    --------
    >>> import geolink
    >>> geolink.register_grouping("pearl_banks", {"广州": "west", "佛山": "west", "深圳": "east", "东莞": "east"})
    ['west', 'east']
    >>> geolink.agglomeration_groups("pearl_banks")[["adcode", "group"]].values.tolist()
    [['440100', 'west'], ['440600', 'west'], ['440300', 'east'], ['441900', 'east']]
    >>> geolink.unregister_grouping("pearl_banks")
    """
    if isinstance(table, Mapping):
        table = pd.DataFrame({unit: list(table.keys()), group: list(table.values())})
    missing = {unit, group} - set(table.columns)
    if missing:
        raise KeyError(f"grouping table lacks column(s) {sorted(missing)}; has {list(table.columns)}")
    existing = set(agglomerations()["agglomeration_id"]) - set(_GROUPINGS.get(name, ()))
    groups = [str(g) for g in dict.fromkeys(table[group])]
    clash = sorted(set(groups) & existing)
    if clash:
        raise ValueError(f"group id(s) {clash} already exist; rename them")
    codes = [to_adcode(u) for u in table[unit]]
    units = prefectures()
    names_zh, names_en = names_zh or {}, names_en or {}
    gids = [str(g) for g in table[group]]
    rows = pd.DataFrame(
        {
            "agglomeration_id": gids,
            "agglomeration_zh": [names_zh.get(g, g) for g in gids],
            "agglomeration_short_zh": [names_zh.get(g, g) for g in gids],
            "agglomeration_en": [names_en.get(g, g) for g in gids],
            "adcode": codes,
            "name": units.loc[codes, "name"].to_numpy(),
            "name_en": units.loc[codes, "name_en"].to_numpy(),
            "membership": "full",
            "counties_note": "",
            "plan": f"user grouping {name!r}",
            "plan_issuer": "",
            "plan_doc_no": "",
            "plan_year": 0,
        }
    )
    _USER[name] = rows
    _id_index.cache_clear()
    _GROUPINGS[name] = tuple(groups)
    return groups


def unregister_grouping(name: str) -> None:
    """Remove a grouping added with :func:`register_grouping` (no error if it is not registered).

    Parameters
    ----------
    name : the grouping's name.

    Examples
    --------
    >>> import geolink
    >>> geolink.unregister_grouping("no_such_grouping")
    """
    _USER.pop(name, None)
    _id_index.cache_clear()
    _GROUPINGS.pop(name, None)


def group_labels(
    data: pd.DataFrame, group, *, unit: str = "adcode", time: str | None = None, overlap: str = "raise",
    columns=None, dropna: bool = False,
) -> tuple[pd.Series, str, pd.Series]:
    """The group of every row of ``data``: one mechanism for every ``group=`` argument.

    Parameters
    ----------
    data : the table.
    group : a column of ``data`` holding group labels; an agglomeration id or
        name, several ids, or a grouping name (``'eight'``, registered ones),
        mapped through the units of ``unit``; or a table with columns
        ``adcode`` and ``group`` (as :func:`agglomeration_groups` returns).
    unit : column naming the units (adcodes or names in any form
        :func:`geolink.resolve_names` understands), used for registry
        groupings and tables.
    time : column naming the periods, if any: two labels of one unit in one
        period (``'广州'`` beside ``'广州市'``) raise ``ValueError`` when units
        are resolved through the registry.
    overlap : rule for units in several agglomerations (see :func:`agglomeration_groups`).
    columns : the user's column names, for the message when ``group`` is unknown (default: ``data``'s).
    dropna : a group column's missing labels give NaN (the caller leaves those rows out and reports
        them) instead of raising.

    Returns
    -------
    (labels, name, reasons)
        ``labels``: a Series aligned with ``data`` (NaN for a row whose unit is
        in no group — the caller reports those rows); ``name``: what the
        groups are, for messages; ``reasons``: a Series aligned with ``data``
        saying why each row without a label has none (None elsewhere): a unit
        outside the groups, or a label that names no prefecture-level unit
        (ambiguous, unknown, a province or county) and why.  A missing label in a group column raises
        ``ValueError`` naming the rows; a grouping under which no row falls
        raises ``ValueError`` with the reason.

    Examples
    --------
    >>> import pandas as pd
    >>> from geolink.agglomerations import group_labels
    >>> df = pd.DataFrame({"city": ["广州", "深圳", "拉萨"], "v": [1, 2, 3]})
    >>> labels, name, reasons = group_labels(df, "gba", unit="city")
    >>> labels.tolist(), reasons.tolist()
    (['gba', 'gba', nan], [None, None, "not in any group of the grouping 'gba'"])
    """
    from geolink._checks import one_label_per_unit, reject, require_columns, require_labels

    if isinstance(group, str) and group in data.columns:
        missing = data[group].isna()
        if not dropna:
            show = ["index", unit] if unit in data.columns else ["index"]
            reject(data, missing, f"the group column {group!r} is missing (pass dropna=True to drop them)", show=show)
        require_labels(data.loc[~missing, [group]] if missing.any() else data, [group], "group")
        reasons = pd.Series(np.where(missing, f"group column {group!r} missing", None), index=data.index, dtype=object)
        return data[group], f"column {group!r}", reasons
    mapping, name = group_mapping(group, overlap=overlap, columns=list(data.columns if columns is None else columns))
    require_columns(data, [unit])
    require_labels(data, [unit], "unit")
    codes = adcodes_of(data[unit])
    one_label_per_unit(pd.DataFrame({"unit": data[unit].to_numpy(),
                                     "time": data[time].to_numpy() if time else None}), codes)
    labels = codes.map(mapping)
    if labels.isna().all():
        unresolved = int(codes.isna().sum())
        why = (
            f"{unresolved} of {len(codes)} units of {unit!r} are not prefecture-level names or codes "
            f"(e.g. {data[unit].iloc[0]!r})"
            if unresolved
            else f"none of the units of {unit!r} belongs to {name}"
        )
        raise ValueError(f"no row falls in a group of {name}: {why}")
    return labels, name, _outside_reasons(data[unit], codes, labels.isna(), name)


def _outside_reasons(units: pd.Series, codes: pd.Series, outside: pd.Series, name: str) -> pd.Series:
    """Why each unit where ``outside`` holds falls in no group of ``name`` (None elsewhere);
    ``codes``: the units' adcodes (NaN where a label names no prefecture-level unit)."""
    from geolink.names import resolve_names

    unresolved = list(pd.unique(units[codes.isna()]))
    why = {}
    if unresolved:
        res = resolve_names(unresolved, suggest=False)
        why = {u: f"names no prefecture-level unit ({s}{': ' + n if n else ''})"
               for u, s, n in zip(unresolved, res["status"], res["note"], strict=True)}
    reasons = [None if not out else why[u] if pd.isna(c) else f"not in any group of {name}"
               for u, c, out in zip(units, codes, outside, strict=True)]
    return pd.Series(reasons, index=units.index, dtype=object)


def group_mapping(group, *, overlap: str = "raise", columns=()) -> tuple[pd.Series, str]:
    """adcode → group label for a registry id / grouping name / list of ids, or an ``adcode``/``group`` table.

    The one place where a ``group=`` that is not a column of the data becomes a mapping (units a
    rule ``overlap='drop'`` leaves out are not in it).  ``columns``: the data's columns, named in
    the error for an unknown name.  Returns (mapping, a description for messages).

    Examples
    --------
    >>> from geolink.agglomerations import group_mapping
    >>> mapping, name = group_mapping("gba")
    >>> len(mapping), mapping["440300"], name
    (11, 'gba', "the grouping 'gba'")
    """
    from geolink._checks import reject, require_columns, require_labels

    if isinstance(group, pd.DataFrame):
        require_columns(group, ["adcode", "group"])
        require_labels(group, ["adcode", "group"])
        keys = group["adcode"].astype(str)
        reject(group, keys.duplicated(keep=False), "a unit is in the group table more than once", show=["index", "adcode"])
        return group.set_index(keys)["group"], "the given unit → group table"
    if isinstance(group, str) or (isinstance(group, Iterable) and all(isinstance(g, str) for g in group)):
        if isinstance(group, str) and not is_grouping(group):
            raise KeyError(
                f"group={group!r} is neither a column of the data ({list(columns)}) nor an agglomeration id or "
                "grouping (gba, prd, bth, yrd, myr, cy, gzp, hc, cp, eight, or a registered one)"
            )
        table = agglomeration_groups(group, overlap=overlap)
        table = table[table["group"] != "dropped"]
        return table.set_index("adcode")["group"], f"the grouping {group!r}"
    raise TypeError(f"group= takes a column name, a grouping id or an adcode → group table, not {type(group)}")


def adcodes_of(units: pd.Series) -> pd.Series:
    """Canonical adcode of each value of a unit column, NaN where it names no current unit.

    A value that is already a current adcode (as text, int or ``440300.0``) is
    taken as it is; other codes and names go through :func:`geolink.resolve_names`.

    Examples
    --------
    >>> import pandas as pd
    >>> from geolink.agglomerations import adcodes_of
    >>> adcodes_of(pd.Series([511400, "440300.0", "深圳", "拉萨市", "no such place"])).tolist()
    ['511400', '440300', '440300', '540100', nan]
    """
    from geolink.names import parse_code, resolve_names

    current = prefectures().index
    distinct = pd.unique(units)
    lookup = {}
    rest = []
    for u in distinct:
        code = parse_code(u)[0]
        if code in current:
            lookup[u] = code
        else:
            rest.append(u)
    if rest:
        resolved = resolve_names(rest, suggest=False)["adcode"].to_numpy()
        lookup.update(zip(rest, resolved, strict=True))
    return pd.Series([lookup[u] for u in units], index=units.index, dtype=object)
