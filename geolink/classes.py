"""Class breaks and class colours for choropleths, shared by the PNG, the web map and the GeoPackage style.

One :class:`Classes` object decides the breaks, colours and legend labels; each
output asks it for the colour of every unit it draws (:meth:`Classes.colors_of`)
and for the legend counts of the units it draws (:meth:`Classes.tally`), so the
three outputs cannot disagree.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geolink._checks import as_numbers
from geolink._jenks import fisher_jenks_bins

#: Scheme names as mapclassify spells them (``mapclassify.classify``) → mapclassify class.
#: ``'fisher_jenks'`` is computed by :func:`geolink._jenks.fisher_jenks_bins`: the float64 optimum of
#: mapclassify.FisherJenks's criterion (the same breaks wherever its single precision suffices), fast
#: with or without numba.
SCHEMES = {
    "quantiles": "Quantiles",
    "fisher_jenks": "FisherJenks",
    "natural_breaks": "NaturalBreaks",
    "equal_interval": "EqualInterval",
    "jenks_caspall": "JenksCaspall",
    "maximum_breaks": "MaximumBreaks",
    "headtail_breaks": "HeadTailBreaks",
    "pretty_breaks": "PrettyBreaks",
    "std_mean": "StdMean",
    "box_plot": "BoxPlot",
    "user_defined": "UserDefined",
}
_NO_K = {"headtail_breaks", "std_mean", "box_plot", "user_defined"}

#: Fill colour of units without a value, in every output.
MISSING_COLOR = "#d9d9d9"
#: Legend label of units without a value, in every output.
MISSING_LABEL = "无数据 no data"


@dataclass(frozen=True)
class Classes:
    """Classes of a numeric variable: class ``i`` holds ``lower[i] < v ≤ upper[i]`` (the first includes its minimum).

    Attributes
    ----------
    scheme : the mapclassify scheme name (see :data:`SCHEMES`).
    lower, upper : class bounds, in the units of the values.
    colors : hex colour per class, sampled from the colour map.
    labels : legend text per class, ``"lower – upper"``.

    Examples
    --------
    >>> import geolink
    >>> c = geolink.classify([1, 2, 3, 4, 5, 6, 7, None], "quantiles", k=3)
    >>> [round(b, 2) for b in c.upper]
    [3.0, 5.0, 7.0]
    >>> c.assign([1.5, 7, None]).tolist()
    [0, 2, -1]
    >>> c.tally([1, 2, 5, None])
    ((2, 1, 0), 1)
    """

    scheme: str
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.upper)

    def assign(self, values) -> np.ndarray:
        """Class index of each value (−1 for a missing value).

        Parameters
        ----------
        values : array-like of numbers; missing values get −1 (text that is
            not a number, ``inf`` and true/false values raise ``ValueError``).

        Returns
        -------
        numpy.ndarray of int

        Examples
        --------
        >>> import geolink
        >>> geolink.classify([0, 10, 20], "user_defined", bins=[5, 20]).assign([3, 7, 25]).tolist()
        [0, 1, 1]
        """
        v = _numbers(values).to_numpy(float)
        idx = np.searchsorted(np.asarray(self.upper), v, side="left")
        idx = np.minimum(idx, self.k - 1)
        return np.where(np.isnan(v), -1, idx)

    def colors_of(self, values) -> np.ndarray:
        """Fill colour of each value: its class colour, or :data:`MISSING_COLOR` when missing.

        Examples
        --------
        >>> import geolink
        >>> geolink.classify([1, 2], "user_defined", bins=[1, 2]).colors_of([2, None]).tolist()
        ['#800026', '#d9d9d9']
        """
        idx = self.assign(values)
        palette = np.array(self.colors + (MISSING_COLOR,), dtype=object)
        return palette[np.where(idx >= 0, idx, self.k)]

    def tally(self, values) -> tuple[tuple[int, ...], int]:
        """Counts per class of the given values (the units a map draws) and the count of missing ones.

        Returns
        -------
        (counts, missing) : tuple of ints per class, int

        Examples
        --------
        >>> import geolink
        >>> geolink.classify([1, 2, 3, 4], "quantiles", k=2).tally([1, 1, 4, None])
        ((2, 1), 1)
        """
        idx = self.assign(values)
        counts = np.bincount(idx[idx >= 0], minlength=self.k)
        return tuple(int(c) for c in counts), int((idx < 0).sum())


def _numbers(values) -> pd.Series:
    """``values`` as floats (NaN where missing) through :func:`geolink._checks.as_numbers`, rows named by index."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    what = f"the value{f' {series.name!r}' if series.name is not None else ''}"
    return as_numbers(series.rename("value").to_frame(), "value", what=what)


def format_number(v: float) -> str:
    """Compact legend number: thousands separators for large values, 2–3 significant digits for small.

    Examples
    --------
    >>> from geolink.classes import format_number
    >>> [format_number(v) for v in (12345.6, 56.78, 1.234, 0.01234)]
    ['12,346', '56.8', '1.23', '0.0123']
    """
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
    *,
    k: int = 5,
    bins=None,
    cmap: str = "YlOrRd",
    fmt: str | None = None,
) -> Classes:
    """Class breaks of ``values`` with mapclassify, for every output of one variable.

    Parameters
    ----------
    values : array-like of numbers; missing values get no class.
    scheme : a mapclassify scheme as ``mapclassify.classify`` names it:
        ``'quantiles'``, ``'fisher_jenks'`` (optimal breaks), ``'natural_breaks'``
        (mapclassify's randomised k-means variant), ``'equal_interval'``,
        ``'jenks_caspall'``, ``'maximum_breaks'``, ``'headtail_breaks'``,
        ``'pretty_breaks'``, ``'std_mean'``, ``'box_plot'`` or ``'user_defined'``
        with ``bins``.  ``'fisher_jenks'`` gives the partition with the least
        within-class sum of squares (Fisher 1958), computed in float64 numpy
        (fast also where numba is not installed): ``mapclassify.FisherJenks``'s
        breaks, except where its single-precision sums miss the optimum (values
        whose spread is small beside their size, such as years) or pick another
        equally good split.
    k : number of classes (fewer when there are fewer distinct values).
    bins : upper class bounds for ``'user_defined'``; the maximum is added when
        it exceeds the last bound.
    cmap : matplotlib colour map, sampled from 25 % so the lowest class stays
        visible on white and on the grey context.
    fmt : format of the legend numbers (e.g. ``'{:.1%}'``); default
        :func:`format_number`.

    Returns
    -------
    Classes

    Examples
    --------
    >>> import geolink
    >>> c = geolink.classify([1, 2, 4, 8, 16, 32], "fisher_jenks", k=3)
    >>> c.upper, c.labels[0]
    ((8.0, 16.0, 32.0), '1.00 – 8.00')
    >>> geolink.classify([1, 7, 30], "user_defined", bins=[5, 20]).upper
    (5.0, 20.0, 30.0)
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)} (mapclassify names), got {scheme!r}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a positive whole number of classes, got {k!r}")
    v = _numbers(values)
    present = v.dropna().to_numpy(float)
    if present.size == 0:
        raise ValueError("no numeric values to classify")
    if scheme == "user_defined":
        if bins is None or len(bins) == 0:
            raise ValueError("scheme='user_defined' needs bins=[upper bounds …]")
        try:
            upper_bounds = sorted(float(b) for b in bins)
        except (TypeError, ValueError):
            upper_bounds = [np.nan]
        if not np.isfinite(upper_bounds).all():
            raise ValueError(f"bins must be finite numbers (upper class bounds), got {list(bins)!r}")
        if present.max() > upper_bounds[-1]:
            upper_bounds.append(float(present.max()))
        import mapclassify

        bounds = mapclassify.UserDefined(present, upper_bounds).bins
    elif bins is not None:
        raise ValueError(f"bins= is for scheme='user_defined', not {scheme!r}")
    elif scheme == "fisher_jenks":
        # the least within-class sum of squares in float64 numpy: the same with or without numba
        bounds = fisher_jenks_bins(present, int(min(k, len(np.unique(present)))))
    else:
        import mapclassify

        kwargs = {} if scheme in _NO_K else {"k": int(min(k, len(np.unique(present))))}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Not enough unique values")
            bounds = getattr(mapclassify, SCHEMES[scheme])(present, **kwargs).bins
    upper = tuple(float(b) for b in bounds)
    lower = (float(present.min()),) + upper[:-1]
    positions = np.linspace(0.25, 1.0, len(upper)) if len(upper) > 1 else [0.6]
    colors = tuple(to_hex(colormaps[cmap](p)) for p in positions)
    show = fmt.format if fmt else format_number
    labels = tuple(f"{show(lo)} – {show(up)}" for lo, up in zip(lower, upper, strict=True))
    return Classes(scheme, lower, upper, colors, labels)
