"""Class breaks for choropleths, shared by the PNG, the Folium map and the GeoPackage style."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

SCHEMES = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "fisher_jenks": "FisherJenks",
    "equal_interval": "EqualInterval",
    "user": "UserDefined",
}


@dataclass(frozen=True)
class Classes:
    """Classes of a numeric column: class ``i`` holds ``lower[i] < v ≤ upper[i]`` (the first includes its minimum).

    ``colors`` are hex strings of the colour map sampled per class; ``labels``
    read ``"lower – upper"`` with ``fmt``; ``counts`` the number of values per
    class; ``scheme`` the mapclassify scheme.
    """

    scheme: str
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    missing: int

    @property
    def k(self) -> int:
        return len(self.upper)

    def assign(self, values) -> np.ndarray:
        """Class index of each value (−1 for missing values)."""
        v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(float)
        idx = np.searchsorted(np.asarray(self.upper), v, side="left")
        idx = np.minimum(idx, self.k - 1)
        return np.where(np.isnan(v), -1, idx)


def format_number(v: float) -> str:
    """Compact legend number: thousands separators for large values, 2–3 significant decimals for small."""
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def classify(
    values,
    scheme: str = "quantiles",
    k: int = 5,
    breaks=None,
    cmap: str = "YlOrRd",
    fmt: str | None = None,
) -> Classes:
    """Class breaks of ``values`` with mapclassify.

    ``scheme``: ``'quantiles'``, ``'natural_breaks'`` (Fisher–Jenks),
    ``'equal_interval'`` or ``'user'`` with ``breaks`` (upper bounds; the
    maximum is added when it exceeds the last break).  Missing values are
    counted in ``missing`` and get no class.  ``fmt`` (e.g. ``'{:.1%}'``)
    formats the legend numbers; the default is :func:`format_number`.
    """
    import mapclassify
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(SCHEMES)}, got {scheme!r}")
    v = pd.to_numeric(pd.Series(values), errors="coerce")
    present = v.dropna().to_numpy(float)
    if present.size == 0:
        raise ValueError("no numeric values to classify")
    if scheme == "user":
        if breaks is None:
            raise ValueError("scheme='user' needs breaks=[…]")
        bins = sorted(float(b) for b in breaks)
        if present.max() > bins[-1]:
            bins.append(float(present.max()))
        mc = mapclassify.UserDefined(present, bins)
    else:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Numba not installed")  # same result, slower
            mc = getattr(mapclassify, SCHEMES[scheme])(present, k=min(k, len(np.unique(present))))
    upper = tuple(float(b) for b in mc.bins)
    lower = (float(present.min()),) + upper[:-1]
    # sample the colour map from 25 % so the lowest class stays visible on white and on grey context
    positions = np.linspace(0.25, 1.0, len(upper)) if len(upper) > 1 else [0.6]
    colors = tuple(to_hex(colormaps[cmap](p)) for p in positions)
    show = fmt.format if fmt else format_number
    labels = tuple(f"{show(lo)} – {show(up)}" for lo, up in zip(lower, upper, strict=True))
    counts = tuple(int(c) for c in mc.counts)
    return Classes(scheme, lower, upper, colors, labels, counts, int(v.isna().sum()))
