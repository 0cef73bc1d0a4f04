"""Journeys built in the warehouse (Ibis on DuckDB) from touchpoints and conversions."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from accord.engines.attribution import PathCounts, journeys


def day(d: int) -> dt.datetime:
    return dt.datetime(2024, 1, 1) + dt.timedelta(days=d - 1)


@pytest.fixture
def tables() -> tuple[ibis.Table, ibis.Table]:
    touches = [
        # p1 converts on day 10 (window 5 days: days 6..10) and again on day 20
        ("p1", 1, "display"),  # outside the lookback of the day-10 conversion
        ("p1", 6, "search"),
        ("p1", 8, "email"),
        ("p1", 10, "search"),  # at the conversion time: counts
        ("p1", 18, "social"),
        ("p1", 25, "email"),  # after the last conversion: a non-converting journey
        ("p2", 3, "email"),  # never converts; outside the window before as_of (day 29)
        ("p2", 28, "search"),
        ("p3", 29, "social"),
        (None, 29, "search"),  # no entity: ignored
    ]
    tp = ibis.memtable(
        pa.table(
            {
                "pid": [t[0] for t in touches],
                "ts": [day(t[1]) for t in touches],
                "channel": [t[2] for t in touches],
                "team": ["marketing"] * len(touches),
            }
        )
    )
    conv = ibis.memtable(
        {"pid": ["p1", "p1", "p4"], "ts": [day(10), day(20), day(15)], "amount": [100.0, 50.0, 7.0]}
    )
    return tp, conv


def run(expr: ibis.Table) -> dict[tuple[str, ...], tuple[int, float, int]]:
    t = expr.to_pyarrow()
    out = {}
    for row in t.to_pylist():
        out[tuple(row["path"] or ())] = (row["conversions"], row["value"], row["nulls"])
    return out


def test_journeys_respect_lookback_previous_conversion_and_as_of(
    tables: tuple[ibis.Table, ibis.Table],
) -> None:
    tp, conv = tables
    expr = journeys(
        tp, conv, entity_col="pid", value_col="amount",
        lookback=dt.timedelta(days=5), as_of=day(29),
    )  # fmt: skip
    assert run(expr) == {
        ("search", "email", "search"): (1, 100.0, 0),
        ("social",): (1 + 0, 50.0, 1),  # p1's day-20 conversion and p3's open journey
        ("email",): (0, 0.0, 1),  # p1 after its last conversion
        ("search",): (0, 0.0, 1),  # p2: day 3 is outside as_of's window
        (): (1, 7.0, 0),  # p4 converted with no touch
    }


def test_journey_rows_feed_path_counts(tables: tuple[ibis.Table, ibis.Table]) -> None:
    tp, conv = tables
    expr = journeys(
        tp, conv, entity_col="pid", value_col="amount", lookback=dt.timedelta(days=5),
        as_of=day(29), with_ages=True,
    )  # fmt: skip
    pc = PathCounts.from_arrow(
        expr.to_pyarrow(),
        path_col="path",
        conversions_col="conversions",
        value_col="value",
        null_col="nulls",
        ages_col="ages",
    )
    assert pc.total_conversions == 2
    assert pc.unattributed_conversions == 1
    assert pc.unattributed_value == 7.0
    assert pc.ages is not None
    got = {pc.path(i): pc.ages[pc.offsets[i] : pc.offsets[i + 1]].tolist()
           for i in range(pc.n_paths)}  # fmt: skip
    assert got[("search", "email", "search")] == [4.0, 2.0, 0.0]


def test_team_labels_and_milestones(tables: tuple[ibis.Table, ibis.Table]) -> None:
    tp, conv = tables
    leads = ibis.memtable({"pid": ["p1"], "ts": [day(7)]})
    expr = journeys(
        tp, conv, entity_col="pid", label_col="team", lookback=dt.timedelta(days=5),
        as_of=day(29), milestones={"lead": leads},
    )  # fmt: skip
    rows = expr.to_pyarrow().to_pylist()
    by_path = {(tuple(r["path"] or ()), r["lead_touch"]): r["conversions"] for r in rows}
    # day-10 journey: the lead (day 7) came after its first touch (day 6) -> position 0;
    # the day-20 journey's only touch (day 18) is after the lead -> no touch made it: -1
    assert by_path[(("marketing", "marketing", "marketing"), 0)] == 1
    assert by_path[(("marketing",), -1)] >= 1
