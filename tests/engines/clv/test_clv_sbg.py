"""sBG against Fader & Hardie (2007), planted parameters and direct summation."""

from __future__ import annotations

import numpy as np
import pytest

from accord.engines.clv.sbg import (
    SBGParams,
    _log_likelihood_and_gradient,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    fit_sbg,
    fit_sbg_cohorts,
    retention_rate,
    survival,
)
from accord.errors import InputError

# Fader & Hardie (2007), J. Interactive Marketing 21(1), p. 80 and p. 82.
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta", "ll"),
    [(HIGH_END, 0.668, 3.806, -1611.16), (REGULAR, 0.704, 1.182, -1680.27)],
)
def test_reproduces_published_cohorts(
    survivors: list[int], alpha: float, beta: float, ll: float
) -> None:
    fit = fit_sbg(survivors)
    assert fit.status == "ok"
    assert fit.params is not None
    assert round(fit.params.alpha, 3) == alpha
    assert round(fit.params.beta, 3) == beta
    assert round(fit.log_likelihood, 2) == ll


def simulate_cohort(params: SBGParams, n: int, periods: int, rng: np.random.Generator) -> list[int]:
    """Survivors after each period when each customer churns with theta ~ Beta(alpha, beta)."""
    theta = rng.beta(params.alpha, params.beta, n)
    lifetime = rng.geometric(theta)  # period in which the customer churns (1, 2, ...)
    return [int((lifetime > t).sum()) for t in range(periods + 1)]


def test_recovers_planted_parameters_from_several_cohorts() -> None:
    rng = np.random.default_rng(2007)
    truth = SBGParams(alpha=1.3, beta=4.0)
    cohorts = [simulate_cohort(truth, 5000, periods, rng) for periods in (8, 5, 3, 1)]
    fit = fit_sbg_cohorts(cohorts)
    assert fit.status == "ok"
    assert fit.n_cohorts == 4
    assert fit.n_customers == 20_000
    assert fit.params is not None
    assert fit.standard_errors is not None
    z = (fit.params.as_array() - truth.as_array()) / fit.standard_errors.as_array()
    assert np.all(np.abs(z) < 3.5), z


def test_joint_likelihood_is_the_sum_of_cohorts() -> None:
    joint = fit_sbg_cohorts([HIGH_END, REGULAR])
    assert joint.params is not None
    theta = np.log(joint.params.as_array())
    separate = 0.0
    for cohort in (HIGH_END, REGULAR):
        n = np.asarray(cohort, dtype=float)
        k = len(n) - 1
        t = np.r_[np.arange(1, k + 1), k].astype(float)
        churned = np.r_[-np.diff(n), 0.0]
        survived = np.r_[np.zeros(k), n[-1]]
        separate += _log_likelihood_and_gradient(theta, t, churned, survived)[0]
    assert joint.log_likelihood == pytest.approx(separate, rel=1e-12)


def test_survival_is_the_product_of_retention_rates() -> None:
    p = SBGParams(alpha=0.704, beta=1.182)
    t = np.arange(1, 13)
    np.testing.assert_allclose(survival(p, t), np.cumprod(retention_rate(p, t)), rtol=1e-12)
    assert survival(p, 0) == 1.0
    assert np.all(np.diff(retention_rate(p, t)) > 0)  # heterogeneity: retention rises


def test_fitted_curve_tracks_the_data() -> None:
    # FH 2007, Figure 3: the sBG curve follows the regular segment's survivors closely.
    fit = fit_sbg(REGULAR)
    assert fit.params is not None
    projected = 1000 * survival(fit.params, np.arange(8))
    np.testing.assert_allclose(projected, REGULAR, rtol=0.03)


def test_del_and_derl_equal_their_series() -> None:
    p = SBGParams(alpha=0.704, beta=1.182)
    d = 0.10
    z = 1 / (1 + d)
    t = np.arange(0, 5000)
    s = survival(p, t)
    assert discounted_expected_lifetime(p, d) == pytest.approx(np.sum(s * z**t), rel=1e-10)
    for renewals in (0, 3, 10):
        n = renewals + 1
        series = np.sum(s[n:] / s[n - 1] * z ** (t[n:] - n))
        derl = discounted_expected_residual_lifetime(p, d, renewals=renewals)
        assert derl[()] == pytest.approx(series, rel=1e-10)
    # a new customer pays now, then is worth DERL(0) one period later
    derl0 = discounted_expected_residual_lifetime(p, d, renewals=0)[()]
    assert discounted_expected_lifetime(p, d) == pytest.approx(1 + z * derl0, rel=1e-12)


def test_del_matches_monte_carlo() -> None:
    rng = np.random.default_rng(3)
    p = SBGParams(alpha=1.5, beta=3.0)
    d = 0.1
    lifetime = rng.geometric(rng.beta(p.alpha, p.beta, 400_000))  # payments made: 1, 2, ...
    discounted = (1 - (1 / (1 + d)) ** lifetime) / (1 - 1 / (1 + d))
    assert discounted.mean() == pytest.approx(discounted_expected_lifetime(p, d), rel=0.01)


def test_expected_outcomes_are_results() -> None:
    assert fit_sbg([5, 4, 3]).status == "too_few_customers"
    none = fit_sbg([100, 100, 100])
    assert none.status == "no_churn"
    assert none.params is None


@pytest.mark.parametrize("cohort", [[100, 120], [100], [-1, -2], [[100, 90]]])
def test_invalid_cohort_is_an_input_error(cohort: list[int]) -> None:
    with pytest.raises(InputError):
        fit_sbg(cohort)


def test_discount_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        discounted_expected_lifetime(SBGParams(1.0, 1.0), 0.0)
