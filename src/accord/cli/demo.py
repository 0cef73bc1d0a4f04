"""``accord demo``: the main job, end to end, on a simulated company.

Init a workspace, simulate a company into ``DIR/data``, load every file through its
preset, resolve people and accounts (scored against the planted truth), create demo
users, have the team leads sign the starter definitions, and print the scorecard.
Running it again reuses the workspace and the files: the loads are idempotent, so
nothing changes (``--fresh`` starts over).
"""

from __future__ import annotations

import importlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli._errors import note_interrupt
from accord.cli._progress import TaskBar, progress_bars
from accord.cli._render import err, out
from accord.cli._scorecard_view import print_scorecard
from accord.cli.load import report_row
from accord.cli.serve import serve_workspace
from accord.cli.simulate import run_simulation
from accord.cli.tokens import demo_passwords
from accord.data.load import LoadReport, load_file
from accord.data.sources import get_preset
from accord.data.state import DEFAULT_TEAMS, StateStore
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import Status
from accord.definitions.workflow import install_starter
from accord.errors import AccordError, Conflict
from accord.settings import CONFIG_FILE
from accord.workflows.identity.truth import score_against_truth
from accord.workflows.resolve import resolve_workspace

__all__ = ["DEMO_ACTOR", "MARKER", "demo", "demo_users", "resolve_demo", "sign_starter"]

MARKER = ".accord-demo.json"
"""Written into a workspace made by ``accord demo``; only such a folder is reused or
deleted by ``--fresh``."""

DEMO_ACTOR = "system:demo"


@dataclass(frozen=True)
class DemoFile:
    """One simulated file and the preset that loads it."""

    path: Path
    preset: str
    rows: int


def _marker(root: Path) -> dict[str, Any] | None:
    path = root / MARKER
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def prepare_workspace(root: Path, *, accounts: int, seed: int, fresh: bool) -> Workspace:
    """Create the demo workspace in *root*, or reuse the one made with the same arguments.

    Raises
    ------
    Conflict
        *root* holds something ``accord demo`` did not make, or a demo made with other
        arguments (without ``--fresh``).
    """
    wanted = {"accounts": accounts, "seed": seed}
    marker = _marker(root)
    if root.exists() and any(root.iterdir()) and marker is None:
        what = "an Accord workspace" if (root / CONFIG_FILE).exists() else "a folder"
        raise Conflict(
            f"{root} is {what} that `accord demo` did not create; it will not touch it.",
            hint="Choose another folder with --dir.",
        )
    if marker is not None and fresh:
        shutil.rmtree(root)
        marker = None
    if marker is not None:
        if {k: marker.get(k) for k in wanted} != wanted:
            raise Conflict(
                f"{root} holds a demo of {marker.get('accounts')} accounts with seed "
                f"{marker.get('seed')}, not {accounts} with seed {seed}.",
                hint="Add --fresh to rebuild it, or run with the same --accounts and --seed.",
            )
        if (root / CONFIG_FILE).exists():
            return Workspace.open(root)
    ws = Workspace.init(root, name="accord-demo")
    (root / MARKER).write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return ws


def simulated_files(data_dir: Path, *, accounts: int, seed: int) -> list[DemoFile]:
    """The simulated files in load order: reuse ``data_dir`` when it has this company."""
    manifest = data_dir / "manifest.json"
    known: dict[str, Any] | None = None
    if manifest.is_file():
        known = json.loads(manifest.read_text(encoding="utf-8"))
    if known is None or (known.get("seed"), known.get("accounts")) != (seed, accounts):
        run_simulation(data_dir, accounts=accounts, seed=seed, months=24)
        known = json.loads(manifest.read_text(encoding="utf-8"))
    files = []
    for entry in known["files"]:
        path = Path(entry["path"])
        files.append(
            DemoFile(
                path if path.is_absolute() else data_dir / path, entry["preset"], int(entry["rows"])
            )
        )
    return files


def load_all(ws: Workspace, files: list[DemoFile]) -> list[LoadReport]:
    """Load every file through its preset, one progress bar per file."""
    reports = []
    with ws.warehouse() as wh, progress_bars() as progress:
        for f in files:
            bar = TaskBar(progress, f.path.name)
            reports.append(
                load_file(
                    wh,
                    f.path,
                    mapping=get_preset(f.preset),
                    timezone=ws.settings.workspace.timezone,
                    actor=DEMO_ACTOR,
                    progress=bar,
                )
            )
            bar.finish()
    return reports


def resolve_demo(ws: Workspace, data_dir: Path) -> None:
    """Resolve people and accounts, and score them against the simulator's planted truth."""
    with progress_bars() as progress:
        bar = TaskBar(progress, "resolving identities")
        summary = resolve_workspace(ws, progress=bar.step)
        bar.finish()
    err().print(
        f"identity: {summary.person_records} person records -> {summary.people} people, "
        f"{summary.account_records} company records -> {summary.accounts} accounts "
        f"({summary.to_review} uncertain pairs: `accord identity review`)"
    )
    for score in score_against_truth(ws, data_dir / "ground_truth"):
        a = score.accuracy
        err().print(
            f"  {score.entity} vs planted truth ({score.compared} records): "
            f"pairwise precision {a.precision:.3f}, recall {a.recall:.3f}, F1 {a.f1:.3f}"
        )


def demo_users(store: StateStore) -> list[str]:
    """One lead and one member per default team (``marketing-lead``, ...); existing kept."""
    existing = {u.name for u in store.users(include_inactive=True)}
    names = []
    for team in DEFAULT_TEAMS:
        for role in ("lead", "member"):
            name = f"{team}-{role}"
            names.append(name)
            if name not in existing:
                store.add_user(
                    name, team=team, role=role, email=f"{name}@example.com", actor=DEMO_ACTOR
                )
    return names


def sign_starter(store: SqlDefinitionStore) -> int:
    """Propose the starter pack (once) and sign what the demo proposed as the team leads.

    Only versions the demo itself proposed are signed: a change someone proposed in the
    demo workspace waits for its real signatures. Returns the number of signatures given.
    """
    if not store.names():
        install_starter(store, actor=DEMO_ACTOR)
    given = 0
    for version in store.current():
        if version.status is not Status.PROPOSED or version.proposed_by != DEMO_ACTOR:
            continue
        for team in version.pending_teams:
            store.sign(version.name, version=version.version, team=team, by=f"{team}-lead")
            given += 1
    return given


ANALYSES = (
    ("The funnel", "funnel"),
    ("The marketing-sales SLA", "sla"),
    ("Credit: attribution models and teams", "attribution"),
    ("Unit economics and the budget", "economics"),
    ("An account, across teams", "account"),
)
"""What ``accord demo`` prints after the scorecard: (title, module with ``demo_section``)."""


def print_analyses(ws: Workspace) -> None:
    """Print each analysis's demo section; one that fails says why and the demo goes on."""
    for title, module_name in ANALYSES:
        out().rule(title)
        module = importlib.import_module(f"accord.cli.{module_name}")
        try:
            module.demo_section(ws)
        except AccordError as error:
            err().print(f"{title}: not shown ({error.message})")


def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Option("--dir", "-d", help="Workspace folder for the demo.", file_okay=False)
    ] = Path("accord-demo"),
    accounts: Annotated[int, typer.Option(help="Companies to simulate.", min=10)] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed of the simulated company.")] = 42,
    no_serve: Annotated[
        bool,
        typer.Option(
            "--no-serve",
            help="Do not start the web app at the end (it serves the demo workspace "
            "until Ctrl-C by default).",
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="Address the web app listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the web app listens on.")] = 8000,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete the demo workspace first and start over.")
    ] = False,
) -> None:
    """Run the whole job on a simulated company and print the scorecard.

    Creates (or reuses) a workspace, simulates a company into DIR/data in real export
    layouts, loads every file through its preset, adds one lead and one member per team,
    has the leads sign the starter definitions, and prints tables, the funnel, revenue by
    month, the quarantine count and the shared scorecard: every metric in force with its
    value, definition version and who signed it.
    """
    root = directory.expanduser().resolve()
    ws = prepare_workspace(root, accounts=accounts, seed=seed, fresh=fresh)
    note_interrupt(
        ctx,
        f"interrupted; the demo workspace {root} is partly built (every finished load is "
        "complete); run `accord demo` again to finish it",
    )
    files = simulated_files(root / "data", accounts=accounts, seed=seed)
    reports = load_all(ws, files)
    resolve_demo(ws, root / "data")
    with ws.state() as store:
        users = demo_users(store)
        definitions = SqlDefinitionStore(store)
        sign_starter(definitions)
        print_scorecard(ws, [report_row(r) for r in reports], users=users, definitions=definitions)
    print_analyses(ws)
    if no_serve:
        err().print("web app: not started (--no-serve); `accord serve -w DIR` starts it.")
        return
    with ws.state() as store:
        passwords = demo_passwords(store, users)
    err().print("Sign in as any demo user (one lead and one member per team):")
    for name, password in passwords.items():
        err().print(f"  {name:<18} {password}")
    err().print(f"web app: http://{host}:{port}/  (Ctrl-C stops it)")
    serve_workspace(root, host=host, port=port)
