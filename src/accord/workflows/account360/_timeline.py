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
from accord.workflows.account360._model import TimelineRow, UsageSummary
from accord.workflows.account360._people import person_table
from accord.workflows.account360._sql import Params, Value, query

__all__ = ["Scope", "kind_rows", "usage_summary"]

SNIPPET = 80
"""Characters of free text (ticket subject, feedback) kept on a row."""

FEEDBACK_TEAM = {"sales_note": "sales", "call": "sales", "ticket": "service"}
"""Team of a piece of feedback by channel; surveys, NPS and reviews go to ``product``."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which rows belong to the account, and the window.

    A row belongs when its company record (``"<system>:<account id>"``) is in ``keys`` or
    its person record (``"<system>:<contact id>"``) is in ``people``: plain filters, the
    crosswalk was consulted once to find these records.
    """

    wh: Warehouse
    tables: frozenset[str]
    keys: tuple[str, ...]
    people: tuple[str, ...]
    since: datetime | None
    until: datetime | None


def _member(
    scope: Scope, p: Params, table: str, person_col: str | None, ts: str, *, window: bool = True
) -> ir.Table:
    """Rows of *table* that belong to the account, in the window, with ``_person``/``_ts``."""
    t = person_table(scope.wh, table)
    system = t.source_system
    cond = system.concat(":", t.account_id.cast("string")).isin(p.strings("keys"))
    if person_col is not None:
        rec = system.concat(":", t[person_col].cast("string"))
        cond = cond | rec.isin(p.strings("people"))
    else:
        rec = ibis.null("string")
    t = t.mutate(_person=rec, _ts=t[ts].cast("timestamp"))
    t = t.filter(cond)
    if window and p.has("since"):
        t = t.filter(t._ts >= p.timestamp("since"))
    if window and p.has("until"):
        t = t.filter(t._ts < p.timestamp("until"))
    return t


def _values(scope: Scope, *, window: bool = True) -> dict[str, Value]:
    """The parameters of :func:`_member`."""
    return {
        "keys": list(scope.keys),
        "people": list(scope.people),
        "since": scope.since if window else None,
        "until": scope.until if window else None,
    }


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
    out: list[tuple[datetime, str | None, str, Row]] = [
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
    if not ids:
        return {}

    def build(p: Params) -> ir.Table:
        c = wh.table("campaigns")
        c = c.filter(c.campaign_id.isin(p.strings("ids")) & c.name.notnull())
        return c.group_by("campaign_id").aggregate(name=c.name.min())

    df = query(wh, "campaigns", build, ids=list(ids))
    return dict(zip(df["campaign_id"].astype(str), df["name"].astype(str), strict=True))


def kind_rows(scope: Scope, kind: str, limit: int | None) -> tuple[int, list[TimelineRow]]:
    """Count the account's rows of *kind* and build the latest *limit* of them."""
    table, person_col, ts, build = KIND_SOURCES[kind]
    if kind == "opportunity":
        return _opportunities(scope, limit)
    if table not in scope.tables:
        return 0, []

    def latest(p: Params) -> ir.Table:
        t = _member(scope, p, table, person_col, ts)
        out = t.mutate(_n=t.source_id.count().over(ibis.window()))
        out = out.order_by([ibis.desc("_ts"), "source_id"])
        return out.limit(p.limit("limit")) if p.has("limit") else out

    df = query(scope.wh, f"kind:{kind}", latest, limit=limit, **_values(scope))
    count = int(df["_n"].iloc[0]) if len(df) else 0
    df = df.astype(object).where(df.notna(), None)
    ids = sorted({str(c) for c in df.get("campaign_id", []) if c})
    campaigns = _campaigns(scope.wh, ids) if "campaigns" in scope.tables else {}
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
        details=dict(details.items()),
    )


def _opportunities(scope: Scope, limit: int | None) -> tuple[int, list[TimelineRow]]:
    """Opportunities give two rows: opened (created_at) and, once closed, closed (closed_at)."""
    if "opportunities" not in scope.tables:
        return 0, []

    def build(p: Params) -> ir.Table:
        t = _member(scope, p, "opportunities", "contact_id", "created_at", window=False)
        closed = ibis.ifelse(t.is_closed.fill_null(False), t.closed_at.cast("timestamp"), None)
        return t.mutate(_closed=closed)

    df = query(scope.wh, "kind:opportunity", build, **_values(scope, window=False))
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
    """Product events summarised in the warehouse: by month and user, by month and feature.

    Users are product user records (``"<system>:<user id>"``); two warehouse queries.
    """
    empty = UsageSummary(0, 0, None, None, (), ())
    if "product_events" not in scope.tables:
        return empty, []

    def events(p: Params) -> ir.Table:
        t = _member(scope, p, "product_events", "contact_id", "ts")
        return t.mutate(month=t._ts.truncate("M"), _feature=t.feature.fill_null(t.event))

    def by_user(p: Params) -> ir.Table:
        t = events(p)
        return t.group_by(["month", "_person"]).aggregate(
            n=t.count(), first=t._ts.min(), last=t._ts.max(), system=t.source_system.min()
        )

    def by_feature(p: Params) -> ir.Table:
        t = events(p)
        return t.group_by(["month", "_feature"]).aggregate(n=t.count())

    users = query(scope.wh, "usage:users", by_user, **_values(scope))
    if users.empty:
        return empty, []
    features = query(scope.wh, "usage:features", by_feature, **_values(scope))
    monthly = users.groupby("month").agg(
        events=("n", "sum"), users=("_person", "nunique"), system=("system", "min")
    )
    ranked = features.sort_values(["month", "n", "_feature"], ascending=[True, False, True])
    top_by_month = ranked.groupby("month").head(1).set_index("month")["_feature"]
    totals = features.groupby("_feature")["n"].sum().reset_index()
    totals = totals.sort_values(["n", "_feature"], ascending=[False, True]).head(top)
    summary = UsageSummary(
        events=int(users["n"].sum()),
        active_users=int(users["_person"].nunique()),
        first_seen=pd.Timestamp(users["first"].min()).to_pydatetime(),
        last_seen=pd.Timestamp(users["last"].max()).to_pydatetime(),
        by_month=tuple(
            (pd.Timestamp(m).strftime("%Y-%m"), int(r.events), int(r.users))
            for m, r in monthly.iterrows()
        ),
        top_features=tuple(
            (str(f), int(n)) for f, n in zip(totals["_feature"], totals["n"], strict=True)
        ),
    )
    rows = []
    for m, r in monthly.iterrows():
        month = pd.Timestamp(m)
        feature = top_by_month.get(m)
        rows.append(
            TimelineRow(
                ts=month.to_pydatetime(),
                team="product",
                kind="usage",
                summary=f"{int(r.events):,} product events by {int(r.users)} users; "
                f"most used: {feature}",
                source_system=str(r.system),
                source_id=month.strftime("%Y-%m"),
                person=None,
                person_name=None,
                details={"events": int(r.events), "users": int(r.users), "top_feature": feature},
            )
        )
    return summary, rows
