"""``accord attribution``: multi-touch attribution from the command line.

``accord attribution paths FILE`` runs the attribution engines on an aggregated path
file in ChannelAttribution's layout (one row per distinct path such as
``eta > iota > alpha`` with its conversions, conversion value and non-conversions), so
analysts can bring their existing data and compare models side by side.
"""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, assert_never

import typer
from rich.table import Table

from accord.cli._files import read_table
from accord.cli._options import Format, OutputFormat
from accord.cli._progress import TaskBar, progress_bars
from accord.cli._render import emit_json, err, out
from accord.engines.attribution import (
    AttributionResult,
    ModelName,
    PathCounts,
    aggregate_paths,
    run_model,
)
from accord.errors import FileRejected, InputError

__all__ = ["app"]

app = typer.Typer(
    help="Credit conversions to channels: rules, Markov removal effects, Shapley.",
    no_args_is_help=True,
)


@app.callback()
def attribution() -> None:
    """Credit conversions to channels: rules, Markov removal effects, Shapley."""


class ModelChoice(StrEnum):
    """Models of ``--model``; ``all`` runs every model a path file supports."""

    first = "first"
    last = "last"
    linear = "linear"
    time_decay = "time_decay"
    u_shaped = "u_shaped"
    markov = "markov"
    shapley = "shapley"
    all = "all"


class ShapleyGame(StrEnum):
    """Characteristic function of the Shapley model (see docs/attribution.md)."""

    conversions = "conversions"
    conversion_rate = "conversion_rate"


_ENGINE_NAME: dict[ModelChoice, ModelName] = {
    ModelChoice.first: "first_touch",
    ModelChoice.last: "last_touch",
    ModelChoice.linear: "linear",
    ModelChoice.time_decay: "time_decay",
    ModelChoice.u_shaped: "u_shaped",
    ModelChoice.markov: "markov",
    ModelChoice.shapley: "shapley",
}


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
        typer.Option("--model", "-m", help="Model to run (repeatable); default all."),
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
        for name in _ENGINE_NAME.values() if choice is ModelChoice.all else [_ENGINE_NAME[choice]]:
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
