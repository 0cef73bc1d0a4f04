"""What a resolution returns: a cluster per record, the links, and how they were made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from accord.identity.blocking import BlockingPlan
from accord.identity.columns import ColumnMap

__all__ = ["Resolution"]


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving records into entities.

    Attributes
    ----------
    records
        One row per input record, in input order: ``__row`` (0..n-1 across all
        inputs), ``__source`` (input number), ``cluster`` (the ``__row`` of the
        cluster's first record), ``match_probability`` (the strongest accepted link
        touching the record: 1.0 for a deterministic link, NaN for a record alone in
        its cluster) and ``rule`` (what decided that link: ``"email"``, ``"phone"``,
        ``"national_id"`` or ``"model"``; ``None`` when alone).
    links
        Every link found: ``left``, ``right`` (``__row`` numbers, ``left < right``),
        ``match_probability``, ``rule`` and ``conflict`` (the two records are two
        people, see :mod:`accord.identity.conflicts`; never accepted). Model links
        below the threshold are kept down to the model's floor: with the conflicting
        ones, they are the candidates for review.
    columns
        What each input column was recognised as.
    threshold
        Links at or above this probability joined clusters.
    blocking
        The blocking rules used and their pair counts.
    comparisons
        The comparisons of the model.
    model
        The trained Splink settings (m and u per level, the prior), for audit.
    model_status
        ``"trained"``, or why only deterministic links were used (``"skipped: fewer
        than 10 records"``, ``"failed: ..."`` on degenerate data).
    """

    records: pd.DataFrame
    links: pd.DataFrame
    columns: ColumnMap
    threshold: float
    blocking: BlockingPlan
    comparisons: tuple[str, ...]
    model: dict[str, Any] = field(repr=False)
    model_status: str = "trained"

    @property
    def n_records(self) -> int:
        """Number of input records."""
        return len(self.records)

    @property
    def n_clusters(self) -> int:
        """Number of entities found."""
        return int(self.records["cluster"].nunique())

    def uncertain_links(self, low: float = 0.5, high: float | None = None) -> pd.DataFrame:
        """Model links with ``low <= match_probability < high`` (default high: threshold),
        and conflicting links above it.

        These are the pairs a person should confirm or reject.
        """
        upper = self.threshold if high is None else high
        p = self.links["match_probability"]
        band = (p >= low) & ((p < upper) | self.links["conflict"])
        chosen = self.links[(self.links["rule"] == "model") & band]
        return chosen.reset_index(drop=True)
