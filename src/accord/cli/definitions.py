"""``accord definitions``: propose, sign, read and export the definitions teams share.

A definition (term, metric, funnel, SLA, goal, attribution model) is in force only when a
lead of every owning team has signed that exact version. The commands call the workflows
of :mod:`accord.definitions.workflow`, as the web app does.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._render import emit_json, emit_rows, err, out
from accord.data.workspace import Workspace
from accord.definitions import Issue, dump
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import DefinitionVersion, Status
from accord.definitions.workflow import (
    ExportDefinitions,
    Proposed,
    ProposeDefinitions,
    SignDefinition,
)
from accord.definitions.yaml_io import to_data
from accord.errors import InputError, NotFound

__all__ = ["app", "awaiting", "open_definitions"]

app = typer.Typer(
    help="Propose, sign, read and export the definitions teams share.", no_args_is_help=True
)

ActingUser = Annotated[
    str,
    typer.Option(
        "--as", help="The Accord user doing it (recorded with the version and in the audit log)."
    ),
]
NameArg = Annotated[str, typer.Argument(help="The definition's name, e.g. mqls.", metavar="NAME")]


@contextmanager
def open_definitions(workspace: Path | None) -> Iterator[SqlDefinitionStore]:
    """The definition store of the workspace, closed on exit."""
    with Workspace.open(workspace).state() as state:
        yield SqlDefinitionStore(state)


def awaiting(store: SqlDefinitionStore, version: DefinitionVersion) -> str:
    """The teams that still have to sign *version*, each with who may sign for it."""
    return ", ".join(
        f"{team} ({', '.join(store.signers(team)) or 'no lead yet'})"
        for team in version.pending_teams
    )


def _signed_by(version: DefinitionVersion) -> str:
    return ", ".join(f"{s.team}: {s.user}" for s in version.valid_signatures)


def _version_json(store: SqlDefinitionStore, v: DefinitionVersion) -> dict[str, Any]:
    return {
        "name": v.name,
        "kind": v.definition.kind,
        "version": v.version,
        "status": v.status.value,
        "owners": list(v.definition.owners),
        "content_hash": v.content_hash,
        "proposed_by": v.proposed_by,
        "proposed_at": v.proposed_at,
        "in_force_at": v.in_force_at,
        "ended_at": v.ended_at,
        "signed_by": [
            {"team": s.team, "user": s.user, "at": s.signed_at} for s in v.valid_signatures
        ],
        "awaiting": [
            {"team": t, "leads": store.signers(t)}
            for t in (v.pending_teams if v.status is Status.PROPOSED else ())
        ],
        "definition": to_data(v.definition),
    }


def _report_issues(issues: Sequence[Issue], fmt: OutputFormat) -> None:
    """Print every issue (JSON on stdout for tools; ``file:line: ...`` lines on stderr)."""
    if fmt is OutputFormat.json:
        emit_json(
            [
                {"file": i.file, "line": i.line, "code": i.code, "definition": i.definition,
                 "message": i.message, "fix": i.fix}
                for i in issues
            ]
        )  # fmt: skip
    else:
        console = err()
        for issue in issues:
            console.print(str(issue), markup=False, soft_wrap=True)
    raise InputError(
        f"{len(issues)} issue(s) in the definitions; nothing was proposed.",
        hint="Fix every issue listed (file:line, then the fix) and run the command again.",
    )


def _proposals(store: SqlDefinitionStore, command: ProposeDefinitions, fmt: OutputFormat) -> None:
    issues = command.validate()
    if issues:
        _report_issues(issues, fmt)
    done = command.run()
    rows = [_proposal_row(store, p) for p in done]
    emit_rows(
        rows,
        columns=("name", "outcome", "version", "status", "awaiting", "file"),
        fmt=fmt,
        title="Proposed",
    )
    changed = sum(p.outcome in ("new", "changed") for p in done)
    if fmt is OutputFormat.table:
        err().print(
            f"{changed} new version(s) proposed, {len(done) - changed} unchanged or withdrawn. "
            "Each comes into force when a lead of every owning team signs it: "
            "`accord definitions sign NAME --as LEAD`."
        )


def _proposal_row(store: SqlDefinitionStore, p: Proposed) -> dict[str, Any]:
    v = p.version
    return {
        "name": p.name,
        "outcome": p.outcome,
        "version": v.version,
        "status": v.status.value,
        "awaiting": awaiting(store, v) if v.status is Status.PROPOSED else "",
        "file": p.file,
    }


@app.command("propose")
def propose(
    files: Annotated[
        list[Path],
        typer.Argument(help="YAML files, one definition each.", metavar="FILE...", dir_okay=False),
    ],
    as_user: ActingUser,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Propose definitions from YAML files as new versions of what changed.

    Every issue of every file is reported at once (file, line, fix) and nothing is
    proposed while there is one. An unchanged definition is left as it is; a changed one
    becomes a new proposed version (an in-force one stays in force until every owning
    team has signed the new version).
    """
    with open_definitions(workspace) as store:
        _proposals(store, ProposeDefinitions.from_files(store, files, actor=as_user), fmt)


@app.command("apply")
def apply(
    directory: Annotated[
        Path, typer.Argument(help="Folder of YAML definitions.", metavar="DIR", file_okay=False)
    ],
    as_user: ActingUser,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Propose every definition in a folder that changed (definitions as code).

    The folder is validated as a whole together with the workspace's other definitions;
    every issue is reported at once and nothing changes while there is one.
    """
    with open_definitions(workspace) as store:
        _proposals(store, ProposeDefinitions.from_folder(store, directory, actor=as_user), fmt)


@app.command("sign")
def sign(
    name: NameArg,
    as_user: ActingUser,
    version: Annotated[
        int | None,
        typer.Option(help="The version to sign (default: the pending proposal).", min=1),
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Sign a proposed version for your team (team leads of owning teams only).

    When every owning team has signed it, the version comes into force and the previous
    one retires; until then the previous version stays in force.
    """
    with open_definitions(workspace) as store:
        done = SignDefinition(store, name, actor=as_user, version=version).run()
        v = done.version
        if fmt is OutputFormat.json:
            emit_json(_version_json(store, v) | {"signed_for": done.team})
            return
        message = f"Signed {v.name} v{v.version} for {done.team} as {as_user}. "
        if v.status is Status.IN_FORCE:
            retired = f"; v{done.retired.version} retired" if done.retired else ""
            message += f"Every owner has signed: v{v.version} is now in force{retired}."
        else:
            message += f"Still awaiting {awaiting(store, v)}."
        out().print(escape(message))


def _pick(store: SqlDefinitionStore, name: str, version: int | None) -> DefinitionVersion:
    if version is not None:
        return store.version(name, version)
    history = store.history(name)
    if not history:
        raise NotFound(f"No definition called {name!r}.", hint="`accord definitions list`")
    live = [v for v in history if v.status in (Status.PROPOSED, Status.IN_FORCE)]
    return live[-1] if live else history[-1]


@app.command("show")
def show(
    name: NameArg,
    version: Annotated[
        int | None,
        typer.Option(help="Which version (default: the pending proposal, else the one in force)."),
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Show a definition: its version, status, signatures and canonical YAML."""
    with open_definitions(workspace) as store:
        v = _pick(store, name, version)
        if fmt is not OutputFormat.table:
            emit_json(_version_json(store, v))
            return
        in_force = store.in_force(name)
        lines = [
            f"{v.name} v{v.version}: {v.status.value} ({v.definition.kind}, owned by "
            f"{', '.join(v.definition.owners)})",
            f"proposed by {v.proposed_by} at {v.proposed_at:%Y-%m-%d %H:%M} UTC; "
            f"content {v.content_hash[:19]}...",
            f"signed by   {_signed_by(v) or 'nobody yet'}",
        ]
        if v.status is Status.PROPOSED:
            lines.append(f"awaiting    {awaiting(store, v)}")
            if in_force is not None:
                lines.append(
                    f"in force    v{in_force.version} until then; see the change with "
                    f"`accord definitions diff {name} {in_force.version} {v.version}`"
                )
        console = out()
        for line in lines:
            console.print(line, markup=False, soft_wrap=True)
        console.print("")
        console.print(dump(v.definition), markup=False, end="", soft_wrap=True)


@app.command("diff")
def diff(
    name: NameArg,
    v1: Annotated[int, typer.Argument(help="The older version.", metavar="V1")],
    v2: Annotated[int, typer.Argument(help="The newer version.", metavar="V2")],
    workspace: WorkspaceDir = None,
) -> None:
    """Show what changed between two versions (unified diff of the canonical YAML)."""
    with open_definitions(workspace) as store:
        a, b = store.version(name, v1), store.version(name, v2)
    lines = difflib.unified_diff(
        dump(a.definition).splitlines(keepends=True),
        dump(b.definition).splitlines(keepends=True),
        fromfile=f"{name} v{v1} ({a.status.value})",
        tofile=f"{name} v{v2} ({b.status.value})",
    )
    text = "".join(lines)
    if not text:
        err().print(f"{escape(name)} v{v1} and v{v2} have the same content.")
        return
    typer.echo(text, nl=False)


def _minute(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


@app.command("history")
def history(
    name: NameArg, fmt: Format = OutputFormat.table, workspace: WorkspaceDir = None
) -> None:
    """Every version of a definition, oldest first, with who proposed and signed it.

    Times are UTC; `--format json` gives them in full with the whole content hash.
    """
    with open_definitions(workspace) as store:
        versions = store.history(name)
        if not versions:
            raise NotFound(f"No definition called {name!r}.", hint="`accord definitions list`")
        if fmt is OutputFormat.json:
            emit_json([_version_json(store, v) for v in versions])
            return
    rows = [
        {
            "version": v.version,
            "status": v.status.value,
            "proposed": f"{_minute(v.proposed_at)} by {v.proposed_by}",
            "signed_by": _signed_by(v),
            "in_force": _minute(v.in_force_at),
            "ended": _minute(v.ended_at),
            "content": v.content_hash[:15],
        }
        for v in versions
    ]
    emit_rows(rows, columns=tuple(rows[0]), fmt=fmt, title=f"History of {name}")


@app.command("list")
def list_(
    status: Annotated[
        list[Status] | None,
        typer.Option(help="Only definitions with a version of this status (repeatable)."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Only these kinds: term, metric, funnel, sla, goal, attribution."),
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """List definitions with the version in force and the one awaiting signatures."""
    rows = []
    with open_definitions(workspace) as store:
        for name in store.names():
            versions = store.history(name)
            statuses = {v.status for v in versions}
            latest = versions[-1].definition
            if status and not statuses & set(status):
                continue
            if kind and latest.kind not in kind:
                continue
            in_force = next((v for v in versions if v.status is Status.IN_FORCE), None)
            proposed = next((v for v in versions if v.status is Status.PROPOSED), None)
            rows.append(
                {
                    "name": name,
                    "kind": latest.kind,
                    "owners": ", ".join(latest.owners),
                    "in_force": in_force.version if in_force else None,
                    "proposed": proposed.version if proposed else None,
                    "awaiting": awaiting(store, proposed) if proposed else "",
                }
            )
    emit_rows(
        rows,
        columns=("name", "kind", "owners", "in_force", "proposed", "awaiting"),
        fmt=fmt,
        title="Definitions",
        empty="No definitions match; `accord definitions propose FILE --as USER` adds one.",
    )


@app.command("export")
def export(
    directory: Annotated[
        Path, typer.Argument(help="Folder to write to.", metavar="DIR", file_okay=False)
    ],
    in_force: Annotated[
        bool,
        typer.Option("--in-force", help="Only versions in force (default: pending proposals too)."),
    ] = False,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Write every definition as a YAML file (one per definition), to edit and apply.

    Each definition's pending proposal is written if there is one, else its version in
    force, so that `apply` of an unedited export changes nothing.
    """
    with open_definitions(workspace) as store:
        written = ExportDefinitions(store, directory, in_force_only=in_force).run()
    rows = [
        {
            "file": e.path.relative_to(directory).as_posix(),
            "name": e.version.name,
            "version": e.version.version,
            "status": e.version.status.value,
        }
        for e in written
    ]
    emit_rows(rows, columns=("file", "name", "version", "status"), fmt=fmt, title="Exported")
    if fmt is OutputFormat.table:
        err().print(f"Wrote {len(rows)} definition(s) to {escape(str(directory))}.")
