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


def require_labels(data: pd.DataFrame, columns, what: str = "label") -> None:
    """``ValueError`` naming the rows where a label column (unit, time, group, industry) is missing,
    or where it mixes text and numbers (``'2020'`` beside ``2020`` would be two different labels)."""
    for column in columns:
        if column:
            labels = data[column]
            reject(data, labels.isna(), f"the {what} column {column!r} is missing", show=["index"])
            if labels.dtype == object:
                text = labels.map(lambda v: isinstance(v, str)).to_numpy(bool)
                if text.any() and not text.all():
                    minority = ~text if text.sum() * 2 >= len(text) else text
                    kind = "numbers" if text.sum() * 2 >= len(text) else "text"
                    reject(
                        data, minority,
                        f"the {what} column {column!r} mixes text and numbers ({kind} here; make the column one type)",
                        show=["index", column],
                    )


def reject_totals(data: pd.DataFrame, column: str) -> None:
    """``ValueError`` naming the rows whose unit label is a yearbook total or subtotal (全省, 合计,
    全国, 市辖区, …): counted as a unit it would sit beside the units it sums."""
    labels = data[column]
    if not (labels.dtype == object or isinstance(labels.dtype, pd.StringDtype)):
        return
    from geolink.names import SUBTOTALS, normalise

    totals = [v for v in pd.unique(labels) if isinstance(v, str) and normalise(v) in SUBTOTALS]
    if totals:
        reject(
            data, labels.isin(totals).to_numpy(),
            f"the unit column {column!r} holds a total or subtotal ({', '.join(map(str, totals[:5]))}), not a unit: "
            "drop those rows (geolink.join and geolink.read_table report them)",
            show=["index", column],
        )


def numeric_values(
    data: pd.DataFrame, value: str, *, unit: str | None = None, dropna: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of ``data`` with a finite number in ``value`` (as float), and the rows dropped.

    Text that is not a number and infinite values raise ``ValueError`` naming
    the rows; missing values raise too, unless ``dropna=True``: then those
    rows are returned as the second table with a ``reason`` column.
    """
    require_columns(data, [value, unit])
    require_rows(data)
    show = ["index", unit] if unit else ["index"]
    y = as_numbers(data, value, show=show)
    missing = y.isna()
    if not dropna:
        reject(data, missing, f"{value!r} is missing (pass dropna=True to leave these rows out)", show=show)
    if missing.all():
        raise ValueError(f"every value of {value!r} is missing: no rows left")
    if missing.any():
        out = data[~missing].copy()
        out[value] = y[~missing]
    else:  # no row copied (a new frame object sharing the columns where pandas copies on write)
        out = data.assign(**{value: y})
    return out, dropped(data, missing, f"{value} is missing")


def positive_weights(data: pd.DataFrame, weight: str, *, dropna: bool, show=("index",)):
    """The rows of ``data`` with a positive finite weight (``weight`` as float), and the rows dropped.

    Missing weights raise ``ValueError`` naming the rows, unless ``dropna=True``: then those rows are
    returned as the second table with a ``reason`` column; zero, negative and infinite weights
    always raise.
    """
    w = as_numbers(data, weight, what=f"the weight {weight!r}", show=show)
    missing = w.isna()
    if not dropna:
        reject(data, missing, f"the weight {weight!r} is missing (pass dropna=True to leave these rows out)", show=show)
    reject(data, ~missing & ~(w > 0), f"the weight {weight!r} is not a positive finite number", show=show)
    if missing.all():
        raise ValueError(f"every weight of {weight!r} is missing: no rows left")
    return data[~missing].assign(**{weight: w[~missing].astype(float)}), dropped(data, missing, f"{weight} is missing")


def require_rows(data: pd.DataFrame) -> None:
    """``ValueError`` for a table without rows (instead of a misleading error further on)."""
    if len(data) == 0:
        raise ValueError(f"the table has no rows (columns: {list(data.columns)})")


def as_numbers(data: pd.DataFrame, column: str, *, what: str | None = None, show=("index",)) -> pd.Series:
    """The values of ``data[column]`` as floats (NaN where missing): the one place values become numbers.

    ``ValueError`` naming the rows for text that is not a number (``'—'``,
    ``'1,234'``: read the table with :func:`geolink.read_table`, which parses
    yearbook numbers), for infinite values, and for a column of true/false
    values or of dates (numbers only by accident).
    """
    what = what or repr(column)
    raw = data[column]
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_datetime64_any_dtype(raw) or pd.api.types.is_timedelta64_dtype(raw):
        raise ValueError(f"{what} holds {raw.dtype} values, not numbers; convert the column first")
    if raw.dtype == object:
        odd = raw.map(lambda v: isinstance(v, (bool, np.bool_, pd.Timestamp, pd.Timedelta))).to_numpy(bool)
        reject(data, odd, f"{what} holds true/false values or dates, not numbers", show=show)
    if raw.dtype == np.float64:
        y = raw  # already numbers: no copy
    else:
        y = pd.to_numeric(raw, errors="coerce").astype(float)
        reject(data, y.isna() & raw.notna(), f"{what} is not a number", show=show)
    reject(data, np.isinf(y), f"{what} is infinite", show=show)
    return y


def dropped(data: pd.DataFrame, mask, reason: str) -> pd.DataFrame:
    """The rows of ``data`` where ``mask`` holds, with a ``reason`` column (for a result's ``dropped``)."""
    return data.loc[np.asarray(mask, dtype=bool)].assign(reason=reason)


def concat_dropped(*parts: pd.DataFrame, columns=("reason",)) -> pd.DataFrame:
    """One ``dropped`` table from several (empty tables skipped; an empty result keeps the first part's columns)."""
    full = [p for p in parts if len(p)]
    if full:
        return pd.concat(full, ignore_index=True)
    return parts[0].iloc[0:0] if parts else pd.DataFrame(columns=list(columns))


def check_interval_options(bootstrap, level) -> None:
    """``ValueError`` unless ``bootstrap`` is a whole number ≥ 0 and ``1 ≤ level < 100`` (a percentage).

    A level below 1 is refused: ``level=0.95`` (a fraction, as R and statsmodels write it) would
    give a 0.95 % interval.
    """
    if not isinstance(bootstrap, (int, np.integer)) or isinstance(bootstrap, bool) or bootstrap < 0:
        raise ValueError(f"bootstrap must be a whole number of replicates ≥ 0, got {bootstrap!r}")
    if isinstance(level, bool) or not (isinstance(level, (int, float, np.integer, np.floating)) and 0 < level < 100):
        raise ValueError(f"level must be a percentage strictly between 0 and 100, got {level!r}")
    if level < 1:
        raise ValueError(
            f"level is a percentage: level={level!r} would give a {level:g} % interval; "
            f"for a {100 * level:g} % interval pass level={100 * level:g}"
        )


def one_label_per_unit(frame: pd.DataFrame, codes) -> None:
    """``ValueError`` when two different labels of one period name the same unit (``'广州'`` beside
    ``'广州市'``): counted twice they would weigh twice, and the weights cannot hold them.

    ``frame`` has a column ``unit`` (the labels) and may have ``time``; ``codes``: the unit each
    row resolves to.
    """
    time = frame["time"].to_numpy() if "time" in frame.columns else None
    rows = pd.DataFrame({"label": frame["unit"].to_numpy(), "code": np.asarray(codes, dtype=object),
                         "time": time}).dropna(subset=["code"])
    distinct = rows.drop_duplicates(["label", "time"])
    clash = distinct[distinct.duplicated(["code", "time"], keep=False)]
    if len(clash):
        named = {code: list(labels) for code, labels in clash.groupby("code", sort=True)["label"].unique().items()}
        shown = dict(list(named.items())[:10])
        raise ValueError(
            f"{len(named)} unit(s) appear under several labels in one period: {shown}; each unit must be one row "
            "per period: write one spelling (or its code) for each"
        )

