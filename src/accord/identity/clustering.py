"""Clusters from scored pairs: connected components of the links above a threshold.

Two records are in one cluster when a chain of links joins them, each link either
deterministic (a shared email, phone or id) or scored by the model at or above the
threshold. Connected components are computed with SciPy's graph routines (Pearce's
iterative algorithm; "An Improved Algorithm for Finding the Strongly Connected
Components of a Directed Graph", 2005), linear in records plus links.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["cluster_links", "strongest_link"]


def cluster_links(
    n_records: int, left: NDArray[np.int64], right: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Cluster label of each record: the smallest record number in its component.

    Parameters
    ----------
    n_records
        Records are numbered ``0 .. n_records - 1``.
    left, right
        The links, as record numbers (same length).

    Examples
    --------
    >>> cluster_links(5, np.array([3, 1]), np.array([4, 0])).tolist()
    [0, 0, 2, 3, 3]
    """
    if n_records == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix(
        (np.ones(len(left), dtype=np.int8), (left, right)), shape=(n_records, n_records)
    )
    _, labels = connected_components(graph, directed=False)
    # relabel each component by its smallest member, so labels do not depend on SciPy
    smallest = np.full(labels.max() + 1, n_records, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n_records, dtype=np.int64))
    result: NDArray[np.int64] = smallest[labels]
    return result


def strongest_link(
    n_records: int,
    left: NDArray[np.int64],
    right: NDArray[np.int64],
    probability: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Highest link probability touching each record (NaN for a record without links).

    Examples
    --------
    >>> strongest_link(3, np.array([0]), np.array([1]), np.array([0.97])).tolist()
    [0.97, 0.97, nan]
    """
    best = np.full(n_records, -np.inf)
    np.maximum.at(best, left, probability)
    np.maximum.at(best, right, probability)
    best[np.isneginf(best)] = np.nan
    return best
