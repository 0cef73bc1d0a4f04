"""``ground_truth.json``: the planted parameters next to what was realised in the files.

See ``docs/simulation.md`` for every entry. Per-record truths (identity, true account,
text themes) are too large for JSON and live beside it in ``ground_truth/*.csv``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

import numpy as np

from accord.simulate import params
from accord.simulate.billing import CHURN_REASONS
from accord.simulate.export_owners import sales_team
from accord.simulate.handling import REASON_CODES
from accord.simulate.truth import Tally
from accord.simulate.world import World

__all__ = ["ACCOUNTS", "IDENTITY", "THEMES", "document"]

IDENTITY: Final = ("source_system", "source_id", "kind", "person_id", "account_id")
ACCOUNTS: Final = ("source_system", "source_id", "kind", "account_id")
THEMES: Final = ("source_system", "source_id", "table", "theme", "sentiment")


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def _channels(tally: Tally) -> dict[str, Any]:
    per = tally.sums("channels")
    total_incremental = sum(v.get("incremental_mqls", 0.0) for v in per.values()) or 1.0
    out = {}
    for ch in params.CHANNELS:
        v = per.get(ch.name, {})
        out[ch.name] = {
            "beta": ch.beta,
            "people_with": int(v.get("people_with", 0)),
            "mqls_with": int(v.get("mqls_with", 0)),
            "expected_mqls_with": round(v.get("expected_mqls_with", 0.0), 2),
            "incremental_mqls": round(v.get("incremental_mqls", 0.0), 2),
            "incremental_share": round(v.get("incremental_mqls", 0.0) / total_incremental, 4),
        }
    model = tally.sums("mql_model").get("all", {})
    return {
        "model": "P(MQL) = sigmoid(intercept + sum_c beta_c * 1[channel c in the journey before"
        " the decision] + seniority[title level] + icp_industry * 1[ICP industry]"
        " + 0.30 * 1[pricing-page-v2 treatment])",
        "counterfactual": "incremental_mqls[c] = sum over people with c in their journey of"
        " p - p_without_c; p_without_c drops beta_c, or is 0 when c was the"
        " only channel. Only people whose MQL decision fell in the window.",
        "intercept": params.MQL_INTERCEPT,
        "seniority": dict(params.MQL_SENIORITY),
        "icp_industry": params.MQL_ICP_INDUSTRY,
        "channels": out,
        "ranking_by_incremental_mqls": sorted(out, key=lambda c: -out[c]["incremental_mqls"]),
        "ranking_by_beta": sorted(out, key=lambda c: -out[c]["beta"]),
        "people": int(model.get("people", 0)),
        "mqls": int(model.get("mqls", 0)),
        "expected_mqls": round(model.get("expected_mqls", 0.0), 2),
    }


def _lead_quality() -> dict[str, Any]:
    q = params.LEAD_QUALITY
    return {
        "acceptance_model": "P(accept) = sigmoid(intercept + source + seniority + segment"
        " + icp_industry*ICP + micro_company*[employees < 10]"
        " + free_mail*[signed up with a free-mail address]"
        " + engaged*[5+ touches]); students, competitors and most"
        " duplicates are always rejected with that reason",
        "intercept": q.accept_intercept,
        "source": {
            **{c.name: c.accept for c in params.CHANNELS},
            "outbound": q.outbound_accept,
            "partner": q.partner_accept,
        },
        "seniority": dict(q.seniority),
        "segment": {s.name: s.accept for s in params.SEGMENTS},
        "icp_industry": q.icp_industry,
        "micro_company": q.micro_company,
        "free_mail": q.free_mail,
        "engaged": q.engaged,
        "qualification_model": "P(SQL | SAL) = sigmoid(sql_intercept + sql_seniority"
        " + segment.sql + 0.35 * sdr-call-first treatment)",
        "sql_intercept": q.sql_intercept,
        "sql_seniority": dict(q.sql_seniority),
        "sql_segment": {s.name: s.sql for s in params.SEGMENTS},
        "win_model": "P(won) = sigmoid(win_intercept + segment.win + win_source[lead source])",
        "win_intercept": q.win_intercept,
        "win_source": dict(q.win_source),
        "win_segment": {s.name: s.win for s in params.SEGMENTS},
        "opportunity_rate": q.opportunity_rate,
    }


def _acceptance(tally: Tally) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label in ("mql", "all"):
        rows = tally.sums("acceptance", "round1", label)
        out[label] = {
            src: {
                "decided": int(v.get("decided", 0)),
                "accepted": int(v.get("accepted", 0)),
                "rate": _rate(v.get("accepted", 0), v.get("decided", 0)),
                "expected_rate": _rate(v.get("expected_accepted", 0), v.get("decided", 0)),
            }
            for src, v in rows.items()
        }
    return out


def _sla(tally: Tally) -> dict[str, Any]:
    reps: dict[str, Any] = {}
    realised = tally.sums("sla")
    for r in params.REPS:
        if r.role != "sdr":
            continue
        v = realised.get(r.name, {})
        delays = tally.samples("sla", r.name)
        reps[r.name] = {
            "region": r.region,
            "planted": {
                "breach_rate": r.breach,
                "median_hours_within_sla": r.median_hours,
                "never_touched_given_breach": r.never,
                "mean_planned_attempts": r.attempts,
            },
            "realised": {
                "mqls": int(v.get("mqls", 0)),
                "breaches": int(v.get("breaches", 0)),
                "breach_rate": _rate(v.get("breaches", 0), v.get("mqls", 0)),
                "never_touched": int(v.get("never_touched", 0)),
                "median_hours_to_first_touch": round(float(np.median(delays)), 3)
                if delays.size
                else None,
                "p90_hours_to_first_touch": round(float(np.quantile(delays, 0.9)), 3)
                if delays.size
                else None,
                "mean_attempts_14d": _rate(v.get("attempts_14d", 0), v.get("mqls_14d", 0)),
                "decided_within_48h_rate": _rate(v.get("decided_within_48h", 0), v.get("mqls", 0)),
            },
        }
    return {
        "first_touch_hours": params.SLA_HOURS,
        "attempt_window_days": params.ATTEMPT_DAYS,
        "clock": "first touch = first activity of the lead's owner after the MQL time in"
        " HubSpot (the Salesforce lead is created 2-15 minutes after it); counted"
        " over first MQL hand-offs whose 24 h (14 days for attempts) had elapsed by"
        " the end of the window; a lead never touched is a breach",
        "reps": reps,
        "teams": _sla_teams(reps),
    }


def _sla_teams(reps: dict[str, Any]) -> dict[str, Any]:
    """Per sales team (``export_owners.sales_team``): the planted breach rate of its SDRs
    weighted by their realised first hand-offs, and the realised rate (pooled)."""
    teams: dict[str, Any] = {}
    for r in params.REPS:
        if r.name not in reps:
            continue
        v = reps[r.name]["realised"]
        t = teams.setdefault(
            sales_team(r), {"reps": [], "mqls": 0, "breaches": 0, "planted_breaches": 0.0}
        )
        t["reps"].append(r.name)
        t["mqls"] += v["mqls"]
        t["breaches"] += v["breaches"]
        t["planted_breaches"] += r.breach * v["mqls"]
    return {
        name: {
            "reps": t["reps"],
            "planted": {
                "breach_rate": round(t["planted_breaches"] / t["mqls"], 6) if t["mqls"] else None
            },
            "realised": {
                "mqls": t["mqls"],
                "breaches": t["breaches"],
                "breach_rate": _rate(t["breaches"], t["mqls"]),
            },
        }
        for name, t in teams.items()
    }


def _experiments(tally: Tally) -> dict[str, Any]:
    out = {}
    realised = tally.sums("experiments")
    for e in params.EXPERIMENTS:
        arms = {
            arm: {k: round(v, 4) for k, v in realised.get(f"{e.experiment_id}/{arm}", {}).items()}
            for arm in ("control", "treatment")
        }
        out[e.experiment_id] = {
            "unit": e.unit,
            "outcome": e.outcome,
            "start_month": e.start_month,
            "end_month": e.end_month,
            "effect": e.effect,
            "effect_kind": "multiplies the churn probability"
            if e.outcome == "churn"
            else "added to the outcome's log-odds",
            "arms": arms,
            **_lifts(e.outcome, arms),
        }
    return out


_BASE = {"mql": ("conversions", "units"), "sql": ("sqls", "sals"), "churn": ("churned", "units")}


def _lifts(outcome: str, arms: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Treatment minus control of the outcome rate: realised, and expected under the
    planted model (``expected`` sums of probabilities; mean theta for churn)."""
    num, den = _BASE[outcome]
    c, t = arms["control"], arms["treatment"]
    realised = (_rate(t.get(num, 0), t.get(den, 0)), _rate(c.get(num, 0), c.get(den, 0)))
    key = "theta_sum" if outcome == "churn" else "expected"
    expected = (_rate(t.get(key, 0), t.get(den, 0)), _rate(c.get(key, 0), c.get(den, 0)))
    diff = [None if a is None or b is None else round(a - b, 4) for a, b in (realised, expected)]
    return {
        "outcome_rate": f"{num} / {den}"
        if outcome != "churn"
        else "churned / units (churn per period: mean theta)",
        "realised_lift": diff[0],
        "expected_lift": diff[1],
    }


def _retention(tally: Tally) -> dict[str, Any]:
    out = {}
    totals = tally.sums("retention")
    for r in params.RETENTION:
        periods = tally.sums("retention_periods", r.segment)
        table = {
            k: {"at_risk": int(v.get("at_risk", 0)), "churned": int(v.get("churned", 0))}
            for k, v in sorted(periods.items(), key=lambda kv: int(kv[0]))
        }
        t = totals.get(r.segment, {})
        out[r.segment] = {
            "alpha": r.alpha,
            "beta": r.beta,
            "period_months": r.period_months,
            "mean_churn_per_period": round(r.alpha / (r.alpha + r.beta), 4),
            "customers": int(t.get("customers", 0)),
            "churned": int(t.get("churned", 0)),
            "periods": table,
        }
    return {
        "model": "shifted-beta-geometric (Fader & Hardie 2007): theta ~ Beta(alpha, beta) per"
        " customer; churn at the end of each contract period with probability theta."
        " Counts exclude onboarding-checklist treated customers (theta x 0.75).",
        "segments": out,
        "churn_reasons": list(CHURN_REASONS),
        "expansion_rate_per_renewal": params.EXPANSION_RATE,
    }


def _stages(tally: Tally, stages: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Realised stage-to-stage counts, with MQL -> SAL from the first decisions."""
    out: dict[str, Any] = {k: {m: round(x, 3) for m, x in v.items()} for k, v in stages.items()}
    model = tally.sums("mql_model").get("all", {})
    out["known_to_mql"] = {"people": model.get("people", 0.0), "mqls": model.get("mqls", 0.0)}
    first = tally.sums("acceptance", "round1", "mql").values()
    decided = sum(v.get("decided", 0.0) for v in first)
    accepted = sum(v.get("accepted", 0.0) for v in first)
    out["mql_to_sal"] = {"decided": decided, "accepted": accepted, "rate": _rate(accepted, decided)}
    return out


def document(
    world: World,
    tally: Tally,
    spend: dict[str, Any],
    *,
    accounts: int,
    files: list[dict[str, Any]],
    sidecars: dict[str, int],
) -> dict[str, Any]:
    """Assemble the ground-truth document."""
    end = world.start + timedelta(days=world.days)
    stages = tally.sums("stages")
    reasons: dict[str, dict[str, int]] = {}
    for k, v in tally.sums("reasons").items():
        rnd, code = k.split("/")
        reasons.setdefault(rnd, {})[code] = int(v["count"])
    first = reasons.get("round1", {})
    total = sum(first.values()) or 1
    usage = tally.sums("usage")
    return {
        "simulation": {
            "seed": world.seed,
            "accounts": accounts,
            "start": world.start.isoformat(),
            "end": end.isoformat(),
            "months": world.months,
            "block_accounts": params.BLOCK_ACCOUNTS,
            "timezone": "UTC: every timestamp is UTC; naive timestamps in the exports"
            " (HubSpot, Stripe) are UTC; Salesforce dates are M/D/YYYY",
        },
        "files": files,
        "sidecars": {
            "identity": {
                "path": "ground_truth/identity.csv",
                "rows": sidecars["identity"],
                "columns": list(IDENTITY),
                "about": "true person (person_id) and true account (account_id, empty"
                " for people without one) of every person-like record",
            },
            "accounts": {
                "path": "ground_truth/accounts.csv",
                "rows": sidecars["accounts"],
                "columns": list(ACCOUNTS),
                "about": "true account of every company-like record",
            },
            "themes": {
                "path": "ground_truth/themes.csv",
                "rows": sidecars["themes"],
                "columns": list(THEMES),
                "about": "theme and sentiment each ticket and feedback text was written from",
            },
        },
        "channels": _channels(tally),
        "media_response": {
            a.channel: {"adstock_decay": a.decay, "saturation_lambda": a.lam}
            for a in params.ADSTOCK
        },
        "spend": spend,
        "lead_quality": _lead_quality(),
        "acceptance_by_source": _acceptance(tally),
        "reason_codes": {
            "effects": {r.code: r.effect for r in params.REASONS},
            "counts_first_decision": first,
            "mix_first_decision": {k: round(v / total, 4) for k, v in sorted(first.items())},
            "counts_second_decision": reasons.get("round2", {}),
            "remql_rate_of_recycled": params.REMQL_RATE,
        },
        "sla": _sla(tally),
        "stages": _stages(tally, stages),
        "deals": {
            "segments": {
                s.name: {
                    "acv_median": s.acv_median,
                    "acv_sigma": s.acv_sigma,
                    "cycle_days_mean": s.cycle_days_mean,
                    "plan": s.plan,
                    "share_of_accounts": s.share,
                }
                for s in params.SEGMENTS
            },
            "lost_reasons": dict(
                zip(params.DEALS.lost_reasons, params.DEALS.lost_weights, strict=True)
            ),
        },
        "sourcing": {
            k: {m: round(x, 2) for m, x in v.items()} for k, v in tally.sums("sourcing").items()
        },
        "experiments": _experiments(tally),
        "retention": _retention(tally),
        "usage": {
            "model": "events per user-week ~ Poisson(0.5 * exp(-0.8 z)), z = theta standardised"
            " by its segment's Beta(alpha, beta)",
            **{
                k: {
                    "events": int(v["events"]),
                    "user_weeks": round(v["user_weeks"], 1),
                    "per_user_week": _rate(v["events"], v["user_weeks"]),
                }
                for k, v in usage.items()
            },
        },
        "reps": [
            {
                "name": r.name,
                "team": r.team,
                "role": r.role,
                "region": r.region,
                "sales_team": sales_team(r),
            }
            for r in params.REPS
        ],
        "reason_code_list": list(REASON_CODES),
        "bad_rows": tally.bad_rows,
    }
