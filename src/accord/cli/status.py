"""``accord status``: the workspace, its stores, its tables and its recent loads."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, assert_never

import typer
from rich.table import Table

from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._render import emit_json, err, mask_url, out, rich_table
from accord.data import catalog
from accord.data.state import StateStore
from accord.data.state.migrate import head_revision
from accord.data.workspace import Workspace
from accord.errors import InputError

__all__ = ["collect_status", "status"]

LOAD_COLUMNS = ("when", "file", "status", "read", "inserted", "updated", "quarantined")
"""Recent loads as a person reads them in a terminal; JSON has every field."""


def collect_status(ws: Workspace, *, loads: int = 10) -> dict[str, Any]:
    """Everything ``status`` shows, as plain data (the JSON output)."""
    s = ws.settings
    with StateStore.connect(s.resolved_state_url()) as store:
        revision = store.revision()
    with ws.warehouse(read_only=True, check=False) as wh:
        version = catalog.warehouse_schema_version(wh)
        counts = catalog.table_counts(wh)
        recent = catalog.recent_loads(wh, limit=loads)
    return {
        "workspace": {
            "name": s.workspace.name,
            "root": str(ws.root),
            "timezone": s.workspace.timezone,
            "currency": s.workspace.currency,
        },
        "warehouse": {
            "url": mask_url(s.resolved_warehouse_url()),
            "schema_version": version,
            "current_version": catalog.SCHEMA_VERSION,
        },
        "state": {
            "url": mask_url(s.resolved_state_url()),
            "revision": revision,
            "head_revision": head_revision(),
        },
        "tables": [{"table": name, "rows": rows} for name, rows in counts.items()],
        "recent_loads": [dataclasses.asdict(r) for r in recent],
    }


def _version_note(current: object, head: object) -> str:
    if current == head:
        return "current"
    return "needs `accord upgrade`" if current is not None else "not created"


def status(
    loads: Annotated[int, typer.Option(help="How many recent loads to show.", min=0)] = 10,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Show the workspace: store URLs and schema versions, tables and row counts, loads."""
    data = collect_status(Workspace.open(workspace), loads=loads)
    if fmt is OutputFormat.json:
        emit_json(data)
        return
    if fmt is OutputFormat.csv:
        raise InputError(
            "status has several sections and no CSV form.",
            hint="Use --format json, or `accord status` for tables.",
        )
    if fmt is not OutputFormat.table:
        assert_never(fmt)
    console = out()
    w, wh, st = data["workspace"], data["warehouse"], data["state"]
    about = Table.grid(padding=(0, 2))
    about.add_row("workspace", f"{w['name']}  ({w['root']})")
    about.add_row("timezone", f"{w['timezone']}, reporting currency {w['currency']}")
    about.add_row(
        "warehouse",
        f"{wh['url']}  schema v{wh['schema_version']} "
        f"({_version_note(wh['schema_version'], wh['current_version'])})",
    )
    about.add_row(
        "state",
        f"{st['url']}  revision {st['revision']} "
        f"({_version_note(st['revision'], st['head_revision'])})",
    )
    console.print(about, markup=False)
    console.print(rich_table(data["tables"], columns=("table", "rows"), title="Tables"))
    if not data["recent_loads"]:
        err().print("No loads yet: `accord load FILE --preset NAME`.")
        return
    recent = [
        {
            "when": _minute(load["started_at"]),
            "file": Path(load["path"]).name,
            "status": load["status"],
            "read": load["rows_read"],
            "inserted": load["inserted"],
            "updated": load["updated"],
            "quarantined": load["quarantined"],
        }
        for load in data["recent_loads"]
    ]
    console.print(rich_table(recent, columns=LOAD_COLUMNS, title="Recent loads"))
    err().print("`accord status --format json` shows every field (load ids, actors, hashes).")


def _minute(value: Any) -> str:
    return value.strftime("%m-%d %H:%M") if isinstance(value, datetime) else str(value)
