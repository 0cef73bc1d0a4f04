"""Fit BG/NBD and Gamma-Gamma on a transaction table and check the fit on a holdout.

:func:`fit_transactions` is what ``accord clv fit-file`` (and, later, the workspace and
the web app) call: RFM summary in the warehouse, per-customer rows into Python, both
models fitted, per-customer predictions, and the standard holdout check of Fader,
Hardie & Lee (2005, section 4, Figure 4): actual vs expected repeat transactions in
the holdout period, overall and by number of repeat purchases in calibration.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from accord.engines.clv._optimize import FloatArray
from accord.engines.clv.bgnbd import (
    BGNBDFit,
    conditional_expected_purchases,
    fit_bgnbd,
    probability_alive,
)
from accord.engines.clv.gammagamma import GammaGammaFit, conditional_expected_value, fit_gamma_gamma
from accord.engines.clv.lifetime_value import discounted_expected_purchases
from accord.engines.clv.summary import DateLike, rfm_summary

__all__ = ["CustomerValue", "FrequencyCheck", "HoldoutCheck", "TransactionFit", "fit_transactions"]

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True, slots=True)
class FrequencyCheck:
    """Holdout check for customers with ``frequency`` repeat purchases in calibration."""

    frequency: str
    customers: int
    actual_mean: float
    expected_mean: float


@dataclass(frozen=True, slots=True)
class HoldoutCheck:
    """Actual vs BG/NBD-expected repeat transactions in ``(calibration_end, observation_end]``."""

    length: float
    actual: int
    expected: float
    by_frequency: tuple[FrequencyCheck, ...]


@dataclass(frozen=True, slots=True)
class CustomerValue:
    """One customer's summary and predictions."""

    customer: object
    frequency: int
    recency: float
    T: float
    monetary_value: float
    probability_alive: float
    expected_purchases: float
    expected_value: float
    clv: float


@dataclass(frozen=True, slots=True)
class TransactionFit:
    """Result of :func:`fit_transactions`.

    Attributes
    ----------
    n_customers
        Customers whose first purchase is on or before ``calibration_end``.
    purchases
        BG/NBD fit (always attempted).
    spend
        Gamma-Gamma fit (``None`` without an amount column).
    n_nonpositive_spend
        Repeat buyers left out of the spend fit because their mean value is <= 0
        (refunds); their CLV uses the population mean spend.
    holdout
        The fit check (``None`` without ``observation_end`` or a usable BG/NBD fit).
    customers
        Every customer's predictions when both models are usable, highest CLV first
        (``clv`` and ``expected_value`` are ``nan`` without a spend model).
    total_clv
        Sum of ``clv`` over all customers (``nan`` without a spend model).
    """

    n_customers: int
    purchases: BGNBDFit
    spend: GammaGammaFit | None
    n_nonpositive_spend: int
    holdout: HoldoutCheck | None
    customers: tuple[CustomerValue, ...]
    total_clv: float


def fit_transactions(
    transactions: ir.Table,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    calibration_end: DateLike,
    observation_end: DateLike | None = None,
    days_per_unit: float = 7.0,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> TransactionFit:
    """Fit both models on a transaction table, predict and check.

    Parameters
    ----------
    transactions, customer_col, date_col, amount_col, calibration_end, observation_end,
    days_per_unit
        As for :func:`~accord.engines.clv.rfm_summary`.
    months
        CLV horizon in months (average months of 30.44 days).
    discount_rate
        Monthly discount rate for CLV.
    margin
        Share of revenue kept (CLV = margin x revenue).

    Returns
    -------
    TransactionFit
        Fits with reason codes, per-customer predictions and the holdout check.
    """
    summary = rfm_summary(
        transactions,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        calibration_end=calibration_end,
        observation_end=observation_end,
        days_per_unit=days_per_unit,
    ).to_pyarrow()
    x = _column(summary, "frequency")
    t_x, big_t = _column(summary, "recency"), _column(summary, "T")
    purchases = fit_bgnbd(frequency=x, recency=t_x, T=big_t)

    spend: GammaGammaFit | None = None
    m = np.full_like(x, np.nan)  # no amounts, no spend
    nonpositive = 0
    if amount_col is not None:
        m = _column(summary, "monetary_value")
        usable = (x == 0) | (m > 0)
        nonpositive = int((~usable).sum())
        spend = fit_gamma_gamma(frequency=x[usable], monetary_value=m[usable])

    holdout = None
    if observation_end is not None and purchases.params is not None and len(x):
        length = float(_column(summary, "duration_holdout")[0])
        expected = conditional_expected_purchases(
            purchases.params, length, frequency=x, recency=t_x, T=big_t
        )
        holdout = _holdout_check(x, _column(summary, "frequency_holdout"), expected, length)

    customers: tuple[CustomerValue, ...] = ()
    total = float("nan")
    if purchases.params is not None:
        horizon = months * DAYS_PER_MONTH / days_per_unit
        alive = probability_alive(purchases.params, frequency=x, recency=t_x, T=big_t)
        future = conditional_expected_purchases(
            purchases.params, horizon, frequency=x, recency=t_x, T=big_t
        )
        value = np.full_like(x, np.nan)
        clv = np.full_like(x, np.nan)
        gg = spend.params if spend is not None else None
        spend_ok = gg is not None and gg.q > 1  # E[M] needs q > 1
        if gg is not None and spend_ok:
            value = np.where(
                (x > 0) & (m <= 0),  # refunds: the population mean spend
                gg.mean_value,
                conditional_expected_value(gg, frequency=x, monetary_value=m),
            )
            clv = (
                margin
                * value
                * discounted_expected_purchases(
                    purchases.params,
                    frequency=x,
                    recency=t_x,
                    T=big_t,
                    periods=months,
                    period_length=DAYS_PER_MONTH / days_per_unit,
                    discount_rate=discount_rate,
                )
            )
            total = float(clv.sum())
        # highest value first; without a spend model, most expected purchases first
        order = np.argsort(-(clv if spend_ok else future), kind="stable")
        ids = summary[customer_col].to_pylist()
        customers = tuple(
            CustomerValue(
                customer=ids[i],
                frequency=int(x[i]),
                recency=float(t_x[i]),
                T=float(big_t[i]),
                monetary_value=float(m[i]),
                probability_alive=float(alive[i]),
                expected_purchases=float(future[i]),
                expected_value=float(value[i]),
                clv=float(clv[i]),
            )
            for i in order
        )
    return TransactionFit(len(x), purchases, spend, nonpositive, holdout, customers, total)


def _column(table: pa.Table, name: str) -> FloatArray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False), dtype=np.float64)


def _holdout_check(
    x: FloatArray, actual: FloatArray, expected: FloatArray, length: float
) -> HoldoutCheck:
    """Totals and FHL (2005) Figure 4: mean holdout purchases by calibration frequency."""
    groups: list[FrequencyCheck] = []
    top = 7  # the paper groups 7+ together
    for k in range(top + 1):
        mask = x >= k if k == top else x == k
        if mask.any():
            groups.append(
                FrequencyCheck(
                    frequency=f"{k}+" if k == top else str(k),
                    customers=int(mask.sum()),
                    actual_mean=float(actual[mask].mean()),
                    expected_mean=float(expected[mask].mean()),
                )
            )
    return HoldoutCheck(length, int(actual.sum()), float(expected.sum()), tuple(groups))
