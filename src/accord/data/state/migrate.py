"""Schema versions of the state store: Alembic, run from code.

The revisions live inside the package (``migrations/versions``), so an installed Accord
can always upgrade a store it finds. :func:`check_schema` compares a store's revision
with the revisions this Accord ships and raises :class:`~accord.errors.MigrationError`
with the fix: ``accord upgrade`` for an older store, upgrading Accord for a newer one.

Examples
--------
>>> from sqlalchemy import create_engine
>>> engine = create_engine("sqlite://")
>>> with engine.begin() as conn:
...     steps = upgrade(conn)
>>> [s.split(":")[0] for s in steps][:2]
['0001_teams_users', '0002_audit_log']
>>> steps[-1].split(":")[0] == head_revision()
True
>>> with engine.connect() as conn:
...     current_revision(conn) == head_revision()
True
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, inspect

from accord.errors import MigrationError

__all__ = [
    "VERSION_TABLE",
    "check_schema",
    "current_revision",
    "downgrade",
    "head_revision",
    "known_revisions",
    "upgrade",
]

VERSION_TABLE = "accord_alembic_version"
"""Where the store's revision is kept (not ``alembic_version``, so a PostgreSQL database
shared with another Alembic-managed application does not clash)."""

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def _step(script: Script) -> str:
    doc = (script.doc or "").strip().splitlines()
    title = doc[0].rstrip(".") if doc else "no description"
    return f"{script.revision}: {title}"


def known_revisions() -> list[str]:
    """Every revision this Accord ships, oldest first."""
    return [s.revision for s in reversed(list(_scripts().walk_revisions()))]


def head_revision() -> str:
    """The newest revision this Accord ships."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision of the store behind *connection* (``None`` if never migrated)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def _check_known(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        from accord import __version__

        raise MigrationError(
            f"The state store is at schema revision {revision!r}, which this Accord "
            f"({__version__}, newest revision {head_revision()!r}) does not know: "
            "it was written by a newer version of Accord.",
            hint="Install the Accord version that wrote it (or newer): pip install -U accord. "
            "Do not downgrade the store by hand.",
        )


def check_schema(connection: Connection) -> None:
    """Raise :class:`MigrationError` unless the store is exactly at the head revision."""
    revision = current_revision(connection)
    _check_known(revision)
    if revision == head_revision():
        return
    if revision is None:
        tables = set(inspect(connection).get_table_names())
        what = "has no Accord tables" if not tables else "was not created by Accord"
        raise MigrationError(
            f"The state store {what} (no schema revision found).",
            hint="Create a workspace with `accord init DIR`, or run `accord upgrade` to "
            "create the tables in this database.",
        )
    pending = len(_pending(revision))
    raise MigrationError(
        f"The state store is at schema revision {revision!r}; this Accord needs "
        f"{head_revision()!r} ({pending} step(s) behind).",
        hint="Run `accord upgrade` (it keeps every user and definition).",
    )


def _pending(revision: str | None) -> list[Script]:
    return list(reversed(list(_scripts().iterate_revisions("heads", revision or "base"))))


def upgrade(connection: Connection, target: str = "head") -> list[str]:
    """Migrate the store to *target*; return the steps applied (empty when current).

    Run inside a transaction: on PostgreSQL (and on SQLite through the store's engine)
    the whole upgrade is atomic.

    Raises
    ------
    MigrationError
        When the store is at a revision this Accord does not know (written by a newer one).
    """
    revision = current_revision(connection)
    _check_known(revision)
    steps = [s for s in _pending(revision) if target == "head" or _is_at_or_before(s, target)]
    if steps:
        command.upgrade(_config(connection), target)
    return [_step(s) for s in steps]


def _is_at_or_before(script: Script, target: str) -> bool:
    order = known_revisions()
    return order.index(script.revision) <= order.index(target)


def downgrade(connection: Connection, target: str) -> list[str]:
    """Migrate the store down to *target* (``"base"`` empties it); return the steps undone.

    For tests and for developers writing revisions; users never need it.
    """
    revision = current_revision(connection)
    _check_known(revision)
    if revision is None:
        return []
    stop = "base" if target == "base" else target
    undone = list(_scripts().iterate_revisions(revision, stop))
    undone = [s for s in undone if s.revision != target]
    if undone:
        command.downgrade(_config(connection), target)
    return [_step(s) for s in undone]
