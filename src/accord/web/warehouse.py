"""The server owns the warehouse: one read-write DuckDB connection for its whole life.

DuckDB lets one process write a file. The server opens it read-write at start and keeps
it, so uploads made through the web app and loads from the CLI can never collide: while
the server runs, ``accord load`` is refused with a message that names the server and
says to upload through it (:class:`~accord.errors.WarehouseLocked`).

- **Readers** borrow a cursor of that connection, wrapped in an Ibis backend, for the
  length of a request (a pool: one per concurrent request at most); DuckDB runs them
  concurrently and each query sees the last committed state.
- **The writer** is the connection itself, behind a lock: one load at a time, in its own
  transaction, while readers keep reading the state before it.
- :attr:`WarehouseHost.data_version` changes after every write; caches key on it.

Other Ibis backends have no cursors: every use is serialised on the one connection.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import ibis

from accord.data.catalog import recent_loads
from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace

__all__ = ["WarehouseHost"]


class WarehouseHost:
    """The server's connection to the warehouse, shared by readers and one writer.

    Parameters
    ----------
    workspace
        Its warehouse is opened read-write (schema version checked) at once.

    Raises
    ------
    WarehouseLocked
        Another process (a CLI load, another server) holds the DuckDB file.
    MigrationError
        The warehouse needs ``accord upgrade``.
    """

    def __init__(self, workspace: Workspace) -> None:
        self._stack = ExitStack()
        self._warehouse: Warehouse = self._stack.enter_context(workspace.warehouse())
        self._write_lock = threading.Lock()
        self._shared_lock = threading.RLock()
        self._idle: list[Warehouse] = []
        self._cursors: list[Any] = []
        self._cursors_lock = threading.Lock()
        self._version_lock = threading.Lock()
        latest = recent_loads(self._warehouse, limit=1) if self._warehouse.is_duckdb else []
        self._last_load = latest[0].load_id if latest else ""
        self._writes = 0

    @property
    def url(self) -> str:
        """The warehouse URL."""
        return self._warehouse.url

    @property
    def is_duckdb(self) -> bool:
        """Whether the warehouse is DuckDB (uploads need it)."""
        return self._warehouse.is_duckdb

    @property
    def data_version(self) -> str:
        """Changes whenever the server wrote to the warehouse (the last load id + writes)."""
        with self._version_lock:
            return f"{self._last_load}/{self._writes}"

    @contextmanager
    def reader(self) -> Iterator[Warehouse]:
        """A warehouse to read from, used by the caller alone until the block ends."""
        if not self._warehouse.is_duckdb:
            with self._shared_lock:
                yield self._warehouse
            return
        with self._cursors_lock:
            reader = self._idle.pop() if self._idle else None
        if reader is None:
            cursor = self._warehouse.duckdb.cursor()
            reader = Warehouse(
                url=self._warehouse.url,
                backend=ibis.duckdb.from_connection(cursor),
                read_only=True,
            )
            with self._cursors_lock:
                self._cursors.append(cursor)
        try:
            yield reader
        finally:
            with self._cursors_lock:
                self._idle.append(reader)

    @contextmanager
    def writer(self) -> Iterator[Warehouse]:
        """The read-write warehouse, one writer at a time; bumps :attr:`data_version`."""
        with self._write_lock, self._shared_lock:
            try:
                yield self._warehouse
            finally:
                latest = recent_loads(self._warehouse, limit=1) if self.is_duckdb else []
                with self._version_lock:
                    self._writes += 1
                    self._last_load = latest[0].load_id if latest else self._last_load

    def interrupt(self) -> None:
        """Interrupt the queries running on every reader (at shutdown)."""
        with self._cursors_lock:
            cursors = list(self._cursors)
        for cursor in cursors:
            with contextlib.suppress(Exception):
                cursor.interrupt()

    def close(self) -> None:
        """Close every cursor and the connection (releases the DuckDB file)."""
        with self._cursors_lock:
            for cursor in self._cursors:
                with contextlib.suppress(Exception):  # closed with the connection already
                    cursor.close()
            self._cursors.clear()
            self._idle.clear()
        self._stack.close()
