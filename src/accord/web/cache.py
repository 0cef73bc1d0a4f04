"""Cache of expensive results (the scorecard, capability pages, table counts),
invalidated by changes, refreshed in the background.

A result is stored with the *version* it was computed at: the warehouse's data version
(:attr:`~accord.web.warehouse.WarehouseHost.data_version`, bumped by every upload) and
the state store's change counter (the newest audit-log id: every definition proposal and
signature writes one, whichever process made it). A lookup at another version computes
again. Concurrent requests for the same missing result wait for one computation instead
of each running it.

**Stale while revalidate.** :meth:`ResultCache.peek` gives the entry whatever its
version, so the runtime (:meth:`accord.web.runtime.Runtime.cached`) can answer with the
previous result of a page the warm-up thread (:mod:`accord.web.warmup`) keeps fresh while
that thread recomputes it, instead of making every user wait. Such an answer is marked
(:class:`RequestNote`: the ``X-Accord-Updating`` header and the page's "updating" note),
and whatever a request derives from a stale result is not stored (``store=False``).

Examples
--------
>>> cache = ResultCache()
>>> calls = []
>>> def compute():
...     calls.append(1)
...     return 42
>>> cache.get("answer", ("v1",), compute), cache.get("answer", ("v1",), compute), len(calls)
(42, 42, 1)
>>> cache.get("answer", ("v2",), compute), len(calls)
(42, 2)
>>> cache.peek("answer")
(('v2',), 42)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["REQUEST_NOTE", "WARMING", "RequestNote", "ResultCache"]

T = TypeVar("T")


@dataclass
class RequestNote:
    """What one request learnt while it ran (set by :class:`~accord.web.middleware.
    Timing`, shared with the worker threads that run the route).

    Attributes
    ----------
    stale
        The answer uses a previous result while a fresh one is being computed.
    """

    stale: bool = False


REQUEST_NOTE: ContextVar[RequestNote | None] = ContextVar("accord_request_note", default=None)
"""The current request's note (``None`` outside a request: the warm-up thread, tests)."""

WARMING: ContextVar[set[Hashable] | None] = ContextVar("accord_warming", default=None)
"""In the warm-up thread, the keys its current task used (else ``None``): such results
are computed at the current version, never served stale, and their keys remembered as
kept fresh in the background."""


class ResultCache:
    """Results by key, each valid for one version; least recently used dropped first.

    Parameters
    ----------
    max_entries
        How many results to keep.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def _lookup(self, key: Hashable, version: Hashable) -> tuple[bool, Any]:
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == version:
                self._entries.move_to_end(key)
                self.hits += 1
                return True, found[1]
            return False, None

    def peek(self, key: Hashable) -> tuple[Hashable, Any] | None:
        """``(version, result)`` stored for *key*, whatever the version (``None``: none)."""
        with self._lock:
            return self._entries.get(key)

    def busy(self, key: Hashable) -> bool:
        """Whether *key* is being computed right now."""
        with self._lock:
            lock = self._locks.get(key)
        return lock is not None and lock.locked()

    def get(
        self, key: Hashable, version: Hashable, compute: Callable[[], T], *, store: bool = True
    ) -> T:
        """The result for *key* at *version*, computed (once) if not cached.

        With ``store=False`` a missing result is computed and returned but not kept (it
        was derived from a stale result).
        """
        hit, value = self._lookup(key, version)
        if hit:
            result: T = value
            return result
        if not store:
            return compute()
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            hit, value = self._lookup(key, version)
            if hit:
                result = value
                return result
            computed = compute()
            with self._lock:
                self.misses += 1
                self._entries[key] = (version, computed)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    old, _ = self._entries.popitem(last=False)
                    self._locks.pop(old, None)
            return computed

    def restore(self, key: Hashable, value: Any, version: Hashable) -> None:
        """Keep *value* for *key* at *version* unless *key* has a result already (a
        previous result put back after a restart: only ever served as stale)."""
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (version, value)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
