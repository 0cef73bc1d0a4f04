"""Deterministic links: records sharing an exact normalised email, phone or id.

These links need no model: two contacts with the same mailbox (after folding
plus-addressing and Gmail dots), the same E.164 phone number or the same national id are
the same person. A key shared by many records is not an identity but a placeholder or
a switchboard (``info@``, ``000 000 0000``): keys held by more than ``max_group``
records link nobody, and role addresses never become keys (see
:mod:`accord.identity.normalise.emails`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from accord.identity.prepare import ROW

__all__ = ["deterministic_links"]

_NAME_GUARD = """
    and (l.rule = 'national_id'
         or sl.first_name is null or sr.first_name is null
         or left(sl.first_name, 1) = left(sr.first_name, 1)
         or (left(sl.first_name, 1) = left(sr.surname, 1)
             and left(sl.surname, 1) = left(sr.first_name, 1)))
"""


def deterministic_links(
    con: duckdb.DuckDBPyConnection,
    keys: pd.DataFrame,
    table: str,
    *,
    across_sources_only: bool,
    names_present: bool = False,
    max_group: int = 20,
) -> pd.DataFrame:
    """Pairs of records that share a key.

    Parameters
    ----------
    con
        A DuckDB connection to compute in.
    keys
        ``__row``, ``rule``, ``key`` (see :class:`accord.identity.prepare.Prepared`).
    table
        A table with ``__row`` and ``__source`` of every record.
    across_sources_only
        Link only records from different inputs (``link_only``).
    names_present
        *table* has ``first_name`` and ``surname``: an email or phone then links two
        records only if their first names start alike (or either is missing, or the
        names are swapped); partners sharing a landline or a family mailbox are left
        to the model.
    max_group
        Keys shared by more records than this are ignored.

    Returns
    -------
    pandas.DataFrame
        ``left``, ``right`` (``left < right``), ``rule`` (the first rule, in
        ``email, phone, national_id`` order, that links the pair).
    """
    if keys.empty:
        return pd.DataFrame({"left": [], "right": [], "rule": []})
    con.register("__accord_keys", keys)
    source_filter = "and sl.__source <> sr.__source" if across_sources_only else ""
    name_filter = _NAME_GUARD if names_present else ""
    links = con.sql(
        f"""
        with sized as (
            select {ROW}, rule, key, count(*) over (partition by rule, key) as n
            from __accord_keys
        ),
        usable as (select * from sized where n between 2 and {int(max_group)}),
        pairs as (
            select l.{ROW} as row_l, r.{ROW} as row_r, l.rule
            from usable l join usable r
              on l.rule = r.rule and l.key = r.key and l.{ROW} < r.{ROW}
            join {table} sl on sl.{ROW} = l.{ROW}
            join {table} sr on sr.{ROW} = r.{ROW}
            where true {source_filter} {name_filter}
        )
        select row_l as "left", row_r as "right",
               arg_min(rule, case rule when 'email' then 0 when 'phone' then 1 else 2 end) as rule
        from pairs group by row_l, row_r order by row_l, row_r
        """
    ).df()
    con.unregister("__accord_keys")
    return links
