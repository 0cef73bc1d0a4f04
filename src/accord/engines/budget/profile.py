"""The profile objective: residual sum of squares as a function of adstock and saturation.

For fixed carry-over rates and saturation steepnesses the model is linear, so the best
coefficients are a penalised least-squares problem. The baseline is "partialled out" once
(Frisch-Waugh-Lovell theorem: Frisch & Waugh 1933, Econometrica 1(4); Lovell 1963, JASA
58(304)), leaving a ``C x C`` non-negative quadratic programme per candidate; the search over
the non-linear parameters then costs microseconds per point. Ridge penalties are written as
extra data rows (Hoerl & Kennard 1970, Technometrics 12(1), section 2), which keeps the
partialling-out exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import qr, solve_triangular
from scipy.optimize import nnls

from accord.engines.budget.priors import Priors
from accord.engines.budget.transforms import (
    geometric_adstock,
    geometric_adstock_decay_derivative,
    logistic_saturation,
)

__all__ = ["Profile", "Solution"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Solution:
    """Best linear coefficients for one setting of the non-linear parameters.

    Attributes
    ----------
    objective
        Penalised residual sum of squares.
    beta
        ``(C,)`` non-negative channel coefficients.
    gamma
        ``(p,)`` baseline coefficients.
    media
        ``(n, C)`` transformed media columns (adstock, then saturation).
    """

    objective: float
    beta: FloatArray
    gamma: FloatArray
    media: FloatArray


class Profile:
    """Penalised least squares with the baseline partialled out.

    Parameters
    ----------
    base
        ``(n, p)`` baseline design (intercept first).
    penalised
        ``(p,)`` which baseline columns are ridge-penalised.
    spend
        ``(n, C)`` spend already divided by each channel's scale.
    y
        ``(n,)`` target (any scale).
    ridge
        Relative ridge penalty: column ``j`` is penalised by ``ridge * ||x_j||^2``, i.e. a
        shrinkage of about ``1 / (1 + ridge)`` for an isolated column.
    l_max
        Adstock window.
    priors
        Weak priors on decay and steepness; ``None`` for plain least squares.
    """

    def __init__(
        self,
        base: FloatArray,
        penalised: NDArray[np.bool_],
        spend: FloatArray,
        y: FloatArray,
        *,
        ridge: float,
        l_max: int,
        priors: Priors | None = None,
    ) -> None:
        self.base = base
        self.priors = priors
        self.spend = spend
        self.ridge = ridge
        self.l_max = l_max
        n = base.shape[0]
        penalty = np.where(penalised, ridge * np.einsum("ij,ij->j", base, base), 0.0)
        augmented = np.vstack([base, np.diag(np.sqrt(penalty))])
        # Pivoted QR finds the rank: a control that is all zeros over the data, or a copy of
        # another column, is dropped (its coefficient reported as 0) instead of failing.
        q, r, pivot = qr(augmented, mode="economic", pivoting=True)
        size = np.abs(np.diag(r))
        rank = int(np.sum(size > 1e-10 * size[0])) if size.size else 0
        self._q_top: FloatArray = np.ascontiguousarray(q[:n, :rank])
        self._r: FloatArray = r[:rank, :rank]
        self._kept = pivot[:rank]
        self._n_base = base.shape[1]
        self.set_target(y)
        self._adstock_cache: dict[tuple[int, float], FloatArray] = {}

    def set_target(self, y: FloatArray) -> None:
        """Replace the target (used by the bootstrap); the baseline factorisation is kept."""
        self.y = y
        self._qy: FloatArray = self._q_top.T @ y
        self._ryy = float(y @ y - self._qy @ self._qy)

    def adstocked(self, channel: int, decay: float) -> FloatArray:
        """Adstocked (scaled) spend of one channel, cached by decay."""
        key = (channel, round(decay, 12))
        hit = self._adstock_cache.get(key)
        if hit is None:
            hit = geometric_adstock(self.spend[:, channel], decay=decay, l_max=self.l_max)
            if len(self._adstock_cache) > 4096:
                self._adstock_cache.clear()
            self._adstock_cache[key] = hit
        return hit

    def media(self, decay: FloatArray, lam: FloatArray) -> FloatArray:
        """The ``(n, C)`` transformed media columns."""
        out = np.empty(self.spend.shape)
        for c in range(self.spend.shape[1]):
            np.tanh((0.5 * float(lam[c])) * self.adstocked(c, float(decay[c])), out=out[:, c])
        return out  # logistic saturation = tanh(lam x / 2), see transforms

    def gram(self, media: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Partialled-out normal equations ``(G, h, U)`` for media columns ``M``.

        ``G = M'M - U'U + R`` and ``h = M'y - U'Q'y`` with ``U = Q'M``, ``R`` the channel ridge.
        """
        u = self._q_top.T @ media
        g = media.T @ media - u.T @ u
        if self.ridge:
            g[np.diag_indices_from(g)] += self.ridge * np.einsum("ij,ij->j", media, media)
        h = media.T @ self.y - u.T @ self._qy
        return g, h, u

    def solve_beta(self, g: FloatArray, h: FloatArray) -> tuple[FloatArray, float]:
        """Minimise ``b'Gb - 2h'b`` over ``b >= 0``; returns ``(b, objective)``.

        The unconstrained solution is used when it is non-negative (the usual case); otherwise
        the problem is rewritten as non-negative least squares with the Cholesky factor of
        ``G`` (Lawson & Hanson 1974, *Solving Least Squares Problems*, ch. 23).
        """
        size = g.shape[0]
        g = g.copy()
        g.flat[:: size + 1] += 1e-12 * float(np.trace(g)) / size + 1e-300
        beta = np.asarray(np.linalg.solve(g, h), dtype=np.float64)
        if np.any(beta < 0.0):
            lower = np.linalg.cholesky(g)
            solved, _ = nnls(lower.T, np.linalg.solve(lower, h))
            beta = np.asarray(solved, dtype=np.float64)
        objective = self._ryy - 2.0 * float(h @ beta) + float(beta @ g @ beta)
        return beta, objective

    def log_prior(self, decay: FloatArray, lam: FloatArray) -> float:
        """Sum of the log prior densities (0 without priors)."""
        if self.priors is None:
            return 0.0
        return float(np.sum(self.priors.log_density(decay, lam)))

    def objective(self, decay: FloatArray, lam: FloatArray) -> float:
        """Negative log-posterior, up to a constant: ``n/2 log RSS - log prior``."""
        g, h, _ = self.gram(self.media(decay, lam))
        rss = self.solve_beta(g, h)[1]
        half_n = 0.5 * self.y.shape[0]
        return float(half_n * np.log(max(rss, 1e-300)) - self.log_prior(decay, lam))

    def objective_and_gradient(
        self, decay: FloatArray, lam: FloatArray
    ) -> tuple[float, FloatArray]:
        r""":meth:`objective` and its gradient in ``(decay, log lam)``.

        Variable projection (Golub & Pereyra 1973, SIAM J. Numer. Anal. 10(2)): at the best
        linear coefficients the derivative of the penalised RSS in a non-linear parameter is
        the partial derivative with the coefficients held fixed (envelope theorem),
        :math:`\partial \mathrm{RSS} / \partial\theta = -2 \beta_c\, r' \partial m_c /
        \partial\theta + 2\rho\beta_c^2 m_c' \partial m_c / \partial\theta`, with ``r`` the
        residual and ``rho`` the channel ridge; non-negativity constraints are fixed at the
        optimum, which leaves the formula unchanged.
        """
        n_channels = self.spend.shape[1]
        media = self.media(decay, lam)
        g, h, u = self.gram(media)
        beta, rss = self.solve_beta(g, h)
        fitted = media @ beta
        residual = (self.y - fitted) - self._q_top @ (self._qy - u @ beta)
        grad = np.empty(2 * n_channels)
        for c in range(n_channels):
            a = self.adstocked(c, float(decay[c]))
            lam_c = float(lam[c])
            sech2 = 1.0 - media[:, c] ** 2  # media = tanh(lam a / 2)
            d_media_d_a = 0.5 * lam_c * sech2
            d_decay = d_media_d_a * geometric_adstock_decay_derivative(
                self.spend[:, c], decay=float(decay[c]), l_max=self.l_max
            )
            d_log_lam = 0.5 * lam_c * a * sech2
            weight = -2.0 * beta[c] * residual + 2.0 * self.ridge * beta[c] ** 2 * media[:, c]
            grad[c] = float(weight @ d_decay)
            grad[n_channels + c] = float(weight @ d_log_lam)
        half_n = 0.5 * self.y.shape[0]
        safe_rss = max(rss, 1e-300)
        value = half_n * float(np.log(safe_rss)) - self.log_prior(decay, lam)
        grad *= half_n / safe_rss
        if self.priors is not None:
            p_decay, p_log_lam = self.priors.log_density_gradient(decay, lam)
            grad[:n_channels] -= p_decay
            grad[n_channels:] -= p_log_lam
        return value, grad

    def solve(self, decay: FloatArray, lam: FloatArray) -> Solution:
        """Full solution (channel and baseline coefficients) for these parameters."""
        media = self.media(decay, lam)
        g, h, u = self.gram(media)
        beta, objective = self.solve_beta(g, h)
        # Baseline: R gamma = Q'(y - M beta) on the augmented system (kept columns only).
        gamma = np.zeros(self._n_base)
        gamma[self._kept] = solve_triangular(self._r, self._qy - u @ beta)
        return Solution(objective=objective, beta=beta, gamma=gamma, media=media)

    def scan_channel(
        self,
        channel: int,
        decay: FloatArray,
        lam: FloatArray,
        decay_grid: FloatArray,
        lam_grid: FloatArray,
    ) -> tuple[float, float, float]:
        """Best ``(decay, lam, criterion)`` for one channel over a grid, others held fixed.

        The criterion is :meth:`objective` less the other channels' (constant) prior terms.
        """
        media = self.media(decay, lam)
        others = [c for c in range(media.shape[1]) if c != channel]
        fixed = media[:, others]
        u_fixed = self._q_top.T @ fixed
        g_fixed = fixed.T @ fixed - u_fixed.T @ u_fixed
        g_fixed[np.diag_indices_from(g_fixed)] += self.ridge * np.einsum("ij,ij->j", fixed, fixed)
        h_fixed = fixed.T @ self.y - u_fixed.T @ self._qy
        candidates = np.column_stack(
            [
                logistic_saturation(self.adstocked(channel, float(d)), lam=float(lam_value))
                for d in decay_grid
                for lam_value in lam_grid
            ]
        )
        u_cand = self._q_top.T @ candidates
        norms = np.einsum("ij,ij->j", candidates, candidates)
        g_cc = norms - np.einsum("ij,ij->j", u_cand, u_cand) + self.ridge * norms
        g_co = candidates.T @ fixed - u_cand.T @ u_fixed
        h_c = candidates.T @ self.y - u_cand.T @ self._qy
        half_n = 0.5 * self.y.shape[0]
        grid_decay = np.repeat(decay_grid, lam_grid.shape[0])
        grid_lam = np.tile(lam_grid, decay_grid.shape[0])
        prior = (
            self.priors.log_density(grid_decay, grid_lam)
            if self.priors is not None
            else np.zeros(grid_decay.shape[0])
        )
        size = len(others) + 1
        best = (float(decay[channel]), float(lam[channel]), np.inf)
        g = np.empty((size, size))
        g[1:, 1:] = g_fixed
        h = np.empty(size)
        h[1:] = h_fixed
        for k in range(candidates.shape[1]):
            g[0, 0] = g_cc[k]
            g[0, 1:] = g_co[k]
            g[1:, 0] = g_co[k]
            h[0] = h_c[k]
            _, rss = self.solve_beta(g, h)
            value = half_n * float(np.log(max(rss, 1e-300))) - prior[k]
            if value < best[2]:
                d_idx, l_idx = divmod(k, lam_grid.shape[0])
                best = (float(decay_grid[d_idx]), float(lam_grid[l_idx]), value)
        return best
