"""Gamma-Gamma against Fader & Hardie (2013), lifetimes 0.11.3 and planted parameters."""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pytest
from scipy.optimize import approx_fprime

from accord.engines.clv.gammagamma import (
    GammaGammaParams,
    _log_likelihood_and_gradient,
    conditional_expected_value,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
)
from accord.engines.clv.summary import rfm_summary
from accord.errors import InputError


def test_cdnow_from_transactions_reproduces_note(cdnow_transactions: ibis.Table) -> None:
    s = rfm_summary(
        cdnow_transactions,
        customer_col="customer",
        date_col="date",
        amount_col="dollars",
        calibration_end="1997-09-30",
    ).to_pyarrow()
    fit = fit_gamma_gamma(frequency=s["frequency"], monetary_value=s["monetary_value"])
    assert fit.status == "ok"
    assert fit.n_customers == 946
    assert fit.params is not None
    # Fader & Hardie (2013), p. 5: p = 6.25, q = 3.74, gamma = 15.44
    assert round(fit.params.p, 2) == 6.25
    assert round(fit.params.q, 2) == 3.74
    assert round(fit.params.gamma, 2) == 15.44


def test_cdnow_summary_matches_lifetimes(
    cdnow_summary: dict[str, np.ndarray], lifetimes_reference: dict[str, Any]
) -> None:
    # The summary file rounds zbar to cents, which moves gamma in the 4th digit (15.45).
    fit = fit_gamma_gamma(frequency=cdnow_summary["x"], monetary_value=cdnow_summary["zbar"])
    assert fit.params is not None
    assert fit.standard_errors is not None
    peer = lifetimes_reference["gamma_gamma"]
    np.testing.assert_allclose(
        fit.params.as_array(), [peer["params"][k] for k in ("p", "q", "v")], rtol=1e-5
    )
    np.testing.assert_allclose(
        fit.standard_errors.as_array(),
        [peer["standard_errors"][k] for k in ("p", "q", "v")],
        rtol=1e-3,
    )


def test_conditional_expected_value_matches_lifetimes(lifetimes_reference: dict[str, Any]) -> None:
    peer = lifetimes_reference["gamma_gamma"]["params"]
    params = GammaGammaParams(p=peer["p"], q=peer["q"], gamma=peer["v"])
    customers = lifetimes_reference["customers"]
    ours = conditional_expected_value(
        params, frequency=customers["x"], monetary_value=customers["zbar"]
    )
    np.testing.assert_allclose(
        ours, lifetimes_reference["conditional_expected_average_profit"], rtol=1e-9
    )


def test_gradient_matches_finite_differences(cdnow_summary: dict[str, np.ndarray]) -> None:
    repeat = cdnow_summary["x"] > 0
    x, m = cdnow_summary["x"][repeat], cdnow_summary["zbar"][repeat]
    w = np.ones_like(x)
    theta = np.log([3.0, 2.5, 20.0])
    analytic = _log_likelihood_and_gradient(theta, x, m, w)[1]
    numeric = approx_fprime(theta, lambda th: _log_likelihood_and_gradient(th, x, m, w)[0], 1e-6)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-2)


def test_recovers_planted_parameters() -> None:
    rng = np.random.default_rng(2013)
    truth = GammaGammaParams(p=4.0, q=3.0, gamma=20.0)
    n = 20_000
    x = rng.integers(1, 12, n).astype(float)
    nu = rng.gamma(truth.q, 1.0 / truth.gamma, n)  # scale of each customer's spend
    m = rng.gamma(truth.p * x, 1.0 / nu) / x  # mean of x Gamma(p, nu) values
    fit = fit_gamma_gamma(frequency=x, monetary_value=m)
    assert fit.status == "ok"
    assert fit.params is not None
    assert fit.standard_errors is not None
    z = (fit.params.as_array() - truth.as_array()) / fit.standard_errors.as_array()
    assert np.all(np.abs(z) < 3.5), z
    assert abs(fit.frequency_value_correlation) < 0.05  # independent by construction


def test_expected_outcomes_are_results() -> None:
    assert fit_gamma_gamma(frequency=[0, 0], monetary_value=[0.0, 0.0]).status == "no_repeat_buyers"
    few = fit_gamma_gamma(frequency=[1, 2, 0], monetary_value=[5.0, 6.0, 0.0])
    assert few.status == "too_few_customers"
    assert few.n_customers == 2
    assert few.params is None


def test_non_positive_spend_is_an_input_error() -> None:
    with pytest.raises(InputError, match="positive"):
        fit_gamma_gamma(frequency=[1, 2] * 10, monetary_value=[5.0, -1.0] * 10)


def test_one_time_buyers_carry_no_information(cdnow_summary: dict[str, np.ndarray]) -> None:
    params = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
    x, m = cdnow_summary["x"], cdnow_summary["zbar"]
    repeat = x > 0
    assert gamma_gamma_log_likelihood(
        params, frequency=x, monetary_value=m
    ) == gamma_gamma_log_likelihood(params, frequency=x[repeat], monetary_value=m[repeat])
