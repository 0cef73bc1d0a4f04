"""The Definitions page: glossary and metrics, versions with their signatures, diffs,
and the propose / sign commands of :mod:`accord.definitions.workflow`."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from accord.definitions.catalog import Catalog
from accord.definitions.issues import Issue
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import DefinitionVersion, Status
from accord.definitions.workflow import Proposed, ProposeDefinitions, SignDefinition, Signed
from accord.definitions.yaml_io import dump, load_text
from accord.errors import InputError, NotFound

__all__ = [
    "DefinitionRow",
    "DiffLine",
    "Overview",
    "diff_versions",
    "list_definitions",
    "overview",
    "propose_text",
    "sign",
]


@dataclass(frozen=True, slots=True)
class DefinitionRow:
    """One definition in the list: the version in force and the one awaiting signatures."""

    name: str
    kind: str
    owners: tuple[str, ...]
    description: str
    in_force: int | None
    proposed: int | None
    awaiting: tuple[str, ...]
    summary: str
    """A term's definition, or a metric's description."""


@dataclass(frozen=True, slots=True)
class DiffLine:
    """A line of a unified diff and its kind (for colouring)."""

    kind: Literal["add", "remove", "context", "header"]
    text: str


@dataclass(frozen=True, slots=True)
class Overview:
    """One definition's page: the version shown, the one in force, the history, the YAML,
    and (for a proposal) what changes against the version in force."""

    shown: DefinitionVersion
    in_force: DefinitionVersion | None
    history: tuple[DefinitionVersion, ...]
    yaml: str
    change: tuple[DiffLine, ...]
    signers: dict[str, list[str]]
    """Who may sign for each owning team (its active leads)."""


def _summary(version: DefinitionVersion) -> str:
    body = version.definition.body
    text = getattr(body, "definition", None) or version.definition.description
    return " ".join(str(text).split())


def list_definitions(store: SqlDefinitionStore, *, kind: str | None = None) -> list[DefinitionRow]:
    """Every live definition (proposed or in force), by name; optionally of one kind."""
    in_force = store.snapshot().versions
    rows = []
    for current in sorted(store.current(), key=lambda v: v.name):
        if kind is not None and current.definition.kind != kind:
            continue
        proposed = current if current.status is Status.PROPOSED else None
        base = in_force.get(current.name)
        rows.append(
            DefinitionRow(
                name=current.name,
                kind=current.definition.kind,
                owners=tuple(current.definition.owners),
                description=current.definition.description,
                in_force=base.version if base else None,
                proposed=proposed.version if proposed else None,
                awaiting=proposed.pending_teams if proposed else (),
                summary=_summary(base or current),
            )
        )
    return rows


def diff_versions(a: DefinitionVersion, b: DefinitionVersion) -> tuple[DiffLine, ...]:
    """The unified diff of two versions' canonical YAML."""
    lines = difflib.unified_diff(
        dump(a.definition).splitlines(),
        dump(b.definition).splitlines(),
        fromfile=f"{a.name} v{a.version} ({a.status.value})",
        tofile=f"{b.name} v{b.version} ({b.status.value})",
        lineterm="",
    )
    out: list[DiffLine] = []
    for line in lines:
        if line.startswith(("---", "+++", "@@")):
            out.append(DiffLine("header", line))
        elif line.startswith("+"):
            out.append(DiffLine("add", line))
        elif line.startswith("-"):
            out.append(DiffLine("remove", line))
        else:
            out.append(DiffLine("context", line))
    return tuple(out)


def overview(store: SqlDefinitionStore, name: str, version: int | None = None) -> Overview:
    """Everything the definition's page shows.

    Raises
    ------
    NotFound
        No definition *name*, or no version *version* of it.
    """
    history = tuple(store.history(name))
    if not history:
        raise NotFound(f"No definition called {name!r}.", hint="The Definitions page lists them.")
    in_force = next((v for v in history if v.status is Status.IN_FORCE), None)
    if version is not None:
        shown = next((v for v in history if v.version == version), None)
        if shown is None:
            raise NotFound(
                f"{name} has no version {version}.", hint=f"It has v1 to v{history[-1].version}."
            )
    else:
        live = [v for v in history if v.status in (Status.PROPOSED, Status.IN_FORCE)]
        shown = live[-1] if live else history[-1]
    change: tuple[DiffLine, ...] = ()
    if in_force is not None and shown.version != in_force.version:
        change = diff_versions(in_force, shown)
    return Overview(
        shown=shown,
        in_force=in_force,
        history=history,
        yaml=dump(shown.definition),
        change=change,
        signers={team: store.signers(team) for team in shown.definition.owners},
    )


def propose_text(
    store: SqlDefinitionStore, name: str, text: str, *, actor: str
) -> tuple[list[Issue], list[Proposed]]:
    """Propose the YAML *text* as the next version of *name*.

    Returns the issues (nothing proposed) or the proposals made.

    Raises
    ------
    InputError
        The YAML defines another name.
    NotFound, Conflict
        The acting user does not exist or is deactivated.
    """
    loaded = load_text(text, file=f"{name}.yaml")
    if loaded.entry is not None and loaded.entry.name != name:
        raise InputError(
            f"The YAML defines {loaded.entry.name!r}, not {name!r}.",
            hint="Keep the name; a new definition is proposed with `accord definitions propose`.",
        )
    entries = [loaded.entry] if loaded.entry is not None else []
    command = ProposeDefinitions(store, Catalog(entries), loaded.issues, actor=actor)
    issues = command.validate()
    if issues:
        return issues, []
    return [], command.run()


def sign(store: SqlDefinitionStore, name: str, *, version: int, actor: str) -> Signed:
    """Sign *version* of *name* for the actor's team (the workflow checks who may)."""
    return SignDefinition(store, name, actor=actor, version=version).run()


def owners_of(store: SqlDefinitionStore, name: str) -> tuple[str, ...]:
    """The teams owning the newest version of *name* (:class:`NotFound` if none)."""
    latest = store.latest(name)
    if latest is None:
        raise NotFound(f"No definition called {name!r}.", hint="The Definitions page lists them.")
    return tuple(latest.definition.owners)


def when(value: datetime | None) -> str:
    """A timestamp for a page (UTC, minutes)."""
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else ""


def signed_by(version: DefinitionVersion) -> Sequence[tuple[str, str, datetime]]:
    """``(team, user, when)`` of the signatures that count for *version*."""
    return [(s.team, s.user, s.signed_at) for s in version.valid_signatures]
