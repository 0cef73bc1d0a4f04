"""Accumulators for the realised side of the planted truths.

Each block adds its counts; ``ground_truth.json`` reports them next to the planted
parameters, so a test can compare an analysis with what really happened in the files
(realised rates) as well as with the parameters they were drawn from (expected rates).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

__all__ = ["Tally"]


class Tally:
    """Named sums: ``add("sla", "Tom Becker", breaches=3, leads=10)``; samples kept for
    quantiles with :meth:`sample`."""

    def __init__(self) -> None:
        self._sums: defaultdict[tuple[str, ...], defaultdict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        self._samples: defaultdict[tuple[str, ...], list[np.ndarray]] = defaultdict(list)
        self.bad_rows: list[dict[str, Any]] = []

    def add(self, *keys: str, **values: float) -> None:
        """Add *values* to the sums under *keys*."""
        slot = self._sums[keys]
        for name, value in values.items():
            slot[name] += float(value)

    def count_by(
        self,
        prefix: tuple[str, ...],
        labels: np.ndarray,
        names: tuple[str, ...],
        field: str,
        weights: np.ndarray | None = None,
    ) -> None:
        """Add counts (or sums of *weights*) of each label value under ``prefix + name``."""
        sums = np.bincount(labels, weights=weights, minlength=len(names))
        for i, name in enumerate(names):
            if sums[i]:
                self.add(*prefix, name, **{field: float(sums[i])})

    def sample(self, *keys: str, values: np.ndarray) -> None:
        """Keep *values* for quantiles under *keys*."""
        if values.size:
            self._samples[keys].append(np.asarray(values, dtype=float))

    def sums(self, *prefix: str) -> dict[str, dict[str, float]]:
        """The sums whose keys start with *prefix*, keyed by the rest joined with '/'."""
        n = len(prefix)
        return {"/".join(k[n:]): dict(v) for k, v in sorted(self._sums.items()) if k[:n] == prefix}

    def samples(self, *keys: str) -> np.ndarray:
        """All values kept under *keys*."""
        parts = self._samples.get(keys)
        return np.concatenate(parts) if parts else np.empty(0)
