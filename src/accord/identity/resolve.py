"""Resolve records into entities: the one function every surface calls.

:func:`resolve_records` takes records already read (one or more inputs with the same
recognised columns) and returns a :class:`~accord.identity.result.Resolution`:

1. normalise the recognised columns into features (:mod:`accord.identity.prepare`);
2. deterministic links from shared exact keys (:mod:`accord.identity.deterministic`);
3. probabilistic links from the trained Fellegi-Sunter model
   (:mod:`accord.identity.probabilistic`);
4. clusters: connected components of the links at or above the threshold
   (:mod:`accord.identity.clustering`).

It does no file or warehouse I/O; the file commands (:mod:`accord.identity.dedupe`)
and the workspace resolver read and write around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from accord.identity.clustering import cluster_links
from accord.identity.columns import ColumnMap
from accord.identity.deterministic import deterministic_links
from accord.identity.prepare import ROW, SOURCE, prepare_records
from accord.identity.probabilistic import ModelOptions, score_pairs
from accord.identity.result import Resolution

__all__ = ["DEFAULT_THRESHOLD", "resolve_records"]

DEFAULT_THRESHOLD = 0.95
"""Links at or above this match probability join clusters."""

_TABLE = "accord_features"
_RULE_ORDER = {"email": 0, "phone": 1, "national_id": 2, "model": 3}


def resolve_records(
    frames: Sequence[pd.DataFrame],
    columns: ColumnMap,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    options: ModelOptions | None = None,
    default_region: str = "US",
) -> Resolution:
    """Cluster the records of *frames* into entities.

    Parameters
    ----------
    frames
        One input to deduplicate, or several to link (their rows are numbered in
        order: the first input's rows first).
    columns
        What the columns hold (:func:`accord.identity.columns.recognise_columns`).
    threshold
        Match probability at or above which a model link joins two clusters.
    options
        Model options; the link type defaults to ``dedupe_only`` for one input and
        ``link_only`` for several.
    default_region
        Region for phone numbers without a country code.

    Raises
    ------
    ValueError
        *threshold* is not in (0, 1].
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if options is None:
        options = ModelOptions(link_type="dedupe_only" if len(frames) == 1 else "link_only")
    options = replace(options, floor=min(options.floor, threshold))
    prepared = prepare_records(frames, columns, default_region=default_region)
    n = len(prepared.features)
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute("set enable_progress_bar = false")
    try:
        con.register("__accord_prepared", prepared.features)
        con.execute(f"create table {_TABLE} as from __accord_prepared")
        con.unregister("__accord_prepared")
        exact = deterministic_links(
            con,
            prepared.keys,
            _TABLE,
            across_sources_only=options.link_type == "link_only",
            present=frozenset(prepared.present),
        )
        scored = score_pairs(con, _TABLE, prepared.present, options)
    finally:
        con.close()
    model_links = scored.pairs.assign(rule="model")
    exact = exact.assign(match_probability=1.0, conflict=False)
    links = pd.concat([exact, model_links], ignore_index=True)
    links = links.sort_values(
        ["left", "right", "match_probability"], ascending=[True, True, False], kind="stable"
    ).drop_duplicates(["left", "right"], ignore_index=True)
    links = links.astype(
        {"left": "int64", "right": "int64", "match_probability": "float64", "conflict": bool}
    )
    records = _assign(prepared.features[[ROW, SOURCE]], links, threshold, n)
    return Resolution(
        records=records,
        links=links[["left", "right", "match_probability", "rule", "conflict"]],
        columns=columns,
        threshold=threshold,
        blocking=scored.blocking,
        comparisons=scored.comparisons,
        model=scored.model,
        model_status=scored.status,
    )


def _assign(ids: pd.DataFrame, links: pd.DataFrame, threshold: float, n: int) -> pd.DataFrame:
    accepted = links[(links["match_probability"] >= threshold) & ~links["conflict"]]
    left = accepted["left"].to_numpy(dtype=np.int64)
    right = accepted["right"].to_numpy(dtype=np.int64)
    records = ids.reset_index(drop=True).copy()
    records["cluster"] = cluster_links(n, left, right)
    ends = pd.concat(
        [
            accepted[["left", "match_probability", "rule"]].rename(columns={"left": ROW}),
            accepted[["right", "match_probability", "rule"]].rename(columns={"right": ROW}),
        ],
        ignore_index=True,
    )
    ends["order"] = ends["rule"].map(_RULE_ORDER)
    best = (
        ends.sort_values([ROW, "match_probability", "order"], ascending=[True, False, True])
        .drop_duplicates(ROW)
        .set_index(ROW)
    )
    records["match_probability"] = records[ROW].map(best["match_probability"]).astype(float)
    records["rule"] = records[ROW].map(best["rule"]).astype(object)
    records.loc[records["rule"].isna(), "rule"] = None
    return records
