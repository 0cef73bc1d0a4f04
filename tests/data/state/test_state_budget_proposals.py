"""Migration 0006 (budget proposals) on SQLite and PostgreSQL, and the module's example."""

from __future__ import annotations

import doctest

from sqlalchemy import inspect

import accord.data.state.budget_proposals as budget_proposals
from accord.data.state import StateStore

TABLES = {"budget_proposals", "budget_decisions"}


def test_0006_adds_and_removes_the_proposal_tables(state_url: str) -> None:
    with StateStore.connect(state_url) as store:
        store.upgrade()
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        undone = store.downgrade("0005_identity_overrides")
        assert [s.split(":")[0] for s in undone] == ["0006_budget_proposals"]
        assert not TABLES & set(inspect(store.engine).get_table_names())
        assert [s.split(":")[0] for s in store.upgrade()] == ["0006_budget_proposals"]


def test_docstring_example() -> None:
    result = doctest.testmod(budget_proposals, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
