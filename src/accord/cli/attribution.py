"""``accord attribution``: multi-touch attribution from the command line.

``accord attribution -w DIR`` credits the workspace's conversions (journeys built in its
warehouse) with the model of the signed ``attribution`` definition, and with any other
models side by side (``--model``). ``accord attribution teams`` reports team credit:
sourced and influenced conversions and pipeline per team, never summed.
``accord attribution paths FILE`` runs the engines on an aggregated path file in
ChannelAttribution's layout (one row per distinct path such as ``eta > iota > alpha``
with its conversions, conversion value and non-conversions).
"""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, assert_never

import typer
from rich.markup import escape
from rich.table import Table

from accord.cli._files import read_table
from accord.cli._options import Format, OutputFormat, WorkspaceDir, parse_date
from accord.cli._progress import TaskBar, progress_bars
from accord.cli._render import emit_json, err, out
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.attribution import (
    AttributionResult,
    ModelName,
    PathCounts,
    aggregate_paths,
    run_model,
)
from accord.engines.attribution.shapley import CHARACTERISTICS, Characteristic
from accord.errors import FileRejected, InputError
from accord.workflows.attribution import Report, Scope, TeamReport, attribute, attribute_teams

__all__ = ["app", "demo_section"]

app = typer.Typer(
    help="Credit conversions to channels, campaigns and teams: rules, Markov, Shapley.",
)


class LevelChoice(StrEnum):
    """Whose journeys: a person's or an account's."""

    person = "person"
    account = "account"


class ConversionChoice(StrEnum):
    """The conversion event credited."""

    mql = "mql"
    opportunity = "opportunity"
    closed_won = "closed_won"
    revenue = "revenue"


class ByChoice(StrEnum):
    """What a touch is credited as."""

    channel = "channel"
    campaign = "campaign"
    team = "team"


class ShapleyGame(StrEnum):
    """Characteristic function of the Shapley model (see docs/attribution.md)."""

    conversions = "conversions"
    conversion_rate = "conversion_rate"
    fitted_rate = "fitted_rate"


Level = Annotated[LevelChoice, typer.Option("--level", help="Journeys of people or of accounts.")]
ConversionOpt = Annotated[
    ConversionChoice | None,
    typer.Option("--conversion", help="Event credited (default: the attribution definition's)."),
]
Lookback = Annotated[
    int | None,
    typer.Option("--lookback", help="Days of touches before a conversion (default: "
                 "the definition's).", min=1),
]  # fmt: skip
FromDay = Annotated[
    str | None, typer.Option("--from", help="First day of conversions, YYYY-MM-DD.")
]
ToDay = Annotated[str | None, typer.Option("--to", help="Last day of conversions, YYYY-MM-DD.")]


_GAMES: dict[str, Characteristic] = {g: g for g in CHARACTERISTICS}

Ridge = Annotated[
    float,
    typer.Option(
        "--ridge",
        help="Ridge penalty of the fitted Shapley game (shapley_fitted, --shapley-game "
        "fitted_rate): larger shrinks channel effects toward each other; 0 is plain "
        "maximum likelihood.",
        min=0.0,
    ),
]


def _scope(
    level: LevelChoice,
    conversion: ConversionChoice | None,
    by: ByChoice,
    lookback: int | None,
    start: str | None,
    end: str | None,
    order: int | None = None,
    include_nulls: bool = True,
    shapley_game: str = "conversions",
    ridge: float = 1.0,
) -> Scope:
    return Scope(
        level=level.value,
        conversion=conversion.value if conversion else None,
        by=by.value,
        lookback_days=lookback,
        start=parse_date(start, "--from"),
        end=parse_date(end, "--to"),
        order=order,
        include_nulls=include_nulls,
        shapley_game=_GAMES.get(shapley_game, "conversions"),
        ridge=ridge,
    )


@app.callback(invoke_without_command=True)
def attribution(
    ctx: typer.Context,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Model(s) to compare with the one in force (repeatable or comma list): "
            "first_touch, last_touch, linear, time_decay, u_shaped, w_shaped, full_path, "
            "markov, shapley, shapley_fitted, all.",
        ),
    ] = None,
    level: Level = LevelChoice.person,
    conversion: ConversionOpt = None,
    by: Annotated[ByChoice, typer.Option("--by", help="Credit channels, campaigns or teams.")] = (
        ByChoice.channel
    ),
    lookback: Lookback = None,
    start: FromDay = None,
    end: ToDay = None,
    order: Annotated[
        int | None,
        typer.Option("--order", help="Markov order (default: definition's or 1).", min=1, max=3),
    ] = None,
    include_nulls: Annotated[
        bool, typer.Option("--nulls/--no-nulls", help="Markov: use non-converting journeys.")
    ] = True,
    shapley_game: Annotated[
        ShapleyGame, typer.Option("--shapley-game", help="Shapley characteristic function.")
    ] = ShapleyGame.conversions,
    ridge: Ridge = 1.0,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Credit the workspace's conversions with the attribution model in force.

    Journeys are built in the warehouse from the touchpoints of resolved people (or
    accounts); non-converting journeys are kept. The table shows the in-force model
    (with the definition version that produced it) and any --model side by side; JSON
    adds the Markov transition matrix and removal effects.
    """
    if ctx.invoked_subcommand is not None:
        return
    game = shapley_game.value
    scope = _scope(level, conversion, by, lookback, start, end, order, include_nulls, game, ridge)
    ws = Workspace.open(workspace)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        report = attribute(wh, SqlDefinitionStore(state).snapshot(), models=model or (),
                           scope=scope)  # fmt: skip
    _emit_report(report, fmt)


@app.command("teams")
def teams(
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Model for team credit (default: the one in force)."),
    ] = None,
    level: Level = LevelChoice.person,
    conversion: ConversionOpt = None,
    lookback: Lookback = None,
    start: FromDay = None,
    end: ToDay = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Team credit: model credit per team; sourced vs influenced, reported apart.

    Sourced: the team of the touch that created the lead (funnel's lead stage), or of
    the first touch. Influenced: every team that touched the journey before the
    conversion. The two overlap and are never summed.
    """
    scope = _scope(level, conversion, ByChoice.team, lookback, start, end)
    ws = Workspace.open(workspace)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        report = attribute_teams(wh, SqlDefinitionStore(state).snapshot(), model=model,
                                 scope=scope)  # fmt: skip
    _emit_teams(report, fmt)


# --------------------------------------------------------------------- workspace output
def _header(r: AttributionResult, report: Report | None = None) -> str:
    if r.model == "in_force":
        name = dict(r.parameters).get("definition_model", "")
        return f"in force: {name}"
    return r.model


def _scope_line(conversion: str, level: str, lookback: int) -> str:
    return f"{conversion}, {level} journeys, {lookback}-day lookback"


def _cite(citations: Any, notes: tuple[str, ...]) -> None:
    for c in citations:
        err().print(escape(f"definition: {c}"))
    for note in notes:
        err().print(escape(f"note: {note}"))


def _report_json(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "level": report.level,
        "conversion": report.conversion,
        "by": report.by,
        "lookback_days": report.lookback_days,
        "from": report.start,
        "to": report.end,
        "in_force": report.in_force,
        "definitions": [c.to_json() for c in report.citations],
        "conversion_events": report.conversion_events,
        "attributed_conversions": report.paths.total_conversions,
        "unattributed_conversions": report.paths.unattributed_conversions,
        "total_value": report.paths.total_value,
        "paths": report.paths.n_paths,
        "non_converting_journeys": float(report.paths.nulls.sum())
        if report.paths.nulls is not None
        else 0.0,
        "models": [
            {"model": r.model, "parameters": dict(r.parameters), "reason": r.reason}
            for r in report.results
        ],
        "credit": [
            {
                report.by: label,
                **{
                    r.model: {
                        "conversions": r.credit(label),
                        "value": r.credit_value(label) if report.has_value else None,
                    }
                    for r in report.results
                },
            }
            for label in report.labels
        ],
        "notes": list(report.notes),
    }
    markov = [r for r in report.results if r.markov is not None]
    doc["markov"] = [
        {
            "model": r.model,
            "order": r.markov.order,
            "include_nulls": r.markov.include_nulls,
            "conversion_probability": r.markov.conversion_probability,
            "removal_effects": dict(zip(r.channels, r.markov.removal_effects, strict=True)),
            "removal_effects_value": None
            if r.markov.removal_effects_value is None
            else dict(zip(r.channels, r.markov.removal_effects_value, strict=True)),
            "transition_matrix": r.markov.transition_matrix.as_records(),
        }
        for r in markov
        if r.markov is not None
    ]
    return doc


def _emit_report(report: Report, fmt: OutputFormat, *, top: int | None = None) -> None:
    if fmt is OutputFormat.json:
        emit_json(_report_json(report))
        return
    if fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([report.by, "model", "conversions", "share", "value"])
        for row in report.credit_table().to_pylist():
            writer.writerow(["" if v is None else v for v in row.values()])
        return
    if fmt is not OutputFormat.table:
        assert_never(fmt)
    scope = _scope_line(report.conversion, report.level, report.lookback_days)
    for what in ("conversions", "value") if report.has_value else ("conversions",):
        frame = report.wide(what)
        if top is not None:
            frame = frame.head(top)
        table = Table(title=f"Attributed {what} by {report.by} ({scope})",
                      title_justify="left", header_style="bold")  # fmt: skip
        table.add_column(report.by)
        for r in report.results:
            table.add_column(_header(r), justify="right")
        for label, row in frame.iterrows():
            table.add_row(escape(str(label)), *(f"{x:,.1f}" for x in row))
        out().print(table)
    paths = report.paths
    err().print(
        f"{report.conversion_events:,.0f} conversions, {paths.total_conversions:,.0f} "
        f"attributed; {paths.n_paths:,} distinct paths"
    )
    for r in report.results:
        if r.reason is not None:
            err().print(f"{_header(r)}: nothing attributed ({r.reason}).")
    _cite(report.citations, report.notes)


def _emit_teams(report: TeamReport, fmt: OutputFormat) -> None:
    rows = report.table().to_pylist()
    if fmt is OutputFormat.json:
        emit_json({
            "conversion": report.conversion,
            "level": report.level,
            "lookback_days": report.lookback_days,
            "model": report.credit.model,
            "parameters": dict(report.credit.parameters),
            "origin": "lead (funnel lead stage), else first touch",
            "total_conversions": report.teams.total_conversions,
            "total_value": report.teams.total_value,
            "teams": rows,
            "definitions": [c.to_json() for c in report.citations],
            "notes": list(report.notes),
        })  # fmt: skip
        return
    if fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(list(rows[0]) if rows else ["team"])
        for row in rows:
            writer.writerow(["" if v is None else v for v in row.values()])
        return
    if fmt is not OutputFormat.table:
        assert_never(fmt)
    has_value = report.teams.sourced_value is not None
    scope = _scope_line(report.conversion, report.level, report.lookback_days)
    table = Table(title=f"Team credit ({scope}); sourced and influenced overlap: never add them",
                  title_justify="left", header_style="bold")  # fmt: skip
    cols = ["credit", "sourced", "influenced"]
    if has_value:
        cols = ["credit", "credit_value", "sourced", "sourced_value", "influenced",
                "influenced_value"]  # fmt: skip
    table.add_column("team")
    for c in cols:
        head = c.replace("_value", " value")
        table.add_column(f"{_header(report.credit)}" if c == "credit" else head, justify="right")
    for row in rows:
        table.add_row(escape(str(row["team"])),
                      *(f"{float(row[c] or 0.0):,.1f}" for c in cols))  # fmt: skip
    out().print(table)
    err().print(f"{report.teams.total_conversions:,.0f} attributed conversions")
    _cite(report.citations, report.notes)


def demo_section(ws: Workspace) -> None:
    """Print the model comparison (top channels) and team credit for ``accord demo``."""
    models = ("first_touch", "last_touch", "markov", "shapley")
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        snapshot = SqlDefinitionStore(state).snapshot()
        scope = Scope()
        report = attribute(wh, snapshot, models=models, scope=scope)
        if report.paths.total_conversions == 0:
            scope = Scope(conversion="mql")
            report = attribute(wh, snapshot, models=models, scope=scope)
        team_report = attribute_teams(wh, snapshot, scope=scope)
    _emit_report(report, OutputFormat.table, top=6)
    _emit_teams(team_report, OutputFormat.table)


# --------------------------------------------------------------------- path files
class ModelChoice(StrEnum):
    """Models of ``--model``; ``all`` runs every model a path file supports."""

    first = "first"
    last = "last"
    linear = "linear"
    time_decay = "time_decay"
    u_shaped = "u_shaped"
    markov = "markov"
    shapley = "shapley"
    shapley_fitted = "shapley_fitted"
    all = "all"


_ENGINE_NAME: dict[ModelChoice, ModelName] = {
    ModelChoice.first: "first_touch",
    ModelChoice.last: "last_touch",
    ModelChoice.linear: "linear",
    ModelChoice.time_decay: "time_decay",
    ModelChoice.u_shaped: "u_shaped",
    ModelChoice.markov: "markov",
    ModelChoice.shapley: "shapley",
    ModelChoice.shapley_fitted: "shapley_fitted",
}
_ALL_PATH_MODELS: tuple[ModelName, ...] = tuple(
    m for m in _ENGINE_NAME.values() if m != "shapley_fitted"
)
"""``--model all`` of path files: ``shapley_fitted`` is run when asked by name."""


def read_path_file(
    file: Path,
    *,
    path_col: str,
    conversions_col: str,
    value_col: str | None,
    null_col: str | None,
    sep: str,
    delimiter: str | None,
) -> PathCounts:
    """Read a CSV or Parquet path file with DuckDB and sum it per distinct path."""
    table = read_table(file, delimiter=delimiter, what=" as a path file")
    missing = [
        c for c in (path_col, conversions_col, value_col, null_col) if c and c not in table.columns
    ]
    if missing:
        raise FileRejected(
            f"has no column {', '.join(map(repr, missing))}",
            path=str(file),
            hint=f"Columns are: {', '.join(table.columns)}. Name them with --path-col etc.",
        )
    summed = aggregate_paths(
        table,
        path_col=path_col,
        conversions_col=conversions_col,
        value_col=value_col,
        null_col=null_col,
    ).to_pyarrow()
    return PathCounts.from_arrow(
        summed,
        path_col="path",
        conversions_col="conversions",
        value_col="value" if value_col else None,
        null_col="nulls" if null_col else None,
        sep=sep,
    )


@app.command("paths")
def paths(
    file: Annotated[
        Path, typer.Argument(help="Path file (.csv or .parquet), one row per path.", dir_okay=False)
    ],
    path_col: Annotated[str, typer.Option("--path-col", help="Column of paths.")] = "path",
    conversions_col: Annotated[
        str, typer.Option("--conversions-col", help="Column of conversion counts.")
    ] = "total_conversions",
    value_col: Annotated[
        str | None, typer.Option("--value-col", help="Column of conversion value.")
    ] = None,
    null_col: Annotated[
        str | None, typer.Option("--null-col", help="Column of non-converting journeys.")
    ] = None,
    sep: Annotated[str, typer.Option("--sep", help="Separator between channels.")] = ">",
    model: Annotated[
        list[ModelChoice] | None,
        typer.Option(
            "--model",
            "-m",
            help="Model to run (repeatable); default all (shapley_fitted only by name).",
        ),
    ] = None,
    order: Annotated[
        int, typer.Option("--order", help="Order of the Markov chain.", min=1, max=5)
    ] = 1,
    half_life: Annotated[
        float, typer.Option("--half-life", help="Time decay half-life, in touches.", min=1e-9)
    ] = 7.0,
    include_nulls: Annotated[
        bool,
        typer.Option("--nulls/--no-nulls", help="Markov: use non-converting journeys."),
    ] = True,
    shapley_game: Annotated[
        ShapleyGame,
        typer.Option("--shapley-game", help="Shapley characteristic function."),
    ] = ShapleyGame.conversions,
    ridge: Ridge = 1.0,
    delimiter: Annotated[
        str | None,
        typer.Option("--delimiter", help="CSV field delimiter (default: detected)."),
    ] = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Attribute an aggregated path file (ChannelAttribution layout) with several models.

    JSON lists, per channel, the attributed conversions and value for each model, and
    the Markov removal effects.
    """
    if not sep:
        raise InputError("--sep must not be empty.")
    chosen = model or [ModelChoice.all]
    names: list[ModelName] = []
    for choice in chosen:
        for name in _ALL_PATH_MODELS if choice is ModelChoice.all else [_ENGINE_NAME[choice]]:
            if name not in names:
                names.append(name)
    with progress_bars() as progress:
        bar = TaskBar(progress, "reading paths")
        pc = read_path_file(
            file, path_col=path_col, conversions_col=conversions_col, value_col=value_col,
            null_col=null_col, sep=sep, delimiter=delimiter,
        )  # fmt: skip
        results = []
        for i, name in enumerate(names):
            bar(completed=i, total=len(names), description=f"model {name}")
            results.append(
                run_model(
                    pc,
                    name,
                    half_life=half_life,
                    order=order,
                    include_nulls=include_nulls,
                    characteristic=shapley_game.value,
                    ridge=ridge,
                )
            )
        bar(completed=len(names), total=len(names), description="done")
    for r in results:
        if r.reason is not None:
            err().print(f"{r.model}: nothing attributed ({r.reason}).")
    _emit(file, pc, results, fmt)


def _emit(file: Path, pc: PathCounts, results: list[AttributionResult], fmt: OutputFormat) -> None:
    has_value = pc.value is not None
    channels = sorted(pc.channels)
    if fmt is OutputFormat.json:
        emit_json(_as_json(file, pc, results))
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["channel", "model", "conversions", "value"])
        for ch in channels:
            for r in results:
                writer.writerow(
                    [ch, r.model, r.credit(ch), r.credit_value(ch) if has_value else ""]
                )
    elif fmt is OutputFormat.table:
        for what in ("conversions", "value") if has_value else ("conversions",):
            table = Table(title=f"Attributed {what}", title_justify="left", header_style="bold")
            table.add_column("channel")
            for r in results:
                table.add_column(r.model, justify="right")
            for ch in channels:
                cells = [
                    r.credit(ch) if what == "conversions" else r.credit_value(ch) for r in results
                ]
                table.add_row(ch, *(f"{x:,.2f}" for x in cells))
            out().print(table)
        err().print(
            f"{pc.n_paths:,} distinct paths, {pc.total_conversions:,.0f} conversions"
            + (
                f", {pc.unattributed_conversions:,.0f} on empty paths (not attributed)"
                if pc.unattributed_conversions
                else ""
            )
        )
    else:
        assert_never(fmt)


def _as_json(file: Path, pc: PathCounts, results: list[AttributionResult]) -> dict[str, Any]:
    has_value = pc.value is not None
    doc: dict[str, Any] = {
        "file": str(file),
        "paths": pc.n_paths,
        "total_conversions": pc.total_conversions,
        "total_value": pc.total_value,
        "unattributed_conversions": pc.unattributed_conversions,
        "models": [
            {"model": r.model, "parameters": dict(r.parameters), "reason": r.reason}
            for r in results
        ],
        "channels": [
            {
                "channel": ch,
                **{
                    r.model: {
                        "conversions": r.credit(ch),
                        "value": r.credit_value(ch) if has_value else None,
                    }
                    for r in results
                },
            }
            for ch in sorted(pc.channels)
        ],
    }
    for r in results:
        if r.markov is not None:
            doc["markov"] = {
                "order": r.markov.order,
                "include_nulls": r.markov.include_nulls,
                "conversion_probability": r.markov.conversion_probability,
                "removal_effects": dict(zip(r.channels, r.markov.removal_effects, strict=True)),
                "removal_effects_value": None
                if r.markov.removal_effects_value is None
                else dict(zip(r.channels, r.markov.removal_effects_value, strict=True)),
                "transition_matrix": r.markov.transition_matrix.as_records(),
            }
    return doc
