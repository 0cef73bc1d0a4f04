"""The Accounts page: search, and the account 360 timeline across teams.

Both come from :mod:`accord.workflows.account360` (the same as ``accord account``) on
the server's warehouse. The timeline shows source facts (no definition is applied, so
nothing is cited). For a viewer without ``view_pii`` the people's names, emails and
phones and the person named on each row are masked
(:data:`~accord.workflows.account360.PERSONAL_FIELDS`), text a customer or an agent
typed is hidden (:data:`~accord.workflows.account360.FREE_TEXT_FIELDS`), and emails or
phone numbers inside summaries and details are masked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accord.data.warehouse import Warehouse
from accord.errors import NotFound
from accord.web.models import Public
from accord.web.pii import MASK, mask_email, mask_name, mask_phone, mask_record, mask_text
from accord.web.services.reports import clean
from accord.workflows.account360 import Account360, AccountMatch, account_timeline, find_accounts

__all__ = [
    "TIMELINE_COLUMNS",
    "Account360Public",
    "AccountMatchPublic",
    "PersonPublic",
    "TimelineRowPublic",
    "account_360",
    "load_account",
    "search",
]

TIMELINE_LIMIT = 500
"""The latest rows of a timeline the page and API keep (``counts`` counts them all)."""

TIMELINE_COLUMNS = ("ts", "team", "kind", "summary", "source_system", "source_id",
                    "person", "person_name", "details")  # fmt: skip


class AccountMatchPublic(Public):
    """An account a search matched."""

    account_id: str
    names: list[str]
    domains: list[str]
    systems: list[str]
    score: float
    matched_on: str

    @classmethod
    def of(cls, m: AccountMatch) -> AccountMatchPublic:
        """From the workflow's match."""
        return cls(
            account_id=m.account_id, names=list(m.names), domains=list(m.domains),
            systems=list(m.systems), score=round(m.score, 3), matched_on=m.matched_on,
        )  # fmt: skip


class PersonPublic(Public):
    """A person of the account (names, emails, phones masked without view_pii)."""

    person_id: str
    names: list[str]
    emails: list[str]
    phones: list[str]
    titles: list[str]
    systems: list[str]


class TimelineRowPublic(Public):
    """One dated fact on the account's timeline."""

    ts: datetime
    team: str | None
    kind: str
    summary: str
    source_system: str | None
    source_id: str | None
    person: str | None
    person_name: str | None
    details: dict[str, Any]


class Account360Public(Public):
    """The account, its people, counts per kind, usage, MRR and the latest timeline rows."""

    account: dict[str, Any]
    people: list[PersonPublic]
    counts: dict[str, int]
    mrr: float | None
    usage: dict[str, Any]
    truncated: bool
    masked: bool
    timeline: list[TimelineRowPublic]


def _no_accounts(warehouse: Warehouse) -> bool:
    """Whether no company record is loaded (``find_accounts`` fails on an empty table:
    its fuzzy scores are then typed as text; reported to the workflow's owner)."""
    if "accounts" not in warehouse.tables():
        return False  # the workflow says so itself (NotFound with a hint)
    return int(warehouse.table("accounts").count().to_pyarrow().as_py()) == 0


def search(warehouse: Warehouse, query: str, limit: int = 100) -> list[AccountMatchPublic]:
    """Accounts matching *query* (domain, name, id), best first."""
    if _no_accounts(warehouse):
        return []
    return [AccountMatchPublic.of(m) for m in find_accounts(warehouse, query, limit=limit)]


def _masked_details(details: dict[str, Any]) -> dict[str, Any]:
    out = mask_record(details)
    if out.get("text"):
        out["text"] = MASK
    return out


def _name(name: str | None, show_pii: bool) -> str | None:
    return name if show_pii or name is None else mask_name(name)


def load_account(warehouse: Warehouse, account_id: str) -> Account360:
    """The account 360 of *account_id* as the workflow computes it (the latest
    :data:`TIMELINE_LIMIT` rows), unmasked: cache it, and mask per viewer with
    :func:`account_360`.

    Raises
    ------
    NotFound
        No account matches.
    AmbiguousAccount
        Several accounts match equally well (an ``InputError``).
    """
    if _no_accounts(warehouse):
        raise NotFound(
            "The workspace has no accounts loaded.",
            hint="Load a CRM accounts or companies export with `accord load FILE`.",
        )
    return account_timeline(warehouse, account_id, limit=TIMELINE_LIMIT)


def account_360(view: Account360, *, show_pii: bool) -> Account360Public:
    """What a viewer sees of *view*: personal data masked unless *show_pii*."""
    people = [
        PersonPublic(
            person_id=p.person_id,
            names=list(p.names) if show_pii else [mask_name(n) for n in p.names],
            emails=list(p.emails) if show_pii else [mask_email(e) for e in p.emails],
            phones=list(p.phones) if show_pii else [mask_phone(x) for x in p.phones],
            titles=list(p.titles),
            systems=list(p.systems),
        )
        for p in view.people
    ]
    timeline = [
        TimelineRowPublic(
            ts=r.ts,
            team=r.team,
            kind=r.kind,
            summary=r.summary if show_pii else mask_text(r.summary),
            source_system=r.source_system,
            source_id=r.source_id,
            person=r.person,
            person_name=(
                r.person_name if show_pii or r.person_name is None else mask_name(r.person_name)
            ),
            details=clean(r.details if show_pii else _masked_details(dict(r.details))),
        )
        for r in reversed(view.timeline)  # newest first
    ]
    return Account360Public(
        account=clean(view.account.to_json()),
        people=people,
        counts=dict(view.counts),
        mrr=clean(view.mrr),
        usage=clean(view.usage.to_json()),
        truncated=view.truncated,
        masked=not show_pii,
        timeline=timeline,
    )
