"""What one running server holds: the stores, the upload queue, caches and throttles.

Made when the app starts (FastAPI's lifespan) and closed when it stops; routes reach it
through the dependencies of :mod:`accord.web.deps`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func, select

from accord.data.state import StateStore
from accord.data.state.models import AuditEntry
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.web.cache import ResultCache
from accord.web.security import LoginThrottle, SessionCodec
from accord.web.settings import WebSettings
from accord.web.uploads import UPLOAD_FOLDER, UploadJobs
from accord.web.warehouse import WarehouseHost

__all__ = ["Runtime"]

T = TypeVar("T")


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

    def state_version(self) -> int:
        """The state store's change counter: the newest audit-log entry's id."""
        with self.state.session() as session:
            return int(session.scalar(select(func.max(AuditEntry.id))) or 0)

    def version(self) -> tuple[str, int]:
        """What cached results are keyed on: (data version, state change counter)."""
        return self.warehouse.data_version, self.state_version()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """*compute*'s result, kept until the data or the state store changes."""
        return self.cache.get(key, self.version(), compute)

    def close(self) -> None:
        """Stop the upload worker, then release both stores."""
        try:
            self.uploads.close()
        finally:
            try:
                self.warehouse.close()
            finally:
                self.state.close()
