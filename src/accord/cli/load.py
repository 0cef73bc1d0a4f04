"""``accord load`` and ``accord presets``: bring exports into the canonical tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli._errors import note_interrupt
from accord.cli._options import AsUser, Format, OutputFormat, WorkspaceDir, cli_actor
from accord.cli._progress import TaskBar, progress_bars
from accord.cli._render import emit_rows, err
from accord.data.load import LoadReport, load_file
from accord.data.sources import MappingSpec, get_preset, list_presets, load_mapping
from accord.data.workspace import Workspace
from accord.errors import InputError

__all__ = ["SUMMARY_COLUMNS", "load", "presets", "report_row", "resolve_mapping"]

SUMMARY_COLUMNS = (
    "file",
    "rows_read",
    "inserted",
    "updated",
    "unchanged",
    "quarantined",
    "skipped",
    "seconds",
    "load_id",
)


def resolve_mapping(preset: str | None, mapping: Path | None) -> MappingSpec:
    """The mapping of ``--preset NAME`` or ``--mapping FILE`` (exactly one of them)."""
    if preset is not None and mapping is None:
        return get_preset(preset)
    if mapping is not None and preset is None:
        return load_mapping(mapping)
    raise InputError(
        "Give exactly one of --preset NAME or --mapping FILE.",
        hint="`accord presets` lists the presets; a mapping file describes any other layout.",
    )


def report_row(report: LoadReport) -> dict[str, Any]:
    """One summary line of a load."""
    return {
        "file": Path(report.path).name,
        "rows_read": report.rows_read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "quarantined": report.quarantined,
        "skipped": report.skipped,
        "seconds": round(report.seconds, 2),
        "load_id": report.load_id,
    }


def load(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV, Parquet, JSON or JSON-lines files.",
            exists=True,
            dir_okay=False,
            metavar="FILE...",
        ),
    ],
    preset: Annotated[
        str | None, typer.Option("--preset", "-p", help="Export layout, e.g. hubspot-contacts.")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            "-m",
            help="A mapping YAML file for any other layout.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    as_user: AsUser = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Load files into the canonical tables; bad rows go to quarantine.

    Each file loads atomically (all or nothing) and idempotently (loading it again changes
    nothing; a changed row is updated).
    """
    spec = resolve_mapping(preset, mapping)
    ws = Workspace.open(workspace)
    if as_user:
        with ws.state() as store:
            store.actor(as_user)
    reports: list[LoadReport] = []
    with ws.warehouse() as wh, progress_bars() as progress:
        for i, path in enumerate(files):
            bar = TaskBar(progress, path.name)
            reports.append(
                load_file(
                    wh,
                    path,
                    mapping=spec,
                    timezone=ws.settings.workspace.timezone,
                    actor=cli_actor(as_user),
                    progress=bar,
                )
            )
            bar.finish()
            note_interrupt(
                ctx,
                f"interrupted; the file being loaded was rolled back; the {i + 1} file(s) "
                "before it stay loaded",
            )
    rows = [report_row(r) for r in reports]
    # load ids are long: tools get them in JSON/CSV, people in the quarantine hint below
    columns = SUMMARY_COLUMNS[:-1] if fmt is OutputFormat.table else SUMMARY_COLUMNS
    emit_rows(rows, columns=columns, fmt=fmt, title=f"Loaded with {spec.name}")
    if fmt is OutputFormat.table:
        for report in reports:
            if report.quarantined:
                err().print(
                    f"{Path(report.path).name}: {report.quarantined:,} row(s) quarantined; "
                    f"see `accord quarantine list --load {report.load_id}`."
                )


def presets(fmt: Format = OutputFormat.table) -> None:
    """List the built-in presets for real exports, with their target tables."""
    rows = [
        {
            "name": spec.name,
            "title": spec.title,
            "tables": ", ".join(t.table for t in spec.targets),
        }
        for spec in list_presets()
    ]
    emit_rows(rows, columns=("name", "title", "tables"), fmt=fmt, title="Presets")
