"""Sources: mapping specs, the preset registry, and how files are read.

A :class:`MappingSpec` says how the columns of an export become rows of canonical tables;
presets are mappings for the exports teams actually have (``hubspot-contacts``,
``google-ads-campaigns``, ...) plus ``accord-<table>`` for Accord's own layout.
"""

from __future__ import annotations

from accord.data.sources.presets import get_preset, list_presets, load_mapping
from accord.data.sources.spec import MappingSpec, Melt, ReadOptions, Target, ValueRule

__all__ = [
    "MappingSpec",
    "Melt",
    "ReadOptions",
    "Target",
    "ValueRule",
    "get_preset",
    "list_presets",
    "load_mapping",
]
