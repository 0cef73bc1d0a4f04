"""The Credit page: attribution models side by side, team credit, sourced vs influenced.

Computed by :mod:`accord.workflows.attribution` (the same as ``accord attribution``) on
the server's warehouse and the definitions in force: the conversion, lookback and model
of the signed ``attribution`` definition (named ``in_force`` in the tables) compared with
every other model on the same journeys; team credit under the signed model, and each
team's **sourced** and **influenced** conversions, which overlap and are never summed.
"""

from __future__ import annotations

from typing import Any

from accord.data.warehouse import Warehouse
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.attribution import MODELS
from accord.errors import AccordError
from accord.web.services.reports import Problem, Table, View, table_of
from accord.workflows.attribution import attribute, attribute_teams

__all__ = ["TABLES", "credit_view"]

TABLES: dict[str, str] = {
    "models": "Credit by channel under each model",
    "models_wide": "Model comparison: conversions credited to each channel",
    "teams": "Team credit, sourced and influenced",
}
"""Every table of the page, by URL name (``/api/v1/credit/<name>``)."""


def _wide(rows: list[dict[str, Any]], by: str, models: list[str]) -> list[dict[str, Any]]:
    """One row per label, one column per model (conversions), largest in-force first."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        out.setdefault(r[by], {by: r[by]})[r["model"]] = r["conversions"]
    first = models[0] if models else None
    return sorted(out.values(), key=lambda r: -(r.get(first) or 0.0) if first else 0.0)


def credit_view(store: SqlDefinitionStore, warehouse: Warehouse) -> View:
    """Every table of the page, or the reason there are none."""
    snapshot = store.snapshot()
    tables: list[Table] = []
    problems: list[Problem] = []
    notes: list[str] = []
    citations: tuple[Citation, ...] = ()
    parameters: list[tuple[str, str]] = []
    try:
        report = attribute(warehouse, snapshot, models=list(MODELS))
    except AccordError as exc:
        problems.append(Problem.of(exc))
    else:
        long = report.credit_table()
        models = [r.model for r in report.results]
        tables.append(table_of("models", TABLES["models"], long))
        wide = _wide(long.to_pylist(), report.by, models)
        tables.append(
            table_of("models_wide", TABLES["models_wide"], wide, columns=[report.by, *models])
        )
        notes += report.notes
        citations = report.citations
        parameters += [
            ("conversion", report.conversion),
            ("level", report.level),
            ("lookback_days", str(report.lookback_days)),
            ("in_force_model", report.in_force or "none"),
            ("conversion_events", f"{report.conversion_events:,.0f}"),
        ]
    try:
        teams = attribute_teams(warehouse, snapshot)
    except AccordError as exc:
        problems.append(Problem.of(exc))
    else:
        tables.append(table_of("teams", TABLES["teams"], teams.table()))
        notes += [n for n in teams.notes if n not in notes]
        citations = citations or teams.citations
    return View(
        tables=tuple(tables),
        citations=tuple(citations),
        notes=tuple(notes),
        problems=tuple(problems),
        parameters=tuple(parameters),
    )
