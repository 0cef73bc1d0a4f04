"""A workspace: ``accord.toml`` plus its two stores, the warehouse and the state store.

::

    my-workspace/
      accord.toml            settings (store URLs, time zone, currency)
      warehouse.duckdb       customer data (default; any Ibis backend URL instead)
      state.sqlite           users, definitions, signatures, audit log (default; or PostgreSQL)

:meth:`Workspace.init` creates both stores and writes ``accord.toml`` *last*, so a failed
init leaves no half-made workspace behind; :meth:`Workspace.open` finds and reads one;
:meth:`Workspace.upgrade` brings both stores' schemas to this Accord's version.

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp()) / "acme"
>>> ws = Workspace.init(root, timezone="Europe/Berlin")
>>> ws.settings.workspace.name, ws.settings.workspace.timezone
('acme', 'Europe/Berlin')
>>> with ws.state() as store:
...     [t.name for t in store.teams()]
['finance', 'marketing', 'product', 'sales', 'service']
>>> Workspace.open(root).upgrade()
[]
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from accord.data import catalog
from accord.data.state import DEFAULT_TEAMS, StateStore
from accord.data.warehouse import Warehouse, open_warehouse
from accord.errors import Conflict, InputError, MigrationError
from accord.settings import (
    CONFIG_FILE,
    Settings,
    StateSettings,
    WarehouseSettings,
    WorkspaceInfo,
    find_workspace_root,
    load_settings,
    write_settings,
)

__all__ = ["Workspace"]

INIT_ACTOR = "system:init"


def _local_file(url: str) -> Path | None:
    """The file behind a resolved ``duckdb:///`` or ``sqlite:///`` URL, if any."""
    for scheme in ("duckdb:///", "sqlite:///"):
        if url.startswith(scheme):
            path = url[len(scheme) :]
            return None if path in ("", ":memory:") else Path(path)
    return None


def _companions(path: Path) -> list[Path]:
    """A database file and the side files its engine may write next to it."""
    return [path, *(path.with_name(path.name + s) for s in (".wal", "-journal", "-wal", "-shm"))]


@dataclass(frozen=True)
class Workspace:
    """An Accord workspace on disk.

    Attributes
    ----------
    settings
        ``accord.toml``, validated; store URLs come from
        :meth:`~accord.settings.Settings.resolved_warehouse_url` and
        :meth:`~accord.settings.Settings.resolved_state_url`.
    """

    settings: Settings

    @property
    def root(self) -> Path:
        """The workspace folder."""
        return self.settings.root

    # ------------------------------------------------------------ create / open
    @classmethod
    def init(
        cls,
        root: Path,
        *,
        warehouse_url: str | None = None,
        state_url: str | None = None,
        timezone: str = "UTC",
        name: str | None = None,
        populate: Callable[[StateStore], object] | None = None,
    ) -> Workspace:
        """Create a workspace in *root* (created if missing) with both stores.

        Parameters
        ----------
        root
            The folder. It may hold other files, but not an Accord workspace or files the
            new workspace would overwrite.
        warehouse_url, state_url
            Store URLs; relative file paths are inside *root*. Default: a DuckDB file and a
            SQLite file in *root*.
        timezone
            IANA zone in which naive timestamps and SLA clocks are read.
        name
            Display name (default: the folder name).
        populate
            Called with the new state store once its teams exist, before the workspace is
            complete (``accord init`` proposes the starter definitions here): if it
            fails, no workspace is left behind.

        Raises
        ------
        Conflict
            *root* is already a workspace, or a store file exists there.
        InputError
            An invalid time zone or name.
        """
        root = root.expanduser().resolve()
        if (root / CONFIG_FILE).exists():
            raise Conflict(
                f"{root} is already an Accord workspace.",
                hint="Use it (`--workspace DIR`), run `accord upgrade` there, or choose an "
                "empty folder.",
            )
        settings = _settings(root, warehouse_url, state_url, timezone, name)
        files = [
            f
            for url in (settings.resolved_warehouse_url(), settings.resolved_state_url())
            if (f := _local_file(url)) is not None
        ]
        for f in files:
            if f.exists():
                raise Conflict(
                    f"{f} exists and would be overwritten by a new workspace.",
                    hint="Move it away, or choose an empty folder.",
                )
        made_root = not root.exists()
        try:
            root.mkdir(parents=True, exist_ok=True)
            workspace = cls(settings)
            with workspace.warehouse(check=False) as wh:
                catalog.ensure_warehouse_schema(wh)
            with StateStore.connect(settings.resolved_state_url()) as store:
                store.upgrade()
                existing = {t.name for t in store.teams()}
                for team in DEFAULT_TEAMS:
                    if team not in existing:
                        store.add_team(team, actor=INIT_ACTOR)
                if populate is not None:
                    populate(store)
            write_settings(settings)
        except BaseException:
            _remove([p for f in files for p in _companions(f)], root if made_root else None)
            raise
        return workspace

    @classmethod
    def open(cls, root: Path | None = None) -> Workspace:
        """Open the workspace in *root*, else ``ACCORD_WORKSPACE``, else the current folder.

        Raises
        ------
        WorkspaceNotFound
            No ``accord.toml`` there (the hint says how to make one).
        ConfigError
            ``accord.toml`` is malformed.
        """
        return cls(load_settings(find_workspace_root(root)))

    # ------------------------------------------------------------ stores
    @contextmanager
    def warehouse(self, read_only: bool = False, *, check: bool = True) -> Iterator[Warehouse]:
        """The open warehouse, closed on exit.

        DuckDB allows one writing process per file: keep the block short, and open
        read-only when only reading (several readers may share the file).

        Parameters
        ----------
        read_only
            Open without write access (shares the file with other readers).
        check
            Refuse a warehouse whose schema version is not this Accord's (``status`` and
            ``upgrade`` look at it without this check).

        Raises
        ------
        WarehouseLocked
            Another process holds the DuckDB file; the message names it.
        MigrationError
            The warehouse needs ``accord upgrade``, or was written by a newer Accord.
        """
        wh = open_warehouse(self.settings.resolved_warehouse_url(), read_only=read_only)
        try:
            if check:
                _check_warehouse(wh)
            yield wh
        finally:
            wh.close()

    def state(self) -> StateStore:
        """The state store, checked to be at this Accord's schema revision.

        Raises
        ------
        MigrationError
            Run ``accord upgrade`` (older store) or upgrade Accord (newer store).
        """
        return StateStore.open(self.settings.resolved_state_url())

    def upgrade(self) -> list[str]:
        """Bring both stores to this Accord's schema; return the steps applied.

        Each store upgrades in its own transaction; running it again is a no-op.
        """
        with StateStore.connect(self.settings.resolved_state_url()) as store:
            steps = [f"state {s}" for s in store.upgrade()]
        with self.warehouse(check=False) as wh:
            steps += [f"warehouse {s}" for s in catalog.upgrade_warehouse(wh)]
        return steps


def _settings(
    root: Path, warehouse_url: str | None, state_url: str | None, timezone: str, name: str | None
) -> Settings:
    try:
        return Settings(
            root=root,
            workspace=WorkspaceInfo(name=name or root.name, timezone=timezone),
            warehouse=WarehouseSettings(url=warehouse_url)
            if warehouse_url
            else WarehouseSettings(),
            state=StateSettings(url=state_url) if state_url else StateSettings(),
        )
    except ValidationError as exc:
        problems = "; ".join(str(err["msg"]).removeprefix("Value error, ") for err in exc.errors())
        raise InputError(f"Invalid workspace settings: {problems}") from exc


def _check_warehouse(wh: Warehouse) -> None:
    if not wh.is_duckdb:  # the catalog keeps its version in DuckDB only, for now
        return
    version = catalog.warehouse_schema_version(wh)
    if version == catalog.SCHEMA_VERSION:
        return
    if version is not None and version > catalog.SCHEMA_VERSION:
        raise MigrationError(
            f"The warehouse {wh.url} has schema version {version}, newer than this Accord "
            f"understands ({catalog.SCHEMA_VERSION}).",
            hint="Install the Accord version that wrote it (or newer): pip install -U accord.",
        )
    raise MigrationError(
        f"The warehouse {wh.url} has schema version {version or 'none'}; this Accord uses "
        f"{catalog.SCHEMA_VERSION}.",
        hint="Run `accord upgrade` (it keeps every row).",
    )


def _remove(files: list[Path], root: Path | None) -> None:
    for f in files:
        f.unlink(missing_ok=True)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)
