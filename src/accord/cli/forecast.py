"""``accord forecast accuracy``: past periods' pipeline-weighted forecasts against actual
bookings (error, bias, MAPE), from :mod:`accord.workflows.revenue.forecast`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._render import emit_json, emit_rows, out
from accord.cli.definitions import open_definitions
from accord.cli.funnel import cite_line, parse_day, pct, print_notes
from accord.data.workspace import Workspace
from accord.workflows.revenue.forecast import forecast_report

__all__ = ["accuracy", "app"]

app = typer.Typer(
    help="Forecast accuracy: forecasts against actual bookings.", no_args_is_help=True
)


class ForecastBy(StrEnum):
    """What to split the forecast by."""

    rep = "rep"
    segment = "segment"
    source = "source"


class ForecastGrain(StrEnum):
    """Forecast period."""

    month = "month"
    quarter = "quarter"


COLUMNS = ("period", "group", "open_deals", "pipeline", "forecast", "actual",
           "actual_from_new", "error", "pct_error", "mape")  # fmt: skip


@app.command("accuracy")
def accuracy(
    by: Annotated[ForecastBy | None, typer.Option("--by", help="Split by.")] = None,
    grain: Annotated[
        ForecastGrain, typer.Option("--grain", help="Forecast period.")
    ] = ForecastGrain.month,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Day after the last, YYYY-MM-DD.")] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Each period's forecast (open deals x stage win probability learned from earlier
    periods only) against the bookings: error = forecast - actual, pct_error = error /
    actual; rows (all): bias = sum(error) / sum(actual) and MAPE = mean |error| / actual.
    """
    ws = Workspace.open(workspace)
    with open_definitions(workspace) as store:
        result = forecast_report(
            ws,
            store,
            start=parse_day(start, "--from"),
            end=parse_day(end, "--to"),
            grain=grain.value,
            by=by.value if by else None,
        )
    if fmt is OutputFormat.json:
        emit_json(result.to_json())
        return
    rows = result.accuracy.rows()
    if fmt is OutputFormat.csv:
        emit_rows(rows, columns=result.accuracy.table.column_names, fmt=fmt)
        return
    shown: list[dict[str, Any]] = [
        {**r, "pct_error": pct(r["pct_error"]), "mape": pct(r.get("mape"))} for r in rows
    ]
    emit_rows(
        shown,
        columns=COLUMNS,
        fmt=fmt,
        title=f"Forecast accuracy by {grain.value} (pipeline x learned stage probability)",
        empty="No periods in the window.",
    )
    print_notes((result.accuracy,))
    out().print(escape(cite_line(result.citations)))
