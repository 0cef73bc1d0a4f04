r"""Weak priors on adstock decay and saturation steepness (penalised profile likelihood).

The data pin down each channel's response over the spend it has seen; the shape of the curve
beyond (and the split between carry-over and saturation) can be weakly identified, and an
unpenalised fit then drifts to the edge of the search space (a linear curve, say), which the
budget optimiser would extrapolate. Like PyMC-Marketing we put weak priors on the non-linear
parameters; the fit is the maximum a posteriori point of

.. math::

    -\log p(\alpha, \lambda \mid y) = \frac{n}{2} \log \mathrm{RSS}(\alpha, \lambda)
    - \sum_c \big[\log p(\alpha_c) + \log p(\lambda_c)\big] + \text{const},

the Gaussian likelihood with the noise variance and the linear coefficients profiled out
(Murphy & van der Vaart 2000, "On profile likelihood", JASA 95(450)). The default priors are
PyMC-Marketing's defaults for ``GeometricAdstock`` (:math:`\alpha \sim \mathrm{Beta}(1, 3)`)
and ``LogisticSaturation`` (:math:`\lambda \sim \mathrm{Gamma}(3, 1)` on spend divided by the
channel's maximum).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Priors"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Priors:
    r"""Beta prior on decay and Gamma prior on saturation steepness.

    Attributes
    ----------
    decay_a, decay_b
        :math:`\alpha \sim \mathrm{Beta}(a, b)`.
    lam_shape, lam_rate
        :math:`\lambda \sim \mathrm{Gamma}(k, \theta^{-1})` with shape ``lam_shape`` and rate
        ``lam_rate``.
    """

    decay_a: float = 1.0
    decay_b: float = 3.0
    lam_shape: float = 3.0
    lam_rate: float = 1.0

    def log_density(self, decay: FloatArray, lam: FloatArray) -> FloatArray:
        """Log prior density per element, up to a constant.

        Examples
        --------
        >>> p = Priors()
        >>> round(float(p.log_density(np.array([0.0]), np.array([2.0]))[0]), 4)  # log 4 - 2
        -0.6137
        """
        d = np.clip(np.asarray(decay, dtype=np.float64), 1e-12, 1 - 1e-12)
        lm = np.maximum(np.asarray(lam, dtype=np.float64), 1e-300)
        return (
            (self.decay_a - 1.0) * np.log(d)
            + (self.decay_b - 1.0) * np.log1p(-d)
            + (self.lam_shape - 1.0) * np.log(lm)
            - self.lam_rate * lm
        )

    def log_density_gradient(
        self, decay: FloatArray, lam: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Derivatives of :meth:`log_density` in ``decay`` and in ``log lam``."""
        d = np.clip(np.asarray(decay, dtype=np.float64), 1e-12, 1 - 1e-12)
        lm = np.asarray(lam, dtype=np.float64)
        d_decay = (self.decay_a - 1.0) / d - (self.decay_b - 1.0) / (1.0 - d)
        d_log_lam = (self.lam_shape - 1.0) - self.lam_rate * lm
        return np.asarray(d_decay, dtype=np.float64), np.asarray(d_log_lam, dtype=np.float64)
