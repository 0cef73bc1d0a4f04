"""Customers, subscriptions, renewals, churn and invoices.

A won opportunity starts a Stripe subscription 0-7 days after the close, on the
segment's plan and contract period (smb monthly, mid-market quarterly, enterprise
yearly) at MRR = ACV / 12. Each customer draws a churn probability ``theta ~
Beta(alpha, beta)`` of its segment (``params.RETENTION``) and churns at the end of each
period with that probability, i.e. its number of paid periods is Geometric(theta): the
shifted-beta-geometric model (Fader & Hardie 2007, eq. 1-2). Customers who start inside
the ``onboarding-checklist`` test window are randomised; the treatment multiplies theta by
0.75. At a renewal MRR grows x1.1-1.5 with probability 0.06. One invoice per period is
issued at its start for MRR x months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from accord.simulate import params
from accord.simulate.accounts import Accounts
from accord.simulate.clock import DAY, HOUR, add_months, epoch
from accord.simulate.deals import Deals
from accord.simulate.truth import Tally
from accord.simulate.world import World

__all__ = ["CHURN_REASONS", "Billing", "make_billing"]

CHURN_REASONS = ("low_usage", "budget", "competitor", "missing_features", "acquired")


@dataclass(frozen=True, slots=True)
class Billing:
    """Customers (one per won deal's account) with their periods and invoices."""

    account: np.ndarray
    deal: np.ndarray
    start: np.ndarray
    end: np.ndarray
    """End of the last paid period (``>= world.t1`` when still a customer)."""
    churned: np.ndarray
    theta: np.ndarray
    treated: np.ndarray
    exposed: np.ndarray
    churn_reason: np.ndarray
    period_customer: np.ndarray
    period_number: np.ndarray
    period_start: np.ndarray
    period_end: np.ndarray
    period_mrr: np.ndarray
    period_status: list[str]
    invoice_ts: np.ndarray
    invoice_status: list[str]

    def __len__(self) -> int:
        return int(self.account.size)


def _month_starts(start: int, months: int, count: int) -> list[int]:
    """Period boundaries from *start* (moved to the 1st of the next month after the 28th)."""
    d = datetime.fromtimestamp(start, tz=UTC).date()
    if d.day > 28:
        d = add_months(date(d.year, d.month, 1), 1)
    return [epoch(add_months(d, months * k)) for k in range(count + 1)]


def make_billing(
    world: World, accounts: Accounts, deals: Deals, rng: np.random.Generator, truth: Tally
) -> Billing:
    """Subscriptions of the block's new customers."""
    won = np.flatnonzero(deals.won)
    start = deals.closed[won] // DAY * DAY + rng.integers(0, 8, won.size) * DAY
    start = np.array([_month_starts(int(t), 1, 0)[0] for t in start.tolist()], dtype=np.int64)
    started = start < world.t1  # a deal won in the last days may not have started yet
    won, start = won[started], start[started]
    account = deals.account[won]
    seg = accounts.segment[account]
    ret = {r.segment: r for r in params.RETENTION}
    spec = [ret[params.SEGMENTS[s].name] for s in seg.tolist()]
    alpha = np.array([r.alpha for r in spec])
    beta = np.array([r.beta for r in spec])
    theta = rng.beta(np.maximum(alpha, 1e-9), np.maximum(beta, 1e-9)) if won.size else alpha
    exp = params.EXPERIMENTS[2]
    lo = world.t0 + world.month_day(exp.start_month) * DAY
    hi = world.t0 + world.month_day(exp.end_month) * DAY
    exposed = (start >= lo) & (start < hi)
    treated = exposed & (rng.random(won.size) < 0.5)
    theta = np.where(treated, theta * exp.effect, theta)
    lifetime = rng.geometric(np.clip(theta, 1e-6, 1.0)) if won.size else np.zeros(0, np.int64)
    grow = rng.random((won.size, 40)) < params.EXPANSION_RATE
    factor = rng.uniform(1.1, 1.5, (won.size, 40))
    inv_offset = rng.integers(0, 3 * HOUR, (won.size, 40))
    status_u = rng.random((won.size, 40))
    churn_reason = rng.integers(0, len(CHURN_REASONS), won.size)

    rows: dict[str, list[int | float | str]] = {
        k: []
        for k in ("customer", "number", "start", "end", "mrr", "status", "inv_ts", "inv_status")
    }
    end = np.zeros(won.size, dtype=np.int64)
    churned = np.zeros(won.size, dtype=bool)
    for i in range(won.size):
        months = spec[i].period_months
        bounds = _month_starts(int(start[i]), months, min(int(lifetime[i]), 40))
        mrr = round(float(deals.amount[won[i]]) / 12, 2)
        for k in range(len(bounds) - 1):
            p_start, p_end = bounds[k], bounds[k + 1]
            if p_start >= world.t1:
                break
            if k and grow[i, k]:
                mrr = round(mrr * factor[i, k], 2)
            last = k == lifetime[i] - 1
            ended = p_end <= world.t1
            status = ("churned" if last else "renewed") if ended else "active"
            inv_ts = p_start + int(inv_offset[i, k])
            u = status_u[i, k]
            inv_status = (
                "open"
                if world.t1 - inv_ts < 30 * DAY and u < 0.5
                else "uncollectible"
                if u > 0.99
                else "void"
                if u > 0.985
                else "paid"
            )
            rows["customer"].append(i)
            rows["number"].append(k + 1)
            rows["start"].append(p_start)
            rows["end"].append(p_end)
            rows["mrr"].append(mrr)
            rows["status"].append(status)
            rows["inv_ts"].append(inv_ts)
            rows["inv_status"].append(inv_status)
            end[i] = p_end
            churned[i] = last and ended
    customer = np.array(rows["customer"], dtype=np.int64)
    number = np.array(rows["number"], dtype=np.int64)
    status_arr = np.array(rows["status"], dtype=object)
    for s, spec_s in enumerate(params.SEGMENTS):
        untreated = ~treated
        sel_c = (seg == s) & untreated
        truth.add(
            "retention",
            spec_s.name,
            customers=float(sel_c.sum()),
            churned=float((churned & sel_c).sum()),
        )
        in_seg = sel_c[customer] if customer.size else np.zeros(0, bool)
        done = in_seg & (status_arr != "active")
        truth.count_by(
            ("retention_periods", spec_s.name),
            number[done] - 1,
            tuple(str(k) for k in range(1, 41)),
            "at_risk",
        )
        gone = in_seg & (status_arr == "churned")
        truth.count_by(
            ("retention_periods", spec_s.name),
            number[gone] - 1,
            tuple(str(k) for k in range(1, 41)),
            "churned",
        )
    for arm, sel in (("control", exposed & ~treated), ("treatment", treated)):
        truth.add(
            "experiments",
            exp.experiment_id,
            arm,
            units=float(sel.sum()),
            churned=float((churned & sel).sum()),
            theta_sum=float(theta[sel].sum()),
        )
    return Billing(
        account=account,
        deal=won,
        start=start,
        end=end,
        churned=churned,
        theta=theta,
        treated=treated,
        exposed=exposed,
        churn_reason=churn_reason,
        period_customer=customer,
        period_number=number,
        period_start=np.array(rows["start"], dtype=np.int64),
        period_end=np.array(rows["end"], dtype=np.int64),
        period_mrr=np.array(rows["mrr"], dtype=float),
        period_status=list(status_arr),
        invoice_ts=np.array(rows["inv_ts"], dtype=np.int64),
        invoice_status=[str(s) for s in rows["inv_status"]],
    )
