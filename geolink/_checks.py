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
