"""The lead-quality feedback loop: what sales says about marketing's leads, by source.

Four reports, all grouped by an attribute of the lead (source, campaign, channel):

* :func:`acceptance`: of the hand-offs sales decided on, the share accepted and
  rejected; by default each entity's *first* hand-off only, so a recycled lead that
  comes back does not count twice;
* :func:`reason_mix`: the rejections' reason codes, counts and shares (a rejection
  without a reason is ``(missing)``);
* :func:`recycled_outcomes`: the leads recycled in the window and what happened to
  them afterwards: back as MQLs, accepted, customers, disqualified;
* :func:`lead_value`: ``lead value = conversion rate to customer x revenue per
  customer`` over the *cohort* of distinct entities whose first MQL fell in the window
  (cohort conversion, first entries: recycled leads are in the cohort once), so
  marketing can act on value per lead, not volume.

References
----------
Kotler, Rackham & Krishnaswamy (2006), "Ending the War Between Sales and Marketing",
HBR 84(7-8): reason-coded feedback from sales to marketing as a mark of the *aligned*
stage. HubSpot, "Lead scoring" and "Customer value by source" reports (value per lead
= close rate x average revenue per customer).

Examples
--------
>>> import datetime as dt, ibis
>>> from accord.engines.sla import Clock, SalesTerms, build_handoffs
>>> ev = ibis.memtable({"cid": ["a", "a", "b", "b"], "stage": ["mql", "sal", "mql", "rejected"],
...                     "ts": [dt.datetime(2024, 1, d) for d in (1, 2, 3, 4)],
...                     "reason": [None, None, None, "bad_fit"]})
>>> act = ibis.memtable({"cid": ["a"], "ts": [dt.datetime(2024, 1, 1, 5)]})
>>> h = build_handoffs(ev, act, terms=SalesTerms(), clock=Clock(), as_of=dt.datetime(2024, 2, 1),
...                    entity_col="cid", activity_entity_col="cid", activity_rep_col=None)
>>> src = ibis.memtable({"cid": ["a", "b"], "source": ["webinar", "webinar"]})
>>> r = acceptance(h, attributes=src, by="source", entity_col="cid")
>>> {k: r.rows()[0][k] for k in ("decided", "accepted", "acceptance_rate")}
{'decided': 2, 'accepted': 1, 'acceptance_rate': 0.5}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from accord.engines.funnel.periods import to_local
from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import Window, reach
from accord.engines.funnel.side import MISSING_REASON
from accord.engines.funnel.stages import NONE_LABEL, FunnelEntries
from accord.engines.sla.handoffs import Handoffs

__all__ = ["acceptance", "lead_value", "reason_mix", "recycled_outcomes"]


def _with_group(
    t: ir.Table, attributes: ir.Table | None, by: str | None, entity_col: str
) -> ir.Table:
    if by is None or attributes is None:
        return t.mutate(group=ibis.literal("all"))
    a = attributes.select(g_entity=attributes[entity_col], g_value=attributes[by].cast("string"))
    a = a.group_by("g_entity").aggregate(g_value=a.g_value.max())
    j = t.left_join(a, t.entity == a.g_entity)
    return j.mutate(group=j.g_value.fill_null(NONE_LABEL)).drop("g_entity", "g_value")


def _decided(
    h: Handoffs,
    attributes: ir.Table | None,
    by: str | None,
    entity_col: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    first_only: bool,
) -> ir.Table:
    t = h.table
    if first_only:
        t = t.filter(t.seq == 1)
    if start is not None and end is not None:
        t = t.filter(Window(start, end).contains(t.handoff_at))
    return _with_group(t.filter(t.decision.notnull()), attributes, by, entity_col)


ACCEPTANCE_COLUMNS: Columns = (
    ("group", pa.string()), ("decided", pa.int64()), ("accepted", pa.int64()),
    ("rejected", pa.int64()), ("acceptance_rate", pa.float64()),
    ("rejection_rate", pa.float64()), ("missing_reason", pa.int64()),
)  # fmt: skip


def acceptance(
    handoffs: Handoffs,
    *,
    attributes: ir.Table | None,
    by: str | None,
    entity_col: str = "contact_id",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    first_only: bool = True,
) -> Report:
    """Acceptance and rejection rates of decided hand-offs, per group.

    Parameters
    ----------
    handoffs
        From :func:`~accord.engines.sla.build_handoffs`.
    attributes
        One row per entity with the ``by`` column (``entity_col`` keys it).
    start, end
        Hand-offs that started in ``[start, end)`` (local time); all without.
    first_only
        Only each entity's first hand-off (default), so re-MQLs do not count twice.

    Returns
    -------
    Report
        ``kind="acceptance"``; columns ``group``, ``decided``, ``accepted``,
        ``rejected``, ``acceptance_rate``, ``rejection_rate``, ``missing_reason``.
    """
    t = _decided(handoffs, attributes, by, entity_col, start, end, first_only)
    rej = t.decision == "rejected"
    no_reason = rej & (t.reason.isnull() | (t.reason.strip() == ""))
    agg = t.group_by("group").aggregate(
        decided=t.count(),
        accepted=(t.decision == "accepted").cast("int64").sum(),
        rejected=rej.cast("int64").sum(),
        missing_reason=no_reason.cast("int64").sum(),
    )
    rows: list[dict[str, Any]] = sorted(agg.to_pyarrow().to_pylist(), key=lambda r: str(r["group"]))
    for r in rows:
        r["acceptance_rate"] = r["accepted"] / r["decided"]
        r["rejection_rate"] = r["rejected"] / r["decided"]
    notes = []
    if not rows:
        notes.append(Note("no_decisions", 0, "no decided hand-offs in scope"))
    missing = sum(r["missing_reason"] for r in rows)
    if missing:
        notes.append(Note("missing_reason", missing, "rejections without a reason code"))
    record = params({"by": by, "start": start, "end": end, "first_only": first_only})
    return Report(
        "acceptance",
        to_table(rows, ACCEPTANCE_COLUMNS),
        tuple(sorted(record + handoffs.parameters)),
        tuple(notes),
    )


REASON_COLUMNS: Columns = (
    ("group", pa.string()), ("reason", pa.string()), ("rejections", pa.int64()),
    ("share", pa.float64()),
)  # fmt: skip


def reason_mix(
    handoffs: Handoffs,
    *,
    attributes: ir.Table | None = None,
    by: str | None = None,
    entity_col: str = "contact_id",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    first_only: bool = True,
    reasons: Sequence[str] | None = None,
) -> Report:
    """The reason codes of rejections per group: counts and share of the group's
    rejections (``kind="reasons"``). ``reasons``: the funnel's codes; others are noted."""
    t = _decided(handoffs, attributes, by, entity_col, start, end, first_only)
    t = t.filter(t.decision == "rejected")
    why = ibis.ifelse(
        t.reason.isnull() | (t.reason.strip() == ""), ibis.literal(MISSING_REASON), t.reason
    )
    agg = t.group_by(group=t.group, reason=why).aggregate(rejections=t.count())
    rows: list[dict[str, Any]] = agg.to_pyarrow().to_pylist()
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["group"]] = totals.get(r["group"], 0) + r["rejections"]
    for r in rows:
        r["share"] = r["rejections"] / totals[r["group"]]
    rows.sort(key=lambda r: (str(r["group"]), -r["rejections"], str(r["reason"])))
    notes = []
    missing = sum(r["rejections"] for r in rows if r["reason"] == MISSING_REASON)
    if missing:
        notes.append(Note("missing_reason", missing, "rejections without a reason code"))
    if reasons is not None:
        odd = [r for r in rows if r["reason"] not in {*reasons, MISSING_REASON}]
        if odd:
            detail = ", ".join(sorted({r["reason"] for r in odd}))
            notes.append(Note("unexpected_reason", sum(r["rejections"] for r in odd), detail))
    record = params(
        {"by": by, "start": start, "end": end, "first_only": first_only, "reasons": reasons}
    )
    return Report(
        "reasons",
        to_table(rows, REASON_COLUMNS),
        tuple(sorted(record + handoffs.parameters)),
        tuple(notes),
    )


RECYCLED_COLUMNS: Columns = (
    ("group", pa.string()), ("recycled", pa.int64()), ("returned", pa.int64()),
    ("accepted_after", pa.int64()), ("customers_after", pa.int64()),
    ("disqualified_after", pa.int64()), ("still_recycled", pa.int64()),
    ("return_rate", pa.float64()), ("customer_rate", pa.float64()),
)  # fmt: skip


def recycled_outcomes(
    events: ir.Table,
    *,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
    attributes: ir.Table | None = None,
    by: str | None = None,
    entity_col: str = "contact_id",
    stage_col: str = "stage",
    time_col: str = "ts",
    time_zone: str = "UTC",
    recycle_stages: Sequence[str] = ("recycled",),
    handoff_stage: str = "mql",
    accept_stages: Sequence[str] = ("sal",),
    customer_stages: Sequence[str] = ("customer",),
    disqualify_stages: Sequence[str] = ("disqualified",),
) -> Report:
    """Leads first recycled in ``[start, end)`` and what they did after, by ``as_of``.

    Each entity counts once, from its first recycle in the window. ``returned``: a
    later hand-off event; ``accepted_after``, ``customers_after``,
    ``disqualified_after``: a later event of those stages; ``still_recycled``: none of
    return, customer or disqualification yet. ``kind="recycled"``.
    """
    span = (start, as_of)
    ev = events.select(
        entity=events[entity_col],
        stage=events[stage_col].cast("string"),
        at=to_local(events[time_col].cast("timestamp"), time_zone, span=span),
    ).filter(lambda e: e.entity.notnull() & (e.at <= ibis.literal(as_of)))
    rec = ev.filter(ev.stage.isin(list(recycle_stages)) & Window(start, end).contains(ev.at))
    rec = rec.group_by("entity").aggregate(r_at=rec.at.min())
    later = ev.select(l_entity="entity", l_stage="stage", l_at="at")
    j = rec.left_join(later, (rec.entity == later.l_entity) & (later.l_at > rec.r_at))

    def seen(stages: Sequence[str]) -> ir.BooleanValue:
        return (j.l_stage.isin(list(stages))).fill_null(False).any()

    per = j.group_by(["entity", "r_at"]).aggregate(
        returned=seen([handoff_stage]),
        accepted_after=seen(accept_stages),
        customers_after=seen(customer_stages),
        disqualified_after=seen(disqualify_stages),
    )
    per = _with_group(per, attributes, by, entity_col)
    still = ~(per.returned | per.customers_after | per.disqualified_after)
    agg = per.group_by("group").aggregate(
        recycled=per.count(),
        returned=per.returned.cast("int64").sum(),
        accepted_after=per.accepted_after.cast("int64").sum(),
        customers_after=per.customers_after.cast("int64").sum(),
        disqualified_after=per.disqualified_after.cast("int64").sum(),
        still_recycled=still.cast("int64").sum(),
    )
    rows: list[dict[str, Any]] = sorted(agg.to_pyarrow().to_pylist(), key=lambda r: str(r["group"]))
    for r in rows:
        r["return_rate"] = r["returned"] / r["recycled"]
        r["customer_rate"] = r["customers_after"] / r["recycled"]
    notes = [] if rows else [Note("no_entries", 0, "no recycled leads in the window")]
    record = params(
        {"start": start, "end": end, "as_of": as_of, "by": by, "time_zone": time_zone,
         "recycle_stages": recycle_stages, "entity_col": entity_col}
    )  # fmt: skip
    return Report("recycled", to_table(rows, RECYCLED_COLUMNS), record, tuple(notes))


VALUE_COLUMNS: Columns = (
    ("group", pa.string()), ("leads", pa.int64()), ("customers", pa.int64()),
    ("conversion_rate", pa.float64()), ("revenue", pa.float64()),
    ("revenue_per_customer", pa.float64()), ("lead_value", pa.float64()),
)  # fmt: skip


def lead_value(
    entries: FunnelEntries,
    revenue: ir.Table,
    *,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
    by: str | None = None,
    from_stage: str = "mql",
    customer_stage: str = "customer",
    entity_col: str = "contact_id",
    amount_col: str = "amount",
) -> Report:
    """Lead value per group: conversion rate to customer x revenue per customer.

    Parameters
    ----------
    entries
        Funnel first entries carrying the ``by`` attribute.
    revenue
        Revenue credited to each entity (``entity_col``, ``amount_col``; several rows
        per entity are summed). The caller decides what counts (e.g. won deal amounts,
        first-year invoices) and credits an account's revenue to its people.
    start, end, as_of
        Cohort of first ``from_stage`` entries in ``[start, end)``; customers by ``as_of``.

    Returns
    -------
    Report
        ``kind="lead_value"``; columns ``group``, ``leads``, ``customers``,
        ``conversion_rate``, ``revenue``, ``revenue_per_customer``, ``lead_value``
        (= ``revenue / leads``).
    """
    t = entries.table
    t = t.filter(
        Window(start, end).contains(t[from_stage]) & (t[from_stage] <= ibis.literal(as_of))
    )
    got = reach(t, entries, from_stage, customer_stage)
    t = t.mutate(_customer=got.notnull() & (got <= ibis.literal(as_of)))
    if by is not None:
        t = t.mutate(group=t[by].cast("string").fill_null(NONE_LABEL))
    else:
        t = t.mutate(group=ibis.literal("all"))
    money = revenue.group_by(m_entity=revenue[entity_col]).aggregate(
        m_amount=revenue[amount_col].cast("float64").sum()
    )
    j = t.left_join(money, t.entity == money.m_entity)
    agg = j.group_by("group").aggregate(
        leads=j.count(),
        customers=j._customer.cast("int64").sum(),
        revenue=j.m_amount.fill_null(0.0).sum(where=j._customer),
    )
    rows: list[dict[str, Any]] = sorted(agg.to_pyarrow().to_pylist(), key=lambda r: str(r["group"]))
    no_customers = []
    for r in rows:
        r["revenue"] = float(r["revenue"] or 0.0)
        r["conversion_rate"] = r["customers"] / r["leads"]
        r["revenue_per_customer"] = r["revenue"] / r["customers"] if r["customers"] else None
        r["lead_value"] = r["revenue"] / r["leads"]
        if not r["customers"]:
            no_customers.append(str(r["group"]))
    notes = list(entries.entry_notes())
    if no_customers:
        notes.append(Note("no_customers", len(no_customers), ", ".join(no_customers[:20])))
    record = params(
        {"start": start, "end": end, "as_of": as_of, "by": by, "from_stage": from_stage,
         "customer_stage": customer_stage}
    )  # fmt: skip
    return Report(
        "lead_value",
        to_table(rows, VALUE_COLUMNS),
        tuple(sorted(record + entries.parameters)),
        tuple(notes),
    )
