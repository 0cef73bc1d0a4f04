"""Sign-off workflows as commands: ``validate()`` then ``run()`` (the CLI and the web app
call the same ones).

- :class:`ProposeDefinitions`: propose YAML files (``accord definitions propose``) or a
  folder (``accord definitions apply``) as new versions of what changed;
- :class:`SignDefinition`: a team lead signs a proposed version for their team;
- :class:`ExportDefinitions`: write the workspace's definitions as a folder of YAML files.

``validate()`` returns the problems a user fixes in their definitions (every
:class:`~accord.definitions.issues.Issue` of every file at once) and raises for anything
else (an unknown user, a permission); ``run()`` validates again and changes nothing
unless there is no issue at all. Definitions are validated together with the
workspace's other current definitions, so a file that refers to a metric proposed
earlier is fine and a change that breaks a definition it does not touch is reported.

Examples
--------
>>> import tempfile, pathlib
>>> from accord.data.state import StateStore
>>> from accord.definitions.sql_store import SqlDefinitionStore
>>> state = StateStore.connect("sqlite://")
>>> _ = state.upgrade()
>>> _ = state.add_team("sales", actor="system:example")
>>> _ = state.add_user("sam", team="sales", role="lead", actor="system:example")
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "won.yaml").write_text(
...     "kind: term\\nname: won_deal\\nowners: [sales]\\nbody: {definition: A closed deal.}\\n")
>>> store = SqlDefinitionStore(state)
>>> [(p.name, p.outcome) for p in ProposeDefinitions.from_folder(store, folder, actor="sam").run()]
[('won_deal', 'new')]
>>> SignDefinition(store, "won_deal", actor="sam").run().version.status.value
'in_force'
>>> state.close()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord.data.state import UserRecord
from accord.definitions.catalog import Catalog, Entry, SourceMap
from accord.definitions.envelope import Kind
from accord.definitions.issues import Issue
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.starter import starter_catalog
from accord.definitions.store import DefinitionVersion, Status
from accord.definitions.validation import Context, validate
from accord.definitions.yaml_io import dump, load_file, load_folder
from accord.errors import Conflict, InputError, NotFound, PermissionDenied

__all__ = [
    "KIND_FOLDERS",
    "ExportDefinitions",
    "Exported",
    "ProposeDefinitions",
    "Proposed",
    "SignDefinition",
    "Signed",
    "install_starter",
]

KIND_FOLDERS: dict[Kind, str] = {
    "term": "terms",
    "metric": "metrics",
    "funnel": "funnel",
    "sla": "sla",
    "goal": "goals",
    "attribution": "attribution",
}
"""Where ``export`` writes each kind (the starter pack's layout)."""

Outcome = Literal["new", "changed", "unchanged", "withdrawn"]
"""What proposing did: a first version; a new version of a changed definition; nothing;
or the in-force content proposed again, withdrawing the pending proposal."""


@dataclass(frozen=True, slots=True)
class Proposed:
    """What proposing one definition did."""

    name: str
    outcome: Outcome
    version: DefinitionVersion
    previous: DefinitionVersion | None
    file: str | None


def _outcome(before: DefinitionVersion | None, after: DefinitionVersion) -> Outcome:
    if before is None:
        return "new"
    if after.version == before.version:
        return "unchanged"
    if after.version < before.version:
        return "withdrawn"
    return "changed"


class ProposeDefinitions:
    """Propose definitions loaded from YAML as new versions of those that changed.

    Build it with :meth:`from_files` or :meth:`from_folder`.

    Parameters
    ----------
    store
        The workspace's definition store.
    catalog
        The definitions to propose, with their files and lines.
    load_issues
        Issues found while loading them (files that did not parse).
    actor
        The user proposing (any active user; proposing is not signing).
    """

    def __init__(
        self,
        store: SqlDefinitionStore,
        catalog: Catalog,
        load_issues: Sequence[Issue] = (),
        *,
        actor: str,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.load_issues = tuple(load_issues)
        self.actor = actor

    @classmethod
    def from_files(
        cls, store: SqlDefinitionStore, files: Sequence[Path], *, actor: str
    ) -> ProposeDefinitions:
        """Propose the definitions in *files* (one definition per file)."""
        entries: list[Entry] = []
        issues: list[Issue] = []
        for path in files:
            if not path.is_file():
                raise NotFound(
                    f"No file {path}.", hint="Give the path of a definition's YAML file."
                )
            loaded = load_file(path, display=str(path))
            issues.extend(loaded.issues)
            if loaded.entry is not None:
                entries.append(loaded.entry)
        return cls(store, Catalog(entries), issues, actor=actor)

    @classmethod
    def from_folder(
        cls, store: SqlDefinitionStore, folder: Path, *, actor: str
    ) -> ProposeDefinitions:
        """Propose every ``*.yaml`` definition under *folder* (definitions as code)."""
        if not folder.is_dir():
            raise NotFound(
                f"No folder {folder}.", hint="`accord definitions export DIR` makes one."
            )
        loaded = load_folder(folder)
        return cls(store, loaded.catalog, loaded.issues, actor=actor)

    def validate(self) -> list[Issue]:
        """Every issue of the files and of the definitions they would make current.

        Raises
        ------
        NotFound, Conflict
            The acting user does not exist or is deactivated.
        """
        self.store.state.actor(self.actor)
        if not self.catalog.entries and not self.load_issues:
            raise InputError("No definitions to propose.", hint="Give YAML files of definitions.")
        given = {e.name for e in self.catalog}
        stored = [
            Entry(v.definition, SourceMap(f"(state store) {v.name} v{v.version}"))
            for v in self.store.current()
            if v.name not in given
        ]
        context = Context(teams=frozenset(t.name for t in self.store.state.teams()))
        issues = list(self.load_issues) + validate(
            Catalog([*self.catalog.entries, *stored]), context=context
        )
        return sorted(issues, key=Issue.sort_key)

    def run(self) -> list[Proposed]:
        """Propose every definition, in one transaction, if there is no issue at all.

        Raises
        ------
        InputError
            There are issues (:meth:`validate` lists them); nothing was proposed.
        """
        issues = self.validate()
        if issues:
            raise InputError(
                f"{len(issues)} issue(s) in the definitions; nothing was proposed:\n"
                + "\n".join(str(i) for i in issues),
                hint="Fix every issue listed (file:line, then the fix) and run it again.",
            )
        entries = sorted(self.catalog.unique(), key=lambda e: e.name)
        before = {v.name: v for v in self.store.current()}
        versions = self.store.propose_all([e.definition for e in entries], by=self.actor)
        return [
            Proposed(e.name, _outcome(before.get(e.name), v), v, before.get(e.name), e.source.file)
            for e, v in zip(entries, versions, strict=True)
        ]


def install_starter(store: SqlDefinitionStore, *, actor: str) -> list[DefinitionVersion]:
    """Propose the starter pack (``accord init``), owned by the teams named in each file."""
    return store.propose_all([e.definition for e in starter_catalog().unique()], by=actor)


@dataclass(frozen=True, slots=True)
class Signed:
    """What a signature did: the version after it, the team, and the version it retired."""

    version: DefinitionVersion
    team: str
    retired: DefinitionVersion | None


class SignDefinition:
    """A team lead signs a proposed version of a definition for their team.

    Parameters
    ----------
    store
        The workspace's definition store.
    name
        The definition.
    actor
        The signing user: a lead of an owning team (signs for their own team).
    version
        The version to sign; by default the pending proposal. Give it to be sure to sign
        what you read (``accord definitions show NAME`` prints it).
    """

    def __init__(
        self, store: SqlDefinitionStore, name: str, *, actor: str, version: int | None = None
    ) -> None:
        self.store = store
        self.name = name
        self.actor = actor
        self.version = version

    def _target(self) -> DefinitionVersion:
        history = self.store.history(self.name)
        if not history:
            raise NotFound(
                f"No definition called {self.name!r}.", hint="`accord definitions list` shows them."
            )
        if self.version is not None:
            return self.store.version(self.name, self.version)
        pending = [v for v in history if v.status is Status.PROPOSED]
        if pending:
            return pending[-1]
        in_force = next((v for v in history if v.status is Status.IN_FORCE), None)
        now = f"v{in_force.version} is in force" if in_force else "no version is pending"
        raise Conflict(
            f"{self.name} has no proposal to sign ({now}).",
            hint="Propose a change first: `accord definitions propose FILE --as USER`.",
        )

    def validate(self) -> list[Issue]:
        """Check who signs what (there are no definition issues to report: ``[]``).

        Raises
        ------
        NotFound
            No such user, definition or version.
        PermissionDenied
            The user is not a lead of an owning team.
        Conflict
            Nothing to sign, or the version is not proposed.
        """
        user = self.store.state.actor(self.actor)
        target = self._target()
        self._check_signer(user, target)
        if target.status is not Status.PROPOSED:
            raise Conflict(
                f"{self.name} v{target.version} is {target.status.value}; only a proposed "
                "version can be signed.",
                hint=f"accord definitions history {self.name}",
            )
        return []

    def _check_signer(self, user: UserRecord, target: DefinitionVersion) -> None:
        owners = target.definition.owners
        if user.team in owners and user.role == "lead":
            return
        who = "; ".join(f"{t}: {', '.join(self.store.signers(t)) or 'no lead yet'}" for t in owners)
        why = (
            f"{user.name} is in {user.team}, which does not own it"
            if user.team not in owners
            else f"{user.name} is {user.role} in {user.team}, not its lead"
        )
        raise PermissionDenied(
            f"Only a lead of an owning team ({', '.join(owners)}) may sign {self.name}; {why}.",
            hint=f"Who may sign: {who}.",
        )

    def run(self) -> Signed:
        """Sign for the user's team; the version comes into force once every owner signed."""
        self.validate()
        user = self.store.state.user(self.actor)
        target = self._target()
        previous = self.store.in_force(self.name)
        signed = self.store.sign(self.name, version=target.version, team=user.team, by=user.name)
        retired = previous if signed.status is Status.IN_FORCE and previous is not None else None
        return Signed(signed, user.team, retired)


@dataclass(frozen=True, slots=True)
class Exported:
    """One definition written by :class:`ExportDefinitions`."""

    path: Path
    version: DefinitionVersion


class ExportDefinitions:
    """Write the workspace's definitions to a folder, one canonical YAML file each.

    Each definition's current version is written: the pending proposal if there is one,
    else the version in force (with *in_force_only*, only versions in force), so that
    ``apply`` of an unedited export changes nothing. A definition already in the folder
    (under any file name) is rewritten in place; new ones go to ``<kind folder>/<name>.yaml``
    (:data:`KIND_FOLDERS`). Other files are left alone.
    """

    def __init__(
        self, store: SqlDefinitionStore, folder: Path, *, in_force_only: bool = False
    ) -> None:
        self.store = store
        self.folder = folder
        self.in_force_only = in_force_only

    def validate(self) -> list[Issue]:
        """Check the target folder (there are no definition issues: ``[]``).

        Raises
        ------
        InputError
            The target exists and is not a folder.
        """
        if self.folder.exists() and not self.folder.is_dir():
            raise InputError(f"{self.folder} is a file, not a folder.", hint="Give a folder.")
        return []

    def _versions(self) -> list[DefinitionVersion]:
        if not self.in_force_only:
            return self.store.current()
        found = [self.store.in_force(n) for n in self.store.names()]
        return [v for v in found if v is not None]

    def run(self) -> list[Exported]:
        """Write the files; return what was written, by name."""
        self.validate()
        existing: dict[str, Path] = {}
        if self.folder.is_dir():
            for entry in load_folder(self.folder).catalog:
                if entry.source.file is not None:
                    existing.setdefault(entry.name, self.folder / entry.source.file)
        written = []
        for v in self._versions():
            kind_folder = KIND_FOLDERS[v.definition.kind]
            path = existing.get(v.name, self.folder / kind_folder / f"{v.name}.yaml")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump(v.definition), encoding="utf-8")
            written.append(Exported(path, v))
        return written
