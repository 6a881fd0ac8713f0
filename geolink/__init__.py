"""geolink: city-level indices of China on prefecture boundaries, by urban agglomeration."""

from geolink.agglomerations import (
    EIGHT,
    agglomeration_groups,
    agglomeration_outline,
    agglomerations,
    cities_in,
    register_grouping,
    resolve_id,
    unregister_grouping,
    which_agglomerations,
)
from geolink.boundaries import prefectures
from geolink.classify import Classes, classify
from geolink.convergence import BetaResult, SigmaResult, beta_convergence, sigma_convergence
from geolink.coords import convert as convert_coords
from geolink.gpkg import Style, to_gpkg
from geolink.inequality import DagumResult, dagum_gini
from geolink.join import JoinReport, join, read_table
from geolink.names import resolve_names, to_adcode
from geolink.spatial import centroids, contiguity, geodesic_distance_km, locate, neighbours, within_km

__version__ = "0.1.0"

__all__ = [
    "EIGHT",
    "Classes",
    "Style",
    "classify",
    "to_gpkg",
    "JoinReport",
    "join",
    "read_table",
    "resolve_names",
    "BetaResult",
    "SigmaResult",
    "beta_convergence",
    "sigma_convergence",
    "DagumResult",
    "agglomeration_groups",
    "agglomeration_outline",
    "agglomerations",
    "centroids",
    "cities_in",
    "contiguity",
    "convert_coords",
    "dagum_gini",
    "geodesic_distance_km",
    "locate",
    "neighbours",
    "prefectures",
    "register_grouping",
    "resolve_id",
    "to_adcode",
    "unregister_grouping",
    "which_agglomerations",
    "within_km",
]
