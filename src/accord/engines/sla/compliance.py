"""Sales' side of the SLA: compliance per rep and per team, and the breach list.

From the hand-off table (:mod:`.handoffs`), for the hand-offs that started in the
window (local time):

* per commitment, ``met``, ``breached``, ``pending``, ``exempt`` and the compliance
  rate ``met / (met + breached)`` (pending and exempt hand-offs are not judged yet / not
  due, so they are outside the rate); for the decision commitment this is "the share of
  MQLs accepted or rejected within A hours with a reason";
* ``median_hours_to_first_touch`` and ``p90_hours_to_first_touch`` over the touched
  hand-offs (clock hours; linear-interpolation quantiles, Hyndman & Fan 1996 def. 7),
  and ``never_touched``;
* ``mean_attempts`` over the hand-offs whose attempts window had closed by ``as_of``;
* ``undisposed``: hand-offs still without a disposition at ``as_of``.

A row ``(all)`` totals every group.

References
----------
HubSpot, "How to create a service-level agreement between sales and marketing"
(blog.hubspot.com/marketing/service-level-agreement-sales-marketing): the commitments.
Hyndman, R. J. & Fan, Y. (1996), The American Statistician 50(4), p. 361-365.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import Window
from accord.engines.sla.handoffs import Handoffs
from accord.engines.sla.terms import Commitment

__all__ = ["ALL", "breach_list", "sales_compliance"]

ALL = "(all)"
_STATUSES = ("met", "breached", "pending", "exempt")


def _scope(
    h: Handoffs, start: dt.datetime | None, end: dt.datetime | None, first_only: bool
) -> ir.Table:
    t = h.table
    if start is not None and end is not None:
        t = t.filter(Window(start, end).contains(t.handoff_at))
    if first_only:
        t = t.filter(t.seq == 1)
    return t


def _n(condition: ir.BooleanValue) -> ir.IntegerValue:
    """How many rows meet *condition* (0, not null, over no rows)."""
    return condition.fill_null(False).cast("int64").sum().fill_null(0)


def _aggs(t: ir.Table, h: Handoffs) -> dict[str, ir.Value]:
    aggs: dict[str, ir.Value] = {
        "handoffs": t.count(),
        "accepted": _n(t.decision == "accepted"),
        "rejected": _n(t.decision == "rejected"),
        "undisposed": _n(t.disposed_at.isnull()),
        "never_touched": _n(t.first_touch_at.isnull()),
        "median_hours_to_first_touch": t.hours_to_first_touch.quantile(0.5),
        "p90_hours_to_first_touch": t.hours_to_first_touch.quantile(0.9),
    }
    for c in h.terms.commitments:
        status = t[f"{c}_status"]
        for s in _STATUSES:
            aggs[f"{c}_{s}"] = _n(status == s)
        aggs[f"{c}_open"] = _n(t[f"{c}_open"])
    if "attempts" in h.terms.commitments:
        closed = t.attempts_due_at <= ibis.literal(h.as_of)
        aggs["mean_attempts"] = t.attempts.mean(where=closed)
    return aggs


def _columns(h: Handoffs, *, team: bool = False) -> Columns:
    cols: list[tuple[str, pa.DataType]] = [
        ("group", pa.string()),
        *([("team", pa.string())] if team else []),
        ("handoffs", pa.int64()),
        ("accepted", pa.int64()),
        ("rejected", pa.int64()),
        ("undisposed", pa.int64()),
        ("never_touched", pa.int64()),
        ("median_hours_to_first_touch", pa.float64()),
        ("p90_hours_to_first_touch", pa.float64()),
    ]
    if "attempts" in h.terms.commitments:
        cols.append(("mean_attempts", pa.float64()))
    for c in h.terms.commitments:
        cols += [(f"{c}_{s}", pa.int64()) for s in _STATUSES]
        cols += [(f"{c}_open", pa.int64()), (f"{c}_rate", pa.float64())]
    return tuple(cols)


def sales_compliance(
    handoffs: Handoffs,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    by: Literal["owner", "team"] | None = "owner",
    first_only: bool = False,
) -> Report:
    """Per-rep (or per-team) compliance with every sales commitment.

    Parameters
    ----------
    handoffs
        From :func:`~accord.engines.sla.handoffs.build_handoffs`.
    start, end
        Hand-offs that started in ``[start, end)`` (local time); all without.
    by
        ``"owner"`` (rep), ``"team"``, or ``None`` for the total only.
    first_only
        Judge only each entity's first hand-off.

    Returns
    -------
    Report
        ``kind="compliance"``; one row per group plus ``(all)``. Per rep, a ``team``
        column names the rep's team (of their hand-offs; empty on the ``(all)`` row).
    """
    t = _scope(handoffs, start, end, first_only)
    aggs = _aggs(t, handoffs)
    with_team = by == "owner"
    total = t.aggregate(**aggs).mutate(group=ibis.literal(ALL))
    if with_team:
        total = total.mutate(team=ibis.null("string"))
    parts = [total]
    if by is not None:
        extra = {"team": t.team.max()} if with_team else {}
        grouped = t.group_by(group=t[by]).aggregate(**aggs, **extra)
        parts.insert(0, grouped.select(*total.columns))
    rows: list[dict[str, Any]] = ibis.union(*parts, distinct=False).to_pyarrow().to_pylist()
    rows.sort(key=lambda r: (r["group"] == ALL, str(r["group"])))
    for r in rows:
        for c in handoffs.terms.commitments:
            judged = r[f"{c}_met"] + r[f"{c}_breached"]
            r[f"{c}_rate"] = r[f"{c}_met"] / judged if judged else None
    notes = list(handoffs.notes())
    pending = (
        sum(rows[-1].get(f"{c}_pending") or 0 for c in handoffs.terms.commitments) if rows else 0
    )
    if pending:
        notes.append(Note("clock_running", int(pending), "commitments not yet due at as_of"))
    record = params({"start": start, "end": end, "by": by, "first_only": first_only})
    return Report(
        "compliance",
        to_table(rows, _columns(handoffs, team=with_team)),
        tuple(sorted(record + handoffs.parameters)),
        tuple(notes),
    )


BREACH_COLUMNS: Columns = (
    ("owner", pa.string()),
    ("team", pa.string()),
    ("entity", pa.string()),
    ("seq", pa.int64()),
    ("handoff_at", pa.timestamp("us")),
    ("commitment", pa.string()),
    ("due_at", pa.timestamp("us")),
    ("done_at", pa.timestamp("us")),
    ("late_hours", pa.float64()),
    ("open", pa.bool_()),
    ("detail", pa.string()),
)


def _detail(c: str, r: dict[str, Any], h: Handoffs) -> str:
    if c == "decision":
        if r["done_at"] is None:
            return "no decision yet"
        if r["late_hours"] == 0:
            return "rejected without a reason"
        return f"{r['decision']} late"
    if c == "first_touch":
        return "not touched yet" if r["done_at"] is None else "first touch late"
    if c == "attempts":
        return f"{r['attempts']} of {h.terms.attempts} attempts in {h.terms.attempts_days:g} days"
    return "no disposition yet" if r["done_at"] is None else "disposition late"


def breach_list(
    handoffs: Handoffs,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    rep: str | None = None,
    open_only: bool = False,
    commitments: Sequence[Commitment] | None = None,
    limit: int | None = None,
) -> Report:
    """The breaches: which rep, which lead, which commitment, how late.

    Parameters
    ----------
    rep
        Only this owner's breaches.
    open_only
        Only breaches still open (the commitment is overdue and not yet done).
    commitments
        Only these commitments (default: all switched on).
    limit
        At most this many rows, latest first (by lateness).

    Returns
    -------
    Report
        ``kind="breaches"``; columns ``owner``, ``team``, ``entity``, ``seq``,
        ``handoff_at``, ``commitment``, ``due_at``, ``done_at``, ``late_hours``,
        ``open``, ``detail``; sorted by ``late_hours`` descending.
    """
    t = _scope(handoffs, start, end, False)
    if rep is not None:
        t = t.filter(t.owner == rep)
    chosen = [
        c for c in (commitments or handoffs.terms.commitments) if c in handoffs.terms.commitments
    ]
    parts = []
    for c in chosen:
        sel = t.filter(t[f"{c}_status"] == "breached")
        if open_only:
            sel = sel.filter(sel[f"{c}_open"])
        parts.append(
            sel.select(
                owner=sel.owner,
                team=sel.team,
                entity=sel.entity.cast("string"),
                seq=sel.seq,
                handoff_at=sel.handoff_at,
                commitment=ibis.literal(c),
                due_at=sel[f"{c}_due_at"],
                done_at=sel[f"{c}_done_at"],
                late_hours=sel[f"{c}_late_hours"],
                open=sel[f"{c}_open"],
                decision=sel.decision,
                attempts=sel.attempts,
            )
        )
    rows: list[dict[str, Any]] = []
    if parts:
        expr = ibis.union(*parts, distinct=False).order_by(
            [ibis.desc("late_hours"), "owner", "entity", "commitment"]
        )
        if limit is not None:
            expr = expr.limit(limit)
        rows = expr.to_pyarrow().to_pylist()
    for r in rows:
        r["detail"] = _detail(r["commitment"], r, handoffs)
    record = params(
        {
            "start": start,
            "end": end,
            "rep": rep,
            "open_only": open_only,
            "commitments": chosen,
            "limit": limit,
        }
    )
    return Report(
        "breaches", to_table(rows, BREACH_COLUMNS), tuple(sorted(record + handoffs.parameters))
    )
