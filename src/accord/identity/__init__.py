"""Identity resolution: which records are the same person or company.

Deduplicate or link files (:func:`dedupe_file`, :func:`link_files`), or resolve records
already in memory (:func:`resolve_records`, which the workspace resolver calls). The
method: normalise, link on shared exact keys, score the remaining candidate pairs with
a Fellegi-Sunter model trained by Splink, cluster the links above a threshold. See
``docs/identity.md``.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame(
...     {
...         "id": ["1", "2", "3"],
...         "email": ["Ann.Lee+crm@gmail.com", "annlee@googlemail.com", "bob@acme.io"],
...     }
... )
>>> result = dedupe_frame(frame, id_column="id")
>>> result.table["cluster_id"].tolist()
['1', '1', '3']
"""

from __future__ import annotations

from accord.identity.columns import ColumnKind, ColumnMap, RecognisedColumn, recognise_columns
from accord.identity.dedupe import (
    FileResolution,
    dedupe_file,
    dedupe_frame,
    link_files,
    link_frames,
)
from accord.identity.evaluate import Accuracy, cluster_accuracy, pair_accuracy
from accord.identity.probabilistic import ModelOptions
from accord.identity.resolve import DEFAULT_THRESHOLD, resolve_records
from accord.identity.result import Resolution

__all__ = [
    "DEFAULT_THRESHOLD",
    "Accuracy",
    "ColumnKind",
    "ColumnMap",
    "FileResolution",
    "ModelOptions",
    "RecognisedColumn",
    "Resolution",
    "cluster_accuracy",
    "dedupe_file",
    "dedupe_frame",
    "link_files",
    "link_frames",
    "pair_accuracy",
    "recognise_columns",
    "resolve_records",
]
