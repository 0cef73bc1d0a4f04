"""``accord identity``: find the records that are the same person or company.

``accord identity dedupe FILE`` clusters the rows of one file; ``accord identity link
LEFT RIGHT`` links the rows of two files. Neither needs a workspace: they read the
files, recognise the columns (``--column-type`` overrides), resolve, and write
``id,cluster_id,match_probability`` for every input row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from accord.cli._errors import AccordGroup
from accord.cli._render import err, out
from accord.errors import InputError
from accord.identity import (
    DEFAULT_THRESHOLD,
    FileResolution,
    dedupe_file,
    link_files,
)
from accord.identity.columns import ColumnKind

__all__ = ["app"]

app = typer.Typer(
    cls=AccordGroup,
    help="Find the records that are the same person or company (no workspace needed).",
    no_args_is_help=True,
)

_KINDS = ", ".join(k.value for k in ColumnKind)

IdColumn = Annotated[
    str | None,
    typer.Option(
        "--id-column",
        help="Column that identifies each row (default: a unique column named like an id).",
        show_default=False,
    ),
]
ColumnTypes = Annotated[
    list[str] | None,
    typer.Option(
        "--column-type",
        help=f"COLUMN=KIND, repeatable, overrides recognition. Kinds: {_KINDS}.",
        show_default=False,
    ),
]
Threshold = Annotated[
    float,
    typer.Option(
        "--threshold",
        min=0.0,
        max=1.0,
        help="Match probability at or above which two rows are joined.",
    ),
]
Region = Annotated[
    str,
    typer.Option("--region", help="Country for phone numbers without a country code."),
]
Out = Annotated[
    Path,
    typer.Option("--out", "-o", help="CSV to write: id,cluster_id,match_probability."),
]
InputFile = Annotated[Path, typer.Argument(help="CSV (with a header row), Parquet or JSON.")]


def parse_column_types(items: list[str] | None) -> dict[str, str]:
    """``["tel=phone", "Born = dob"]`` -> ``{"tel": "phone", "Born": "dob"}``."""
    result: dict[str, str] = {}
    for item in items or []:
        column, sep, kind = item.partition("=")
        if not sep or not column.strip() or not kind.strip():
            raise InputError(
                f"--column-type {item!r} is not COLUMN=KIND.",
                hint=f"For example --column-type 'Mobile=phone'. Kinds: {_KINDS}.",
            )
        result[column.strip()] = kind.strip()
    return result


@app.command()
def dedupe(
    file: InputFile,
    out_path: Out,
    id_column: IdColumn = None,
    column_type: ColumnTypes = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    region: Region = "US",
) -> None:
    """Cluster the rows of FILE that are the same person or company."""
    with err().status("Resolving identities..."):
        result = dedupe_file(
            file,
            id_column=id_column,
            column_types=parse_column_types(column_type),
            threshold=threshold,
            default_region=region,
        )
    result.write_csv(out_path)
    _summary(result, out_path)


@app.command()
def link(
    left: InputFile,
    right: InputFile,
    out_path: Out,
    id_column: IdColumn = None,
    column_type: ColumnTypes = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    region: Region = "US",
    also_dedupe: Annotated[
        bool,
        typer.Option(
            "--also-dedupe/--across-only",
            help="Also join rows of the same file (default: only rows across the files).",
        ),
    ] = False,
) -> None:
    """Link the rows of LEFT and RIGHT that are the same person or company.

    The output has a ``source`` column (left or right) and cluster ids of the form
    ``left:ID``.
    """
    with err().status("Linking identities..."):
        result = link_files(
            [left, right],
            id_column=id_column,
            column_types=parse_column_types(column_type),
            threshold=threshold,
            default_region=region,
            also_dedupe=also_dedupe,
        )
    result.write_csv(out_path)
    _summary(result, out_path)


def _summary(result: FileResolution, out_path: Path) -> None:
    resolution = result.resolution
    records = resolution.records
    linked = records["rule"].notna()
    table = Table(title="Columns used", show_header=True, header_style="bold")
    table.add_column("input")
    table.add_column("column")
    table.add_column("kind")
    table.add_column("recognised by")
    for number, columns in enumerate(result.column_maps):
        for column in columns.columns:
            table.add_row(str(number + 1), column.name, column.kind.value, column.evidence)
    console = err()
    console.print(table)
    by_rule = records.loc[linked, "rule"].value_counts().to_dict()
    rules = ", ".join(f"{rule}: {count:,}" for rule, count in sorted(by_rule.items()))
    out().print(
        f"{resolution.n_records:,} records -> {resolution.n_clusters:,} clusters; "
        f"{int(linked.sum()):,} records linked ({rules or 'none'}); "
        f"{len(resolution.uncertain_links()):,} uncertain links. Wrote {out_path}."
    )
