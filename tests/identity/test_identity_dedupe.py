"""Deduplication and linkage against ground truth.

The anchor is Splink's own labelled example, ``splink_fake_1000.csv`` (1,000 records,
181 true people, 2,975 true pairs): Splink 5.0 with the settings of its demo
(``accuracy_analysis_from_labels_column``) reaches F1 0.962 after clustering at
p = 0.95 (precision 1.0, recall 0.927) and a best pairwise F1 of 0.951. Accord runs
with no configuration and must beat both. The planted-duplicate person files add what
that file lacks: phones, companies, alias emails, nicknames and households.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from accord.errors import FileRejected, InputError
from accord.identity import (
    cluster_accuracy,
    dedupe_file,
    dedupe_frame,
    link_frames,
    pair_accuracy,
)
from accord.identity.dedupe import FileResolution
from accord.identity.synthetic import person_file

FIXTURE = Path(__file__).parents[1] / "fixtures" / "identity" / "splink_fake_1000.csv"
SPLINK_CLUSTER_F1 = 0.962
SPLINK_PAIRWISE_F1 = 0.951


@pytest.fixture(scope="module")
def fake_1000() -> pd.DataFrame:
    return pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def two_runs() -> tuple[FileResolution, FileResolution]:
    # the file as users have it, truth column included: it must be ignored (not an id,
    # not a recognised kind)
    return dedupe_file(FIXTURE, id_column="unique_id"), dedupe_file(FIXTURE)


def test_splink_fake_1000_beats_splink_after_clustering(
    two_runs: tuple[FileResolution, FileResolution], fake_1000: pd.DataFrame
) -> None:
    result = two_runs[0]
    assert "cluster" in result.column_maps[0].ignored
    truth = fake_1000["cluster"].to_numpy()
    accuracy = cluster_accuracy(result.resolution.records["cluster"], truth)
    assert accuracy.f1 > SPLINK_CLUSTER_F1
    assert accuracy.precision >= 0.99


def test_splink_fake_1000_beats_splink_pairwise(
    two_runs: tuple[FileResolution, FileResolution], fake_1000: pd.DataFrame
) -> None:
    links = two_runs[0].resolution.links
    truth = fake_1000["cluster"].to_numpy()
    best = max(
        pair_accuracy(chosen["left"], chosen["right"], truth).f1
        for chosen in (links[links["match_probability"] >= t] for t in (0.5, 0.8, 0.9, 0.95))
    )
    assert best > SPLINK_PAIRWISE_F1


def test_output_has_one_row_per_input_row(
    two_runs: tuple[FileResolution, FileResolution], fake_1000: pd.DataFrame
) -> None:
    table = two_runs[0].table
    assert list(table.columns) == ["id", "cluster_id", "match_probability"]
    assert table["id"].tolist() == fake_1000["unique_id"].tolist()
    # a cluster is named after its first row, which is in the cluster itself
    first = table.groupby("cluster_id")["id"].first()
    assert (first.index == first.to_numpy()).all()
    alone = ~table["cluster_id"].duplicated(keep=False)
    assert table.loc[alone, "match_probability"].isna().all()
    assert table.loc[~alone, "match_probability"].between(0.95, 1.0).all()


def test_two_runs_are_identical(two_runs: tuple[FileResolution, FileResolution]) -> None:
    first, second = two_runs
    pd.testing.assert_frame_equal(first.table, second.table)
    pd.testing.assert_frame_equal(first.resolution.links, second.resolution.links)


@pytest.fixture(scope="module")
def people() -> tuple[pd.DataFrame, FileResolution]:
    frame = person_file(500, seed=11)
    truth = frame.pop("entity")
    return frame.assign(entity=truth), dedupe_frame(frame, id_column="id")


def test_planted_duplicates_are_found(people: tuple[pd.DataFrame, FileResolution]) -> None:
    frame, result = people
    accuracy = cluster_accuracy(result.resolution.records["cluster"], frame["entity"])
    assert accuracy.precision >= 0.97
    assert accuracy.recall >= 0.97
    kinds = {c.name: c.kind.value for c in result.column_maps[0].columns}
    assert kinds == {
        "first_name": "first_name",
        "last_name": "surname",
        "email": "email",
        "phone": "phone",
        "dob": "date_of_birth",
        "city": "city",
        "company": "company",
    }
    assert set(result.resolution.records["rule"].dropna()) >= {"email", "phone", "model"}


def test_partners_sharing_a_mailbox_and_landline_stay_apart() -> None:
    shared = {"email": "smiths@example.com", "phone": "(415) 555-0132", "surname": "Smith"}
    frame = pd.DataFrame(
        [
            {"id": "1", "first_name": "John", "dob": "1970-03-02", "city": "Leeds", **shared},
            {"id": "2", "first_name": "Sarah", "dob": "1974-11-20", "city": "Leeds", **shared},
            {"id": "3", "first_name": "Jon", "dob": "1970-03-02", "city": "Leeds", **shared},
        ]
    )
    filler = person_file(150, seed=5).rename(columns={"last_name": "surname"})
    result = dedupe_frame(pd.concat([frame, filler.drop(columns="entity")]), id_column="id")
    clusters = result.table.set_index("id")["cluster_id"]
    assert clusters["1"] == clusters["3"] != clusters["2"]


def test_link_two_files_with_different_headers() -> None:
    frame = person_file(200, seed=21)
    crm = frame.iloc[::2].rename(columns={"first_name": "First Name", "email": "E-mail"})
    billing = frame.iloc[1::2].rename(columns={"last_name": "Surname", "phone": "Mobile"})
    truth = pd.concat([crm["entity"], billing["entity"]], ignore_index=True).to_numpy()
    result = link_frames(
        [crm.drop(columns="entity"), billing.drop(columns="entity")], id_column="id"
    )
    table = result.table
    assert list(table.columns) == ["source", "id", "cluster_id", "match_probability"]
    assert table["source"].value_counts().to_dict() == {"left": len(crm), "right": len(billing)}
    assert table["cluster_id"].str.match(r"^(left|right):r\d+$").all()
    # only pairs across the files are linked: same-file pairs come only through a third
    links = result.resolution.links
    n_left = len(crm)
    accepted = links[links["match_probability"] >= 0.95]
    assert ((accepted["left"] < n_left) & (accepted["right"] >= n_left)).all()
    accuracy = pair_accuracy(accepted["left"], accepted["right"], truth)
    assert accuracy.precision >= 0.97
    true_across = sum(
        1
        for e in set(truth[:n_left]) & set(truth[n_left:])
        for _ in range((truth[:n_left] == e).sum() * (truth[n_left:] == e).sum())
    )
    assert accuracy.true_positives >= 0.95 * true_across


def test_file_without_usable_columns_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_id,amount,city\n1,10.5,Leeds\n2,3.0,York\n")
    with pytest.raises(InputError) as caught:
        dedupe_file(path, id_column="order_id")
    message = str(caught.value)
    assert "no column that identifies a person or company" in message
    assert "'city' -> city" in message
    assert "'amount' -> not recognised" in message
    assert "--column-type" in message
    # saying what a column holds makes the same file usable
    assert dedupe_file(path, id_column="order_id", column_types={"amount": "national_id"})


def test_id_column_problems_fail_clearly(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,email\nAnn Lee,ann@x.io\nBob Ray,bob@y.io\n")
    with pytest.raises(InputError, match="no id column found among 'name', 'email'"):
        dedupe_file(path)
    with pytest.raises(InputError, match="there is no column 'ID'; the file has 'name'"):
        dedupe_file(path, id_column="ID")
    duplicated = pd.DataFrame({"k": ["1", "1"], "email": ["a@b.io", "c@d.io"]})
    with pytest.raises(InputError, match="1 id\\(s\\) in 'k' occur more than once"):
        dedupe_frame(duplicated, id_column="k")


def test_empty_and_missing_files_are_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("id,email\n")
    with pytest.raises(FileRejected, match="has no rows"):
        dedupe_file(empty, id_column="id")
    with pytest.raises(FileRejected, match="no such file"):
        dedupe_file(tmp_path / "nope.csv", id_column="id")
