"""Urban agglomerations (城市群): membership registry, lookups, outlines, exclusive groups.

The built-in registry is ``boundaries/agglomerations.csv`` (one row per
agglomeration × unit, from the State Council / NDRC plans).  Users add their
own groupings with :func:`register_grouping`; every function here then
accepts the new ids like the built-in ones.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geolink._paths import bundled
from geolink.boundaries import prefectures
from geolink.names import normalise, to_adcode

#: The eight national urban agglomerations of the co-agglomeration study (seed 002), in its order.
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


def agglomerations(ids: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Membership table: one row per agglomeration × unit.

    Columns: ``agglomeration_id``, ``agglomeration_zh``,
    ``agglomeration_short_zh``, ``agglomeration_en``, ``adcode``, ``name``,
    ``name_en``, ``membership`` (``full`` | ``partial``), ``counties_note``
    (which counties of a partial member are in), ``plan``, ``plan_issuer``,
    ``plan_doc_no``, ``plan_year``.  Built-in ids: ``gba prd bth yrd myr cy
    gzp hc cp``; user groupings follow.
    """
    table = pd.concat([_builtin(), *_USER.values()], ignore_index=True)
    if ids is None:
        return table
    wanted = _resolve_ids(ids)
    table = table[table["agglomeration_id"].isin(wanted)]
    order = {a: i for i, a in enumerate(wanted)}
    return table.sort_values("agglomeration_id", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )


def _id_index() -> dict[str, str]:
    table = agglomerations()
    index = dict(_ABBREVIATIONS)
    for column in ("agglomeration_id", "agglomeration_zh", "agglomeration_short_zh", "agglomeration_en"):
        for key, aid in zip(table[column], table["agglomeration_id"], strict=True):
            if key:
                index[normalise(key)] = aid
                index[normalise(key).removesuffix("城市群")] = aid
    return index


def resolve_id(agglomeration: str) -> str:
    """Agglomeration id from an id, Chinese name (长三角, 长江三角洲城市群) or English name."""
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


def cities_in(agglomeration: str, resolution: str = "display", partial: bool = True) -> gpd.GeoDataFrame:
    """GeoDataFrame of the member units of one agglomeration.

    Members keep their prefecture geometry; ``membership`` and
    ``counties_note`` say when a plan includes only some counties.
    ``partial=False`` keeps full members only.
    """
    members = agglomerations(agglomeration)
    if not partial:
        members = members[members["membership"] == "full"]
    units = prefectures(resolution)
    extra = members[["adcode", "agglomeration_id", "membership", "counties_note"]].set_index("adcode")
    return units.loc[extra.index].join(extra)


def which_agglomerations(where, resolution: str = "display") -> list[str]:
    """Agglomeration ids a unit (adcode or name) or a point ``(lon, lat)`` in WGS 84 belongs to.

    A point is first located in its prefecture-level unit; a point outside
    every unit (at sea, abroad) gives ``[]``.  Membership is at prefecture
    level: a point in a partial member counts as in the agglomeration.
    """
    if isinstance(where, tuple) and len(where) == 2 and all(np.isscalar(v) for v in where):
        from geolink.spatial import locate

        code = locate([where[0]], [where[1]], resolution=resolution)[0]
        if code is None:
            return []
    else:
        code = to_adcode(where)
    table = agglomerations()
    return list(dict.fromkeys(table.loc[table["adcode"] == code, "agglomeration_id"]))


def agglomeration_outline(
    ids: str | Iterable[str] | None = None, resolution: str = "display"
) -> gpd.GeoDataFrame:
    """Dissolved outline(s): one row per agglomeration.

    ``ids``: one id or name, several, a grouping name (``'eight'``) or None
    for all.  Columns: ``agglomeration_id``, ``agglomeration_zh``,
    ``agglomeration_en``, ``n_units``, ``n_partial``, ``area_km2`` (sum of the
    member units' geodesic areas) and the union of the member prefectures
    (partial members included whole).
    """
    members = agglomerations(ids)
    units = prefectures(resolution)
    rows = []
    for aid, group in members.groupby("agglomeration_id", sort=False):
        geoms = units.loc[group["adcode"], "geometry"].values
        rows.append(
            {
                "agglomeration_id": aid,
                "agglomeration_zh": group["agglomeration_zh"].iloc[0],
                "agglomeration_en": group["agglomeration_en"].iloc[0],
                "n_units": len(group),
                "n_partial": int((group["membership"] == "partial").sum()),
                "area_km2": round(float(units.loc[group["adcode"], "area_km2"].sum()), 2),
                "geometry": shapely.coverage_union_all(geoms),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=units.crs)


def agglomeration_groups(ids: str | Iterable[str] = "eight", overlap: str = "raise") -> pd.DataFrame:
    """Mutually exclusive unit → group assignment for a set of agglomerations.

    Parameters
    ----------
    ids : grouping name (default ``'eight'``, seed 002's eight), ids, or a
        registered grouping's name.
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
    """
    if overlap not in OVERLAP_RULES:
        raise ValueError(f"overlap must be one of {OVERLAP_RULES}, got {overlap!r}")
    members = agglomerations(ids)
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
    group: str = "group",
    adcode: str = "adcode",
    names_zh: Mapping[str, str] | None = None,
    names_en: Mapping[str, str] | None = None,
) -> list[str]:
    """Register a user grouping (unit → group) so its groups act as agglomeration ids.

    Parameters
    ----------
    name : name of the grouping as a whole (usable as ``ids`` argument).
    table : DataFrame with an ``adcode`` and a ``group`` column (units given
        by adcode or name), or a mapping ``unit → group``.
    names_zh, names_en : optional display names per group.

    Returns the list of registered group ids.  Unknown units raise
    ``KeyError``; a group id that clashes with an existing id raises
    ``ValueError``.
    """
    if isinstance(table, Mapping):
        table = pd.DataFrame({adcode: list(table.keys()), group: list(table.values())})
    missing = {adcode, group} - set(table.columns)
    if missing:
        raise KeyError(f"grouping table lacks column(s) {sorted(missing)}; has {list(table.columns)}")
    existing = set(agglomerations()["agglomeration_id"]) - set(_GROUPINGS.get(name, ()))
    groups = [str(g) for g in dict.fromkeys(table[group])]
    clash = sorted(set(groups) & existing)
    if clash:
        raise ValueError(f"group id(s) {clash} already exist; rename them")
    codes = [to_adcode(u) for u in table[adcode]]
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
    _GROUPINGS[name] = tuple(groups)
    return groups


def unregister_grouping(name: str) -> None:
    """Remove a grouping added with :func:`register_grouping`."""
    _USER.pop(name, None)
    _GROUPINGS.pop(name, None)
