"""Time in stage and time between stages: median and 90th percentile, in days.

For a pair of stages (X, Y) the population is the cohort that entered X in the window
(local time) and had reached Y (:mod:`.scope`: Y or a later stage) by ``as_of``; the
duration is ``reached(Y) - entered(X)``. Those of the cohort that had not reached Y are
counted as ``waiting`` (censored: their durations are unknown, not zero). **Time in
stage** X is the pair (X, next stage). Quantiles are the linear-interpolation sample
quantiles (Hyndman & Fan 1996, definition 7; ``numpy.quantile``'s default), computed in
the warehouse.

References
----------
Hyndman, R. J. & Fan, Y. (1996), "Sample quantiles in statistical packages",
The American Statistician 50(4), p. 361-365.

Examples
--------
>>> import ibis
>>> from accord.engines.funnel.stages import funnel_entries, stage_rules
>>> ev = ibis.memtable({"pid": ["a", "a", "b", "b", "c"], "stage": ["mql", "sal"] * 2 + ["mql"],
...                     "ts": [dt.datetime(2024, 1, d) for d in (1, 3, 5, 9, 6)]})
>>> fe = funnel_entries(ev, stages=stage_rules(["mql", "sal"]), entity_col="pid")
>>> r = stage_timing(fe, start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 2, 1),
...                  as_of=dt.datetime(2024, 2, 1))
>>> {k: r.rows()[0][k] for k in ("reached", "waiting", "median_days", "p90_days")}
{'reached': 2, 'waiting': 1, 'median_days': 3.0, 'p90_days': 3.8}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import ibis
import pyarrow as pa

from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import Window, group_key, reach, stage_pairs
from accord.engines.funnel.stages import FunnelEntries

__all__ = ["stage_timing"]

_DAY = 86_400.0
TIMING_COLUMNS: Columns = (
    ("group", pa.string()), ("from_stage", pa.string()), ("to_stage", pa.string()),
    ("entered", pa.int64()), ("reached", pa.int64()), ("waiting", pa.int64()),
    ("mean_days", pa.float64()), ("median_days", pa.float64()), ("p90_days", pa.float64()),
)  # fmt: skip


def stage_timing(
    entries: FunnelEntries,
    *,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
    by: str | None = None,
    pairs: Iterable[tuple[str, str]] | None = None,
    quantiles: tuple[float, float] = (0.5, 0.9),
) -> Report:
    """Durations between stages for the cohorts entering the from-stage in the window.

    Parameters
    ----------
    pairs
        ``(from, to)`` pairs; default: consecutive stages (time in stage).
    quantiles
        The two quantiles reported as ``median_days`` and ``p90_days``.

    Returns
    -------
    Report
        ``kind="timing"``; columns ``group``, ``from_stage``, ``to_stage``, ``entered``,
        ``reached``, ``waiting``, ``mean_days``, ``median_days``, ``p90_days`` (null
        when nobody reached the to-stage).
    """
    window = Window(start, end)
    chosen = stage_pairs(entries, pairs, all_pairs=False)
    cutoff = ibis.literal(as_of)
    parts = []
    for a, b in chosen:
        t = entries.table
        t = t.filter(window.contains(t[a]) & (t[a] <= cutoff))
        t = t.mutate(_r=reach(t, entries, a, b))  # once, as a column: smaller SQL
        r = t._r
        t = t.mutate(
            _days=ibis.ifelse(
                r.notnull() & (r <= cutoff), (r.epoch_seconds() - t[a].epoch_seconds()) / _DAY,
                ibis.null("float64"),
            ),
            _group=group_key(t, by),
        )  # fmt: skip
        parts.append(
            t.group_by(group=t._group).aggregate(
                from_stage=ibis.literal(a),
                to_stage=ibis.literal(b),
                entered=t.count(),
                reached=t._days.count(),
                mean_days=t._days.mean(),
                median_days=t._days.quantile(quantiles[0]),
                p90_days=t._days.quantile(quantiles[1]),
            )
        )
    found = {
        (r["group"], r["from_stage"], r["to_stage"]): r
        for r in ibis.union(*parts, distinct=False).to_pyarrow().to_pylist()
    }
    groups = sorted({g for g, _, _ in found}) or ([] if by else ["all"])
    rows = []
    for g in groups:
        for a, b in chosen:
            f = found.get((g, a, b), {})
            n, k = int(f.get("entered", 0)), int(f.get("reached", 0))
            rows.append(
                {
                    "group": g,
                    "from_stage": a,
                    "to_stage": b,
                    "entered": n,
                    "reached": k,
                    "waiting": n - k,
                    "mean_days": f.get("mean_days"),
                    "median_days": f.get("median_days"),
                    "p90_days": f.get("p90_days"),
                }
            )
    notes = list(entries.entry_notes())
    never = sorted({f"{r['from_stage']}>{r['to_stage']}" for r in rows if not r["reached"]})
    if never:
        notes.append(Note("stage_not_reached", len(never), ", ".join(never)))
    record = params(
        {"start": start, "end": end, "as_of": as_of, "by": by,
         "pairs": [f"{a}>{b}" for a, b in chosen], "quantiles": quantiles}
    )  # fmt: skip
    return Report(
        "timing",
        to_table(rows, TIMING_COLUMNS),
        tuple(sorted(record + entries.parameters)),
        tuple(notes),
    )
