"""The people of an account: every person-like record, keyed by the resolved person.

A person belongs to the account when the crosswalk puts them there, when their record's
own company id is one of the account's company records, or (before ``accord resolve``)
when their email is at one of the account's domains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from accord.data.warehouse import Warehouse
from accord.identity.keys import (
    ACCOUNT_CROSSWALK,
    PERSON_CROSSWALK,
    crosswalk_available,
    with_account_id,
    with_person_id,
)
from accord.workflows.account360._model import Person
from accord.workflows.account360._sql import Params, query

__all__ = [
    "PERSON_SOURCES",
    "Keep",
    "Members",
    "PersonSource",
    "account_members",
    "email_domain",
    "people_rows",
    "person_table",
]


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


Keep = Callable[[ir.Table, PersonSource], ir.BooleanValue]


def people_rows(wh: Warehouse, tables: set[str], keep: Keep | None = None) -> ir.Table:
    """One row per person-like record: person, record key, account keys and details.

    *keep*, when given, filters each source table first (a condition on its raw columns),
    so that the crosswalk joins only see the few records that can matter.
    """
    parts = []
    for src in PERSON_SOURCES:
        if src.table not in tables:
            continue
        t = person_table(wh, src.table)
        if keep is not None:
            t = t.filter(keep(t, src))
        raw = {"source_system", src.person_column, src.account_column, src.email, src.phone,
               src.title, *src.name}  # fmt: skip
        t = t.select(*sorted(c for c in raw if c is not None)).distinct()
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
                rec=t.source_system.concat(":", t[src.person_column].cast("string")),
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


@dataclass(frozen=True, slots=True)
class Members:
    """The account's people, their records (``"<system>:<id>"`` -> person) and any
    company records found through them (before resolution, by email domain)."""

    people: tuple[Person, ...]
    records: dict[str, str]
    account_keys: frozenset[str]


def account_members(
    wh: Warehouse,
    tables: set[str],
    keys: Sequence[str],
    domains: Sequence[str],
    *,
    by_domain: bool,
) -> Members:
    """People of the account: by account key, or also by email domain when asked.

    One warehouse query brings the (few) person-like records of the account; the
    people's descriptions are put together from them.
    """
    with_domains = by_domain and bool(domains)

    def build(p: Params) -> ir.Table:
        rows = people_rows(wh, tables, _can_belong(wh, p, with_domains))
        cond = rows.acct.isin(p.strings("keys")) | rows.akey.isin(p.strings("keys"))
        if with_domains:
            cond = cond | rows.domain.isin(p.strings("domains"))
        return rows.filter(cond & rows.person_id.notnull())

    shape = f"members:{','.join(sorted(tables))}:{with_domains}"
    df = query(wh, shape, build, keys=list(keys), domains=list(domains) if with_domains else None)
    df = df.astype(object).where(df.notna(), None)
    records = dict(zip(df["rec"], df["person_id"], strict=True))
    if crosswalk_available(wh, PERSON_CROSSWALK) and not df.empty:

        def records_of(p: Params) -> ir.Table:
            xw = wh.table(PERSON_CROSSWALK)
            more = xw.filter(
                xw.person_id.isin(p.strings("ids")) | xw.account_id.isin(p.strings("keys"))
            )
            return more.select(
                rec=more.source_system.concat(":", more.record_id), person_id=more.person_id
            )

        ids = sorted(set(df["person_id"]))
        extra = query(wh, "member-records", records_of, ids=ids, keys=list(keys))
        records.update(zip(extra["rec"], extra["person_id"], strict=True))
    account_keys = frozenset(str(k) for k in df.loc[df["domain"].isin(domains), "akey"].dropna())
    return Members(_describe(df), records, account_keys if by_domain else frozenset())


def _can_belong(wh: Warehouse, p: Params, with_domains: bool) -> Keep:
    """A condition on a source table's raw columns that every record of the account meets.

    A record belongs when its resolved person's account or its company's account is one
    of the keys (or, before resolution, its email is at one of the domains). Its company
    record then is a key or a crosswalk record of a key, or its person record is a
    crosswalk record of a key: cheap tests, applied before the crosswalk joins; the exact
    test follows them.
    """
    accounts = crosswalk_available(wh, ACCOUNT_CROSSWALK)
    people = crosswalk_available(wh, PERSON_CROSSWALK)

    def keep(t: ir.Table, src: PersonSource) -> ir.BooleanValue:
        keys = p.strings("keys")
        company = t.source_system.concat(
            ":", t[src.account_column or src.person_column].cast("string")
        )
        person = t.source_system.concat(":", t[src.person_column].cast("string"))
        cond = company.isin(keys)
        if accounts:
            xa = wh.table(ACCOUNT_CROSSWALK)
            xa = xa.filter(xa.account_id.isin(keys))
            cond = cond | company.isin(
                xa.select(rec=xa.source_system.concat(":", xa.record_id)).rec
            )
        if people:
            xp = wh.table(PERSON_CROSSWALK)
            xp = xp.filter(xp.account_id.isin(keys))
            cond = cond | person.isin(xp.select(rec=xp.source_system.concat(":", xp.record_id)).rec)
        if with_domains and src.email is not None:
            email = t[src.email].lower().strip().nullif("")
            cond = cond | email_domain(email).isin(p.strings("domains"))
        return cond

    return keep


def _describe(df: pd.DataFrame) -> tuple[Person, ...]:
    def values(group: pd.DataFrame, col: str) -> tuple[str, ...]:
        return tuple(sorted({str(v) for v in group[col] if v is not None}))

    out = [
        Person(
            person_id=str(pid),
            names=values(g, "name"),
            emails=values(g, "email"),
            phones=values(g, "phone"),
            titles=values(g, "title"),
            systems=values(g, "system"),
        )
        for pid, g in df.groupby("person_id", sort=True)
    ]
    return tuple(sorted(out, key=lambda p: (p.names[:1] or ("~",), p.person_id)))


def fetch(wh: Warehouse, expr: ir.Table) -> pd.DataFrame:
    """Run *expr* and return a DataFrame; on DuckDB, compile once and read natively.

    Ibis's ``to_pandas`` compiles the expression again and converts every column; the
    account 360 runs a dozen small queries, where that overhead is most of the time.
    """
    if wh.is_duckdb:
        sql = wh.backend.compile(expr)
        return wh.duckdb.sql(sql).df()
    return expr.to_pandas()
