"""Resolved keys: put ``person_id`` and ``account_id`` on any warehouse table.

``accord resolve`` writes two crosswalk tables into the warehouse, one row per source
record (its system and its id in that system):

``identity_people``
    ``source_system, record_id, record_kind, person_id, account_id,
    match_probability, decided_by, run_id, resolved_at``: every contact-like record
    (CRM contact or lead, support requester, product user, billing contact, survey
    respondent) and the person it belongs to, with the resolved account of that person.
``identity_accounts``
    ``source_system, record_id, record_kind, account_id, match_probability,
    decided_by, run_id, resolved_at``: every company-like record (CRM account or
    company, billing customer, product workspace, support organisation).

Analyses never read the crosswalks directly: they call :func:`with_person_id` and
:func:`with_account_id`, which join them in the warehouse (Ibis expressions, nothing
comes into Python). Before the first ``accord resolve``, or for a record the last run did
not see, the key falls back to ``"<source_system>:<id>"``: numbers stay computable and
simply count each system's record as its own person, which is what every CRM report does
today.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from accord.data.warehouse import Warehouse

__all__ = [
    "ACCOUNT_COLUMNS",
    "ACCOUNT_CROSSWALK",
    "PERSON_COLUMNS",
    "PERSON_CROSSWALK",
    "crosswalk_available",
    "fallback_key",
    "with_account_id",
    "with_person_id",
]

PERSON_CROSSWALK = "identity_people"
"""Warehouse table mapping contact-like records to ``person_id``."""

ACCOUNT_CROSSWALK = "identity_accounts"
"""Warehouse table mapping company-like records to ``account_id``."""

PERSON_COLUMNS: dict[str, str] = {
    "source_system": "string",
    "record_id": "string",
    "record_kind": "string",
    "person_id": "string",
    "account_id": "string",
    "match_probability": "float64",
    "decided_by": "string",
    "run_id": "string",
    "resolved_at": "timestamp",
}
"""Columns of :data:`PERSON_CROSSWALK` and their Ibis types."""

ACCOUNT_COLUMNS: dict[str, str] = {
    "source_system": "string",
    "record_id": "string",
    "record_kind": "string",
    "account_id": "string",
    "match_probability": "float64",
    "decided_by": "string",
    "run_id": "string",
    "resolved_at": "timestamp",
}
"""Columns of :data:`ACCOUNT_CROSSWALK` and their Ibis types."""


def crosswalk_available(warehouse: Warehouse, name: str = PERSON_CROSSWALK) -> bool:
    """Whether ``accord resolve`` has written the crosswalk *name*."""
    return name in warehouse.tables()


def fallback_key(system: ir.StringValue, record: ir.StringValue) -> ir.StringValue:
    """The key of an unresolved record: ``"<system>:<id>"`` (null when the id is null)."""
    return ibis.ifelse(record.isnull(), ibis.null("string"), system.concat(":", record))


def _lookup(
    warehouse: Warehouse,
    table: ir.Table,
    crosswalk: str,
    *,
    id_column: str,
    system_column: str,
    wanted: dict[str, str],
) -> ir.Table:
    """Left-join *crosswalk* on (system, id) and add the *wanted* columns (out <- in)."""
    system = table[system_column].cast("string")
    record = table[id_column].cast("string")
    if not crosswalk_available(warehouse, crosswalk):
        first, *rest = wanted
        extra: dict[str, ir.Value] = {first: fallback_key(system, record)}
        extra.update({out: ibis.null("string") for out in rest})
        return table.mutate(**extra)
    xw = warehouse.table(crosswalk)
    xw = xw.select(
        _xw_system=xw.source_system,
        _xw_record=xw.record_id,
        **{f"_xw_{out}": xw[source] for out, source in wanted.items()},
    )
    joined = table.left_join(xw, [system == xw._xw_system, record == xw._xw_record])
    first = next(iter(wanted))
    own = fallback_key(joined[system_column].cast("string"), joined[id_column].cast("string"))
    values: dict[str, ir.Value] = {
        out: joined[f"_xw_{out}"].coalesce(own) if out == first else joined[f"_xw_{out}"]
        for out in wanted
    }
    keep = [c for c in table.columns if c not in wanted]
    return joined.select(*keep, **values)


def with_person_id(
    warehouse: Warehouse,
    table: ir.Table,
    *,
    id_column: str = "contact_id",
    system_column: str = "source_system",
    out: str = "person_id",
    account_out: str | None = None,
) -> ir.Table:
    """Add the resolved person (and optionally the person's account) to *table*.

    Parameters
    ----------
    warehouse
        The open warehouse (the crosswalk is read from it when present).
    table
        Any expression with a system column and a contact-like id column, e.g.
        ``touchpoints``, ``lifecycle_events`` or ``activities``.
    id_column, system_column
        Where the record id and its system are; the id is in that system's id space.
    out
        Name of the added person column. Unresolved records get ``"<system>:<id>"``.
    account_out
        When given, also add the resolved account of the person under this name (null
        before resolution or when the person has no company).

    Returns
    -------
    ibis.Table
        *table* with the added columns (existing columns of the same names replaced).
    """
    wanted = {out: "person_id"}
    if account_out is not None:
        wanted[account_out] = "account_id"
    return _lookup(
        warehouse,
        table,
        PERSON_CROSSWALK,
        id_column=id_column,
        system_column=system_column,
        wanted=wanted,
    )


def with_account_id(
    warehouse: Warehouse,
    table: ir.Table,
    *,
    id_column: str = "account_id",
    system_column: str = "source_system",
    out: str = "resolved_account_id",
) -> ir.Table:
    """Add the resolved account of a company-like id column to *table*.

    Unresolved records get ``"<system>:<id>"``; see :func:`with_person_id`.
    """
    return _lookup(
        warehouse,
        table,
        ACCOUNT_CROSSWALK,
        id_column=id_column,
        system_column=system_column,
        wanted={out: "account_id"},
    )
