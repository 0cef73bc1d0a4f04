"""The served workspace: a :class:`~accord.data.workspace.Workspace` whose warehouse is the
server's own connection.

Workspace services (``accord.workflows``) open the warehouse themselves
(``workspace.warehouse(read_only=True)``), which suits the CLI. Inside the server that
would open the DuckDB file a second time, with another configuration, while the server
holds it read-write (DuckDB refuses that in one process). :class:`ServedWorkspace` hands
them the request's reader instead, so the same services run unchanged in the web app.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace

__all__ = ["ServedWorkspace", "served"]


@dataclass(frozen=True)
class ServedWorkspace(Workspace):
    """*settings* of the workspace, and the warehouse the server lent this request."""

    reader: Warehouse | None = field(default=None, repr=False, compare=False)

    @contextmanager
    def warehouse(self, read_only: bool = False, *, check: bool = True) -> Iterator[Warehouse]:
        """The lent warehouse (not closed on exit: the server owns it)."""
        if self.reader is None:  # pragma: no cover - served() always lends one
            with super().warehouse(read_only=read_only, check=check) as wh:
                yield wh
            return
        yield self.reader


def served(workspace: Workspace, reader: Warehouse) -> ServedWorkspace:
    """*workspace* with *reader* as its warehouse."""
    return ServedWorkspace(settings=workspace.settings, reader=reader)
