"""Gather the contact-like and company-like records of a workspace's warehouse.

Each canonical table contributes what it knows about people and companies; the grouping
(one row per record) runs in the warehouse, only one row per record comes into Python.

People (``record_kind``): CRM ``contact`` and ``lead`` (table ``contacts``; Salesforce
ids starting ``00Q`` are leads), support ``requester`` (``tickets``), ``product_user``
(``product_events``), ``billing_contact`` (``revenue``: the customer's email and
name), ``survey_response`` (``feedback`` rows with an email and no contact id), and
``reference`` for ids that other tables name but no table describes (opportunity
contacts, lifecycle events, activities, touchpoints).

Companies: CRM ``account`` / ``company`` (``accounts``), billing ``customer``
(``revenue``), product ``workspace`` (``product_events``), support ``organization``
(``tickets``), and references from contacts and opportunities.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from accord.data.warehouse import Warehouse
from accord.identity.normalise import account_domain, split_full_name

__all__ = ["ACCOUNT_RECORD_COLUMNS", "PERSON_RECORD_COLUMNS", "account_records", "person_records"]

PERSON_RECORD_COLUMNS: tuple[str, ...] = (
    "source_system",
    "record_id",
    "record_kind",
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "website",
    "city",
    "title",
    "xref",
    "account_ref",
)
"""One row per contact-like record; ``xref`` and ``account_ref`` are record keys."""

ACCOUNT_RECORD_COLUMNS: tuple[str, ...] = (
    "source_system",
    "record_id",
    "record_kind",
    "name",
    "domain",
)
"""One row per company-like record."""


def _has(wh: Warehouse, table: str, *columns: str) -> bool:
    if table not in wh.tables():
        return False
    return all(c in wh.table(table).columns for c in columns)


def _key(system: ir.StringValue, record: ir.StringValue) -> ir.StringValue:
    return ibis.ifelse(record.isnull(), ibis.null("string"), system.concat(":", record))


def _null() -> ir.StringValue:
    return ibis.null("string")


def _frame(expr: ir.Table, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = expr.to_pandas()
    for c in columns:
        if c not in frame:
            frame[c] = None
    return frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)


def person_records(wh: Warehouse) -> pd.DataFrame:
    """Every contact-like record, one row each (sorted by system and id)."""
    parts: list[pd.DataFrame] = []
    cols = PERSON_RECORD_COLUMNS

    if _has(wh, "contacts", "contact_id"):
        t = wh.table("contacts")
        sid = t.contact_id.cast("string")
        kind = ibis.cases(
            ((t.source_system == "salesforce") & sid.startswith("00Q"), "lead"),
            else_="contact",
        )
        xref = (
            _key(ibis.literal("salesforce"), t.salesforce_id.cast("string"))
            if "salesforce_id" in t.columns
            else _null()
        )
        expr = t.filter(sid.notnull()).select(
            source_system=t.source_system,
            record_id=sid,
            record_kind=kind,
            first_name=t.first_name,
            last_name=t.last_name,
            email=t.email,
            phone=t.phone,
            company=t.company,
            website=t.website,
            city=t.city,
            title=t.title,
            xref=xref,
            account_ref=_key(t.source_system, t.account_id.cast("string")),
        )
        parts.append(_frame(expr, cols))

    if _has(wh, "tickets", "contact_id"):
        t = wh.table("tickets")
        g = (
            t.filter(t.contact_id.notnull())
            .group_by(source_system=t.source_system, record_id=t.contact_id.cast("string"))
            .agg(
                full_name=t.requester_name.arbitrary(),
                email=t.requester_email.arbitrary(),
                company=t.organization.arbitrary(),
                account=t.account_id.cast("string").arbitrary(),
            )
        )
        frame = g.to_pandas()
        names = [split_full_name(v) for v in frame["full_name"]]
        frame["first_name"] = [n[0] for n in names]
        frame["last_name"] = [n[1] for n in names]
        frame["record_kind"] = "requester"
        frame["account_ref"] = _keys(frame["source_system"], frame["account"])
        parts.append(_pandas(frame, cols))

    if _has(wh, "product_events", "contact_id", "user_email"):
        t = wh.table("product_events")
        g = (
            t.filter(t.contact_id.notnull())
            .group_by(source_system=t.source_system, record_id=t.contact_id.cast("string"))
            .agg(email=t.user_email.max(), account=t.account_id.cast("string").max())
        )
        frame = g.to_pandas()
        frame["record_kind"] = "product_user"
        frame["account_ref"] = _keys(frame["source_system"], frame["account"])
        parts.append(_pandas(frame, cols))

    if _has(wh, "revenue", "account_id", "customer_email"):
        t = wh.table("revenue")
        g = (
            t.filter(t.account_id.notnull())
            .group_by(source_system=t.source_system, record_id=t.account_id.cast("string"))
            .agg(email=t.customer_email.argmax(t.ts), company=t.customer_name.argmax(t.ts))
        )
        frame = g.to_pandas()
        frame["record_kind"] = "billing_contact"
        frame["account_ref"] = _keys(frame["source_system"], frame["record_id"])
        parts.append(_pandas(frame, cols))

    if _has(wh, "feedback", "email", "contact_id"):
        t = wh.table("feedback")
        expr = t.filter(t.contact_id.isnull() & t.email.notnull()).select(
            source_system=t.source_system,
            record_id=t.feedback_id.cast("string"),
            email=t.email,
            account_ref=_key(t.source_system, t.account_id.cast("string")),
        )
        frame = expr.to_pandas()
        frame["record_kind"] = "survey_response"
        parts.append(_pandas(frame, cols))

    for table, kind in (
        ("opportunities", "contact"),
        ("lifecycle_events", "reference"),
        ("activities", "reference"),
        ("touchpoints", "reference"),
        ("feedback", "reference"),
    ):
        if _has(wh, table, "contact_id"):
            parts.append(_references(wh.table(table), kind, cols))

    records = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    records = records.drop_duplicates(["source_system", "record_id"], keep="first")
    known = set(_keys(records["source_system"], records["record_id"]))
    missing = sorted({x for x in records["xref"].dropna() if x not in known})
    if missing:
        extra = pd.DataFrame(
            {
                "source_system": [m.split(":", 1)[0] for m in missing],
                "record_id": [m.split(":", 1)[1] for m in missing],
            }
        )
        extra["record_kind"] = [
            "lead" if r.startswith("00Q") else "contact" for r in extra["record_id"]
        ]
        records = pd.concat([records, _pandas(extra, cols)], ignore_index=True)
    return records.sort_values(["source_system", "record_id"], ignore_index=True)


def _references(t: ir.Table, kind: str, cols: tuple[str, ...]) -> pd.DataFrame:
    g = t.filter(t.contact_id.notnull()).group_by(
        source_system=t.source_system, record_id=t.contact_id.cast("string")
    )
    if "account_id" in t.columns:
        frame = g.agg(account=t.account_id.cast("string").max()).to_pandas()
    else:
        frame = g.agg(n=ibis._.count()).to_pandas()
        frame["account"] = None
    frame["record_kind"] = kind
    frame["account_ref"] = _keys(frame["source_system"], frame["account"])
    return _pandas(frame, cols)


def _keys(system: pd.Series, record: pd.Series) -> list[str | None]:
    return [
        None if r is None or pd.isna(r) else f"{s}:{r}" for s, r in zip(system, record, strict=True)
    ]


def _pandas(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    frame = frame.copy()
    for c in cols:
        if c not in frame:
            frame[c] = None
    out = frame[list(cols)].astype(object)
    return out.where(out.notna(), None)


def account_records(wh: Warehouse, people: pd.DataFrame) -> pd.DataFrame:
    """Every company-like record, one row each (sorted by system and id).

    *people* (from :func:`person_records`) gives domains to records that have none:
    the most common company domain among the emails of the people pointing at them.
    """
    parts: list[pd.DataFrame] = []
    cols = ACCOUNT_RECORD_COLUMNS
    if _has(wh, "accounts", "account_id"):
        t = wh.table("accounts")
        kind = ibis.cases((t.source_system == "hubspot", "company"), else_="account")
        expr = t.filter(t.account_id.notnull()).select(
            source_system=t.source_system,
            record_id=t.account_id.cast("string"),
            record_kind=kind,
            name=t["name"],
            domain=t.domain,
        )
        parts.append(_frame(expr, cols))
    sources: tuple[tuple[str, str, str | None], ...] = (
        ("revenue", "customer", "customer_name"),
        ("product_events", "workspace", None),
        ("tickets", "organization", "organization"),
        ("opportunities", "account", "account_name"),
        ("contacts", "account", None),
    )
    for table, kind, name_col in sources:
        if not _has(wh, table, "account_id"):
            continue
        t = wh.table(table)
        g = t.filter(t.account_id.notnull()).group_by(
            source_system=t.source_system, record_id=t.account_id.cast("string")
        )
        if name_col and name_col in t.columns:
            g = g.agg(name=t[name_col].max())
        else:
            g = g.agg(n=ibis._.count())
        frame = g.to_pandas()
        frame["record_kind"] = [
            "company" if table == "contacts" and s == "hubspot" else kind
            for s in frame["source_system"]
        ]
        parts.append(_pandas(frame, cols))
    records = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    records = records.drop_duplicates(["source_system", "record_id"], keep="first")
    domains = _email_domains(people)
    keys = _keys(records["source_system"], records["record_id"])
    records["domain"] = [
        d if d is not None or k is None else domains.get(k)
        for d, k in zip(records["domain"], keys, strict=True)
    ]
    return records.sort_values(["source_system", "record_id"], ignore_index=True)


def _email_domains(people: pd.DataFrame) -> dict[str, str]:
    """Account record key -> the most common company domain of its people's emails."""
    pairs = pd.DataFrame(
        {
            "ref": people["account_ref"],
            "domain": [account_domain(e) if isinstance(e, str) else None for e in people["email"]],
        }
    ).dropna()
    if pairs.empty:
        return {}
    counts = pairs.groupby(["ref", "domain"]).size().reset_index(name="n")
    counts = counts.sort_values(["ref", "n", "domain"], ascending=[True, False, True])
    best = counts.drop_duplicates("ref")
    return dict(zip(best["ref"], best["domain"], strict=True))
