"""Model weights: packaged sources converted into a private cache, local folders, hub ids."""

from model_core.weights.cache import cache_root
from model_core.weights.sources import (
    PACKAGED,
    PackagedSource,
    UnsafeWeightsError,
    WeightsUnavailableError,
    check_safetensors_only,
    downloads_allowed,
    resolve_source,
)

__all__ = [
    "PACKAGED",
    "PackagedSource",
    "UnsafeWeightsError",
    "WeightsUnavailableError",
    "cache_root",
    "check_safetensors_only",
    "downloads_allowed",
    "resolve_source",
]
