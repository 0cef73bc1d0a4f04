"""``accord budget``: marketing-mix model and budget allocation on a file.

``accord budget fit FILE`` fits geometric adstock and logistic saturation per channel, with a
trend, yearly seasonality and controls, and prints each channel's parameters, contribution,
share, ROI and marginal ROI with block-bootstrap intervals. ``accord budget optimize FILE``
fits the same model and splits a per-period budget across channels with equal marginal
returns, against the historical mix, with 0.5x and 2x scenarios. The file has one row per
period (CSV or Parquet); the model runs in :mod:`accord.engines.budget`. Formulas and
references: ``docs/budget.md``.

PyMC-Marketing's example data::

    accord budget fit mmm_example.csv --date-col date_week --target-col y \\
        --channels x1,x2 --controls event_1,event_2
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, assert_never

import numpy as np
import pandas as pd
import typer
from numpy.typing import NDArray
from rich import box
from rich.table import Table

from accord.cli._files import read_table
from accord.cli._options import AsUser, Format, OutputFormat, WorkspaceDir, cli_actor
from accord.cli._progress import TaskBar, progress_bars
from accord.cli._render import emit_json, emit_rows, err, out
from accord.data.state.budget_proposals import ProposalRecord
from accord.data.workspace import Workspace
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.budget import (
    Allocation,
    Bounds,
    FitSettings,
    Interval,
    MMMFit,
    budget_scenarios,
    fit_mmm,
)
from accord.engines.budget.design import Trend
from accord.errors import FileRejected, InputError
from accord.workflows import proposals as flow
from accord.workflows.budget import Recommendation, WorkspaceFit, fit_workspace, recommend

__all__ = ["app", "parse_bounds", "read_periods"]


class TargetChoice(StrEnum):
    """The workspace outcome the model explains."""

    revenue = "revenue"
    pipeline = "pipeline"


app = typer.Typer(
    help="Marketing-mix model and budget allocation (adstock, saturation, equal marginal returns).",
)

TargetOpt = Annotated[
    TargetChoice,
    typer.Option("--target", help="What spend drives: invoiced revenue or created pipeline."),
]
BudgetOpt = Annotated[
    float | None,
    typer.Option(
        "--budget",
        help="Budget per week (default: the historical weekly average spend).",
        show_default=False,
    ),
]


@app.callback(invoke_without_command=True)
def budget(
    ctx: typer.Context,
    target: TargetOpt = TargetChoice.revenue,
    amount: BudgetOpt = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Marketing-mix model and budget allocation (adstock, saturation, equal marginal returns).

    Without a command: fit the model on the workspace's weekly spend per channel against
    revenue (or pipeline) and print the contributions and the recommended weekly split.
    """
    if ctx.invoked_subcommand is not None:
        return
    rec = _workspace_recommendation(workspace, target, amount)
    model = rec.model
    label = f"workspace spend -> {model.panel.target_name} by week"
    if fmt is OutputFormat.json:
        doc = fit_as_json(Path(label), _panel_periods(model), model.fit, model.seconds)
        doc.pop("file")
        emit_json(
            {"target": model.panel.target_name}
            | doc
            | {"allocation": allocation_as_json(rec.allocation)}
            | {"citations": [c.to_json() for c in model.citations]}
        )
        return
    if fmt is OutputFormat.csv:
        rows = allocation_as_json(rec.allocation)["channels"]
        emit_rows(rows, columns=list(rows[0]), fmt=fmt)
        return
    _emit_fit_table(label, _panel_periods(model), model.fit, model.seconds)
    _emit_allocation_table(label, model.fit, rec.scenarios, model.seconds)
    _emit_citations(model.citations)


File = Annotated[Path, typer.Argument(help="CSV or Parquet file, one row per period.")]
DateCol = Annotated[str, typer.Option("--date-col", help="Column with the period's date.")]
TargetCol = Annotated[str, typer.Option("--target-col", help="Column with the outcome (sales).")]
Channels = Annotated[
    str, typer.Option("--channels", help="Comma-separated spend columns, one per channel.")
]
Controls = Annotated[
    str | None,
    typer.Option("--controls", help="Comma-separated control columns (events, prices)."),
]
LMax = Annotated[int, typer.Option("--l-max", min=1, help="Adstock window in periods.")]


class TrendChoice(StrEnum):
    """Baseline trend of the model."""

    none = "none"
    linear = "linear"
    quadratic = "quadratic"


_TRENDS: dict[TrendChoice, Trend] = {
    TrendChoice.none: "none",
    TrendChoice.linear: "linear",
    TrendChoice.quadratic: "quadratic",
}

TrendOpt = Annotated[
    TrendChoice, typer.Option("--trend", help="Baseline trend.", case_sensitive=False)
]
Fourier = Annotated[int, typer.Option("--fourier-order", min=0, help="Yearly Fourier pairs.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")]


@dataclass(frozen=True, eq=False)
class Periods:
    """The columns of a period file as arrays, in date order."""

    dates: NDArray[np.datetime64]
    target: NDArray[np.float64]
    spend: NDArray[np.float64]
    controls: NDArray[np.float64] | None
    channels: tuple[str, ...]
    control_names: tuple[str, ...]
    period_days: float


def _names(value: str | None, option: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in (value or "").split(",") if n.strip())
    if len(set(names)) != len(names):
        raise InputError(f"{option} names a column twice: {value}")
    return names


def read_periods(
    file: Path,
    *,
    date_col: str,
    target_col: str,
    channels: tuple[str, ...],
    controls: tuple[str, ...],
) -> Periods:
    """Read and check a one-row-per-period file (CSV with any delimiter, or Parquet)."""
    frame = read_table(file).to_pandas()
    wanted = [date_col, target_col, *channels, *controls]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise FileRejected(
            f"has no column {', '.join(map(repr, missing))}",
            path=str(file),
            hint=f"Columns are: {', '.join(map(str, frame.columns))}.",
        )
    if not channels:
        raise InputError("give at least one spend column", hint="--channels tv,search,social")
    dates = pd.to_datetime(frame[date_col], errors="coerce")
    _reject_rows(file, dates.isna().to_numpy(), f"{date_col!r} is not a date")
    numbers = {c: pd.to_numeric(frame[c], errors="coerce") for c in wanted[1:]}
    for name, column in numbers.items():
        _reject_rows(file, column.isna().to_numpy(), f"{name!r} is blank or not a number")
    order = np.argsort(dates.to_numpy(), kind="stable")
    stamps = dates.to_numpy()[order].astype("datetime64[D]")
    steps = np.diff(stamps).astype(np.float64)
    if steps.size and np.any(steps == 0):
        raise FileRejected(
            "has more than one row for a date",
            path=str(file),
            hint="Aggregate to one row per period (e.g. sum spend per week) first.",
        )
    period = float(np.median(steps)) if steps.size else 7.0
    if steps.size and np.any(steps > 1.5 * period):
        gap = int(np.argmax(steps > 1.5 * period))
        raise FileRejected(
            f"skips periods after {stamps[gap]} (rows are {period:g} days apart elsewhere)",
            path=str(file),
            hint="Add the missing periods with zero spend; adstock needs consecutive periods.",
        )

    def matrix(columns: tuple[str, ...]) -> NDArray[np.float64]:
        stacked = np.column_stack([numbers[c].to_numpy(dtype=np.float64) for c in columns])
        return np.asarray(stacked[order], dtype=np.float64)

    return Periods(
        dates=stamps,
        target=numbers[target_col].to_numpy(dtype=np.float64)[order],
        spend=matrix(channels),
        controls=matrix(controls) if controls else None,
        channels=channels,
        control_names=controls,
        period_days=period,
    )


def _reject_rows(file: Path, bad: NDArray[np.bool_], reason: str) -> None:
    if bad.any():
        rows = (np.flatnonzero(bad) + 2).tolist()  # 1-based, after the header line
        shown = ", ".join(map(str, rows[:5])) + (" ..." if len(rows) > 5 else "")
        raise FileRejected(f"{reason} on {len(rows)} row(s): {shown}", path=str(file))


def parse_bounds(value: str | None) -> Bounds:
    """Parse ``C=lo:hi,...`` (either side may be empty; ``inf`` lifts the default cap)."""
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for part in (p.strip() for p in (value or "").split(",")):
        if not part:
            continue
        name, sep, rng = part.partition("=")
        lo, colon, hi = rng.partition(":")
        if not sep or not colon or not name.strip():
            raise InputError(
                f"cannot read the bound {part!r}", hint="--bounds tv=1000:5000,search=0:"
            )
        try:
            bounds[name.strip()] = (
                float(lo) if lo.strip() else None,
                float(hi) if hi.strip() else None,
            )
        except ValueError:
            raise InputError(f"the bound {part!r} is not a number range") from None
    return bounds


def _fit(
    file: Path,
    *,
    date_col: str,
    target_col: str,
    channels: str,
    controls: str | None,
    settings: FitSettings,
) -> tuple[Periods, MMMFit, float]:
    data = read_periods(
        file,
        date_col=date_col,
        target_col=target_col,
        channels=_names(channels, "--channels"),
        controls=_names(controls, "--controls"),
    )
    periods_per_year = 365.25 / data.period_days
    settings = replace(settings, periods_per_year=periods_per_year)
    with progress_bars() as bars:
        bar = TaskBar(bars, "fitting")
        start = time.perf_counter()
        fit = fit_mmm(
            data.spend,
            data.target,
            channels=data.channels,
            dates=data.dates,
            controls=data.controls,
            control_names=data.control_names,
            settings=settings,
            progress=bar.step,
        )
        seconds = time.perf_counter() - start
    if fit.status != "ok":
        raise InputError(f"cannot fit a model to {file}: {fit.reason}")
    return data, fit, seconds


def _settings(
    l_max: int, trend: TrendChoice, fourier_order: int, bootstrap: int, seed: int
) -> FitSettings:
    return FitSettings(
        l_max=l_max,
        trend=_TRENDS[trend],
        fourier_order=fourier_order,
        bootstrap=bootstrap,
        seed=seed,
    )


def _interval(value: Interval | None) -> list[float] | None:
    return None if value is None else [value.low, value.high]


def _nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else value


def fit_as_json(file: Path, data: Periods, fit: MMMFit, seconds: float) -> dict[str, Any]:
    """The fit as one JSON document."""
    channels = []
    for c in fit.channels:
        row: dict[str, Any] = {
            "channel": c.channel,
            "decay": c.decay,
            "lam": c.lam,
            "spend_scale": c.spend_scale,
            "supported_spend": c.supported_spend,
            "coefficient": c.coefficient,
            "spend": c.spend,
            "mean_spend": c.mean_spend,
            "contribution": c.contribution,
            "share": c.share,
            "roi": _nan_to_none(c.roi),
            "marginal_roi": _nan_to_none(c.marginal_roi),
        }
        if c.intervals is not None:
            row["intervals"] = {
                name: _interval(getattr(c.intervals, name))
                for name in ("decay", "lam", "coefficient", "contribution", "share", "roi")
            } | {"marginal_roi": _interval(c.intervals.marginal_roi)}
        channels.append(row)
    boot = fit.bootstrap
    return {
        "file": str(file),
        "periods": fit.n_periods,
        "first_period": str(data.dates[0]),
        "last_period": str(data.dates[-1]),
        "period_days": data.period_days,
        "channels": channels,
        "fit": {"r_squared": fit.r_squared, "mape": fit.mape, "seconds": seconds},
        "model": {
            "adstock": "geometric, normalised",
            "l_max": fit.l_max,
            "saturation": "logistic on spend / channel max",
            "baseline": list(fit.baseline_names),
        },
        "bootstrap": None
        if boot is None
        else {
            "method": boot.method,
            "resamples": boot.resamples,
            "block_length": boot.block_length,
            "level": boot.level,
            "seed": boot.seed,
        },
    }


def _money(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _num(value: float, spec: str) -> str:
    if spec == "%":
        return f"{value:.1%}"
    if spec == "2f":
        return f"{value:.2f}"
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _with_interval(value: float, interval: Interval | None, spec: str) -> str:
    text = _num(value, spec)
    if interval is None:
        return text
    return f"{text}\n[dim]{_num(interval.low, spec)} to {_num(interval.high, spec)}[/dim]"


def _emit_fit_table(label: str, data: Periods, fit: MMMFit, seconds: float) -> None:
    console = out()
    level = f"{fit.bootstrap.level:.0%} " if fit.bootstrap else ""
    table = Table(
        title=f"{label}: {fit.n_periods} periods, {len(fit.channels)} channels",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for header in ("channel", "decay", "lambda", "coefficient", "contribution", "share"):
        table.add_column(header, justify="left" if header == "channel" else "right")
    table.add_column("ROI", justify="right")
    table.add_column("marginal ROI", justify="right")
    formats = {
        "decay": "2f",
        "lam": "2f",
        "coefficient": "g",
        "contribution": "g",
        "share": "%",
        "roi": "g",
        "marginal_roi": "g",
    }
    for c in fit.channels:
        cells = [
            _with_interval(
                getattr(c, name), getattr(c.intervals, name) if c.intervals else None, spec
            )
            for name, spec in formats.items()
        ]
        table.add_row(c.channel, *cells)
    console.print(table)
    console.print(
        f"R² {fit.r_squared:.3f}   MAPE {fit.mape:.1%}   fitted in {seconds:.2f} s"
        f"   ({data.dates[0]} to {data.dates[-1]}, every {data.period_days:g} days)"
    )
    if fit.bootstrap:
        b = fit.bootstrap
        console.print(
            f"Second lines: {level}percentile intervals, {b.method}, {b.resamples} resamples, "
            f"blocks of {b.block_length} periods, seed {b.seed}."
        )
    console.print(
        "Contribution in target units over the data; ROI = contribution / spend; marginal ROI ="
        " extra contribution per extra unit of spend at the current level. See docs/budget.md."
    )


@app.command("fit")
def fit(
    file: File,
    date_col: DateCol,
    target_col: TargetCol,
    channels: Channels,
    controls: Controls = None,
    l_max: LMax = 8,
    trend: TrendOpt = TrendChoice.linear,
    fourier_order: Fourier = 2,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=0, help="Block-bootstrap resamples (0: none).")
    ] = 100,
    seed: Seed = 0,
    fmt: Format = OutputFormat.table,
) -> None:
    """Fit adstock and saturation per channel; print contributions, ROI and marginal ROI."""
    settings = _settings(l_max, trend, fourier_order, bootstrap, seed)
    data, model, seconds = _fit(
        file,
        date_col=date_col,
        target_col=target_col,
        channels=channels,
        controls=controls,
        settings=settings,
    )
    match fmt:
        case OutputFormat.json:
            emit_json(fit_as_json(file, data, model, seconds))
        case OutputFormat.csv:
            rows = fit_as_json(file, data, model, seconds)["channels"]
            columns = [k for k in rows[0] if k != "intervals"]
            emit_rows(rows, columns=columns, fmt=fmt)
        case OutputFormat.table:
            _emit_fit_table(file.name, data, model, seconds)
        case _:
            assert_never(fmt)


def allocation_as_json(allocation: Allocation) -> dict[str, Any]:
    """One allocation (or scenario) as JSON."""
    doc: dict[str, Any] = {
        "status": allocation.status,
        "reason": allocation.reason,
        "budget": allocation.budget,
        "periods": allocation.periods,
    }
    if allocation.status != "ok":
        return doc
    return doc | {
        "expected_response": allocation.response,
        "historical_mix_response": allocation.historical_response,
        "uplift": allocation.uplift,
        "uplift_ratio": _nan_to_none(allocation.uplift_ratio),
        "marginal_return": allocation.marginal_return,
        "extrapolated": allocation.extrapolated,
        "channels": [
            {
                "channel": c.channel,
                "spend": c.spend,
                "historical_spend": c.historical_spend,
                "lower": c.lower,
                "upper": c.upper,
                "at_bound": c.at_bound,
                "response": c.response * allocation.periods,
                "historical_response": c.historical_response * allocation.periods,
                "marginal_return": c.marginal_return,
                "beyond_support": c.beyond_support,
            }
            for c in allocation.channels
        ],
    }


def _emit_allocation_table(
    label: str, fit: MMMFit, scenarios: tuple[Allocation, ...], seconds: float
) -> None:
    console = out()
    main = scenarios[1]
    unit = "period" if main.periods == 1 else f"{main.periods} periods"
    table = Table(
        title=f"{label}: budget {_money(main.budget)} per period",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for header in ("channel", "historical mix", "recommended", "change", "bounds"):
        table.add_column(header, justify="left" if header in ("channel", "bounds") else "right")
    table.add_column(f"response per {unit}", justify="right")
    table.add_column("marginal return", justify="right")
    for c in main.channels:
        note = {"lower": " (at lower bound)", "upper": " (at upper bound)"}.get(
            c.at_bound or "", ""
        )
        table.add_row(
            c.channel,
            _money(c.historical_spend),
            _money(c.spend),
            f"{c.spend - c.historical_spend:+,.0f}"
            if abs(c.spend) >= 100
            else f"{c.spend - c.historical_spend:+.3g}",
            f"{_money(c.lower)} to {_money(c.upper)}",
            _money(c.response * main.periods),
            f"{c.marginal_return:,.4g}{note}",
        )
    console.print(table)
    console.print(
        f"Expected response per {unit}: {_money(main.response)} vs "
        f"{_money(main.historical_response)} with the historical mix: "
        f"uplift {main.uplift:+,.0f} ({main.uplift_ratio:+.1%})."
    )
    console.print(
        f"Marginal returns are equal ({main.marginal_return:,.4g} per unit of spend) for the "
        "channels not held at a bound."
    )
    if main.extrapolated:
        console.print(
            "[yellow]The budget exceeds the spend the data support; the recommendation "
            "extrapolates the response curves.[/yellow]"
        )
    rows = []
    for scenario, label in zip(scenarios, ("0.5x", "1x", "2x"), strict=True):
        row: dict[str, Any] = {"scenario": label, "budget": scenario.budget}
        if scenario.status == "ok":
            row |= {c.channel: c.spend for c in scenario.channels}
            row |= {"response": scenario.response, "uplift": scenario.uplift}
        else:
            row["note"] = scenario.reason
        rows.append(row)
    columns = ["scenario", "budget", *[c.channel for c in main.channels], "response", "uplift"]
    if any("note" in r for r in rows):
        columns.append("note")
    emit_rows(rows, columns=columns, fmt=OutputFormat.table, title="Scenarios (spend per period)")
    console.print(
        f"Model fitted in {seconds:.2f} s (R² {fit.r_squared:.3f}); responses are steady-state "
        "(constant spend per period). See docs/budget.md."
    )


@app.command("optimize")
def optimize(
    file: File,
    date_col: DateCol,
    target_col: TargetCol,
    channels: Channels,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="Budget per period (default: the historical average spend per period).",
            show_default=False,
        ),
    ] = None,
    bounds: Annotated[
        str | None,
        typer.Option(
            "--bounds",
            help="Spend per period per channel, C=lo:hi,... (either side may be empty; "
            "hi 'inf' lifts the default cap at the largest adstocked spend seen).",
        ),
    ] = None,
    periods: Annotated[
        int, typer.Option("--periods", min=1, help="Report responses over this many periods.")
    ] = 1,
    controls: Controls = None,
    l_max: LMax = 8,
    trend: TrendOpt = TrendChoice.linear,
    fourier_order: Fourier = 2,
    seed: Seed = 0,
    fmt: Format = OutputFormat.table,
) -> None:
    """Split a per-period budget across channels to maximise the fitted response."""
    given = parse_bounds(bounds)
    settings = _settings(l_max, trend, fourier_order, 0, seed)
    data, model, seconds = _fit(
        file,
        date_col=date_col,
        target_col=target_col,
        channels=channels,
        controls=controls,
        settings=settings,
    )
    historical = [c.mean_spend for c in model.channels]
    amount = float(sum(historical)) if budget is None else budget
    scenarios = budget_scenarios(
        model.curves, budget=amount, historical=historical, bounds=given, periods=periods
    )
    if scenarios[1].status != "ok":
        raise InputError(f"no allocation fits: {scenarios[1].reason}", hint="Widen --bounds.")
    match fmt:
        case OutputFormat.json:
            emit_json(
                {
                    "file": str(file),
                    "fit": {"r_squared": model.r_squared, "mape": model.mape, "seconds": seconds},
                    "allocation": allocation_as_json(scenarios[1]),
                    "scenarios": {
                        label: allocation_as_json(s)
                        for label, s in zip(("0.5x", "1x", "2x"), scenarios, strict=True)
                    },
                }
            )
        case OutputFormat.csv:
            rows = allocation_as_json(scenarios[1])["channels"]
            emit_rows(rows, columns=list(rows[0]), fmt=fmt)
        case OutputFormat.table:
            _emit_allocation_table(file.name, model, scenarios, seconds)
        case _:
            assert_never(fmt)
    if data.spend.shape[0] and budget is None:
        err().print(f"Budget: the historical average of {_money(amount)} per period.")


# ----------------------------------------------------------------- workspace


def _panel_periods(model: WorkspaceFit) -> Periods:
    p = model.panel
    return Periods(p.weeks, p.target, p.spend, None, p.channels, (), 7.0)


def _emit_citations(citations: tuple[Citation, ...]) -> None:
    if citations:
        err().print("Definitions: " + "; ".join(map(str, citations)) + ".")
    else:
        err().print("No spend or revenue definition is in force; raw tables used.")


def _workspace_recommendation(
    workspace: Path | None, target: TargetChoice, amount: float | None, bounds: str | None = None
) -> Recommendation:
    ws = Workspace.open(workspace)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        definitions = SqlDefinitionStore(state)
        with progress_bars() as bars:
            bar = TaskBar(bars, "fitting")
            model = fit_workspace(
                wh,
                target="pipeline" if target is TargetChoice.pipeline else "revenue",
                settings=FitSettings(bootstrap=0),
                definitions=definitions,
                progress=bar.step,
            )
    return recommend(model, budget=amount, bounds=parse_bounds(bounds))


IdArg = Annotated[int, typer.Argument(help="The proposal's number (`accord budget proposals`).")]
Actor = Annotated[str, typer.Option("--as", help="The Accord user deciding (a team lead).")]


def _proposal_rows(records: list[ProposalRecord]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "status": r.status,
            "weekly budget": _money(r.budget),
            "expected": _money(r.expected_response),
            "uplift": f"{r.expected_response / r.historical_response - 1:+.1%}"
            if r.historical_response
            else "",
            "by": r.created_by,
            "approved by": ", ".join(d.user for d in r.decisions if d.decision == "approve"),
            "awaiting": ", ".join(flow.missing_approvals(r)) if r.status == "proposed" else "",
            "note": r.note or next((d.reason or "" for d in r.decisions if d.reason), ""),
        }
        for r in records
    ]


def _show(record: ProposalRecord, fmt: OutputFormat, message: str) -> None:
    if fmt is OutputFormat.json:
        emit_json(record.to_json())
        return
    rows = [
        {
            "channel": c["channel"],
            "before": _money(c["before"]),
            "after": _money(c["after"]),
            "change": f"{c['change']:+,.0f}",
            "response before": _money(c["response_before"]),
            "response after": _money(c["response_after"]),
        }
        for c in record.channels
    ]
    emit_rows(
        rows,
        columns=list(rows[0]) if rows else ["channel"],
        fmt=fmt,
        title=f"Budget proposal {record.id} ({record.status}): {_money(record.budget)} per week",
    )
    if fmt is OutputFormat.table:
        out().print(message)


@app.command("propose")
def propose(
    as_user: AsUser = None,
    amount: BudgetOpt = None,
    target: TargetOpt = TargetChoice.revenue,
    bounds: Annotated[
        str | None, typer.Option("--bounds", help="Weekly spend per channel, C=lo:hi,...")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, for the approvers.")] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Fit the model and store its recommended reallocation as a proposal to approve.

    A lead of finance and a lead of marketing must both approve it (`accord budget
    approve`); either can reject it (`accord budget reject`).
    """
    rec = _workspace_recommendation(workspace, target, amount, bounds)
    user = cli_actor(as_user)
    with Workspace.open(workspace).state() as state:
        record = flow.propose(state, rec, user=user, note=note)
    _show(
        record,
        fmt,
        f"Proposal {record.id} stored: expected {_money(record.expected_response)} per week vs "
        f"{_money(record.historical_response)} with the historical mix. Awaiting "
        f"{', '.join(flow.APPROVING_TEAMS)} leads: `accord budget approve {record.id} --as USER`.",
    )


@app.command("proposals")
def proposals(
    status: Annotated[
        str | None, typer.Option("--status", help="Only proposed, approved or rejected ones.")
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Budget proposals with their status, who approved them and who is awaited."""
    with Workspace.open(workspace).state() as state:
        records = flow.proposals(state, status=status)
    if fmt is OutputFormat.json:
        emit_json([r.to_json() for r in records])
        return
    rows = _proposal_rows(records)
    emit_rows(
        rows,
        columns=list(rows[0]) if rows else ["id"],
        fmt=fmt,
        title="Budget proposals",
        empty="No budget proposal yet; `accord budget propose --as USER` makes one.",
    )


@app.command("approve")
def approve(
    proposal_id: IdArg,
    as_user: Actor,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Approve a proposal for your team (a lead of finance or marketing)."""
    with Workspace.open(workspace).state() as state:
        record = flow.approve(state, proposal_id, as_user)
    missing = flow.missing_approvals(record)
    _show(
        record,
        fmt,
        f"Approved proposal {record.id} as {as_user}. "
        + (f"Still awaiting {', '.join(missing)}." if missing else "It is now approved."),
    )


@app.command("reject")
def reject(
    proposal_id: IdArg,
    as_user: Actor,
    why: Annotated[str, typer.Option("--why", help="The reason, kept with the proposal.")],
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Reject a proposal (a lead of finance or marketing), saying why."""
    with Workspace.open(workspace).state() as state:
        record = flow.reject(state, proposal_id, as_user, why=why)
    _show(record, fmt, f"Rejected proposal {record.id} as {as_user}: {why}")
