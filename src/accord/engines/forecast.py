"""Forecast accuracy: each past period's pipeline-weighted forecast against actual bookings.

Method (stated, because every choice moves the numbers):

1. **Snapshots.** At the start of every period (local time) the open pipeline is
   rebuilt from the opportunities: deals created before the period start and not closed
   before it. Each deal's *stage at period start* is its last ``stage_history`` entry at
   or before the start; without a history table (most CRM exports carry only the
   current stage, which would leak the outcome) the stage is the deal's **age bucket**
   at period start (``0-30d``, ``30-90d``, ...), a state known at the time.
2. **Stage probabilities learned from history.** ``p(stage) = deals in that stage at a
   period start that were won during that period / deals in that stage at a period
   start``, counted over snapshots (count-based win probability within one period).
   With ``learn="prior"`` (default, no look-ahead) the forecast for period P uses only
   periods that ended by P's start; with ``learn="all"`` it uses every period of the
   window (in-sample; then the total forecast equals the total bookings from starting
   pipeline exactly). A stage never seen before falls back to the pooled rate of all
   stages (``no_history``); one seen fewer than ``min_deals`` times is noted
   (``sparse_stage``).
3. **Forecast** for P = sum over open deals at P's start of amount x p(stage).
   **Actual** = amount of deals won with a close date in P (bookings), also split into
   bookings from the starting pipeline and from deals created during P.
4. **Accuracy** per period and group: ``error = forecast - actual``,
   ``pct_error = error / actual``; per group over all periods (rows ``(all)``):
   ``bias = sum(error) / sum(actual)`` and ``MAPE = mean(|error| / actual)`` over the
   periods with bookings (Hyndman & Koehler 2006; a period without bookings has no
   percentage error: ``no_bookings``).

References
----------
Hyndman, R. J. & Koehler, A. B. (2006), "Another look at measures of forecast
accuracy", International Journal of Forecasting 22(4), p. 679-688 (MAPE, bias).
Salesforce Help, "Opportunity probability and forecast categories" (expected revenue =
amount x stage probability).

Examples
--------
>>> import ibis
>>> D = dt.datetime
>>> o = ibis.memtable({"opportunity_id": ["a", "b"], "created_at": [D(2024, 1, 5), D(2024, 1, 6)],
...                    "closed_at": [D(2024, 2, 10), D(2024, 3, 10)], "amount": [100.0, 300.0],
...                    "won": [True, True], "is_closed": [True, True]})
>>> r = forecast_accuracy(o, start=D(2024, 2, 1), end=D(2024, 4, 1), learn="all")
>>> [(x["period"], x["forecast"], x["actual"]) for x in r.rows() if x["group"] == "all"]
[('2024-02', 200.0, 100.0), ('2024-03', 300.0, 300.0), ('(all)', 500.0, 400.0)]
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from accord.engines.funnel.periods import (
    Grain,
    check_time_zone,
    period_end,
    period_grid,
    period_label,
    to_local,
)
from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import group_key

__all__ = ["forecast_accuracy"]

_DAY = 86_400.0
ALL = "(all)"
UNKNOWN_STAGE = "(unknown)"

FORECAST_COLUMNS: Columns = (
    ("period", pa.string()), ("period_start", pa.timestamp("us")), ("group", pa.string()),
    ("open_deals", pa.int64()), ("pipeline", pa.float64()), ("forecast", pa.float64()),
    ("actual", pa.float64()), ("actual_from_pipeline", pa.float64()),
    ("actual_from_new", pa.float64()), ("error", pa.float64()), ("pct_error", pa.float64()),
    ("abs_pct_error", pa.float64()), ("mape", pa.float64()),
)  # fmt: skip


def _age_stage(days: ir.FloatingValue, buckets: Sequence[float]) -> ir.StringValue:
    edges = [0.0, *buckets]
    out: ir.StringValue = ibis.literal(f"age {edges[-1]:g}d+")
    for lo, hi in reversed(list(itertools.pairwise(edges))):
        out = ibis.ifelse(days < hi, ibis.literal(f"age {lo:g}-{hi:g}d"), out)
    return out


def forecast_accuracy(
    opportunities: ir.Table,
    *,
    start: dt.datetime,
    end: dt.datetime,
    grain: Grain = "month",
    by: str | None = None,
    stage_history: ir.Table | None = None,
    opportunity_col: str = "opportunity_id",
    created_col: str = "created_at",
    closed_col: str = "closed_at",
    amount_col: str = "amount",
    won_col: str = "won",
    is_closed_col: str | None = "is_closed",
    history_stage_col: str = "stage",
    history_time_col: str = "ts",
    age_buckets_days: Sequence[float] = (30.0, 90.0, 180.0),
    learn: Literal["prior", "all"] = "prior",
    min_deals: int = 20,
    time_zone: str = "UTC",
) -> Report:
    """Pipeline-weighted forecast vs actual bookings per period and group.

    Parameters
    ----------
    opportunities
        One row per deal (naive-UTC timestamps).
    start, end, grain
        Periods of ``grain`` overlapping ``[start, end)``, local time.
    by
        A column of *opportunities* to group by (team, segment, owner); probabilities
        are learned over all groups together.
    stage_history
        Optional ``opportunity_col``, ``history_stage_col``, ``history_time_col`` rows
        (one per stage change); without it, age buckets stand for stages.
    learn
        ``"prior"``: learn only from periods that ended before the forecast period;
        ``"all"``: from every period of the window.
    min_deals
        Snapshots a stage needs before its probability is trusted (else noted).

    Returns
    -------
    Report
        ``kind="forecast"``; one row per period and group plus one ``(all)`` row per
        group with the totals, ``pct_error`` = bias and ``mape``.
    """
    check_time_zone(time_zone)
    grid = period_grid(start, end, grain)
    bounds = ibis.memtable(
        {"p_start": grid, "p_end": [period_end(p, grain) for p in grid]},
        schema={"p_start": "timestamp", "p_end": "timestamp"},
    )
    o = opportunities
    span = (grid[0] - dt.timedelta(days=400), period_end(grid[-1], grain))
    closed = o[closed_col].notnull()
    if is_closed_col is not None:
        closed = closed & o[is_closed_col].fill_null(False)
    deals = o.select(
        oid=o[opportunity_col].cast("string"),
        c_at=to_local(o[created_col].cast("timestamp"), time_zone, span=span),
        k_at=to_local(o[closed_col].cast("timestamp"), time_zone, span=span),
        amount=o[amount_col].cast("float64").fill_null(0.0),
        won=o[won_col].fill_null(False) & closed,
        closed=closed,
        group=group_key(o, by),
    )
    snap = deals.cross_join(bounds)
    snap = snap.filter((snap.c_at < snap.p_start) & (~snap.closed | (snap.k_at >= snap.p_start)))
    if stage_history is not None:
        h = stage_history
        hist = h.select(
            h_oid=h[opportunity_col].cast("string"),
            h_stage=h[history_stage_col].cast("string"),
            h_at=to_local(h[history_time_col].cast("timestamp"), time_zone, span=span),
        )
        j = snap.left_join(hist, (snap.oid == hist.h_oid) & (hist.h_at <= snap.p_start))
        snap = j.group_by(list(snap.columns)).aggregate(
            stage=j.h_stage.argmax(j.h_at).fill_null(UNKNOWN_STAGE)
        )
    else:
        age = (snap.p_start.epoch_seconds() - snap.c_at.epoch_seconds()) / _DAY
        snap = snap.mutate(stage=_age_stage(age, age_buckets_days))
    won_in = snap.won & (snap.k_at >= snap.p_start) & (snap.k_at < snap.p_end)
    per = snap.group_by(["p_start", "stage", "group"]).aggregate(
        deals=snap.count(),
        amount=snap.amount.sum(),
        won=won_in.cast("int64").sum(),
        won_amount=snap.amount.sum(where=won_in),
    )
    booked = deals.cross_join(bounds)
    booked = booked.filter(
        booked.won & (booked.k_at >= booked.p_start) & (booked.k_at < booked.p_end)
    )
    actual = booked.group_by(["p_start", "group"]).aggregate(actual=booked.amount.sum())
    snaps: list[dict[str, Any]] = per.to_pyarrow().to_pylist()
    acts = {(r["p_start"], r["group"]): float(r["actual"]) for r in actual.to_pyarrow().to_pylist()}
    probs, notes = _learn(snaps, grid, grain, learn, min_deals)
    rows = _rows(snaps, acts, probs, grid, grain, by)
    no_bookings = [
        f"{r['period']}/{r['group']}" for r in rows if r["period"] != ALL and not r["actual"]
    ]
    if no_bookings:
        notes.append(Note("no_bookings", len(no_bookings), "; ".join(no_bookings[:20])))
    record = params(
        {"start": start, "end": end, "grain": grain, "by": by, "learn": learn,
         "min_deals": min_deals, "time_zone": time_zone,
         "stages": "history" if stage_history is not None else "age buckets",
         "age_buckets_days": tuple(age_buckets_days)}
    )  # fmt: skip
    return Report("forecast", to_table(rows, FORECAST_COLUMNS), record, tuple(notes))


Probabilities = dict[dt.datetime, dict[str, float | None]]


def _learn(
    snaps: list[dict[str, Any]], grid: list[dt.datetime], grain: Grain, learn: str, min_deals: int
) -> tuple[Probabilities, list[Note]]:
    """Per forecast period, per stage, the learned probability (``None``: nothing to learn)."""
    counts: dict[tuple[dt.datetime, str], list[int]] = {}
    for r in snaps:
        acc = counts.setdefault((r["p_start"], r["stage"]), [0, 0])
        acc[0] += r["won"]
        acc[1] += r["deals"]
    stages = sorted({s for _, s in counts})
    out: Probabilities = {}
    sparse: set[str] = set()
    unseen: set[str] = set()
    for p in grid:
        usable = [q for q in grid if learn == "all" or period_end(q, grain) <= p]
        won = {s: sum(counts.get((q, s), [0, 0])[0] for q in usable) for s in stages}
        n = {s: sum(counts.get((q, s), [0, 0])[1] for q in usable) for s in stages}
        pooled = sum(won.values()) / sum(n.values()) if sum(n.values()) else None
        out[p] = {}
        for s in stages:
            if n[s]:
                out[p][s] = won[s] / n[s]
                if n[s] < min_deals:
                    sparse.add(s)
            else:
                out[p][s] = pooled
                if counts.get((p, s)):
                    unseen.add(f"{p.date().isoformat()}:{s}")
    notes = []
    if unseen:
        notes.append(Note("no_history", len(unseen), "; ".join(sorted(unseen)[:20])))
    if sparse:
        notes.append(Note("sparse_stage", len(sparse), ", ".join(sorted(sparse))))
    return out, notes


def _empty_cell() -> dict[str, Any]:
    return {
        "open_deals": 0,
        "pipeline": 0.0,
        "forecast": 0.0,
        "from_pipeline": 0.0,
        "unknown": False,
    }


def _rows(
    snaps: list[dict[str, Any]],
    acts: dict[tuple[dt.datetime, str], float],
    probs: Probabilities,
    grid: list[dt.datetime],
    grain: Grain,
    by: str | None,
) -> list[dict[str, Any]]:
    cell: dict[tuple[dt.datetime, str], dict[str, Any]] = {}
    for r in snaps:
        c = cell.setdefault((r["p_start"], r["group"]), _empty_cell())
        c["open_deals"] += r["deals"]
        c["pipeline"] += r["amount"]
        c["from_pipeline"] += r["won_amount"] or 0.0
        prob = probs[r["p_start"]].get(r["stage"])
        if prob is None:
            c["unknown"] = True
        else:
            c["forecast"] += r["amount"] * prob
    groups = sorted({g for _, g in cell} | {g for _, g in acts}) or ([] if by else ["all"])
    rows: list[dict[str, Any]] = []
    for g in groups:
        mine = []
        for p in grid:
            c = cell.get((p, g), _empty_cell())
            actual = acts.get((p, g), 0.0)
            forecast = None if c["unknown"] else c["forecast"]
            error = forecast - actual if forecast is not None else None
            pct = error / actual if error is not None and actual else None
            mine.append(
                {
                    "period": period_label(p, grain),
                    "period_start": p,
                    "group": g,
                    "open_deals": c["open_deals"],
                    "pipeline": c["pipeline"],
                    "forecast": forecast,
                    "actual": actual,
                    "actual_from_pipeline": c["from_pipeline"],
                    "actual_from_new": actual - c["from_pipeline"],
                    "error": error,
                    "pct_error": pct,
                    "abs_pct_error": abs(pct) if pct is not None else None,
                    "mape": None,
                }
            )
        judged = [r for r in mine if r["forecast"] is not None]
        f_sum = sum(r["forecast"] for r in judged)
        a_sum = sum(r["actual"] for r in judged)
        apes = [r["abs_pct_error"] for r in judged if r["abs_pct_error"] is not None]
        rows += mine
        rows.append(
            {
                "period": ALL,
                "period_start": None,
                "group": g,
                "open_deals": sum(r["open_deals"] for r in judged),
                "pipeline": sum(r["pipeline"] for r in judged),
                "forecast": f_sum if judged else None,
                "actual": a_sum,
                "actual_from_pipeline": sum(r["actual_from_pipeline"] for r in judged),
                "actual_from_new": sum(r["actual_from_new"] for r in judged),
                "error": f_sum - a_sum if judged else None,
                "pct_error": (f_sum - a_sum) / a_sum if judged and a_sum else None,
                "abs_pct_error": None,
                "mape": sum(apes) / len(apes) if apes else None,
            }
        )
    return rows
