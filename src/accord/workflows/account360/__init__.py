"""Account 360: one account, its people and one timeline across every team's systems.

>>> from accord.workflows.account360 import account_timeline  # doctest: +SKIP
>>> view = account_timeline(ws, "acme.io", since=date(2024, 1, 1))  # doctest: +SKIP

The account is found by :func:`find_accounts` (domain, name, resolved or source id). Its
rows are every row of the canonical tables whose company id resolves to the account, or
whose person resolves to one of the account's people (``accord.identity.keys``): before
``accord resolve`` the company records sharing a web domain form the account, and
person-like records with an email at that domain are its people. Heavy work runs in the
warehouse: each kind is counted there and only the latest ``limit`` rows come back;
product events come back as monthly summaries.

No definition is applied: every row is a source fact (a stage change is what the CRM
recorded, a CSAT is what the support desk recorded), so nothing cites a definition.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time

import ibis

from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.errors import InputError
from accord.identity.keys import ACCOUNT_CROSSWALK, PERSON_CROSSWALK, crosswalk_available
from accord.identity.normalise.web import is_free_mail_domain
from accord.workflows.account360._find import (
    AmbiguousAccount,
    account_records,
    match_accounts,
    pick_account,
)
from accord.workflows.account360._model import (
    FREE_TEXT_FIELDS,
    KINDS,
    PERSONAL_FIELDS,
    Account,
    Account360,
    AccountMatch,
    Person,
    TimelineRow,
    UsageSummary,
)
from accord.workflows.account360._people import account_members
from accord.workflows.account360._sql import Params, ViewWarehouse, query
from accord.workflows.account360._timeline import Scope, kind_rows, usage_summary

__all__ = [
    "FREE_TEXT_FIELDS",
    "KINDS",
    "PERSONAL_FIELDS",
    "Account",
    "Account360",
    "AccountMatch",
    "AmbiguousAccount",
    "Person",
    "TimelineRow",
    "UsageSummary",
    "account_timeline",
    "find_accounts",
]

Source = Workspace | Warehouse


@contextmanager
def _warehouse(source: Source) -> Iterator[Warehouse]:
    if isinstance(source, Warehouse):
        yield ViewWarehouse(source)
        return
    with source.warehouse(read_only=True) as wh:
        yield ViewWarehouse(wh)


def find_accounts(source: Source, query: str, limit: int | None = 20) -> list[AccountMatch]:
    """Accounts matching *query*, best first.

    Parameters
    ----------
    source
        A workspace (its warehouse is opened read-only) or an open warehouse.
    query
        A web domain (``acme.io``, ``https://www.acme.io/``), a company name, exact after
        normalisation (case, punctuation, legal suffixes: ``"acme inc"``) or fuzzy
        (difflib ratio >= 0.8), a resolved account id, a ``"<system>:<id>"`` key or a
        source system's account id.
    limit
        At most this many matches (``None``: all).

    Returns
    -------
    list of AccountMatch
        Exact matches score 1.0; fuzzy names 0.95 x similarity.
    """
    with _warehouse(source) as wh:
        return match_accounts(wh, query, limit=limit)


def _moment(value: date | datetime | None, name: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    raise InputError(f"{name} must be a date or a datetime.", hint="Use YYYY-MM-DD.")


def account_timeline(
    source: Source,
    query: str,
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int | None = None,
    kinds: Sequence[str] | None = None,
) -> Account360:
    """The account *query* names, its people and its timeline across all teams.

    Parameters
    ----------
    source
        A workspace or an open warehouse.
    query
        See :func:`find_accounts`; it must name exactly one account.
    since, until
        Keep rows with ``since <= ts < until`` (UTC; a date means its midnight).
    limit
        Keep the latest *limit* rows of the timeline (``counts`` still counts all).
    kinds
        Only these kinds (:data:`KINDS`); default all.

    Raises
    ------
    NotFound
        Nothing matches *query*.
    AmbiguousAccount
        Several accounts match equally well; ``.candidates`` lists them.
    """
    wanted = tuple(kinds) if kinds else KINDS
    unknown = sorted(set(wanted) - set(KINDS))
    if unknown:
        raise InputError(
            f"Unknown timeline kind(s): {', '.join(unknown)}.",
            hint=f"Choose among {', '.join(KINDS)}.",
        )
    if limit is not None and limit < 1:
        raise InputError("The limit must be at least 1.", hint="Leave it out to see every row.")
    start, end = _moment(since, "since"), _moment(until, "until")
    with _warehouse(source) as wh:
        tables = frozenset(wh.tables())
        records = account_records(wh)
        match = pick_account(wh, query, records=records)
        resolved = crosswalk_available(wh, ACCOUNT_CROSSWALK)
        members = records[records["group"] == match.account_id]
        keys = {match.account_id, *match.record_keys, *_company_records(wh, match, resolved)}
        domains = [d for d in match.domains if not is_free_mail_domain(d)]
        found = account_members(wh, set(tables), sorted(keys), domains, by_domain=not resolved)
        keys |= found.account_keys
        people = found.people
        scope = Scope(wh, tables, tuple(sorted(keys)), tuple(sorted(found.records)), start, end)
        counts: dict[str, int] = {}
        rows: list[TimelineRow] = []
        usage = UsageSummary(0, 0, None, None, (), ())
        for kind in (*wanted, *(() if "usage" in wanted else ("usage",))):
            if kind == "usage":
                usage, usage_rows = usage_summary(scope)
                if kind in wanted:
                    counts[kind] = len(usage_rows)
                    rows.extend(usage_rows[-limit:] if limit is not None else usage_rows)
            else:
                counts[kind], got = kind_rows(scope, kind, limit)
                rows.extend(got)
        person_of = _persons(wh, found.records, {r.person for r in rows if r.person})
    mrr = _mrr([r for r in rows if r.kind == "subscription"])
    rows = [
        TimelineRow(r.ts, r.team, r.kind, r.summary, r.source_system, r.source_id,
                    person_of.get(r.person, r.person) if r.person else None, None, r.details)
        for r in rows
    ]  # fmt: skip
    names = {p.person_id: (p.names[0] if p.names else None) for p in people}
    rows.sort(key=lambda r: (r.ts, KINDS.index(r.kind), r.source_id or ""))
    total = len(rows)
    if limit is not None:
        rows = rows[-limit:]
    timeline = tuple(
        TimelineRow(r.ts, r.team, r.kind, r.summary, r.source_system, r.source_id, r.person,
                    names.get(r.person) if r.person else None, r.details)
        for r in rows
    )  # fmt: skip
    account = Account(
        account_id=match.account_id,
        names=match.names,
        domains=match.domains,
        systems=tuple(sorted({*match.systems, *(s for p in people for s in p.systems)})),
        record_keys=tuple(sorted(keys - ({match.account_id} if resolved else set()))),
        segment=_mode(members["segment"]),
        owner=_mode(members["owner_id"]),
        resolved=resolved,
    )
    return Account360(
        account=account,
        people=people,
        timeline=timeline,
        counts=counts,
        usage=usage,
        mrr=mrr,
        since=start,
        until=end,
        truncated=total > len(timeline) or sum(counts.values()) > total,
    )


def _mode(values: object) -> str | None:
    import pandas as pd

    s = pd.Series(values).dropna()
    return None if s.empty else str(s.astype(str).mode().iloc[0])


def _company_records(wh: Warehouse, match: AccountMatch, resolved: bool) -> list[str]:
    """``"<system>:<id>"`` of every company record the crosswalk puts in the account."""
    if not resolved:
        return []

    def build(p: Params) -> ibis.Table:
        xw = wh.table(ACCOUNT_CROSSWALK)
        hits = xw.filter(xw.account_id == p.string("account"))
        return hits.select(rec=hits.source_system.concat(":", hits.record_id))

    df = query(wh, "company-records", build, account=match.account_id)
    return [str(r) for r in df["rec"]]


def _persons(wh: Warehouse, known: dict[str, str], recs: set[str | None]) -> dict[str, str]:
    """Person of each record key: the account's people, then the crosswalk for the rest."""
    out = {r: known[r] for r in recs if r is not None and r in known}
    rest = sorted(r for r in recs if r is not None and r not in known)
    if rest and crosswalk_available(wh, PERSON_CROSSWALK):

        def build(p: Params) -> ibis.Table:
            xw = wh.table(PERSON_CROSSWALK)
            rec = xw.source_system.concat(":", xw.record_id)
            return xw.filter(rec.isin(p.strings("recs"))).select(rec=rec, person_id=xw.person_id)

        df = query(wh, "persons", build, recs=rest)
        out.update(zip(df["rec"].astype(str), df["person_id"].astype(str), strict=True))
    return out


def _mrr(subscriptions: list[TimelineRow]) -> float | None:
    """MRR: the latest period of each subscription, unless it ended churned or cancelled."""
    if not subscriptions:
        return None
    latest: dict[str, TimelineRow] = {}
    for r in sorted(subscriptions, key=lambda r: r.ts):
        latest[str(r.details.get("subscription_id") or r.source_id)] = r
    return float(
        sum(
            r.details.get("mrr") or 0.0
            for r in latest.values()
            if r.details.get("status") not in ("churned", "cancelled")
        )
    )
