"""The revenue workflows on a simulated company loaded as a real workspace (see conftest):
planted truths recovered, and figures equal to pandas computed here from the raw files."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest

from accord.errors import InputError
from accord.workflows.revenue import revenue_context
from accord.workflows.revenue.feedback import feedback_with
from accord.workflows.revenue.forecast import forecast_with
from accord.workflows.revenue.funnel import funnel_with
from accord.workflows.revenue.sla import sla_with

HUBSPOT_STAGES = {
    "Became a Subscriber Date": "subscriber",
    "Became a Lead Date": "lead",
    "Became a Marketing Qualified Lead Date": "mql",
}


def _window(company: Any) -> tuple[dt.datetime, dt.datetime]:
    sim = company.truth["simulation"]
    return dt.datetime.fromisoformat(sim["start"]), dt.datetime.fromisoformat(sim["end"])


@pytest.fixture(scope="module")
def results(company: Any) -> dict[str, Any]:
    """Every workflow once, over the simulated period, judged at its end."""
    start, end = _window(company)
    with company.workspace.state() as state:
        from accord.definitions.sql_store import SqlDefinitionStore

        store = SqlDefinitionStore(state)
        with revenue_context(company.workspace, store, as_of=end) as ctx:
            return {
                "funnel": funnel_with(ctx, start=start, end=end),
                "by_month": funnel_with(ctx, start=start, end=end, grain="month"),
                "sla": sla_with(ctx, start=start, end=end, first_only=True),
                "sla_all": sla_with(ctx, start=start, end=end),
                "feedback": feedback_with(ctx, start=start, end=end, by="channel"),
                "forecast": forecast_with(ctx, start=start, end=end),
            }


# ------------------------------------------------------------------ pandas, raw files
def _people(company: Any) -> dict[tuple[str, str], str]:
    idn = pd.read_csv(company.data / "ground_truth" / "identity.csv", dtype=str)
    return dict(zip(zip(idn.source_system, idn.source_id, strict=True), idn.person_id, strict=True))


def _raw_events(company: Any) -> pd.DataFrame:
    """person, stage, ts (naive UTC): HubSpot's "Became a ... Date" columns and the
    lifecycle export, keyed by the true person."""
    person = _people(company)
    hs = pd.read_csv(company.data / "hubspot-contacts.csv", dtype=str)
    parts = []
    for col, stage in HUBSPOT_STAGES.items():
        x = hs.dropna(subset=[col])
        parts.append(
            pd.DataFrame(
                {
                    "person": [person[("hubspot", i)] for i in x["Record ID"]],
                    "stage": stage,
                    "ts": pd.to_datetime(x[col]),
                }
            )
        )
    lc = pd.read_csv(company.data / "accord-lifecycle_events.csv", dtype=str)
    lc = lc.dropna(subset=["contact_id"])
    parts.append(
        pd.DataFrame(
            {
                "person": [person[k] for k in zip(lc.source_system, lc.contact_id, strict=True)],
                "stage": lc.stage,
                "ts": pd.to_datetime(lc.ts, utc=True).dt.tz_localize(None),
                "reason": lc.reason,
            }
        )
    )
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ citations
def test_every_report_cites_the_definitions_in_force(results: dict[str, Any]) -> None:
    for name in ("funnel", "sla", "feedback", "forecast"):
        r = results[name]
        assert [c.name for c in r.citations] == ["b2b_funnel", "mql_handoff_sla"], name
        assert all(c.signatories for c in r.citations)
    assert results["sla"].resolved  # the conftest wrote the crosswalk
    for report in results["funnel"].reports().values():
        assert report.param("definition.funnel") == "b2b_funnel@1"
        assert report.param("definition.sla") == "mql_handoff_sla@1"
    assert results["funnel"].cohort.kind == "cohort"
    assert results["funnel"].period.kind == "period"


# ------------------------------------------------------------------ funnel vs pandas
def test_stage_counts_equal_pandas_first_entries(company: Any, results: dict[str, Any]) -> None:
    """Entered = people whose *first* event of the stage falls in the window (a recycled
    lead that becomes an MQL again is counted once)."""
    start, end = _window(company)
    ev = _raw_events(company)
    first = ev.groupby(["stage", "person"]).ts.min().reset_index()
    inside = first[(first.ts >= start) & (first.ts < end)]
    want = inside.groupby("stage").size().to_dict()
    got = {r["stage"]: r["entered"] for r in results["funnel"].stages.rows()}
    for stage in ("subscriber", "lead", "mql", "opportunity", "customer"):
        assert got[stage] == want.get(stage, 0), stage
    assert (ev[ev.stage == "mql"].groupby("person").size() > 1).any()  # recycled leads exist


def test_period_conversion_by_month_equals_pandas(company: Any, results: dict[str, Any]) -> None:
    """Period form: entries into Y in the month / entries into X in the month."""
    ev = _raw_events(company)
    first = ev.groupby(["stage", "person"]).ts.min().reset_index()
    first["period"] = first.ts.dt.strftime("%Y-%m")
    n = first.groupby(["stage", "period"]).size()
    for r in results["by_month"].period.rows():
        if (r["from_stage"], r["to_stage"]) != ("lead", "mql"):
            continue
        a, b = n.get(("lead", r["period"]), 0), n.get(("mql", r["period"]), 0)
        assert r["rate"] == (pytest.approx(b / a) if a else None), r["period"]


def test_cohort_lead_to_mql_equals_pandas(company: Any, results: dict[str, Any]) -> None:
    """Cohort form: of the people whose first lead entry is in the window, those whose
    first entry into MQL or any later stage is at or after it (by the end). SAL counts
    from the first SAL at or after the MQL entry, SQL from the first at or after SAL."""
    start, end = _window(company)
    ev = _raw_events(company)
    first = ev.groupby(["stage", "person"]).ts.min().unstack(0)
    first = first.reindex(columns=["lead", "mql", "opportunity", "customer"])

    def after(stage: str, anchor: pd.Series) -> pd.Series:
        x = ev[ev.stage == stage].join(anchor.rename("anchor"), on="person")
        return x[x.ts >= x.anchor].groupby("person").ts.min()

    first["sal"] = after("sal", first.mql.dropna())
    first["sql"] = after("sql", first.sal.dropna())
    lead = first[(first.lead >= start) & (first.lead < end)]
    later = lead[["mql", "sal", "sql", "opportunity", "customer"]]
    reached = later.ge(lead.lead, axis=0) & later.le(pd.Timestamp(end), axis=0)
    row = next(
        r
        for r in results["funnel"].cohort.rows()
        if (r["from_stage"], r["to_stage"]) == ("lead", "mql")
    )
    assert row["entered"] == len(lead)
    assert row["converted"] == int(reached.any(axis=1).sum())


def test_marketing_mqls_per_month_equal_pandas(company: Any, results: dict[str, Any]) -> None:
    ev = _raw_events(company)
    mql = ev[ev.stage == "mql"].assign(period=lambda d: d.ts.dt.strftime("%Y-%m"))
    want = mql.groupby("period").person.nunique().to_dict()
    for r in results["sla"].marketing.rows():
        assert r["mqls"] == want.get(r["period"], 0), r["period"]
        assert r["attainment"] == pytest.approx(r["mqls"] / 400)


def test_forecast_actuals_equal_pandas_bookings(company: Any, results: dict[str, Any]) -> None:
    opp = pd.read_csv(company.data / "salesforce-opportunities.csv", dtype=str)
    bad = {
        b["source_id"] for b in company.truth["bad_rows"] if b["file"].startswith("salesforce-opp")
    }
    won = opp[(opp.Won == "TRUE") & ~opp["Opportunity ID"].isin(bad)]  # quarantined rows out
    month = pd.to_datetime(won["Close Date"], format="%m/%d/%Y").dt.strftime("%Y-%m")
    want = won.Amount.astype(float).groupby(month).sum().to_dict()
    rows = [r for r in results["forecast"].accuracy.rows() if r["period"] != "(all)"]
    assert rows
    for r in rows:
        assert r["actual"] == pytest.approx(want.get(r["period"], 0.0)), r["period"]


# ------------------------------------------------------------------ planted truths
def test_planted_breach_rates_per_rep_are_recovered(company: Any, results: dict[str, Any]) -> None:
    """Each SDR's planted probability of a first touch later than 24 h (or never), within
    3 binomial standard errors of the rate measured on first hand-offs."""
    rows = {r["group"]: r for r in results["sla"].compliance.rows()}
    checked = 0
    for rep, t in company.truth["sla"]["reps"].items():
        row = rows.get(rep)
        if row is None or t["realised"]["mqls"] == 0:
            continue
        n = row["first_touch_met"] + row["first_touch_breached"]
        assert abs(n - t["realised"]["mqls"]) <= 1, rep
        assert abs(row["first_touch_breached"] - t["realised"]["breaches"]) <= 1, rep
        p = t["planted"]["breach_rate"]
        se = math.sqrt(p * (1 - p) / n)
        assert abs(row["first_touch_breached"] / n - p) < 3 * se + 1 / n, (rep, p)
        checked += 1
    assert checked >= 5


def test_planted_acceptance_by_source_is_recovered(company: Any, results: dict[str, Any]) -> None:
    """Acceptance by source (first marketing touch), within 3 standard errors of the
    planted model's expected rate."""
    rows = {r["group"]: r for r in results["feedback"].acceptance.rows()}
    for src, t in company.truth["acceptance_by_source"]["mql"].items():
        row, p = rows[src], t["expected_rate"]
        se = math.sqrt(p * (1 - p) / row["decided"])
        assert abs(row["acceptance_rate"] - p) < 3 * se, (src, row["acceptance_rate"], p)


def test_reason_mix_matches_the_planted_mix(company: Any, results: dict[str, Any]) -> None:
    """Share of each reason among first rejections, within 3 standard errors of the mix
    the simulator drew from (plus one count for the MQL-vs-lead difference)."""
    rows = results["feedback"].reasons.rows()
    total: dict[str, int] = {}
    for r in rows:
        total[r["reason"]] = total.get(r["reason"], 0) + r["rejections"]
    n = sum(total.values())
    assert n > 20
    for reason, p in company.truth["reason_codes"]["mix_first_decision"].items():
        se = math.sqrt(p * (1 - p) / n)
        assert abs(total.get(reason, 0) / n - p) < 3 * se + 1 / n, (reason, p)


# ------------------------------------------------------------------ edge cases
def test_recycled_leads_are_counted_once(results: dict[str, Any]) -> None:
    """All hand-offs vs first hand-offs: recycled leads add hand-offs to the SLA, never
    people to the funnel."""
    first = {r["group"]: r for r in results["sla"].compliance.rows()}["(all)"]
    every = {r["group"]: r for r in results["sla_all"].compliance.rows()}["(all)"]
    assert every["handoffs"] > first["handoffs"]
    mql = {r["stage"]: r["entered"] for r in results["funnel"].stages.rows()}["mql"]
    assert first["handoffs"] <= mql


def test_a_window_with_no_mqls_gives_reasons(company: Any, store: Any) -> None:
    start, end = dt.datetime(2030, 1, 1), dt.datetime(2030, 3, 1)
    with revenue_context(company.workspace, store, as_of=end) as ctx:
        f = funnel_with(ctx, start=start, end=end)
        s = sla_with(ctx, start=start, end=end)
        with pytest.raises(InputError):
            funnel_with(ctx, start=end, end=start)
        with pytest.raises(InputError):
            funnel_with(ctx, start=start, end=end, by="colour")
    assert all(r["entered"] == 0 for r in f.stages.rows())
    assert f.cohort.note("no_entries") is not None
    assert all(r["mqls"] == 0 for r in s.marketing.rows())
    assert s.breaches.table.num_rows == 0


def test_business_hours_never_exceed_calendar_hours(company: Any, store: Any) -> None:
    start, end = _window(company)
    with revenue_context(company.workspace, store, as_of=end) as ctx:
        cal = sla_with(ctx, start=start, end=end, first_only=True)
        biz = sla_with(ctx, start=start, end=end, first_only=True, business_hours=True)
    c = {r["group"]: r for r in cal.compliance.rows()}["(all)"]
    b = {r["group"]: r for r in biz.compliance.rows()}["(all)"]
    assert b["median_hours_to_first_touch"] <= c["median_hours_to_first_touch"]
    assert b["first_touch_breached"] <= c["first_touch_breached"]
    assert biz.business_hours
    assert not cal.business_hours
