"""Stable ids and manual overrides for clusters of records.

Clusters found by a run are labelled with arbitrary integers. :func:`apply_overrides`
applies people's decisions (merge, split, keep apart) in the order they were made, and
:func:`assign_stable_ids` names the clusters so that ids survive re-runs: a cluster
keeps the prior id held by most of its records (each prior id goes to one cluster:
the one holding most of its records, ties to the smaller id), and clusters with no
prior id get new ids above the largest ever given, in the order of their first record.

Examples
--------
>>> keys = np.array(["a", "b", "c", "d"])
>>> assign_stable_ids(keys, np.array([0, 0, 2, 3]), {"a": "P00000007", "c": "P00000002"}, "P")
['P00000007', 'P00000007', 'P00000002', 'P00000008']
>>> apply_overrides(keys, np.array([0, 0, 2, 3]), [("split", ("b",)), ("merge", ("c", "d"))])
(array([0, 4, 2, 2]), {'b': 0, 'c': 1, 'd': 1})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["ID_DIGITS", "apply_overrides", "assign_stable_ids"]

ID_DIGITS = 8
"""Digits of the number in an id (``P00000001``)."""


def _number(value: str, prefix: str) -> int:
    tail = value[len(prefix) :]
    return int(tail) if value.startswith(prefix) and tail.isdigit() else 0


def assign_stable_ids(
    keys: np.ndarray, labels: np.ndarray, prior: Mapping[str, str], prefix: str
) -> list[str]:
    """An id per record: prior ids kept, new clusters numbered above the largest.

    Parameters
    ----------
    keys
        Record keys, one per record.
    labels
        Cluster label per record (any integers).
    prior
        Record key -> id from the previous run (records it did not see are absent).
    prefix
        Prefix of new ids (``P`` for people, ``A`` for accounts).
    """
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        members.setdefault(int(label), []).append(i)
    candidates: list[tuple[int, str, str, int]] = []
    for label, rows in members.items():
        counts = Counter(prior[str(keys[i])] for i in rows if str(keys[i]) in prior)
        first = min(str(keys[i]) for i in rows)
        candidates += [(-c, pid, first, label) for pid, c in counts.items()]
    named: dict[int, str] = {}
    used: set[str] = set()
    for _, pid, _, label in sorted(candidates):
        if label not in named and pid not in used:
            named[label] = pid
            used.add(pid)
    top = max((_number(v, prefix) for v in prior.values()), default=0)
    fresh = sorted(
        (min(str(keys[i]) for i in rows), label)
        for label, rows in members.items()
        if label not in named
    )
    for offset, (_, label) in enumerate(fresh, start=1):
        named[label] = f"{prefix}{top + offset:0{ID_DIGITS}d}"
    return [named[int(label)] for label in labels.tolist()]


def apply_overrides(
    keys: np.ndarray, labels: np.ndarray, overrides: Sequence[tuple[str, Sequence[str]]]
) -> tuple[np.ndarray, dict[str, int]]:
    """Apply ``(kind, records)`` decisions in order; return new labels and who was touched.

    ``merge`` joins the clusters of the listed records; ``split`` moves the listed
    records out of their clusters into one new cluster; ``apart`` moves the second record
    out when both are in one cluster. Records not present are ignored (an override about
    records not loaded yet waits for them).

    Returns
    -------
    labels
        The new label per record.
    touched
        Record key -> index of the last override that moved it.
    """
    out = labels.astype(np.int64).copy()
    where = {str(k): i for i, k in enumerate(keys.tolist())}
    touched: dict[str, int] = {}
    next_label = int(out.max()) + 1 if len(out) else 0
    for number, (kind, records) in enumerate(overrides):
        rows = [where[r] for r in records if r in where]
        if kind == "merge" and len(rows) >= 2:
            target = out[rows[0]]
            for row in rows[1:]:
                old = out[row]
                if old != target:
                    moved = np.flatnonzero(out == old)
                    out[moved] = target
            for row in rows:
                touched[str(keys[row])] = number
        elif kind == "split" and rows:
            out[rows] = next_label
            next_label += 1
            for row in rows:
                touched[str(keys[row])] = number
        elif kind == "apart" and len(rows) == 2 and out[rows[0]] == out[rows[1]]:
            out[rows[1]] = next_label
            next_label += 1
            touched[str(keys[rows[1]])] = number
    return out, touched
