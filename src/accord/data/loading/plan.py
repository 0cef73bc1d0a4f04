"""Planning one target: which file column feeds which canonical column, as SQL.

:func:`plan_target` resolves a mapping target against the file's headers and returns the
SQL text expressions of every canonical column (cleaned text, before typing), the
``source_system`` and ``source_id`` expressions and the relation to read them from (the
stage, or the stage melted into one row per non-empty melted cell). A required column
that no header matches refuses the file, naming what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from accord.data.loading.parsers import clean_text, literal
from accord.data.loading.stage import STAGE
from accord.data.schema import KEY_COLUMNS, TABLES, Table
from accord.data.sources.matching import find
from accord.data.sources.presets import get_preset
from accord.data.sources.sniff import DELIMITERS
from accord.data.sources.spec import Candidates, MappingSpec, Target, ValueRule
from accord.errors import FileRejected, NotFound

__all__ = ["TargetPlan", "plan_target", "skip_sql"]


@dataclass(frozen=True, slots=True)
class TargetPlan:
    """The SQL to fill one canonical table from the stage.

    Attributes
    ----------
    table
        The canonical table.
    relation
        A ``FROM`` item exposing ``_ord`` (record position), ``c0..cN`` and, for a melt,
        ``_melt_key`` and ``_melt_val``; report-furniture rows are already left out.
    system, source_id
        SQL of the key columns.
    texts
        Canonical column -> SQL of its cleaned text (``NULL`` when not in the file).
    labels
        Canonical column -> SQL naming its source for quarantine rows: the file header as
        a literal, or ``_melt_header`` for a melted value.
    melted
        Whether the relation has the ``_melt_*`` columns.
    scales
        Canonical column -> factor from a ``values`` rule's ``scale``.
    """

    table: Table
    relation: str
    system: str
    source_id: str
    texts: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    melted: bool = False


def _column(index: int) -> str:
    return f"c{index}"


def _source(candidates: Candidates, headers: Sequence[str]) -> tuple[str, str | None] | None:
    """SQL text of the first matching candidate, with its header (``None``: no match)."""
    found = find(candidates, headers)
    if found is None:
        return None
    if found.index is not None:
        return clean_text(_column(found.index)), found.header
    return literal(found.constant.strip() if found.constant else None), None


def _mapped(rule: ValueRule, text: str) -> str:
    lookup = rule.lookup()
    if not lookup and not rule.has_default:
        return text
    key = f"lower(regexp_replace({text}, '\\s+', ' ', 'g'))"
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in lookup.items())
    otherwise = literal(rule.default if rule.default is None else str(rule.default))
    fallback = otherwise if rule.has_default else text
    if rule.has_default and isinstance(rule.default, bool):
        fallback = literal("true" if rule.default else "false")
    return f"(CASE {key} {whens} ELSE {fallback} END)" if whens else fallback


def skip_sql(spec: MappingSpec, headers: Sequence[str]) -> str:
    """SQL that is true for rows to skip: blank rows and ``ignore_rows`` furniture.

    A blank row is one whose every field is empty (``,,,``).
    """
    blank = " AND ".join(f"{_column(i)} IS NULL" for i in range(len(headers)))
    tests = [f"({blank})"] if headers else []
    for header, pattern in spec.read.ignore_rows.items():
        found = find((header,), headers)
        if found is not None and found.index is not None:
            tests.append(
                f"regexp_matches(coalesce({_column(found.index)}, ''), {literal(pattern)})"
            )
    return " OR ".join(tests) if tests else "false"


def _what(spec: MappingSpec) -> str:
    try:
        is_preset = get_preset(spec.name) == spec
    except NotFound:
        is_preset = False
    return f"{'preset' if is_preset else 'mapping'} {spec.name}"


def _missing_message(
    spec: MappingSpec, table: Table, missing: list[tuple[str, Candidates]], headers: Sequence[str]
) -> str:
    wants = "; ".join(f"{table.name}.{name} (one of: {', '.join(c)})" for name, c in missing)
    has = ", ".join(headers) if headers else "no header"
    noun = "a column" if len(missing) == 1 else "columns"
    return f"{_what(spec)} expects {noun} for {wants}; the file has: {has}"


def _delimiter_hint(headers: Sequence[str], delimiter: str | None) -> str | None:
    if len(headers) != 1:
        return None
    for other in DELIMITERS:
        if other != delimiter and other in headers[0]:
            shown = "TAB" if other == "\t" else other
            return (
                f"The header is a single column; the file seems to be separated by {shown!r}. "
                "Remove `delimiter` from the mapping's read options (Accord detects it) or "
                "set it to that character."
            )
    return None


def plan_target(
    spec: MappingSpec,
    target: Target,
    headers: Sequence[str],
    *,
    path: Path,
    delimiter: str | None = None,
) -> TargetPlan:
    """Resolve *target* against the file's *headers*.

    Raises
    ------
    FileRejected
        A required canonical column (or the source id) has no matching header.
    """
    table = TABLES[target.table]
    texts: dict[str, str] = {}
    origin: dict[str, str] = {}
    missing: list[tuple[str, Candidates]] = []

    def resolve(column: str, candidates: Candidates) -> str | None:
        source = _source(candidates, headers)
        if source is None:
            if table.column(column).required and column != table.id_column:
                missing.append((column, candidates))
            return None
        text, header = source
        if header is not None:
            origin[column] = literal(header)
        return text

    for column, candidates in target.columns.items():
        if column in KEY_COLUMNS:
            continue
        text = resolve(column, candidates)
        if text is not None:
            texts[column] = text
    scales: dict[str, float] = {}
    for column, rule in target.values.items():
        candidates = rule.from_ or target.columns[column]
        base = texts.get(column) if rule.from_ is None else resolve(column, candidates)
        if base is None and rule.from_ is None and table.column(column).required:
            continue  # already reported as missing
        texts[column] = _mapped(rule, base or "NULL")
        if rule.scale is not None:
            scales[column] = rule.scale
    for column in target.constants:
        texts[column] = literal(target.constant_text(column))

    primary = _id_parts(target.source_id, headers)
    fallback = _id_parts(target.source_id_fallback, headers) if target.source_id_fallback else None
    if primary is None and fallback is None:
        missing.insert(0, ("source_id", tuple(c for part in target.source_id for c in part)))
    if missing:
        raise FileRejected(
            _missing_message(spec, table, missing, headers),
            path=str(path),
            hint=_delimiter_hint(headers, delimiter)
            or "Export the file with that column, rename its header, or write a mapping "
            "(docs/loading.md) and pass it with --mapping.",
        )
    ids = [_join_id(p) for p in (primary, fallback) if p is not None]
    source_id = ids[0] if len(ids) == 1 else f"coalesce({ids[0]}, {ids[1]})"
    system = literal(spec.source_system)
    if "source_system" in target.columns:
        own = _source(target.columns["source_system"], headers)
        if own is not None:
            system = f"coalesce({own[0]}, {system})"

    skip = skip_sql(spec, headers)
    base = f"SELECT rowid AS _ord, * FROM {STAGE} WHERE NOT ({skip})"
    relation = f"({base})"
    if target.melt is not None:
        melt = target.melt
        selects = []
        for key, candidates in melt.columns.items():
            found = find(candidates, headers)
            if found is None or found.index is None:
                continue
            cell = clean_text(_column(found.index))
            selects.append(
                f"SELECT *, {literal(key)} AS _melt_key, {_column(found.index)} AS _melt_val, "
                f"{literal(found.header)} AS _melt_header FROM ({base}) WHERE {cell} IS NOT NULL"
            )
        if not selects:
            selects.append(
                f"SELECT *, NULL::VARCHAR AS _melt_key, NULL::VARCHAR AS _melt_val, "
                f"NULL::VARCHAR AS _melt_header FROM ({base}) WHERE false"
            )
        relation = "(" + " UNION ALL ".join(selects) + ")"
        texts[melt.into] = "_melt_key"
        texts[melt.value_into] = clean_text("_melt_val")
        origin[melt.value_into] = "_melt_header"
        source_id = f"({source_id} || ':' || _melt_key)"
    if table.id_column is not None and table.id_column not in texts:
        texts[table.id_column] = source_id
    for column in table.column_names:
        texts.setdefault(column, "NULL")
    return TargetPlan(
        table, relation, system, source_id, texts, origin, scales, target.melt is not None
    )


def _join_id(parts: list[str]) -> str:
    """One id from its parts, joined with ``|`` (``NULL`` only when every part is empty)."""
    if len(parts) == 1:
        return parts[0]
    joined = " || '|' || ".join(f"coalesce({p}, '')" for p in parts)
    empty = " AND ".join(f"{p} IS NULL" for p in parts)
    return f"(CASE WHEN {empty} THEN NULL ELSE {joined} END)"


def _id_parts(parts: tuple[Candidates, ...], headers: Sequence[str]) -> list[str] | None:
    found = [_source(candidates, headers) for candidates in parts]
    if any(f is None for f in found):
        return None
    return [f[0] for f in found if f is not None]
