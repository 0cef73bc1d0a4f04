"""The funnel over time: one row per period and stage, ready for a line or bar chart.

For each period of ``grain`` (week or month, local time) and each stage: the first
entries into the stage in the period, the cohort conversion of those entrants to the
next stage by ``as_of`` (and within ``within_days`` when given), and the period
conversion (entries into the next stage in the same period ÷ entries into this one).
Both conversions are there, named by their kind, so a chart never mixes them up; the
last stage has no next stage and null rates.

Examples
--------
>>> import ibis
>>> from accord.engines.funnel.stages import funnel_entries, stage_rules
>>> ev = ibis.memtable({"pid": ["a", "a", "b"], "stage": ["mql", "sal", "mql"],
...                     "ts": [dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 2),
...                            dt.datetime(2024, 2, 5)]})
>>> fe = funnel_entries(ev, stages=stage_rules(["mql", "sal"]), entity_col="pid")
>>> r = funnel_over_time(fe, start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 3, 1),
...                      grain="month", as_of=dt.datetime(2024, 3, 1))
>>> [(x["period"], x["entered"], x["cohort_rate_next"], x["period_rate_next"])
...  for x in r.rows() if x["stage"] == "mql"]
[('2024-01', 1, 1.0, 0.0), ('2024-02', 1, 0.0, 1.0)]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from accord.engines.funnel.conversion import cohort_conversion, period_conversion, stage_counts
from accord.engines.funnel.periods import Grain
from accord.engines.funnel.result import Columns, Report, params, to_table
from accord.engines.funnel.stages import FunnelEntries

__all__ = ["funnel_over_time"]

OVER_TIME_COLUMNS: Columns = (
    ("period", pa.string()), ("period_start", pa.timestamp("us")), ("group", pa.string()),
    ("stage", pa.string()), ("next_stage", pa.string()), ("entered", pa.int64()),
    ("cohort_converted_next", pa.int64()), ("cohort_rate_next", pa.float64()),
    ("cohort_rate_next_within", pa.float64()), ("period_rate_next", pa.float64()),
)  # fmt: skip


def funnel_over_time(
    entries: FunnelEntries,
    *,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
    grain: Grain = "month",
    within_days: float | None = None,
    by: str | None = None,
) -> Report:
    """Entries and next-stage conversion (cohort and period) per period and stage.

    Returns
    -------
    Report
        ``kind="over_time"``; columns ``period``, ``period_start``, ``group``, ``stage``,
        ``next_stage``, ``entered``, ``cohort_converted_next``, ``cohort_rate_next``,
        ``cohort_rate_next_within``, ``period_rate_next``.
    """
    s = entries.stages
    pairs = [(s[i], s[i + 1]) for i in range(len(s) - 1)]
    counts = stage_counts(entries, start=start, end=end, grain=grain, by=by)
    rows = counts.rows()
    c: dict[tuple[object, ...], dict[str, Any]]
    q: dict[tuple[object, ...], dict[str, Any]]
    notes = list(counts.notes)
    if pairs:
        cohort = cohort_conversion(
            entries, start=start, end=end, as_of=as_of, within_days=within_days, grain=grain,
            by=by, pairs=pairs,
        )  # fmt: skip
        period = period_conversion(entries, start=start, end=end, grain=grain, by=by, pairs=pairs)
        c = {(r["period"], r["group"], r["from_stage"]): r for r in cohort.rows()}
        q = {(r["period"], r["group"], r["from_stage"]): r for r in period.rows()}
        notes += [n for n in cohort.notes if n.code in ("immature", "skipped_stage", "no_entries")]
    else:
        c, q = {}, {}
    nxt = dict(pairs)
    for r in rows:
        key = (r["period"], r["group"], r["stage"])
        cr, pr = c.get(key, {}), q.get(key, {})
        r["next_stage"] = nxt.get(str(r["stage"]))
        r["cohort_converted_next"] = cr.get("converted")
        r["cohort_rate_next"] = cr.get("rate")
        r["cohort_rate_next_within"] = cr.get("rate_within")
        r["period_rate_next"] = pr.get("rate")
    record = params(
        {"start": start, "end": end, "as_of": as_of, "grain": grain, "within_days": within_days,
         "by": by}
    )  # fmt: skip
    return Report(
        "over_time", to_table(rows, OVER_TIME_COLUMNS), tuple(sorted(record + entries.parameters)),
        tuple(notes),
    )  # fmt: skip
