"""Companies, deals and money: ``accord-accounts.csv``, ``salesforce-opportunities.csv``,
``stripe-invoices.csv`` and ``accord-subscriptions.csv``."""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa

from accord.simulate import ids, names, params, variation
from accord.simulate.block import Block
from accord.simulate.clock import DAY, MISSING, format_times
from accord.simulate.counters import Counters
from accord.simulate.rng import Concern

__all__ = ["accounts", "invoices", "opportunities", "subscriptions"]

ACCOUNTS: Final = (
    "source_system",
    "source_id",
    "account_id",
    "name",
    "domain",
    "industry",
    "employees",
    "annual_revenue",
    "country",
    "city",
    "segment",
    "owner_id",
    "created_at",
)
OPPORTUNITIES: Final = (
    "Opportunity ID",
    "Opportunity Name",
    "Account ID",
    "Account Name",
    "Contact ID",
    "Stage",
    "Amount",
    "Opportunity Currency",
    "Probability (%)",
    "Created Date",
    "Close Date",
    "Closed",
    "Won",
    "Loss Reason",
    "Lead Source",
    "Type",
    "Opportunity Owner",
)
INVOICES: Final = (
    "id",
    "Number",
    "Customer",
    "Customer Name",
    "Customer Email",
    "Date (UTC)",
    "Period Start (UTC)",
    "Period End (UTC)",
    "Currency",
    "Subtotal",
    "Tax",
    "Total",
    "Amount Due",
    "Amount Paid",
    "Status",
    "Billing Reason",
    "Subscription",
)
SUBSCRIPTIONS: Final = (
    "source_system",
    "source_id",
    "subscription_id",
    "account_id",
    "start_date",
    "end_date",
    "mrr",
    "currency",
    "status",
    "plan",
)


def money(values: np.ndarray) -> list[str]:
    """Two-decimal amounts without thousands separators (``12500.00``)."""
    return [f"{v:.2f}" for v in values.tolist()]


def accounts(b: Block) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Salesforce accounts and HubSpot companies, with their account-truth rows."""
    a = b.accounts
    rng = b.rng(Concern.SALESFORCE_VARIATION)
    n = len(a)
    rows = np.arange(n)
    first_sql = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    conv = b.leads.sql_at != MISSING
    np.minimum.at(first_sql, b.people.account[b.leads.person[conv]], b.leads.sql_at[conv])
    sf_created = np.minimum(a.created_at, first_sql - DAY)
    hs_rows = np.unique(b.people.account[(b.hs_primary >= 0) & ~b.people.student])
    first_hs = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    has = b.hs_primary >= 0
    np.minimum.at(first_hs, b.people.account[has], b.hs_created[has])
    sf_domain = variation.website_variants(rng, a.domain, 0.05)
    hs_name = variation.company_variants(
        rng,
        [a.name[i] for i in hs_rows.tolist()],
        [a.brand[i] for i in hs_rows.tolist()],
        [a.domain[i] for i in hs_rows.tolist()],
        (0.2, 0.5, 0.3, 0.0, 0.0, 0.0),
    )
    seg = [params.SEGMENTS[s].name for s in a.segment.tolist()]
    sf_ids, hs_ids = b.sf_account(rows), b.hs_company(hs_rows)
    m = hs_rows.size
    cols = {
        "source_system": ["salesforce"] * n + ["hubspot"] * m,
        "source_id": pa.concat_arrays([sf_ids, hs_ids]),
        "account_id": pa.concat_arrays([sf_ids, hs_ids]),
        "name": a.name + hs_name,
        "domain": sf_domain + [a.domain[i] for i in hs_rows.tolist()],
        "industry": [names.INDUSTRIES[i] for i in a.industry.tolist()]
        + [names.INDUSTRIES[a.industry[i]] for i in hs_rows.tolist()],
        "employees": np.concatenate([a.employees, a.employees[hs_rows]]).astype(str),
        "annual_revenue": money(a.annual_revenue) + [""] * m,
        "country": [names.PLACES[p][0] for p in a.place.tolist()]
        + [names.PLACES[a.place[i]][0] for i in hs_rows.tolist()],
        "city": [names.PLACES[p][2] for p in a.place.tolist()] + [""] * m,
        "segment": seg + [""] * m,
        "owner_id": [params.REPS[o].name for o in a.owner.tolist()] + [""] * m,
        "created_at": pa.concat_arrays(
            [format_times(sf_created, "iso"), format_times(first_hs[hs_rows], "iso")]
        ),
    }
    truth = {
        "source_system": pa.array(["salesforce"] * n + ["hubspot"] * m),
        "source_id": pa.concat_arrays([sf_ids, hs_ids]),
        "kind": pa.array(["account"] * n + ["company"] * m),
        "account_id": pa.concat_arrays([b.account_key(rows), b.account_key(hs_rows)]),
    }
    return cols, truth


def opportunities(b: Block) -> dict[str, pa.Array]:
    """Columns of ``salesforce-opportunities.csv``."""
    d, a, le = b.deals, b.accounts, b.leads
    n = len(d)
    plan = [params.SEGMENTS[a.segment[i]].plan for i in d.account.tolist()]
    src = []
    for k, c in zip(le.kind[d.lead].tolist(), le.source[d.lead].tolist(), strict=True):
        src.append(
            "Outbound"
            if k == 2
            else "Partner Referral"
            if k == 3
            else params.CHANNELS[min(c, len(params.CHANNELS) - 1)].salesforce_source
        )
    flag = np.array(["FALSE", "TRUE"], dtype=object)
    return {
        "Opportunity ID": ids.salesforce_ids("006", d.counter),
        "Opportunity Name": [
            f"{a.name[i]} - {p}" for i, p in zip(d.account.tolist(), plan, strict=True)
        ],
        "Account ID": b.sf_account(d.account),
        "Account Name": [a.name[i] for i in d.account],
        "Contact ID": b.sf_contact(d.lead),
        "Stage": d.stage,
        "Amount": money(d.amount),
        "Opportunity Currency": ["USD"] * n,
        "Probability (%)": d.probability.astype(str),
        "Created Date": format_times(d.created, "us_date"),
        "Close Date": format_times(d.closed, "us_date"),
        "Closed": flag[d.is_closed.astype(np.int64)],
        "Won": flag[d.won.astype(np.int64)],
        "Loss Reason": d.lost_reason,
        "Lead Source": src,
        "Type": ["New Business"] * n,
        "Opportunity Owner": [params.REPS[o].name for o in d.owner.tolist()],
    }


def invoices(b: Block, counters: Counters) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Columns of ``stripe-invoices.csv`` and identity-truth rows of billing contacts."""
    bi, a, d, le, p = b.billing, b.accounts, b.deals, b.leads, b.people
    rng = b.rng(Concern.STRIPE_VARIATION)
    c = bi.period_customer
    n = c.size
    acct = bi.account
    buyer = le.person[d.lead[bi.deal]]
    role = rng.random(len(bi)) < 0.3
    roles = ("billing", "accounts", "ap", "finance")
    role_pick = rng.integers(0, len(roles), len(bi))
    email = [
        f"{roles[r]}@{a.domain[ac]}" if is_role else p.work_email[pe]
        for is_role, r, ac, pe in zip(
            role.tolist(), role_pick.tolist(), acct.tolist(), buyer.tolist(), strict=True
        )
    ]
    name = variation.company_variants(
        rng,
        [a.name[i] for i in acct.tolist()],
        [a.brand[i] for i in acct.tolist()],
        [a.domain[i] for i in acct.tolist()],
        (0.5, 0.2, 0.1, 0.2, 0.0, 0.0),
    )
    months = np.array([params.SEGMENTS[a.segment[x]].period_months for x in acct.tolist()])
    total = np.round(bi.period_mrr * months[c], 2)
    paid = np.array([s == "paid" for s in bi.invoice_status])
    prev = np.concatenate([[np.nan], bi.period_mrr[:-1]])
    reason = np.where(
        bi.period_number == 1,
        "subscription_create",
        np.where(np.isclose(prev, bi.period_mrr), "subscription_cycle", "subscription_update"),
    )
    cus = b.stripe_customer(acct)
    prefix = [s[4:12].upper() for s in cus.to_pylist()]
    inv = ids.scrambled_ids("in_", counters.take("invoice", n), 24)
    cols = {
        "id": inv,
        "Number": [
            f"{prefix[x]}-{k:04d}"
            for x, k in zip(c.tolist(), bi.period_number.tolist(), strict=True)
        ],
        "Customer": cus.take(pa.array(c)),
        "Customer Name": [name[x] for x in c.tolist()],
        "Customer Email": [email[x] for x in c.tolist()],
        "Date (UTC)": format_times(bi.invoice_ts, "stripe"),
        "Period Start (UTC)": format_times(bi.period_start, "stripe"),
        "Period End (UTC)": format_times(bi.period_end, "stripe"),
        "Currency": ["usd"] * n,
        "Subtotal": money(total),
        "Tax": ["0.00"] * n,
        "Total": money(total),
        "Amount Due": money(total),
        "Amount Paid": money(np.where(paid, total, 0.0)),
        "Status": bi.invoice_status,
        "Billing Reason": reason.astype(object),
        "Subscription": b.stripe_subscription(acct).take(pa.array(c)),
    }
    person = ~role
    truth = {
        "source_system": pa.array(["stripe"] * int(person.sum())),
        "source_id": cus.filter(pa.array(person)),
        "kind": pa.array(["billing_contact"] * int(person.sum())),
        "person_id": b.person_id(buyer[person]),
        "account_id": b.true_account(buyer[person]),
    }
    return cols, truth


def subscriptions(b: Block) -> dict[str, pa.Array]:
    """Columns of ``accord-subscriptions.csv`` (one row per contract period)."""
    bi, a = b.billing, b.accounts
    c = bi.period_customer
    sub = b.stripe_subscription(bi.account).take(pa.array(c)).to_pylist()
    return {
        "source_system": ["stripe"] * c.size,
        "source_id": [f"{s}-{k}" for s, k in zip(sub, bi.period_number.tolist(), strict=True)],
        "subscription_id": sub,
        "account_id": b.stripe_customer(bi.account).take(pa.array(c)),
        "start_date": format_times(bi.period_start, "iso_date"),
        "end_date": format_times(bi.period_end, "iso_date"),
        "mrr": money(bi.period_mrr),
        "currency": ["USD"] * c.size,
        "status": bi.period_status,
        "plan": [params.SEGMENTS[a.segment[bi.account[x]]].plan for x in c.tolist()],
    }


def account_truth(b: Block) -> dict[str, pa.Array]:
    """Account-truth rows of the customer-side systems (Stripe, Zendesk, product)."""
    acct = b.billing.account
    has_ticket = np.zeros(len(b.billing), dtype=bool)
    has_ticket[b.usage.user_customer[b.tickets.user]] = True
    has_events = np.zeros(len(b.billing), dtype=bool)
    has_events[b.usage.user_customer[b.usage.event_user]] = True
    z, w = acct[has_ticket], acct[has_events]
    return {
        "source_system": pa.array(
            ["stripe"] * acct.size + ["zendesk"] * z.size + ["product"] * w.size
        ),
        "source_id": pa.concat_arrays([b.stripe_customer(acct), b.zd_org(z), b.workspace(w)]),
        "kind": pa.array(
            ["customer"] * acct.size + ["organization"] * z.size + ["workspace"] * w.size
        ),
        "account_id": pa.concat_arrays([b.account_key(acct), b.account_key(z), b.account_key(w)]),
    }
