"""BG/NBD against Fader, Hardie & Lee (2005), planted parameters and finite differences."""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pytest
from scipy.optimize import approx_fprime

from accord.engines.clv.bgnbd import (
    BGNBDParams,
    _Likelihood,
    bgnbd_log_likelihood,
    conditional_expected_purchases,
    expected_purchases,
    fit_bgnbd,
    probability_alive,
)
from accord.engines.clv.summary import pool_rfm, rfm_summary
from accord.errors import InputError

# Fader, Hardie & Lee (2005), Marketing Science 24(2), p. 280 (CDNOW, 39-week calibration).
PUBLISHED = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
PUBLISHED_LL = -9582.4


def simulate_bgnbd(
    params: BGNBDParams, T: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw (x, t_x) from the BG/NBD story (FHL 2005, section 2), vectorised."""
    n = len(T)
    lam = rng.gamma(params.r, 1.0 / params.alpha, n)
    p = rng.beta(params.a, params.b, n)
    t = np.zeros(n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        t[alive] += rng.exponential(1.0 / lam[alive])
        bought = alive & (t <= T)
        x[bought] += 1
        t_x[bought] = t[bought]
        alive = bought & (rng.random(n) >= p)  # may drop out after each purchase
    return x, t_x


def _assert_sig(actual: float, expected: float, digits: int) -> None:
    assert float(f"{actual:.{digits}g}") == pytest.approx(expected, rel=1e-12), (actual, expected)


@pytest.fixture(scope="module")
def cdnow_rfm(cdnow_transactions: ibis.Table) -> ibis.Table:
    return rfm_summary(
        cdnow_transactions,
        customer_col="customer",
        date_col="date",
        amount_col="dollars",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
    )


def test_cdnow_from_transactions_reproduces_paper(cdnow_rfm: ibis.Table) -> None:
    s = cdnow_rfm.to_pyarrow()
    fit = fit_bgnbd(frequency=s["frequency"], recency=s["recency"], T=s["T"])
    assert fit.status == "ok"
    assert fit.n_customers == 2357
    assert fit.n_repeat_buyers == 946
    assert fit.params is not None
    _assert_sig(fit.params.r, PUBLISHED.r, 3)
    _assert_sig(fit.params.alpha, PUBLISHED.alpha, 4)
    _assert_sig(fit.params.a, PUBLISHED.a, 3)
    _assert_sig(fit.params.b, PUBLISHED.b, 4)
    assert round(fit.log_likelihood, 1) == PUBLISHED_LL
    # FHL 2005 p. 281: customer with x=2, t_x=30.43, T=38.86 expects 1.226 purchases in 39 weeks
    e = conditional_expected_purchases(fit.params, 39, frequency=2, recency=30.43, T=38.86)
    assert round(float(e[0]), 3) == 1.226


def test_cdnow_pooled_in_warehouse_gives_same_fit(cdnow_rfm: ibis.Table) -> None:
    s = cdnow_rfm.to_pyarrow()
    per_customer = fit_bgnbd(
        frequency=s["frequency"], recency=s["recency"], T=s["T"], compress=False
    )
    pooled = pool_rfm(cdnow_rfm).to_pyarrow()
    fit = fit_bgnbd(
        frequency=pooled["frequency"],
        recency=pooled["recency"],
        T=pooled["T"],
        weights=pooled["n_customers"],
    )
    assert fit.n_customers == 2357
    assert fit.n_distinct_rows == pooled.num_rows
    assert fit.params is not None
    assert per_customer.params is not None
    np.testing.assert_allclose(fit.params.as_array(), per_customer.params.as_array(), rtol=1e-6)
    assert fit.log_likelihood == pytest.approx(per_customer.log_likelihood, rel=1e-12)


def test_cdnow_published_summary(cdnow_summary: dict[str, np.ndarray]) -> None:
    fit = fit_bgnbd(
        frequency=cdnow_summary["x"], recency=cdnow_summary["t_x"], T=cdnow_summary["T"]
    )
    assert fit.params is not None
    np.testing.assert_allclose(fit.params.as_array(), PUBLISHED.as_array(), rtol=2e-3)
    assert fit.log_likelihood == pytest.approx(PUBLISHED_LL, abs=0.05)
    # lifetimes 0.11.3 (BetaGeoFitter().fit on the same file): standard errors
    assert fit.standard_errors is not None
    np.testing.assert_allclose(
        fit.standard_errors.as_array(), [0.012557, 0.378221, 0.185719, 0.705345], rtol=1e-3
    )


def test_log_likelihood_at_published_parameters(cdnow_summary: dict[str, np.ndarray]) -> None:
    ll = bgnbd_log_likelihood(
        PUBLISHED, frequency=cdnow_summary["x"], recency=cdnow_summary["t_x"], T=cdnow_summary["T"]
    )
    assert ll == pytest.approx(PUBLISHED_LL, abs=0.1)


def test_gradient_matches_finite_differences(cdnow_summary: dict[str, np.ndarray]) -> None:
    x, t_x, T = cdnow_summary["x"], cdnow_summary["t_x"], cdnow_summary["T"]
    w = np.ones_like(x)
    for theta in (np.log([0.3, 5.0, 0.8, 2.0]), np.log([2.0, 0.7, 3.0, 0.6])):
        analytic = _Likelihood(x, t_x, T, w)(theta)[1]
        numeric = approx_fprime(theta, lambda th: _Likelihood(x, t_x, T, w)(th)[0], 1e-6)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-2)


def test_recovers_planted_parameters() -> None:
    rng = np.random.default_rng(20050301)
    truth = BGNBDParams(r=0.5, alpha=6.0, a=0.8, b=2.5)
    T = rng.uniform(20, 78, 40_000)
    x, t_x = simulate_bgnbd(truth, T, rng)
    fit = fit_bgnbd(frequency=x, recency=t_x, T=T)
    assert fit.status == "ok"
    assert fit.params is not None
    assert fit.standard_errors is not None
    z = (fit.params.as_array() - truth.as_array()) / fit.standard_errors.as_array()
    assert np.all(np.abs(z) < 3.5), z  # within 3.5 standard errors
    np.testing.assert_allclose(fit.params.as_array(), truth.as_array(), rtol=0.15)


def test_expected_outcomes_are_results() -> None:
    few = fit_bgnbd(frequency=[1, 0, 2], recency=[3.0, 0.0, 5.0], T=[10.0, 10.0, 10.0])
    assert few.status == "too_few_customers"
    assert few.params is None
    assert not few.converged
    none = fit_bgnbd(frequency=[0] * 50, recency=[0.0] * 50, T=[10.0] * 50)
    assert none.status == "no_repeat_buyers"
    assert none.n_customers == 50


@pytest.mark.parametrize(
    ("x", "t_x", "T"),
    [([1], [11.0], [10.0]), ([-1], [0.0], [10.0]), ([0], [3.0], [10.0]), ([1.5], [2.0], [10.0])],
)
def test_invalid_summary_is_an_input_error(
    x: list[float], t_x: list[float], T: list[float]
) -> None:
    with pytest.raises(InputError):
        fit_bgnbd(frequency=x, recency=t_x, T=T)


def test_predictions_for_new_customer_agree() -> None:
    # A just-acquired customer (x=0, t_x=0, T=0) is an average new customer: eq. (10) -> eq. (7).
    conditional = conditional_expected_purchases(
        PUBLISHED, [5.0, 39.0], frequency=0, recency=0, T=0
    )
    np.testing.assert_allclose(conditional, expected_purchases(PUBLISHED, [5.0, 39.0]), rtol=1e-10)
    assert probability_alive(PUBLISHED, frequency=0, recency=0, T=20)[0] == 1.0


def test_unconditional_expectation_matches_simulation() -> None:
    rng = np.random.default_rng(7)
    T = np.full(200_000, 39.0)
    x, _ = simulate_bgnbd(PUBLISHED, T, rng)
    assert x.mean() == pytest.approx(expected_purchases(PUBLISHED, 39.0)[0], rel=0.02)


def test_fit_and_predictions_match_lifetimes(
    cdnow_summary: dict[str, np.ndarray], lifetimes_reference: dict[str, Any]
) -> None:
    peer = lifetimes_reference["bgnbd"]
    fit = fit_bgnbd(
        frequency=cdnow_summary["x"], recency=cdnow_summary["t_x"], T=cdnow_summary["T"]
    )
    assert fit.params is not None
    peer_params = BGNBDParams(**peer["params"])
    np.testing.assert_allclose(fit.params.as_array(), peer_params.as_array(), rtol=1e-5)
    # predictions at the peer's parameters, on its first 20 customers
    c = lifetimes_reference["customers"]
    rfm = {"frequency": c["x"], "recency": c["t_x"], "T": c["T"]}
    np.testing.assert_allclose(
        conditional_expected_purchases(peer_params, 39, **rfm),
        lifetimes_reference["conditional_expected_purchases_39"],
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        probability_alive(peer_params, **rfm), lifetimes_reference["probability_alive"], rtol=1e-9
    )
    unconditional = lifetimes_reference["expected_purchases"]
    np.testing.assert_allclose(
        expected_purchases(peer_params, unconditional["t"]), unconditional["value"], rtol=1e-9
    )


def _eq10_by_series(p: BGNBDParams, t: float, x: float, T: float) -> float:
    """Eq. (10) at t_x = T with 2F1 summed term by term in log space (no scipy hyp2f1)."""
    from scipy.special import gammaln

    A, B, C = p.r + x, p.b + x, p.a + p.b + x - 1
    z = t / (p.alpha + T + t)
    k = np.arange(200_000)
    log_terms = (
        gammaln(A + k) - gammaln(A) + gammaln(B + k) - gammaln(B)
        - gammaln(C + k) + gammaln(C) - gammaln(k + 1) + k * np.log(z)
    )  # fmt: skip
    top = log_terms.max()
    log_f = top + np.log(np.exp(log_terms - top).sum())
    tail = np.exp(A * np.log((p.alpha + T) / (p.alpha + T + t)) + log_f)
    alive = 1 / (1 + p.a / (p.b + x - 1))
    return float((p.a + p.b + x - 1) / (p.a - 1) * (1 - tail) * alive)


@pytest.mark.parametrize("x", [5.0, 100.0, 300.0])
def test_conditional_expectation_for_heavy_buyers(x: float) -> None:
    e = conditional_expected_purchases(PUBLISHED, 52.0, frequency=x, recency=52.0, T=52.0)[0]
    assert e == pytest.approx(_eq10_by_series(PUBLISHED, 52.0, x, 52.0), rel=1e-8)


def test_conditional_expectation_stays_finite_for_thousands_of_purchases() -> None:
    x = np.array([1000.0, 3000.0, 30000.0])
    e = conditional_expected_purchases(PUBLISHED, 52.0, frequency=x, recency=52.0, T=52.0)
    assert np.all(np.isfinite(e))
    assert np.all(np.diff(e) > 0)
    # at most the posterior purchase rate times the horizon
    assert np.all(e < (PUBLISHED.r + x) / (PUBLISHED.alpha + 52.0) * 52.0)


def test_bad_weights_are_an_input_error() -> None:
    with pytest.raises(InputError, match="weights"):
        fit_bgnbd(frequency=[1, 0], recency=[2.0, 0.0], T=[5.0, 5.0], weights=[1.0, -1.0])
    with pytest.raises(InputError, match="weights"):
        fit_bgnbd(frequency=[1, 0], recency=[2.0, 0.0], T=[5.0, 5.0], weights=[1.0])


def test_integer_parameter_differences_do_not_give_nan() -> None:
    # r = a makes C-A-B an integer in the transformed 2F1, where SciPy returns NaN near z=1
    p = BGNBDParams(r=1.212812260926578, alpha=0.05, a=1.212812260926578, b=4.0)
    from scipy.special import hyp2f1

    z = 25.0 / (p.alpha + 25.0)
    direct = (p.a + p.b - 1) / (p.a - 1) * (1 - (1 - z) ** p.r * hyp2f1(p.r, p.b, p.a + p.b - 1, z))
    assert expected_purchases(p, 25.0)[0] == pytest.approx(direct, rel=1e-10)
