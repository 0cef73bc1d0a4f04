"""Stage counts and conversion between any two stages, in both forms, always labelled.

**Cohort conversion** (``kind="cohort"``) follows the entities that entered stage X in a
period: of those, how many have reached stage Y *so far* (by ``as_of``), and how many
did so *within N days* of entering X. The within-N rate is computed only over cohort
members whose N days have fully elapsed by ``as_of`` (``mature``); the others are
reported as ``immature``, never counted as failures. It answers "what happens to the
leads we create" and is the figure to use for planning (SLA targets, forecasts).

**Period conversion** (``kind="period"``) divides entries into Y by entries into X in
the same period, whoever they are: ``rate = entries(Y) / entries(X)``. It needs no
waiting and is what most dashboards show, but it mixes cohorts, so it can exceed 1 when
a large earlier cohort converts in a small period.

Both count *first* entries only (a recycled lead that returns is not counted twice) and
"reached" as defined in :mod:`.scope` (entering Y or any later stage).

References
----------
Kotler, Rackham & Krishnaswamy (2006), "Ending the War Between Sales and Marketing",
HBR 84(7-8), p. 68-78: the shared funnel as the common language of both teams.
HubSpot Knowledge Base, "Analyze your lifecycle stage funnel" (cumulative vs
non-cumulative stage counts; conversion between any two stages).

Examples
--------
>>> import ibis
>>> from accord.engines.funnel.stages import funnel_entries, stage_rules
>>> ev = ibis.memtable({"pid": ["a", "a", "b", "c", "c"],
...                     "stage": ["mql", "sal", "mql", "mql", "sal"],
...                     "ts": [dt.datetime(2024, 1, d) for d in (1, 3, 5, 20, 28)]})
>>> fe = funnel_entries(ev, stages=stage_rules(["mql", "sal"]), entity_col="pid")
>>> r = cohort_conversion(fe, start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 2, 1),
...                       as_of=dt.datetime(2024, 3, 1), within_days=5)
>>> row = r.rows()[0]
>>> row["entered"], row["converted"], row["rate"], row["converted_within"], row["rate_within"]
(3, 2, 0.6666666666666666, 1, 0.3333333333333333)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from accord.engines.funnel.periods import Grain
from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import Window, group_key, period_key, reach, stage_pairs
from accord.engines.funnel.stages import FunnelEntries

__all__ = ["cohort_conversion", "period_conversion", "stage_counts"]

_DAY = 86_400.0
_TS = pa.timestamp("us")
_KEYS: Columns = (("period", pa.string()), ("period_start", _TS), ("group", pa.string()))
STAGES_COLUMNS: Columns = (*_KEYS, ("stage", pa.string()), ("entered", pa.int64()))
PERIOD_COLUMNS: Columns = (
    *_KEYS,
    ("from_stage", pa.string()), ("to_stage", pa.string()), ("entered_from", pa.int64()),
    ("entered_to", pa.int64()), ("rate", pa.float64()),
)  # fmt: skip
COHORT_COLUMNS: Columns = (
    *_KEYS,
    ("from_stage", pa.string()), ("to_stage", pa.string()), ("entered", pa.int64()),
    ("converted", pa.int64()), ("rate", pa.float64()), ("skipped", pa.int64()),
)  # fmt: skip
WITHIN_COLUMNS: Columns = (
    ("mature", pa.int64()),
    ("converted_within", pa.int64()),
    ("rate_within", pa.float64()),
)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _stage_entries_expr(entries: FunnelEntries, window: Window, by: str | None) -> ir.Table:
    t = entries.table
    parts = []
    for s in entries.stages:
        sel = t.filter(window.contains(t[s]))
        parts.append(
            sel.group_by(period=period_key(sel[s], window), group=group_key(sel, by)).aggregate(
                stage=ibis.literal(s), entered=sel.count()
            )
        )
    return ibis.union(*parts, distinct=False)


def _entry_counts(
    entries: FunnelEntries, window: Window, by: str | None
) -> dict[tuple[dt.datetime, str, str], int]:
    tab = _stage_entries_expr(entries, window, by).to_pyarrow().to_pylist()
    return {(r["period"], r["group"], r["stage"]): int(r["entered"]) for r in tab}


def _groups(keys: Iterable[str], by: str | None) -> list[str]:
    found = sorted(set(keys))
    return found if (found or by is not None) else ["all"]


def stage_counts(
    entries: FunnelEntries,
    *,
    start: dt.datetime,
    end: dt.datetime,
    grain: Grain | None = None,
    by: str | None = None,
) -> Report:
    """First entries into each stage per period (and group): ``kind="stages"``.

    Columns: ``period``, ``period_start``, ``group``, ``stage``, ``entered``. Every
    period of the window appears, with 0 where nobody entered.
    """
    window = Window(start, end, grain)
    counts = _entry_counts(entries, window, by)
    groups = _groups((g for _, g, _ in counts), by)
    rows = []
    for p in window.periods():
        for g in groups:
            for s in entries.stages:
                rows.append(
                    {
                        "period": window.label(p),
                        "period_start": p,
                        "group": g,
                        "stage": s,
                        "entered": counts.get((p, g, s), 0),
                    }
                )
    totals = {s: sum(n for (_, _, st), n in counts.items() if st == s) for s in entries.stages}
    notes = list(entries.entry_notes())
    never = [s for s, n in totals.items() if n == 0]
    if never:
        notes.append(Note("stage_not_reached", len(never), ", ".join(never)))
    record = params({"start": start, "end": end, "grain": grain, "by": by}) + entries.parameters
    return Report("stages", to_table(rows, STAGES_COLUMNS), tuple(sorted(record)), tuple(notes))


def period_conversion(
    entries: FunnelEntries,
    *,
    start: dt.datetime,
    end: dt.datetime,
    grain: Grain | None = None,
    by: str | None = None,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> Report:
    """Period conversion: entries into Y ÷ entries into X in the same period.

    Columns: ``period``, ``period_start``, ``group``, ``from_stage``, ``to_stage``,
    ``entered_from``, ``entered_to``, ``rate`` (null when nobody entered X). Label
    ``kind="period"``.
    """
    window = Window(start, end, grain)
    chosen = stage_pairs(entries, pairs)
    counts = _entry_counts(entries, window, by)
    groups = _groups((g for _, g, _ in counts), by)
    rows, empty = [], []
    for p in window.periods():
        for g in groups:
            for a, b in chosen:
                na, nb = counts.get((p, g, a), 0), counts.get((p, g, b), 0)
                if na == 0:
                    empty.append(f"{window.label(p)}/{g}/{a}")
                rows.append(
                    {
                        "period": window.label(p),
                        "period_start": p,
                        "group": g,
                        "from_stage": a,
                        "to_stage": b,
                        "entered_from": na,
                        "entered_to": nb,
                        "rate": _ratio(nb, na),
                    }
                )
    notes = list(entries.entry_notes())
    if empty:
        notes.append(Note("no_entries", len(set(empty)), "; ".join(sorted(set(empty))[:20])))
    record = params({"start": start, "end": end, "grain": grain, "by": by, "pairs": _names(chosen)})
    return Report(
        "period",
        to_table(rows, PERIOD_COLUMNS),
        tuple(sorted(record + entries.parameters)),
        tuple(notes),
    )


def _names(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{a}>{b}" for a, b in pairs]


def cohort_expr(
    entries: FunnelEntries,
    *,
    from_stage: str,
    to_stages: Iterable[str],
    window: Window,
    as_of: dt.datetime,
    within_days: float | None,
    by: str | None,
) -> ir.Table:
    """Per period and group, the cohort entering *from_stage* and, per to-stage,
    ``conv_<to>``, ``within_<to>``, ``skipped_<to>`` counts plus ``entered``/``mature``."""
    t = entries.table
    cutoff = ibis.literal(as_of)
    t = t.filter(window.contains(t[from_stage]) & (t[from_stage] <= cutoff))
    # each reach time is a sizeable expression: compute it once, as a column, so the
    # SQL (and its compile and bind time) stays linear in the stages
    tos = list(to_stages)
    t = t.mutate(**{f"_r_{to}": reach(t, entries, from_stage, to) for to in tos})
    x = t[from_stage]
    aggs: dict[str, ir.Value] = {"entered": t.count()}
    mature = ibis.literal(False)
    if within_days is not None:
        mature = x + ibis.interval(seconds=int(within_days * _DAY)) <= cutoff
        aggs["mature"] = mature.cast("int64").sum()
    for to in tos:
        r = t[f"_r_{to}"]
        got = r.notnull() & (r <= cutoff)
        aggs[f"conv_{to}"] = got.cast("int64").sum()
        aggs[f"skipped_{to}"] = (got & (t[to].isnull() | (t[to] != r))).cast("int64").sum()
        if within_days is not None:
            secs = r.epoch_seconds() - x.epoch_seconds()
            aggs[f"within_{to}"] = (got & mature & (secs <= within_days * _DAY)).cast("int64").sum()
    return t.group_by(period=period_key(x, window), group=group_key(t, by)).aggregate(**aggs)


def cohort_conversion(
    entries: FunnelEntries,
    *,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
    within_days: float | None = None,
    grain: Grain | None = None,
    by: str | None = None,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> Report:
    """Cohort conversion: of those who entered X in the period, how many reached Y.

    Parameters
    ----------
    entries
        From :func:`~accord.engines.funnel.stages.funnel_entries`.
    start, end
        Window of entry into the from-stage, local time, ``[start, end)``.
    as_of
        Observation cut-off (local time): progress after it is not counted.
    within_days
        Also report conversion within this many days of entering X, over mature
        cohort members only.
    grain, by
        Cohort period and grouping attribute.
    pairs
        ``(from, to)`` pairs; default: every stage to every later stage.

    Returns
    -------
    Report
        ``kind="cohort"``; columns ``period``, ``period_start``, ``group``,
        ``from_stage``, ``to_stage``, ``entered``, ``converted``, ``rate``, ``skipped``
        and, with ``within_days``, ``mature``, ``converted_within``, ``rate_within``.
    """
    window = Window(start, end, grain)
    chosen = stage_pairs(entries, pairs)
    by_from: dict[str, list[str]] = {}
    for a, b in chosen:
        by_from.setdefault(a, []).append(b)
    found: dict[tuple[dt.datetime, str, str], dict[str, int]] = {}
    for a, tos in by_from.items():
        expr = cohort_expr(
            entries, from_stage=a, to_stages=tos, window=window, as_of=as_of,
            within_days=within_days, by=by,
        )  # fmt: skip
        for r in expr.to_pyarrow().to_pylist():
            found[(r["period"], r["group"], a)] = r
    groups = _groups((g for _, g, _ in found), by)
    rows, empty, immature = [], set(), 0
    reached: dict[str, int] = {}
    for p in window.periods():
        for g in groups:
            for a, b in chosen:
                r = found.get((p, g, a), {})
                n = int(r.get("entered", 0))
                conv = int(r.get(f"conv_{b}", 0))
                reached[b] = reached.get(b, 0) + conv
                if n == 0:
                    empty.add(f"{window.label(p)}/{g}/{a}")
                row: dict[str, object] = {
                    "period": window.label(p),
                    "period_start": p,
                    "group": g,
                    "from_stage": a,
                    "to_stage": b,
                    "entered": n,
                    "converted": conv,
                    "rate": _ratio(conv, n),
                    "skipped": int(r.get(f"skipped_{b}", 0)),
                }
                if within_days is not None:
                    m = int(r.get("mature", 0))
                    w = int(r.get(f"within_{b}", 0))
                    row |= {"mature": m, "converted_within": w, "rate_within": _ratio(w, m)}
                    if b == by_from[a][0]:
                        immature += n - m
                rows.append(row)
    notes = list(entries.entry_notes())
    if empty:
        notes.append(Note("no_entries", len(empty), "; ".join(sorted(empty)[:20])))
    never = [b for b, n in reached.items() if n == 0]
    if never:
        notes.append(Note("stage_not_reached", len(never), ", ".join(never)))
    skipped = sum(int(r["skipped"]) for r in rows)  # type: ignore[call-overload]
    if skipped:
        notes.append(Note("skipped_stage", skipped, "counted as reached through a later stage"))
    if immature:
        notes.append(Note("immature", immature, f"fewer than {within_days} days observed"))
    record = params(
        {"start": start, "end": end, "as_of": as_of, "within_days": within_days,
         "grain": grain, "by": by, "pairs": _names(chosen)}
    )  # fmt: skip
    cols = COHORT_COLUMNS + (WITHIN_COLUMNS if within_days is not None else ())
    return Report(
        "cohort", to_table(rows, cols), tuple(sorted(record + entries.parameters)), tuple(notes)
    )
