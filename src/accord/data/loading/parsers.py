"""SQL expressions that parse and check text values, one per canonical column type.

Every parser takes the SQL of a cleaned text value (trimmed; ``NULL`` when empty) and
returns a :class:`Parsed`: the SQL of the typed value and the SQL of the problem (``NULL``
when the value is fine, else a reason a user understands). They run inside DuckDB over
the whole file at once; nothing here touches a row in Python.

Rules (documented for users in ``docs/loading.md``):

- numbers: currency symbols and ISO codes (``$``, ``€``, ``USD``), spaces and ``'`` are
  ignored; ``(12.50)`` is negative; ``12%`` is 0.12. The decimal separator is the last of
  ``.`` and ``,`` when both appear (``1,234.56``, ``1.234,56``); a lone ``,`` followed by
  exactly three digits groups thousands (``1,234``), otherwise it is decimal (``12,5``).
- booleans: true/t/yes/y/1 and false/f/no/n/0, any case.
- dates: ISO ``YYYY-MM-DD`` first, always; ``MM/DD/YYYY`` or ``DD/MM/YYYY`` (``/``, ``.``
  or ``-``, two-digit years 00-69 -> 20xx) as the column's order says; month names
  (``Jan 5, 2024``, ``5 January 2024``).
- timestamps: ISO 8601 with ``T`` or space, optional fraction, ``Z``, offset or zone
  name; the date forms above with ``HH:MM[:SS]`` and optional AM/PM; Unix epoch seconds
  or milliseconds. Naive values are in the load's time zone (the session's ``TimeZone``);
  all are stored as naive UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never

from accord.data.schema import CURRENCIES, Column
from accord.data.sources.literals import BOOLEAN_FALSE, BOOLEAN_TRUE

__all__ = ["DateOrder", "Parsed", "clean_text", "literal", "parse_column"]

DateOrder = Literal["us", "eu", "iso"]
_NAMED_MONTHS = "['%b %d, %Y', '%B %d, %Y', '%d %b %Y', '%d %B %Y', '%d-%b-%Y', '%b %d %Y']"
SLASH_DATE = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b"


@dataclass(frozen=True, slots=True)
class Parsed:
    """SQL of a typed value and of its problem (``NULL`` when there is none)."""

    value: str
    problem: str


def literal(text: str | None) -> str:
    """A SQL string literal (``NULL`` for ``None``)."""
    if text is None:
        return "NULL"
    return "'" + text.replace("'", "''") + "'"


_SPACE = " \t\r\n\u00a0"
_EDGES = " OR ".join(f"{{e}} LIKE '{pattern}'" for ch in _SPACE for pattern in (ch + "%", "%" + ch))


def clean_text(expr: str) -> str:
    """Trim spaces, tabs, line breaks and no-break spaces; empty text becomes ``NULL``.

    The trim runs only for values that start or end with such a character (a cheap
    prefix/suffix test): trimming every value costs more than parsing the CSV.
    """
    edges = _EDGES.format(e=expr)
    return f"(CASE WHEN {edges} THEN NULLIF(trim({expr}, '{_SPACE}'), '') ELSE {expr} END)"


def _number(t: str) -> str:
    """DOUBLE from number text, ``NULL`` when it is not one."""
    codes = "|".join(CURRENCIES)
    s = (
        f"regexp_replace(regexp_replace({t}, '(?i)\\b({codes})\\b|[\\s\\x{{00a0}}''$€£¥₹]', "
        f"'', 'g'), '^\\((.*)\\)$', '-\\1')"
    )
    b = f"rtrim({s}, '%')"
    scale = f"(CASE WHEN ends_with({s}, '%') THEN 0.01 ELSE 1 END)"
    normal = (
        "CASE "
        f"WHEN regexp_full_match({b}, '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?') THEN {b} "
        f"WHEN regexp_full_match({b}, '[+-]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d*)?') "
        f"THEN replace({b}, ',', '') "
        f"WHEN regexp_full_match({b}, '[+-]?\\d{{1,3}}(\\.\\d{{3}})+,\\d*') "
        f"THEN replace(replace({b}, '.', ''), ',', '.') "
        f"WHEN regexp_full_match({b}, '[+-]?\\d{{1,3}}(\\.\\d{{3}}){{2,}}') "
        f"THEN replace({b}, '.', '') "
        f"WHEN regexp_full_match({b}, '[+-]?\\d*,\\d+') THEN replace({b}, ',', '.') "
        "END"
    )
    return f"(TRY_CAST({normal} AS DOUBLE) * {scale})"


_CLOCKS = (" %I:%M:%S %p", " %I:%M %p", " %H:%M:%S.%f", " %H:%M:%S", " %H:%M", "")


def _formats(order: DateOrder, year: str) -> str:
    first, second = ("%m", "%d") if order == "us" else ("%d", "%m")
    return "[" + ", ".join(f"'{first}/{second}/{year}{clock}'" for clock in _CLOCKS) + "]"


def _slash(t: str, order: DateOrder) -> str:
    """TIMESTAMP (naive) from ``a/b/yyyy[ time]`` text in *order* (``NULL`` when invalid).

    ``.`` and ``-`` separators become ``/`` and a comma after the date is dropped
    (Salesforce writes ``1/5/2024, 10:30 AM``); a two-digit year uses ``%y``.
    """
    n = f"regexp_replace(replace({t}, ',', ''), '^(\\d{{1,2}})[.-](\\d{{1,2}})[.-]', '\\1/\\2/')"
    return (
        f"(CASE WHEN regexp_matches({n}, '^\\d{{1,2}}/\\d{{1,2}}/\\d{{2}}(\\D|$)') "
        f"THEN try_strptime({n}, {_formats(order, '%y')}) "
        f"ELSE try_strptime({n}, {_formats(order, '%Y')}) END)"
    )


def _date(t: str, order: DateOrder) -> str:
    iso = f"TRY_CAST(regexp_extract({t}, '^\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}') AS DATE)"
    if order == "iso":
        return f"(CASE WHEN regexp_matches({t}, '^\\d{{4}}-') THEN {iso} END)"
    ymd = f"TRY_CAST(try_strptime(regexp_extract({t}, '^\\d{{4}}/\\d{{1,2}}/\\d{{1,2}}'), '%Y/%m/%d') AS DATE)"  # noqa: E501
    named = f"TRY_CAST(try_strptime({t}, {_NAMED_MONTHS}) AS DATE)"
    return (
        f"(CASE WHEN regexp_matches({t}, '^\\d{{4}}-') THEN {iso} "
        f"WHEN regexp_matches({t}, '^\\d{{4}}/') THEN {ymd} "
        f"WHEN regexp_matches({t}, '{SLASH_DATE}') THEN TRY_CAST({_slash(t, order)} AS DATE) "
        f"ELSE {named} END)"
    )


def _timestamp(t: str, order: DateOrder) -> str:
    """TIMESTAMP (naive UTC) from text; naive text is in the session's time zone.

    ISO 8601 is read with or without a space before the offset: ``2025-05-25 07:58:14
    +0000`` is how Ruby (Zendesk) and Go print times; the rewrite runs only where the
    plain cast failed.
    """
    iso = (
        f"coalesce(TRY_CAST({t} AS TIMESTAMPTZ), TRY_CAST(regexp_replace({t}, "
        f"'\\s+([+-]\\d{{2}}:?\\d{{2}})$', '\\1') AS TIMESTAMPTZ))"
    )
    if order == "iso":
        return _utc(f"(CASE WHEN regexp_matches({t}, '^\\d{{4}}-') THEN {iso} END)")
    zoned = (
        f"(CASE WHEN regexp_matches({t}, '^\\d{{4}}-\\d{{1,2}}-') THEN {iso} "
        f"WHEN regexp_full_match({t}, '\\d{{10}}(\\.\\d+)?') THEN to_timestamp({t}::DOUBLE) "
        f"WHEN regexp_full_match({t}, '\\d{{13}}') THEN to_timestamp({t}::DOUBLE / 1000) "
        f"WHEN regexp_matches({t}, '{SLASH_DATE}') THEN CAST({_slash(t, order)} AS TIMESTAMPTZ) "
        f"ELSE CAST(TRY_CAST(try_strptime({t}, {_NAMED_MONTHS}) AS TIMESTAMP) AS TIMESTAMPTZ) END)"
    )
    return _utc(zoned)


def _utc(zoned: str) -> str:
    """Naive UTC TIMESTAMP of a TIMESTAMPTZ (its epoch; much cheaper than AT TIME ZONE)."""
    return f"make_timestamp(epoch_us({zoned}))"


def _enum_value(t: str, column: Column) -> str:
    assert column.enum is not None
    if column.name == "currency" or all(v.isupper() for v in column.enum):
        return f"upper({t})"
    if any("_" in v for v in column.enum):
        allowed = ", ".join(literal(v) for v in column.enum)
        return (
            f"(CASE WHEN lower({t}) IN ({allowed}) THEN lower({t}) "
            f"ELSE regexp_replace(lower({t}), '[\\s-]+', '_', 'g') END)"
        )
    return f"lower({t})"


_DATE_HINTS: dict[DateOrder, str] = {"us": "MM/DD/YYYY", "eu": "DD/MM/YYYY", "iso": ""}


def _date_hint(order: DateOrder, *, clock: bool = False) -> str:
    other = _DATE_HINTS[order]
    if clock:
        tail = f", or {other} HH:MM" if other else ""
        return f"ISO 8601 like 2024-01-31T09:30:00Z{tail}"
    return f"YYYY-MM-DD or {other}" if other else "YYYY-MM-DD"


def parse_column(
    t: str,
    column: Column,
    *,
    order: DateOrder = "us",
    scale: float | None = None,
    value_ref: str | None = None,
) -> Parsed:
    """Typed value and problem SQL for canonical *column* from the cleaned text SQL *t*.

    *t* is repeated many times in the result: pass a column reference, not an
    expression. The problem refers to the value through *value_ref* (a column holding
    the value computed in an inner query) when given, else repeats the value's SQL.
    """
    kind = column.type
    value: str
    failure: str
    if kind == "string":
        value, failure = (_enum_value(t, column), "") if column.enum else (t, "")
    elif kind == "integer" or kind == "float" or kind == "money":
        number = _number(t) if scale is None else f"({_number(t)} * {scale!r})"
        if kind == "integer":
            value = (
                f"(CASE WHEN {number} = floor({number}) AND abs({number}) < 9.2e18 "
                f"THEN ({number})::BIGINT END)"
            )
            failure = "not a whole number"
        else:
            value = number
            failure = "not a number" if kind == "float" else "not an amount"
    elif kind == "boolean":
        trues = ", ".join(literal(v) for v in BOOLEAN_TRUE)
        falses = ", ".join(literal(v) for v in BOOLEAN_FALSE)
        value = (
            f"(CASE WHEN lower({t}) IN ({trues}) THEN true "
            f"WHEN lower({t}) IN ({falses}) THEN false END)"
        )
        failure = "not true/false (expected true/false, yes/no or 1/0)"
    elif kind == "date":
        value = _date(t, order)
        failure = f"not a date (expected {_date_hint(order)})"
    elif kind == "timestamp":
        value = _timestamp(t, order)
        failure = f"not a date-time (expected {_date_hint(order, clock=True)})"
    else:  # pragma: no cover - exhaustive
        assert_never(kind)
    checks = [
        f"WHEN {t} IS NULL THEN {literal('missing (required)') if column.required else 'NULL'}"
    ]
    if failure:
        checks.append(f"WHEN ({value}) IS NULL THEN {literal(failure)}")
    if column.enum:
        allowed = ", ".join(literal(v) for v in column.enum)
        reason = f"unknown value; expected one of: {', '.join(column.enum)}"
        checks.append(f"WHEN ({value}) NOT IN ({allowed}) THEN {literal(reason)}")
    if column.minimum is not None:
        reason = f"below the minimum {column.minimum:g}"
        if column.minimum == 0:
            reason = "negative (must be 0 or more)"
        checks.append(f"WHEN ({value}) < {column.minimum!r} THEN {literal(reason)}")
    problem = "(CASE " + " ".join(checks) + " END)"
    return Parsed(value=f"({value})", problem=problem)
