"""``accord feedback leads``: what sales says about marketing's leads, by source.

Acceptance and rejection rates with the reason-code mix, what happened to recycled
leads, and the value of a lead (conversion to customer x revenue per customer), from
:mod:`accord.workflows.revenue.feedback`; cites the ``funnel`` and ``sla`` versions.
"""

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
from accord.workflows.revenue.feedback import FeedbackResult, feedback_report

__all__ = ["app", "leads"]

app = typer.Typer(help="Lead-quality feedback from sales to marketing.", no_args_is_help=True)


class FeedbackBy(StrEnum):
    """What to group the leads by."""

    source = "source"
    campaign = "campaign"
    channel = "channel"


def _acceptance_rows(result: FeedbackResult) -> list[dict[str, Any]]:
    mix: dict[str, list[str]] = {}
    for r in sorted(result.reasons.rows(), key=lambda r: -r["rejections"]):
        mix.setdefault(r["group"], []).append(f"{r['reason']} {r['share']:.0%}")
    value = {r["group"]: r for r in result.lead_value.rows()}
    rows = []
    for r in result.acceptance.rows():
        v = value.get(r["group"], {})
        rows.append(
            {
                result.by: r["group"],
                "decided": r["decided"],
                "accepted": pct(r["acceptance_rate"]),
                "rejected": pct(r["rejection_rate"]),
                "reasons": ", ".join(mix.get(r["group"], [])[:3]),
                "leads": v.get("leads"),
                "to_customer": pct(v.get("conversion_rate")),
                "lead_value": v.get("lead_value"),
            }
        )
    return rows


@app.command("leads")
def leads(
    by: Annotated[FeedbackBy, typer.Option("--by", help="Group leads by.")] = FeedbackBy.source,
    start: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (local time).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Day after the last, YYYY-MM-DD.")] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Acceptance, rejection reasons, recycled leads and lead value by source.

    Each person's first hand-off counts once (a recycled lead is not counted twice);
    lead value = conversion rate to customer x revenue per customer, over the cohort of
    people whose first MQL fell in the window. Default: the last 12 months.
    """
    ws = Workspace.open(workspace)
    with open_definitions(workspace) as store:
        result = feedback_report(
            ws, store, start=parse_day(start, "--from"), end=parse_day(end, "--to"), by=by.value
        )
    if fmt is OutputFormat.json:
        emit_json(result.to_json())
        return
    if fmt is OutputFormat.csv:
        rows = result.acceptance.rows()
        emit_rows(rows, columns=result.acceptance.table.column_names, fmt=fmt)
        return
    emit_rows(
        _acceptance_rows(result),
        columns=(
            by.value,
            "decided",
            "accepted",
            "rejected",
            "reasons",
            "leads",
            "to_customer",
            "lead_value",
        ),
        fmt=fmt,
        title=f"Lead feedback by {by.value}, {result.start:%Y-%m-%d}..{result.end:%Y-%m-%d} "
        "(first hand-off per person; lead value = to-customer rate x revenue per customer)",
        empty="No decided hand-offs in the window.",
    )
    emit_rows(
        result.recycled.rows(),
        columns=(
            "group",
            "recycled",
            "returned",
            "accepted_after",
            "customers_after",
            "disqualified_after",
            "still_recycled",
        ),
        fmt=fmt,
        title="Recycled leads and what happened to them",
        empty="No recycled leads in the window.",
    )
    print_notes(
        (result.acceptance, result.reasons, result.recycled, result.lead_value),
        resolved=result.resolved,
    )
    out().print(escape(cite_line(result.citations)))
