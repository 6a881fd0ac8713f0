"""geolink: city-level indices of China on prefecture boundaries, by urban agglomeration.

Every public name is imported on first use, so ``import geolink`` costs milliseconds and a
script pays only for what it calls (pandas and shapely for point assignment, matplotlib for
maps, …).
"""

import importlib
import sys
import types

__version__ = "0.1.0"

# public name → the module that defines it ("module:attribute" where the name differs; a bare
# module path for a submodule), imported on first access: `import geolink` imports nothing heavy
_LAZY = {
    "EIGHT": "geolink.agglomerations",
    "agglomeration_groups": "geolink.agglomerations",
    "agglomeration_outline": "geolink.agglomerations",
    "agglomerations": "geolink.agglomerations",
    "cities_in": "geolink.agglomerations",
    "register_grouping": "geolink.agglomerations",
    "resolve_id": "geolink.agglomerations",
    "unregister_grouping": "geolink.agglomerations",
    "LocalMoranResult": "geolink.autocorrelation",
    "MoranResult": "geolink.autocorrelation",
    "local_moran": "geolink.autocorrelation",
    "moran": "geolink.autocorrelation",
    "counties": "geolink.boundaries",
    "maritime_line": "geolink.boundaries",
    "prefectures": "geolink.boundaries",
    "provinces": "geolink.boundaries",
    "Classes": "geolink.classes",
    "classify": "geolink.classes",
    "BetaResult": "geolink.convergence",
    "SigmaResult": "geolink.convergence",
    "beta_convergence": "geolink.convergence",
    "sigma_convergence": "geolink.convergence",
    "convert_coords": "geolink.coords:convert",
    "datasets": "geolink.datasets",
    "DecayResult": "geolink.decay",
    "distance_decay": "geolink.decay",
    "DensityResult": "geolink.dynamics",
    "MarkovResult": "geolink.dynamics",
    "SpatialMarkovResult": "geolink.dynamics",
    "kernel_density": "geolink.dynamics",
    "markov": "geolink.dynamics",
    "spatial_markov": "geolink.dynamics",
    "Style": "geolink.gpkg",
    "to_gpkg": "geolink.gpkg",
    "HarmoniseResult": "geolink.history",
    "harmonise": "geolink.history",
    "DagumResult": "geolink.inequality",
    "dagum_gini": "geolink.inequality",
    "JoinReport": "geolink.join",
    "join": "geolink.join",
    "read_table": "geolink.join",
    "agglomeration_map": "geolink.maps",
    "choropleth": "geolink.maps",
    "map_distance_decay": "geolink.maps",
    "plot_distance_decay": "geolink.maps",
    "plot_lq_comparison": "geolink.maps",
    "resolve_names": "geolink.names",
    "statistical_definitions": "geolink.rollup",
    "to_adcode": "geolink.names",
    "aggregate_points": "geolink.points",
    "assign_points": "geolink.points",
    "lisa_map": "geolink.regional_plots",
    "plot_kernel_density": "geolink.regional_plots",
    "centroids": "geolink.spatial",
    "contiguity": "geolink.spatial",
    "geodesic_distance_km": "geolink.spatial",
    "locate": "geolink.pointgrid",
    "neighbours": "geolink.spatial",
    "which_agglomerations": "geolink.spatial",
    "within_km": "geolink.spatial",
    "classify_lq_change": "geolink.structure",
    "coagglomeration_index": "geolink.structure",
    "krugman_index": "geolink.structure",
    "linkage_index": "geolink.structure",
    "location_quotient": "geolink.structure",
    "lq_change": "geolink.structure",
    "lq_ratio": "geolink.structure",
    "similarity_index": "geolink.structure",
    "ReadReport": "geolink.tables",
    "TheilResult": "geolink.theil_index",
    "theil": "geolink.theil_index",
    "web_map": "geolink.webmap",
    "spatial_weights": "geolink.weights",
}


_SUBMODULES = {"datasets"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'geolink' has no attribute {name!r}")
    module, _, attribute = _LAZY[name].partition(":")
    value = importlib.import_module(module)
    if name not in _SUBMODULES:
        value = getattr(value, attribute or name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The package module: keeps ``join`` and ``agglomerations`` the functions.

    Importing a submodule binds it to the package attribute of its name; the functions
    ``geolink.join`` and ``geolink.agglomerations`` share their module's name and stay bound.
    """

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY and name not in _SUBMODULES:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
    "ReadReport",
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
