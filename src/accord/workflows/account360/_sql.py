"""Compiled SQL templates: each query of the view is built and compiled by Ibis once.

Building an Ibis expression and compiling it to SQL costs far more than DuckDB takes to
run the small queries of an account view. Every query is therefore written as a function
of named parameters (lists of record keys, a time window, a row limit); on DuckDB the
function is called once with placeholders, compiled, and the SQL kept, keyed by the query
name, which parameters are absent and a fingerprint of the warehouse schema (tables,
columns, types), so a reloaded or resolved workspace compiles afresh. Later views only
put the values into the SQL text, as quoted literals. Other backends run the expression.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import ibis
import ibis.expr.types as ir
import pandas as pd

from accord.data.warehouse import Warehouse

__all__ = ["Params", "Value", "ViewWarehouse", "query"]

Value = str | datetime | int | Sequence[str] | None

_PREFIX = "__accord_param_"
_LIMIT = 7_777_777_777
"""Placeholder row limit; it cannot be a real limit (no account has that many rows)."""

_MAX_TEMPLATES = 512
_TEMPLATES: dict[tuple[str, str, tuple[str, ...]], str] = {}


class ViewWarehouse(Warehouse):
    """The same connection, remembering table lookups and the schema for one view.

    Building the view asks for the table list and the same tables many times (every key
    lookup checks for the crosswalk); each ask is a catalog query.
    """

    def __init__(self, wh: Warehouse) -> None:
        super().__init__(wh.url, wh.backend, wh.read_only)
        self._tables: list[str] | None = None
        self._exprs: dict[str, ibis.Table] = {}
        self._fingerprint: str | None = None

    def tables(self) -> list[str]:
        if self._tables is None:
            self._tables = super().tables()
        return self._tables

    def table(self, name: str) -> ibis.Table:
        if name not in self._exprs:
            self._exprs[name] = super().table(name)
        return self._exprs[name]

    def fingerprint(self) -> str:
        """A digest of the database name and every table's columns and types."""
        if self._fingerprint is None:
            rows = self.duckdb.execute(
                "select database_name, schema_name, table_name, column_name, data_type "
                "from duckdb_columns() where database_name = current_database() "
                "and schema_name = current_schema() order by all"
            ).fetchall()
            self._fingerprint = hashlib.sha256(repr(rows).encode()).hexdigest()
        return self._fingerprint


class Params:
    """What a query builder sees: the values, or placeholders to compile a template."""

    def __init__(self, values: dict[str, Value], *, template: bool) -> None:
        self._values = values
        self._template = template

    def has(self, name: str) -> bool:
        """Whether *name* was given (not None); part of the template's key."""
        return self._values.get(name) is not None

    def strings(self, name: str) -> list[str]:
        """A list of strings, for ``isin``."""
        if self._template:
            return [_slot(name)]
        return [str(v) for v in self._list(name)]

    def string(self, name: str) -> str:
        """One string."""
        return _slot(name) if self._template else str(self._values[name])

    def timestamp(self, name: str) -> ir.TimestampValue:
        """A naive timestamp (UTC)."""
        text = _slot(name) if self._template else _ts_text(self._values[name])
        return ibis.literal(text).cast("timestamp")

    def limit(self, name: str) -> int:
        """A row limit."""
        value = self._values[name]
        return _LIMIT if self._template else int(value)  # type: ignore[arg-type]

    def _list(self, name: str) -> Sequence[str]:
        value = self._values[name]
        assert value is not None
        assert not isinstance(value, str | datetime | int)
        return value


def _slot(name: str) -> str:
    return f"{_PREFIX}{name}__"


def _ts_text(value: Value) -> str:
    assert isinstance(value, datetime)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fill(sql: str, values: dict[str, Value]) -> str:
    """Put *values* in place of the placeholders of *sql*."""
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, int):
            sql = re.sub(rf"\bLIMIT {_LIMIT}\b", f"LIMIT {int(value)}", sql)
            continue
        if isinstance(value, datetime):
            text = _quote(_ts_text(value))
        elif isinstance(value, str):
            text = _quote(value)
        else:
            # An empty list matches nothing: ``x IN (NULL)`` is never true.
            text = ", ".join(_quote(str(v)) for v in value) or "NULL"
        sql = sql.replace(_quote(_slot(name)), text)
    if _PREFIX in sql or str(_LIMIT) in sql:
        raise RuntimeError("A query template kept a placeholder; this is a bug.")
    return sql


def query(
    wh: Warehouse, name: str, build: Callable[[Params], ir.Table], **values: Value
) -> pd.DataFrame:
    """Run the query *build* makes from *values*, compiling it once per schema.

    Parameters
    ----------
    wh
        The warehouse; templates are kept for DuckDB (a :class:`ViewWarehouse`).
    name
        Names the query; it must say everything the expression's shape depends on
        besides which values are absent (None).
    build
        Makes the Ibis expression from a :class:`Params`; it must use each value
        only through that object.
    **values
        Strings, lists of strings, naive or aware datetimes, a row limit (int) or None.
    """
    if not wh.is_duckdb or not isinstance(wh, ViewWarehouse):
        expr = build(Params(values, template=False))
        if wh.is_duckdb:
            return wh.duckdb.sql(wh.backend.compile(expr)).df()
        return expr.to_pandas()
    absent = tuple(sorted(k for k, v in values.items() if v is None))
    key = (wh.fingerprint(), name, absent)
    sql = _TEMPLATES.get(key)
    if sql is None:
        sql = str(wh.backend.compile(build(Params(values, template=True))))
        if len(_TEMPLATES) >= _MAX_TEMPLATES:
            _TEMPLATES.pop(next(iter(_TEMPLATES)))
        _TEMPLATES[key] = sql
    return wh.duckdb.sql(_fill(sql, values)).df()
