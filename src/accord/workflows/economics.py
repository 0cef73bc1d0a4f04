"""Unit economics of the workspace: CAC, LTV, LTV:CAC, payback and ROMI, by cohort.

Definitions (formulas with references in ``docs/economics.md``):

* **new customer**: a resolved account with a won opportunity; acquired at its first won
  close (starter metric ``new_customers``).
* **blended CAC** = all sales and marketing cost ÷ new customers (Skok, "SaaS Metrics
  2.0"); cost = every row of the ``spend`` table + ``other_sales_marketing_cost`` per
  month (a parameter finance sets: people, tools, agencies are not in any export).
* **paid CAC** = spend on paid channels ÷ new customers attributed to a paid channel.
  Attribution is **last touch**: the channel of the last touchpoint of the account (its
  own touchpoints and those of its resolved people) at or before the win; accounts with
  no such touch fall back to the opportunity's lead source. Paid channels are those of
  the in-force ``new_paid_customers`` filter.
* **ARPA** (monthly) = mean first-period MRR of new billing customers.
* **LTV** = ARPA x gross margin ÷ monthly churn (simple form, labelled; churn = churned
  subscriptions per customer-month under contract). ``accord clv`` fits the cohort model.
* **LTV:CAC** = LTV ÷ blended CAC; **CAC payback** = CAC ÷ (ARPA x gross margin) months.
* **ROMI** = (gross margin on new-customer revenue - media spend) ÷ media spend (Farris,
  Bendle, Pfeifer & Reibstein 2010, ch. 9), revenue kinds from
  :func:`accord.workflows.clv.revenue_with_kind`.

**A window** (``start`` to ``end``, both days included) keeps the customers acquired in
it, the spend dated in it, the new-customer revenue booked in it and, for ARPA, the
billing customers whose first period starts in it, as HubSpot's and Salesforce's
acquisition reports filter by close date. Churn, a rate of the whole customer base, is
measured over all the data; ``other_sales_marketing_cost`` counts the months the window's
data spans.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import ibis
import pandas as pd

from accord.data.warehouse import Warehouse
from accord.definitions.results import Citation
from accord.definitions.store import InForceLookup
from accord.engines.clv import simple_ltv
from accord.errors import InputError
from accord.identity.keys import with_account_id, with_person_id
from accord.workflows.budget import cite
from accord.workflows.clv import billing_customers, monthly_churn, revenue_with_kind

__all__ = [
    "BY",
    "DEFAULT_PAID_CHANNELS",
    "PERIODS",
    "By",
    "EconomicsRow",
    "Period",
    "UnitEconomics",
    "acquired_customers",
    "unit_economics",
]

By = Literal["channel", "segment", "cohort"]
Period = Literal["month", "quarter", "year"]
BY: tuple[By, ...] = ("channel", "segment", "cohort")
PERIODS: tuple[Period, ...] = ("month", "quarter", "year")
_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}
_MONTHS = {"month": 1, "quarter": 3, "year": 12}
DEFAULT_PAID_CHANNELS = ("paid_search", "paid_social", "display")
CITED = (
    "blended_cac",
    "paid_cac",
    "ltv",
    "ltv_to_cac",
    "cac_payback_months",
    "romi",
    "new_customers",
    "new_paid_customers",
    "paid_spend",
    "gross_margin",
    "other_sales_marketing_cost",
)


@dataclass(frozen=True, slots=True)
class EconomicsRow:
    """Unit economics of one group (a cohort period, a channel, a segment, or all)."""

    group: str
    new_customers: int
    paid_customers: int
    cost: float | None
    paid_spend: float | None
    blended_cac: float | None
    paid_cac: float | None
    arpa: float | None
    ltv: float | None
    ltv_to_cac: float | None
    payback_months: float | None
    new_revenue: float | None
    romi: float | None


@dataclass(frozen=True, slots=True)
class UnitEconomics:
    """The figures, the parameters they used, and the definitions they cite."""

    by: By | None
    period: Period
    total: EconomicsRow
    rows: tuple[EconomicsRow, ...]
    gross_margin: float
    other_cost_per_month: float
    months: int
    paid_channels: tuple[str, ...]
    monthly_churn: float | None
    revenue_by_kind: dict[str, float]
    attribution: dict[str, int]
    citations: tuple[Citation, ...]
    notes: tuple[str, ...]
    start: dt.date | None = None
    """First day of the window (``None``: from the first data)."""
    end: dt.date | None = None
    """Last day of the window, included (``None``: to the last data)."""


def _div(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return None
    return a / b


def _constant(definitions: InForceLookup | None, name: str, default: float) -> float:
    found = definitions.in_force(name) if definitions else None
    measure = getattr(getattr(getattr(found, "definition", None), "body", None), "measure", None)
    value = getattr(measure, "value", None)
    return float(value) if isinstance(value, int | float) else default


def _paid_channels(definitions: InForceLookup | None) -> tuple[str, ...]:
    found = definitions.in_force("new_paid_customers") if definitions else None
    measure = getattr(getattr(getattr(found, "definition", None), "body", None), "measure", None)
    for f in getattr(measure, "filters", ()):
        if str(f.column) == "lead_source" and f.op == "in" and isinstance(f.value, tuple):
            return tuple(str(v) for v in f.value)
    return DEFAULT_PAID_CHANNELS


def acquired_customers(wh: Warehouse) -> pd.DataFrame:
    """One row per new customer: ``customer, acquired, lead_source, channel, method, segment``.

    ``channel`` is the last touch at or before the first won close (``method``
    ``"last_touch"``), else the opportunity's lead source (``"lead_source"``).
    """
    if "opportunities" not in wh.tables():
        raise InputError("The workspace has no opportunities table.", hint="Load your deals.")
    opp = wh.table("opportunities")
    opp = with_account_id(wh, opp.filter(opp.won.fill_null(False)), out="customer")
    acq = opp.group_by("customer").aggregate(
        acquired=opp.closed_at.min(), lead_source=opp.lead_source.argmin(opp.closed_at)
    )
    acq = acq.filter(acq.customer.notnull() & acq.acquired.notnull())
    result = acq
    if "touchpoints" in wh.tables():
        tp = wh.table("touchpoints")
        tp = with_account_id(wh, tp, out="_own")
        tp = with_person_id(wh, tp, out="_person", account_out="_person_account")
        tp = tp.select(_cust=ibis.coalesce(tp._own, tp._person_account), _ts=tp.ts, _ch=tp.channel)
        j = acq.inner_join(tp, [acq.customer == tp._cust, tp._ts <= acq.acquired])
        last = j.group_by(_c=j.customer).aggregate(touch=j._ch.argmax(j._ts))
        result = acq.left_join(last, acq.customer == last._c).drop("_c")
    else:
        result = acq.mutate(touch=ibis.null("string"))
    if "accounts" in wh.tables():
        acc = with_account_id(wh, wh.table("accounts"), out="_a")
        seg = acc.group_by("_a").aggregate(segment=acc.segment.max())
        result = result.left_join(seg, result.customer == seg._a).drop("_a")
    else:
        result = result.mutate(segment=ibis.null("string"))
    frame = result.to_pandas()
    frame["acquired"] = pd.to_datetime(frame.acquired)
    frame["method"] = frame.touch.notna().map({True: "last_touch", False: "lead_source"})
    frame["channel"] = frame.touch.fillna(frame.lead_source).fillna("unknown")
    frame["segment"] = frame.segment.fillna("unknown")
    return frame.drop(columns=["touch"])


def _spend(wh: Warehouse, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    if "spend" not in wh.tables():
        return pd.DataFrame({"month": [], "channel": [], "amount": []})
    s = wh.table("spend")
    if start is not None:
        s = s.filter(s.date.cast("date") >= start)
    if end is not None:
        s = s.filter(s.date.cast("date") <= end)
    frame = (
        s.group_by(month=s.date.cast("date").truncate("M"), channel=s.channel)
        .aggregate(amount=s.amount.sum())
        .to_pandas()
    )
    frame["month"] = pd.to_datetime(frame.month)
    return frame


def _row(group: str, *, customers: pd.DataFrame, spend: float, other: float,
         paid_spend: float | None,
         paid: tuple[str, ...], arpa: float | None, margin: float, churn: float | None,
         new_revenue: float | None, media: float,
         cac: float | None = None) -> EconomicsRow:  # fmt: skip
    n = len(customers)
    n_paid = int(customers.channel.isin(paid).sum())
    cost = spend + other
    blended = cac if cac is not None else _div(cost, n) if cost > 0 else None
    ltv = None
    if arpa is not None and churn is not None and churn > 0:
        ltv = simple_ltv(arpa=arpa, gross_margin=margin, churn_rate=churn).value
    romi = None
    if new_revenue is not None:
        romi = _div(new_revenue * margin - media, media)
    return EconomicsRow(
        group=group,
        new_customers=n,
        paid_customers=n_paid,
        cost=cost,
        paid_spend=paid_spend,
        blended_cac=blended,
        paid_cac=_div(paid_spend, n_paid),
        arpa=arpa,
        ltv=ltv,
        ltv_to_cac=_div(ltv, blended),
        payback_months=_div(blended, None if arpa is None else arpa * margin),
        new_revenue=new_revenue,
        romi=romi,
    )


def _within(
    frame: pd.DataFrame, column: str, start: dt.date | None, end: dt.date | None
) -> pd.DataFrame:
    """The rows of *frame* whose *column* (a time) falls on a day from *start* to *end*."""
    if start is None and end is None:
        return frame
    days = pd.to_datetime(frame[column]).dt.normalize()
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= days >= pd.Timestamp(start)
    if end is not None:
        keep &= days <= pd.Timestamp(end)
    return frame[keep]


def unit_economics(
    wh: Warehouse,
    *,
    definitions: InForceLookup | None = None,
    by: By | None = None,
    period: Period = "month",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> UnitEconomics:
    """Compute the unit economics of the workspace, overall and per *by* group.

    Parameters
    ----------
    wh
        The workspace's warehouse.
    definitions
        The definitions in force (starter defaults without).
    by
        Split by acquisition ``cohort``, ``channel`` (last touch) or ``segment``.
    period
        The cohort length with ``by="cohort"``.
    start, end
        The window's first and last day (both included; see the module docstring).

    Raises
    ------
    InputError
        No opportunities are loaded, or ``start`` is after ``end``.
    """
    if start is not None and end is not None and start > end:
        raise InputError(
            f"The window starts ({start}) after it ends ({end}).",
            hint="Give --from on or before --to.",
        )
    margin = _constant(definitions, "gross_margin", 0.8)
    other = _constant(definitions, "other_sales_marketing_cost", 0.0)
    paid = _paid_channels(definitions)
    customers = _within(acquired_customers(wh), "acquired", start, end)
    spend = _spend(wh, start, end)
    every = billing_customers(wh) if "subscriptions" in wh.tables() else None
    churn = None if every is None else monthly_churn(every)
    churn = None if churn is None or math.isnan(churn) else churn
    billing = None if every is None else _within(every, "first_start", start, end)
    kinds = pd.DataFrame({"ts": [], "amount": [], "kind": []})
    if "revenue" in wh.tables():
        kinds = revenue_with_kind(wh).select("ts", "amount", "kind").to_pandas()
        kinds["ts"] = pd.to_datetime(kinds.ts)
        kinds = _within(kinds, "ts", start, end)
    freq = _FREQ[period]
    months_seen = pd.concat(
        [spend.month.dt.to_period("M"), customers.acquired.dt.to_period("M")]
    ).dropna()
    months = 0 if months_seen.empty else int((months_seen.max() - months_seen.min()).n) + 1
    arpa_all = None if billing is None or billing.empty else float(billing.first_mrr.mean())
    media = float(spend.amount.sum())
    paid_spend = float(spend.amount[spend.channel.isin(paid)].sum())
    new_rev = float(kinds.amount[kinds.kind == "new"].sum()) if len(kinds) else None
    total = _row("all", customers=customers, spend=media, other=other * months,
                 paid_spend=paid_spend, paid=paid, arpa=arpa_all, margin=margin, churn=churn,
                 new_revenue=new_rev, media=media)  # fmt: skip
    rows: list[EconomicsRow] = []
    linked = every is not None and customers.customer.isin(every.customer).any()
    mrr = {} if every is None else dict(zip(every.customer, every.first_mrr, strict=True))

    def arpa_of(group: pd.DataFrame) -> float | None:
        if group.empty:
            return None
        values = [mrr[c] for c in group.customer if c in mrr]
        return float(sum(values) / len(values)) if values else arpa_all

    if by == "cohort":
        labels = sorted(
            set(customers.acquired.dt.to_period(freq)) | set(spend.month.dt.to_period(freq))
        )
        for label in labels:
            group = customers[customers.acquired.dt.to_period(freq) == label]
            s = spend[spend.month.dt.to_period(freq) == label]
            starts = None if billing is None else billing.first_start.dt.to_period(freq)
            firsts = None if billing is None else billing.first_mrr[starts == label]
            rv = kinds[(kinds.ts.dt.to_period(freq) == label) & (kinds.kind == "new")]
            rows.append(_row(str(label), customers=group, spend=float(s.amount.sum()),
                             other=other * _MONTHS[period],
                             paid_spend=float(s.amount[s.channel.isin(paid)].sum()), paid=paid,
                             arpa=None if firsts is None or firsts.empty else float(firsts.mean()),
                             margin=margin, churn=churn, new_revenue=float(rv.amount.sum()),
                             media=float(s.amount.sum())))  # fmt: skip
    elif by == "channel":
        by_channel = spend.groupby("channel").amount.sum()
        for channel in sorted(set(by_channel.index) | set(customers.channel)):
            group = customers[customers.channel == channel]
            amount = float(by_channel.get(channel, 0.0))
            is_paid = channel in paid
            rows.append(_row(str(channel), customers=group, spend=amount, other=0.0,
                             paid_spend=amount if is_paid else None, paid=paid,
                             arpa=arpa_of(group), margin=margin, churn=churn, new_revenue=None,
                             media=amount))  # fmt: skip
    elif by == "segment":
        for segment in sorted(set(customers.segment)):
            group = customers[customers.segment == segment]
            rows.append(_row(str(segment), customers=group, spend=0.0, other=0.0,
                             paid_spend=None, paid=paid, arpa=arpa_of(group), margin=margin,
                             churn=churn, new_revenue=None, media=0.0,
                             cac=total.blended_cac))  # fmt: skip
    notes = [
        f"Cost = the spend table ({media:,.0f}, every channel) + other_sales_marketing_cost "
        f"({other:,.0f} per month x {months} months).",
        f"Paid channels: {', '.join(paid)}. Customers by last touch before the win: "
        f"{int((customers.method == 'last_touch').sum())}; by the opportunity's lead source "
        f"(no resolved touch): {int((customers.method == 'lead_source').sum())}.",
        f"LTV = ARPA x gross margin ({margin:.0%}) / monthly churn "
        + (f"({churn:.2%})" if churn is not None else "(no churn observed: not defined)")
        + " (simple form); `accord clv` fits the sBG cohort model.",
    ]
    if by == "channel":
        notes.append(
            "Channel CAC = the channel's spend / the customers it won by last touch; "
            "channels without spend in the spend table have none."
        )
    if by == "segment":
        notes.append("Spend is not split by segment: segment rows use the company blended CAC.")
    if start is not None or end is not None:
        notes.append(
            f"Window {start or 'first data'} to {end or 'last data'} (days included): customers "
            "acquired, spend and new-customer revenue in it; ARPA of the billing customers "
            "starting in it; churn over all the data."
        )
    if by in ("channel", "segment") and not linked:
        notes.append(
            "Billing and CRM accounts are not linked yet (`accord resolve`): group ARPA is "
            "the company ARPA."
        )
    return UnitEconomics(
        by=by,
        period=period,
        total=total,
        rows=tuple(rows),
        gross_margin=margin,
        other_cost_per_month=other,
        months=months,
        paid_channels=paid,
        monthly_churn=churn,
        revenue_by_kind={str(k): float(v) for k, v in kinds.groupby("kind").amount.sum().items()},
        attribution={str(k): int(v) for k, v in customers.method.value_counts().items()},
        citations=cite(definitions, CITED),
        notes=tuple(notes),
        start=start,
        end=end,
    )
