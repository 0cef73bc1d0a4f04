"""Deduplicate or link files: the analyst's commands, without a workspace.

``dedupe`` finds the rows of one file that are the same person or company; ``link``
finds the rows of two files that are. Both recognise the columns (or take the user's
word for them), resolve, and return one output row per input row::

    id, cluster_id, match_probability

``cluster_id`` is the id of the cluster's first row in file order (for ``link``,
``left:ID`` or ``right:ID``); ``match_probability`` is the strongest link that put the
row in its cluster (1.0 for a deterministic link) and is empty for a row alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from accord.errors import InputError
from accord.identity.columns import ColumnKind, ColumnMap, recognise_columns
from accord.identity.files import read_records, validate_ids
from accord.identity.prepare import harmonise
from accord.identity.probabilistic import LinkType, ModelOptions
from accord.identity.resolve import DEFAULT_THRESHOLD, resolve_records
from accord.identity.result import Resolution

__all__ = ["FileResolution", "dedupe_file", "dedupe_frame", "link_files", "link_frames"]

_SAMPLE_ROWS = 5000


@dataclass(frozen=True)
class FileResolution:
    """A resolution and the table that the commands write.

    Attributes
    ----------
    resolution
        The full result (links, model, recognised columns).
    table
        One row per input row: ``id``, ``cluster_id``, ``match_probability`` (and
        ``source`` first when linking).
    column_maps
        What each input's columns were recognised as, in input order.
    """

    resolution: Resolution
    table: pd.DataFrame
    column_maps: tuple[ColumnMap, ...]

    def write_csv(self, path: Path | str) -> None:
        """Write :attr:`table` as CSV (empty cell for a missing probability)."""
        self.table.to_csv(path, index=False, na_rep="", float_format="%.6g")


def dedupe_frame(
    frame: pd.DataFrame,
    *,
    id_column: str | None = None,
    column_types: Mapping[str, ColumnKind | str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    default_region: str = "US",
    options: ModelOptions | None = None,
    name: str = "the input",
) -> FileResolution:
    """Cluster the rows of *frame* that are the same entity.

    Parameters
    ----------
    frame
        The records, values as text.
    id_column
        The column that identifies each row; guessed from the headers if ``None``.
    column_types
        Column -> kind, overriding recognition (``{"tel": "phone", "notes": "ignore"}``).
    threshold
        Match probability at or above which two rows are joined.
    default_region
        Region for phone numbers without a country code.
    options
        Model options (seed, blocking budgets).
    name
        How to call the input in error messages (its path).

    Raises
    ------
    InputError
        No usable id column, or no column that can identify a person or company.
    """
    ids, columns = _checked(frame, id_column, column_types, name)
    resolution = resolve_records(
        [frame],
        columns,
        threshold=threshold,
        options=options,
        default_region=default_region,
    )
    table = _table(resolution, [frame[ids].astype(str)], labels=None)
    return FileResolution(resolution, table, (columns,))


def link_frames(
    frames: Sequence[pd.DataFrame],
    *,
    id_column: str | None = None,
    column_types: Mapping[str, ColumnKind | str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    default_region: str = "US",
    also_dedupe: bool = False,
    seed: int = 42,
    names: Sequence[str] = ("left", "right"),
) -> FileResolution:
    """Link the rows of several inputs (usually two) that are the same entity.

    Each input's columns are recognised separately (headers may differ) and matched by
    kind. With *also_dedupe*, rows of the same input may join one cluster too.
    """
    if len(frames) < 2:
        raise InputError("Linking needs at least two inputs.")
    labels = list(names) if len(names) == len(frames) else [f"input{i}" for i in range(len(frames))]
    checked = [_checked(f, id_column, column_types, n) for f, n in zip(frames, labels, strict=True)]
    unified, columns = harmonise(frames, [c for _, c in checked])
    link_type: LinkType = "link_and_dedupe" if also_dedupe else "link_only"
    resolution = resolve_records(
        unified,
        columns,
        threshold=threshold,
        options=ModelOptions(link_type=link_type, seed=seed),
        default_region=default_region,
    )
    id_series = [f[i].astype(str) for f, (i, _) in zip(frames, checked, strict=True)]
    table = _table(resolution, id_series, labels=labels)
    return FileResolution(resolution, table, tuple(c for _, c in checked))


def dedupe_file(
    path: Path | str,
    *,
    id_column: str | None = None,
    column_types: Mapping[str, ColumnKind | str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    default_region: str = "US",
    options: ModelOptions | None = None,
) -> FileResolution:
    """:func:`dedupe_frame` on the file at *path* (CSV, Parquet or JSON).

    Raises
    ------
    FileRejected
        The file is missing, unreadable or empty.
    InputError
        See :func:`dedupe_frame`.
    """
    return dedupe_frame(
        read_records(path),
        id_column=id_column,
        column_types=column_types,
        threshold=threshold,
        default_region=default_region,
        options=options,
        name=str(path),
    )


def link_files(
    paths: Sequence[Path | str],
    *,
    id_column: str | None = None,
    column_types: Mapping[str, ColumnKind | str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    default_region: str = "US",
    also_dedupe: bool = False,
    seed: int = 42,
) -> FileResolution:
    """:func:`link_frames` on the files at *paths*; rows are labelled left and right."""
    names = ("left", "right") if len(paths) == 2 else tuple(str(p) for p in paths)
    return link_frames(
        [read_records(p) for p in paths],
        id_column=id_column,
        column_types=column_types,
        threshold=threshold,
        default_region=default_region,
        also_dedupe=also_dedupe,
        seed=seed,
        names=names,
    )


def _checked(
    frame: pd.DataFrame,
    id_column: str | None,
    column_types: Mapping[str, ColumnKind | str] | None,
    name: str,
) -> tuple[str, ColumnMap]:
    ids = validate_ids(frame, id_column, path=name)
    known = {c: k for c, k in (column_types or {}).items() if c in frame.columns}
    sample = {c: frame[c].head(_SAMPLE_ROWS).tolist() for c in frame.columns}
    try:
        columns = recognise_columns(sample, column_types=known, exclude=[ids])
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from exc
    if not columns.is_usable:
        kinds = ", ".join(k.value for k in ColumnKind)
        raise InputError(
            f"{name}: no column that identifies a person or company was recognised "
            f"(found: {columns.describe()}).",
            hint=f"Say what the columns hold with --column-type COLUMN=KIND; kinds: {kinds}.",
        )
    return ids, columns


def _table(
    resolution: Resolution, ids: Sequence[pd.Series], *, labels: Sequence[str] | None
) -> pd.DataFrame:
    if labels is None:
        names = pd.concat(list(ids), ignore_index=True)
    else:
        names = pd.concat(
            [label + ":" + s for label, s in zip(labels, ids, strict=True)], ignore_index=True
        )
    records = resolution.records
    table = pd.DataFrame(
        {
            "id": pd.concat(list(ids), ignore_index=True),
            "cluster_id": names.to_numpy()[records["cluster"].to_numpy()],
            "match_probability": records["match_probability"].to_numpy(),
        }
    )
    if labels is not None:
        sources = [label for label, s in zip(labels, ids, strict=True) for _ in range(len(s))]
        table.insert(0, "source", sources)
    return table
