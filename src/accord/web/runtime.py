"""What one running server holds: the stores, the upload queue, caches and throttles.

Made when the app starts (FastAPI's lifespan) and closed when it stops; routes reach it
through the dependencies of :mod:`accord.web.deps`.

**Versions without a query per request.** Signed-in callers are keyed on the state
store's change counter (the newest audit-log id); cached results on the counter of the
changes that can change a result (the newest audit-log id whose action is not in
:data:`NEUTRAL_ACTIONS`: a new token, a password or a budget proposal leaves every
analysis as it was).
The runtime reads both at most once per :data:`STATE_POLL_SECONDS`, and again at once
after any write this process commits to the state store (a SQLAlchemy engine listener
bumps :attr:`Runtime.generation`). So a change made through the server (a signature, a
revoked token, a deactivated user) counts from the next request; a change made by
another process (the CLI) within :data:`STATE_POLL_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import and_, case, event, func, select

from accord.data.state import StateStore, UserRecord
from accord.data.state.models import AuditEntry
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.web.cache import REQUEST_NOTE, WARMING, ResultCache
from accord.web.security import LoginThrottle, SessionCodec
from accord.web.settings import WebSettings
from accord.web.uploads import UPLOAD_FOLDER, UploadJobs
from accord.web.warehouse import WarehouseHost

__all__ = ["NEUTRAL_ACTIONS", "NEUTRAL_PREFIXES", "STATE_POLL_SECONDS", "Runtime"]

T = TypeVar("T")

STATE_POLL_SECONDS = 1.0
"""How long the state store's change counter is trusted before it is read again (changes
made by this process are seen at once)."""

NEUTRAL_ACTIONS = ("token.create", "token.revoke", "user.set_password")
"""Audit actions that change who may sign in, never what a cached result shows: they end
cached sign-ins but keep every cached result."""
NEUTRAL_PREFIXES = ("budget_proposal.",)
"""Audit actions (by prefix) on what pages read fresh at every request (budget proposals
and their decisions): they keep every cached result too."""

_READS = ("SELECT", "BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Runtime:
    """The open stores and shared services of a running app."""

    workspace: Workspace
    settings: WebSettings
    state: StateStore
    warehouse: WarehouseHost
    definitions: SqlDefinitionStore
    uploads: UploadJobs
    sessions: SessionCodec
    throttle: LoginThrottle
    cache: ResultCache = field(default_factory=ResultCache)
    generation: int = 0
    """Bumped by every state-store commit of this process that wrote something."""
    on_stale: Callable[[], None] | None = field(default=None, repr=False)
    """Called when a request answered with a stale result (the warm-up wakes up)."""
    warm_keys: set[Hashable] = field(default_factory=set, repr=False)
    """Keys the warm-up thread keeps fresh (served stale while it recomputes them)."""
    credentials: dict[tuple[str, ...], tuple[int, int, float, UserRecord]] = field(
        default_factory=dict, repr=False
    )
    """Recently checked credentials (see :func:`accord.web.deps.get_principal`)."""
    _seen: tuple[int, int, int, float] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        event.listen(self.state.engine, "before_cursor_execute", self._noted_write)
        event.listen(self.state.engine, "commit", self._committed)

    @staticmethod
    def _noted_write(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip()[:9].upper().startswith(_READS):
            conn.info["accord_wrote"] = True

    def _committed(self, conn: Any) -> None:
        if conn.info.pop("accord_wrote", False):
            with self._lock:
                self.generation += 1

    @classmethod
    def open(cls, workspace: Workspace, settings: WebSettings) -> Runtime:
        """Open both stores of *workspace* (the warehouse read-write, for the server's life).

        Raises
        ------
        WarehouseLocked
            Another process holds the DuckDB file.
        MigrationError
            A store needs ``accord upgrade``.
        """
        state = workspace.state()
        try:
            host = WarehouseHost(workspace)
        except BaseException:
            state.close()
            raise
        uploads = UploadJobs(
            host=host,
            state=state,
            folder=workspace.root / UPLOAD_FOLDER,
            timezone=workspace.settings.workspace.timezone,
        )
        return cls(
            workspace=workspace,
            settings=settings,
            state=state,
            warehouse=host,
            definitions=SqlDefinitionStore(state),
            uploads=uploads,
            sessions=SessionCodec(
                settings.secret_key.get_secret_value(), max_age=settings.session_seconds
            ),
            throttle=LoginThrottle.from_settings(settings),
        )

    def _known(self) -> tuple[int, int] | None:
        with self._lock:
            seen, generation = self._seen, self.generation
        if seen is None or seen[2] != generation:
            return None
        if time.monotonic() - seen[3] >= STATE_POLL_SECONDS:
            return None
        return seen[0], seen[1]

    def _versions(self) -> tuple[int, int]:
        """(state change counter, result change counter), read at most once per
        :data:`STATE_POLL_SECONDS` and at once after this process wrote."""
        known = self._known()
        if known is not None:
            return known
        now = time.monotonic()
        with self._lock:
            generation = self.generation
        counted = and_(
            AuditEntry.action.not_in(NEUTRAL_ACTIONS),
            *(AuditEntry.action.not_like(f"{prefix}%") for prefix in NEUTRAL_PREFIXES),
        )
        results = case((counted, AuditEntry.id))
        with self.state.session() as session:
            row = session.execute(select(func.max(AuditEntry.id), func.max(results))).one()
        value = (int(row[0] or 0), int(row[1] or 0))
        with self._lock:
            self._seen = (value[0], value[1], generation, now)
        return value

    def known_state_version(self) -> int | None:
        """:meth:`state_version` if it needs no query now, else ``None``."""
        known = self._known()
        return None if known is None else known[0]

    def state_version(self) -> int:
        """The state store's change counter: the newest audit-log entry's id (read at most
        once per :data:`STATE_POLL_SECONDS`, at once after this process wrote)."""
        return self._versions()[0]

    def results_version(self) -> int:
        """The newest audit-log id of a change that can change a result (any action but
        :data:`NEUTRAL_ACTIONS` and :data:`NEUTRAL_PREFIXES`)."""
        return self._versions()[1]

    def version(self) -> tuple[str, int]:
        """What cached results are keyed on: (data version, result change counter)."""
        return self.warehouse.data_version, self.results_version()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """*compute*'s result, kept until the data or the state store changes.

        A result the warm-up thread keeps fresh (:attr:`warm_keys`) is answered from its
        previous version while the thread recomputes it (the request is noted stale);
        what a request computes after it was answered stale is not kept.
        """
        version = self.version()
        touched = WARMING.get()
        if touched is not None:
            touched.add(key)
            self.warm_keys.add(key)
            return self.cache.get(key, version, compute)
        note = REQUEST_NOTE.get()
        if key in self.warm_keys and self.on_stale is not None:
            found = self.cache.peek(key)
            if found is not None and found[0] != version:
                self.on_stale()
                if note is not None:
                    note.stale = True
                stale: T = found[1]
                return stale
        return self.cache.get(key, version, compute, store=note is None or not note.stale)

    def close(self) -> None:
        """Stop the upload worker, then release both stores."""
        try:
            self.uploads.close()
        finally:
            try:
                self.warehouse.close()
            finally:
                for name, listener in (
                    ("before_cursor_execute", self._noted_write),
                    ("commit", self._committed),
                ):
                    if event.contains(self.state.engine, name, listener):
                        event.remove(self.state.engine, name, listener)
                self.state.close()
