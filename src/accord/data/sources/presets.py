"""The preset registry: mappings for the exports teams have, and Accord's own layouts.

Presets for outside systems are YAML files in ``presets/`` beside this module. One
``accord-<table>`` preset per canonical table is generated from :mod:`accord.data.schema`:
its headers are the canonical column names, the ``source_system`` column is optional
(default ``accord``), and ``source_id`` is optional, defaulting to the table's id column
(``date|channel|campaign_id`` for spend, ``experiment_id|unit_id`` for exposures).

Examples
--------
>>> get_preset("hubspot-contacts").source_system
'hubspot'
>>> get_preset("accord-spend").targets[0].source_id_fallback
(('date',), ('channel',), ('campaign_id',))
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.data.schema import TABLES, Table
from accord.data.sources.spec import MappingSpec, Target
from accord.errors import MappingError, NotFound

__all__ = ["get_preset", "list_presets", "load_mapping", "parse_mapping"]

ACCORD_SOURCE_SYSTEM = "accord"
_COMPOSITE_IDS: dict[str, tuple[str, ...]] = {
    "spend": ("date", "channel", "campaign_id"),
    "exposures": ("experiment_id", "unit_id"),
}


def _accord_preset(table: Table) -> MappingSpec:
    id_parts = _COMPOSITE_IDS.get(table.name) or ((table.id_column,) if table.id_column else ())
    if not id_parts:  # pragma: no cover - every canonical table has an id or a composite
        raise AssertionError(f"canonical table {table.name} has no id")
    columns = {c: (c,) for c in table.column_names if c != "source_id"}
    target = Target(
        table=table.name,
        source_id=(("source_id",),),
        source_id_fallback=tuple((p,) for p in id_parts),
        columns=columns,
    )
    return MappingSpec(
        name=f"accord-{table.name}",
        title=f"Accord canonical layout of {table.name} (headers = column names)",
        source_system=ACCORD_SOURCE_SYSTEM,
        targets=(target,),
    )


def parse_mapping(raw: Any, *, origin: str) -> MappingSpec:
    """Validate a mapping given as plain data (parsed YAML); *origin* names it in errors.

    Raises
    ------
    MappingError
        Listing every problem, each with where it is in the mapping.
    """
    if not isinstance(raw, dict):
        raise MappingError(
            f"{origin}: a mapping must be a YAML mapping with name, source_system and targets",
            hint="See docs/loading.md for the mapping format.",
        )
    try:
        return MappingSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise MappingError(
            f"{origin} is not a valid mapping:\n  - " + "\n  - ".join(problems),
            hint="See docs/loading.md for the mapping format.",
        ) from exc


def load_mapping(path: Path) -> MappingSpec:
    """Read and validate the mapping YAML at *path*.

    Raises
    ------
    MappingError
        The file cannot be read, is not YAML, or breaks a rule; the message names the
        file and every problem.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError(f"Cannot read the mapping {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"The mapping {path} is not UTF-8 text.") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"The mapping {path} is not valid YAML: {exc}") from exc
    return parse_mapping(raw, origin=str(path))


@cache
def _registry() -> dict[str, MappingSpec]:
    presets: dict[str, MappingSpec] = {}
    folder = resources.files("accord.data.sources").joinpath("presets")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            spec = parse_mapping(yaml.safe_load(entry.read_text("utf-8")), origin=entry.name)
            presets[spec.name] = spec
    for table in TABLES.values():
        spec = _accord_preset(table)
        presets[spec.name] = spec
    return presets


def list_presets() -> list[MappingSpec]:
    """Every preset: outside systems first, then the ``accord-<table>`` layouts."""
    specs = list(_registry().values())
    return sorted(specs, key=lambda s: (s.source_system == ACCORD_SOURCE_SYSTEM, s.name))


def get_preset(name: str) -> MappingSpec:
    """The preset called *name*.

    Raises
    ------
    NotFound
        Listing the known names.
    """
    try:
        return _registry()[name]
    except KeyError:
        known = ", ".join(s.name for s in list_presets())
        raise NotFound(
            f"No preset called {name!r}.",
            hint=f"Known presets: {known}. For another layout write a mapping YAML "
            "(docs/loading.md) and pass --mapping.",
        ) from None
