"""``accord economics``: CAC, LTV, LTV:CAC, payback and ROMI on the workspace.

Blended CAC = all sales and marketing cost / new customers; paid CAC = paid-channel spend
/ customers won by paid channels (last touch); LTV = ARPA x gross margin / monthly churn;
payback = CAC / (ARPA x gross margin). The computation is
:func:`accord.workflows.economics.unit_economics`; formulas and references are in
``docs/economics.md``. :func:`demo_section` prints the short version for ``accord demo``.
"""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir, parse_date
from accord.cli._render import emit_json, emit_rows, err, out, rich_table
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.budget import FitSettings
from accord.errors import AccordError
from accord.workflows.budget import fit_workspace, recommend
from accord.workflows.economics import EconomicsRow, UnitEconomics, unit_economics

__all__ = ["demo_section", "economics"]


class ByOption(StrEnum):
    """How to split the figures."""

    channel = "channel"
    segment = "segment"
    cohort = "cohort"


class PeriodOption(StrEnum):
    """Length of an acquisition cohort."""

    month = "month"
    quarter = "quarter"
    year = "year"


# Short headers so the table fits 80 columns: CAC is blended, ARPA monthly, payback in
# months; paid customers are in --format json/csv.
COLUMNS = (
    "group",
    "new",
    "cost",
    "CAC",
    "paid CAC",
    "ARPA/mo",
    "LTV",
    "LTV:CAC",
    "payback",
    "ROMI %",
)


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _ratio(value: float | None, spec: str = ".1f") -> str:
    return "" if value is None else format(value, spec)


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _tenths(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _table_row(r: EconomicsRow) -> dict[str, Any]:
    """Numbers stay numbers so the table keeps them on one line, right-aligned."""
    return {
        "group": r.group,
        "new": r.new_customers,
        "paid": r.paid_customers,
        "cost": _whole(r.cost),
        "CAC": _whole(r.blended_cac),
        "paid CAC": _whole(r.paid_cac),
        "ARPA/mo": _whole(r.arpa),
        "LTV": _whole(r.ltv),
        "LTV:CAC": _tenths(r.ltv_to_cac),
        "payback": _tenths(r.payback_months),
        "ROMI %": None if r.romi is None else round(100 * r.romi),
    }


def as_json(result: UnitEconomics) -> dict[str, Any]:
    """The result as one JSON document."""
    return {
        "by": result.by,
        "period": result.period,
        "total": asdict(result.total),
        "rows": [asdict(r) for r in result.rows],
        "parameters": {
            "from": None if result.start is None else result.start.isoformat(),
            "to": None if result.end is None else result.end.isoformat(),
            "gross_margin": result.gross_margin,
            "other_sales_marketing_cost_per_month": result.other_cost_per_month,
            "months": result.months,
            "paid_channels": list(result.paid_channels),
            "monthly_churn": result.monthly_churn,
        },
        "revenue_by_kind": result.revenue_by_kind,
        "attribution": result.attribution,
        "citations": [c.to_json() for c in result.citations],
        "notes": list(result.notes),
    }


def _compute(
    workspace: Any,
    by: ByOption | None,
    period: PeriodOption,
    start: str | None = None,
    end: str | None = None,
) -> UnitEconomics:
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    ws = Workspace.open(workspace)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        return unit_economics(
            wh,
            definitions=SqlDefinitionStore(state),
            by=None if by is None else by.value,
            period=period.value,
            start=first,
            end=last,
        )


def economics(
    by: Annotated[
        ByOption | None,
        typer.Option("--by", help="Split by acquisition cohort, channel (last touch) or segment."),
    ] = None,
    period: Annotated[
        PeriodOption, typer.Option("--period", help="Cohort length with --by cohort.")
    ] = PeriodOption.month,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First day (YYYY-MM-DD): customers acquired, spend and new revenue from it.",
        ),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (YYYY-MM-DD), included.")
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Blended and paid CAC, LTV, LTV:CAC, CAC payback and ROMI, citing the definitions.

    Blended CAC = all sales and marketing cost / new customers; paid CAC = paid-channel
    spend / customers won by paid channels (last touch); LTV = ARPA x gross margin /
    monthly churn; payback = CAC / (ARPA x gross margin); ROMI = (gross margin on
    new-customer revenue - media spend) / media spend. See docs/economics.md. With
    --from/--to: the customers acquired, the spend and the new revenue of those days
    (churn stays that of all the data).
    """
    result = _compute(workspace, by, period, start, end)
    if fmt is OutputFormat.json:
        emit_json(as_json(result))
        return
    rows = [_table_row(r) for r in (*result.rows, result.total)]
    if fmt is OutputFormat.csv:
        rows = [asdict(r) for r in (*result.rows, result.total)]
        emit_rows(rows, columns=list(rows[0]), fmt=fmt)
        return
    split = (
        f" by {by.value}" + (f" ({period.value})" if by is ByOption.cohort else "") if by else ""
    )
    if result.start or result.end:
        split += f", {result.start or 'first data'} to {result.end or 'last data'}"
    table = rich_table(rows, columns=COLUMNS, title=f"Unit economics{split}")
    table.columns[0].no_wrap = True  # the group names the row: never folded away
    out().print(table)
    kinds = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(result.revenue_by_kind.items()))
    console = err()
    if kinds:
        console.print(escape(f"Revenue by kind (derived from invoices + subscriptions): {kinds}."))
    for note in result.notes:
        console.print(escape(note))
    if result.citations:
        console.print(escape("Definitions: " + "; ".join(map(str, result.citations)) + "."))
    else:
        console.print("No definition is in force: starter defaults used (gross margin 80%).")


def demo_section(ws: Workspace) -> None:
    """Print CAC, LTV:CAC, payback and the budget recommendation for ``accord demo``."""
    console = out()
    try:
        with ws.state() as state, ws.warehouse(read_only=True) as wh:
            definitions = SqlDefinitionStore(state)
            e = unit_economics(wh, definitions=definitions).total
            model = fit_workspace(wh, settings=FitSettings(bootstrap=0), definitions=definitions)
        rec = recommend(model)
    except AccordError as error:
        err().print(escape(f"Unit economics: not available ({error.message})."))
        return
    console.print(
        escape(
            f"Unit economics: blended CAC {_money(e.blended_cac)}, paid CAC "
            f"{_money(e.paid_cac)}, LTV {_money(e.ltv)}, LTV:CAC {_ratio(e.ltv_to_cac)}, "
            f"CAC payback {_ratio(e.payback_months)} months (`accord economics`)."
        )
    )
    moves = sorted(rec.allocation.channels, key=lambda c: c.spend - c.historical_spend)
    parts = [
        f"{c.channel} {c.spend - c.historical_spend:+,.0f}"
        for c in (moves[-1], moves[0])
        if abs(c.spend - c.historical_spend) >= 0.5
    ]
    console.print(
        escape(
            f"Budget: at {_money(rec.allocation.budget)} a week the model suggests "
            f"{', '.join(parts) or 'no change'} per week, expected {rec.uplift:+.0%} "
            f"{model.panel.target_name} vs the current mix (`accord budget propose`)."
        )
    )
