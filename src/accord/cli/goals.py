"""``accord goals``: every goal in force against its target, with the pace for its period.

Pace is attainment ÷ the share of the period elapsed (for metrics that accumulate: counts
and sums); see :mod:`accord.definitions.progress`. Each row cites the goal's version and
the metric version its value was computed from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._render import emit_json, emit_rows, err
from accord.cli.definitions import open_definitions
from accord.cli.metric import format_value, warehouse_tables
from accord.data.workspace import Workspace
from accord.definitions.metric import MetricDefinition
from accord.definitions.progress import GoalProgress, goal_progress, pending_goals
from accord.definitions.sql_store import SqlDefinitionStore
from accord.errors import InputError

__all__ = ["goals"]

COLUMNS = (
    "goal",
    "team",
    "metric",
    "period",
    "target",
    "value",
    "attainment",
    "elapsed",
    "pace",
    "status",
)


def _row(store: SqlDefinitionStore, p: GoalProgress) -> dict[str, Any]:
    body = p.definition.body
    current = store.in_force(body.metric)
    spec = current.definition if current is not None else None
    metric_spec = spec if isinstance(spec, MetricDefinition) else None
    metric = p.result.metric if p.result is not None else None
    where = ", ".join(f"{d}={v}" for d, v in body.slice)
    return {
        "goal": f"{p.goal.name} v{p.goal.version}",
        "team": body.owner_team,
        "metric": (f"{metric.name} v{metric.version}" if metric else body.metric)
        + (f" [{where}]" if where else ""),
        "period": body.period,
        "target": format_value(body.target, metric_spec),
        "value": format_value(p.value, metric_spec),
        "attainment": "" if p.assessment.attainment is None else f"{p.assessment.attainment:.0%}",
        "elapsed": f"{p.elapsed:.0%}",
        "pace": "" if p.assessment.pace is None else f"{p.assessment.pace:.2f}",
        "status": p.assessment.status,
        "parent": body.parent,
        "note": p.note,
    }


def _json(p: GoalProgress) -> dict[str, Any]:
    body = p.definition.body
    return {
        "goal": p.goal.to_json(),
        "metric": p.result.to_json() if p.result is not None else {"metric": body.metric},
        "owner_team": body.owner_team,
        "parent": body.parent,
        "slice": dict(body.slice),
        "period": body.period,
        "from": p.start,
        "to": p.end,
        "target": body.target,
        "value": p.value,
        "attainment": p.assessment.attainment,
        "elapsed": p.elapsed,
        "pace": p.assessment.pace,
        "status": p.assessment.status,
        "note": p.note,
    }


def goals(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Measure progress at the start of this day, YYYY-MM-DD (default: tomorrow, "
            "so today counts).",
        ),
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Each goal in force: its metric against the target and the pace for the period.

    Pace = attainment ÷ share of the period elapsed, for metrics that accumulate (counts,
    sums): 1.00 is on course for the target. Rates and averages have no pace: they are on
    track while they meet the target.
    """
    try:
        day = date.fromisoformat(as_of) if as_of else datetime.now(UTC).date() + timedelta(days=1)
    except ValueError as exc:
        raise InputError(f"--as-of {as_of!r} is not a date.", hint="Use YYYY-MM-DD.") from exc
    ws = Workspace.open(workspace)
    with open_definitions(workspace) as store, ws.warehouse(read_only=True) as wh:
        progress = goal_progress(store.snapshot(), warehouse_tables(wh), as_of=day)
        rows = [_row(store, p) for p in progress]
        pending = pending_goals(store)
    if fmt is OutputFormat.json:
        emit_json({"as_of": day, "goals": [_json(p) for p in progress], "pending": pending})
        return
    emit_rows(
        rows,
        columns=COLUMNS if fmt is OutputFormat.table else (*COLUMNS, "parent", "note"),
        fmt=fmt,
        title=f"Goals (measured on data before {day})",
        empty="No goal is in force; `accord definitions list --kind goal` shows the proposals.",
    )
    if fmt is OutputFormat.table:
        for row in rows:
            if row["note"]:
                err().print(escape(f"{row['goal']}: {row['note']}"))
        if pending:
            err().print(escape(f"Not in force yet (awaiting signatures): {', '.join(pending)}."))
