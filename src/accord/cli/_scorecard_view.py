"""The demo's terminal scorecard: tables, funnel, revenue by month, quarantine, and the
shared scorecard: every metric in force with its value, version and signatories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.rule import Rule
from rich.table import Table

from accord.cli._render import out
from accord.cli._scorecard import (
    FUNNEL_STAGES,
    SIDE_STATES,
    full_months,
    monthly_revenue,
    quarantine_summary,
    stage_contacts,
)
from accord.cli.metric import format_value, warehouse_tables
from accord.data import catalog
from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.definitions import MetricResult, NotCompilable
from accord.definitions.evaluate import evaluate_metric
from accord.definitions.metric import MetricDefinition
from accord.definitions.sql_store import SqlDefinitionStore

__all__ = ["print_scorecard"]

BAR_WIDTH = 30


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", expand=False)
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 or c == "" else "right")
    return table


def _bar(value: float, top: float) -> str:
    return "█" * max(1, round(BAR_WIDTH * value / top)) if top > 0 and value > 0 else ""


def _loads(rows: Sequence[dict[str, Any]]) -> Table:
    table = _table(
        "This run's loads", "file", "read", "inserted", "updated", "unchanged", "quarantined"
    )
    for r in rows:
        table.add_row(
            r["file"],
            *(
                f"{r[k]:,}"
                for k in ("rows_read", "inserted", "updated", "unchanged", "quarantined")
            ),
        )
    return table


def _tables(counts: dict[str, int]) -> Table:
    table = _table("Tables", "table", "rows")
    for name, rows in counts.items():
        table.add_row(name, f"{rows:,}")
    return table


def _funnel(wh: Warehouse) -> Table:
    events = wh.table("lifecycle_events")
    rows = stage_contacts(events, stages=FUNNEL_STAGES + SIDE_STATES).to_pyarrow().to_pylist()
    reached: dict[str, int] = {r["stage"]: r["contacts"] for r in rows}
    # Counts per stage, not conversion rates: records of different systems reach different
    # stages (HubSpot records MQLs, the sales team's decisions record SALs) until identity
    # resolution joins them, so a ratio of neighbouring stages would mislead.
    table = _table("Funnel (distinct contacts that reached each stage)", "stage", "contacts", "")
    top = max((reached.get(s, 0) for s in FUNNEL_STAGES), default=0)
    for stage in FUNNEL_STAGES:
        n = reached.get(stage, 0)
        table.add_row(stage, f"{n:,}", _bar(n, top))
    side = [f"{s} {reached[s]:,}" for s in SIDE_STATES if reached.get(s)]
    if side:
        table.caption = "side states: " + ", ".join(side)
    return table


def _revenue(wh: Warehouse) -> Table:
    rows = monthly_revenue(wh.table("revenue")).to_pyarrow().to_pylist()
    table = _table("Revenue by month (last 12, UTC)", "month", "currency", "amount", "invoices", "")
    top = max((float(r["amount"] or 0) for r in rows), default=0.0)
    for r in rows:
        amount = float(r["amount"] or 0)
        table.add_row(
            r["month"].strftime("%Y-%m"),
            r["currency"] or "",
            f"{amount:,.0f}",
            f"{r['invoices']:,}",
            _bar(amount, top),
        )
    return table


def _total(outcome: object) -> float | None:
    if isinstance(outcome, MetricResult) and outcome.values:
        return outcome.values[0].value
    return None


def _shared(wh: Warehouse, store: SqlDefinitionStore) -> list[Any]:
    """Every metric in force over the last whole month and the whole window of the data,
    with its version and who signed it; engine metrics are named apart."""
    events = wh.table("lifecycle_events")
    [bounds] = (
        events.aggregate(first=events.ts.min(), last=events.ts.max()).to_pyarrow().to_pylist()
    )
    window = full_months(bounds["first"], bounds["last"])
    if window is None:
        return []
    start, month, end = window
    tables = warehouse_tables(wh)
    table = _table(
        f"Shared scorecard: every metric in force, as signed (data {start:%Y-%m} to {month:%Y-%m})",
        "metric",
        "version",
        f"{month:%Y-%m}",
        "whole window",
        "signed by",
    )
    for column in (table.columns[1], table.columns[4]):
        column.justify = "left"
    engines: list[str] = []
    snapshot = store.snapshot()
    for name, current in sorted(snapshot.versions.items()):
        spec = current.definition
        if not isinstance(spec, MetricDefinition):
            continue
        last = evaluate_metric(snapshot, tables, name, start=month, end=end)
        if isinstance(last, NotCompilable):
            engines.append(f"{name} ({last.engine})")
            continue
        whole = evaluate_metric(snapshot, tables, name, start=start, end=end)
        table.add_row(
            name,
            f"v{current.version}",
            format_value(_total(last), spec),
            format_value(_total(whole), spec),
            ", ".join(s.user for s in current.valid_signatures),
        )
    if engines:
        table.caption = "computed by an engine, not the metric compiler: " + ", ".join(engines)
    return [table]


def print_scorecard(
    ws: Workspace,
    loads: Sequence[dict[str, Any]],
    *,
    users: Sequence[str],
    definitions: SqlDefinitionStore | None = None,
) -> None:
    """Print the scorecard of *ws* (read-only; the aggregates run in the warehouse), with
    the shared scorecard of the metrics in force in *definitions*."""
    with ws.warehouse(read_only=True) as wh:
        counts = catalog.table_counts(wh)
        parts: list[Any] = [_loads(loads), _tables(counts)]
        if counts.get("lifecycle_events"):
            parts.append(_funnel(wh))
        if counts.get("revenue"):
            parts.append(_revenue(wh))
        if definitions is not None and counts.get("lifecycle_events"):
            parts.extend(_shared(wh, definitions))
        [q] = quarantine_summary(wh.table(catalog.QUARANTINE_TABLE)).to_pyarrow().to_pylist()
    note = (
        f"Quarantine: {q['rows']:,} row(s) with {q['problems']:,} problem(s); "
        f"`accord quarantine list -w {ws.root}` shows file, row, column and reason."
        if q["problems"]
        else "Quarantine: empty (every row loaded)."
    )
    people = f"Demo users: {', '.join(users)} (one lead and one member per team)."
    console = out()
    console.print(Rule(f"Accord scorecard: {ws.settings.workspace.name} ({ws.root})"))
    for part in parts:
        console.print(part)
    console.print(note, markup=False, soft_wrap=True)
    console.print(people, markup=False, soft_wrap=True)
