"""The funnel on a simulated company: equal to pandas on the raw files, and the planted
stage conversion probabilities recovered.

The pandas side reads the exported files themselves (HubSpot "Became a ... Date"
columns, Salesforce lead create/convert dates, the lifecycle-event file, the
opportunity export) and the ground-truth identity clusters, and re-derives every figure
with its own code; it shares nothing with the engines but the definitions written in
``docs/funnel-and-sla.md``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest

from accord.engines.funnel import (
    FunnelEntries,
    SideRule,
    StageRule,
    cohort_conversion,
    funnel_entries,
    sales_velocity,
    side_exits,
    stage_counts,
    stage_timing,
)

STAGES = ("subscriber", "lead", "mql", "sal", "sql", "opportunity", "customer")
AFTER = {"sal": "mql", "sql": "sal"}
RULES = tuple(StageRule(s, after=AFTER.get(s)) for s in STAGES)
PAIRS = [
    ("mql", "sal"),
    ("sal", "sql"),
    ("sql", "opportunity"),
    ("opportunity", "customer"),
    ("mql", "customer"),
    ("lead", "mql"),
]
SIDE = (
    SideRule("recycled", from_stages=("mql", "sal", "sql")),
    SideRule("disqualified", from_stages=("lead", "mql", "sal", "sql")),
    SideRule("lost", from_stages=("opportunity",)),
)


# -------------------------------------------------------------------- pandas side
def _raw_events(company: Any) -> pd.DataFrame:
    """person_id, stage, ts, reason from the exported files."""
    folder = company.folder
    idn = pd.read_csv(folder / "ground_truth" / "identity.csv", dtype=str)
    idn = idn[["source_system", "source_id", "person_id"]].drop_duplicates()
    hs = pd.read_csv(folder / "hubspot-contacts.csv", dtype=str)
    cols = {
        "Became a Subscriber Date": "subscriber",
        "Became a Lead Date": "lead",
        "Became a Marketing Qualified Lead Date": "mql",
    }
    hs = hs.melt(id_vars=["Record ID"], value_vars=list(cols), var_name="stage", value_name="ts")
    hs = (
        hs.dropna(subset=["ts"])
        .assign(
            stage=lambda d: d.stage.map(cols),
            source_system="hubspot",
            reason=None,
            ts=lambda d: pd.to_datetime(d.ts, format="%Y-%m-%d %H:%M"),
        )
        .rename(columns={"Record ID": "source_id"})
    )
    sf = pd.read_csv(folder / "salesforce-leads.csv", dtype=str)
    sf = sf.melt(
        id_vars=["Lead ID"],
        value_vars=["Create Date", "Converted Date"],
        var_name="stage",
        value_name="ts",
    )
    sf = (
        sf.dropna(subset=["ts"])
        .assign(
            stage=lambda d: d.stage.map({"Create Date": "lead", "Converted Date": "sql"}),
            source_system="salesforce",
            reason=None,
            ts=lambda d: pd.to_datetime(d.ts, format="%m/%d/%Y"),
        )
        .rename(columns={"Lead ID": "source_id"})
    )
    lc = pd.read_csv(folder / "accord-lifecycle_events.csv", dtype=str)
    lc = lc.dropna(subset=["contact_id"]).drop(columns=["source_id"])
    lc = lc.assign(ts=pd.to_datetime(lc.ts, utc=True).dt.tz_localize(None))
    lc = lc.rename(columns={"contact_id": "source_id"})
    lc = lc[["source_system", "source_id", "stage", "ts", "reason"]]
    ev = pd.concat([hs, sf, lc], ignore_index=True)
    ev = ev.merge(idn, on=["source_system", "source_id"])
    return ev[["person_id", "stage", "ts", "reason"]]


def _first_entries(ev: pd.DataFrame) -> pd.DataFrame:
    first = ev.pivot_table(index="person_id", columns="stage", values="ts", aggfunc="min")
    for stage, after in AFTER.items():
        cand = ev[ev.stage == stage].join(first[after].rename("pre"), on="person_id")
        cand = cand[cand.ts >= cand.pre]
        first[stage] = cand.groupby("person_id").ts.min()
    return first[list(STAGES)]


def _reach(first: pd.DataFrame, a: str, b: str) -> pd.Series:
    later = list(STAGES[STAGES.index(b) :])
    ok = first[later].where(first[later].ge(first[a], axis=0))
    return ok.min(axis=1)


@pytest.fixture(scope="module")
def raw(company: Any) -> pd.DataFrame:
    return _raw_events(company)


@pytest.fixture(scope="module")
def first(raw: pd.DataFrame) -> pd.DataFrame:
    return _first_entries(raw)


@pytest.fixture(scope="module")
def entries(company: Any) -> FunnelEntries:
    return funnel_entries(company.events, stages=RULES, entity_col="person_id")


# -------------------------------------------------------------------- equal to pandas
def test_stage_counts_equal_pandas(
    company: Any, entries: FunnelEntries, first: pd.DataFrame
) -> None:
    r = stage_counts(entries, start=company.start, end=company.end, grain="quarter")
    got = {(x["period_start"], x["stage"]): x["entered"] for x in r.rows()}
    for stage in STAGES:
        q = first[stage].dropna().dt.to_period("Q").dt.start_time
        for start, n in q.value_counts().items():
            assert got[(start.to_pydatetime(), stage)] == n, (stage, start)
    assert sum(got.values()) == int(first.notna().sum().sum())
    mqls = company.truth["stages"].get("known_to_mql", {}).get("mqls")
    if mqls is not None:  # every person who became an MQL, as planted
        assert sum(n for (_, s), n in got.items() if s == "mql") == mqls


def test_cohort_conversion_equals_pandas(
    company: Any, entries: FunnelEntries, first: pd.DataFrame
) -> None:
    as_of = company.end
    r = cohort_conversion(
        entries,
        start=company.start,
        end=company.end,
        as_of=as_of,
        within_days=30,
        grain="quarter",
        pairs=PAIRS,
    )
    got = {(x["period_start"], x["from_stage"], x["to_stage"]): x for x in r.rows()}
    for a, b in PAIRS:
        x = first[a].dropna()
        reached = _reach(first, a, b).loc[x.index]
        days = (reached - x).dt.total_seconds() / 86400
        mature = x + pd.Timedelta(days=30) <= as_of
        frame = pd.DataFrame(
            {
                "q": x.dt.to_period("Q").dt.start_time,
                "conv": reached.notna(),
                "mature": mature,
                "within": mature & (days <= 30),
                "skipped": reached.notna() & (first.loc[x.index, b] != reached),
            }
        )
        for q, g in frame.groupby("q"):
            row = got[(q.to_pydatetime(), a, b)]
            want = (
                len(g),
                int(g.conv.sum()),
                int(g.mature.sum()),
                int(g.within.sum()),
                int(g.skipped.sum()),
            )
            assert (
                row["entered"],
                row["converted"],
                row["mature"],
                row["converted_within"],
                row["skipped"],
            ) == want, (a, b, q)


def test_timing_equals_pandas(company: Any, entries: FunnelEntries, first: pd.DataFrame) -> None:
    r = stage_timing(entries, start=company.start, end=company.end, as_of=company.end)
    for row in r.rows():
        a, b = row["from_stage"], row["to_stage"]
        x = first[a].dropna()
        days = ((_reach(first, a, b).loc[x.index] - x).dt.total_seconds() / 86400).dropna()
        assert (row["entered"], row["reached"]) == (len(x), len(days))
        assert row["median_days"] == pytest.approx(days.quantile(0.5), rel=1e-9)
        assert row["p90_days"] == pytest.approx(days.quantile(0.9), rel=1e-9)


def test_side_exits_equal_pandas(
    company: Any, entries: FunnelEntries, raw: pd.DataFrame, first: pd.DataFrame
) -> None:
    r = side_exits(
        company.events,
        entries,
        side_states=SIDE,
        start=company.start,
        end=company.end,
        entity_col="person_id",
    )
    got = {(x["side_state"], x["from_stage"], x["reason"]): x["exits"] for x in r.rows()}
    ev = raw[raw.stage.isin(["recycled", "disqualified", "lost"])].join(first, on="person_id")
    reached = pd.DataFrame({s: ev[s] <= ev.ts for s in STAGES})
    ev["from_stage"] = reached.apply(
        lambda row: next((s for s in reversed(STAGES) if row[s]), "(before funnel)"), axis=1
    )
    want = ev.groupby(["stage", "from_stage", "reason"]).size().to_dict()
    assert got == want


def test_velocity_equals_pandas(company: Any) -> None:
    r = sales_velocity(company.opportunities, start=company.start, end=company.end, grain="quarter")
    o = pd.read_csv(company.folder / "salesforce-opportunities.csv", dtype=str)
    o = o[o.Amount.astype(float) >= 0]  # the planted bad row is quarantined by the loader
    created = pd.to_datetime(o["Created Date"], format="%m/%d/%Y")
    closed_at = pd.to_datetime(o["Close Date"], format="%m/%d/%Y")
    amount = o.Amount.astype(float)
    is_closed, won = o.Closed == "TRUE", o.Won == "TRUE"
    for row in r.rows():
        start = pd.Timestamp(row["period_start"])
        end = start + pd.offsets.QuarterBegin(startingMonth=1)
        c = (created >= start) & (created < end)
        k = is_closed & (closed_at >= start) & (closed_at < end)
        w = k & won
        assert (row["created"], row["closed"], row["won"]) == (c.sum(), k.sum(), w.sum())
        assert row["pipeline"] == pytest.approx(amount[c].sum())
        if w.sum():
            assert row["average_deal_size"] == pytest.approx(amount[w].mean())
            cycle = ((closed_at - created)[w].dt.days).mean()
            assert row["cycle_days"] == pytest.approx(cycle)
            assert row["velocity"] == pytest.approx(
                c.sum() * w.sum() / k.sum() * amount[w].mean() / cycle
            )


# -------------------------------------------------------------------- planted truths
def test_planted_sal_to_sql_probability_is_recovered(company: Any) -> None:
    """P(SQL | SAL) as planted (``stages.sal_to_sql.expected / sals``: the mean of the
    simulator's logistic qualification model over its SALs) against the cohort rate
    within 30 days over every SAL (no ``after`` rule, so outbound and partner SALs are
    in, as in the truth). The SQL comes 1 + Gamma(2, 3) days after the SAL, so 30 days
    capture all but 0.1 % of it. Tolerance: 3 binomial standard errors."""
    truth = company.truth["stages"]["sal_to_sql"]
    planted = truth["expected"] / truth["sals"]
    rules = tuple(StageRule(s) if s != "sql" else StageRule("sql", after="sal") for s in STAGES)
    fe = funnel_entries(company.events, stages=rules, entity_col="person_id")
    row = cohort_conversion(
        fe,
        start=company.start,
        end=company.end,
        as_of=company.end,
        within_days=30,
        pairs=[("sal", "sql")],
    ).rows()[0]
    n = row["mature"]
    se = math.sqrt(planted * (1 - planted) / n)
    assert n > 500
    assert abs(row["rate_within"] - planted) < 3 * se


def test_sql_to_opportunity_matches_the_realised_rate(company: Any, entries: FunnelEntries) -> None:
    """``stages.sql_to_opportunity``: opportunities per SQL as realised (an opportunity is
    opened per SQL unless the account already has one or is a customer). Our cohort
    counts people, the truth leads; 3 binomial standard errors."""
    truth = company.truth["stages"]["sql_to_opportunity"]
    realised = truth["opportunities"] / truth["sqls"]
    rules = tuple(StageRule(s) for s in STAGES)
    fe = funnel_entries(company.events, stages=rules, entity_col="person_id")
    row = cohort_conversion(
        fe, start=company.start, end=company.end, as_of=company.end, pairs=[("sql", "opportunity")]
    ).rows()[0]
    se = math.sqrt(realised * (1 - realised) / row["entered"])
    assert abs(row["rate"] - realised) < 3 * se


def test_reason_codes_of_side_exits_match_the_lifecycle_file(
    company: Any, entries: FunnelEntries
) -> None:
    """Every recycle and disqualification carries the reason of the rejection it follows:
    the totals per reason equal the rejections per reason planted in the truth (first and
    second decisions) plus the later recycles of accepted leads."""
    r = side_exits(
        company.events,
        entries,
        side_states=SIDE[:2],
        start=dt.datetime(2000, 1, 1),
        end=dt.datetime(2100, 1, 1),
        entity_col="person_id",
    )
    got: dict[str, int] = {}
    for x in r.rows():
        got[x["reason"]] = got.get(x["reason"], 0) + x["exits"]
    codes = company.truth["reason_codes"]
    first, second = codes["counts_first_decision"], codes["counts_second_decision"]
    rejected = {k: first.get(k, 0) + second.get(k, 0) for k in codes["effects"]}
    for reason in ("bad_fit", "student", "competitor", "duplicate", "wrong_contact", "no_response"):
        assert got.get(reason, 0) == rejected[reason], reason  # only ever after a rejection
    for reason in ("no_budget", "not_ready"):  # also recycled later from SAL
        assert got[reason] >= rejected[reason]
    assert r.note("missing_reason") is None
