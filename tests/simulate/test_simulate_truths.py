"""The planted truths are really in the files: recomputed here from the exports alone
(with the identity sidecar to join systems) and compared with ``ground_truth.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from accord.simulate import params

if TYPE_CHECKING:
    from conftest import Company

US = "%m/%d/%Y"


def _ts(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")


def _mql_leads(company: Company) -> pd.DataFrame:
    """Each person's first MQL (HubSpot) and the Salesforce lead synced from it."""
    identity = company.sidecar("identity")
    hs = company.frame("hubspot-contacts.csv")
    hs["mql"] = pd.to_datetime(hs["Became a Marketing Qualified Lead Date"], utc=True)
    hs = hs.dropna(subset=["mql"]).merge(identity, left_on="Record ID", right_on="source_id")
    leads = company.frame("salesforce-leads.csv")
    leads = leads[~leads["Lead Source"].isin(["Outbound", "Partner Referral"])]
    leads["created"] = pd.to_datetime(leads["Create Date"], format=US, errors="coerce", utc=True)
    leads = leads.merge(identity, left_on="Lead ID", right_on="source_id")
    both = hs[["person_id", "mql"]].merge(leads, on="person_id")
    both = both[both["created"] >= both["mql"].dt.floor("D")]
    return both.sort_values("created", kind="stable").drop_duplicates("person_id")


def test_per_rep_sla_breach_rates_match_planted_rates(company: Company) -> None:
    leads = _mql_leads(company)
    acts = company.frame("accord-activities.csv")
    acts["ts"] = _ts(acts["ts"])
    first = acts.groupby("contact_id")["ts"].min().rename("first_touch")
    leads = leads.merge(first, left_on="Lead ID", right_index=True, how="left")
    end = pd.Timestamp(company.truth["simulation"]["end"], tz="UTC")
    leads = leads[leads["mql"] + pd.Timedelta(hours=24) < end]
    hours = (leads["first_touch"] - leads["mql"]).dt.total_seconds() / 3600
    leads["breach"] = hours.isna() | (hours > 24)
    planted = company.truth["sla"]["reps"]
    checked = 0
    for rep, group in leads.groupby("Lead Owner"):
        n, rate = len(group), group["breach"].mean()
        p = planted[rep]["planted"]["breach_rate"]
        realised = planted[rep]["realised"]
        assert abs(rate - realised["breach_rate"]) < 0.02, rep  # the files carry the truth
        assert abs(rate - p) < 3 * np.sqrt(p * (1 - p) / n) + 0.01, (rep, rate, p, n)
        checked += 1
    assert checked == sum(r.role == "sdr" for r in params.REPS)
    ordered = sorted(planted, key=lambda r: planted[r]["planted"]["breach_rate"])
    rates = leads.groupby("Lead Owner")["breach"].mean()
    assert rates[ordered[-1]] > rates[ordered[0]] + 0.2


def test_reason_codes_in_lifecycle_events_are_the_planted_mix(company: Company) -> None:
    events = company.frame("accord-lifecycle_events.csv")
    rejected = events[events.stage == "rejected"]
    counts = rejected["reason"].value_counts().to_dict()
    reasons = company.truth["reason_codes"]
    expected = dict(reasons["counts_first_decision"])
    for code, n in reasons["counts_second_decision"].items():
        expected[code] = expected.get(code, 0) + n
    assert counts == expected
    assert set(counts) <= {r.code for r in params.REASONS}
    effects = reasons["effects"]
    follow = events[events.stage.isin(["recycled", "disqualified"])]
    paired = rejected.merge(follow, on=["contact_id", "reason"], suffixes=("", "_next"))
    assert (
        paired.apply(
            lambda r: (
                effects[r.reason] == ("recycle" if r.stage_next == "recycled" else "disqualify")
            ),
            axis=1,
        )
    ).all()


def test_acceptance_by_source_matches_the_lead_quality_model(company: Company) -> None:
    events = company.frame("accord-lifecycle_events.csv")
    events["ts"] = _ts(events["ts"])
    decisions = events[events.stage.isin(["sal", "rejected"])].sort_values("ts", kind="stable")
    first = decisions.drop_duplicates("contact_id")
    leads = company.frame("salesforce-leads.csv")
    joined = first.merge(leads, left_on="contact_id", right_on="Lead ID")
    rate = (
        joined.assign(ok=joined.stage == "sal").groupby("Lead Source")["ok"].agg(["mean", "size"])
    )
    truth = company.truth["acceptance_by_source"]["all"]
    sf_source = {c.name: c.salesforce_source for c in params.CHANNELS}
    sf_source.update(outbound="Outbound", partner="Partner Referral")
    by_label: dict[str, list[float]] = {}
    for channel, v in truth.items():
        label = sf_source[channel]
        acc = by_label.setdefault(label, [0.0, 0.0, 0.0])
        acc[0] += v["accepted"]
        acc[1] += v["decided"]
        acc[2] += v["expected_rate"] * v["decided"]
    for label, (accepted, decided, expected) in by_label.items():
        assert rate.loc[label, "size"] == decided, label
        assert rate.loc[label, "mean"] == pytest.approx(accepted / decided), label
        p = expected / decided
        assert abs(accepted / decided - p) < 3 * np.sqrt(p * (1 - p) / decided) + 0.02, label
    assert rate.loc["Partner Referral", "mean"] > rate.loc["Advertisement", "mean"]


def test_channel_coefficients_are_recoverable_from_touchpoints(company: Company) -> None:
    """A logistic regression of MQL on the channels in each journey finds the planted betas."""
    identity = company.sidecar("identity")
    hs = company.frame("hubspot-contacts.csv").merge(
        identity, left_on="Record ID", right_on="source_id"
    )
    hs = hs[hs["Original Source"] != "Offline Sources"]
    person_mql = pd.to_datetime(hs["Became a Marketing Qualified Lead Date"], utc=True)
    mql = person_mql.groupby(hs["person_id"]).min()
    touches = company.frame(
        "accord-touchpoints.csv", usecols=["contact_id", "ts", "channel", "team"]
    )
    touches = touches[touches.team == "marketing"].merge(
        identity[["source_id", "person_id"]], left_on="contact_id", right_on="source_id"
    )
    touches = touches[touches.person_id.isin(mql.index)]
    touches["ts"] = _ts(touches["ts"])
    cutoff = touches["person_id"].map(mql)
    pre = touches[cutoff.isna() | (touches["ts"] <= cutoff + pd.Timedelta(hours=2))]
    x = pd.crosstab(pre["person_id"], pre["channel"]).clip(upper=1)
    end = pd.Timestamp(company.truth["simulation"]["end"], tz="UTC")
    last = pre.groupby("person_id")["ts"].max()
    x = x[last.reindex(x.index) < end - pd.Timedelta(days=30)]  # decisions inside the window
    y = mql.reindex(x.index).notna().astype(int)
    model = LogisticRegression(C=np.inf, max_iter=2000).fit(x.to_numpy(), y.to_numpy())
    fitted = dict(zip(x.columns, model.coef_[0], strict=True))
    for ch in params.CHANNELS:
        assert fitted[ch.name] == pytest.approx(ch.beta, abs=0.3), ch.name
    ranking = company.truth["channels"]["ranking_by_incremental_mqls"]
    assert set(ranking[:3]) & {"webinar", "events", "paid_search", "organic_search"}
    assert ranking[-1] in {"display", "organic_social"}


def test_sourced_pipeline_by_team_matches_the_opportunities(company: Company) -> None:
    opps = company.frame("salesforce-opportunities.csv")
    team = opps["Lead Source"].map({"Outbound": "sales", "Partner Referral": "partners"})
    opps["team"] = team.fillna("marketing")
    opps["amount"] = opps["Amount"].astype(float)
    opps = opps[opps["amount"] >= 0]  # a planted bad row may be negative
    truth = company.truth["sourcing"]
    for team_name, group in opps.groupby("team"):
        assert len(group) == pytest.approx(truth[team_name]["opportunities"], abs=1)


def test_experiment_exposures_match_the_ground_truth_arms(company: Company) -> None:
    exposures = company.frame("accord-exposures.csv")
    counts = exposures.groupby(["experiment_id", "variant"]).size()
    experiments = company.truth["experiments"]
    for exp_id, spec in experiments.items():
        for arm in ("control", "treatment"):
            assert counts[(exp_id, arm)] >= spec["arms"][arm]["units"] * 0.95, (exp_id, arm)
    pricing = experiments["pricing-page-v2"]["arms"]
    lift = (
        pricing["treatment"]["conversions"] / pricing["treatment"]["units"]
        - pricing["control"]["conversions"] / pricing["control"]["units"]
    )
    assert lift > 0


def test_invoices_add_up_to_the_subscriptions(company: Company) -> None:
    subs = company.frame("accord-subscriptions.csv")
    invoices = company.frame("stripe-invoices.csv")
    subs = subs[subs["mrr"].notna()]
    months = {"Starter": 1, "Growth": 3, "Enterprise": 12}
    billed = (subs["mrr"].astype(float) * subs["plan"].map(months)).sum()
    assert invoices["Total"].astype(float).sum() == pytest.approx(billed, rel=1e-3)
    assert set(invoices["Subscription"]) == set(
        company.frame("accord-subscriptions.csv")["subscription_id"]
    )
    last = subs.groupby("subscription_id")["status"].agg(list)
    assert all("churned" not in s[:-1] for s in last)  # churn only ends a subscription


def test_each_person_moves_forward_in_time(company: Company) -> None:
    """Touches before the MQL, MQL before the lead, lead before the first call, decisions
    after the lead, conversion after acceptance, opportunity after conversion, close
    after creation, first invoice after the win."""
    leads = _mql_leads(company)
    assert (leads["created"] >= leads["mql"].dt.floor("D")).all()
    acts = company.frame("accord-activities.csv")
    acts["ts"] = _ts(acts["ts"])
    bad = {(b["file"], b["source_id"]) for b in company.truth["bad_rows"]}
    first = acts.groupby("contact_id")["ts"].min()
    on_lead = leads.merge(first.rename("first"), left_on="Lead ID", right_index=True)
    assert (on_lead["first"] >= on_lead["mql"]).all()
    events = company.frame("accord-lifecycle_events.csv")
    events["ts"] = _ts(events["ts"])
    sf = company.frame("salesforce-leads.csv")
    sf = sf[~sf["Lead ID"].map(lambda i: ("salesforce-leads.csv", i) in bad)]
    sf["created"] = pd.to_datetime(sf["Create Date"], format=US, utc=True)
    sf["converted"] = pd.to_datetime(sf["Converted Date"], format=US, utc=True)
    sal = events[events.stage == "sal"].groupby("contact_id")["ts"].min()
    dec = events[events.stage.isin(["sal", "rejected"])].merge(
        sf, left_on="contact_id", right_on="Lead ID"
    )
    assert (dec["ts"] >= dec["created"]).all()
    conv = sf.dropna(subset=["converted"]).merge(
        sal.rename("sal"), left_on="Lead ID", right_index=True
    )
    assert (conv["converted"] > conv["sal"].dt.floor("D")).all()
    opps = company.frame("salesforce-opportunities.csv")
    opps["created"] = pd.to_datetime(opps["Created Date"], format=US, utc=True)
    opps["closed"] = pd.to_datetime(opps["Close Date"], format=US, utc=True)
    assert (opps["closed"] >= opps["created"]).all()
    with_lead = opps.merge(sf, left_on="Contact ID", right_on="Converted Contact ID")
    assert len(with_lead) > 0.9 * len(opps)
    assert (with_lead["created_x"] >= with_lead["converted"]).all()
    won = opps[opps["Stage"] == "Closed Won"]
    invoices = company.frame("stripe-invoices.csv")
    invoices = invoices[~invoices["id"].map(lambda i: ("stripe-invoices.csv", i) in bad)]
    invoices["ts"] = pd.to_datetime(invoices["Date (UTC)"], utc=True)
    accounts = company.sidecar("accounts")
    key = dict(zip(accounts.source_id, accounts.account_id, strict=True))
    first_invoice = invoices.groupby(invoices["Customer"].map(key))["ts"].min()
    won_at = won.groupby(won["Account ID"].map(key))["closed"].max()
    both = pd.concat([first_invoice.rename("inv"), won_at.rename("won")], axis=1).dropna()
    assert len(both) == len(first_invoice)
    assert (both["inv"] >= both["won"]).all()
