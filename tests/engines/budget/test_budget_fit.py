"""Recovery of PyMC-Marketing's example data, and the fit's contracts.

``mmm_example.csv`` was generated (pymc-marketing ``docs/source/notebooks/mmm/mmm_example``)
as ``y = 1000 * (2 + trend + seasonality + 1.5 event_1 + 2.5 event_2 + 3 s(a1; 4) + 2 s(a2; 3)
+ noise)`` with ``a`` the normalised geometric adstock (decay 0.4 and 0.2, window 8) of the raw
spend ``x1``, ``x2`` (already in [0, 1]) and ``s`` the logistic saturation. So in target units
the coefficients are 3000 and 2000, and the true contributions are 274,848 and 65,906.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from accord.engines.budget import FitSettings, MMMFit, fit_mmm, optimize_budget
from accord.errors import InputError

FIXTURE = Path(__file__).parents[2] / "fixtures" / "budget" / "mmm_example.csv"
TRUE_CONTRIBUTION = {"x1": 274_848.0, "x2": 65_906.0}
TRUE_DECAY = {"x1": 0.4, "x2": 0.2}
TRUE_COEFFICIENT = {"x1": 3000.0, "x2": 2000.0}
TRUE_LAM_RAW = {"x1": 4.0, "x2": 3.0}  # on raw spend; ours is on spend / max


def _fit(frame: pd.DataFrame, *, bootstrap: int, seed: int = 0) -> MMMFit:
    return fit_mmm(
        frame[["x1", "x2"]].to_numpy(),
        frame["y"].to_numpy(),
        channels=["x1", "x2"],
        dates=frame["date_week"].to_numpy().astype("datetime64[D]"),
        controls=frame[["event_1", "event_2"]].to_numpy(),
        control_names=["event_1", "event_2"],
        settings=FitSettings(bootstrap=bootstrap, seed=seed),
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_csv(FIXTURE)


@pytest.fixture(scope="module")
def example(frame: pd.DataFrame) -> MMMFit:
    return _fit(frame, bootstrap=100, seed=0)


def test_contributions_are_within_ten_percent_of_the_truth(example: MMMFit) -> None:
    assert example.status == "ok"
    for channel in example.channels:
        truth = TRUE_CONTRIBUTION[channel.channel]
        assert channel.contribution == pytest.approx(truth, rel=0.10), channel.channel


def test_parameters_are_recovered(example: MMMFit, frame: pd.DataFrame) -> None:
    for channel in example.channels:
        name = channel.channel
        assert channel.decay == pytest.approx(TRUE_DECAY[name], abs=0.1)
        assert channel.coefficient == pytest.approx(TRUE_COEFFICIENT[name], rel=0.15)
        true_lam = TRUE_LAM_RAW[name] * frame[name].max()
        assert channel.lam == pytest.approx(true_lam, rel=0.3)
    assert example.r_squared > 0.9


def test_bootstrap_intervals_cover_the_truth(example: MMMFit, frame: pd.DataFrame) -> None:
    assert example.bootstrap is not None
    assert example.bootstrap.resamples == 100
    for channel in example.channels:
        iv = channel.intervals
        assert iv is not None
        name = channel.channel
        assert iv.contribution.low <= TRUE_CONTRIBUTION[name] <= iv.contribution.high
        assert iv.decay.low <= TRUE_DECAY[name] <= iv.decay.high
        assert iv.coefficient.low <= TRUE_COEFFICIENT[name] <= iv.coefficient.high
        assert iv.contribution.low <= channel.contribution <= iv.contribution.high
        assert iv.contribution.high - iv.contribution.low < 0.5 * channel.contribution


def test_optimal_split_reaches_the_true_optimum(example: MMMFit, frame: pd.DataFrame) -> None:
    # The true steady-state response to a constant weekly spend (x1, x2) is
    # 3000 s(x1; 4) + 2000 s(x2; 3). With the historical weekly budget B, the true optimum
    # equalises the marginal returns 6000 / cosh(2 x1)^2 = 3000 / cosh(1.5 x2)^2.
    def true_response(x1: float, x2: float) -> float:
        return float(3000 * np.tanh(2.0 * x1) + 2000 * np.tanh(1.5 * x2))

    budget = float(frame["x1"].mean() + frame["x2"].mean())
    x1_star = brentq(
        lambda x1: 6000 / np.cosh(2 * x1) ** 2 - 3000 / np.cosh(1.5 * (budget - x1)) ** 2,
        0.0,
        budget,
    )
    best = true_response(x1_star, budget - x1_star)
    allocation = optimize_budget(
        example.curves, budget=budget, historical=[c.mean_spend for c in example.channels]
    )
    spend = {c.channel: c.spend for c in allocation.channels}
    assert sum(spend.values()) == pytest.approx(budget)
    assert true_response(spend["x1"], spend["x2"]) >= 0.99 * best
    assert not allocation.extrapolated


def test_figures_add_up(example: MMMFit, frame: pd.DataFrame) -> None:
    shares = [c.share for c in example.channels]
    assert sum(shares) == pytest.approx(1.0)
    np.testing.assert_allclose(
        example.contributions.sum(axis=0), [c.contribution for c in example.channels]
    )
    for c in example.channels:
        assert c.spend == pytest.approx(frame[c.channel].sum())
        assert c.roi == pytest.approx(c.contribution / c.spend)
    assert example.fitted.shape == (len(frame),)


def _independent_contribution(
    x: np.ndarray, *, decay: float, lam: float, scale: float, coefficient: float, l_max: int
) -> float:
    """Contribution written from the definitions, with np.convolve for the adstock."""
    w = decay ** np.arange(l_max)
    a = np.convolve(x / scale, w / w.sum())[: x.shape[0]]
    return float(coefficient * np.tanh(0.5 * lam * a).sum())


def test_marginal_roi_is_the_derivative_of_contribution_in_spend(
    example: MMMFit, frame: pd.DataFrame
) -> None:
    # Scale one channel's historical spend by (1 +- eps) and difference the contributions.
    for c in example.channels:
        x = frame[c.channel].to_numpy()
        params = {"decay": c.decay, "lam": c.lam, "scale": c.spend_scale,
                  "coefficient": c.coefficient, "l_max": example.l_max}  # fmt: skip
        eps = 1e-5
        up = _independent_contribution((1 + eps) * x, **params)
        down = _independent_contribution((1 - eps) * x, **params)
        assert c.marginal_roi == pytest.approx((up - down) / (2 * eps * x.sum()), rel=1e-4)
        assert _independent_contribution(x, **params) == pytest.approx(c.contribution, rel=1e-9)


def test_units_of_spend_do_not_change_the_model(frame: pd.DataFrame) -> None:
    base = _fit(frame, bootstrap=0)
    scaled = frame.assign(x1=frame["x1"] * 1000.0, x2=frame["x2"] * 250.0)
    other = _fit(scaled, bootstrap=0)
    for a, b, k in zip(base.channels, other.channels, (1000.0, 250.0), strict=True):
        assert b.decay == pytest.approx(a.decay, abs=1e-6)
        assert b.lam == pytest.approx(a.lam, rel=1e-5)
        assert b.contribution == pytest.approx(a.contribution, rel=1e-6)
        assert b.roi == pytest.approx(a.roi / k, rel=1e-6)


def test_units_of_the_target_scale_contributions(frame: pd.DataFrame) -> None:
    base = _fit(frame, bootstrap=0)
    other = _fit(frame.assign(y=frame["y"] / 1000.0), bootstrap=0)
    for a, b in zip(base.channels, other.channels, strict=True):
        assert b.contribution == pytest.approx(a.contribution / 1000.0, rel=1e-5)
        assert b.decay == pytest.approx(a.decay, abs=1e-5)


def test_the_bootstrap_is_reproducible(frame: pd.DataFrame) -> None:
    short = frame.iloc[:120]
    one = _fit(short, bootstrap=8, seed=3)
    two = _fit(short, bootstrap=8, seed=3)
    assert [c.intervals for c in one.channels] == [c.intervals for c in two.channels]


def test_too_few_periods_is_a_result_not_an_error(frame: pd.DataFrame) -> None:
    fit = _fit(frame.iloc[:15], bootstrap=0)
    assert fit.status == "not_enough_data"
    assert "periods" in str(fit.reason)
    assert fit.channels == ()


def test_a_channel_without_spend_is_reported(frame: pd.DataFrame) -> None:
    fit = _fit(frame.assign(x2=0.0), bootstrap=0)
    assert fit.status == "not_enough_data"
    assert "x2" in str(fit.reason)


def test_a_constant_target_is_reported(frame: pd.DataFrame) -> None:
    fit = _fit(frame.assign(y=5.0), bootstrap=0)
    assert fit.status == "not_enough_data"


def test_negative_spend_is_an_input_error(frame: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="negative spend"):
        _fit(frame.assign(x1=-frame["x1"]), bootstrap=0)


def test_missing_values_are_an_input_error(frame: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="finite"):
        _fit(frame.assign(y=np.where(frame.index == 3, np.nan, frame["y"])), bootstrap=0)


def test_shapes_must_agree() -> None:
    with pytest.raises(InputError, match="one column per channel"):
        fit_mmm(np.ones((50, 2)), np.ones(50), channels=["a"])
    with pytest.raises(InputError, match="target"):
        fit_mmm(np.ones((50, 1)), np.ones(49), channels=["a"])
