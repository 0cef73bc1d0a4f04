"""Blocking pair counts, clustering and accuracy, checked against brute force."""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.identity.blocking import BlockingRule, candidate_families, count_pairs, plan_blocking
from accord.identity.clustering import cluster_links, strongest_link
from accord.identity.evaluate import cluster_accuracy, pair_accuracy

_NAMES = st.sampled_from(["ann", "bob", "cy", None])
_DOBS = st.sampled_from(["1980-01-01", "1990-02-02", None])
_RECORDS = st.lists(st.tuples(_NAMES, _NAMES, _DOBS), max_size=25)


def _table(rows: list[tuple[str | None, str | None, str | None]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    frame = pd.DataFrame(rows, columns=["first_name", "surname", "dob"], dtype=object)
    con.register("f", frame)
    con.execute("create table t as select * from f")
    return con


def _brute(rows: list[tuple[str | None, ...]], left: list[int], right: list[int]) -> int:
    count = 0
    for a, b in itertools.combinations(rows, 2):
        same = all(a[i] is not None and a[i] == b[j] for i, j in zip(left, right, strict=True))
        swapped = all(b[i] is not None and b[i] == a[j] for i, j in zip(left, right, strict=True))
        count += same or swapped
    return count


@settings(max_examples=20, deadline=None)
@given(rows=_RECORDS)
def test_equality_rule_counts_match_brute_force(rows: list[tuple[str | None, ...]]) -> None:
    con = _table(rows)  # type: ignore[arg-type]
    rule = BlockingRule("first_name + dob", ("first_name", "dob"), ("first_name", "dob"))
    assert count_pairs(con, "t", rule) == _brute(rows, [0, 2], [0, 2])


def test_swapped_rule_is_an_upper_bound() -> None:
    rows = [("ann", "lee", None), ("lee", "ann", None), ("ann", "lee", None)]
    con = _table(rows)
    rule = BlockingRule("swap", ("first_name", "surname"), ("surname", "first_name"))
    assert count_pairs(con, "t", rule) >= _brute(rows, [0, 1], [1, 0]) == 2


def test_budget_picks_tighter_variants() -> None:
    rows = [("ann", "lee", f"19{80 + i % 10}-01-0{1 + i % 9}") for i in range(200)]
    con = _table(rows)
    present = frozenset({"first_name", "surname", "dob"})
    loose = plan_blocking(con, "t", present, n_records=200, cartesian_limit=0, rule_budget=10**9)
    tight = plan_blocking(con, "t", present, n_records=200, cartesian_limit=0, rule_budget=2000)
    assert "surname" in [r.name for r in loose.rules]
    assert "surname" not in [r.name for r in tight.rules]
    assert max(tight.pair_counts) <= 2000
    small = plan_blocking(con, "t", present, n_records=200, cartesian_limit=10**6, rule_budget=1)
    assert small.cartesian
    assert small.rules[0].sql == "1 = 1"


def test_rules_only_use_features_present() -> None:
    present = frozenset({"email", "city"})
    for family in candidate_families(present):
        for rule in family:
            assert rule.features <= present
    assert BlockingRule("x", ("left(dob, 4)",), ("left(dob, 4)",)).sql == (
        "left(l.dob, 4) = left(r.dob, 4)"
    )


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_clusters_are_connected_components(n: int, data: st.DataObject) -> None:
    edges = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))))
    left = np.array([a for a, _ in edges], dtype=np.int64)
    right = np.array([b for _, b in edges], dtype=np.int64)
    labels = cluster_links(n, left, right)
    parent = list(range(n))  # union-find reference

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    for a, b in itertools.combinations(range(n), 2):
        assert (labels[a] == labels[b]) == (find(a) == find(b))
    assert all(labels[i] <= i and labels[labels[i]] == labels[i] for i in range(n))


def test_strongest_link() -> None:
    best = strongest_link(4, np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.99]))
    assert best[:3].tolist() == [0.9, 0.99, 0.99]
    assert np.isnan(best[3])


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n=st.integers(0, 25))
def test_cluster_accuracy_counts_pairs(data: st.DataObject, n: int) -> None:
    predicted = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    truth = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    pairs = list(itertools.combinations(range(n), 2))
    p = {(a, b) for a, b in pairs if predicted[a] == predicted[b]}
    t = {(a, b) for a, b in pairs if truth[a] == truth[b]}
    acc = cluster_accuracy(predicted, truth)
    assert (acc.true_positives, acc.predicted_pairs, acc.true_pairs) == (len(p & t), len(p), len(t))
    links = pair_accuracy([a for a, _ in p], [b for _, b in p], truth)
    assert links.true_positives == acc.true_positives
    assert 0 <= acc.f1 <= 1
