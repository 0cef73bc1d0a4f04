"""Search over the non-linear parameters: coordinate-wise grid scans, then a joint polish.

The profile objective (:mod:`accord.engines.budget.profile`) is minimised over each channel's
adstock decay and saturation steepness. A grid scan of one channel at a time, the others held
at their current values, is repeated until no channel moves (block coordinate descent; Wright
2015, "Coordinate descent algorithms", Math. Programming 151, section 2); the best grid point
is then polished jointly by bounded quasi-Newton (L-BFGS-B; Byrd, Lu, Nocedal & Zhu 1995,
SIAM J. Sci. Comput. 16(5)) on ``(decay, log lam)`` with the analytic variable-projection
gradient (:meth:`~accord.engines.budget.profile.Profile.objective_and_gradient`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from accord.engines.budget.profile import Profile

__all__ = ["SearchSpace", "grid_search", "polish"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SearchSpace:
    """Where the non-linear parameters may lie.

    Attributes
    ----------
    decay_max
        Largest adstock decay (the smallest is 0).
    lam_min, lam_max
        Range of the saturation steepness on spend divided by the channel's maximum.
    decay_points, lam_points
        Grid sizes (decay linear, lam log-spaced).
    max_sweeps
        Cap on coordinate sweeps.
    """

    decay_max: float = 0.9
    lam_min: float = 0.1
    lam_max: float = 20.0
    decay_points: int = 10
    lam_points: int = 14
    max_sweeps: int = 6

    @property
    def decay_grid(self) -> FloatArray:
        """Decay values scanned."""
        return np.linspace(0.0, self.decay_max, self.decay_points)

    @property
    def lam_grid(self) -> FloatArray:
        """Saturation steepness values scanned (log-spaced)."""
        return np.geomspace(self.lam_min, self.lam_max, self.lam_points)


def grid_search(
    profile: Profile, space: SearchSpace, n_channels: int
) -> tuple[FloatArray, FloatArray]:
    """Coordinate-wise grid scans until no channel's parameters change.

    Parameters
    ----------
    profile
        The objective.
    space
        Bounds and grids.
    n_channels
        Number of channels.

    Returns
    -------
    tuple
        ``(decay, lam)`` arrays at the best grid point found.
    """
    decay_grid, lam_grid = space.decay_grid, space.lam_grid
    decay = np.full(n_channels, decay_grid[len(decay_grid) // 3])
    lam = np.full(n_channels, lam_grid[len(lam_grid) // 2])
    for _ in range(space.max_sweeps):
        moved = False
        for c in range(n_channels):
            best_decay, best_lam, _ = profile.scan_channel(c, decay, lam, decay_grid, lam_grid)
            if best_decay != decay[c] or best_lam != lam[c]:
                moved = True
                decay[c], lam[c] = best_decay, best_lam
        if not moved:
            break
    return decay, lam


def polish(
    profile: Profile,
    space: SearchSpace,
    decay: FloatArray,
    lam: FloatArray,
    *,
    tolerance: float = 1e-10,
) -> tuple[FloatArray, FloatArray]:
    """Refine ``(decay, lam)`` jointly with L-BFGS-B inside the search bounds.

    Parameters
    ----------
    profile
        The objective.
    space
        Bounds.
    decay, lam
        Starting point.
    tolerance
        Stop when an iteration improves the objective (a log-likelihood) by less than this,
        relative.

    Returns
    -------
    tuple
        ``(decay, lam)`` at the local optimum (the start if nothing better was found).
    """
    n = decay.shape[0]

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        return profile.objective_and_gradient(theta[:n], np.exp(theta[n:]))

    start = np.concatenate([decay, np.log(lam)])
    bounds = [(0.0, space.decay_max)] * n + [(np.log(space.lam_min), np.log(space.lam_max))] * n
    found = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 200, "ftol": tolerance},
    )
    theta = found.x if found.fun <= objective(start)[0] else start
    return np.asarray(theta[:n], dtype=np.float64), np.exp(theta[n:])
