"""The starter pack says what issue 3 asks for: the standard B2B funnel, HubSpot's SLA, the
metrics with glossary terms owned by the right teams, and a goal tree."""

from __future__ import annotations

from accord.definitions import starter_catalog
from accord.definitions.attribution import AttributionDefinition
from accord.definitions.funnel import FunnelDefinition
from accord.definitions.goal import GoalDefinition
from accord.definitions.sla import SlaDefinition
from accord.definitions.term import TermDefinition

CATALOG = starter_catalog()
METRICS = CATALOG.metrics()


def test_funnel_is_the_standard_b2b_funnel() -> None:
    ((_, funnel),) = CATALOG.of_kind(FunnelDefinition)
    body = funnel.body
    assert body.stage_names == ("subscriber", "lead", "mql", "sal", "sql", "opportunity",
                                "customer")  # fmt: skip
    assert [s.name for s in body.side_states] == ["recycled", "disqualified", "lost", "churned"]
    effects = {r.code: r.effect for r in body.rejection_reasons}
    assert effects == {
        "bad_fit": "disqualify", "no_budget": "recycle", "student": "disqualify",
        "competitor": "disqualify", "duplicate": "disqualify", "no_response": "recycle",
        "wrong_contact": "recycle", "not_ready": "recycle",
    }  # fmt: skip


def test_sla_is_modelled_on_hubspots() -> None:
    ((_, sla),) = CATALOG.of_kind(SlaDefinition)
    sales, marketing = sla.body.sales, sla.body.marketing
    assert sales.first_touch is not None
    assert sales.first_touch.within_hours == 24
    assert sales.attempts is not None
    assert (sales.attempts.count, sales.attempts.within_days) == (5, 14)
    assert sales.decision is not None
    assert sales.decision.reason_required
    assert marketing.volume is not None
    assert (marketing.volume.metric, marketing.volume.per) == ("mqls", "month")
    assert marketing.quality_floor is not None
    assert marketing.quality_floor.metric == "mql_to_sal_rate"


def test_metrics_are_owned_by_the_teams_they_credit() -> None:
    owners = {name: set(m.owners) for name, m in METRICS.items()}
    assert owners["mqls"] == {"marketing", "sales"}
    assert owners["blended_cac"] == owners["paid_cac"] == {"marketing", "finance"}
    assert owners["win_rate"] == {"sales"}
    assert owners["csat"] == {"service"}
    assert owners["ltv"] == {"finance", "marketing"}
    ((_, attribution),) = CATALOG.of_kind(AttributionDefinition)
    assert set(attribution.owners) == {"marketing", "sales"}


def test_issue_metrics_are_all_there_with_glossary_terms() -> None:
    wanted = {"mqls", "mql_to_sal_rate", "sal_to_sql_rate", "win_rate", "pipeline_created",
              "sales_velocity", "time_to_first_touch", "time_to_first_touch_p90", "blended_cac",
              "paid_cac", "marketing_sourced_pipeline", "marketing_influenced_pipeline", "ltv",
              "ltv_to_cac", "cac_payback_months", "romi", "nps", "csat"}  # fmt: skip
    assert wanted <= set(METRICS)
    linked = {m for _, t in CATALOG.of_kind(TermDefinition) for m in t.body.metrics}
    assert wanted <= linked


def test_sourced_and_influenced_pipeline_are_never_added() -> None:
    sourced = METRICS["marketing_sourced_pipeline"].body
    influenced = METRICS["marketing_influenced_pipeline"].body
    assert sourced.non_additive_with == ("marketing_influenced_pipeline",)
    assert influenced.non_additive_with == ("marketing_sourced_pipeline",)


def test_goal_tree_runs_from_company_to_mqls() -> None:
    goals = {g.name: g.body for _, g in CATALOG.of_kind(GoalDefinition)}
    chain, name = [], "mql_volume_2025"
    while name is not None:
        chain.append((name, goals[name].metric, goals[name].owner_team))
        name = goals[name].parent
    assert chain == [
        ("mql_volume_2025", "mqls", "marketing"),
        ("marketing_pipeline_2025", "marketing_sourced_pipeline", "marketing"),
        ("company_revenue_2025", "revenue", "sales"),
    ]


def test_engine_metrics_say_which_engine() -> None:
    engines = {n: m.body.engine for n, m in METRICS.items() if m.body.engine != "compiler"}
    assert engines == {"ltv": "clv", "marketing_influenced_pipeline": "attribution"}
