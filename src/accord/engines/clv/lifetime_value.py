"""Discounted customer lifetime value from BG/NBD purchases and Gamma-Gamma spend.

The expected number of purchases in each future period comes from the BG/NBD
conditional expectation, the expected value per purchase from the Gamma-Gamma
conditional mean; each period's expected revenue is discounted to today. This is the
discounted-cash-flow form of ``lifetimes.utils._customer_lifetime_value`` (lifetimes
0.11.3, MIT), with the period length and margin made explicit.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value
curves for customer base analysis. *Journal of Marketing Research* 42(4), 415-430
(CLV = margin x expected transactions x expected spend, discounted).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from accord.engines.clv._optimize import FloatArray
from accord.engines.clv.bgnbd import BGNBDParams, conditional_expected_purchases
from accord.engines.clv.gammagamma import GammaGammaParams, conditional_expected_value

__all__ = ["customer_lifetime_value", "discounted_expected_purchases"]


def discounted_expected_purchases(
    purchases: BGNBDParams,
    *,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    periods: int = 12,
    period_length: float = 365.25 / 12 / 7,
    discount_rate: float = 0.01,
) -> FloatArray:
    """Expected purchases in each of the next periods, discounted and summed.

    ``sum_{k=1..K} (E[Y(k L)] - E[Y((k-1) L)]) / (1+d)^k`` with ``E[Y(t)]`` from
    BG/NBD, FHL 2005 eq. (10). Parameters as for :func:`customer_lifetime_value`.

    Examples
    --------
    >>> bg = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> discounted_expected_purchases(bg, frequency=[2], recency=[30.43], T=[38.86]).round(3)
    array([1.472])
    """
    if periods < 1 or period_length <= 0 or discount_rate <= -1:
        raise ValueError("periods >= 1, period_length > 0 and discount_rate > -1 are required")
    x = np.atleast_1d(np.asarray(frequency, dtype=np.float64))
    t_x = np.atleast_1d(np.asarray(recency, dtype=np.float64))
    big_t = np.atleast_1d(np.asarray(T, dtype=np.float64))
    horizons = np.arange(periods + 1) * period_length
    cumulative = conditional_expected_purchases(
        purchases, horizons[None, :], frequency=x[:, None], recency=t_x[:, None], T=big_t[:, None]
    )
    discount = (1.0 + discount_rate) ** -np.arange(1, periods + 1)
    return np.asarray(np.diff(cumulative, axis=1) @ discount, dtype=np.float64)


def customer_lifetime_value(
    purchases: BGNBDParams,
    spend: GammaGammaParams,
    *,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    monetary_value: npt.ArrayLike,
    periods: int = 12,
    period_length: float = 365.25 / 12 / 7,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> FloatArray:
    """Discounted expected value of each customer's purchases over the next periods.

    ``CLV_i = margin x E[M_i] x sum_{k=1..K} (E[Y_i(k L)] - E[Y_i((k-1) L)]) / (1+d)^k``
    with ``E[Y_i(t)]`` from BG/NBD (FHL 2005 eq. (10)) and ``E[M_i]`` from Gamma-Gamma
    (Fader & Hardie 2013 eq. (5)).

    Parameters
    ----------
    purchases, spend
        Fitted BG/NBD and Gamma-Gamma parameters (same time unit as the summary).
    frequency, recency, T, monetary_value
        The customers' RFM summary.
    periods
        Number of discounting periods ``K`` (default 12).
    period_length
        Length ``L`` of one period in the summary's time unit (default: an average month
        in weeks, 4.348).
    discount_rate
        Discount rate ``d`` per period (default 1 % a month).
    margin
        Share of revenue kept as profit (default 1: the result is revenue).

    Returns
    -------
    numpy.ndarray
        One value per customer, in the currency of ``monetary_value``.

    Examples
    --------
    >>> bg = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> gg = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
    >>> customer_lifetime_value(bg, gg, frequency=[0, 2], recency=[0, 30.43], T=[38.86, 38.86],
    ...                         monetary_value=[0.0, 22.35]).round(2)
    array([ 8.37, 36.31])
    """
    count = discounted_expected_purchases(
        purchases,
        frequency=frequency,
        recency=recency,
        T=T,
        periods=periods,
        period_length=period_length,
        discount_rate=discount_rate,
    )
    value = conditional_expected_value(spend, frequency=frequency, monetary_value=monetary_value)
    return np.asarray(margin * value * count, dtype=np.float64)
