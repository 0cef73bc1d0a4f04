r"""Per-channel contribution, share, ROI and marginal ROI of a fitted model.

With :math:`a_{t,c}` the adstocked, scaled spend of channel :math:`c`, the channel's
contribution in period :math:`t` is :math:`\beta_c\, s(a_{t,c}; \lambda_c)` (Jin et al. 2017,
eq. 3: the media term of the additive model). Totals over the data give

.. math::

    \text{ROI}_c = \frac{\sum_t \beta_c s(a_{t,c})}{\sum_t x_{t,c}}, \qquad
    \text{mROI}_c = \frac{\frac{d}{d\epsilon}\sum_t \beta_c s((1+\epsilon) a_{t,c})
    \big|_{\epsilon=0}}{\sum_t x_{t,c}}
    = \frac{\beta_c \sum_t a_{t,c}\, s'(a_{t,c})}{\sum_t x_{t,c}},

the marginal ROI being the return on one more unit of spend laid out like the historical
spend (adstock is linear, so scaling spend scales :math:`a`). ROI is "ROAS" in Jin et al.
(2017, section 4) when the target is revenue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.engines.budget.transforms import logistic_saturation, logistic_saturation_slope

__all__ = ["ChannelFigures", "channel_figures"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ChannelFigures:
    """Per-channel totals, each an array of length ``C``."""

    contribution: FloatArray
    share: FloatArray
    roi: FloatArray
    marginal_roi: FloatArray
    per_period: FloatArray


def channel_figures(
    adstocked: FloatArray, spend: FloatArray, *, beta: FloatArray, lam: FloatArray
) -> ChannelFigures:
    """Contribution, share, ROI and marginal ROI of every channel.

    Parameters
    ----------
    adstocked
        ``(n, C)`` adstocked spend, each channel divided by its spend scale.
    spend
        ``(n, C)`` raw spend (currency).
    beta
        ``(C,)`` coefficients in target units.
    lam
        ``(C,)`` saturation steepness.

    Returns
    -------
    ChannelFigures
        Totals; ROI and marginal ROI are ``nan`` for a channel without spend.

    Examples
    --------
    >>> a = np.array([[0.5], [1.0]])
    >>> f = channel_figures(a, a * 100, beta=np.array([10.0]), lam=np.array([2.0]))
    >>> round(float(f.contribution[0]), 3), float(f.share[0])
    (12.237, 1.0)
    """
    per_period = beta * np.column_stack(
        [logistic_saturation(adstocked[:, c], lam=float(lam[c])) for c in range(beta.shape[0])]
    )
    contribution = per_period.sum(axis=0)
    total = contribution.sum()
    share = contribution / total if total > 0 else np.full_like(contribution, np.nan)
    spent = spend.sum(axis=0)
    derivative = beta * np.array(
        [
            float(adstocked[:, c] @ logistic_saturation_slope(adstocked[:, c], lam=float(lam[c])))
            for c in range(beta.shape[0])
        ]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(spent > 0, contribution / np.where(spent > 0, spent, 1.0), np.nan)
        marginal = np.where(spent > 0, derivative / np.where(spent > 0, spent, 1.0), np.nan)
    return ChannelFigures(
        contribution=contribution,
        share=share,
        roi=roi,
        marginal_roi=marginal,
        per_period=per_period,
    )
