"""The load's connection settings, progress meter and file hash.

A load sets DuckDB's time zone (naive timestamps are read in it), keeps insertion order
(the stage's ``rowid`` is the row's position) and bounds DuckDB's memory, and restores
the caller's settings afterwards. Progress is DuckDB's own query progress, polled from a
background thread while a statement runs.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import duckdb

__all__ = ["LOAD_MEMORY_LIMIT", "Meter", "Progress", "load_session", "sha256_file"]


class Progress(Protocol):
    """Receives progress; called from a background thread while DuckDB works."""

    def __call__(self, *, completed: float, total: float, description: str) -> None: ...


class Meter:
    """Polls DuckDB's query progress and reports it as a share of the whole load."""

    def __init__(self, con: duckdb.DuckDBPyConnection, progress: Progress | None) -> None:
        self._con, self._progress = con, progress

    def report(self, completed: float, description: str) -> None:
        if self._progress is not None:
            self._progress(completed=completed, total=100.0, description=description)

    @contextmanager
    def phase(self, start: float, end: float, description: str) -> Iterator[None]:
        self.report(start, description)
        if self._progress is None:
            yield
            return
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.25):
                try:
                    share = float(self._con.query_progress())
                except Exception:  # no query running, or the connection is busy closing
                    continue
                if share >= 0:
                    self.report(start + (end - start) * min(share, 100.0) / 100.0, description)

        thread = threading.Thread(target=poll, name="accord-load-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
        self.report(end, description)


def sha256_file(path: Path, out: list[str]) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    out.append(digest.hexdigest())


LOAD_MEMORY_LIMIT = "1GB"
"""DuckDB's memory budget during a load; staged rows beyond it spill to its temp folder."""


@contextmanager
def load_session(con: duckdb.DuckDBPyConnection, timezone: str) -> Iterator[None]:
    """Set the load's time zone, insertion order and memory budget; restore them after."""
    saved = con.execute(
        "SELECT current_setting('TimeZone'), current_setting('preserve_insertion_order'), "
        "current_setting('memory_limit')"
    ).fetchone()
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    con.execute(f"SET TimeZone = '{timezone}'")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    try:
        yield
    finally:
        if saved:
            con.execute(f"SET TimeZone = '{saved[0]}'")
            con.execute(f"SET preserve_insertion_order = {str(saved[1]).lower()}")
            con.execute(f"SET memory_limit = '{saved[2]}'")
