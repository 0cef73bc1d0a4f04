"""Compute a metric from its in-force definition: resolve, compile, run, cite.

:func:`evaluate_metric` is what ``accord metric``, ``accord goals``, the demo scorecard and
the web app call. It returns one of three outcomes, all data: the
:class:`~accord.definitions.results.MetricResult` (rows and the citation of every
definition version used), :class:`~accord.definitions.store.NotInForce` (who still has to
sign what) or :class:`~accord.definitions.compile.NotCompilable` (an engine computes it).

Examples
--------
>>> from accord.definitions.memory_store import MemoryDefinitionStore
>>> from accord.definitions.starter import starter_catalog
>>> store = MemoryDefinitionStore()
>>> new_customers = starter_catalog().metrics()["new_customers"]
>>> evaluate_metric(store, {}, "mqls")
Traceback (most recent call last):
...
accord.errors.NotFound: no definition called 'mqls'
Hint: accord definitions list
>>> _ = store.propose(new_customers, by="fay")
>>> evaluate_metric(store, {}, "new_customers").message
'new_customers has no version in force: new_customers v1 needs the signature of finance, sales'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import ibis.expr.types as ir

from accord.definitions.compile import NotCompilable, compile_metric
from accord.definitions.measures import Grain
from accord.definitions.results import MetricResult
from accord.definitions.store import InForceLookup, NotInForce, resolve_in_force

__all__ = ["ENGINE_COMMANDS", "evaluate_metric"]

ENGINE_COMMANDS: dict[str, str] = {
    "clv": "the CLV engine: `accord clv --help` (fit-file, retention, simple)",
    "attribution": "the attribution engine: `accord attribution --help`",
}
"""Where to compute a metric the compiler leaves to an engine (``NotCompilable.engine``)."""


def evaluate_metric(
    store: InForceLookup,
    tables: Mapping[str, ir.Table],
    name: str,
    *,
    grain: Grain | None = None,
    by: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
) -> MetricResult | NotInForce | NotCompilable:
    """Compute metric *name* from the versions in force of it and of every input.

    Parameters
    ----------
    store
        Where the definitions' versions are (the workspace's state store, or an
        :class:`~accord.definitions.store.InForceSnapshot` of it for many numbers).
    tables
        Ibis tables by canonical name (the warehouse's).
    name, grain, by, start, end
        As for :func:`~accord.definitions.compile.compile_metric`.

    Raises
    ------
    NotFound
        No definition *name* (or an input) was ever proposed.
    InputError
        An unknown dimension or a grain finer than the metric allows.
    """
    resolved = resolve_in_force(store, name)
    if isinstance(resolved, NotInForce):
        return resolved
    compiled = compile_metric(
        name, metrics=resolved.metrics, tables=tables, grain=grain, by=by, start=start, end=end
    )
    if isinstance(compiled, NotCompilable):
        return compiled
    rows = compiled.expr.to_pyarrow().to_pylist()
    return MetricResult.from_rows(compiled, rows, resolved.citations)
