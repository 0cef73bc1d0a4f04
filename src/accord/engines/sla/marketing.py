"""Marketing's side of the SLA: volume against target, pace, and the quality floor.

Per period (local time):

* ``mqls``: distinct entities with a hand-off event (MQL) in the period (one that
  qualifies twice in a period counts once, as the starter metric ``mqls`` says);
* ``attainment = mqls / target``;
* ``elapsed_share``: share of the period elapsed at ``as_of`` (0 before it starts, 1
  after it ends); ``pace = attainment / elapsed_share``: above 1, marketing is on course
  to meet the target by the period's end (null before the period starts);
* ``decided`` / ``accepted``: distinct entities sales decided on / accepted in the
  period (by decision time); ``acceptance_rate = accepted / decided``, the quality
  floor's metric (``mql_to_sal_rate``); ``floor_met`` compares it with the floor (null
  when nothing was decided).

Examples
--------
>>> import ibis
>>> ev = ibis.memtable({"cid": ["a", "b", "a", "b"], "stage": ["mql", "mql", "sal", "rejected"],
...                     "ts": [dt.datetime(2024, 1, d) for d in (2, 3, 4, 5)]})
>>> r = marketing_sla(ev, terms=MarketingTerms(volume_target=4, quality_floor=0.6),
...                   start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 2, 1),
...                   as_of=dt.datetime(2024, 1, 16, 12), entity_col="cid")
>>> {k: r.rows()[0][k] for k in ("mqls", "attainment", "elapsed_share", "pace", "floor_met")}
{'mqls': 2, 'attainment': 0.5, 'elapsed_share': 0.5, 'pace': 1.0, 'floor_met': False}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from accord.engines.funnel.periods import Grain, check_time_zone, period_end, period_grid, to_local
from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import Window, period_key
from accord.engines.sla.terms import MarketingTerms

__all__ = ["marketing_sla"]

MARKETING_COLUMNS: Columns = (
    ("period", pa.string()),
    ("period_start", pa.timestamp("us")),
    ("period_end", pa.timestamp("us")),
    ("mqls", pa.int64()),
    ("target", pa.float64()),
    ("attainment", pa.float64()),
    ("elapsed_share", pa.float64()),
    ("pace", pa.float64()),
    ("target_met", pa.bool_()),
    ("decided", pa.int64()),
    ("accepted", pa.int64()),
    ("acceptance_rate", pa.float64()),
    ("quality_floor", pa.float64()),
    ("floor_met", pa.bool_()),
)


def _elapsed(start: dt.datetime, end: dt.datetime, as_of: dt.datetime) -> float:
    share = (as_of - start) / (end - start)
    return min(max(share, 0.0), 1.0)


def marketing_sla(
    events: ir.Table,
    *,
    terms: MarketingTerms,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
    grain: Grain = "month",
    entity_col: str = "contact_id",
    stage_col: str = "stage",
    time_col: str = "ts",
    time_zone: str = "UTC",
) -> Report:
    """Marketing's scorecard per period of *grain* overlapping ``[start, end)``.

    Periods are whole calendar periods (local time); ``target_met`` is judged only for
    periods that have ended by ``as_of`` (null otherwise).

    Returns
    -------
    Report
        ``kind="marketing_sla"``; one row per period.
    """
    check_time_zone(time_zone)
    grid = period_grid(start, end, grain)
    lo, hi = grid[0], period_end(grid[-1], grain)
    window = Window(lo, hi, grain)
    ev = events.select(
        entity=events[entity_col],
        stage=events[stage_col].cast("string"),
        at=to_local(events[time_col].cast("timestamp"), time_zone, span=(lo, hi)),
    )
    ev = ev.filter(ev.entity.notnull() & window.contains(ev.at) & (ev.at <= ibis.literal(as_of)))
    ev = ev.mutate(period=period_key(ev.at, window))
    is_acc = ev.stage.isin(list(terms.accept_stages))
    is_dec = is_acc | ev.stage.isin(list(terms.reject_stages))
    agg = ev.group_by("period").aggregate(
        mqls=ev.entity.nunique(where=ev.stage == terms.handoff_stage),
        decided=ev.entity.nunique(where=is_dec),
        accepted=ev.entity.nunique(where=is_acc),
    )
    found = {r["period"]: r for r in agg.to_pyarrow().to_pylist()}
    rows: list[dict[str, Any]] = []
    empty, not_started = [], []
    target = terms.volume_target
    for p in grid:
        f = found.get(p, {})
        p_end = period_end(p, grain)
        mqls, decided, accepted = (int(f.get(k) or 0) for k in ("mqls", "decided", "accepted"))
        share = _elapsed(p, p_end, as_of)
        attainment = mqls / target if target else None
        pace = attainment / share if attainment is not None and share > 0 else None
        rate = accepted / decided if decided else None
        floor = terms.quality_floor
        rows.append(
            {
                "period": window.label(p),
                "period_start": p,
                "period_end": p_end,
                "mqls": mqls,
                "target": target,
                "attainment": attainment,
                "elapsed_share": share,
                "pace": pace,
                "target_met": (mqls >= target) if target and share >= 1.0 else None,
                "decided": decided,
                "accepted": accepted,
                "acceptance_rate": rate,
                "quality_floor": floor,
                "floor_met": (rate >= floor) if rate is not None and floor is not None else None,
            }
        )
        if not mqls:
            empty.append(window.label(p))
        if share == 0:
            not_started.append(window.label(p))
    notes = []
    if empty:
        notes.append(Note("no_entries", len(empty), "periods without MQLs: " + ", ".join(empty)))
    if not target:
        notes.append(Note("no_target", 1, "no volume target: attainment and pace undefined"))
    undecided = [r["period"] for r in rows if r["decided"] == 0]
    if undecided:
        notes.append(Note("no_decisions", len(undecided), ", ".join(undecided)))
    if not_started:
        notes.append(Note("period_not_started", len(not_started), ", ".join(not_started)))
    record = (
        params(
            {
                "start": start,
                "end": end,
                "as_of": as_of,
                "grain": grain,
                "time_zone": time_zone,
                "entity_col": entity_col,
            }
        )
        + terms.as_params()
    )
    return Report(
        "marketing_sla", to_table(rows, MARKETING_COLUMNS), tuple(sorted(record)), tuple(notes)
    )
