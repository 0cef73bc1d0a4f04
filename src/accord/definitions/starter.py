"""The starter pack: a standard B2B funnel, an SLA, metrics, glossary terms, a goal tree and
an attribution model, so that a new company does not face a blank page.

The YAML files ship with Accord (``accord/definitions/starter/``), one definition per file,
grouped in folders by kind. ``accord init`` proposes them, owned by the teams named in each.

Examples
--------
>>> names = starter_names()
>>> {"mqls", "b2b_funnel", "mql_handoff_sla", "attribution_model"} <= set(names)
True
>>> starter_catalog().get("win_rate").definition.owners
('sales',)
"""

from __future__ import annotations

import shutil
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from accord.definitions.catalog import Catalog
from accord.definitions.yaml_io import load_folder

__all__ = ["copy_starter", "starter_catalog", "starter_names"]


@cache
def starter_catalog() -> Catalog:
    """Load the starter pack, once per process (raises ``AssertionError`` if a shipped file
    is broken: the test suite guarantees they are not)."""
    with as_file(files("accord.definitions") / "starter") as folder:
        loaded = load_folder(Path(folder))
    assert not loaded.issues, "\\n".join(str(i) for i in loaded.issues)
    return loaded.catalog


def starter_names() -> list[str]:
    """Names of the starter definitions, sorted."""
    return sorted(e.name for e in starter_catalog())


def copy_starter(target: Path) -> list[Path]:
    """Copy the starter YAML files into *target* (kept in their kind folders) to edit them
    as code; existing files are not overwritten. Returns the files written."""
    written: list[Path] = []
    with as_file(files("accord.definitions") / "starter") as folder:
        source = Path(folder)
        for path in sorted(source.rglob("*.yaml")):
            dest = target / path.relative_to(source)
            if dest.exists():
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            written.append(dest)
    return written
