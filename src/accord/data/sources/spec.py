"""The mapping specification: how the columns of an export become canonical rows.

A mapping is a frozen pydantic model, loadable from YAML (see ``docs/loading.md`` for the
format). :func:`check_spec` applies every rule at once and returns the list of issues, so
a user fixing a mapping sees all its problems in one message.

Examples
--------
>>> spec = MappingSpec.model_validate({
...     "name": "my-crm", "source_system": "crm",
...     "targets": [{"table": "contacts", "source_id": ["ID"],
...                  "columns": {"contact_id": ["ID"], "email": ["E-mail", "Email"]}}],
... })
>>> spec.targets[0].source_id
(('ID',),)
>>> check_spec(spec)
[]
"""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from accord.data.schema import KEY_COLUMNS, TABLES, Table
from accord.data.sources.literals import literal_problem

__all__ = [
    "Candidates",
    "MappingSpec",
    "Melt",
    "ReadOptions",
    "Target",
    "ValueRule",
    "check_spec",
]

Candidates = tuple[str, ...]
"""Header names to look for, in order of preference (see :mod:`.matching`)."""

Scalar = str | int | float | bool | None


def _candidates(value: Any) -> Any:
    """Accept a single header name where a list of candidates is expected."""
    return (value,) if isinstance(value, str) else value


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ReadOptions(_Spec):
    """How to read the file (``read:`` in YAML); every option is detected when omitted."""

    format: Literal["auto", "csv", "parquet", "json", "jsonl"] = "auto"
    header: Literal["auto"] | Annotated[int, Field(ge=0)] = "auto"
    """Rows above the header line (``auto``: find it below report-title lines)."""
    delimiter: str | None = None
    encoding: str | None = None
    date_format: Literal["auto", "iso", "us", "eu"] = "auto"
    """How to read ``01/02/2024``; ``auto`` decides per column, US when undecidable."""
    timezone: str | None = None
    """Zone of naive timestamps in this file (default: the workspace's)."""
    ignore_rows: dict[str, str] = Field(default_factory=dict)
    """Header candidate -> regular expression; matching rows are report furniture."""

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
            value, value
        )
        if len(value) != 1:
            raise ValueError(f"delimiter must be one character, got {value!r}")
        return value


class ValueRule(_Spec):
    """A canonical value computed from a source column through a lookup (``values:``).

    A source value found in ``map`` (compared trimmed and case-insensitively) becomes the
    mapped value. Any other value becomes ``default`` when the rule has a ``default`` key
    (``default: null`` gives an empty value) and is kept as it is otherwise, so that
    validation quarantines what the map did not foresee.
    """

    from_: Candidates | None = Field(default=None, alias="from")
    """Source column; when omitted, the column mapped to the same name in ``columns``."""
    map: dict[str, Scalar] = Field(default_factory=dict)
    default: Scalar = None
    scale: float | None = None
    """Multiply the number by this (e.g. 0.01 for a percentage column)."""

    _normalise = field_validator("from_", mode="before")(_candidates)

    @property
    def has_default(self) -> bool:
        """Whether the YAML gave a ``default`` (possibly ``null``)."""
        return "default" in self.model_fields_set

    def lookup(self) -> dict[str, str | None]:
        """The map with normalised keys (lower case, whitespace collapsed) and text values."""
        return {_norm(k): _text(v) for k, v in self.map.items()}


class Melt(_Spec):
    """Turn several source columns into one row each (``melt:``).

    ``columns`` maps a value for ``into`` to the candidates of a source column; every
    non-empty cell in such a column gives one output row whose ``into`` is the key and
    whose ``value_into`` is the cell. The row's ``source_id`` gets ``:<key>`` appended.
    """

    into: str
    value_into: str
    columns: dict[str, Candidates]

    @field_validator("columns", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _candidates(v) for k, v in value.items()}
        return value


class Target(_Spec):
    """One canonical table filled from the file (an entry of ``targets:``).

    The table's id column (``contact_id``, ``event_id``, ...) is the row's ``source_id``
    when the target does not map it.
    """

    table: str
    source_id: tuple[Candidates, ...]
    """One candidate list, or several whose values are joined with ``|``."""
    source_id_fallback: tuple[Candidates, ...] | None = None
    """Used when no header matches ``source_id``, or for rows where it is empty (Accord's
    own layouts: the id column)."""
    columns: dict[str, Candidates] = Field(default_factory=dict)
    values: dict[str, ValueRule] = Field(default_factory=dict)
    constants: dict[str, Scalar] = Field(default_factory=dict)
    melt: Melt | None = None

    @field_validator("source_id", "source_id_fallback", mode="before")
    @classmethod
    def _composite(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            return ((value,),)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return (tuple(value),)
        if isinstance(value, list | tuple):
            return tuple(_candidates(v) for v in value)
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _candidates(v) for k, v in value.items()}
        return value

    def constant_text(self, column: str) -> str | None:
        """A constant as the text the parsers read."""
        return _text(self.constants[column])


class MappingSpec(_Spec):
    """A complete mapping: a preset or a user's ``mapping.yaml``."""

    name: str = Field(min_length=1)
    title: str = ""
    source_system: str = Field(min_length=1)
    read: ReadOptions = Field(default_factory=ReadOptions)
    targets: tuple[Target, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules(self) -> MappingSpec:
        issues = check_spec(self)
        if issues:
            raise ValueError("; ".join(issues))
        return self


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _text(value: Scalar) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_spec(spec: MappingSpec) -> list[str]:
    """Every problem with *spec* against the canonical schema (empty when it is sound)."""
    issues: list[str] = []
    read = spec.read
    if read.encoding is not None:
        try:
            codecs.lookup(read.encoding)
        except LookupError:
            issues.append(f"read.encoding: unknown encoding {read.encoding!r}")
    if read.timezone is not None:
        try:
            ZoneInfo(read.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            issues.append(f"read.timezone: unknown time zone {read.timezone!r}")
    for header, pattern in read.ignore_rows.items():
        try:
            re.compile(pattern)
        except re.error as exc:
            issues.append(f"read.ignore_rows.{header}: invalid regular expression ({exc})")
    for i, target in enumerate(spec.targets):
        issues.extend(f"targets[{i}]{msg}" for msg in _check_target(target))
    return issues


def _check_target(target: Target) -> list[str]:
    table = TABLES.get(target.table)
    if table is None:
        return [f".table: unknown table {target.table!r} (tables: {', '.join(TABLES)})"]
    issues: list[str] = []
    owners: dict[str, str] = {}

    def claim(column: str, where: str, *, keys_allowed: bool = False) -> bool:
        if column not in table or (column in KEY_COLUMNS and not keys_allowed):
            issues.append(
                f".{where}: {column!r} is not a column of {table.name} "
                f"(columns: {', '.join(c for c in table.column_names if c not in KEY_COLUMNS)})"
            )
            return False
        if column in owners:
            issues.append(f".{where}: {column!r} is already set by {owners[column]}")
            return False
        owners[column] = where
        return True

    for column in target.columns:
        claim(column, f"columns.{column}", keys_allowed=column == "source_system")
    for column, rule in target.values.items():
        if rule.from_ is None:
            if column not in target.columns:
                issues.append(f".values.{column}: needs 'from', or {column!r} in columns")
            else:
                issues.extend(_check_values(table, column, rule))
        elif claim(column, f"values.{column}"):
            issues.extend(_check_values(table, column, rule))
    for column, value in target.constants.items():
        if claim(column, f"constants.{column}") and value is not None:
            issues.extend(_check_literal(table, column, str(_text(value)), f"constants.{column}"))
    if target.melt is not None:
        melt = target.melt
        claim(melt.into, "melt.into")
        claim(melt.value_into, "melt.value_into")
        if melt.into in table:
            for key in melt.columns:
                issues.extend(_check_literal(table, melt.into, key, f"melt.columns.{key}"))
    for part, candidates in enumerate(target.source_id):
        if not candidates:
            issues.append(f".source_id[{part}]: no candidate header names")
    for column in table.required_columns():
        if column not in KEY_COLUMNS and column != table.id_column and column not in owners:
            issues.append(f": required column {column!r} of {table.name} is not mapped")
    for where, candidates in _all_candidates(target):
        for candidate in candidates:
            if candidate.startswith("@") and "*" not in candidate:
                issues.append(f".{where}: capture {candidate!r} needs a '*' to capture")
    return issues


def _all_candidates(target: Target) -> list[tuple[str, Candidates]]:
    found: list[tuple[str, Candidates]] = [
        (f"source_id[{i}]", c) for i, c in enumerate(target.source_id)
    ]
    found += [(f"columns.{k}", v) for k, v in target.columns.items()]
    found += [(f"values.{k}.from", v.from_) for k, v in target.values.items() if v.from_]
    if target.melt is not None:
        found += [(f"melt.columns.{k}", v) for k, v in target.melt.columns.items()]
    return found


def _check_values(table: Table, column: str, rule: ValueRule) -> list[str]:
    issues = []
    outputs = [_text(v) for v in rule.map.values()]
    if rule.has_default:
        outputs.append(_text(rule.default))
    for value in outputs:
        if value is not None:
            issues.extend(_check_literal(table, column, value, f"values.{column}"))
    if rule.scale is not None and table.column(column).type not in ("integer", "float", "money"):
        issues.append(f".values.{column}.scale: {column!r} is not numeric")
    return issues


def _check_literal(table: Table, column: str, value: str, where: str) -> list[str]:
    """A literal in the spec must itself be a valid value of the canonical column."""
    problem = literal_problem(table.column(column), value)
    return [f".{where}: {problem}"] if problem else []
