"""Input handling shared by the regional-difference statistics: panels, groupings, unit codes."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from geolink._checks import (
    as_numbers,
    reject,
    reject_totals,
    require_columns,
    require_labels,
    require_rows,
)

DROPPED_COLUMNS = ["unit", "time", "reason"]


def show(time) -> list[str]:
    """How ``reject`` names rows of a panel frame: by unit, and by period when there are periods."""
    return ["unit", "time"] if time is not None else ["unit"]


def no_rows_dropped() -> pd.DataFrame:
    return pd.DataFrame(columns=DROPPED_COLUMNS)


def attach_group(frame: pd.DataFrame, data: pd.DataFrame, group, *, overlap: str, dropna: bool, unit: str = "unit"):
    """Add column ``group`` to ``frame`` (columns unit, time, …; rows aligned with ``data``).

    ``group`` is a column of ``data`` (missing labels raise, or with ``dropna``
    are dropped) or a grouping resolved by :func:`geolink.agglomerations.group_labels`
    through the units (units outside every group are dropped and reported).
    ``unit``: the caller's name of the unit column, for messages.  Returns
    (frame, dropped rows).
    """
    from geolink.agglomerations import group_labels

    rows = frame[["unit", "time"]].set_axis([unit, "time"], axis=1)
    if isinstance(group, str) and group in data.columns:
        rows[group] = data[group].iloc[frame.index.to_numpy()].to_numpy()
    labels, _, reasons = group_labels(rows, group, unit=unit, time="time", overlap=overlap, columns=data.columns,
                                      dropna=dropna)
    missing = labels.isna().to_numpy()
    out = frame.assign(group=np.asarray(labels))
    dropped = out.loc[missing, ["unit", "time"]].assign(reason=reasons[missing].to_numpy())
    return out.loc[~missing], dropped


def panel(data: pd.DataFrame, value: str, *, unit: str, time: str | None, dropna: bool, extra=()):
    """Validated long table with columns ``unit``, ``time``, ``value`` (float) (+ ``extra`` columns).

    Missing unit/time labels raise; non-numeric or infinite values raise
    naming the rows; missing values raise naming the units unless
    ``dropna``; a unit twice in one period raises.  Returns (frame, dropped)
    where ``dropped`` lists (unit, time, reason) of the rows left out.
    ``time=None`` gives one period labelled None.  The frame's index is the
    rows' positions in ``data``.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame, got {type(data).__name__}")
    require_columns(data, [value, unit, time, *extra])
    if unit == value or (time is not None and time in (unit, value)):
        raise ValueError(f"value {value!r}, unit {unit!r} and time {time!r} must be different columns")
    require_rows(data)
    require_labels(data, [unit, time])
    reject_totals(data, unit)
    y = as_numbers(data, value, show=["index", unit])
    frame = pd.DataFrame(
        {"unit": data[unit].to_numpy(), "time": data[time].to_numpy() if time else None, "value": y.to_numpy()},
    )
    for col in extra:
        frame[col] = data[col].to_numpy()
    dup = frame.duplicated(["unit", "time"], keep=False)
    reject(frame, dup, f"a unit appears twice{' in one ' + repr(time) if time else ''}", show=show(time))
    missing = frame["value"].isna().to_numpy()
    if missing.any() and not dropna:
        reject(frame, missing, f"{value!r} is missing (pass dropna=True to drop them)", show=show(time))
    if missing.all():
        raise ValueError(f"every value of {value!r} is missing: no rows left")
    dropped = frame.loc[missing, ["unit", "time"]].assign(reason=f"{value} missing")
    return frame.loc[~missing], dropped


def periods(frame: pd.DataFrame):
    """(time, rows) per period in sorted order (one period when time is None)."""
    if frame["time"].isna().all():
        return [(None, frame)]
    return list(frame.groupby("time", sort=True))


def period_rng(seed: int | None, at) -> np.random.Generator:
    """The random generator of one period: drawn from ``seed`` and the period's label, so that a
    period's permutations or resamples do not depend on which other periods the data hold (one
    period without a label, ``at=None``, uses ``seed`` itself; ``seed=None``: fresh entropy)."""
    if seed is None or at is None:
        return np.random.default_rng(seed)
    return np.random.default_rng([seed, zlib.crc32(str(at).encode())])


def named(table: pd.DataFrame, unit: str | None, time: str | None) -> pd.DataFrame:
    """Rename the internal ``unit``/``time`` columns to the caller's names (``time`` dropped when None)."""
    out = table.rename(columns={"unit": unit} if unit else {})
    out = out.rename(columns={"time": time}) if time else out.drop(columns="time", errors="ignore")
    return out.reset_index(drop=True)
