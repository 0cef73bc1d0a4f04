"""``accord sla``: both sides of the marketing-sales SLA in force, and its breach list.

``accord sla`` prints marketing's scorecard (MQLs against the committed volume,
attainment, pace, the acceptance-rate quality floor) and sales' compliance per rep
(decision, first touch, attempts, disposition); ``accord sla breaches`` lists who broke
which commitment, on which lead, and how late. Figures come from
:mod:`accord.workflows.revenue.sla` and cite the ``funnel`` and ``sla`` versions.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._render import emit_json, emit_rows, err, out
from accord.cli.definitions import open_definitions
from accord.cli.funnel import cite_line, parse_day, pct, print_notes
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.errors import InputError
from accord.workflows.revenue.sla import SlaResult, sla_report
from accord.workflows.revenue.sla_target import TargetDerivation

__all__ = ["app", "breaches", "demo_section", "scorecard", "target_rows"]

app = typer.Typer(help="The two-sided marketing-sales SLA in force: scorecard and breaches.")


class SlaPeriod(StrEnum):
    """Marketing's SLA period."""

    week = "week"
    month = "month"
    quarter = "quarter"


COMMITMENTS = ("decision", "first_touch", "attempts", "disposition")
MARKETING_COLUMNS = ("period", "mqls", "target", "attainment", "pace", "target_met",
                     "acceptance_rate", "quality_floor", "floor_met")  # fmt: skip
SALES_COLUMNS = ("rep", "handoffs", "decision", "first_touch", "attempts", "disposition",
                 "median_h_touch", "p90_h_touch", "never_touched", "undisposed")  # fmt: skip
TEAM_COLUMNS = ("team", *SALES_COLUMNS[1:])
BREACH_COLUMNS = ("rep", "team", "lead", "commitment", "handoff_at", "due_at", "late_hours", "open",
                  "detail")  # fmt: skip

FromOpt = Annotated[
    str | None, typer.Option("--from", help="First day of hand-offs, YYYY-MM-DD (local).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Day after the last, YYYY-MM-DD.")]
BusinessOpt = Annotated[
    bool,
    typer.Option(
        "--business-hours", help="Run SLA clocks on working days only (weekends excluded)."
    ),
]
HoursOpt = Annotated[
    str | None,
    typer.Option("--hours", help="With --business-hours, the working day, e.g. 09:00-17:00."),
]


def _hours(value: str | None) -> tuple[dt.time, dt.time] | None:
    if value is None:
        return None
    try:
        a, b = value.split("-")
        return dt.time.fromisoformat(a.strip()), dt.time.fromisoformat(b.strip())
    except ValueError as exc:
        raise InputError(f"--hours {value!r} is not a range.", hint="e.g. 09:00-17:00") from exc


def _rate(met: int, breached: int, rate: Any) -> str:
    return "" if rate is None else f"{rate:.0%} ({met}/{met + breached})"


def marketing_rows(result: SlaResult) -> list[dict[str, Any]]:
    """Marketing's scorecard rows, rates as percentages."""
    return [
        {
            **r,
            "attainment": pct(r["attainment"]),
            "pace": "" if r["pace"] is None else f"{r['pace']:.2f}",
            "acceptance_rate": pct(r["acceptance_rate"]),
        }
        for r in result.marketing.rows()
    ]


def sales_rows(result: SlaResult, *, teams: bool = False) -> list[dict[str, Any]]:
    """Per rep (per team with *teams*): each commitment's compliance
    ``met / (met + breached)``; per rep with the rep's team when owners are loaded."""
    rows = []
    report = result.teams if teams else result.compliance
    with_team = not teams and result.teams_note is None
    for r in report.rows():
        row: dict[str, Any] = {"team" if teams else "rep": r["group"]}
        if with_team:
            row["team"] = r.get("team") or ""
        row["handoffs"] = r["handoffs"]
        for c in COMMITMENTS:
            row[c] = _rate(r[f"{c}_met"], r[f"{c}_breached"], r[f"{c}_rate"])
        row["median_h_touch"] = r["median_hours_to_first_touch"]
        row["p90_h_touch"] = r["p90_hours_to_first_touch"]
        row["never_touched"] = r["never_touched"]
        row["undisposed"] = r["undisposed"]
        rows.append(row)
    return rows


def breach_rows(result: SlaResult) -> list[dict[str, Any]]:
    """The breach list with plain column names."""
    return [
        {**r, "rep": r["owner"], "lead": r["entity"], "late_hours": round(r["late_hours"] or 0, 1)}
        for r in result.breaches.rows()
    ]


TARGET_COLUMNS = ("step", "value", "how", "source")


def _money(v: float | None) -> str:
    return "" if v is None else f"{v:,.0f}"


def target_rows(t: TargetDerivation) -> list[dict[str, Any]]:
    """Each step of the derivation: inputs, then the stages needed, customers first."""
    rows: list[dict[str, Any]] = [
        {"step": "revenue goal", "value": _money(t.revenue_goal),
         "how": f"over {t.goal_period or 'a year'} = {t.periods} {t.period}s",
         "source": t.revenue_source},
        {"step": "marketing's share", "value": pct(t.marketing_share), "how": "",
         "source": t.share_source},
        {"step": "average deal size", "value": _money(t.average_deal_size),
         "how": f"{t.won_deals} won deals closed "
                f"{t.measured_from:%Y-%m-%d}..{t.measured_to:%Y-%m-%d}",
         "source": t.deal_size_source},
    ]  # fmt: skip
    for r in reversed(t.rates):
        rows.append(
            {"step": f"rate {r.from_stage}>{r.to_stage}", "value": pct(r.rate),
             "how": f"{r.converted}/{r.entered} entered {r.from_stage} in the window",
             "source": "cohort conversion"}
        )  # fmt: skip
    if t.plan is None or not t.plan.ok:
        rows.append({"step": f"needed: {t.stage}", "value": "", "how": "not derivable",
                     "source": "; ".join(t.notes)})  # fmt: skip
        return rows
    for s in t.plan.steps:
        how = (
            "goal x share / deal size"
            if s.rate_to_next is None
            else f"next stage / {s.rate_to_next:.1%}"
        )
        rows.append({"step": f"needed: {s.stage}", "value": f"{s.needed:,.1f}", "how": how,
                     "source": f"over {t.goal_period or 'a year'}"})  # fmt: skip
    per = t.needed_per_period
    committed = "" if t.committed is None else f"; SLA commits to {t.committed:,.0f}"
    rows.append(
        {"step": f"needed: {t.stage} per {t.period}", "value": f"{per:,.1f}",
         "how": f"needed {t.stage} / {t.periods}{committed}", "source": "derived"}
    )  # fmt: skip
    return rows


def _clock(result: SlaResult) -> str:
    clock = "business hours (weekends excluded)" if result.business_hours else "calendar"
    return f"{result.time_zone}, {clock} clock, as of {result.as_of:%Y-%m-%d %H:%M}"


@app.callback(invoke_without_command=True)
def scorecard(
    ctx: typer.Context,
    period: Annotated[
        SlaPeriod | None,
        typer.Option("--period", help="Marketing's period (default: the SLA's)."),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    business_hours: BusinessOpt = False,
    hours: HoursOpt = None,
    revenue_goal: Annotated[
        float | None,
        typer.Option(
            "--revenue-goal",
            help="Yearly revenue goal to derive the MQL target from (default: the goal "
            "in force on a revenue metric).",
            min=0,
        ),
    ] = None,
    marketing_share: Annotated[
        float | None,
        typer.Option(
            "--marketing-share",
            help="Share of the revenue goal marketing-sourced deals bring, 0-1 (default: "
            "a goal on marketing_sourced_revenue under the revenue goal).",
            min=0,
            max=1,
        ),
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Marketing's and sales' side of the SLA in force (default: the last 3 periods).

    Marketing: MQLs vs the committed target, attainment, pace (attainment / share of the
    period elapsed), acceptance rate vs the quality floor. Sales, per rep: the share of
    hand-offs that met each commitment, met / (met + breached), median and p90 hours to
    first touch, leads never touched or still without a disposition.

    Beside marketing's committed MQL target, the target derived from the revenue goal:
    customers needed = revenue goal x marketing's share / average deal size, then each
    earlier stage = next stage / cohort conversion rate, down to MQLs per period.
    """
    if ctx.invoked_subcommand is not None:
        return
    ws = Workspace.open(workspace)
    with open_definitions(workspace) as store:
        result = sla_report(
            ws,
            store,
            start=parse_day(start, "--from"),
            end=parse_day(end, "--to"),
            period=period.value if period else None,
            business_hours=business_hours,
            hours=_hours(hours),
            breach_limit=0,
            derive_target=True,
            revenue_goal=revenue_goal,
            marketing_share=marketing_share,
        )
    if fmt is OutputFormat.json:
        data = result.to_json()
        del data["breaches"]
        emit_json(data)
        return
    if fmt is OutputFormat.csv:
        rows = result.compliance.rows()
        emit_rows(rows, columns=result.compliance.table.column_names, fmt=fmt)
        return
    emit_rows(
        marketing_rows(result),
        columns=MARKETING_COLUMNS,
        fmt=fmt,
        title=f"Marketing's side ({_clock(result)})",
    )
    emit_rows(
        sales_rows(result),
        columns=SALES_COLUMNS,
        fmt=fmt,
        title="Sales' side: compliance met/(met+breached) per rep; (all) = every rep",
        empty="No hand-offs in the window.",
    )
    if result.teams_note is None:
        emit_rows(
            sales_rows(result, teams=True),
            columns=TEAM_COLUMNS,
            fmt=fmt,
            title="Sales' side per team (the owners table's teams)",
            empty="No hand-offs in the window.",
        )
    else:
        err().print(escape(f"note [teams] {result.teams_note}"))
    if result.target is not None:
        t = result.target
        emit_rows(
            target_rows(t),
            columns=TARGET_COLUMNS,
            fmt=fmt,
            title=f"Marketing's {t.stage.upper()} target from the revenue goal "
            f"(rates and deal size measured {t.measured_from:%Y-%m-%d}..{t.measured_to:%Y-%m-%d})",
        )
        for note in t.notes:
            err().print(escape(f"note [derived target] {note}"))
    print_notes((result.marketing, result.compliance), resolved=result.resolved)
    cites = (*result.citations, *(result.target.citations if result.target else ()))
    out().print(escape(cite_line(tuple(dict.fromkeys(cites)))))


@app.command("breaches")
def breaches(
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's breaches.")] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only breaches still open (not done yet).")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="At most N rows.", min=1)] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    business_hours: BusinessOpt = False,
    hours: HoursOpt = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Every SLA breach: rep, lead, commitment, when it was due, how late, still open."""
    ws = Workspace.open(workspace)
    with open_definitions(workspace) as store:
        result = sla_report(
            ws,
            store,
            start=parse_day(start, "--from"),
            end=parse_day(end, "--to"),
            business_hours=business_hours,
            hours=_hours(hours),
            rep=rep,
            open_only=open_only,
            breach_limit=limit,
        )
    rows = breach_rows(result)
    if fmt is OutputFormat.json:
        emit_json({**result.to_json(), "breaches": rows})
        return
    emit_rows(
        rows,
        columns=BREACH_COLUMNS if fmt is OutputFormat.table else result.breaches.table.column_names,
        fmt=fmt,
        title=f"SLA breaches {result.start:%Y-%m-%d}..{result.end:%Y-%m-%d} ({_clock(result)})",
        empty="No breaches in the window.",
    )
    if fmt is OutputFormat.table:
        out().print(escape(cite_line(result.citations)))


DEMO_MARKETING = ("period", "mqls", "target", "attainment", "pace", "acceptance_rate",
                  "floor_met")  # fmt: skip
DEMO_SALES = ("rep", "handoffs", *COMMITMENTS, "median_h_touch")
DEMO_TEAMS = ("team", "handoffs", *COMMITMENTS)
DEMO_BREACHES = ("rep", "lead", "commitment", "late_hours", "open")


def demo_section(ws: Workspace) -> None:
    """The demo's SLA scorecard (marketing, sales per rep and team), its 5 worst breaches.

    Narrower than ``accord sla``: rates without their counts, so it fits 80 columns.
    """
    with ws.state() as state:
        result = sla_report(ws, SqlDefinitionStore(state), breach_limit=5)

    def short(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, **{c: str(r[c]).split(" ")[0] for c in COMMITMENTS}} for r in rows]

    sales = short(sales_rows(result))
    emit_rows(
        marketing_rows(result), columns=DEMO_MARKETING, fmt=OutputFormat.table,
        title="SLA, marketing's side",
    )  # fmt: skip
    emit_rows(
        sales, columns=DEMO_SALES, fmt=OutputFormat.table,
        title="SLA, sales' side: share of hand-offs meeting each commitment",
    )  # fmt: skip
    if result.teams_note is None:
        emit_rows(
            short(sales_rows(result, teams=True)), columns=DEMO_TEAMS, fmt=OutputFormat.table,
            title="SLA, sales' side per team",
        )  # fmt: skip
    emit_rows(
        breach_rows(result), columns=DEMO_BREACHES, fmt=OutputFormat.table,
        title="Top 5 SLA breaches (`accord sla breaches` for all)", empty="No SLA breaches.",
    )  # fmt: skip
    out().print(escape(cite_line(result.citations)))
