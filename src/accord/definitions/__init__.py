"""Definitions: the common language teams sign (glossary, metrics, funnel, SLA, goals,
attribution model), validated as a whole and compiled to warehouse queries.

The public surface::

    load_folder(dir) / load_text(text) / dump(definition)    YAML in and out, with lines
    validate(catalog) / validate_folder(dir)                  every issue at once
    compile_metric(name, metrics=..., tables=...)             Ibis expression, any backend
    starter_catalog() / copy_starter(dir)                     the starter pack
    content_hash(definition)                                  what a signature binds to
    DefinitionStore, resolve_in_force, MetricResult           the seam to the state store
    evaluate_metric(store, tables, name, ...)                 a number from the versions in force

The state store's implementation and the sign-off workflows (propose, apply, sign,
export) are in ``accord.definitions.sql_store`` and ``accord.definitions.workflow``.
"""

from __future__ import annotations

from accord.definitions.catalog import Catalog, Entry
from accord.definitions.compile import CompiledMetric, NotCompilable, compile_metric
from accord.definitions.evaluate import evaluate_metric
from accord.definitions.hashing import content_hash
from accord.definitions.issues import Issue
from accord.definitions.results import Citation, MetricResult, MetricValue
from accord.definitions.specs import Definition, parse_definition
from accord.definitions.starter import copy_starter, starter_catalog
from accord.definitions.store import DefinitionStore, DefinitionVersion, Status, resolve_in_force
from accord.definitions.validation import validate, validate_folder
from accord.definitions.yaml_io import dump, load_folder, load_text

__all__ = [
    "Catalog",
    "Citation",
    "CompiledMetric",
    "Definition",
    "DefinitionStore",
    "DefinitionVersion",
    "Entry",
    "Issue",
    "MetricResult",
    "MetricValue",
    "NotCompilable",
    "Status",
    "compile_metric",
    "content_hash",
    "copy_starter",
    "dump",
    "evaluate_metric",
    "load_folder",
    "load_text",
    "parse_definition",
    "resolve_in_force",
    "starter_catalog",
    "validate",
    "validate_folder",
]
