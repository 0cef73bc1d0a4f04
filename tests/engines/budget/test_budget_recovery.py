"""Recovery on simulated weekly data with 3-5 channels, with the same defaults as everywhere.

The simulator (``mmm_simulator.py``) draws decays in [0, 0.7], saturation steepness in [1, 5],
adstock windows of 8, 10 or 12 weeks (the fit always uses 8), spend in thousands with three
different patterns, a concave trend and a third yearly harmonic the fit does not model, and a
signal-to-noise of 1.5-4 per channel. Nothing here is tuned per data set.

The optimiser is judged under the *true* curves against the true optimum over the same
feasible set: by default a channel's spend is capped at the largest adstocked spend it had
(beyond that the data say nothing about the curve), and the true optimum is computed by
SciPy's SLSQP within the same bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from mmm_simulator import SimulatedMMM, simulate_mmm
from reference_optimum import slsqp_best

from accord.engines.budget import FitSettings, ResponseCurve, fit_mmm, optimize_budget


@dataclass(frozen=True)
class Outcome:
    relative_error: np.ndarray  # per channel, |fitted / true - 1|
    total_error: float  # all channels together
    optimum_ratio: float  # true response at our split / true optimum
    extrapolated: bool


def evaluate(seed: int, n_channels: int) -> Outcome:
    sim: SimulatedMMM = simulate_mmm(seed, n_channels=n_channels)
    fit = fit_mmm(
        sim.spend,
        sim.target,
        channels=sim.channels,
        dates=sim.dates,
        controls=sim.controls,
        control_names=sim.control_names,
        settings=FitSettings(bootstrap=0),
    )
    assert fit.status == "ok"
    fitted = np.array([c.contribution for c in fit.channels])
    truth = sim.true_contribution
    historical = sim.spend.mean(axis=0)
    budget = float(historical.sum())
    allocation = optimize_budget(fit.curves, budget=budget, historical=historical)
    lower = np.array([c.lower for c in allocation.channels])
    upper = np.array([c.upper for c in allocation.channels])
    true_curves = [
        ResponseCurve(name, float(sim.beta[c]), float(sim.lam[c]), float(sim.scale[c]))
        for c, name in enumerate(sim.channels)
    ]
    best = slsqp_best(true_curves, budget, lower, upper)
    ours = sim.true_response(np.array([c.spend for c in allocation.channels]))
    return Outcome(
        relative_error=np.abs(fitted / truth - 1.0),
        total_error=abs(fitted.sum() / truth.sum() - 1.0),
        optimum_ratio=ours / best,
        extrapolated=allocation.extrapolated,
    )


# The first three seeds (fixed before looking at the results), 3, 4 and 5 channels.
@pytest.mark.parametrize(("seed", "n_channels"), [(0, 3), (1, 4), (2, 5)])
def test_contributions_and_allocation_on_simulated_data(seed: int, n_channels: int) -> None:
    outcome = evaluate(seed, n_channels)
    assert np.all(outcome.relative_error <= 0.15), outcome.relative_error
    assert outcome.total_error <= 0.10
    assert outcome.optimum_ratio >= 0.98
    assert not outcome.extrapolated


@pytest.mark.slow
def test_recovery_across_forty_simulated_data_sets() -> None:
    # Measured with this code (159 channels): 90% within 15%, 97% within 25%, worst 38%
    # (a channel whose spend follows the yearly season, confounded with seasonality); the
    # optimiser reached at least 98.8% of the true optimum on every set.
    outcomes = [evaluate(seed, 3 + seed % 3) for seed in range(40)]
    errors = np.concatenate([o.relative_error for o in outcomes])
    assert np.mean(errors <= 0.15) >= 0.85
    assert np.mean(errors <= 0.25) >= 0.95
    assert max(o.total_error for o in outcomes) <= 0.20
    assert min(o.optimum_ratio for o in outcomes) >= 0.98


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_channel_without_effect_gets_little_credit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 120
    dates = np.datetime64("2021-01-04") + 7 * np.arange(n).astype("timedelta64[D]")
    t = np.arange(n) / 52.18
    real = rng.gamma(2.0, 1.0, n)
    null = np.where(rng.random(n) < 0.4, 0.0, rng.uniform(5.0, 10.0, n))
    effect = 2.0 * np.tanh(1.5 * real / real.max())
    y = 3.0 + t + np.sin(2 * np.pi * t) + effect + rng.normal(0.0, 0.2, n)
    fit = fit_mmm(
        np.column_stack([real, null]),
        y,
        channels=["real", "null"],
        dates=dates,
        settings=FitSettings(bootstrap=0),
    )
    found = {c.channel: c.contribution for c in fit.channels}
    assert found["real"] == pytest.approx(effect.sum(), rel=0.15)
    assert found["null"] < 0.10 * effect.sum()
