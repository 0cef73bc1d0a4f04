"""``accord metric NAME``: compute a metric from its in-force definition, citing it.

The metric compiler turns the in-force version of the metric (and of every metric it is
built from) into a query that runs in the warehouse; the output names the versions used
and who signed them. A metric without a version in force is refused, naming who still
has to sign (exit 6, a conflict with the current state); a metric computed by an engine
is refused naming the engine's command (exit 2).
"""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir, parse_date
from accord.cli._render import emit_json, err, out, rich_table
from accord.cli.definitions import open_definitions
from accord.data.schema import TABLES
from accord.data.workspace import Workspace
from accord.definitions import MetricResult, NotCompilable
from accord.definitions.evaluate import ENGINE_COMMANDS, evaluate_metric
from accord.definitions.metric import MetricDefinition
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import NotInForce
from accord.errors import Conflict, InputError

__all__ = ["format_value", "metric", "not_in_force_error", "warehouse_tables"]


class GrainOption(StrEnum):
    """A time grain (:data:`accord.definitions.measures.GRAINS`)."""

    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


def warehouse_tables(wh: Any) -> dict[str, Any]:
    """The warehouse's canonical tables as Ibis tables, by name."""
    return {name: wh.table(name) for name in TABLES}


def not_in_force_error(store: SqlDefinitionStore, outcome: NotInForce) -> Conflict:
    """The error for a metric that has no version in force: who still has to sign what."""
    parts = []
    for p in outcome.pending:
        teams = ", ".join(f"{t} ({', '.join(store.signers(t)) or 'no lead yet'})" for t in p.teams)
        parts.append(f"{p.name} v{p.version} awaits the signature of {teams or 'nobody'}")
    first = outcome.pending[0]
    return Conflict(
        f"{outcome.metric} has no version in force: " + "; ".join(parts) + ".",
        hint=f"A lead of each team signs it: `accord definitions sign {first.name} --as LEAD`; "
        f"`accord definitions show {first.name}` shows what they sign.",
    )


def format_value(value: float | None, spec: MetricDefinition | None) -> str:
    """*value* in the metric's declared format (``,.0f``, ``.1%``, ...)."""
    if value is None:
        return ""
    fmt = spec.body.format if spec is not None else None
    return format(value, fmt or ",.2f")


def _emit(result: MetricResult, spec: MetricDefinition | None, fmt: OutputFormat) -> None:
    keys = (["period"] if result.grain else []) + list(result.by)
    rows = [
        {
            **({"period": v.period} if result.grain else {}),
            **dict(v.dimensions),
            "value": v.value,
        }
        for v in result.values
    ]
    if fmt is OutputFormat.json:
        emit_json(result.to_json())
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["metric", "version", *keys, "value"])
        for row in rows:
            writer.writerow(
                [result.metric.name, result.metric.version]
                + ["" if row[k] is None else row[k] for k in keys]
                + ["" if row["value"] is None else row["value"]]
            )
    else:
        shown = [{**r, "value": format_value(r["value"], spec)} for r in rows]
        console = out()
        console.print(f"{result.metric}", markup=False, soft_wrap=True)
        for c in result.inputs:
            console.print(f"  uses {c}", markup=False, soft_wrap=True)
        if rows:
            table = rich_table(shown, columns=[*keys, "value"])
            table.columns[-1].justify = "right"
            console.print(table)
        else:
            err().print("No rows: nothing happened in that range.")


def metric(
    name: Annotated[str, typer.Argument(help="The metric, e.g. mqls.", metavar="NAME")],
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Break down by this dimension (repeatable), e.g. segment."),
    ] = None,
    grain: Annotated[
        GrainOption | None,
        typer.Option(help="One row per period: day, week, month, quarter or year."),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day counted (YYYY-MM-DD).")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Day after the last one counted (YYYY-MM-DD).")
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Compute a metric from its in-force definition, citing the versions used.

    The output names the definition version of the metric and of every metric it is built
    from, and who signed each. Without --grain, one total over the range.
    """
    start, end = parse_date(from_, "--from"), parse_date(to, "--to")
    ws = Workspace.open(workspace)
    with open_definitions(workspace) as store, ws.warehouse(read_only=True) as wh:
        outcome = evaluate_metric(
            store,
            warehouse_tables(wh),
            name,
            grain=grain.value if grain is not None else None,
            by=by or (),
            start=start,
            end=end,
        )
        if isinstance(outcome, NotInForce):
            raise not_in_force_error(store, outcome)
        if isinstance(outcome, NotCompilable):
            raise InputError(
                f"{outcome.message}.",
                hint=f"Compute it with {ENGINE_COMMANDS.get(outcome.engine, outcome.engine)}.",
            )
        current = store.in_force(name)
    spec = current.definition if current is not None else None
    _emit(outcome, spec if isinstance(spec, MetricDefinition) else None, fmt)
    if fmt is OutputFormat.table and (start or end):
        err().print(
            escape(f"Range: {start or 'the beginning'} to {end or 'the end'} (end excluded).")
        )
