"""Marketing's side of the SLA and the target derived from the revenue goal, by hand."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from accord.engines.funnel import StageRule, cohort_conversion, funnel_entries
from accord.engines.sla import MarketingTerms, derive_targets, marketing_sla, rates_from_cohort
from accord.errors import InputError

D = dt.datetime


def test_volume_pace_and_quality_floor_by_hand() -> None:
    # March: a, b, c qualify (a twice: counted once); b accepted, c rejected -> 1/2.
    # April: nobody qualifies; a is accepted -> 1/1. as_of: 10 April 00:00.
    ev = ibis.memtable(
        {
            "contact_id": ["a", "a", "b", "c", "b", "c", "a"],
            "stage": ["mql", "mql", "mql", "mql", "sal", "rejected", "sal"],
            "ts": [D(2024, 3, 1), D(2024, 3, 20), D(2024, 3, 5), D(2024, 3, 9), D(2024, 3, 6),
                   D(2024, 3, 10), D(2024, 4, 2)],
        }
    )  # fmt: skip
    r = marketing_sla(
        ev, terms=MarketingTerms(volume_target=4, quality_floor=0.6), start=D(2024, 3, 1),
        end=D(2024, 5, 1), as_of=D(2024, 4, 10),
    )  # fmt: skip
    march, april = r.rows()
    assert (march["mqls"], march["attainment"], march["elapsed_share"]) == (3, 0.75, 1.0)
    assert (march["pace"], march["target_met"]) == (0.75, False)
    assert (march["acceptance_rate"], march["floor_met"]) == (0.5, False)
    assert (april["mqls"], april["elapsed_share"], april["pace"]) == (0, 0.3, 0.0)
    assert (april["acceptance_rate"], april["floor_met"], april["target_met"]) == (1.0, True, None)
    assert r.note("no_entries").detail == "periods without MQLs: 2024-04"
    no_target = marketing_sla(
        ev, terms=MarketingTerms(volume_target=None), start=D(2024, 3, 1), end=D(2024, 4, 1),
        as_of=D(2024, 2, 1),
    )  # fmt: skip
    row = no_target.rows()[0]
    assert (row["attainment"], row["pace"], row["mqls"]) == (None, None, 0)
    assert {n.code for n in no_target.notes} >= {"no_target", "period_not_started", "no_entries"}


def test_targets_walk_the_funnel_backwards() -> None:
    # 2.4M x 25 % / 30k = 20 customers; 20 / .25 = 80 opportunities; / .8 = 100 SQLs;
    # / .5 = 200 SALs; / .5 = 400 MQLs a year, 33.3 a month.
    plan = derive_targets(
        revenue_goal=2_400_000, marketing_share=0.25, average_deal_size=30_000, periods=12,
        rates=(("mql", "sal", 0.5), ("sal", "sql", 0.5), ("sql", "opportunity", 0.8),
               ("opportunity", "customer", 0.25)),
    )  # fmt: skip
    assert [(s.stage, s.needed_whole) for s in plan.steps] == [
        ("customer", 20), ("opportunity", 80), ("sql", 100), ("sal", 200), ("mql", 400)
    ]  # fmt: skip
    assert plan.per_period("mql") == pytest.approx(400 / 12)
    assert plan.parameters[0] == ("average_deal_size", 30_000)


def test_targets_that_cannot_be_derived_say_why() -> None:
    zero = derive_targets(revenue_goal=1e6, marketing_share=0.5, average_deal_size=1e4,
                          rates=(("mql", "sql", None), ("sql", "customer", 0.2)))  # fmt: skip
    assert not zero.ok
    assert zero.notes[0].code == "stage_not_reached"
    with pytest.raises(InputError):
        derive_targets(revenue_goal=1, marketing_share=0.5, average_deal_size=1,
                       rates=(("mql", "sal", 0.5), ("sql", "customer", 0.5)))  # fmt: skip
    with pytest.raises(InputError):
        derive_targets(revenue_goal=1, marketing_share=1.5, average_deal_size=1, rates=())


def test_rates_come_from_cohort_conversion() -> None:
    # 4 MQLs in January: 2 reach SQL, 1 of those becomes a customer
    ev = ibis.memtable(
        {
            "contact_id": ["a", "b", "c", "d", "a", "b", "a"],
            "stage": ["mql"] * 4 + ["sql", "sql", "customer"],
            "ts": [D(2024, 1, d) for d in (1, 2, 3, 4, 10, 11, 30)],
        }
    )
    fe = funnel_entries(ev, stages=tuple(StageRule(s) for s in ("mql", "sql", "customer")))
    report = cohort_conversion(fe, start=D(2024, 1, 1), end=D(2024, 2, 1), as_of=D(2024, 3, 1),
                               pairs=[("mql", "sql"), ("sql", "customer")])  # fmt: skip
    rates = rates_from_cohort(report, ["mql", "sql", "customer"])
    assert rates == (("mql", "sql", 0.5), ("sql", "customer", 0.5))
    plan = derive_targets(revenue_goal=100_000, marketing_share=1.0, average_deal_size=10_000,
                          rates=rates)  # fmt: skip
    assert plan.needed("mql") == 40.0
