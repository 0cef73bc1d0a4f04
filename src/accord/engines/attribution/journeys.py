"""Journeys from touchpoints and conversions, aggregated to distinct paths in the warehouse.

A pure Ibis function: touchpoints and conversion events in, an Ibis expression out whose
rows are the distinct paths with their conversions, value and non-conversions — the
sufficient statistics every attribution model needs (:mod:`.paths`). Nothing is
executed here; the backend (DuckDB, Spark, ...) does the work.

Rules
-----
* A **converting journey** is a conversion event of an entity (person or account: the
  level is the ``entity_col`` given) with the entity's touches in the ``lookback``
  window before it, ``conversion - lookback < touch <= conversion``, and after the
  entity's previous conversion (a touch is credited to one conversion only).
* A **non-converting journey** is, per entity, the touches after its last conversion
  (all of them if it never converted) within ``lookback`` before ``as_of``. Entities
  with no such touch form no journey. These rows are kept as ``nulls``.
* A conversion with no touch in its window forms an empty path; it stays in the output
  and :meth:`PathCounts.from_arrow` reports it as unattributed.
* Touches are ordered by time (ties by label); the path lists their ``label_col``
  (channel, campaign or team).
* With ``milestones`` (e.g. lead and opportunity creation), each converting journey
  carries, per milestone, the position in the path of the last touch at or before the
  entity's first milestone event preceding the conversion (``-1`` when none).

Examples
--------
>>> import datetime as dt, ibis
>>> t = ibis.memtable({"pid": ["p", "p", "q"], "ts": [dt.datetime(2024, 1, d) for d in (1, 2, 3)],
...                    "channel": ["email", "search", "email"]})
>>> c = ibis.memtable({"pid": ["p"], "ts": [dt.datetime(2024, 1, 5)], "amount": [100.0]})
>>> expr = journeys(t, c, entity_col="pid", value_col="amount", as_of=dt.datetime(2024, 2, 1))
>>> sorted(expr.columns)
['conversions', 'nulls', 'path', 'value']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

__all__ = ["journeys"]

_SECONDS_PER_DAY = 86_400.0


def journeys(
    touchpoints: ir.Table,
    conversions: ir.Table,
    *,
    entity_col: str,
    label_col: str = "channel",
    touch_time_col: str = "ts",
    conversion_time_col: str = "ts",
    value_col: str | None = None,
    lookback: dt.timedelta = dt.timedelta(days=90),
    as_of: dt.datetime | None = None,
    milestones: Mapping[str, ir.Table] | None = None,
    milestone_time_col: str = "ts",
    with_ages: bool = False,
) -> ir.Table:
    """Build journeys and aggregate them to distinct paths (Ibis expression).

    Parameters
    ----------
    touchpoints
        One row per touch; needs ``entity_col``, ``touch_time_col`` and ``label_col``.
    conversions
        One row per conversion event (MQL, opportunity created, closed-won, ...);
        needs ``entity_col`` and ``conversion_time_col``, and ``value_col`` if given.
    entity_col
        The journey's owner: a person id (person level) or an account id (account
        level), present in both tables.
    label_col
        What a touch is credited as: ``"channel"``, ``"campaign_id"``, ``"team"``.
    touch_time_col, conversion_time_col
        Timestamp columns.
    value_col
        Conversion value (revenue, pipeline amount); value is 0 without it.
    lookback
        How far before a conversion (or ``as_of``) touches count.
    as_of
        End of observation for non-converting journeys; defaults to the latest touch.
    milestones
        Optional ``{name: table}`` of milestone events (``entity_col`` and
        ``milestone_time_col``), e.g. ``{"lead": ..., "opportunity": ...}``; adds an
        ``int64`` column ``<name>_touch`` per milestone.
    milestone_time_col
        Timestamp column of the milestone tables.
    with_ages
        Add ``ages``: per touch, whole days before the conversion (or ``as_of``).

    Returns
    -------
    ibis.Table
        ``path`` (array of strings), ``conversions`` (int64), ``value`` (float64),
        ``nulls`` (int64), plus ``ages`` and ``<name>_touch`` columns when asked.
    """
    label = touchpoints[label_col].cast("string")
    tp = touchpoints.select(
        t_entity=touchpoints[entity_col],
        t_ts=touchpoints[touch_time_col],
        label=label,
    ).filter(lambda t: t.t_entity.notnull() & t.label.notnull() & (t.label.length() > 0))
    value = conversions[value_col].cast("float64") if value_col else ibis.literal(0.0)
    cv = conversions.select(
        entity=conversions[entity_col], cts=conversions[conversion_time_col], value=value
    ).filter(lambda c: c.entity.notnull() & c.cts.notnull())
    by_entity = ibis.window(group_by=cv.entity, order_by=cv.cts)
    cv = cv.mutate(
        prev_cts=cv.cts.lag().over(by_entity),
        jid=ibis.row_number().over(order_by=[cv.entity, cv.cts]),
    )
    names = sorted(milestones or {})
    for name in names:
        cv = _attach_milestone(cv, milestones[name], name, entity_col, milestone_time_col)  # type: ignore[index]

    window = ibis.interval(seconds=int(lookback.total_seconds()))
    # one lower bound, no OR in the join condition: an OR makes DuckDB fall back to a
    # nested-loop join (conversions x touches) instead of a hash join on the entity
    start = cv.cts - window
    cv = cv.mutate(lo=ibis.ifelse(cv.prev_cts.isnull() | (cv.prev_cts < start), start,
                                  cv.prev_cts))  # fmt: skip
    joined = cv.left_join(
        tp,
        [cv.entity == tp.t_entity, tp.t_ts <= cv.cts, tp.t_ts > cv.lo],
    )
    order = [joined.t_ts, joined.label]
    conv_aggs: dict[str, ir.Value] = {
        "path": joined.label.collect(order_by=order),
        "conversions": ibis.literal(1, "int64"),
        "value": joined.value.max().fill_null(0.0),
        "nulls": ibis.literal(0, "int64"),
    }
    if with_ages:
        age = (joined.cts.epoch_seconds() - joined.t_ts.epoch_seconds()) / _SECONDS_PER_DAY
        conv_aggs["ages"] = age.floor().cast("float64").collect(order_by=order)
    for name in names:
        mts = joined[f"m_{name}"].max()
        before = (joined.t_ts <= joined[f"m_{name}"]).cast("int64").sum()
        conv_aggs[f"{name}_touch"] = ibis.ifelse(mts.isnull(), -1, before - 1).cast("int64")
    converting = joined.group_by("jid").aggregate(**conv_aggs).drop("jid")

    end = ibis.literal(as_of) if as_of is not None else tp.t_ts.max().as_scalar()
    last = cv.group_by("entity").aggregate(last_cts=cv.cts.max())
    open_ = tp.left_join(last, tp.t_entity == last.entity)
    open_ = open_.filter(
        (open_.t_ts <= end)
        & (open_.t_ts > end - window)
        & (open_.last_cts.isnull() | (open_.t_ts > open_.last_cts))
    )
    null_order = [open_.t_ts, open_.label]
    null_aggs: dict[str, ir.Value] = {
        "path": open_.label.collect(order_by=null_order),
        "conversions": ibis.literal(0, "int64"),
        "value": ibis.literal(0.0),
        "nulls": ibis.literal(1, "int64"),
    }
    if with_ages:
        age = (end.epoch_seconds() - open_.t_ts.epoch_seconds()) / _SECONDS_PER_DAY
        null_aggs["ages"] = age.floor().cast("float64").collect(order_by=null_order)
    for name in names:
        null_aggs[f"{name}_touch"] = ibis.literal(-1, "int64")
    non_converting = open_.group_by("t_entity").aggregate(**null_aggs).drop("t_entity")

    both = converting.union(non_converting.select(*converting.columns))
    keys = [c for c in both.columns if c not in ("conversions", "value", "nulls")]
    return both.group_by(keys).aggregate(
        conversions=both.conversions.sum(),
        value=both.value.sum(),
        nulls=both.nulls.sum(),
    )


def _attach_milestone(
    cv: ir.Table, events: ir.Table, name: str, entity_col: str, time_col: str
) -> ir.Table:
    """Add ``m_<name>``: the entity's first milestone time at or before the conversion."""
    ev = events.select(m_entity=events[entity_col], m_ts=events[time_col])
    pairs = cv.join(ev, [cv.entity == ev.m_entity, ev.m_ts <= cv.cts])
    first = pairs.group_by(pairs.jid).aggregate(**{f"m_{name}": pairs.m_ts.min()})
    first = first.rename(m_jid="jid")
    out = cv.left_join(first, cv.jid == first.m_jid)
    return out.drop("m_jid")
