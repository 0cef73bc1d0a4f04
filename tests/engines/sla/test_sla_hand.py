"""A hand-built hand-off log where every SLA figure is worked out by hand.

Terms: decide within 48 h (reason required), first touch within 24 h, 5 attempts within
14 days, disposition (sal / recycled / disqualified) within 30 days; calendar clock,
UTC; ``as_of`` = 2024-01-21 00:00. Owners: a, e, f -> r1 (team east); b, d, g -> r2
(team west); c has none.

* a: MQL Mon 01-01 09:00, touch 10:00, SAL 01-02 09:00 (24 h): all met, attempts exempt.
* b: MQL 01-01 00:00 and again 01-02 (undecided: merged), touch 01-05 (96 h: 72 h late),
  rejected 01-10 without a reason (216 h: 168 h late); no disposition yet (pending).
* c: MQL 01-20, touch 01-20 01:00 (counted: without an owner any rep's touch counts);
  decision and attempts still pending; no owner.
* d: MQL 01-01, 5 attempts by r2 on 01-01..05 at 01:00 (one more by r9, not the owner),
  rejected no_response 01-06 (120 h: 72 h late), recycled 01-06: attempts met.
* e: MQL 01-02, never touched, no decision: first touch (432 h late), decision (408 h)
  and attempts (120 h) are open breaches.
* f: MQL 01-03, touch 05:00, rejected not_ready 01-04, recycled; MQL 01-10, touch
  02:00, SAL 01-11: two hand-offs, both met.
* g: MQL 01-03, touch 01-04 06:00 (30 h: 6 h late), rejected bad_fit 01-04,
  disqualified; MQL 01-08, touch 03:00, rejected bad_fit 01-09: rejected again.
* h: SAL 01-05 without any MQL (ignored, noted).
"""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from accord.engines.sla import (
    Clock,
    Handoffs,
    SalesTerms,
    breach_list,
    build_handoffs,
    sales_compliance,
)

D = dt.datetime
AS_OF = D(2024, 1, 21)
EVENTS = [
    ("a", "mql", D(2024, 1, 1, 9), None), ("a", "sal", D(2024, 1, 2, 9), None),
    ("b", "mql", D(2024, 1, 1), None), ("b", "mql", D(2024, 1, 2), None),
    ("b", "rejected", D(2024, 1, 10), None),
    ("c", "mql", D(2024, 1, 20), None),
    ("d", "mql", D(2024, 1, 1), None), ("d", "rejected", D(2024, 1, 6), "no_response"),
    ("d", "recycled", D(2024, 1, 6, 0, 1), "no_response"),
    ("e", "mql", D(2024, 1, 2), None),
    ("f", "mql", D(2024, 1, 3), None), ("f", "rejected", D(2024, 1, 4), "not_ready"),
    ("f", "recycled", D(2024, 1, 4, 0, 1), "not_ready"), ("f", "mql", D(2024, 1, 10), None),
    ("f", "sal", D(2024, 1, 11), None),
    ("g", "mql", D(2024, 1, 3), None), ("g", "rejected", D(2024, 1, 4, 12), "bad_fit"),
    ("g", "disqualified", D(2024, 1, 4, 12, 1), "bad_fit"), ("g", "mql", D(2024, 1, 8), None),
    ("g", "rejected", D(2024, 1, 9), "bad_fit"),
    ("g", "disqualified", D(2024, 1, 9, 0, 1), "bad_fit"),
    ("h", "sal", D(2024, 1, 5), None),
]  # fmt: skip
ACTIVITIES = [
    ("a", "r1", D(2024, 1, 1, 10)),
    ("b", "r2", D(2024, 1, 5)),
    ("c", "r1", D(2024, 1, 20, 1)),
    *(("d", "r2", D(2024, 1, day, 1)) for day in range(1, 6)),
    ("d", "r9", D(2024, 1, 1, 2)),
    ("f", "r1", D(2024, 1, 3, 5)), ("f", "r1", D(2024, 1, 10, 2)),
    ("g", "r2", D(2024, 1, 4, 6)), ("g", "r2", D(2024, 1, 8, 3)),
]  # fmt: skip
OWNERS = {"a": "r1", "e": "r1", "f": "r1", "b": "r2", "d": "r2", "g": "r2"}
TEAM = {"r1": "east", "r2": "west"}


def _handoffs(clock: Clock | None = None) -> Handoffs:
    ev = ibis.memtable(
        {k: [r[i] for r in EVENTS] for i, k in enumerate(("contact_id", "stage", "ts", "reason"))}
    )
    act = ibis.memtable(
        {k: [r[i] for r in ACTIVITIES] for i, k in enumerate(("contact_id", "rep_id", "ts"))}
    )
    owners = ibis.memtable(
        {
            "contact_id": list(OWNERS),
            "owner_id": list(OWNERS.values()),
            "team": [TEAM[o] for o in OWNERS.values()],
        }
    )
    return build_handoffs(
        ev, act, terms=SalesTerms(), clock=clock or Clock(), as_of=AS_OF, owners=owners,
        team_col="team", owner_activities_only=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def handoffs() -> Handoffs:
    return _handoffs()


def _row(h: Handoffs, entity: str, seq: int = 1) -> dict[str, object]:
    rows = h.table.filter((h.table.entity == entity) & (h.table.seq == seq)).to_pyarrow()
    assert rows.num_rows == 1
    row: dict[str, object] = rows.to_pylist()[0]
    return row


def test_one_row_per_handoff_with_merges_and_rehandoffs(handoffs: Handoffs) -> None:
    got = sorted(handoffs.table.select("entity", "seq", "merged").to_pyarrow().to_pylist(),
                 key=lambda r: (r["entity"], r["seq"]))  # fmt: skip
    assert [(r["entity"], r["seq"], r["merged"]) for r in got] == [
        ("a", 1, 0), ("b", 1, 1), ("c", 1, 0), ("d", 1, 0), ("e", 1, 0),
        ("f", 1, 0), ("f", 2, 0), ("g", 1, 0), ("g", 2, 0),
    ]  # fmt: skip


STATUSES = {
    # entity, seq: decision, first_touch, attempts, disposition
    ("a", 1): ("met", "met", "exempt", "met"),
    ("b", 1): ("breached", "breached", "exempt", "pending"),
    ("c", 1): ("pending", "met", "pending", "pending"),
    ("d", 1): ("breached", "met", "met", "met"),
    ("e", 1): ("breached", "breached", "breached", "pending"),
    ("f", 1): ("met", "met", "exempt", "met"),
    ("f", 2): ("met", "met", "exempt", "met"),
    ("g", 1): ("met", "breached", "exempt", "met"),
    ("g", 2): ("met", "met", "exempt", "met"),
}


@pytest.mark.parametrize(("key", "expected"), list(STATUSES.items()))
def test_every_commitment_status(
    handoffs: Handoffs, key: tuple[str, int], expected: tuple[str, ...]
) -> None:
    row = _row(handoffs, *key)
    got = tuple(row[f"{c}_status"] for c in ("decision", "first_touch", "attempts", "disposition"))
    assert got == expected


def test_lateness_and_due_times(handoffs: Handoffs) -> None:
    b = _row(handoffs, "b")
    assert (b["first_touch_late_hours"], b["decision_late_hours"]) == (72.0, 168.0)
    assert b["decision_due_at"] == D(2024, 1, 3)
    assert b["reason"] is None
    e = _row(handoffs, "e")
    assert (e["first_touch_late_hours"], e["decision_late_hours"], e["attempts_late_hours"]) == (
        432.0, 408.0, 120.0,
    )  # fmt: skip
    assert e["first_touch_open"]
    assert e["decision_open"]
    assert e["attempts_open"]
    d = _row(handoffs, "d")
    assert (d["attempts"], d["nth_attempt_at"], d["hours_to_first_touch"]) == (
        5, D(2024, 1, 5, 1), 1.0,
    )  # fmt: skip
    assert _row(handoffs, "f", 2)["decision"] == "accepted"


def test_compliance_per_rep_and_total(handoffs: Handoffs) -> None:
    r = sales_compliance(handoffs)
    rows = {x["group"]: x for x in r.rows()}
    assert list(rows) == ["(none)", "r1", "r2", "(all)"]
    r1, r2, total = rows["r1"], rows["r2"], rows["(all)"]
    # r1: a, e, f, f2; r2: b, d, g, g2
    assert (r1["decision_met"], r1["decision_breached"], r1["decision_rate"]) == (3, 1, 0.75)
    assert (r2["decision_met"], r2["decision_breached"], r2["decision_rate"]) == (2, 2, 0.5)
    assert (r1["first_touch_met"], r1["first_touch_breached"], r1["never_touched"]) == (3, 1, 1)
    assert r1["median_hours_to_first_touch"] == 2.0  # 1, 5, 2 hours
    assert r2["median_hours_to_first_touch"] == 16.5  # 96, 1, 30, 3 hours
    assert r2["p90_hours_to_first_touch"] == pytest.approx(30 + 0.7 * 66)
    assert (total["handoffs"], total["accepted"], total["rejected"]) == (9, 2, 5)
    assert (total["attempts_met"], total["attempts_breached"], total["attempts_exempt"]) == (
        1,
        1,
        6,
    )
    assert (total["disposition_met"], total["undisposed"]) == (6, 3)
    assert total["decision_open"] == 1  # e
    # mean attempts over hand-offs whose 14 days had run by as_of (all but c, f2, g2)
    closed = [1, 1, 5, 0, 1, 1]  # a, b, d, e, f, g
    assert total["mean_attempts"] == pytest.approx(sum(closed) / len(closed))
    teams = {x["group"]: x["handoffs"] for x in sales_compliance(handoffs, by="team").rows()}
    assert teams == {"(none)": 1, "east": 4, "west": 4, "(all)": 9}


def test_edge_cases_are_notes(handoffs: Handoffs) -> None:
    notes = {n.code: n.count for n in sales_compliance(handoffs).notes}
    assert notes["repeated_handoff"] == 1  # b's second MQL while undecided
    assert notes["rejected_again"] == 1  # g
    assert notes["decision_before_handoff"] == 1  # h
    assert notes["missing_owner"] == 1  # c
    assert notes["clock_running"] == 1 + 1 + 3  # decision c; attempts c; disposition b, c, e


def test_breach_list_names_rep_lead_commitment_and_lateness(handoffs: Handoffs) -> None:
    rows = breach_list(handoffs).rows()
    got = [(r["entity"], r["commitment"], r["late_hours"], r["open"]) for r in rows]
    assert got == [
        ("e", "first_touch", 432.0, True), ("e", "decision", 408.0, True),
        ("b", "decision", 168.0, False), ("e", "attempts", 120.0, True),
        ("b", "first_touch", 72.0, False), ("d", "decision", 72.0, False),
        ("g", "first_touch", 6.0, False),
    ]  # fmt: skip
    assert rows[3]["detail"] == "0 of 5 attempts in 14 days"
    assert rows[0]["owner"] == "r1"
    assert rows[0]["due_at"] == D(2024, 1, 3)
    only_open = breach_list(handoffs, open_only=True).rows()
    assert {(r["entity"], r["commitment"]) for r in only_open} == {
        ("e", "first_touch"),
        ("e", "decision"),
        ("e", "attempts"),
    }
    r2 = breach_list(handoffs, rep="r2", limit=2).rows()
    assert [(r["entity"], r["commitment"]) for r in r2] == [("b", "decision"), ("b", "first_touch")]


def test_business_hours_clock_changes_the_verdict() -> None:
    h = _handoffs(Clock(hours=(dt.time(9), dt.time(17))))
    a, b = _row(h, "a"), _row(h, "b")
    assert a["hours_to_first_touch"] == 1.0
    # Mon 00:00 -> Fri 00:00: Mon..Thu 8 working hours each = 32 h, 8 h late
    assert (b["hours_to_first_touch"], b["first_touch_late_hours"]) == (32.0, 8.0)


def test_no_handoffs_is_a_result_not_an_error() -> None:
    ev = ibis.memtable(
        {"contact_id": ["x"], "stage": ["sal"], "ts": [D(2024, 1, 2)], "reason": [None]}
    )
    act = ibis.memtable({"contact_id": ["x"], "rep_id": ["r"], "ts": [D(2024, 1, 2)]})
    h = build_handoffs(ev, act, terms=SalesTerms(), clock=Clock(), as_of=AS_OF)
    r = sales_compliance(h)
    assert [x["handoffs"] for x in r.rows()] == [0]
    assert {n.code for n in r.notes} >= {"no_handoffs", "decision_before_handoff"}
    assert breach_list(h).rows() == []
