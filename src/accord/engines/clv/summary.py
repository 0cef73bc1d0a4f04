"""RFM summary of a transaction log, computed in the warehouse.

The BG/NBD and Gamma-Gamma likelihoods depend on a customer's history only through
a few numbers (Fader, Hardie & Lee 2005, section 3): the count of repeat purchases
``x``, the time of the last purchase ``t_x``, the time observed ``T`` and the mean
value of the repeat purchases. :func:`rfm_summary` builds them as one Ibis
expression, so the transaction rows never leave the warehouse; :func:`pool_rfm`
collapses customers with identical ``(x, t_x, T)`` into one weighted row.

Conventions (those of the BTYD literature and of the ``lifetimes`` package,
``lifetimes.utils.summary_data_from_transaction_data``):

* purchases on the same calendar day are one transaction (amounts summed);
* time starts at each customer's first purchase; only customers whose first purchase
  is on or before ``calibration_end`` are included; ``calibration_end`` is inclusive;
* ``frequency`` = purchase days after the first, ``recency`` = time from the first to
  the last purchase day (0 when ``frequency`` is 0), ``T`` = time from the first
  purchase day to ``calibration_end``;
* ``monetary_value`` = mean value of the *repeat* purchase days (the first purchase is
  excluded, as in Fader & Hardie's Gamma-Gamma note); 0 when ``frequency`` is 0;
* with ``observation_end``, ``frequency_holdout`` counts purchase days in
  ``(calibration_end, observation_end]`` and ``duration_holdout`` is that period's length.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

__all__ = ["pool_rfm", "rfm_summary"]

DateLike = dt.date | dt.datetime | str


def _date(value: DateLike) -> ir.DateScalar:
    if isinstance(value, dt.datetime):
        value = value.date()
    return ibis.date(value)


def rfm_summary(
    transactions: ir.Table,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    calibration_end: DateLike,
    observation_end: DateLike | None = None,
    days_per_unit: float = 7.0,
) -> ir.Table:
    """Per-customer frequency, recency, T and monetary value as an Ibis expression.

    Parameters
    ----------
    transactions
        One row per purchase (or invoice line).
    customer_col
        Customer identifier column; kept under the same name in the result.
    date_col
        Purchase date or timestamp (timestamps are truncated to their date).
    amount_col
        Purchase value; without it the result has no ``monetary_value`` column.
    calibration_end
        Last day (inclusive) of the calibration period.
    observation_end
        Last day (inclusive) of the holdout period; adds ``frequency_holdout``,
        ``monetary_value_holdout`` and ``duration_holdout``.
    days_per_unit
        Length of the time unit in days: 7 for weeks (default), 1 for days,
        365.25 / 12 for average months.

    Returns
    -------
    ibis.Table
        ``customer_col, frequency, recency, T[, monetary_value][, frequency_holdout,
        monetary_value_holdout, duration_holdout]``; times in units of ``days_per_unit``.

    Examples
    --------
    >>> import datetime as dt, ibis
    >>> tx = ibis.memtable({"c": [1, 1, 1, 2], "d": [dt.date(2024, 1, 1), dt.date(2024, 1, 1),
    ...     dt.date(2024, 1, 15), dt.date(2024, 1, 8)], "v": [5.0, 5.0, 20.0, 7.0]})
    >>> s = rfm_summary(tx, customer_col="c", date_col="d", amount_col="v",
    ...                 calibration_end="2024-01-29")
    >>> s.order_by("c").to_pyarrow().to_pylist()[0]
    {'c': 1, 'frequency': 1, 'recency': 2.0, 'T': 4.0, 'monetary_value': 20.0}

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the
    easy way. *Marketing Science* 24(2), 275-284 (notation and the CDNOW data).
    """
    if days_per_unit <= 0:
        raise ValueError("days_per_unit must be positive")
    cal_end = _date(calibration_end)
    last_day = cal_end if observation_end is None else _date(observation_end)
    day = transactions[date_col].cast("date")
    columns: dict[str, ir.Value] = {customer_col: transactions[customer_col], "_day": day}
    if amount_col is not None:
        columns["_amount"] = transactions[amount_col].cast("float64")
    rows = transactions.select(**columns).filter(ibis._["_day"] <= last_day)
    daily = rows.group_by([customer_col, "_day"]).aggregate(
        **({"_amount": rows["_amount"].sum()} if amount_col is not None else {"_n": rows.count()})
    )

    cal = daily.filter(daily["_day"] <= cal_end)
    first, last = cal["_day"].min(), cal["_day"].max()
    metrics: dict[str, ir.Value] = {
        "frequency": cal.count() - 1,
        "recency": last.delta(first, unit="day").cast("float64") / days_per_unit,
        "T": cal_end.delta(first, unit="day").cast("float64") / days_per_unit,
    }
    if amount_col is not None:
        metrics["_total"] = cal["_amount"].sum()
        metrics["_first_amount"] = cal["_amount"].argmin(cal["_day"])
    summary = cal.group_by(customer_col).aggregate(**metrics)
    if amount_col is not None:
        summary = summary.mutate(
            monetary_value=ibis.ifelse(
                summary["frequency"] > 0,
                (summary["_total"] - summary["_first_amount"]) / summary["frequency"],
                0.0,
            )
        ).drop("_total", "_first_amount")

    if observation_end is None:
        return summary

    holdout = daily.filter(daily["_day"] > cal_end)
    hold_metrics: dict[str, ir.Value] = {"frequency_holdout": holdout.count()}
    if amount_col is not None:
        hold_metrics["monetary_value_holdout"] = holdout["_amount"].mean()
    per_customer = holdout.group_by(customer_col).aggregate(**hold_metrics)
    joined = summary.left_join(per_customer, customer_col).drop(f"{customer_col}_right")
    filled: dict[str, ir.Value] = {
        "frequency_holdout": joined["frequency_holdout"].fill_null(0),
        "duration_holdout": last_day.delta(cal_end, unit="day").cast("float64") / days_per_unit,
    }
    if amount_col is not None:
        filled["monetary_value_holdout"] = joined["monetary_value_holdout"].fill_null(0.0)
    return joined.mutate(**filled)


def pool_rfm(summary: ir.Table, *, weight_col: str = "n_customers") -> ir.Table:
    """Collapse customers with identical ``(frequency, recency, T)`` into weighted rows.

    The BG/NBD likelihood of a customer depends only on these three numbers, so the
    pooled table gives exactly the same fit as the per-customer one with far fewer
    rows (sufficient-statistic pooling, done in the warehouse).

    Parameters
    ----------
    summary
        Output of :func:`rfm_summary` (any table with the three columns).
    weight_col
        Name of the count column in the result.

    Returns
    -------
    ibis.Table
        ``frequency, recency, T, <weight_col>``.

    Examples
    --------
    >>> import ibis
    >>> s = ibis.memtable({"frequency": [0, 0, 2], "recency": [0.0, 0.0, 3.0], "T": [5.0] * 3})
    >>> pooled = pool_rfm(s).order_by("frequency").to_pyarrow()
    >>> pooled["frequency"].to_pylist(), pooled["n_customers"].to_pylist()
    ([0, 2], [2, 1])
    """
    return summary.group_by(["frequency", "recency", "T"]).aggregate(
        **{weight_col: summary.count()}
    )
