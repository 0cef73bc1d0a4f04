"""The semantic model: how canonical tables join, and what a column path means.

A *reference* is a column holding another table's entity id, e.g.
``opportunities.account_id → accounts.account_id``. Ids are ids inside one source system
(:mod:`accord.data.schema`), so every join also matches ``source_system``. References are
many-to-one (the target id is unique within its source system), so following one never
multiplies rows.

A *column path* reads a column through references: from ``lifecycle_events``,
``contact_id.account_id.segment`` follows ``contact_id`` to ``contacts``, then
``account_id`` to ``accounts`` and reads ``segment``.

Examples
--------
>>> p = resolve_path("lifecycle_events", "contact_id.account_id.segment")
>>> [(h.table, h.column, h.target) for h in p.hops], p.table, p.column
([('lifecycle_events', 'contact_id', 'contacts'), ('contacts', 'account_id', 'accounts')], \
'accounts', 'segment')
>>> resolve_path("opportunities", "amount.x")
PathError(kind='not-a-reference', table='opportunities', column='amount')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import ibis

from accord.data.schema import TABLES, ColumnType

__all__ = [
    "REFERENCES",
    "Hop",
    "PathError",
    "ResolvedPath",
    "canonical_table",
    "canonical_tables",
    "column_type",
    "is_id_column",
    "resolve_path",
]

REFERENCES: Mapping[tuple[str, str], str] = {
    ("contacts", "account_id"): "accounts",
    ("touchpoints", "contact_id"): "contacts",
    ("touchpoints", "account_id"): "accounts",
    ("touchpoints", "campaign_id"): "campaigns",
    ("spend", "campaign_id"): "campaigns",
    ("lifecycle_events", "contact_id"): "contacts",
    ("lifecycle_events", "account_id"): "accounts",
    ("activities", "contact_id"): "contacts",
    ("activities", "account_id"): "accounts",
    ("opportunities", "account_id"): "accounts",
    ("opportunities", "contact_id"): "contacts",
    ("product_events", "account_id"): "accounts",
    ("product_events", "contact_id"): "contacts",
    ("tickets", "account_id"): "accounts",
    ("tickets", "contact_id"): "contacts",
    ("feedback", "account_id"): "accounts",
    ("feedback", "contact_id"): "contacts",
    ("revenue", "account_id"): "accounts",
    ("revenue", "subscription_id"): "subscriptions",
    ("subscriptions", "account_id"): "accounts",
}
"""``(table, column) → target table``; the target column is the target's id column."""


@dataclass(frozen=True, slots=True)
class Hop:
    """Follow ``table.column`` to ``target`` (matching ``target``'s id and source system)."""

    table: str
    column: str
    target: str

    @property
    def target_column(self) -> str:
        """The id column of the target table."""
        target_id = TABLES[self.target].id_column
        assert target_id is not None, f"{self.target} has no id column"
        return target_id


@dataclass(frozen=True, slots=True)
class ResolvedPath:
    """A column path after resolution: the joins to make, then ``table.column``."""

    hops: tuple[Hop, ...]
    table: str
    column: str


@dataclass(frozen=True, slots=True)
class PathError:
    """Why a path does not resolve: the table is unknown, a column is unknown, or a
    non-final part of the path is not a reference."""

    kind: Literal["unknown-table", "unknown-column", "not-a-reference"]
    table: str
    column: str


def resolve_path(table: str, path: str) -> ResolvedPath | PathError:
    """Resolve a column *path* starting at canonical *table*."""
    if table not in TABLES:
        return PathError("unknown-table", table, "")
    *refs, last = path.split(".")
    hops: list[Hop] = []
    current = table
    for ref in refs:
        if ref not in TABLES[current]:
            return PathError("unknown-column", current, ref)
        target = REFERENCES.get((current, ref))
        if target is None:
            return PathError("not-a-reference", current, ref)
        hops.append(Hop(current, ref, target))
        current = target
    if last not in TABLES[current]:
        return PathError("unknown-column", current, last)
    return ResolvedPath(tuple(hops), current, last)


def is_id_column(table: str, column: str) -> bool:
    """Whether ``table.column`` holds entity ids (the table's id or a reference), which are
    only unique within a source system."""
    return column == TABLES[table].id_column or (table, column) in REFERENCES


def column_type(table: str, path: str) -> ColumnType | None:
    """The logical type of the column a path reads (``None`` if it does not resolve)."""
    resolved = resolve_path(table, path)
    if isinstance(resolved, PathError):
        return None
    return TABLES[resolved.table].column(resolved.column).type


_IBIS_TYPES: Mapping[ColumnType, str] = {
    "string": "string",
    "integer": "int64",
    "float": "float64",
    "money": "float64",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}


def canonical_table(name: str) -> ibis.Table:
    """An unbound Ibis table with the canonical columns of *name* (for compiling to SQL)."""
    schema = {c.name: _IBIS_TYPES[c.type] for c in TABLES[name].columns}
    return ibis.table(schema, name=name)


def canonical_tables() -> dict[str, ibis.Table]:
    """Unbound Ibis tables for every canonical table."""
    return {name: canonical_table(name) for name in TABLES}
