"""Media transforms: geometric adstock (carry-over) and logistic saturation (shape).

Both follow the conventions of PyMC-Marketing's ``pymc_marketing.mmm.transformers`` so that
parameters read the same way in both tools:

- **geometric adstock** with a finite window of ``l_max`` periods and weights normalised to
  sum to one, applied "after" (week ``t`` sees spend of weeks ``t, t-1, ..., t-l_max+1``;
  weeks before the first observation count as zero spend);
- **logistic saturation** ``(1 - exp(-lam x)) / (1 + exp(-lam x))`` on spend divided by the
  channel's largest historical spend, so ``lam`` is comparable across channels whatever the
  currency.

References
----------
.. [1] Jin, Y., Wang, Y., Sun, Y., Chan, D., & Koehler, J. (2017). *Bayesian methods for
   media mix modeling with carryover and shape effects*. Google Inc., section 2.1, eq. (1)
   (adstock with normalised weights, geometric decay w(l) = alpha^l).
.. [2] PyMC-Marketing, ``pymc_marketing.mmm.transformers.geometric_adstock`` and
   ``logistic_saturation`` (Apache-2.0), https://www.pymc-marketing.io/.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "adstock_weights",
    "geometric_adstock",
    "geometric_adstock_decay_derivative",
    "logistic_saturation",
    "logistic_saturation_inverse_log_slope",
    "logistic_saturation_inverse_slope",
    "logistic_saturation_slope",
]

FloatArray = NDArray[np.float64]


def adstock_weights(decay: float, *, l_max: int, normalize: bool = True) -> FloatArray:
    r"""Geometric carry-over weights :math:`w_l = \alpha^l`, :math:`l = 0, \dots, L-1`.

    Parameters
    ----------
    decay
        The share :math:`\alpha \in [0, 1)` of an effect that carries to the next period.
    l_max
        The window :math:`L` (number of periods an effect lasts, the current one included).
    normalize
        Divide by :math:`\sum_l \alpha^l` so the weights sum to one ([1]_ eq. 1).

    Returns
    -------
    numpy.ndarray
        ``l_max`` weights.

    Examples
    --------
    >>> adstock_weights(0.5, l_max=3, normalize=False).tolist()
    [1.0, 0.5, 0.25]
    """
    if not 0.0 <= decay < 1.0:
        raise ValueError(f"decay must be in [0, 1), got {decay}")
    if l_max < 1:
        raise ValueError(f"l_max must be at least 1, got {l_max}")
    weights = decay ** np.arange(l_max, dtype=np.float64)
    if normalize:
        weights /= weights.sum()
    return weights


def geometric_adstock(
    x: NDArray[np.floating], *, decay: float, l_max: int = 8, normalize: bool = True
) -> FloatArray:
    r"""Carry spend over time with geometrically decaying weights.

    .. math::

        a_t = \sum_{l=0}^{L-1} w_l \, x_{t-l}, \qquad
        w_l = \frac{\alpha^l}{\sum_{j=0}^{L-1} \alpha^j} \text{ (normalised)},

    with :math:`x_{t} = 0` for :math:`t < 0` ([1]_ eq. 1; [2]_ ``geometric_adstock``).

    Parameters
    ----------
    x
        Spend per period, shape ``(n,)`` or ``(n, k)`` (each column transformed alone).
    decay
        Carry-over rate :math:`\alpha \in [0, 1)`; 0 leaves ``x`` unchanged.
    l_max
        Window length :math:`L` in periods.
    normalize
        Normalise the weights to sum to one, so a pulse keeps its total mass.

    Returns
    -------
    numpy.ndarray
        Adstocked spend, same shape as ``x``.

    Examples
    --------
    >>> geometric_adstock(np.array([1.0, 0.0, 0.0]), decay=0.5, l_max=2).round(3).tolist()
    [0.667, 0.333, 0.0]
    """
    values = np.asarray(x, dtype=np.float64)
    weights = adstock_weights(decay, l_max=l_max, normalize=normalize)
    n = values.shape[0]
    out: FloatArray = weights[0] * values
    for lag in range(1, min(l_max, n)):
        out[lag:] += weights[lag] * values[: n - lag]
    return out


def geometric_adstock_decay_derivative(
    x: NDArray[np.floating], *, decay: float, l_max: int = 8
) -> FloatArray:
    r"""Derivative of the normalised :func:`geometric_adstock` with respect to the decay.

    With :math:`S = \sum_j \alpha^j` and :math:`S' = \sum_j j\alpha^{j-1}`,
    :math:`\partial w_l / \partial\alpha = (l\alpha^{l-1} S - \alpha^l S') / S^2`; adstock is
    linear in its weights, so the derivative is the same convolution with these weights.
    Used for the analytic gradient of the fit's objective.

    Parameters
    ----------
    x
        Spend per period, shape ``(n,)``.
    decay
        Carry-over rate in ``[0, 1)``.
    l_max
        Window length.

    Returns
    -------
    numpy.ndarray
        :math:`\partial a_t / \partial \alpha`, shape ``(n,)``.
    """
    lags = np.arange(l_max, dtype=np.float64)
    powers = decay**lags
    slopes = np.zeros(l_max)
    slopes[1:] = lags[1:] * decay ** (lags[1:] - 1.0)
    total, total_slope = powers.sum(), slopes.sum()
    weights = (slopes * total - powers * total_slope) / total**2
    values = np.asarray(x, dtype=np.float64)
    n = values.shape[0]
    out: FloatArray = weights[0] * values
    for lag in range(1, min(l_max, n)):
        out[lag:] += weights[lag] * values[: n - lag]
    return out


def logistic_saturation(x: NDArray[np.floating] | float, *, lam: float) -> FloatArray:
    r"""Diminishing returns: :math:`s(x) = \frac{1 - e^{-\lambda x}}{1 + e^{-\lambda x}}`.

    Equal to :math:`\tanh(\lambda x / 2)`: 0 at 0, increasing, concave for :math:`x \ge 0`,
    tending to 1 ([2]_ ``logistic_saturation``).

    Parameters
    ----------
    x
        Non-negative (adstocked, scaled) spend.
    lam
        Steepness :math:`\lambda > 0`.

    Returns
    -------
    numpy.ndarray
        Values in ``[0, 1)``.

    Examples
    --------
    >>> float(logistic_saturation(0.0, lam=4.0))
    0.0
    >>> round(float(logistic_saturation(1.0, lam=4.0)), 4)
    0.964
    """
    return np.tanh(0.5 * lam * np.asarray(x, dtype=np.float64))


def logistic_saturation_slope(x: NDArray[np.floating] | float, *, lam: float) -> FloatArray:
    r"""Derivative :math:`s'(x) = \frac{2\lambda e^{-\lambda x}}{(1 + e^{-\lambda x})^2}
    = \frac{\lambda}{2}\,(1 - \tanh^2(\lambda x / 2))`.

    Parameters
    ----------
    x
        Non-negative (adstocked, scaled) spend.
    lam
        Steepness :math:`\lambda > 0`.

    Returns
    -------
    numpy.ndarray
        The slope, decreasing from :math:`\lambda / 2` at 0 towards 0.
    """
    # 2 lam e^{-lam x} / (1 + e^{-lam x})^2: the same value without the cancellation of
    # 1 - tanh^2 on the flat tail (x >= 0, so the exponential cannot overflow).
    e = np.exp(-lam * np.abs(np.asarray(x, dtype=np.float64)))
    slope: FloatArray = 2.0 * lam * e / (1.0 + e) ** 2
    return slope


def logistic_saturation_inverse_slope(slope: float, *, lam: float) -> float:
    r"""The ``x >= 0`` where :math:`s'(x)` equals ``slope``; 0 when ``slope >= lam / 2``.

    Solves :math:`\frac{\lambda}{2}(1 - \tanh^2(\lambda x/2)) = g`, i.e.
    :math:`x = \frac{2}{\lambda}\,\operatorname{artanh}\sqrt{1 - r}
    = \frac{2}{\lambda} \log\frac{1 + \sqrt{1 - r}}{\sqrt{r}}`, :math:`r = 2g/\lambda`. Used by the
    budget optimiser to equalise marginal returns in closed form.

    Parameters
    ----------
    slope
        Target slope :math:`g > 0`.
    lam
        Steepness :math:`\lambda > 0`.

    Returns
    -------
    float
        The spend (on the saturation's scale) with that slope; ``inf`` when ``slope <= 0``.
    """
    if slope <= 0.0:
        return float("inf")
    return logistic_saturation_inverse_log_slope(float(np.log(slope)), lam=lam)


def logistic_saturation_inverse_log_slope(log_slope: float, *, lam: float) -> float:
    r""":func:`logistic_saturation_inverse_slope` given :math:`\log g`.

    Far out on the flat tail the slope underflows; working with its logarithm,
    :math:`x = \frac{2}{\lambda}\big(\log(1 + \sqrt{1 - r}) - \tfrac12 \log r\big)`
    stays exact for any :math:`\log r = \log g + \log(2 / \lambda)`.

    Parameters
    ----------
    log_slope
        :math:`\log g`.
    lam
        Steepness :math:`\lambda > 0`.

    Returns
    -------
    float
        The spend (on the saturation's scale) with that slope.

    Examples
    --------
    >>> round(logistic_saturation_inverse_log_slope(-1000.0, lam=2.0), 3)  # slope e^-1000
    500.693
    """
    log_ratio = log_slope + float(np.log(2.0 / lam))
    if log_ratio >= 0.0:
        return 0.0
    root = np.sqrt(-np.expm1(log_ratio))  # sqrt(1 - r), exact also for r close to 1
    return float(2.0 / lam * (np.log1p(root) - 0.5 * log_ratio))
