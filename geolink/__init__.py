"""geolink: city-level indices of China on prefecture boundaries, by urban agglomeration.

The core (boundaries, registry, names, join, metrics) is imported eagerly; the
modules that need matplotlib, folium or statsmodels load on first use.
"""

import importlib

from geolink import datasets
from geolink.agglomerations import (
    EIGHT,
    agglomeration_groups,
    agglomeration_outline,
    agglomerations,
    cities_in,
    register_grouping,
    resolve_id,
    unregister_grouping,
)
from geolink.boundaries import counties, maritime_line, prefectures, provinces
from geolink.coords import convert as convert_coords
from geolink.gpkg import Style, to_gpkg
from geolink.history import HarmoniseResult, harmonise
from geolink.inequality import DagumResult, dagum_gini
from geolink.join import JoinReport, join, read_table
from geolink.names import resolve_names, to_adcode
from geolink.points import aggregate_points, assign_points
from geolink.rollup import statistical_definitions
from geolink.spatial import (
    centroids,
    contiguity,
    geodesic_distance_km,
    locate,
    neighbours,
    which_agglomerations,
    within_km,
)
from geolink.structure import (
    classify_lq_change,
    coagglomeration_index,
    krugman_index,
    linkage_index,
    location_quotient,
    lq_change,
    lq_ratio,
    similarity_index,
)

__version__ = "0.1.0"

# name → module, imported on first access (keeps `import geolink` light)
_LAZY = {
    "Classes": "geolink.classes",
    "classify": "geolink.classes",
    "BetaResult": "geolink.convergence",
    "SigmaResult": "geolink.convergence",
    "beta_convergence": "geolink.convergence",
    "sigma_convergence": "geolink.convergence",
    "DecayResult": "geolink.decay",
    "distance_decay": "geolink.decay",
    "agglomeration_map": "geolink.maps",
    "choropleth": "geolink.maps",
    "map_distance_decay": "geolink.maps",
    "plot_distance_decay": "geolink.maps",
    "plot_lq_comparison": "geolink.maps",
    "web_map": "geolink.webmap",
    "spatial_weights": "geolink.weights",
    "MoranResult": "geolink.autocorrelation",
    "LocalMoranResult": "geolink.autocorrelation",
    "moran": "geolink.autocorrelation",
    "local_moran": "geolink.autocorrelation",
    "TheilResult": "geolink.theil_index",
    "theil": "geolink.theil_index",
    "DensityResult": "geolink.dynamics",
    "MarkovResult": "geolink.dynamics",
    "SpatialMarkovResult": "geolink.dynamics",
    "kernel_density": "geolink.dynamics",
    "markov": "geolink.dynamics",
    "spatial_markov": "geolink.dynamics",
    "plot_kernel_density": "geolink.regional_plots",
    "lisa_map": "geolink.regional_plots",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geolink' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BetaResult",
    "Classes",
    "DagumResult",
    "DecayResult",
    "DensityResult",
    "EIGHT",
    "HarmoniseResult",
    "JoinReport",
    "LocalMoranResult",
    "MarkovResult",
    "MoranResult",
    "SigmaResult",
    "SpatialMarkovResult",
    "Style",
    "TheilResult",
    "agglomeration_groups",
    "agglomeration_map",
    "agglomeration_outline",
    "agglomerations",
    "aggregate_points",
    "assign_points",
    "beta_convergence",
    "centroids",
    "choropleth",
    "cities_in",
    "classify",
    "classify_lq_change",
    "coagglomeration_index",
    "contiguity",
    "convert_coords",
    "counties",
    "dagum_gini",
    "datasets",
    "distance_decay",
    "geodesic_distance_km",
    "harmonise",
    "join",
    "kernel_density",
    "krugman_index",
    "linkage_index",
    "lisa_map",
    "local_moran",
    "locate",
    "location_quotient",
    "lq_change",
    "lq_ratio",
    "map_distance_decay",
    "maritime_line",
    "markov",
    "moran",
    "neighbours",
    "plot_distance_decay",
    "plot_kernel_density",
    "plot_lq_comparison",
    "prefectures",
    "provinces",
    "read_table",
    "register_grouping",
    "resolve_id",
    "resolve_names",
    "sigma_convergence",
    "similarity_index",
    "spatial_markov",
    "spatial_weights",
    "statistical_definitions",
    "theil",
    "to_adcode",
    "to_gpkg",
    "unregister_grouping",
    "web_map",
    "which_agglomerations",
    "within_km",
]
