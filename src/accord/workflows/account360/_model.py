"""The frozen results of the account 360 (see :mod:`accord.workflows.account360`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "FREE_TEXT_FIELDS",
    "KINDS",
    "PERSONAL_FIELDS",
    "Account",
    "Account360",
    "AccountMatch",
    "Person",
    "TimelineRow",
    "UsageSummary",
]

KINDS: tuple[str, ...] = (
    "touch",
    "stage",
    "activity",
    "opportunity",
    "usage",
    "ticket",
    "feedback",
    "invoice",
    "subscription",
)
"""Kinds of timeline row, in the order the teams meet a customer."""

PERSONAL_FIELDS: tuple[str, ...] = (
    "people[].names",
    "people[].emails",
    "people[].phones",
    "timeline[].person_name",
)
"""JSON paths (``[]`` = every element) holding a customer's personal data: names, emails,
phones. A viewer without the right to see personal data masks these."""

FREE_TEXT_FIELDS: tuple[str, ...] = ("timeline[].details.text",)
"""JSON paths holding text a customer or an agent typed (ticket subjects, feedback): it
may contain personal data, so a masking viewer hides it too."""


@dataclass(frozen=True, slots=True)
class AccountMatch:
    """One account a query matched.

    Attributes
    ----------
    account_id
        The resolved account id (``"<system>:<id>"`` before ``accord resolve``).
    names, domains, systems
        What the account's company records say, across systems (sorted, distinct).
    record_keys
        ``"<system>:<id>"`` of every company record in the account.
    score
        1.0 for an exact match (id, domain or normalised name), lower for a fuzzy name.
    matched_on
        ``id``, ``domain``, ``name`` or ``fuzzy-name``.
    """

    account_id: str
    names: tuple[str, ...]
    domains: tuple[str, ...]
    systems: tuple[str, ...]
    record_keys: tuple[str, ...]
    score: float
    matched_on: str

    def to_json(self) -> dict[str, Any]:
        """Stable JSON keys."""
        return {
            "account_id": self.account_id,
            "names": list(self.names),
            "domains": list(self.domains),
            "systems": list(self.systems),
            "score": round(self.score, 3),
            "matched_on": self.matched_on,
        }


@dataclass(frozen=True, slots=True)
class Account:
    """The account: ids, names and domains seen across systems, segment and owner."""

    account_id: str
    names: tuple[str, ...]
    domains: tuple[str, ...]
    systems: tuple[str, ...]
    record_keys: tuple[str, ...]
    segment: str | None
    owner: str | None
    resolved: bool

    def to_json(self) -> dict[str, Any]:
        """Stable JSON keys."""
        return {
            "account_id": self.account_id,
            "names": list(self.names),
            "domains": list(self.domains),
            "systems": list(self.systems),
            "records": list(self.record_keys),
            "segment": self.segment,
            "owner": self.owner,
            "resolved": self.resolved,
        }


@dataclass(frozen=True, slots=True)
class Person:
    """One person of the account and what each system knows of them."""

    person_id: str
    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    titles: tuple[str, ...]
    systems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable JSON keys."""
        return {
            "person_id": self.person_id,
            "names": list(self.names),
            "emails": list(self.emails),
            "phones": list(self.phones),
            "titles": list(self.titles),
            "systems": list(self.systems),
        }


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One dated fact on the account's timeline.

    ``usage`` rows are monthly summaries of product events (``source_id`` is the month).
    ``details`` holds the kind's own fields (channel, amount, csat, ...).
    """

    ts: datetime
    team: str | None
    kind: str
    summary: str
    source_system: str | None
    source_id: str | None
    person: str | None
    person_name: str | None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Stable JSON keys."""
        return {
            "ts": self.ts,
            "team": self.team,
            "kind": self.kind,
            "summary": self.summary,
            "source_system": self.source_system,
            "source_id": self.source_id,
            "person": self.person,
            "person_name": self.person_name,
            "details": self.details,
        }


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """Product usage of the account in the window: volume, people, features, recency."""

    events: int
    active_users: int
    first_seen: datetime | None
    last_seen: datetime | None
    by_month: tuple[tuple[str, int, int], ...]
    """(month ``YYYY-MM``, events, distinct users)."""
    top_features: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        """Stable JSON keys."""
        return {
            "events": self.events,
            "active_users": self.active_users,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "by_month": [{"month": m, "events": e, "users": u} for m, e, u in self.by_month],
            "top_features": [{"feature": f, "events": n} for f, n in self.top_features],
        }


@dataclass(frozen=True, slots=True)
class Account360:
    """Everything the teams know about one account, on one timeline.

    Attributes
    ----------
    counts
        Rows of each kind in the window before ``limit`` cut the timeline.
    mrr
        Monthly recurring revenue of the subscriptions active at the last subscription
        date in the window (``None`` without subscriptions).
    truncated
        True when ``limit`` dropped older rows.
    """

    account: Account
    people: tuple[Person, ...]
    timeline: tuple[TimelineRow, ...]
    counts: dict[str, int]
    usage: UsageSummary
    mrr: float | None
    since: datetime | None
    until: datetime | None
    truncated: bool

    def to_json(self) -> dict[str, Any]:
        """The JSON document of ``accord account --format json`` (stable keys)."""
        return {
            "account": self.account.to_json(),
            "people": [p.to_json() for p in self.people],
            "counts": dict(self.counts),
            "mrr": self.mrr,
            "usage": self.usage.to_json(),
            "since": self.since,
            "until": self.until,
            "truncated": self.truncated,
            "timeline": [r.to_json() for r in self.timeline],
            "personal_fields": list(PERSONAL_FIELDS),
            "free_text_fields": list(FREE_TEXT_FIELDS),
        }
