"""Expected purchases while alive: three independent computations must agree."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaln, hyp2f1

from accord.engines.clv._expected import _beta_rule, _by_quadrature, alive_expected_purchases
from accord.engines.clv.bgnbd import BGNBDParams, expected_purchases


def _by_series(r: float, a: float, b: float, x: float, s: float, t: float) -> float:
    """FHL 2005 eq. (10) without P(alive), 2F1 summed term by term in log space."""
    A, B, C = r + x, b + x, a + b + x - 1
    z = t / (s + t)
    k = np.arange(400_000, dtype=float)
    log_terms = (
        gammaln(A + k) - gammaln(A) + gammaln(B + k) - gammaln(B)
        - gammaln(C + k) + gammaln(C) - gammaln(k + 1) + k * np.log(z)
    )  # fmt: skip
    assert log_terms[-1] - log_terms.max() < -40  # converged
    top = log_terms.max()
    log_f = top + np.log(np.exp(log_terms - top).sum())
    return float((C / (a - 1)) * (1 - np.exp(A * np.log1p(-z) + log_f)))


@pytest.mark.parametrize(
    ("r", "alpha", "a", "b", "t"),
    [
        (0.05, 0.05078125, 1.05, 4.0, 19.0),  # SciPy wrong after Euler's transformation
        (0.3, 0.1, 1.3, 2.0, 50.0),  # SciPy wrong in the direct form
        (0.5, 0.02, 1.5, 0.8, 40.0),  # SciPy wrong in the direct form
        (1.212812260926578, 0.05, 1.212812260926578, 4.0, 25.0),  # SciPy NaN (Euler form)
    ],
)
def test_near_integer_cases_match_the_series(
    r: float, alpha: float, a: float, b: float, t: float
) -> None:
    ours = expected_purchases(BGNBDParams(r=r, alpha=alpha, a=a, b=b), t)[0]
    assert ours == pytest.approx(_by_series(r, a, b, 0.0, alpha, t), rel=1e-9)


def test_heavy_buyers_are_finite_and_agree_with_quadrature() -> None:
    x = np.array([1000.0, 3000.0, 30000.0])
    s, t = np.full(3, 56.4), np.full(3, 52.0)
    g = alive_expected_purchases(0.243, 0.793, 2.426, x, s, t)
    assert np.all(np.isfinite(g))
    assert np.all(np.diff(g) > 0)
    np.testing.assert_allclose(g, _by_quadrature(0.243, 0.793, 2.426, x, s, t), rtol=1e-9)


def test_beta_rule_integrates_beta_moments() -> None:
    # E[p^k] under Beta(a, b) = prod_{i<k} (a+i)/(a+b+i); exact for k < 2n
    for a, b in ((0.7, 2.5), (3.0, 0.4), (0.8, 5000.0)):
        p, w = _beta_rule(16, a, b)
        for k in range(5):
            exact = np.prod([(a + i) / (a + b + i) for i in range(k)])
            assert np.dot(w, p**k) == pytest.approx(exact, rel=1e-10)


@settings(max_examples=60, deadline=None)
@given(
    r=st.floats(0.05, 10.0),
    a=st.floats(0.1, 6.0).filter(lambda v: abs(v - 1) > 0.05),
    b=st.floats(0.1, 10.0),
    x=st.integers(0, 60),
    s=st.floats(1.0, 80.0),
    t=st.floats(0.5, 80.0),
)
def test_quadrature_agrees_with_hyp2f1_where_scipy_is_reliable(
    r: float, a: float, b: float, x: int, s: float, t: float
) -> None:
    z = t / (s + t)
    factor = (a + b + x - 1) / (a - 1)
    euler = factor * (1 - (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z))
    direct = factor * (1 - (1 - z) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    if not (np.isfinite(euler) and abs(euler - direct) <= 1e-9 * abs(euler)):
        return  # SciPy unreliable here: covered by the series cases above
    quad = _by_quadrature(r, a, b, np.array([float(x)]), np.array([s]), np.array([t]))[0]
    assert quad == pytest.approx(euler, rel=1e-7)
