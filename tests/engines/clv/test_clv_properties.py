"""Invariants of the CLV models, checked on generated inputs (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engines.clv._optimize import compress_rows
from accord.engines.clv.bgnbd import (
    BGNBDParams,
    bgnbd_log_likelihood,
    conditional_expected_purchases,
    expected_purchases,
    probability_alive,
)
from accord.engines.clv.gammagamma import GammaGammaParams, conditional_expected_value
from accord.engines.clv.sbg import SBGParams, retention_rate, survival

positive = st.floats(min_value=0.05, max_value=20.0)
# a = 1 and (for x = 0) a + b = 1 are removable singularities of eqs. (7) and (10).
dropout_a = st.one_of(st.floats(0.1, 0.95), st.floats(1.05, 8.0))
bgnbd_params = st.builds(BGNBDParams, r=positive, alpha=positive, a=dropout_a, b=positive).filter(
    lambda p: abs(p.a + p.b - 1) > 1e-3
)


@st.composite
def customers(draw: st.DrawFn) -> tuple[float, float, float]:
    T = draw(st.floats(0.5, 100.0))
    x = draw(st.integers(0, 40))
    t_x = 0.0 if x == 0 else draw(st.floats(0.0, 1.0)) * T
    return float(x), t_x, T


@settings(max_examples=200, deadline=None)
@given(bgnbd_params, customers())
def test_probability_alive_is_a_probability(p: BGNBDParams, c: tuple[float, float, float]) -> None:
    x, t_x, T = c
    alive = probability_alive(p, frequency=x, recency=t_x, T=T)[0]
    assert 0.0 <= alive <= 1.0
    if x == 0:
        assert alive == 1.0


@settings(max_examples=150, deadline=None)
@given(bgnbd_params, st.floats(1.0, 60.0), st.integers(1, 30))
def test_more_purchases_at_the_same_recency_mean_more_future_purchases(
    p: BGNBDParams, T: float, x: int
) -> None:
    # t_x = T: bought at the end of the window, so more purchases = higher rate, still alive.
    e = conditional_expected_purchases(p, 10.0, frequency=[x, x + 1], recency=T, T=T)
    assert np.all(np.isfinite(e))
    assert e[1] >= e[0] * (1 - 1e-9)


@settings(max_examples=150, deadline=None)
@given(bgnbd_params, customers(), st.floats(0.5, 50.0), st.floats(0.5, 50.0))
def test_expected_purchases_grow_with_horizon(
    p: BGNBDParams, c: tuple[float, float, float], t1: float, dt: float
) -> None:
    x, t_x, T = c
    e = conditional_expected_purchases(p, [t1, t1 + dt], frequency=x, recency=t_x, T=T)
    assert e[0] >= -1e-9
    assert e[1] >= e[0] * (1 - 1e-9)
    u = expected_purchases(p, [t1, t1 + dt])
    assert 0 <= u[0] <= u[1] * (1 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(bgnbd_params, st.lists(customers(), min_size=1, max_size=30), st.integers(1, 4))
def test_pooling_identical_rows_leaves_the_likelihood_unchanged(
    p: BGNBDParams, rows: list[tuple[float, float, float]], copies: int
) -> None:
    x, t_x, T = (np.array(col) for col in zip(*(rows * copies), strict=True))
    (px, ptx, pT), w = compress_rows(x, t_x, T)
    assert w.sum() == len(x)
    assert len(px) <= len(rows)
    pooled = bgnbd_log_likelihood(p, frequency=px, recency=ptx, T=pT, weights=w)
    per_row = bgnbd_log_likelihood(p, frequency=x, recency=t_x, T=T)
    assert np.isclose(pooled, per_row, rtol=1e-10, atol=1e-8)


@settings(max_examples=150, deadline=None)
@given(
    st.builds(GammaGammaParams, p=positive, q=st.floats(1.1, 20.0), gamma=positive),
    st.integers(1, 50),
    st.floats(0.01, 1000.0),
)
def test_expected_spend_shrinks_toward_the_population_mean(
    p: GammaGammaParams, x: int, m: float
) -> None:
    value = conditional_expected_value(p, frequency=x, monetary_value=m)[0]
    low, high = sorted((p.mean_value, m))
    assert low * (1 - 1e-9) <= value <= high * (1 + 1e-9)


@settings(max_examples=150, deadline=None)
@given(st.builds(SBGParams, alpha=positive, beta=positive), st.integers(1, 50))
def test_sbg_survival_falls_and_retention_rises(p: SBGParams, t: int) -> None:
    s = survival(p, [t - 1, t])
    assert 0.0 < s[1] <= s[0] <= 1.0
    r = retention_rate(p, [t, t + 1])
    assert 0.0 < r[0] <= r[1] < 1.0
