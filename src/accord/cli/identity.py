"""``accord identity``: find the records that are the same person or company.

``accord identity dedupe FILE`` clusters the rows of one file; ``accord identity link
LEFT RIGHT`` links the rows of two files. Neither needs a workspace: they read the
files, recognise the columns (``--column-type`` overrides), resolve, and write
``id,cluster_id,match_probability`` for every input row.

In a workspace, ``accord resolve`` links the records; ``merge``, ``split`` and
``review`` record people's corrections (who and why, audited) that every later run
applies, and ``overrides`` lists or revokes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from accord.cli._errors import AccordGroup
from accord.cli._options import AsUser, Format, OutputFormat, WorkspaceDir, cli_actor
from accord.cli._render import emit_json, emit_rows, err, out
from accord.data.state.identity_overrides import OverrideRecord
from accord.data.workspace import Workspace
from accord.errors import InputError
from accord.identity import (
    DEFAULT_THRESHOLD,
    FileResolution,
    dedupe_file,
    link_files,
)
from accord.identity.columns import ColumnKind
from accord.workflows.identity import overrides as overrides_flow

__all__ = ["app"]

app = typer.Typer(
    cls=AccordGroup,
    help="Find the records that are the same person or company: files (dedupe, link) "
    "and a workspace's corrections (merge, split, review, overrides).",
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


Why = Annotated[
    str,
    typer.Option(
        "--why", help="Why (what you checked); kept in the audit log.", show_default=False
    ),
]
Accounts = Annotated[
    bool,
    typer.Option("--account", help="The records and ids are companies (default: people)."),
]


def _override_row(o: OverrideRecord) -> dict[str, Any]:
    return {
        "id": o.id,
        "entity": o.entity,
        "kind": o.kind,
        "records": " ".join(o.records),
        "target": o.target,
        "why": o.reason,
        "by": o.actor,
        "at": o.created_at,
        "origin": o.origin,
        "revoked": o.revoked_at,
    }


def _done(o: OverrideRecord, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        emit_json(o.as_dict())
        return
    err().print(
        f"override {o.id} recorded: {o.kind} {' '.join(o.records)} (by {o.actor}); "
        "the next `accord resolve` applies it."
    )


@app.command()
def merge(
    first: Annotated[str, typer.Argument(help="A record (<system>:<id>) or a person/account id.")],
    second: Annotated[str, typer.Argument(help="Another record or id, the same entity.")],
    why: Why,
    account: Accounts = False,
    as_user: AsUser = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Record that two records (or resolved ids) are one person (or account)."""
    ws = Workspace.open(workspace)
    entity = "account" if account else "person"
    done = overrides_flow.merge(ws, first, second, why=why, actor=cli_actor(as_user), entity=entity)
    _done(done, fmt)


@app.command()
def split(
    entity_id: Annotated[str, typer.Argument(help="The person (or account) id to split.")],
    records: Annotated[
        list[str], typer.Argument(help="Records (<system>:<id>) that are someone else.")
    ],
    why: Why,
    account: Accounts = False,
    as_user: AsUser = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Record that RECORDS are not ID: they leave it and become one entity of their own."""
    ws = Workspace.open(workspace)
    entity = "account" if account else "person"
    done = overrides_flow.split(
        ws, entity_id, list(records), why=why, actor=cli_actor(as_user), entity=entity
    )
    _done(done, fmt)


def _band(text: str) -> tuple[float, float]:
    try:
        low_text, high_text = text.split(":")
        low, high = float(low_text or 0), float(high_text or 1)
    except ValueError as exc:
        raise InputError(f"--band {text!r} is not LOW:HIGH", hint="e.g. --band 0.5:0.95") from exc
    if not 0 <= low <= high <= 1:
        raise InputError(f"--band {text!r} is not within 0..1", hint="e.g. --band 0.5:0.95")
    return low, high


@app.command()
def review(
    band: Annotated[
        str, typer.Option("--band", help="Match probabilities to list, LOW:HIGH.")
    ] = "0.5:1",
    limit: Annotated[int, typer.Option("--limit", min=1, help="List at most this many.")] = 20,
    accept: Annotated[
        list[str] | None,
        typer.Option("--accept", help="PAIR is one person (repeatable).", show_default=False),
    ] = None,
    reject: Annotated[
        list[str] | None,
        typer.Option("--reject", help="PAIR is two people (repeatable).", show_default=False),
    ] = None,
    why: Annotated[
        str | None, typer.Option("--why", help="Why (default: 'confirmed/rejected in review').")
    ] = None,
    as_user: AsUser = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """List the uncertain person matches of the last `accord resolve`, or decide them.

    Without --accept/--reject: the undecided pairs, most probable first, with why they
    are uncertain (below threshold, names differ, conflict) and whether the last run put
    them in one person. --accept PAIR records a merge, --reject PAIR keeps the two
    apart; both are overrides (audited) that the next `accord resolve` applies.
    """
    ws = Workspace.open(workspace)
    if accept or reject:
        actor = cli_actor(as_user)
        done = [
            overrides_flow.decide_pair(ws, p, same=True, actor=actor, why=why) for p in accept or []
        ] + [
            overrides_flow.decide_pair(ws, p, same=False, actor=actor, why=why)
            for p in reject or []
        ]
        if fmt is OutputFormat.json:
            emit_json([o.as_dict() for o in done])
        else:
            for o in done:
                _done(o, fmt)
        return
    low, high = _band(band)
    pairs = overrides_flow.review_pairs(ws, low=low, high=high, limit=limit)
    rows = [
        {
            "pair": p.pair_id,
            "p": round(p.match_probability, 3),
            "why": p.why,
            "merged now": "yes" if p.same_person_now else "no",
            "left": f"{p.left_record} ({p.left_summary})",
            "right": f"{p.right_record} ({p.right_summary})",
        }
        for p in pairs
    ]
    emit_rows(
        rows,
        columns=("pair", "p", "why", "merged now", "left", "right"),
        fmt=fmt,
        title=f"Uncertain matches, p in [{low}, {high}]",
        empty="Nothing to review in this band.",
    )
    if fmt is OutputFormat.table and rows:
        err().print(
            "Decide with `accord identity review --accept PAIR` (same person) or "
            "`--reject PAIR` (two people); then `accord resolve`."
        )


@app.command("overrides")
def list_overrides_command(
    revoke: Annotated[
        int | None,
        typer.Option("--revoke", help="Stop applying this override (by id).", show_default=False),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include revoked overrides.")] = False,
    as_user: AsUser = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """List the merges, splits and review decisions in force (oldest first), or revoke one."""
    ws = Workspace.open(workspace)
    if revoke is not None:
        _done(overrides_flow.revoke(ws, revoke, actor=cli_actor(as_user)), fmt)
        return
    rows = [_override_row(o) for o in overrides_flow.overrides(ws, include_revoked=all_)]
    emit_rows(
        rows,
        columns=("id", "entity", "kind", "records", "why", "by", "at", "origin", "revoked"),
        fmt=fmt,
        title="Identity overrides",
        empty="No overrides yet.",
    )
