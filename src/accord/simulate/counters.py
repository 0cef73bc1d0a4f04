"""Running record numbers, one sequence per kind of record.

Blocks are generated in order and each takes the next numbers of every sequence, so a
record's number (and therefore its id) does not depend on how many accounts come after
it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

__all__ = ["Counters"]


class Counters:
    """Hands out consecutive integers per kind (``"person"``, ``"sf_lead"``, ...)."""

    def __init__(self) -> None:
        self._next: defaultdict[str, int] = defaultdict(int)

    def take(self, kind: str, n: int) -> np.ndarray:
        """The next *n* numbers of *kind*."""
        first = self._next[kind]
        self._next[kind] = first + n
        return np.arange(first, first + n, dtype=np.int64)

    def peek(self, kind: str) -> int:
        """The next number of *kind*, without taking it."""
        return self._next[kind]
