"""Invariants every model must keep, checked on random path files (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engines.attribution import (
    AttributionResult,
    PathCounts,
    compare,
    markov,
    rules,
    shapley,
)

Row = tuple[list[str], int, int, float]

rows_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=5),
        st.integers(0, 5),
        st.integers(0, 5),
        st.floats(0, 100, allow_nan=False),
    ),
    min_size=1,
    max_size=8,
).filter(lambda rows: sum(c for _, c, _, _ in rows) > 0)


def build(rows: list[Row]) -> PathCounts:
    return PathCounts.from_sequences(
        [p for p, *_ in rows],
        conversions=[c for _, c, _, _ in rows],
        nulls=[n for _, _, n, _ in rows],
        value=[v if c else 0.0 for _, c, _, v in rows],
    )


def all_models(pc: PathCounts) -> list[AttributionResult]:
    out = [
        rules.first_touch(pc),
        rules.last_touch(pc),
        rules.linear(pc),
        rules.time_decay(pc, half_life=2.0),
        rules.u_shaped(pc),
        shapley(pc),
    ]
    out += [markov(pc, order=k, include_nulls=n) for k in (1, 2, 3) for n in (True, False)]
    if pc.nulls is not None and pc.nulls.sum() > 0:
        out.append(shapley(pc, characteristic="conversion_rate"))
        out.append(shapley(pc, characteristic="fitted_rate"))
    return out


def by_name(r: AttributionResult) -> dict[str, tuple[float, float]]:
    return {ch: (r.credit(ch), r.credit_value(ch)) for ch in r.channels}


@settings(max_examples=50, deadline=None)
@given(rows_strategy)
def test_credit_sums_to_the_conversions_and_value(rows: list[Row]) -> None:
    pc = build(rows)
    for r in all_models(pc):
        assert r.ok, r.model
        assert sum(r.conversions) == pytest.approx(pc.total_conversions, rel=1e-9), r.model
        assert r.value is not None
        assert sum(r.value) == pytest.approx(pc.total_value, rel=1e-9, abs=1e-9), r.model


@settings(max_examples=30, deadline=None)
@given(rows_strategy)
def test_a_channel_never_seen_gets_nothing(rows: list[Row]) -> None:
    pc = build(rows)
    # "zz" is in the channel list but on no path
    wider = PathCounts(
        channels=(*pc.channels, "zz"),
        offsets=pc.offsets,
        touches=pc.touches,
        conversions=pc.conversions,
        value=pc.value,
        nulls=pc.nulls,
    )
    for r in all_models(wider):
        assert r.credit("zz") == 0.0, r.model
        assert r.credit_value("zz") == 0.0, r.model


@settings(max_examples=30, deadline=None)
@given(rows_strategy)
def test_a_channel_only_on_journeys_that_never_convert_gets_nothing(rows: list[Row]) -> None:
    pc = build([*rows, (["zz"], 0, 3, 0.0), (["zz", "zz"], 0, 1, 0.0)])
    models = [rules.first_touch, rules.last_touch, rules.linear, rules.u_shaped, shapley]
    for r in [m(pc) for m in models] + [markov(pc, include_nulls=False)]:
        assert r.credit("zz") == 0.0, r.model


@settings(max_examples=30, deadline=None)
@given(rows_strategy, st.data())
def test_splitting_or_merging_identical_paths_changes_nothing(
    rows: list[Row], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(rows) - 1))
    path, c, n, v = rows[i]
    c1, n1 = data.draw(st.integers(0, c)), data.draw(st.integers(0, n))
    v1 = v * c1 / c if c else 0.0
    split = [*rows[:i], (path, c1, n1, v1), *rows[i + 1 :], (list(path), c - c1, n - n1, v - v1)]
    pc, ps = build(rows), build(split)
    for a, b in zip(all_models(pc), all_models(ps), strict=True):
        assert a.model == b.model
        got, want = by_name(b), by_name(a)
        assert got.keys() == want.keys()
        for ch in want:
            assert got[ch] == pytest.approx(want[ch], rel=1e-9, abs=1e-9), (a.model, ch)


@settings(max_examples=30, deadline=None)
@given(rows_strategy, st.permutations(["v", "w", "x", "y", "z"]))
def test_relabelling_channels_permutes_the_result(rows: list[Row], names: list[str]) -> None:
    rename = dict(zip(["a", "b", "c", "d", "e"], names, strict=True))
    renamed = [([rename[ch] for ch in p], c, n, v) for p, c, n, v in rows]
    for a, b in zip(all_models(build(rows)), all_models(build(renamed)), strict=True):
        want = {rename[ch]: x for ch, x in by_name(a).items()}
        got = by_name(b)
        for ch in want:
            assert got[ch] == pytest.approx(want[ch], rel=1e-9, abs=1e-9), (a.model, ch)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 5), st.integers(0, 5)), min_size=1))
def test_order_one_markov_gives_a_single_channel_all_the_credit(
    rows: list[tuple[int, int, int]],
) -> None:
    pc = PathCounts.from_sequences(
        [["only"] * k for k, _, _ in rows],
        conversions=[c for _, c, _ in rows],
        nulls=[n for *_, n in rows],
    )
    r = markov(pc)
    if pc.total_conversions == 0:
        assert r.reason == "no_conversions"
    else:
        assert r.conversions == pytest.approx((pc.total_conversions,))
        assert r.markov is not None
        assert r.markov.removal_effects == (1.0,)


def test_results_are_frozen() -> None:
    r = rules.linear(PathCounts.from_sequences([["a"]], conversions=[1]))
    with pytest.raises(AttributeError):
        r.model = "other"  # type: ignore[misc]
    assert isinstance(r.conversions, tuple)
    assert np.isclose(r.share("a"), 1.0)


@settings(max_examples=30, deadline=None)
@given(rows_strategy)
def test_rules_agree_with_and_without_position_counts(rows: list[Row]) -> None:
    """The channel x position x length shortcut equals per-touch weights."""
    fast_paths, slow_paths = build(rows), build(rows)
    assert slow_paths.position_counts(max_bins=0) is None  # as if the counts were too large
    for rule in (rules.first_touch, rules.last_touch, rules.linear, rules.u_shaped):
        fast, slow = rule(fast_paths), rule(slow_paths)
        assert fast.conversions == pytest.approx(slow.conversions, rel=1e-12, abs=1e-12)
        assert fast.value == pytest.approx(slow.value, rel=1e-12, abs=1e-12)
    fast, slow = (
        rules.time_decay(fast_paths, half_life=1.5),
        rules.time_decay(slow_paths, half_life=1.5),
    )
    assert fast.conversions == pytest.approx(slow.conversions, rel=1e-12, abs=1e-12)


def test_compare_runs_models_side_by_side() -> None:
    pc = PathCounts.from_sequences([["a", "b"], ["b"]], conversions=[1, 1], nulls=[0, 2])
    cmp = compare(pc, models=("first_touch", "markov", "w_shaped"))
    assert [r.model for r in cmp.results] == ["first_touch", "markov", "w_shaped"]
    assert cmp.result("w_shaped").reason == "no_milestones"
    records = cmp.records()
    assert len(records) == 2 * 3
    assert {"channel": "a", "model": "first_touch", "conversions": 1.0, "value": None} in records
    with pytest.raises(KeyError):
        cmp.result("shapley")
