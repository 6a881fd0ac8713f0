"""Input checks shared by the metrics: errors that name the offending columns and rows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def require_columns(data: pd.DataFrame, columns) -> None:
    """``KeyError`` listing the columns (None entries ignored) that ``data`` lacks."""
    missing = [c for c in columns if c and c not in data.columns]
    if missing:
        raise KeyError(f"column(s) {missing} not in data; columns are {list(data.columns)}")


def reject(data: pd.DataFrame, mask, what: str, show=("index",)) -> None:
    """``ValueError`` naming the rows of ``data`` where ``mask`` holds (at most 10 shown).

    ``show``: how rows are named — first ``'index'`` (``index [3, 7]``),
    ``'records'`` (the rows as dicts) or a column (its values); further
    columns follow in parentheses (``(adcode: ['411600'])``).
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return
    rows = data.loc[mask]
    first, *more_cols = show
    if first == "index":
        named = f"index {list(rows.index[:10])}"
    elif first == "records":
        named = str(rows.head(10).to_dict("records"))
    else:
        named = str(rows[first].tolist()[:10])
    named += "".join(f" ({c}: {rows[c].tolist()[:10]})" for c in more_cols if c in data.columns)
    more = f" (and {int(mask.sum()) - 10} more)" if mask.sum() > 10 else ""
    raise ValueError(f"{int(mask.sum())} row(s) where {what}: {named}{more}")


def require_labels(data: pd.DataFrame, columns) -> None:
    """``ValueError`` naming the rows where a label column (unit, time, group, industry) is missing."""
    for column in columns:
        if column:
            reject(data, data[column].isna(), f"the label column {column!r} is missing", show=["index"])


def numeric_values(
    data: pd.DataFrame, value: str, *, unit: str | None = None, dropna: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of ``data`` with a finite number in ``value`` (as float), and the rows dropped.

    Text that is not a number and infinite values raise ``ValueError`` naming
    the rows; missing values raise too, unless ``dropna=True``: then those
    rows are returned as the second table with a ``reason`` column.
    """
    require_columns(data, [value, unit])
    raw = data[value]
    y = pd.to_numeric(raw, errors="coerce")
    show = ["index", unit] if unit else ["index"]
    reject(data, y.isna() & raw.notna(), f"{value!r} is not a number", show=show)
    reject(data, np.isinf(y.astype(float)), f"{value!r} is infinite", show=show)
    missing = y.isna()
    if not dropna:
        reject(data, missing, f"{value!r} is missing (pass dropna=True to leave these rows out)", show=show)
    out = data[~missing].copy()
    out[value] = y[~missing].astype(float)
    return out, dropped(data, missing, f"{value} is missing")


def dropped(data: pd.DataFrame, mask, reason: str) -> pd.DataFrame:
    """The rows of ``data`` where ``mask`` holds, with a ``reason`` column (for a result's ``dropped``)."""
    return data.loc[np.asarray(mask, dtype=bool)].assign(reason=reason)


def concat_dropped(*parts: pd.DataFrame, columns=("reason",)) -> pd.DataFrame:
    """One ``dropped`` table from several (empty tables skipped; an empty result keeps the first part's columns)."""
    full = [p for p in parts if len(p)]
    if full:
        return pd.concat(full, ignore_index=True)
    return parts[0].iloc[0:0] if parts else pd.DataFrame(columns=list(columns))
