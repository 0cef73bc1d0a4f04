"""Seeded weekly marketing-mix data sets with known ground truth (test and benchmark helper).

Deliberately written without Accord's own transforms, straight from the definitions (Jin et al.
2017 eq. 1 and the PyMC-Marketing logistic saturation), so that a recovery test compares the
engine with an independent implementation of the data-generating process.

Spend is in currency (thousands per week), with a different pattern per channel: always-on
with noise, flighted bursts (TV-like), and seasonal pushes. The target has an intercept, a
concave growth trend, yearly seasonality with a third harmonic, two one-week events, and
Gaussian noise. Each channel's contribution varies by 1.5 to 4 noise standard deviations
(signal-to-noise of ``mmm_example.csv``: about 2.3 per channel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def _adstock(x: FloatArray, decay: float, l_max: int) -> FloatArray:
    weights = np.array([decay**lag for lag in range(l_max)])
    weights = weights / weights.sum()
    return np.convolve(x, weights)[: x.shape[0]]


def _saturation(x: FloatArray, lam: float) -> FloatArray:
    return (1.0 - np.exp(-lam * x)) / (1.0 + np.exp(-lam * x))


@dataclass(frozen=True, eq=False)
class SimulatedMMM:
    """A simulated data set and the parameters that generated it.

    ``lam`` applies to spend divided by the channel's largest weekly spend.
    """

    channels: tuple[str, ...]
    dates: NDArray[np.datetime64]
    spend: FloatArray
    target: FloatArray
    controls: FloatArray
    control_names: tuple[str, ...]
    decay: FloatArray
    lam: FloatArray
    beta: FloatArray
    l_max: int

    @property
    def scale(self) -> FloatArray:
        """Largest weekly spend per channel."""
        return np.asarray(self.spend.max(axis=0), dtype=np.float64)

    @property
    def true_contribution(self) -> FloatArray:
        """Total contribution of each channel over the data."""
        return np.array(
            [
                self.beta[c]
                * _saturation(
                    _adstock(self.spend[:, c] / self.scale[c], self.decay[c], self.l_max),
                    self.lam[c],
                ).sum()
                for c in range(len(self.channels))
            ]
        )

    def true_response(self, spend_per_week: FloatArray) -> float:
        """Steady-state weekly response to a constant spend per channel."""
        units = np.asarray(spend_per_week, dtype=np.float64) / self.scale
        return float(np.sum(self.beta * _saturation(units * self.lam, 1.0)))

    def to_columns(self) -> dict[str, NDArray[np.generic]]:
        """The data as named columns (for writing a CSV)."""
        out: dict[str, NDArray[np.generic]] = {"week": self.dates, "sales": self.target}
        for c, name in enumerate(self.channels):
            out[name] = self.spend[:, c]
        for j, name in enumerate(self.control_names):
            out[name] = self.controls[:, j]
        return out


def simulate_mmm(seed: int, *, n_channels: int = 4, n_weeks: int = 156) -> SimulatedMMM:
    """Draw a weekly data set: parameters, spend, baseline and noise all from ``seed``.

    Parameters
    ----------
    seed
        Seed of the generator.
    n_channels
        Number of paid channels (3-5 is typical).
    n_weeks
        Length in weeks.

    Returns
    -------
    SimulatedMMM
        Data and ground truth.
    """
    rng = np.random.default_rng(seed)
    l_max = int(rng.choice([8, 10, 12]))
    dates = np.datetime64("2021-01-04") + 7 * np.arange(n_weeks).astype("timedelta64[D]")
    t_years = np.arange(n_weeks) * 7.0 / 365.25
    spend = np.empty((n_weeks, n_channels))
    for c in range(n_channels):
        level = rng.uniform(5.0, 60.0)  # thousands per week
        pattern = c % 3
        if pattern == 0:  # always on, noisy
            spend[:, c] = level * rng.gamma(4.0, 0.25, n_weeks)
        elif pattern == 1:  # flighted bursts (TV-like): on for a few weeks, then off
            on = np.zeros(n_weeks, dtype=bool)
            week = int(rng.integers(0, 6))
            while week < n_weeks:
                length = int(rng.integers(2, 6))
                on[week : week + length] = True
                week += length + int(rng.integers(2, 8))
            spend[:, c] = np.where(on, level * rng.uniform(0.6, 1.6, n_weeks), 0.0)
        else:  # seasonal pushes plus noise
            season = 1.0 + 0.6 * np.sin(2 * np.pi * (t_years + rng.uniform()))
            spend[:, c] = level * season * rng.lognormal(0.0, 0.35, n_weeks)
    decay = rng.uniform(0.0, 0.7, n_channels)
    lam = rng.uniform(1.0, 5.0, n_channels)
    scale = spend.max(axis=0)
    saturated = np.column_stack(
        [
            _saturation(_adstock(spend[:, c] / scale[c], decay[c], l_max), lam[c])
            for c in range(n_channels)
        ]
    )
    intercept = rng.uniform(200.0, 1000.0)  # thousands of sales per week
    sigma = 0.03 * intercept
    # Each channel's contribution varies over time by `snr` noise standard deviations
    # (mmm_example.csv: 2.3 and 2.4); below about 1 no method can tell a channel's curve.
    snr = rng.uniform(1.5, 4.0, n_channels)
    beta = snr * sigma / saturated.std(axis=0)
    trend = intercept * 0.3 * (np.sqrt(1.0 + 3.0 * np.arange(n_weeks) / n_weeks) - 1.0)
    phase = rng.uniform(0, 2 * np.pi, 3)
    seasonality = intercept * (
        0.08 * np.sin(2 * np.pi * t_years + phase[0])
        + 0.04 * np.cos(4 * np.pi * t_years + phase[1])
        + 0.01 * np.sin(6 * np.pi * t_years + phase[2])
    )
    events = np.zeros((n_weeks, 2))
    events[rng.choice(n_weeks, size=2, replace=False), [0, 1]] = 1.0
    event_effect = events @ (intercept * np.array([0.3, -0.2]))
    noise = rng.normal(0.0, sigma, n_weeks)
    target = intercept + trend + seasonality + event_effect + saturated @ beta + noise
    return SimulatedMMM(
        channels=tuple(f"channel_{c + 1}" for c in range(n_channels)),
        dates=dates,
        spend=spend,
        target=target,
        controls=events,
        control_names=("event_a", "event_b"),
        decay=decay,
        lam=lam,
        beta=beta,
        l_max=l_max,
    )
