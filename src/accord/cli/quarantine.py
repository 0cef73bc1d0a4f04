"""``accord quarantine``: the rows a load refused, with file, row, column and reason."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import typer

from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._render import emit_rows, err
from accord.data import catalog
from accord.data.workspace import Workspace
from accord.errors import InputError

__all__ = ["quarantine_app"]

quarantine_app = typer.Typer(help="Show and export the rows loads refused.", no_args_is_help=True)

TABLE_COLUMNS = ("file", "row", "table", "column", "value", "reason")

LoadOption = Annotated[str | None, typer.Option("--load", help="Only rows from this load id.")]


@quarantine_app.command("list")
def quarantine_list(
    load: LoadOption = None,
    table: Annotated[
        str | None, typer.Option("--table", "-t", help="Only rows meant for this table.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="At most this many rows.", min=1)
    ] = 50,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """List quarantined rows with their file, row number, column and reason."""
    with Workspace.open(workspace).warehouse(read_only=True) as wh:
        rows = catalog.quarantine_rows(wh, load_id=load, table=table, limit=limit)
    records = rows.to_pylist()
    columns = rows.column_names
    if fmt is OutputFormat.table:  # what a person reads; tools get every column
        records = [
            {**r, "file": Path(str(r["file"])).name, "table": r["table_name"],
             "column": r["column_name"]}
            for r in records
        ]  # fmt: skip
        columns = list(TABLE_COLUMNS)
    emit_rows(
        records, columns=columns, fmt=fmt, title="Quarantined rows", empty="No quarantined rows."
    )
    if fmt is OutputFormat.table and rows.num_rows == limit:
        err().print(f"Showing the first {limit}; use --limit or `accord quarantine export`.")


@quarantine_app.command("export")
def quarantine_export(
    out_file: Annotated[
        Path, typer.Argument(help="Output file: .csv or .parquet.", dir_okay=False, metavar="OUT")
    ],
    load: LoadOption = None,
    workspace: WorkspaceDir = None,
) -> None:
    """Write every quarantined row (or one load's) to a CSV or Parquet file."""
    suffix = out_file.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(
            f"Cannot write {out_file.name}: unknown format {suffix or '(no suffix)'!r}.",
            hint="Name the file .csv or .parquet.",
        )
    with Workspace.open(workspace).warehouse(read_only=True) as wh:
        rows = catalog.quarantine_rows(wh, load_id=load)
    if suffix == ".csv":
        pa_csv.write_csv(rows, out_file)
    else:
        pq.write_table(rows, out_file)
    err().print(f"Wrote {rows.num_rows:,} quarantined row(s) to {out_file}.")
