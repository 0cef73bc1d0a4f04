"""The Credit page: attribution models side by side, team credit, sourced vs influenced.

Computed by :mod:`accord.workflows.attribution` (the same as ``accord attribution``) on
the server's warehouse and the definitions in force: the conversion, lookback and model
of the signed ``attribution`` definition (named ``in_force`` in the tables) compared with
every other model on the same journeys; team credit under the signed model, and each
team's **sourced** and **influenced** conversions, which overlap and are never summed.
:class:`CreditArgs` carries the options of ``accord attribution`` the page takes (the
conversions' days, journey level, conversion, what a touch is credited as, the models).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from accord.data.warehouse import Warehouse
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.attribution import MODELS
from accord.errors import AccordError
from accord.web.services.reports import Problem, Table, View, table_of
from accord.workflows.attribution import Scope, attribute, attribute_teams

__all__ = ["BY", "CONVERSIONS", "LEVELS", "TABLES", "CreditArgs", "credit_view"]

LEVELS: tuple[str, ...] = ("person", "account")
"""``level``: whose journeys (``accord attribution --level``)."""
CONVERSIONS: tuple[str, ...] = ("mql", "opportunity", "closed_won", "revenue")
"""``conversion``: the event credited (default: the attribution definition's)."""
BY: tuple[str, ...] = ("channel", "campaign", "team")
"""``by``: what a touch is credited as."""


@dataclass(frozen=True, slots=True)
class CreditArgs:
    """The options of ``accord attribution`` the page takes.

    Attributes
    ----------
    start, end
        Conversions from the first to the last day, both included (as ``--from`` and
        ``--to``); ``None``: every conversion.
    level, conversion, by
        As ``--level``, ``--conversion`` and ``--by``.
    models
        The models compared (``--model``); empty: every model.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    level: Literal["person", "account"] = "person"
    conversion: Literal["mql", "opportunity", "closed_won", "revenue"] | None = None
    by: Literal["channel", "campaign", "team"] = "channel"
    models: tuple[str, ...] = ()

    def scope(self, by: Literal["channel", "campaign", "team"] | None = None) -> Scope:
        """The workflow's scope of these options (credited *by* another label if given)."""
        return Scope(level=self.level, conversion=self.conversion, by=by or self.by,
                     start=self.start, end=self.end)  # fmt: skip

    def key(self) -> tuple[Any, ...]:
        """What results for these options are cached under."""
        return (self.start, self.end, self.level, self.conversion, self.by, self.models)


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


def credit_view(
    store: SqlDefinitionStore, warehouse: Warehouse, args: CreditArgs = CreditArgs()
) -> View:
    """Every table of the page for *args*, or the reason there are none."""
    snapshot = store.snapshot()
    tables: list[Table] = []
    problems: list[Problem] = []
    notes: list[str] = []
    citations: tuple[Citation, ...] = ()
    parameters: list[tuple[str, str]] = []
    try:
        report = attribute(
            warehouse, snapshot, models=list(args.models or MODELS), scope=args.scope()
        )
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
            ("by", report.by),
        ]
        parameters += [(k, v.isoformat()) for k, v in (("from", args.start), ("to", args.end)) if v]
    try:
        teams = attribute_teams(warehouse, snapshot, scope=args.scope("team"))
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
