"""Adstock and saturation: invariants, and agreement with independent implementations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.engines.budget.transforms import (
    adstock_weights,
    geometric_adstock,
    logistic_saturation,
    logistic_saturation_inverse_slope,
    logistic_saturation_slope,
)

spend = arrays(
    np.float64,
    st.integers(1, 60),
    elements=st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False),
)
decays = st.floats(0.0, 0.95)
windows = st.integers(1, 16)


@given(spend, windows)
def test_adstock_with_zero_decay_is_the_identity(x: np.ndarray, l_max: int) -> None:
    np.testing.assert_allclose(geometric_adstock(x, decay=0.0, l_max=l_max), x)


@given(spend, decays, windows)
def test_normalised_adstock_keeps_the_total_once_the_window_has_passed(
    x: np.ndarray, decay: float, l_max: int
) -> None:
    # A pulse spreads over l_max periods with weights summing to one: with l_max - 1 trailing
    # zero periods nothing is lost off the end.
    padded = np.concatenate([x, np.zeros(l_max - 1)])
    out = geometric_adstock(padded, decay=decay, l_max=l_max)
    assert out.sum() == pytest.approx(x.sum(), rel=1e-9, abs=1e-6)


@given(spend, decays, windows)
def test_adstock_matches_a_direct_convolution(x: np.ndarray, decay: float, l_max: int) -> None:
    # Jin et al. (2017) eq. 1 written out: a_t = sum_l w_l x_{t-l} / sum_l w_l.
    w = np.array([decay**lag for lag in range(l_max)])
    expected = np.convolve(x, w / w.sum())[: x.shape[0]]
    np.testing.assert_allclose(
        geometric_adstock(x, decay=decay, l_max=l_max), expected, rtol=1e-9, atol=1e-6
    )


def test_adstock_matches_pymc_marketing_on_a_pulse() -> None:
    # pymc_marketing.mmm.transformers.geometric_adstock([1, 0, 0, 0], alpha=0.5, l_max=3,
    # normalize=True): weights 1, 0.5, 0.25 over 1.75.
    got = geometric_adstock(np.array([1.0, 0.0, 0.0, 0.0]), decay=0.5, l_max=3)
    np.testing.assert_allclose(got, [1 / 1.75, 0.5 / 1.75, 0.25 / 1.75, 0.0])


def test_unnormalised_weights_are_powers_of_the_decay() -> None:
    np.testing.assert_allclose(
        adstock_weights(0.3, l_max=4, normalize=False), [1, 0.3, 0.09, 0.027]
    )


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_decay_outside_the_unit_interval_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="decay"):
        adstock_weights(bad, l_max=3)


lams = st.floats(0.01, 50.0)
levels = st.floats(0.0, 10.0)


@given(lams)
def test_saturation_is_zero_at_zero(lam: float) -> None:
    assert float(logistic_saturation(0.0, lam=lam)) == 0.0


@given(lams, levels, levels)
def test_saturation_is_monotone_and_below_one(lam: float, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    s_lo, s_hi = logistic_saturation(np.array([lo, hi]), lam=lam)
    assert 0.0 <= s_lo <= s_hi <= 1.0


@given(lams, levels, levels)
def test_saturation_is_concave(lam: float, a: float, b: float) -> None:
    mid = logistic_saturation((a + b) / 2, lam=lam)
    chord = (logistic_saturation(a, lam=lam) + logistic_saturation(b, lam=lam)) / 2
    assert mid >= chord - 1e-12


def test_saturation_matches_the_pymc_marketing_formula() -> None:
    x = np.linspace(0.0, 3.0, 31)
    expected = (1 - np.exp(-4.0 * x)) / (1 + np.exp(-4.0 * x))
    np.testing.assert_allclose(logistic_saturation(x, lam=4.0), expected, rtol=1e-12)


@given(lams, st.floats(0.0, 5.0))
def test_slope_is_the_derivative(lam: float, x: float) -> None:
    h = 1e-6
    numeric = (
        logistic_saturation(x + h, lam=lam) - logistic_saturation(max(x - h, 0.0), lam=lam)
    ) / (x + h - max(x - h, 0.0))
    assert float(logistic_saturation_slope(x, lam=lam)) == pytest.approx(
        float(numeric), rel=1e-4, abs=1e-8
    )


@settings(max_examples=200)
@given(lams, st.floats(0.0, 5.0))
def test_inverse_slope_inverts_the_slope(lam: float, x: float) -> None:
    slope = float(logistic_saturation_slope(x, lam=lam))
    if slope < 1e-9:  # flat tail: the inverse is ill-conditioned
        return
    back = logistic_saturation_inverse_slope(slope, lam=lam)
    # The slope is flat at 0 (s''(0) = 0), so x itself is only determined to about
    # sqrt(machine eps) / lam there; the slope at the answer is what must match.
    assert float(logistic_saturation_slope(back, lam=lam)) == pytest.approx(slope, rel=1e-9)
    if lam * x > 0.1:
        assert back == pytest.approx(x, rel=1e-6)


def test_inverse_slope_at_the_ends() -> None:
    assert logistic_saturation_inverse_slope(2.0, lam=4.0) == 0.0  # slope at 0 is lam / 2
    assert logistic_saturation_inverse_slope(0.0, lam=4.0) == float("inf")
