"""The timeline rows of an account, one warehouse query (count + latest rows) per kind."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from accord.data.warehouse import Warehouse
from accord.identity.keys import with_account_id, with_person_id
from accord.workflows.account360._model import TimelineRow, UsageSummary
from accord.workflows.account360._people import person_table

__all__ = ["Scope", "kind_rows", "usage_summary"]

SNIPPET = 80
"""Characters of free text (ticket subject, feedback) kept on a row."""

FEEDBACK_TEAM = {"sales_note": "sales", "call": "sales", "ticket": "service"}
"""Team of a piece of feedback by channel; surveys, NPS and reviews go to ``product``."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which rows belong to the account, and the window."""

    wh: Warehouse
    keys: tuple[str, ...]
    people: tuple[str, ...]
    since: datetime | None
    until: datetime | None


def _member(scope: Scope, table: str, person_col: str | None, ts: str) -> ir.Table | None:
    """Rows of *table* that belong to the account, in the window, with ``_person``/``_ts``."""
    if table not in scope.wh.tables():
        return None
    t = person_table(scope.wh, table)
    t = with_account_id(scope.wh, t, id_column="account_id", out="_akey")
    if person_col is not None:
        t = with_person_id(scope.wh, t, id_column=person_col, out="_person")
    else:
        t = t.mutate(_person=ibis.null("string"))
    t = t.mutate(_ts=t[ts].cast("timestamp"))
    cond = t._akey.isin(list(scope.keys))
    if person_col is not None:
        cond = cond | t._person.isin(list(scope.people))
    t = t.filter(cond)
    if scope.since is not None:
        t = t.filter(t._ts >= scope.since)
    if scope.until is not None:
        t = t.filter(t._ts < scope.until)
    return t


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    s = " ".join(str(v).split())
    return s if len(s) <= SNIPPET else s[: SNIPPET - 1] + "…"


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _bool(v: Any) -> bool | None:
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else bool(v)


def _join(*parts: str | None, sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


Row = dict[str, Any]
Builder = Callable[[Row, dict[str, str]], list[tuple[datetime, str | None, str, Row]]]


def _touch(r: Row, campaigns: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    camp = campaigns.get(str(r["campaign_id"])) if r["campaign_id"] else None
    d = {
        "channel": r["channel"],
        "touch_type": r["touch_type"],
        "campaign": camp or r["campaign_id"],
    }
    summary = _join(_text(r["touch_type"]), "via", _text(r["channel"]), _text(d["campaign"]))
    return [(r["_ts"], r["team"] or "marketing", summary, d)]


def _stage(r: Row, _: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    d = {"stage": r["stage"], "actor": r["actor"], "reason": r["reason"]}
    summary = _join(
        f"stage -> {r['stage']}",
        f"by {r['actor']}" if r["actor"] else None,
        f"({r['reason']})" if r["reason"] else None,
    )
    return [(r["_ts"], r["team"], summary, d)]


def _activity(r: Row, _: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    d = {"rep": r["rep_id"], "type": r["type"], "outcome": r["outcome"]}
    summary = _join(r["type"], f"by {r['rep_id']}" if r["rep_id"] else None)
    summary += f": {r['outcome']}" if r["outcome"] else ""
    return [(r["_ts"], "sales", summary, d)]


def _opportunity(r: Row, _: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    amount = _num(r["amount"])
    base = {
        "opportunity": r["name"],
        "amount": amount,
        "currency": r["currency"],
        "stage": r["stage"],
        "won": _bool(r["won"]),
        "lost_reason": r["lost_reason"],
        "owner": r["owner_id"],
    }
    money = f"{amount:,.0f} {r['currency'] or ''}".strip() if amount is not None else None
    out = [
        (r["_ts"], "sales", _join("opened", _text(r["name"]), money), {**base, "event": "created"})
    ]
    closed = r.get("_closed")
    if closed is not None and not pd.isna(closed):
        won = _bool(r["won"])
        what = "won" if won else "lost"
        why = f"({r['lost_reason']})" if r["lost_reason"] and not won else None
        out.append(
            (
                closed,
                "sales",
                _join(what, _text(r["name"]), money, why),
                {**base, "event": "closed"},
            )
        )
    return out


def _ticket(r: Row, _: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    d = {
        "status": r["status"],
        "priority": r["priority"],
        "category": r["category"],
        "csat": r["csat"],
        "closed_at": r["closed_at"],
        "text": _text(r["subject"]),
    }
    csat = f"CSAT {r['csat']}" if r["csat"] else None
    summary = _join(_text(r["priority"]), _text(r["category"]), "ticket", f"[{r['status']}]", csat)
    return [(r["_ts"], "service", summary, d)]


def _feedback(r: Row, _: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    rating = _num(r["rating"])
    d = {"channel": r["channel"], "rating": rating, "text": _text(r["text"])}
    score = f"rating {rating:g}" if rating is not None else None
    summary = _join(r["channel"], score, f'"{d["text"]}"' if d["text"] else None)
    return [(r["_ts"], FEEDBACK_TEAM.get(str(r["channel"]), "product"), summary, d)]


def _invoice(r: Row, _: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    amount = _num(r["amount"])
    d = {"amount": amount, "currency": r["currency"], "status": r["status"], "kind": r["kind"]}
    money = f"{amount:,.2f} {r['currency'] or ''}".strip() if amount is not None else None
    return [(r["_ts"], "finance", _join("invoice", money, r["status"], r["kind"]), d)]


def _subscription(r: Row, _: dict[str, str]) -> list[tuple[datetime, str | None, str, Row]]:
    mrr = _num(r["mrr"])
    d = {"plan": r["plan"], "mrr": mrr, "currency": r["currency"], "status": r["status"],
         "end_date": r["end_date"], "subscription_id": r["subscription_id"]}  # fmt: skip
    money = f"MRR {mrr:,.2f} {r['currency'] or ''}".strip() if mrr is not None else None
    summary = _join(_text(r["plan"]), "period", money, r["status"])
    return [(r["_ts"], "finance", summary, d)]


# kind -> (table, person id column, time column, builder)
KIND_SOURCES: dict[str, tuple[str, str | None, str, Builder]] = {
    "touch": ("touchpoints", "contact_id", "ts", _touch),
    "stage": ("lifecycle_events", "contact_id", "ts", _stage),
    "activity": ("activities", "contact_id", "ts", _activity),
    "opportunity": ("opportunities", "contact_id", "created_at", _opportunity),
    "ticket": ("tickets", "contact_id", "opened_at", _ticket),
    "feedback": ("feedback", "_pid", "ts", _feedback),
    "invoice": ("revenue", "account_id", "ts", _invoice),
    "subscription": ("subscriptions", None, "start_date", _subscription),
}


def _campaigns(wh: Warehouse, ids: Sequence[str]) -> dict[str, str]:
    if not ids or "campaigns" not in wh.tables():
        return {}
    c = wh.table("campaigns")
    c = c.filter(c.campaign_id.isin(list(ids)) & c.name.notnull())
    df = c.group_by("campaign_id").aggregate(name=c.name.min()).to_pandas()
    return dict(zip(df["campaign_id"].astype(str), df["name"].astype(str), strict=True))


def kind_rows(scope: Scope, kind: str, limit: int | None) -> tuple[int, list[TimelineRow]]:
    """Count the account's rows of *kind* and build the latest *limit* of them."""
    table, person_col, ts, build = KIND_SOURCES[kind]
    if kind == "opportunity":
        return _opportunities(scope, limit)
    t = _member(scope, table, person_col, ts)
    if t is None:
        return 0, []
    count = int(t.count().to_pyarrow().as_py())
    latest = t.order_by([ibis.desc("_ts"), "source_id"])
    df = (latest.limit(limit) if limit is not None else latest).to_pandas()
    df = df.astype(object).where(df.notna(), None)
    campaigns = _campaigns(scope.wh, sorted({str(c) for c in df.get("campaign_id", []) if c}))
    rows = [_row(kind, r, built) for r in df.to_dict("records") for built in build(r, campaigns)]
    return count, rows


def _row(kind: str, r: Row, built: tuple[datetime, str | None, str, Row]) -> TimelineRow:
    ts, team, summary, details = built
    return TimelineRow(
        ts=pd.Timestamp(ts).to_pydatetime(),
        team=team,
        kind=kind,
        summary=summary,
        source_system=r["source_system"],
        source_id=r["source_id"],
        person=r["_person"],
        person_name=None,
        details={k: v for k, v in details.items()},
    )


def _opportunities(scope: Scope, limit: int | None) -> tuple[int, list[TimelineRow]]:
    """Opportunities give two rows: opened (created_at) and, once closed, closed (closed_at)."""
    window = Scope(scope.wh, scope.keys, scope.people, None, None)
    t = _member(window, "opportunities", "contact_id", "created_at")
    if t is None:
        return 0, []
    closed = ibis.ifelse(t.is_closed.fill_null(False), t.closed_at.cast("timestamp"), None)
    df = t.mutate(_closed=closed).to_pandas()
    df = df.astype(object).where(df.notna(), None)
    rows = [_row("opportunity", r, b) for r in df.to_dict("records") for b in _opportunity(r, {})]
    rows = [
        r
        for r in rows
        if (scope.since is None or r.ts >= scope.since)
        and (scope.until is None or r.ts < scope.until)
    ]
    rows.sort(key=lambda r: r.ts, reverse=True)
    return len(rows), rows[:limit] if limit is not None else rows


def usage_summary(scope: Scope, top: int = 5) -> tuple[UsageSummary, list[TimelineRow]]:
    """Product events summarised in the warehouse: by month, by feature, users, recency."""
    t = _member(scope, "product_events", "contact_id", "ts")
    empty = UsageSummary(0, 0, None, None, (), ())
    if t is None:
        return empty, []
    t = t.mutate(_month=t._ts.truncate("M"), _feature=t.feature.fill_null(t.event))
    totals = t.aggregate(
        events=t.count(), users=t._person.nunique(), first=t._ts.min(), last=t._ts.max()
    ).to_pandas()
    events = int(totals["events"].iloc[0])
    if events == 0:
        return empty, []
    monthly = (
        t.group_by("_month")
        .aggregate(events=t.count(), users=t._person.nunique(), systems=t.source_system.min())
        .order_by("_month")
        .to_pandas()
    )
    features = (
        t.group_by("_feature")
        .aggregate(n=t.count())
        .order_by([ibis.desc("n"), "_feature"])
        .to_pandas()
    )
    by_feature_month = (
        t.group_by(["_month", "_feature"]).aggregate(n=t.count()).to_pandas()
        .sort_values(["_month", "n", "_feature"], ascending=[True, False, True])
        .groupby("_month").head(1).set_index("_month")["_feature"]
    )  # fmt: skip
    summary = UsageSummary(
        events=events,
        active_users=int(totals["users"].iloc[0]),
        first_seen=pd.Timestamp(totals["first"].iloc[0]).to_pydatetime(),
        last_seen=pd.Timestamp(totals["last"].iloc[0]).to_pydatetime(),
        by_month=tuple(
            (pd.Timestamp(m).strftime("%Y-%m"), int(e), int(u))
            for m, e, u in zip(monthly["_month"], monthly["events"], monthly["users"], strict=True)
        ),
        top_features=tuple(
            (str(f), int(n))
            for f, n in zip(features["_feature"][:top], features["n"][:top], strict=True)
        ),
    )
    rows = []
    for m in monthly.itertuples():
        month = pd.Timestamp(m._1)
        feature = by_feature_month.get(m._1)
        rows.append(
            TimelineRow(
                ts=month.to_pydatetime(),
                team="product",
                kind="usage",
                summary=f"{m.events:,} product events by {m.users} users; most used: {feature}",
                source_system=str(m.systems),
                source_id=month.strftime("%Y-%m"),
                person=None,
                person_name=None,
                details={"events": int(m.events), "users": int(m.users), "top_feature": feature},
            )
        )
    return summary, rows
