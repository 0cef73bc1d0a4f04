"""The partialled-out objective against plain least squares, and its analytic gradient."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import lsq_linear

from accord.engines.budget.design import base_design
from accord.engines.budget.priors import Priors
from accord.engines.budget.profile import Profile
from accord.engines.budget.search import SearchSpace, grid_search, polish


@pytest.fixture(scope="module")
def problem() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    n = 120
    t = np.arange(n) / 52.18
    events = np.zeros((n, 1))
    events[40, 0] = 1.0
    design = base_design(t, trend="linear", fourier_order=2, controls=events, control_names=("e",))
    spend = np.column_stack([rng.gamma(2.0, 1.0, n), np.where(rng.random(n) < 0.4, 0.0, 1.0)])
    spend = spend / spend.max(axis=0)
    y = 3.0 + t + np.sin(2 * np.pi * t) + 2.0 * np.tanh(1.5 * spend[:, 0]) + rng.normal(0, 0.2, n)
    return design.matrix, design.penalised, spend, y


def _direct(base: np.ndarray, media: np.ndarray, y: np.ndarray, penalty: np.ndarray) -> float:
    """min ||y - B g - M b||^2 + penalties over g free, b >= 0, by SciPy's bounded solver."""
    p, c = base.shape[1], media.shape[1]
    x = np.vstack([np.hstack([base, media]), np.diag(np.sqrt(penalty))])
    target = np.concatenate([y, np.zeros(p + c)])
    lower = np.concatenate([np.full(p, -np.inf), np.zeros(c)])
    found = lsq_linear(x, target, bounds=(lower, np.full(p + c, np.inf)), tol=1e-12)
    return float(np.sum((x @ found.x - target) ** 2))


@pytest.mark.parametrize("ridge", [0.0, 0.1])
@pytest.mark.parametrize(("decay", "lam"), [((0.3, 0.0), (2.0, 5.0)), ((0.8, 0.5), (0.2, 12.0))])
def test_partialled_out_rss_equals_the_full_regression(
    problem: tuple[np.ndarray, ...], ridge: float, decay: tuple[float, ...], lam: tuple[float, ...]
) -> None:
    base, penalised, spend, y = problem
    profile = Profile(base, penalised, spend, y, ridge=ridge, l_max=8)
    solution = profile.solve(np.array(decay), np.array(lam))
    penalty = np.concatenate(
        [
            np.where(penalised, ridge * np.einsum("ij,ij->j", base, base), 0.0),
            ridge * np.einsum("ij,ij->j", solution.media, solution.media),
        ]
    )
    assert solution.objective == pytest.approx(_direct(base, solution.media, y, penalty), rel=1e-8)
    assert np.all(solution.beta >= 0.0)
    rss = np.sum((y - base @ solution.gamma - solution.media @ solution.beta) ** 2)
    shrink = penalty @ np.concatenate([solution.gamma, solution.beta]) ** 2
    assert rss + shrink == pytest.approx(solution.objective, rel=1e-8)


@pytest.mark.parametrize("ridge", [0.0, 0.1])
def test_gradient_matches_finite_differences(problem: tuple[np.ndarray, ...], ridge: float) -> None:
    base, penalised, spend, y = problem
    profile = Profile(base, penalised, spend, y, ridge=ridge, l_max=8, priors=Priors())
    rng = np.random.default_rng(0)
    for _ in range(5):
        decay = rng.uniform(0.05, 0.85, 2)
        log_lam = rng.uniform(np.log(0.2), np.log(15.0), 2)
        _, grad = profile.objective_and_gradient(decay, np.exp(log_lam))
        theta = np.concatenate([decay, log_lam])
        numeric = np.empty(4)
        for k in range(4):
            step = np.zeros(4)
            step[k] = 1e-6
            up, down = theta + step, theta - step
            numeric[k] = (
                profile.objective(up[:2], np.exp(up[2:]))
                - profile.objective(down[:2], np.exp(down[2:]))
            ) / 2e-6
        np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-4)


def test_search_finds_the_planted_curve(problem: tuple[np.ndarray, ...]) -> None:
    base, penalised, spend, y = problem
    profile = Profile(base, penalised, spend, y, ridge=0.0, l_max=8, priors=Priors())
    space = SearchSpace()
    decay, lam = polish(profile, space, *grid_search(profile, space, 2))
    assert decay[0] == pytest.approx(0.0, abs=0.1)
    assert lam[0] == pytest.approx(3.0, rel=0.35)  # y has tanh(1.5 x) = s(x; lam=3)
    beta = profile.solve(decay, lam).beta
    assert beta[0] == pytest.approx(2.0, rel=0.2)
    media = profile.solve(decay, lam).media
    assert beta[1] * media[:, 1].mean() < 0.1 * beta[0] * media[:, 0].mean()  # no effect


def test_without_priors_a_useless_channel_can_mimic_the_intercept(
    problem: tuple[np.ndarray, ...],
) -> None:
    # Why the fit has weak priors: unpenalised, the channel with no effect drifts to a high
    # decay and steepness where its column is nearly constant, and takes part of the
    # intercept as "contribution". (Documented in docs/budget.md.)
    base, penalised, spend, y = problem
    profile = Profile(base, penalised, spend, y, ridge=0.0, l_max=8)
    space = SearchSpace()
    decay, lam = polish(profile, space, *grid_search(profile, space, 2))
    solution = profile.solve(decay, lam)
    assert lam[1] > 10.0
    assert solution.media[:, 1].std() < 0.1
    assert solution.beta[1] * solution.media[:, 1].mean() > 0.5
