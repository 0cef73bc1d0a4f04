"""A hand-built funnel where every figure is worked out by hand in the comments.

Contacts (2024, UTC; funnel lead > mql > sal (after mql) > sql (after sal) >
opportunity > customer):

* A: lead 01-02, mql 01-05, sal 01-06, sql 01-10, opportunity 01-12, customer 02-20
* B: lead 01-03, mql 01-10, rejected + recycled 01-11 (no_budget), mql again 02-15,
  sal 02-16
* C: lead 01-15, mql 02-01
* D: lead 01-20, sal 01-21 (no MQL: out of order, ignored), opportunity 03-01
* E: mql 01-25, opportunity 02-05 (skips sal and sql)
* F: lead 02-03
"""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from accord.engines.funnel import (
    SideRule,
    StageRule,
    cohort_conversion,
    funnel_entries,
    funnel_over_time,
    period_conversion,
    sales_velocity,
    side_exits,
    stage_counts,
    stage_timing,
)
from accord.errors import InputError

D = dt.datetime
RULES = (
    StageRule("lead"),
    StageRule("mql"),
    StageRule("sal", after="mql"),
    StageRule("sql", after="sal"),
    StageRule("opportunity"),
    StageRule("customer"),
)
ROWS = [
    ("A", "lead", D(2024, 1, 2)), ("A", "mql", D(2024, 1, 5)), ("A", "sal", D(2024, 1, 6)),
    ("A", "sql", D(2024, 1, 10)), ("A", "opportunity", D(2024, 1, 12)),
    ("A", "customer", D(2024, 2, 20)),
    ("B", "lead", D(2024, 1, 3)), ("B", "mql", D(2024, 1, 10)), ("B", "rejected", D(2024, 1, 11)),
    ("B", "recycled", D(2024, 1, 11, 0, 1)), ("B", "mql", D(2024, 2, 15)),
    ("B", "sal", D(2024, 2, 16)),
    ("C", "lead", D(2024, 1, 15)), ("C", "mql", D(2024, 2, 1)),
    ("D", "lead", D(2024, 1, 20)), ("D", "sal", D(2024, 1, 21)),
    ("D", "opportunity", D(2024, 3, 1)),
    ("E", "mql", D(2024, 1, 25)), ("E", "opportunity", D(2024, 2, 5)),
    ("F", "lead", D(2024, 2, 3)),
]  # fmt: skip
REASON = {("B", "rejected"): "no_budget", ("B", "recycled"): "no_budget"}
START, END, AS_OF = D(2024, 1, 1), D(2024, 3, 1), D(2024, 4, 1)


@pytest.fixture(scope="module")
def events() -> ibis.Table:
    return ibis.memtable(
        {
            "contact_id": [r[0] for r in ROWS],
            "stage": [r[1] for r in ROWS],
            "ts": [r[2] for r in ROWS],
            "reason": [REASON.get((r[0], r[1])) for r in ROWS],
        }
    )


@pytest.fixture(scope="module")
def entries(events: ibis.Table):  # type: ignore[no-untyped-def]
    return funnel_entries(events, stages=RULES)


def _cell(report, **key):  # type: ignore[no-untyped-def]
    hits = [r for r in report.rows() if all(r[k] == v for k, v in key.items())]
    assert len(hits) == 1, (key, hits)
    return hits[0]


def test_stage_counts_are_first_entries_per_month(entries) -> None:  # type: ignore[no-untyped-def]
    r = stage_counts(entries, start=START, end=END, grain="month")
    assert r.kind == "stages"
    jan = {x["stage"]: x["entered"] for x in r.rows() if x["period"] == "2024-01"}
    feb = {x["stage"]: x["entered"] for x in r.rows() if x["period"] == "2024-02"}
    # Jan: leads A B C D; MQLs A B E; SAL A only (D's SAL has no MQL before it)
    assert jan == {"lead": 4, "mql": 3, "sal": 1, "sql": 1, "opportunity": 1, "customer": 0}
    # Feb: lead F; MQL C (B's second MQL is not a first entry); SAL B; opportunity E
    assert feb == {"lead": 1, "mql": 1, "sal": 1, "sql": 0, "opportunity": 1, "customer": 1}
    assert r.note("out_of_order").count == 1  # D's SAL
    assert r.note("repeated_entry").count == 1  # B's two MQLs


def test_period_conversion_divides_entries_in_the_same_month(entries) -> None:  # type: ignore[no-untyped-def]
    r = period_conversion(entries, start=START, end=END, grain="month", pairs=[("mql", "sal")])
    assert r.kind == "period"
    assert _cell(r, period="2024-01")["rate"] == pytest.approx(1 / 3)
    assert _cell(r, period="2024-02")["rate"] == 1.0  # C's MQL, B's SAL: mixes cohorts


def test_cohort_conversion_follows_the_entrants(entries) -> None:  # type: ignore[no-untyped-def]
    r = cohort_conversion(
        entries, start=START, end=END, as_of=AS_OF, within_days=7, grain="month",
        pairs=[("mql", "sal"), ("mql", "customer"), ("lead", "mql")],
    )  # fmt: skip
    assert r.kind == "cohort"
    jan = _cell(r, period="2024-01", from_stage="mql", to_stage="sal")
    # A (1 day), B (second hand-off, 37 days), E (through its opportunity, 11 days)
    assert (jan["entered"], jan["converted"], jan["skipped"]) == (3, 3, 1)
    assert (jan["mature"], jan["converted_within"]) == (3, 1)
    assert jan["rate_within"] == pytest.approx(1 / 3)
    feb = _cell(r, period="2024-02", from_stage="mql", to_stage="sal")
    assert (feb["entered"], feb["converted"], feb["rate"]) == (1, 0, 0.0)
    assert _cell(r, period="2024-01", from_stage="mql", to_stage="customer")["converted"] == 1
    # D never became an MQL but reached an opportunity: counted as reaching MQL (skipped)
    lead = _cell(r, period="2024-01", from_stage="lead", to_stage="mql")
    assert (lead["entered"], lead["converted"], lead["skipped"]) == (4, 4, 1)
    assert r.note("skipped_stage") is not None


def test_cohort_so_far_stops_at_as_of(entries) -> None:  # type: ignore[no-untyped-def]
    r = cohort_conversion(
        entries, start=START, end=D(2024, 2, 1), as_of=D(2024, 2, 1), within_days=30,
        pairs=[("mql", "sal")],
    )  # fmt: skip
    row = r.rows()[0]
    # by Feb 1 only A had reached SAL (E's opportunity is Feb 5, B's SAL Feb 16)
    assert (row["entered"], row["converted"]) == (3, 1)
    # nobody had 30 days observed by Feb 1 (A's 30 days end Feb 4): all immature
    assert (row["mature"], row["converted_within"], row["rate_within"]) == (0, 0, None)
    assert r.note("immature").count == 3


def test_timing_between_stages(entries) -> None:  # type: ignore[no-untyped-def]
    r = stage_timing(entries, start=START, end=END, as_of=AS_OF, pairs=[("mql", "sal")])
    row = r.rows()[0]
    # durations 1, 37, 11 days; C still waiting
    assert (row["entered"], row["reached"], row["waiting"]) == (4, 3, 1)
    assert row["median_days"] == pytest.approx(11.0)
    assert row["p90_days"] == pytest.approx(11 + 0.8 * 26)  # linear interpolation
    assert row["mean_days"] == pytest.approx(49 / 3)


def test_side_exits_carry_the_from_stage_and_reason(events, entries) -> None:  # type: ignore[no-untyped-def]
    rules = (SideRule("recycled", from_stages=("mql", "sal")), SideRule("disqualified"))
    r = side_exits(events, entries, side_states=rules, start=START, end=END)
    assert r.rows() == [
        {"group": "all", "side_state": "recycled", "from_stage": "mql", "reason": "no_budget",
         "exits": 1, "entities": 1}
    ]  # fmt: skip
    assert r.notes == ()


def test_a_month_without_mqls_is_a_row_with_a_reason(entries) -> None:  # type: ignore[no-untyped-def]
    r = cohort_conversion(
        entries, start=START, end=D(2024, 5, 1), as_of=AS_OF, grain="month",
        pairs=[("mql", "sal")],
    )  # fmt: skip
    april = _cell(r, period="2024-04")
    assert (april["entered"], april["rate"]) == (0, None)
    note = r.note("no_entries")
    assert note is not None
    assert "2024-03/all/mql" in note.detail
    assert "2024-04" in note.detail


def test_a_stage_nobody_reached_is_noted(events) -> None:  # type: ignore[no-untyped-def]
    fe = funnel_entries(events, stages=(*RULES, StageRule("evangelist")))
    r = cohort_conversion(fe, start=START, end=END, as_of=AS_OF, pairs=[("customer", "evangelist")])
    row = r.rows()[0]
    assert (row["entered"], row["converted"], row["rate"]) == (1, 0, 0.0)  # A, customer in Feb
    assert r.note("stage_not_reached").detail == "evangelist"


def test_over_time_has_both_conversions_labelled(entries) -> None:  # type: ignore[no-untyped-def]
    r = funnel_over_time(entries, start=START, end=END, as_of=AS_OF, grain="month")
    jan = _cell(r, period="2024-01", stage="mql")
    assert (jan["next_stage"], jan["entered"], jan["cohort_converted_next"]) == ("sal", 3, 3)
    assert jan["period_rate_next"] == pytest.approx(1 / 3)
    assert _cell(r, period="2024-02", stage="customer")["next_stage"] is None


def test_local_time_moves_an_event_into_the_previous_month() -> None:
    # 2024-02-01 03:00 UTC is 2024-01-31 22:00 in New York
    ev = ibis.memtable({"contact_id": ["x"], "stage": ["mql"], "ts": [D(2024, 2, 1, 3)]})
    for zone, month in (("UTC", "2024-02"), ("America/New_York", "2024-01")):
        fe = funnel_entries(ev, stages=(StageRule("mql"),), time_zone=zone)
        r = stage_counts(fe, start=START, end=END, grain="month")
        assert [x["period"] for x in r.rows() if x["entered"]] == [month]


def test_by_attribute_groups_and_labels_missing_values(events) -> None:  # type: ignore[no-untyped-def]
    attrs = ibis.memtable({"contact_id": ["A", "B", "C"], "source": ["webinar", "webinar", "ads"]})
    fe = funnel_entries(events, stages=RULES, attributes=attrs)
    r = cohort_conversion(
        fe, start=START, end=END, as_of=AS_OF, by="source", pairs=[("mql", "sal")]
    )
    got = {x["group"]: (x["entered"], x["converted"]) for x in r.rows()}
    assert got == {"ads": (1, 0), "webinar": (2, 2), "(none)": (1, 1)}


def test_bad_pairs_and_rules_are_input_errors(events, entries) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        cohort_conversion(entries, start=START, end=END, as_of=AS_OF, pairs=[("sal", "mql")])
    with pytest.raises(InputError):
        funnel_entries(events, stages=(StageRule("sal", after="mql"), StageRule("mql")))
    with pytest.raises(InputError):
        stage_counts(entries, start=END, end=START)


def test_parameters_are_recorded_for_citation(entries) -> None:  # type: ignore[no-untyped-def]
    r = cohort_conversion(entries, start=START, end=END, as_of=AS_OF, pairs=[("mql", "sal")])
    assert r.param("pairs") == ("mql>sal",)
    assert r.param("stages") == ("lead", "mql", "sal", "sql", "opportunity", "customer")
    cited = r.cite(funnel="b2b_funnel@1")
    assert cited.param("definition.funnel") == "b2b_funnel@1"


def test_sales_velocity_by_hand() -> None:
    # o1 won Feb 4 after 30 days (1000), o2 lost Jan 30, o3 won Feb 19 after 30 days (3000),
    # o4 open with an expected close date in March (must not count as closed)
    opp = ibis.memtable(
        {
            "created_at": [D(2024, 1, 5), D(2024, 1, 10), D(2024, 1, 20), D(2024, 2, 1)],
            "closed_at": [D(2024, 2, 4), D(2024, 1, 30), D(2024, 2, 19), D(2024, 3, 30)],
            "amount": [1000.0, 500.0, 3000.0, 2000.0],
            "won": [True, False, True, False],
            "is_closed": [True, True, True, False],
        }
    )
    r = sales_velocity(opp, start=START, end=D(2024, 4, 1), grain="month")
    jan, feb, mar = r.rows()
    assert (jan["created"], jan["pipeline"], jan["closed"], jan["won"]) == (3, 4500.0, 1, 0)
    assert (jan["win_rate"], jan["velocity"]) == (0.0, None)
    assert (feb["created"], feb["closed"], feb["won"], feb["win_rate"]) == (1, 2, 2, 1.0)
    assert (feb["average_deal_size"], feb["cycle_days"]) == (2000.0, 30.0)
    assert feb["velocity"] == pytest.approx(1 * 1.0 * 2000.0 / 30.0)
    assert (mar["closed"], mar["velocity"]) == (0, None)
    assert r.note("no_won_deals").detail == "2024-01/all"
    assert r.note("no_closed_deals").detail == "2024-03/all"
