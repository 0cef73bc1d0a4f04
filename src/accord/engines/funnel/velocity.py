"""Pipeline created and sales velocity per period, from the opportunities table.

Per period (local time) and group:

* ``created``: opportunities created; ``pipeline``: their total amount;
* ``closed`` / ``won``: opportunities closed / won in the period; ``win_rate = won /
  closed``;
* ``average_deal_size``: mean amount of the opportunities won in the period;
* ``cycle_days``: mean days from creation to close of those won in the period;
* ``velocity = created x win_rate x average_deal_size / cycle_days``: revenue per day
  the pipeline produces (the "sales velocity equation" as HubSpot and Salesforce state
  it; the starter metric ``sales_velocity`` uses the same terms).

A period without closed deals has no win rate, one without won deals no deal size or
cycle; its velocity is null and the report says why.

References
----------
HubSpot, "Sales Velocity: What It Is and How to Calculate It" (blog.hubspot.com/sales/
sales-velocity); Salesforce, "What is sales velocity?" (salesforce.com/blog/
sales-velocity).

Examples
--------
>>> import ibis
>>> o = ibis.memtable({"created_at": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 11)],
...                    "closed_at": [dt.datetime(2024, 1, 21), dt.datetime(2024, 1, 31)],
...                    "amount": [100.0, 300.0], "won": [True, False], "is_closed": [True, True]})
>>> r = sales_velocity(o, start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 2, 1))
>>> {k: r.rows()[0][k] for k in ("created", "pipeline", "win_rate", "cycle_days", "velocity")}
{'created': 2, 'pipeline': 400.0, 'win_rate': 0.5, 'cycle_days': 20.0, 'velocity': 5.0}
"""

from __future__ import annotations

import datetime as dt

import ibis.expr.types as ir
import pyarrow as pa

from accord.engines.funnel.periods import Grain, check_time_zone, to_local
from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import Window, group_key, period_key

__all__ = ["sales_velocity"]

_DAY = 86_400.0
VELOCITY_COLUMNS: Columns = (
    ("period", pa.string()), ("period_start", pa.timestamp("us")), ("group", pa.string()),
    ("created", pa.int64()), ("pipeline", pa.float64()), ("closed", pa.int64()),
    ("won", pa.int64()), ("win_rate", pa.float64()), ("average_deal_size", pa.float64()),
    ("cycle_days", pa.float64()), ("velocity", pa.float64()),
)  # fmt: skip


def sales_velocity(
    opportunities: ir.Table,
    *,
    start: dt.datetime,
    end: dt.datetime,
    grain: Grain | None = None,
    by: str | None = None,
    created_col: str = "created_at",
    closed_col: str = "closed_at",
    amount_col: str = "amount",
    won_col: str = "won",
    is_closed_col: str | None = "is_closed",
    time_zone: str = "UTC",
) -> Report:
    """Pipeline created, win rate, deal size, cycle and velocity per period.

    Parameters
    ----------
    opportunities
        One row per deal.
    is_closed_col
        Boolean "closed" flag; ``None`` treats every deal with a close date as closed
        (do not do that with CRMs that store the *expected* close date of open deals).
    by
        A column of *opportunities* to group by (owner, segment, lead source).

    Returns
    -------
    Report
        ``kind="velocity"``; columns ``period``, ``period_start``, ``group``,
        ``created``, ``pipeline``, ``closed``, ``won``, ``win_rate``,
        ``average_deal_size``, ``cycle_days``, ``velocity``.
    """
    check_time_zone(time_zone)
    window = Window(start, end, grain)
    o = opportunities

    def local(col: str) -> ir.TimestampValue:
        return to_local(o[col].cast("timestamp"), time_zone, span=(start, end))

    closed = o[won_col].notnull() & o[closed_col].notnull()
    if is_closed_col is not None:
        closed = closed & o[is_closed_col].fill_null(False)
    base = o.select(
        c_ts=local(created_col),
        k_ts=local(closed_col),
        amount=o[amount_col].cast("float64"),
        won=o[won_col].fill_null(False),
        is_closed=closed,
        grp=group_key(o, by),
    )
    cre = base.filter(window.contains(base.c_ts))
    created = cre.group_by(period=period_key(cre.c_ts, window), group=cre.grp).aggregate(
        created=cre.count(), pipeline=cre.amount.sum()
    )
    cls = base.filter(base.is_closed & window.contains(base.k_ts))
    days = (cls.k_ts.epoch_seconds() - cls.c_ts.epoch_seconds()) / _DAY
    closed_agg = cls.group_by(period=period_key(cls.k_ts, window), group=cls.grp).aggregate(
        closed=cls.count(),
        won=cls.won.cast("int64").sum(),
        average_deal_size=cls.amount.mean(where=cls.won),
        cycle_days=days.mean(where=cls.won),
    )
    a = {(r["period"], r["group"]): r for r in created.to_pyarrow().to_pylist()}
    b = {(r["period"], r["group"]): r for r in closed_agg.to_pyarrow().to_pylist()}
    groups = sorted({g for _, g in a} | {g for _, g in b}) or ([] if by else ["all"])
    rows, no_closed, no_won = [], [], []
    for p in window.periods():
        for g in groups:
            ca, cb = a.get((p, g), {}), b.get((p, g), {})
            n_created, n_closed, n_won = (
                int(ca.get("created", 0)),
                int(cb.get("closed", 0)),
                int(cb.get("won") or 0),
            )
            win_rate = n_won / n_closed if n_closed else None
            ads, cycle = cb.get("average_deal_size"), cb.get("cycle_days")
            label = f"{window.label(p)}/{g}"
            if not n_closed:
                no_closed.append(label)
            elif not n_won:
                no_won.append(label)
            velocity = None
            if win_rate is not None and ads is not None and cycle:
                velocity = n_created * win_rate * ads / cycle
            rows.append(
                {
                    "period": window.label(p),
                    "period_start": p,
                    "group": g,
                    "created": n_created,
                    "pipeline": float(ca.get("pipeline") or 0.0),
                    "closed": n_closed,
                    "won": n_won,
                    "win_rate": win_rate,
                    "average_deal_size": ads,
                    "cycle_days": cycle,
                    "velocity": velocity,
                }
            )
    notes = []
    if no_closed:
        notes.append(Note("no_closed_deals", len(no_closed), "; ".join(no_closed[:20])))
    if no_won:
        notes.append(Note("no_won_deals", len(no_won), "; ".join(no_won[:20])))
    record = params(
        {"start": start, "end": end, "grain": grain, "by": by, "time_zone": time_zone,
         "is_closed_col": is_closed_col}
    )  # fmt: skip
    return Report("velocity", to_table(rows, VELOCITY_COLUMNS), record, tuple(notes))
