"""The warm-up thread: computes the default view of every capability page at server
start and again after every change, so that people find results ready.

Each task calls the same function its route calls (with the default filters), through
:meth:`~accord.web.runtime.Runtime.cached`, in *warming* mode (:data:`~accord.web.cache.
WARMING`): the results are stored at the current version and their keys become
:attr:`~accord.web.runtime.Runtime.warm_keys`. From then on, when the data or the
definitions change, a request for such a result gets the previous one at once, marked
"updating" (stale while revalidate), and wakes this thread, which recomputes it; the next
requests get the new figures. The thread also looks for changes every
:data:`POLL_SECONDS` by itself (a signature from the CLI, an upload).

After each pass the objects alive are frozen (:func:`gc.freeze`), so that the garbage
collector's full collections no longer walk the cached results.

A task that fails gives its keys up: requests compute them again themselves (and show
the error) instead of being served an old result for ever.

With a *snapshot* file (:mod:`accord.web.snapshot`; ``accord serve`` keeps one in the
workspace) each completed pass is also written to disk, and a restarted server puts those
results back as previous ones: from its first request people get the last figures,
marked "updating", instead of waiting minutes for a large workspace's first computation.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

from accord.data.warehouse import Warehouse
from accord.errors import AccordError
from accord.web import snapshot
from accord.web.cache import WARMING
from accord.web.runtime import Runtime

__all__ = ["DEFAULT_TASKS", "MAX_USERS", "POLL_SECONDS", "Task", "Warmup"]

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
"""How often the thread looks for a change when nobody woke it."""

Task = tuple[str, Callable[[Runtime, Warehouse], Any]]
"""A name and what to compute (results go through ``runtime.cached``)."""


def _scorecard(runtime: Runtime, warehouse: Warehouse) -> Any:
    from accord.web.routes.scorecard import current_scorecard

    return current_scorecard(runtime, warehouse)


MAX_USERS = 50
"""The funnel's per-user view (a rep's own breaches first) is warmed for at most this many
active users (the others compute theirs at their first visit)."""


def _funnel(runtime: Runtime, warehouse: Warehouse) -> Any:
    from accord.web.filters import newest_day
    from accord.web.routes.funnel import current, current_for
    from accord.web.services.funnel import FunnelArgs

    newest_day(runtime, warehouse)
    view = current(runtime, warehouse, FunnelArgs())
    for user in runtime.state.users()[:MAX_USERS]:
        current_for(runtime, warehouse, user, FunnelArgs())
    return view


def _credit(runtime: Runtime, warehouse: Warehouse) -> Any:
    from accord.web.routes.credit import current
    from accord.web.services.credit import CreditArgs

    return current(runtime, warehouse, CreditArgs())


def _economics(runtime: Runtime, warehouse: Warehouse) -> Any:
    from accord.web.routes.economics import current, fit
    from accord.web.services.economics import EconomicsArgs

    fit(runtime, warehouse)
    return current(runtime, warehouse, EconomicsArgs())


def _data(runtime: Runtime, warehouse: Warehouse) -> Any:
    from accord.web.services import data as service

    runtime.cached("tables", lambda: service.table_counts(warehouse))
    return runtime.cached("quarantine-counts", lambda: service.quarantine_counts(warehouse))


DEFAULT_TASKS: tuple[Task, ...] = (
    ("scorecard", _scorecard),
    ("data", _data),
    ("credit", _credit),
    ("economics", _economics),
    ("funnel", _funnel),
)
"""The default views of the Scorecard, Data, Credit, Economics and Funnel & SLA pages (the
latter per user too)."""


class Warmup:
    """A daemon thread running *tasks* whenever the runtime's version changes.

    Parameters
    ----------
    runtime
        The server's runtime (its :attr:`~Runtime.on_stale` is pointed at :meth:`wake`).
    tasks
        What to keep warm (default: :data:`DEFAULT_TASKS`).
    poll_seconds
        How often to look for a change unprompted.
    snapshot_path
        Keep each pass's results in this file and start from it (``None``: in memory
        only).
    """

    RESTORED = ("restored",)
    """The version restored results are kept at (never a current one: always stale)."""

    def __init__(
        self,
        runtime: Runtime,
        tasks: Sequence[Task] = DEFAULT_TASKS,
        *,
        poll_seconds: float = POLL_SECONDS,
        snapshot_path: Path | None = None,
    ) -> None:
        self.runtime = runtime
        self.tasks = tuple(tasks)
        self.poll_seconds = poll_seconds
        self.snapshot_path = snapshot_path
        self.restored = 0
        """How many results the start put back from the snapshot."""
        self.warmed: Hashable | None = None
        """The version of the last completed pass."""
        self.passes = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread = threading.Thread(target=self._run, name="accord-warmup", daemon=True)

    def start(self) -> None:
        """Put back the snapshot's results (as previous ones), then start the thread (it
        warms everything at once) and take stale requests' calls."""
        if self.snapshot_path is not None:
            self._restore(self.snapshot_path)
        self.runtime.on_stale = self.wake
        self._wake.set()
        self._thread.start()

    def _workspace(self) -> str:
        return str(self.runtime.workspace.root.resolve())

    def _restore(self, path: Path) -> None:
        entries = snapshot.load(path, workspace=self._workspace())
        for key, value in entries.items():
            self.runtime.cache.restore(key, value, self.RESTORED)
            self.runtime.warm_keys.add(key)
        self.restored = len(entries)
        if entries:
            log.info("warm-up: %d previous results restored from %s", len(entries), path)

    def _save(self, path: Path, version: Hashable) -> None:
        entries = {}
        for key in list(self.runtime.warm_keys):
            found = self.runtime.cache.peek(key)
            if found is not None and found[0] == version:
                entries[key] = found[1]
        try:
            saved = snapshot.save(path, entries, workspace=self._workspace())
        except OSError as exc:  # a full or read-only disk: warm results stay in memory
            log.warning("warm-up: results not written to %s (%s)", path, exc)
        else:
            log.info("warm-up: %d results written to %s", saved, path)

    def wake(self) -> None:
        """Look for a change now."""
        self._wake.set()

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until a pass at the current version has completed (tests); whether it
        did within *timeout* seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.warmed == self.runtime.version() and self._idle.is_set():
                return True
            self.wake()
            time.sleep(0.05)
        return False

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread (a running query is interrupted)."""
        self.runtime.on_stale = None
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self.runtime.warehouse.interrupt()
            self._thread.join(timeout)

    def _run(self) -> None:
        WARMING.set(set())
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                version = self.runtime.version()
            except Exception:  # the store is gone (shutting down)
                log.exception("warm-up: cannot read the version")
                continue
            if version == self.warmed:
                self._idle.set()
                continue
            self._idle.clear()
            self._pass(version)
            self._idle.set()

    def _pass(self, version: Hashable) -> None:
        with self.runtime.warehouse.reader() as warehouse:
            for name, task in self.tasks:
                if self._stop.is_set():
                    return
                touched: set[Hashable] = set()
                WARMING.set(touched)
                started = time.perf_counter()
                try:
                    task(self.runtime, warehouse)
                except AccordError as exc:  # nothing to show yet (no data, no definition)
                    log.info("warm-up of %s: %s; requests will compute it", name, exc.message)
                    self.runtime.warm_keys.difference_update(touched)
                except Exception:
                    if self._stop.is_set():
                        return
                    log.exception("warm-up of %s failed; requests will compute it", name)
                    self.runtime.warm_keys.difference_update(touched)
                else:
                    log.info("warmed %s in %.1f s", name, time.perf_counter() - started)
        self.warmed = version
        self.passes += 1
        if self.snapshot_path is not None and not self._stop.is_set():
            self._save(self.snapshot_path, version)
        # The results are millions of small objects (table rows) that live until the next
        # change: move them out of the garbage collector's generations, or each full
        # collection walks them all and stalls every request for seconds (at 100,000
        # accounts). Reference counting still frees them when they are replaced.
        gc.freeze()
