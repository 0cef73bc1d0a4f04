"""The people of an account: every person-like record, keyed by the resolved person.

A person belongs to the account when the crosswalk puts them there, when their record's
own company id is one of the account's company records, or (before ``accord resolve``)
when their email is at one of the account's domains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from accord.data.warehouse import Warehouse
from accord.identity.keys import with_account_id, with_person_id
from accord.workflows.account360._model import Person

__all__ = ["PERSON_SOURCES", "PersonSource", "email_domain", "people_rows", "person_table"]


@dataclass(frozen=True, slots=True)
class PersonSource:
    """Where a table keeps its person: the record id, company id and contact details."""

    table: str
    person_column: str
    account_column: str | None
    email: str | None = None
    name: tuple[str, ...] = ()
    phone: str | None = None
    title: str | None = None


PERSON_SOURCES: tuple[PersonSource, ...] = (
    PersonSource("contacts", "contact_id", "account_id", "email",
                 ("first_name", "last_name"), "phone", "title"),
    PersonSource("tickets", "contact_id", "account_id", "requester_email", ("requester_name",)),
    PersonSource("feedback", "_pid", "account_id", "email"),
    PersonSource("revenue", "account_id", "account_id", "customer_email"),
    PersonSource("product_events", "contact_id", "account_id", "user_email"),
)  # fmt: skip
"""Person-like records. Survey responses without a contact id are their own record
(``feedback_id``); a billing contact is keyed by its customer id, as in the crosswalk."""


def email_domain(col: ir.StringValue) -> ir.StringValue:
    """The lower-cased domain of an email (null when there is none)."""
    return col.lower().strip().re_extract(r"@([^@\s>]+)$", 1).nullif("")


def person_table(wh: Warehouse, name: str) -> ir.Table:
    """*name* with ``_pid`` (the record that is a person) where the table needs one."""
    t = wh.table(name)
    if name == "feedback":
        t = t.mutate(_pid=t.contact_id.coalesce(t.feedback_id))
    return t


def people_rows(wh: Warehouse) -> ir.Table:
    """One row per person-like record: person, its account key, system and details."""
    parts = []
    tables = set(wh.tables())
    for src in PERSON_SOURCES:
        if src.table not in tables:
            continue
        t = person_table(wh, src.table)
        t = with_person_id(wh, t, id_column=src.person_column, account_out="_pacct")
        t = with_account_id(wh, t, id_column=src.account_column or src.person_column, out="_akey")
        nothing = ibis.null("string")
        if len(src.name) == 2:
            first, last = (t[c].strip().nullif("") for c in src.name)
            name = (first.fill_null("") + " " + last.fill_null("")).strip().nullif("")
        else:
            name = t[src.name[0]].strip().nullif("") if src.name else nothing
        email = t[src.email].lower().strip().nullif("") if src.email else nothing
        parts.append(
            t.select(
                person_id=t.person_id,
                system=t.source_system,
                name=name,
                email=email,
                phone=t[src.phone].strip().nullif("") if src.phone else nothing,
                title=t[src.title].strip().nullif("") if src.title else nothing,
                acct=t._pacct.coalesce(t._akey),
                akey=t._akey,
                domain=email_domain(email) if src.email else nothing,
            ).distinct()
        )
    return ibis.union(*parts, distinct=False)


def member_people(
    rows: ir.Table, keys: Sequence[str], domains: Sequence[str], *, by_domain: bool
) -> list[str]:
    """Person ids of the account: by account key, or by email domain when asked."""
    cond = rows.acct.isin(list(keys)) | rows.akey.isin(list(keys))
    if by_domain and domains:
        cond = cond | rows.domain.isin(list(domains))
    found = rows.filter(cond & rows.person_id.notnull()).select("person_id").distinct()
    return sorted(str(p) for p in found.to_pandas()["person_id"])


def describe_people(rows: ir.Table, people: Sequence[str]) -> tuple[Person, ...]:
    """What the systems know of each of *people* (one warehouse aggregate)."""
    if not people:
        return ()
    agg = (
        rows.filter(rows.person_id.isin(list(people)))
        .group_by("person_id")
        .aggregate(
            names=rows.name.collect(distinct=True),
            emails=rows.email.collect(distinct=True),
            phones=rows.phone.collect(distinct=True),
            titles=rows.title.collect(distinct=True),
            systems=rows.system.collect(distinct=True),
        )
        .to_pandas()
    )

    def tup(v: Any) -> tuple[str, ...]:
        return () if v is None else tuple(sorted({str(x) for x in v if x is not None}))

    out = [
        Person(
            person_id=str(r.person_id),
            names=tup(r.names),
            emails=tup(r.emails),
            phones=tup(r.phones),
            titles=tup(r.titles),
            systems=tup(r.systems),
        )
        for r in agg.itertuples()
    ]
    return tuple(sorted(out, key=lambda p: (p.names[:1] or ("~",), p.person_id)))
