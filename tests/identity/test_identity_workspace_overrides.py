"""Overrides: merge, split and review decisions survive re-runs and are audited."""

from __future__ import annotations

import pandas as pd
import pytest

from accord.data.state.audit import list_audit
from accord.data.workspace import Workspace
from accord.errors import InputError, NotFound
from accord.workflows.identity import overrides as flow
from accord.workflows.resolve import resolve_workspace


def _people(ws: Workspace) -> pd.Series:
    with ws.warehouse(read_only=True) as wh:
        xw = wh.table("identity_people").to_pandas()
    return pd.Series(xw["person_id"].to_numpy(), index=xw["source_system"] + ":" + xw["record_id"])


def test_merge_and_split_survive_reruns_and_are_audited(loaded_copy: Workspace) -> None:
    resolve_workspace(loaded_copy)
    people = _people(loaded_copy)
    hub = sorted(k for k in people.index if k.startswith("hubspot:"))
    a = hub[0]
    b = next(k for k in hub if people[k] != people[a])
    with pytest.raises(NotFound):
        flow.merge(loaded_copy, a, "hubspot:no-such-record", why="x", actor="sam")
    done = flow.merge(loaded_copy, a, people[b], why="same person, checked by phone", actor="sam")
    assert done.kind == "merge"
    assert a in done.records
    summary = resolve_workspace(loaded_copy)
    merged = _people(loaded_copy)
    assert merged[a] == merged[b]
    assert summary.overrides == 1
    assert merged.loc[a] in {people[a], people[b]}
    # a run after that keeps the merge (overrides are applied on every run)
    resolve_workspace(loaded_copy)
    assert _people(loaded_copy)[a] == _people(loaded_copy)[b]

    person = merged[a]
    with pytest.raises(InputError, match="not in person"):
        flow.split(loaded_copy, person, ["hubspot:nobody"], why="x", actor="sam")
    flow.split(loaded_copy, person, [b], why="b is her colleague", actor="ann")
    resolve_workspace(loaded_copy)
    resolve_workspace(loaded_copy)
    after = _people(loaded_copy)
    assert after[a] != after[b]
    assert (after[after == after[b]].index == b).all()

    with loaded_copy.state() as store, store.session() as session:
        entries = [e for e in list_audit(session) if e.action.startswith("identity.")]
    assert [(e.action, e.actor) for e in entries] == [
        ("identity.split", "ann"),
        ("identity.merge", "sam"),
    ]
    assert entries[1].after is not None
    assert entries[1].after["reason"] == "same person, checked by phone"


def test_review_decisions_become_overrides(loaded_copy: Workspace) -> None:
    resolve_workspace(loaded_copy)
    pairs = flow.review_pairs(loaded_copy, low=0.0, high=1.0)
    assert pairs, "a simulated company has uncertain pairs"
    assert all(0.5 <= p.match_probability <= 1 for p in pairs)
    first = pairs[0]
    flow.decide_pair(loaded_copy, first.pair_id, same=True, actor="sam")
    resolve_workspace(loaded_copy)
    people = _people(loaded_copy)
    assert people[first.left_record] == people[first.right_record]
    remaining = flow.review_pairs(loaded_copy, low=0.0, high=1.0)
    assert first.pair_id not in {p.pair_id for p in remaining}
    if remaining:
        other = remaining[0]
        flow.decide_pair(loaded_copy, other.pair_id, same=False, actor="sam", why="two people")
        resolve_workspace(loaded_copy)
        people = _people(loaded_copy)
        assert people[other.left_record] != people[other.right_record]
    with pytest.raises(NotFound):
        flow.decide_pair(loaded_copy, "Rnope", same=True, actor="sam")
    listed = flow.overrides(loaded_copy)
    assert {o.origin for o in listed} == {"review"}
    revoked = flow.revoke(loaded_copy, listed[0].id, actor="sam")
    assert revoked.revoked_at is not None
    assert listed[0].id not in {o.id for o in flow.overrides(loaded_copy)}
