"""Shapley attribution: hand-solved games and the permutation definition."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engines.attribution import PathCounts, shapley


def shapley_by_permutations(players: list[str], v: dict[frozenset[str], F]) -> dict[str, F]:
    """Shapley (1953): average marginal contribution over all orders of arrival."""
    phi = {p: F(0) for p in players}
    orders = list(itertools.permutations(players))
    for order in orders:
        coalition: frozenset[str] = frozenset()
        for p in order:
            grown = coalition | {p}
            phi[p] += v.get(grown, F(0)) - v.get(coalition, F(0))
            coalition = grown
    return {p: x / len(orders) for p, x in phi.items()}


def test_zhao_game_splits_each_journey_among_its_distinct_channels() -> None:
    pc = PathCounts.from_sequences(
        [["a", "b", "a"], ["b"], ["c", "a"]], conversions=[2, 1, 3], value=[20, 5, 9]
    )
    r = shapley(pc, characteristic="conversions")
    # R({a,b}) = 2, R({b}) = 1, R({a,c}) = 3 -> a: 1 + 3/2, b: 1 + 1, c: 3/2
    assert r.conversions == pytest.approx((2.5, 2.0, 1.5))
    assert r.value == pytest.approx((10 + 4.5, 10 + 5, 4.5))
    # and it is the Shapley value of v(S) = sum of R(T) over T within S
    sets = {frozenset("ab"): F(2), frozenset("b"): F(1), frozenset("ac"): F(3)}
    v = {
        frozenset(s): sum((r_ for t, r_ in sets.items() if t <= frozenset(s)), F(0))
        for k in range(4)
        for s in itertools.combinations("abc", k)
    }
    phi = shapley_by_permutations(["a", "b", "c"], v)
    assert r.conversions == pytest.approx(tuple(float(phi[p]) for p in "abc"))


def test_conversion_rate_game_solved_by_hand() -> None:
    # {a,b}: 3 of 4 journeys convert; {b}: 1 of 3; {a} never seen -> v = 0.
    # Restricted to {a,b}: phi_a = (v(a) - 0 + v(ab) - v(b)) / 2 = 5/24,
    # phi_b = 1/3 + 5/24 ... times 4 journeys; {b} alone: phi_b = 1/3 times 3 journeys.
    pc = PathCounts.from_sequences(
        [["a", "b", "a"], ["b"]], conversions=[3, 1], nulls=[1, 2], value=[30, 5]
    )
    r = shapley(pc, characteristic="conversion_rate")
    assert r.conversions == pytest.approx((float(F(5, 6)), float(F(19, 6))))
    assert sum(r.conversions) == pytest.approx(4)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from("abcd"), min_size=1, max_size=4),
            st.integers(0, 4),
            st.integers(0, 4),
        ),
        min_size=1,
        max_size=8,
    ).filter(lambda rows: any(c + n > 0 for _, c, n in rows) and any(n for _, _, n in rows))
)
def test_conversion_rate_game_equals_permutation_definition(
    rows: list[tuple[list[str], int, int]],
) -> None:
    pc = PathCounts.from_sequences(
        [p for p, _, _ in rows], conversions=[c for _, c, _ in rows], nulls=[n for *_, n in rows]
    )
    r = shapley(pc, characteristic="conversion_rate")
    if not r.ok:
        assert r.reason == "no_conversions"
        return
    conv: dict[frozenset[str], int] = {}
    journeys: dict[frozenset[str], int] = {}
    for p, c, n in rows:
        s = frozenset(p)
        conv[s] = conv.get(s, 0) + c
        journeys[s] = journeys.get(s, 0) + c + n
    v = {s: F(conv[s], journeys[s]) for s in journeys if journeys[s] > 0}
    expected = {ch: F(0) for ch in pc.channels}
    for s, n in journeys.items():
        if n == 0:
            continue
        sub = {t: x for t, x in v.items() if t <= s}
        for ch, x in shapley_by_permutations(sorted(s), sub).items():
            expected[ch] += n * x
    assert r.conversions == pytest.approx(tuple(float(expected[c]) for c in pc.channels))


def test_reasons() -> None:
    no_nulls = PathCounts.from_sequences([["a"]], conversions=[1])
    assert shapley(no_nulls, characteristic="conversion_rate").reason == "no_null_journeys"
    wide = PathCounts.from_sequences([[f"c{i}" for i in range(5)]], conversions=[1], nulls=[1])
    capped = shapley(wide, characteristic="conversion_rate", max_channels=4)
    assert capped.reason == "too_many_channels"
    assert shapley(wide, characteristic="conversion_rate", max_channels=5).ok
