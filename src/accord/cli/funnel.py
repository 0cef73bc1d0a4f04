"""``accord funnel``: stage counts, cohort and period conversion, time between stages,
side exits and sales velocity, from the ``funnel`` definition in force.

Thin: the figures come from :func:`accord.workflows.revenue.funnel.funnel_report`; this
module parses options and prints. Also the small helpers the ``sla``, ``feedback`` and
``forecast`` commands share (dates, citations, notes) and the demo's funnel section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir, parse_date
from accord.cli._render import emit_json, emit_rows, err, out
from accord.cli.definitions import open_definitions
from accord.data.workspace import Workspace
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.funnel import Report
from accord.workflows.revenue.funnel import FunnelResult, funnel_report

__all__ = [
    "ByDimension",
    "FunnelGrain",
    "cite_line",
    "demo_section",
    "funnel",
    "funnel_rows",
    "parse_day",
    "pct",
    "print_notes",
]


class ByDimension(StrEnum):
    """What to split the funnel by."""

    channel = "channel"
    campaign = "campaign"
    segment = "segment"
    rep = "rep"
    source = "source"


class FunnelGrain(StrEnum):
    """Period of the funnel-over-time view."""

    week = "week"
    month = "month"


def parse_day(value: str | None, option: str) -> dt.datetime | None:
    """A ``YYYY-MM-DD`` option as local midnight (``None`` stays ``None``)."""
    day = parse_date(value, option)
    return None if day is None else dt.datetime.combine(day, dt.time())


def pct(value: Any) -> str:
    """A rate as a percentage (blank when undefined)."""
    return "" if value is None else f"{value:.1%}"


def cite_line(citations: Sequence[Citation]) -> str:
    """``Definitions: b2b_funnel v1 (signed by ...); ...``."""
    return "Definitions: " + "; ".join(str(c) for c in citations)


UNRESOLVED = (
    "note: people are source records until `accord resolve` runs (a HubSpot MQL and the "
    "Salesforce lead sales worked count as two people)."
)


def print_notes(reports: Iterable[Report], *, resolved: bool = True) -> None:
    """Each edge case met (a reason, not a crash) on stderr, once."""
    if not resolved:
        err().print(escape(UNRESOLVED))
    seen: set[str] = set()
    for r in reports:
        for n in r.notes:
            line = f"note [{r.kind}] {n.code}: {n.count}" + (f" ({n.detail})" if n.detail else "")
            if line not in seen:
                seen.add(line)
                err().print(escape(line))


def _index(report: Report, *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(r[k] for k in keys): r for r in report.rows()}


def funnel_rows(result: FunnelResult) -> list[dict[str, Any]]:
    """One row per (group,) stage: entered, and conversion to the next stage in both forms
    (cohort so far, cohort within N days, period) with the time to it."""
    stages = list(result.stages.rows())
    cohort = _index(result.cohort, "period", "group", "from_stage", "to_stage")
    period = _index(result.period, "period", "group", "from_stage", "to_stage")
    timing = _index(result.timing, "group", "from_stage", "to_stage")
    order = list(dict.fromkeys(r["stage"] for r in stages))
    nxt = dict(zip(order, [*order[1:], None], strict=True))
    rows = []
    for r in stages:
        to = nxt[r["stage"]]
        key = (r["period"], r["group"], r["stage"], to)
        c, p = cohort.get(key, {}), period.get(key, {})
        t = timing.get((r["group"], r["stage"], to), {}) if result.grain is None else {}
        rows.append(
            {
                "period": r["period"],
                "group": r["group"],
                "stage": r["stage"],
                "entered": r["entered"],
                "next_stage": to,
                "cohort_rate": c.get("rate"),
                "cohort_rate_within": c.get("rate_within"),
                "period_rate": p.get("rate"),
                "median_days": t.get("median_days"),
                "p90_days": t.get("p90_days"),
            }
        )
    return rows


def _percent(rows: list[dict[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
    return [{**r, **{c: pct(r.get(c)) for c in columns}} for r in rows]


def _print_table(result: FunnelResult) -> None:
    within = f"{result.within_days:g}d" if result.within_days is not None else "-"
    rows = funnel_rows(result)
    cols = ["stage", "entered", "next_stage", "cohort_rate", "cohort_rate_within", "period_rate"]
    if result.grain is None:
        cols += ["median_days", "p90_days"]
    if result.by is not None:
        cols.insert(0, "group")
    if result.grain is not None:
        cols.insert(0, "period")
    shown = _percent(rows, ("cohort_rate", "cohort_rate_within", "period_rate"))
    emit_rows(
        [{**r, "cohort_rate_within": r["cohort_rate_within"]} for r in shown],
        columns=cols,
        fmt=OutputFormat.table,
        title=(
            f"Funnel {result.start:%Y-%m-%d}..{result.end:%Y-%m-%d} ({result.time_zone}), "
            f"as of {result.as_of:%Y-%m-%d %H:%M}"
        ),
    )
    out().print(
        "cohort_rate: of those who entered the stage, the share that reached the next so "
        f"far (cohort_rate_within: within {within}); period_rate: entries into the next "
        "stage / entries into the stage in the same period. Days: median, p90 to the next."
    )
    side = result.side_exits.rows()
    if side:
        emit_rows(
            side,
            columns=["group", "side_state", "from_stage", "reason", "exits", "entities"]
            if result.by
            else ["side_state", "from_stage", "reason", "exits", "entities"],
            fmt=OutputFormat.table,
            title="Side exits (recycled, disqualified, lost) with reasons",
        )
    vel = result.velocity.rows()
    if vel and "velocity" in result.velocity.table.column_names:
        vcols = ["created", "pipeline", "closed", "won", "win_rate", "average_deal_size",
                 "cycle_days", "velocity"]  # fmt: skip
        if result.by:
            vcols.insert(0, "group")
        if result.grain:
            vcols.insert(0, "period")
        emit_rows(
            _percent(vel, ("win_rate",)),
            columns=vcols,
            fmt=OutputFormat.table,
            title="Sales velocity = created x win rate x average deal size / cycle days "
            "(per day); pipeline = amount created",
        )
    print_notes(result.reports().values(), resolved=result.resolved)
    out().print(escape(cite_line(result.citations)))


def funnel(
    start: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (local time).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Day after the last, YYYY-MM-DD (exclusive).")
    ] = None,
    by: Annotated[
        ByDimension | None, typer.Option("--by", help="Split every figure by this dimension.")
    ] = None,
    grain: Annotated[
        FunnelGrain | None, typer.Option("--grain", help="Funnel over time, by week or month.")
    ] = None,
    within_days: Annotated[
        float, typer.Option("--within-days", help="Cohort horizon: reached within N days.")
    ] = 30.0,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """The revenue funnel from the funnel definition in force.

    Stage counts and conversion to the next stage in both forms, always labelled:
    cohort (of those who entered X in the window, the share that reached Y, so far and
    within N days) and period (entries into Y / entries into X in the same period);
    time between stages (median, p90), side exits with reasons, sales velocity.
    Default window: the 12 months to the end of the newest data's month. People are
    resolved persons once `accord resolve` has run. JSON has every report in full
    (every stage to every later one); CSV has the per-stage table.
    """
    ws = Workspace.open(workspace)
    with open_definitions(workspace) as store:
        result = funnel_report(
            ws,
            store,
            start=parse_day(start, "--from"),
            end=parse_day(end, "--to"),
            by=by.value if by else None,
            grain=grain.value if grain else None,
            within_days=within_days,
        )
    if fmt is OutputFormat.json:
        emit_json(result.to_json())
    elif fmt is OutputFormat.csv:
        rows = funnel_rows(result)
        emit_rows(rows, columns=list(rows[0]) if rows else ["stage"], fmt=fmt)
    else:
        _print_table(result)


def demo_section(ws: Workspace) -> None:
    """The demo's compact funnel: one row per stage with both conversion forms."""
    with ws.state() as state:
        result = funnel_report(ws, SqlDefinitionStore(state))
    rows = _percent(funnel_rows(result), ("cohort_rate", "period_rate"))
    emit_rows(
        rows,
        columns=["stage", "entered", "next_stage", "cohort_rate", "period_rate", "median_days"],
        fmt=OutputFormat.table,
        title=f"Funnel {result.start:%Y-%m-%d}..{result.end:%Y-%m-%d} "
        "(cohort: of the stage's entrants; period: entries / entries)",
    )
    out().print(escape(cite_line(result.citations)))
