"""The ``fitted_rate`` Shapley game: a hand-solved case, an independent fit, properties."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from accord.engines.attribution import PathCounts, markov, run_model, shapley
from accord.engines.attribution.logit import fit_logit


def shapley_by_permutations(players: list[str], v: dict[frozenset[str], float]) -> dict[str, float]:
    """Shapley (1953): average marginal contribution over all orders of arrival."""
    phi = dict.fromkeys(players, 0.0)
    orders = list(itertools.permutations(players))
    for order in orders:
        coalition: frozenset[str] = frozenset()
        for p in order:
            grown = coalition | {p}
            phi[p] += v.get(grown, 0.0) - v.get(coalition, 0.0)
            coalition = grown
    return {p: x / len(orders) for p, x in phi.items()}


def test_fitted_game_solved_by_hand() -> None:
    """Four channel sets, four coefficients: without ridge the logit is saturated.

    Observed rates: {a} 1/2, {b} 1/4, {c} 1/2, {a,b,c} 3/4. With logit(1/2) = 0 and
    logit(1/4) = -ln 3: b0 + ba = 0, b0 + bb = -ln 3, b0 + bc = 0,
    b0 + ba + bb + bc = ln 3, so b0 = -ln 3, ba = bc = ln 3, bb = 0, and the unseen
    pairs get v(ab) = sigmoid(0) = 1/2, v(ac) = sigmoid(ln 3) = 3/4, v(bc) = 1/2.
    On {a,b,c}: phi_a = 1/3 v(a) + 1/6 (v(ab) - v(b)) + 1/6 (v(ac) - v(c))
    + 1/3 (v(abc) - v(bc)) = 1/6 + 1/24 + 1/24 + 1/12 = 1/3, phi_c = 1/3 likewise,
    phi_b = 1/3 v(b) + 0 + 0 + 1/3 (v(abc) - v(ac)) = 1/12; they sum to 3/4 = v(abc).
    The 3 conversions of {a,b,c} split 4/3, 1/3, 4/3; each singleton keeps its one.
    """
    pc = PathCounts.from_sequences(
        [["a"], ["b", "b"], ["c"], ["a", "b", "c"]],
        conversions=[1, 1, 1, 3],
        nulls=[1, 3, 1, 1],
        value=[10, 10, 10, 30],
    )
    r = shapley(pc, characteristic="fitted_rate", ridge=0.0)
    assert r.ok
    assert r.conversions == pytest.approx((7 / 3, 4 / 3, 7 / 3), abs=1e-9)
    # value: 30 split 4/9, 1/9, 4/9 on top of 10 each
    assert r.value == pytest.approx((10 + 40 / 3, 10 + 10 / 3, 10 + 40 / 3), abs=1e-8)
    # the same split from the permutation definition on the hand-derived game
    v = {frozenset(k): float(x) for k, x in {"a": F(1, 2), "b": F(1, 4), "c": F(1, 2),
         "ab": F(1, 2), "ac": F(3, 4), "bc": F(1, 2), "abc": F(3, 4)}.items()}  # fmt: skip
    phi = shapley_by_permutations(["a", "b", "c"], v)
    assert [phi[c] for c in "abc"] == pytest.approx([1 / 3, 1 / 12, 1 / 3])
    # the raw-rate game gives the unseen pairs 0 and so a different split
    raw = shapley(pc, characteristic="conversion_rate")
    assert raw.conversions != pytest.approx(r.conversions, abs=1e-3)


def penalised_fit(x: np.ndarray, y: np.ndarray, n: np.ndarray, ridge: float) -> np.ndarray:
    """The same estimator by a general-purpose optimiser (BFGS), as an outside check."""
    design = np.column_stack([np.ones(len(x)), x])

    def loss(b: np.ndarray) -> float:
        eta = design @ b
        return float(-(y @ eta - n @ np.logaddexp(0, eta)) + ridge / 2 * (b[1:] @ b[1:]))

    def grad(b: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-(design @ b)))
        g = -(design.T @ (y - n * p))
        g[1:] += ridge * b[1:]
        return g

    res = minimize(loss, np.zeros(design.shape[1]), jac=grad, method="BFGS",
                   options={"gtol": 1e-10, "maxiter": 10_000})  # fmt: skip
    return np.asarray(res.x)


@pytest.mark.parametrize("ridge", [0.5, 1.0, 10.0])
def test_logit_matches_a_general_optimiser(ridge: float) -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 2, (30, 4)).astype(float)
    n = rng.integers(1, 40, 30).astype(float)
    y = rng.binomial(n.astype(int), 1 / (1 + np.exp(-(x @ [1.0, -0.5, 0.2, 0.0] - 1)))).astype(
        float
    )
    ours = fit_logit(x, successes=y, trials=n, ridge=ridge)
    assert ours == pytest.approx(penalised_fit(x, y, n, ridge), abs=1e-5)
    # unpenalised intercept: fitted conversions add up to the observed ones
    p = 1 / (1 + np.exp(-(ours[0] + x @ ours[1:])))
    assert n @ p == pytest.approx(y.sum())


rows_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from("abcd"), min_size=1, max_size=4),
        st.integers(0, 5),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=8,
).filter(lambda rows: any(c for _, c, _ in rows) and any(n for _, _, n in rows))


@settings(max_examples=30, deadline=None)
@given(rows_strategy)
def test_fitted_game_equals_permutation_definition(rows: list[tuple[list[str], int, int]]) -> None:
    """Credit = sum over sets T of conversions(T) phi_j(v|T) / v(T), with ``v`` from an
    independent fit and the Shapley value by permutations."""
    pc = PathCounts.from_sequences(
        [p for p, _, _ in rows], conversions=[c for _, c, _ in rows], nulls=[n for *_, n in rows]
    )
    r = shapley(pc, characteristic="fitted_rate", ridge=1.0)
    assert r.ok
    names = list(pc.channels)
    conv: dict[frozenset[str], float] = {}
    seen: dict[frozenset[str], float] = {}
    for p, c, n in rows:
        s = frozenset(p)
        conv[s] = conv.get(s, 0.0) + c
        seen[s] = seen.get(s, 0.0) + c + n
    sets = [s for s in seen if seen[s] > 0]
    x = np.array([[float(ch in s) for ch in names] for s in sets])
    b = penalised_fit(x, np.array([conv[s] for s in sets]), np.array([seen[s] for s in sets]), 1.0)
    coef = dict(zip(names, b[1:], strict=True))

    def v(s: frozenset[str]) -> float:
        return 0.0 if not s else float(1 / (1 + np.exp(-(b[0] + sum(coef[c] for c in s)))))

    expected = dict.fromkeys(names, 0.0)
    for s in sets:
        sub = {frozenset(t): v(frozenset(t)) for k in range(1, len(s) + 1)
               for t in itertools.combinations(sorted(s), k)}  # fmt: skip
        for ch, phi in shapley_by_permutations(sorted(s), sub).items():
            expected[ch] += conv[s] * phi / v(s)
    assert r.conversions == pytest.approx(tuple(expected[c] for c in names), abs=1e-4)
    assert sum(r.conversions) == pytest.approx(pc.total_conversions)


def test_sums_unseen_channel_and_relabelling() -> None:
    paths = [["a", "b"], ["b", "c", "b"], ["c"], ["a"], ["d", "a"]]
    conv, nulls, value = [3, 2, 1, 4, 0], [5, 1, 6, 2, 0], [30, 20, 5, 40, 0]
    pc = PathCounts.from_sequences(paths, conversions=conv, nulls=nulls, value=value)
    r = shapley(pc, characteristic="fitted_rate")
    assert sum(r.conversions) == pytest.approx(10)
    assert sum(r.value or ()) == pytest.approx(95)
    assert r.credit("d") == 0.0  # only on a path with no journey
    assert ("ridge", 1.0) in r.parameters
    # renaming the channels and reordering the paths permutes the credit
    rename = {"a": "z", "b": "y", "c": "x", "d": "w"}
    order = [3, 0, 4, 2, 1]
    moved = PathCounts.from_sequences(
        [[rename[c] for c in paths[i]] for i in order],
        conversions=[conv[i] for i in order], nulls=[nulls[i] for i in order],
        value=[value[i] for i in order],
    )  # fmt: skip
    r2 = shapley(moved, characteristic="fitted_rate")
    for old, new in rename.items():
        assert r2.credit(new) == pytest.approx(r.credit(old), abs=1e-9)
        assert r2.credit_value(new) == pytest.approx(r.credit_value(old), abs=1e-8)


def test_reasons_and_the_model_name() -> None:
    no_nulls = PathCounts.from_sequences([["a"]], conversions=[1])
    assert shapley(no_nulls, characteristic="fitted_rate").reason == "no_null_journeys"
    wide = PathCounts.from_sequences([[f"c{i}" for i in range(5)]], conversions=[1], nulls=[1])
    assert shapley(wide, characteristic="fitted_rate", max_channels=4).reason == (
        "too_many_channels"
    )
    pc = PathCounts.from_sequences([["a", "b"], ["b"]], conversions=[2, 1], nulls=[1, 3])
    named = run_model(pc, "shapley_fitted")
    assert named.model == "shapley_fitted"
    assert named.conversions == shapley(pc, characteristic="fitted_rate").conversions
    with pytest.raises(ValueError, match="ridge"):
        shapley(pc, characteristic="fitted_rate", ridge=-1.0)


def test_unequal_exposure_fitted_game_ranks_incrementality_markov_ranks_reach() -> None:
    """Channels with unequal reach; conversion by a logistic model as the simulator's.

    Channel k is on a journey with probability ``REACH[k]`` and raises the log-odds by
    ``BETA[k]`` (intercept -4). The planted incremental conversions of a channel,
    ``sum over journeys with it of p - p_without`` (``p_without = 0`` for a journey of
    that channel alone), rank ``c3 > c2 > c1 > c0``; reach ranks them the other way.
    Measured on seeds 1-5 (50,000 journeys, about 4,000 conversions): the fitted game's
    credit is c0 390-560, c1 650-790, c2 1020-1100, c3 1670-1760, the planted
    ranking every time; Markov's removal-effect credit follows the converting journeys
    through each channel (c0 first: c0 about 1,350, c3 1,050, c1 880, c2 690).
    """
    reach = np.array([0.8, 0.5, 0.3, 0.2])
    beta = np.array([0.0, 0.5, 1.2, 2.2])
    names = [f"c{k}" for k in range(4)]
    for seed in (1, 2, 3):
        rng = np.random.default_rng(seed)
        x = rng.random((50_000, 4)) < reach
        x = x[x.any(axis=1)]
        eta = -4.0 + x @ beta
        p = 1 / (1 + np.exp(-eta))
        converted = rng.random(len(x)) < p
        only = x.sum(axis=1) == 1
        planted = [float(((p - np.where(only, 0, 1 / (1 + np.exp(-(eta - beta[k])))))
                          [x[:, k]]).sum()) for k in range(4)]  # fmt: skip
        keys, inverse = np.unique(x, axis=0, return_inverse=True)
        pc = PathCounts.from_sequences(
            [[names[k] for k in range(4) if row[k]] for row in keys],
            conversions=np.bincount(inverse.ravel(), converted).tolist(),
            nulls=np.bincount(inverse.ravel(), ~converted).tolist(),
        )
        truth = sorted(names, key=lambda c: -planted[names.index(c)])
        assert truth == ["c3", "c2", "c1", "c0"]
        fitted = shapley(pc, characteristic="fitted_rate")
        assert sorted(names, key=lambda c: -fitted.credit(c)) == truth, fitted.conversions
        assert sum(fitted.conversions) == pytest.approx(converted.sum())
        through = (x & converted[:, None]).sum(axis=0)  # converting journeys with c
        chain = sorted(names, key=lambda c: -markov(pc).credit(c))
        assert chain[0] == names[int(np.argmax(through))] == "c0"
        assert chain != truth
