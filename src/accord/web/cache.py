"""Cache of expensive results (the scorecard, table counts), invalidated by changes.

A result is stored with the *version* it was computed at: the warehouse's data version
(:attr:`~accord.web.warehouse.WarehouseHost.data_version`, bumped by every upload) and
the state store's change counter (the newest audit-log id: every definition proposal and
signature writes one, whichever process made it). A lookup at another version computes
again. Concurrent requests for the same missing result wait for one computation instead
of each running it.

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
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["ResultCache"]

T = TypeVar("T")


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

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        """The result for *key* at *version*, computed (once) if not cached."""
        hit, value = self._lookup(key, version)
        if hit:
            result: T = value
            return result
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

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
