"""``resolve_workspace``: accuracy against planted truth, stable ids, incremental loads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from accord.data.workspace import Workspace
from accord.errors import InputError
from accord.identity.keys import ACCOUNT_COLUMNS, PERSON_COLUMNS, with_person_id
from accord.workflows.resolve import resolve_workspace

FIRST_WAVE = ("hubspot-contacts.csv", "accord-accounts.csv")
"""Files of the first load in the incremental test (marketing automation only: the
second wave brings the Salesforce leads, which must join the HubSpot people)."""


def _crosswalk(ws: Workspace, table: str = "identity_people") -> pd.DataFrame:
    with ws.warehouse(read_only=True) as wh:
        return wh.table(table).to_pandas()


def _pairs(labels: pd.Series) -> set[tuple[int, int]]:
    """Pairs of row positions in one group (a separate count from the code under test)."""
    out = set()
    for rows in labels.groupby(labels).indices.values():
        rows = sorted(rows)
        out |= {(a, b) for i, a in enumerate(rows) for b in rows[i + 1 :]}
    return out


def _accuracy(ws: Workspace, simulated: Path) -> tuple[float, float]:
    people = _crosswalk(ws)
    truth = pd.read_csv(simulated / "ground_truth" / "identity.csv", dtype=str)
    both = people.merge(
        truth, left_on=["source_system", "record_id"], right_on=["source_system", "source_id"]
    ).reset_index(drop=True)
    found, true = _pairs(both["person_id_x"]), _pairs(both["person_id_y"])
    return len(found & true) / len(found), len(found & true) / len(true)


def test_converted_lead_ids_complete_the_people(loaded_copy: Workspace, simulated: Path) -> None:
    """With each converted lead's contact id in contacts.salesforce_id (read here from the raw
    export, as the leads preset will), precision and recall reach the issue's bar."""
    leads = pd.read_csv(simulated / "salesforce-leads.csv", dtype=str)
    leads = leads[["Lead ID", "Converted Contact ID"]].dropna()
    assert len(leads) > 0
    with loaded_copy.warehouse() as wh:
        con = wh.duckdb
        con.register("converted", leads)
        con.execute(
            'UPDATE contacts SET salesforce_id = c."Converted Contact ID" FROM converted c '
            "WHERE contacts.source_system = 'salesforce' AND contacts.contact_id = c.\"Lead ID\""
        )
    resolve_workspace(loaded_copy)
    precision, recall = _accuracy(loaded_copy, simulated)
    assert precision >= 0.97
    assert recall >= 0.95


def test_people_and_accounts_match_the_planted_truth(
    loaded_copy: Workspace, simulated: Path
) -> None:
    summary = resolve_workspace(loaded_copy)
    people = _crosswalk(loaded_copy)
    assert list(people.columns) == list(PERSON_COLUMNS)
    assert list(_crosswalk(loaded_copy, "identity_accounts").columns) == list(ACCOUNT_COLUMNS)
    assert summary.people == people["person_id"].nunique() < summary.person_records
    truth = pd.read_csv(simulated / "ground_truth" / "identity.csv", dtype=str)
    both = people.merge(
        truth, left_on=["source_system", "record_id"], right_on=["source_system", "source_id"]
    ).reset_index(drop=True)
    assert len(both) >= 0.9 * len(truth)
    found, true = _pairs(both["person_id_x"]), _pairs(both["person_id_y"])
    precision = len(found & true) / len(found)
    recall = len(found & true) / len(true)
    assert precision >= 0.97
    # Salesforce contacts are known only through opportunities until the leads preset maps
    # "Converted Contact ID" (docs/identity.md, limits); the rest is found.
    assert recall >= 0.7
    accounts = _crosswalk(loaded_copy, "identity_accounts")
    atruth = pd.read_csv(simulated / "ground_truth" / "accounts.csv", dtype=str)
    both = accounts.merge(
        atruth, left_on=["source_system", "record_id"], right_on=["source_system", "source_id"]
    ).reset_index(drop=True)
    found, true = _pairs(both["account_id_x"]), _pairs(both["account_id_y"])
    assert len(found & true) / len(found) >= 0.97
    assert len(found & true) / len(true) >= 0.95


def test_a_rerun_changes_no_id(loaded_copy: Workspace) -> None:
    resolve_workspace(loaded_copy)
    first = _crosswalk(loaded_copy)
    again = resolve_workspace(loaded_copy)
    second = _crosswalk(loaded_copy)
    key = ["source_system", "record_id", "person_id", "account_id"]
    pd.testing.assert_frame_equal(first[key], second[key])
    assert (again.people_new, again.people_kept) == (0, again.people)
    # analyses join the crosswalk: a HubSpot touchpoint gets its contact's person
    with loaded_copy.warehouse(read_only=True) as wh:
        t = with_person_id(wh, wh.table("touchpoints")).to_pandas()
    hub = first[first["source_system"] == "hubspot"].set_index("record_id")["person_id"]
    joined = t.dropna(subset=["contact_id"])
    assert (joined["person_id"] == joined["contact_id"].map(hub)).all()


def test_incremental_load_keeps_old_ids(
    simulated: Path, tmp_path: Path, load_files: Callable[..., None]
) -> None:
    load = load_files
    ws = Workspace.init(tmp_path / "ws")
    load(ws, simulated, only=FIRST_WAVE)
    resolve_workspace(ws)
    before = _crosswalk(ws).set_index(["source_system", "record_id"])["person_id"]
    load(ws, simulated, skip=FIRST_WAVE)
    summary = resolve_workspace(ws)
    after = _crosswalk(ws).set_index(["source_system", "record_id"])["person_id"]
    assert len(after) > len(before)
    old = after.loc[before.index]
    changed = old != before
    # an id changes only when its cluster merged into one that kept another prior id
    assert not set(before[changed]) & set(after)
    assert changed.mean() < 0.05
    new_ids = set(after) - set(before)
    assert min(int(i[1:]) for i in new_ids) > max(int(i[1:]) for i in before)
    assert summary.people_new == len(new_ids)


def test_nothing_to_resolve_fails_clearly(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    with pytest.raises(InputError, match="no contact-like or company-like records") as info:
        resolve_workspace(ws)
    assert info.value.hint is not None
    assert "accord load" in info.value.hint
