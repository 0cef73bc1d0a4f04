"""Billing side of the workspace: revenue kinds, subscription cohorts and lifetime value.

* :func:`revenue_with_kind` labels every invoice ``new``, ``expansion`` or ``renewal``
  from the invoices and the subscriptions in the warehouse (billing exports such as
  Stripe carry no kind): an invoice in the customer's first subscription period (or,
  without a matching period, the customer's first invoice) is **new**; a later invoice
  whose period's MRR (else the invoice amount) is above the previous period's is
  **expansion**; any other later invoice is **renewal**. A ``kind`` given by the source
  wins.
* :func:`billing_customers` gives one row per billing customer: first period start and
  MRR, billing cycle, periods and whether the last period churned.
* :func:`fit_workspace_clv` fits BG/NBD + Gamma-Gamma (Fader, Hardie & Lee 2005;
  Fader & Hardie 2013) on the revenue table and the shifted-beta-geometric model
  (Fader & Hardie 2007) on renewal cohorts of the subscriptions.

Customers are resolved accounts (:func:`accord.identity.keys.with_account_id`), or
``"<system>:<id>"`` before ``accord resolve``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from accord.data.warehouse import Warehouse
from accord.definitions.results import Citation
from accord.definitions.store import InForceLookup
from accord.engines.clv import (
    SBGFit,
    discounted_expected_lifetime,
    fit_sbg_cohorts,
    survival,
)
from accord.engines.clv.report import TransactionFit, fit_transactions
from accord.errors import InputError
from accord.identity.keys import with_account_id
from accord.workflows.budget import cite

__all__ = [
    "DAYS_PER_MONTH",
    "NOT_REVENUE",
    "WorkspaceCLV",
    "billing_customers",
    "fit_workspace_clv",
    "monthly_churn",
    "renewal_cohorts",
    "revenue_with_kind",
]

DAYS_PER_MONTH = 30.4375
"""Average days in a month (365.25 / 12)."""

NOT_REVENUE = ("void", "draft", "uncollectible")
"""Invoice statuses that are not revenue."""


def _require(wh: Warehouse, *tables: str) -> None:
    missing = [t for t in tables if t not in wh.tables()]
    if missing:
        raise InputError(
            f"The workspace has no {' or '.join(missing)} table.",
            hint="`accord load` the billing exports (e.g. Stripe invoices and subscriptions).",
        )


def _subscription_periods(wh: Warehouse) -> ir.Table:
    subs = with_account_id(wh, wh.table("subscriptions"), out="customer")
    w = ibis.window(group_by=subs.customer, order_by=subs.start_date)
    return subs.mutate(
        period_index=ibis.row_number().over(w),
        previous_mrr=subs.mrr.lag().over(w),
    )


def revenue_with_kind(wh: Warehouse) -> ir.Table:
    """Invoices that are revenue, with ``customer`` and a derived ``kind`` (see module).

    Columns: ``invoice_id, customer, ts, amount, kind, derived_kind``.
    """
    _require(wh, "revenue")
    rv = wh.table("revenue")
    rv = rv.filter(~rv.status.lower().fill_null("").isin(NOT_REVENUE))
    rv = with_account_id(wh, rv, out="customer")
    w = ibis.window(group_by=rv.customer, order_by=[rv.ts, rv.invoice_id])
    rv = rv.mutate(_first=ibis.row_number().over(w) == 0, _prev_amount=rv.amount.lag().over(w))
    if "subscriptions" in wh.tables():
        p = _subscription_periods(wh)
        p = p.select(
            _sid=p.subscription_id,
            _start=p.start_date,
            _end=p.end_date,
            _index=p.period_index,
            _mrr=p.mrr,
            _prev_mrr=p.previous_mrr,
        )
        day = rv.ts.cast("date")
        rv = rv.left_join(
            p,
            [
                rv.subscription_id == p._sid,
                day >= p._start,
                (day < p._end) | p._end.isnull(),
            ],
        )
        index, grew = rv._index, (rv._mrr > rv._prev_mrr)
    else:
        index, grew = ibis.null("int64"), ibis.null("boolean")
    derived = ibis.cases(
        (index == 0, "new"),
        (index.isnull() & rv._first, "new"),
        (grew.fill_null(rv.amount > rv._prev_amount), "expansion"),
        else_="renewal",
    )
    given = rv.kind.cast("string").nullif("")
    out = rv.select(
        "invoice_id",
        "customer",
        "ts",
        amount=rv.amount.cast("float64"),
        kind=given.coalesce(derived),
        derived_kind=derived,
    )
    return out.distinct(on=["invoice_id", "customer", "ts"], keep="first")


def billing_customers(wh: Warehouse, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per billing customer (small: pulled into pandas).

    Columns: ``customer, first_start, first_mrr, cycle_months, periods, months, churned``;
    ``months`` is the time under contract up to *as_of* (default: the last period
    start in the data), ``churned`` whether the last period ended in churn or
    cancellation.
    """
    _require(wh, "subscriptions")
    p = _subscription_periods(wh)
    frame = p.select(
        "customer", "start_date", "end_date", "mrr", "status", "period_index"
    ).to_pandas()
    if frame.empty:
        raise InputError("The subscriptions table is empty.", hint="Load subscriptions.")
    frame["start_date"] = pd.to_datetime(frame.start_date)
    frame["end_date"] = pd.to_datetime(frame.end_date)
    end = pd.Timestamp(as_of) if as_of else frame.start_date.max()
    stop = frame.end_date.fillna(end).clip(upper=end)
    frame["months"] = ((stop - frame.start_date).dt.days.clip(lower=0)) / DAYS_PER_MONTH
    frame["cycle"] = (frame.end_date - frame.start_date).dt.days / DAYS_PER_MONTH
    frame = frame.sort_values(["customer", "period_index"])
    status = frame.status.fillna("").str.lower()
    grouped = frame.assign(_churn=status.isin(["churned", "cancelled"])).groupby("customer")
    return pd.DataFrame(
        {
            "first_start": grouped.start_date.first(),
            "first_mrr": grouped.mrr.first().astype(float),
            "cycle_months": grouped.cycle.first().round().clip(lower=1).fillna(1).astype(int),
            "periods": grouped.size(),
            "months": grouped.months.sum(),
            "churned": grouped._churn.last().astype(bool),
        }
    ).reset_index()


def monthly_churn(customers: pd.DataFrame) -> float:
    """Churned customers per customer-month under contract (``nan`` with no exposure)."""
    months = float(customers.months.sum())
    return float("nan") if months <= 0 else float(customers.churned.sum()) / months


def renewal_cohorts(customers: pd.DataFrame, *, as_of: date) -> dict[int, list[list[int]]]:
    """Survivor sequences ``n_0, n_1, ...`` per billing cycle (months), one per start month.

    A cohort is the customers of one billing cycle who started in the same month; ``n_j``
    counts those who renewed at least *j* times. Only renewals every member could have
    reached by *as_of* are counted; cohorts with no renewal due yet are left out.
    """
    out: dict[int, list[list[int]]] = {}
    start_month = customers.first_start.dt.to_period("M")
    for (cycle, month), group in customers.groupby([customers.cycle_months, start_month]):
        start = month.to_timestamp()
        elapsed = (pd.Timestamp(as_of) - start).days / DAYS_PER_MONTH
        reached = max(int(elapsed // int(cycle)), 0)
        periods = group.periods.to_numpy()
        seq = [int((periods >= j + 1).sum()) for j in range(reached + 1)]
        if len(seq) > 1:
            out.setdefault(int(cycle), []).append(seq)
    return out


@dataclass(frozen=True, eq=False)
class CohortModel:
    """The sBG fit for one billing cycle and what it projects."""

    cycle_months: int
    fit: SBGFit
    survival: tuple[float, ...]
    discounted_lifetime: float | None
    mean_first_mrr: float
    value: float | None


@dataclass(frozen=True, eq=False)
class WorkspaceCLV:
    """Both lifetime-value models fitted on the workspace."""

    transactions: TransactionFit | None
    calibration_end: date | None
    cohorts: tuple[CohortModel, ...]
    gross_margin: float
    citations: tuple[Citation, ...]


def _gross_margin(definitions: InForceLookup | None) -> float:
    found = definitions.in_force("gross_margin") if definitions else None
    measure = getattr(getattr(getattr(found, "definition", None), "body", None), "measure", None)
    value = getattr(measure, "value", None)
    return float(value) if isinstance(value, int | float) else 0.8


def fit_workspace_clv(
    wh: Warehouse,
    *,
    definitions: InForceLookup | None = None,
    calibration_end: date | None = None,
    months: int = 12,
    discount_rate: float = 0.01,
) -> WorkspaceCLV:
    """Fit BG/NBD + Gamma-Gamma on the revenue table and sBG on subscription cohorts.

    Parameters
    ----------
    calibration_end
        End of the calibration period; the rest is the holdout check (default: the
        whole history is calibration, no check).
    months, discount_rate
        CLV horizon (months) and monthly discount rate for the transaction models; the
        sBG lifetime is discounted at ``discount_rate`` per month, compounded per cycle.
    """
    margin = _gross_margin(definitions)
    transactions: TransactionFit | None = None
    last: date | None = None
    if "revenue" in wh.tables():
        rv = revenue_with_kind(wh)
        last = pd.Timestamp(rv.ts.max().to_pyarrow().as_py()).date()
        if last is not None:
            end = calibration_end or last
            transactions = fit_transactions(
                rv,
                customer_col="customer",
                date_col="ts",
                amount_col="amount",
                calibration_end=end,
                observation_end=last if calibration_end else None,
                months=months,
                discount_rate=discount_rate,
                margin=margin,
            )
    cohorts: list[CohortModel] = []
    if "subscriptions" in wh.tables():
        as_of = (last or date.today()) + timedelta(days=1)
        customers = billing_customers(wh, as_of=as_of)
        for cycle, seqs in sorted(renewal_cohorts(customers, as_of=as_of).items()):
            fit = fit_sbg_cohorts(seqs, min_customers=5)
            mrr = float(customers.first_mrr[customers.cycle_months == cycle].mean())
            lifetime = None
            value = None
            surv: tuple[float, ...] = ()
            if fit.params is not None and fit.status == "ok":
                rate = (1 + discount_rate) ** cycle - 1
                lifetime = discounted_expected_lifetime(fit.params, rate)
                value = mrr * cycle * margin * lifetime
                surv = tuple(float(s) for s in survival(fit.params, np.arange(1, 6)))
            cohorts.append(CohortModel(cycle, fit, surv, lifetime, mrr, value))
    if transactions is None and not cohorts:
        _require(wh, "revenue", "subscriptions")
    return WorkspaceCLV(
        transactions,
        calibration_end,
        tuple(cohorts),
        margin,
        cite(definitions, ("gross_margin", "revenue", "ltv")),
    )
