"""Render a compiled metric as SQL for a warehouse dialect (``accord metric --sql``, golden
files, and reading what a number means).

Ibis compiles to any of its SQL dialects without the backend installed, except that the
PySpark compiler reads one backend option (``treat_nan_as_null``) that only the PySpark
backend registers; :func:`to_sql` registers it with the backend's default (``False``) when
PySpark is not loaded.

Examples
--------
>>> from accord.definitions.compile import compile_metric
>>> from accord.definitions.semantic import canonical_tables
>>> from accord.definitions.starter import starter_catalog
>>> c = compile_metric("mqls", metrics=starter_catalog().metrics(), tables=canonical_tables())
>>> "FROM `lifecycle_events`" in to_sql(c, "pyspark")
True
"""

from __future__ import annotations

import ibis
import ibis.config

from accord.definitions.compile import CompiledMetric

__all__ = ["DIALECTS", "to_sql"]

DIALECTS: tuple[str, ...] = ("duckdb", "postgres", "pyspark")
"""Dialects Accord's warehouse is tested on (any Ibis SQL dialect name works)."""


class _PySparkOptions(ibis.config.Config):  # type: ignore[misc]  # ibis is untyped here
    """The PySpark backend's options, with its defaults."""

    treat_nan_as_null: bool = False


def to_sql(compiled: CompiledMetric, dialect: str = "duckdb") -> str:
    """The SQL of *compiled* in *dialect* (``duckdb``, ``postgres``, ``pyspark``, ...)."""
    if dialect == "pyspark" and getattr(ibis.options, "pyspark", None) is None:
        ibis.options.pyspark = _PySparkOptions()
    return str(ibis.to_sql(compiled.expr, dialect=dialect))
