"""Deterministic links: records sharing an exact normalised email, phone or id.

These links need no model: two contacts with the same mailbox (after folding
plus-addressing and Gmail dots), the same E.164 phone number or the same national id are
the same person. A key shared by many records is not an identity but a placeholder or
a switchboard (``info@``, ``000 000 0000``): keys held by more than ``max_group``
records link nobody, and role addresses never become keys (see
:mod:`accord.identity.normalise.emails`).
"""

from __future__ import annotations

from collections.abc import Set

import duckdb
import pandas as pd

from accord.identity.conflicts import conflict_sql
from accord.identity.prepare import ROW, SOURCE

__all__ = ["deterministic_links"]


def deterministic_links(
    con: duckdb.DuckDBPyConnection,
    keys: pd.DataFrame,
    table: str,
    *,
    across_sources_only: bool,
    present: Set[str] = frozenset(),
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
    present
        Features of *table*: an email or phone links two records only if they do not
        conflict (:mod:`accord.identity.conflicts`), so partners sharing a landline or
        a family mailbox are not merged; a national id always links.
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
    source_filter = f"and l.{SOURCE} <> r.{SOURCE}" if across_sources_only else ""
    name_filter = f"and (kl.rule = 'national_id' or not {conflict_sql(present)})"
    links = con.sql(
        f"""
        with sized as (
            select {ROW}, rule, key, count(*) over (partition by rule, key) as n
            from __accord_keys
        ),
        usable as (select * from sized where n between 2 and {int(max_group)}),
        pairs as (
            select kl.{ROW} as row_l, kr.{ROW} as row_r, kl.rule
            from usable kl join usable kr
              on kl.rule = kr.rule and kl.key = kr.key and kl.{ROW} < kr.{ROW}
            join {table} l on l.{ROW} = kl.{ROW}
            join {table} r on r.{ROW} = kr.{ROW}
            where true {source_filter} {name_filter}
        )
        select row_l as "left", row_r as "right",
               arg_min(rule, case rule when 'email' then 0 when 'phone' then 1 else 2 end) as rule
        from pairs group by row_l, row_r order by row_l, row_r
        """
    ).df()
    con.unregister("__accord_keys")
    return links
