"""Accuracy of a clustering or of scored pairs against known true entities.

Pairwise precision, recall and F1 count *pairs of records*: a pair is a true positive
when both records are in one predicted cluster (or linked by a predicted pair) and in
one true entity (Christen, "Data Matching", Springer 2012, section 7.2; Menestrina,
Whang & Garcia-Molina, "Evaluating Entity Resolution Results", PVLDB 3(1), 2010). On a
clustering these are the "cluster-level" figures Splink reports after clustering.

Counting is done with contingency tables, not by listing pairs, so a million records
cost one sort: the pairs inside groups of size k number k(k-1)/2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["Accuracy", "cluster_accuracy", "pair_accuracy"]


@dataclass(frozen=True)
class Accuracy:
    """Pair counts and the scores derived from them."""

    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs that are true (1.0 when nothing is predicted)."""
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs that are predicted (1.0 when there are none)."""
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs_within(labels: pd.Series) -> int:
    sizes = labels.value_counts().to_numpy(dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def cluster_accuracy(predicted: ArrayLike, truth: ArrayLike) -> Accuracy:
    """Pairwise accuracy of a clustering: *predicted* and *truth* label each record.

    Examples
    --------
    >>> a = cluster_accuracy([1, 1, 2, 2], [7, 7, 7, 8])
    >>> a.true_positives, a.predicted_pairs, a.true_pairs
    (1, 2, 3)
    """
    frame = pd.DataFrame({"p": np.asarray(predicted), "t": np.asarray(truth)})
    both = frame["p"].astype(str) + "\x1f" + frame["t"].astype(str)
    return Accuracy(_pairs_within(both), _pairs_within(frame["p"]), _pairs_within(frame["t"]))


def pair_accuracy(left: ArrayLike, right: ArrayLike, truth: ArrayLike) -> Accuracy:
    """Accuracy of predicted pairs (record numbers into *truth*), without closure.

    Examples
    --------
    >>> pair_accuracy([0, 0], [1, 2], [5, 5, 6]).precision
    0.5
    """
    t = np.asarray(truth)
    pairs = pd.DataFrame({"l": np.asarray(left), "r": np.asarray(right)})
    lo, hi = np.minimum(pairs["l"], pairs["r"]), np.maximum(pairs["l"], pairs["r"])
    unique = pd.DataFrame({"l": lo, "r": hi}).drop_duplicates()
    unique = unique[unique["l"] != unique["r"]]
    lo_rows, hi_rows = unique["l"].to_numpy(np.int64), unique["r"].to_numpy(np.int64)
    hits = int((t[lo_rows] == t[hi_rows]).sum())
    return Accuracy(hits, len(unique), _pairs_within(pd.Series(t)))
