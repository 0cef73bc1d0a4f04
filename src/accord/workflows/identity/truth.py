"""Score a workspace's crosswalks against planted truth (the simulator's ground truth).

``accord simulate`` writes ``ground_truth/identity.csv`` (``source_system, source_id,
kind, person_id, account_id``) and ``ground_truth/accounts.csv`` (``source_system,
source_id, kind, account_id``) next to the export files. Accuracy is pairwise
(:func:`accord.identity.evaluate.cluster_accuracy`): of the pairs of records put in one
entity, the share truly one (precision), and of the true pairs, the share found (recall),
over the records present in both the crosswalk and the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from accord.data.workspace import Workspace
from accord.identity.evaluate import Accuracy, cluster_accuracy
from accord.identity.keys import ACCOUNT_CROSSWALK, PERSON_CROSSWALK

__all__ = ["TruthScore", "score_against_truth"]


@dataclass(frozen=True)
class TruthScore:
    """Accuracy of one crosswalk against the truth, and how many records were compared."""

    entity: str
    compared: int
    accuracy: Accuracy


def _score(xw: pd.DataFrame, truth: pd.DataFrame, column: str, entity: str) -> TruthScore:
    both = xw.merge(
        truth,
        left_on=["source_system", "record_id"],
        right_on=["source_system", "source_id"],
        suffixes=("", "_truth"),
    )
    return TruthScore(entity, len(both), cluster_accuracy(both[column], both[f"{column}_truth"]))


def score_against_truth(ws: Workspace, truth_dir: Path) -> list[TruthScore]:
    """Pairwise precision/recall of people and accounts against ``truth_dir``'s files.

    Files that are missing are skipped (an empty list when there is no truth).
    """
    scores = []
    with ws.warehouse(read_only=True) as wh:
        for table, name, column, entity in (
            (PERSON_CROSSWALK, "identity.csv", "person_id", "people"),
            (ACCOUNT_CROSSWALK, "accounts.csv", "account_id", "accounts"),
        ):
            path = truth_dir / name
            if not path.is_file() or table not in wh.tables():
                continue
            xw = wh.table(table).select("source_system", "record_id", column).to_pandas()
            truth = pd.read_csv(path, dtype=str)[["source_system", "source_id", column]]
            scores.append(_score(xw, truth, column, entity))
    return scores
