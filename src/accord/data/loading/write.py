"""Writing one target: typed rows into its canonical table, bad rows into quarantine.

All set-based SQL inside the load's transaction:

1. one pass decides each date column's order and finds the ids that repeat
   (:mod:`.scan`): the last row with an id wins, earlier rows are quarantined as
   superseded (the file's latest state is the source's latest state; loading an older
   row because the latest is malformed would be wrong);
3. valid rows are inserted, or, when the table already holds rows of this source system,
   compared with them by ``_row_hash`` and inserted, updated or left unchanged;
4. every problem of every invalid row becomes a quarantine row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from accord.data.catalog import QUARANTINE_TABLE, SQL_TYPES, TableCounts
from accord.data.loading.parsers import DateOrder, literal, parse_column
from accord.data.loading.plan import TargetPlan
from accord.data.loading.scan import DUPS, scan_target
from accord.data.loading.stage import REJECTS, STAGE, Stage, row_sql
from accord.data.schema import KEY_COLUMNS

if TYPE_CHECKING:
    import duckdb

__all__ = ["quarantine_rejects", "write_target"]

TYPED = "_accord_typed"
BAD = "_accord_bad"
MATERIALIZE_BELOW = 200_000
"""Files up to this many rows have their typed rows materialized once (planning the parse
expressions costs more than running them on small files); larger files evaluate them
twice instead of writing every typed row one more time."""
INCOMING = "_accord_incoming"
Order = DateOrder


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple[Any, ...]:
    row = con.execute(sql, params or []).fetchone()
    return tuple(row) if row else ()


def _value_columns(plan: TargetPlan) -> list[str]:
    return [c for c in plan.table.column_names if c not in KEY_COLUMNS]


def _typed_sql(plan: TargetPlan, orders: dict[str, Order]) -> str:
    """One row per relation row: keys, typed values, problems (``_p_``) and texts (``_t_``).

    Three nested projections, so that each cleaned text and each typed value is computed
    once and then referred to by name (the parsers repeat their input many times).
    """
    texts = [
        "_ord",
        *(["_melt_key", "_melt_header"] if plan.melted else []),
        f"{plan.system} AS source_system",
        f"{plan.source_id} AS source_id",
    ]
    values = ["*", "(CASE WHEN source_id IS NULL THEN 'missing (required)' END) AS _p_source_id"]
    problems = ["*"]
    for name in _value_columns(plan):
        text = plan.texts[name]
        if text == "NULL":
            sql_type = SQL_TYPES[plan.table.column(name).type]
            values.append(f"CAST(NULL AS {sql_type}) AS {_q(name)}")
            continue
        column = plan.table.column(name)
        ref = _q("_t_" + name)
        texts.append(f"{text} AS {ref}")
        order, scale = orders.get(name, "us"), plan.scales.get(name)
        parsed = parse_column(ref, column, order=order, scale=scale, value_ref=_q(name))
        values.append(f"{parse_column(ref, column, order=order, scale=scale).value} AS {_q(name)}")
        problems.append(f"CAST({parsed.problem} AS VARCHAR) AS {_q('_p_' + name)}")
    inner = f"SELECT {', '.join(texts)} FROM {plan.relation}"
    middle = f"SELECT {', '.join(values)} FROM ({inner})"
    return f"SELECT {', '.join(problems)} FROM ({middle})"


def _problem_columns(plan: TargetPlan) -> list[str]:
    return ["source_id"] + [n for n in _value_columns(plan) if plan.texts[n] != "NULL"]


def _ok_sql(plan: TargetPlan, alias: str | None = "t") -> str:
    prefix = f"{alias}." if alias else ""
    return " AND ".join(f"{prefix}{_q('_p_' + n)} IS NULL" for n in _problem_columns(plan))


def write_target(
    con: duckdb.DuckDBPyConnection,
    plan: TargetPlan,
    stage: Stage,
    *,
    date_format: str,
    load_id: str,
    file: str,
    loaded_at: dt.datetime,
) -> TableCounts:
    """Upsert the valid rows of *plan* and quarantine the others; return the counts."""
    table = _q(plan.table.name)
    scan = scan_target(con, plan, date_format)
    orders, has_dups = scan.orders, scan.has_duplicates
    texts = [_q("_t_" + n) for n in _problem_columns(plan)[1:]]
    exclude = f" EXCLUDE ({', '.join(texts)})" if texts else ""
    typed = f"SELECT *{exclude}, ({_ok_sql(plan, None)}) AS _ok FROM ({_typed_sql(plan, orders)})"
    con.execute(f"DROP TABLE IF EXISTS {TYPED}")
    if stage.records <= MATERIALIZE_BELOW:  # plan the big expressions once
        con.execute(f"CREATE TEMP TABLE {TYPED} AS {typed}")
        source = TYPED
    else:  # evaluate twice (valid rows, then invalid ones) rather than write it all once more
        source = f"({typed})"
    joined = (
        f"{source} t LEFT JOIN {DUPS} d ON d.source_system = t.source_system "
        "AND d.source_id = t.source_id"
    )
    good = f"SELECT t.* FROM {joined} WHERE t._ok AND (d.keep IS NULL OR d.keep = t._ord)"
    if not has_dups:  # the usual case: no join at all
        good = f"SELECT t.* FROM {source} t WHERE t._ok"
    values = list(plan.table.column_names)
    names = ", ".join(_q(c) for c in values)
    row_hash = f"(hash({', '.join('g.' + _q(c) for c in values)}) >> 1)::BIGINT"
    stamp = [load_id, loaded_at]
    systems = (
        plan.system
        if plan.system.startswith("'")
        else f"SELECT DISTINCT {plan.system} FROM {plan.relation}"
    )
    existing = _fetch(con, f"SELECT count(*) > 0 FROM {table} WHERE source_system IN ({systems})")[
        0
    ]
    if not existing:
        inserted = _fetch(
            con,
            f"INSERT INTO {table} ({names}, _load_id, _loaded_at, _row_hash) "
            f"SELECT {', '.join('g.' + _q(c) for c in values)}, ?, ?, {row_hash} FROM ({good}) g",
            stamp,
        )[0]
        updated = unchanged = 0
    else:
        inserted, updated, unchanged = _merge(con, plan, good, row_hash, stamp)
    valid = int(inserted) + int(updated) + int(unchanged)
    quarantined = 0
    if valid < scan.rows:  # a clean file needs no pass over its invalid rows
        quarantined = _quarantine(con, plan, stage, joined, load_id=load_id, file=file)
    con.execute(f"DROP TABLE IF EXISTS {DUPS}")
    con.execute(f"DROP TABLE IF EXISTS {TYPED}")
    return TableCounts(
        rows=int(inserted) + int(updated) + int(unchanged) + quarantined,
        inserted=int(inserted),
        updated=int(updated),
        unchanged=int(unchanged),
        quarantined=int(quarantined),
    )


def _merge(
    con: duckdb.DuckDBPyConnection,
    plan: TargetPlan,
    good: str,
    row_hash: str,
    stamp: list[object],
) -> tuple[int, int, int]:
    """Insert new keys, update changed rows, count unchanged ones (by ``_row_hash``)."""
    table = _q(plan.table.name)
    values = list(plan.table.column_names)
    con.execute(f"DROP TABLE IF EXISTS {INCOMING}")
    con.execute(
        f"CREATE TABLE {INCOMING} AS SELECT "
        f"{', '.join('g.' + _q(c) for c in values)}, {row_hash} AS _row_hash FROM ({good}) g"
    )
    keys = "w.source_system = i.source_system AND w.source_id = i.source_id"
    inserted, unchanged, updated = _fetch(
        con,
        "SELECT count(*) FILTER (WHERE w.source_id IS NULL), "
        "count(*) FILTER (WHERE w._row_hash = i._row_hash), "
        "count(*) FILTER (WHERE w.source_id IS NOT NULL AND w._row_hash IS DISTINCT FROM "
        f"i._row_hash) FROM {INCOMING} i LEFT JOIN {table} w ON {keys}",
    )
    if updated:
        assignments = ", ".join(f"{_q(c)} = i.{_q(c)}" for c in values if c not in KEY_COLUMNS)
        con.execute(
            f"UPDATE {table} AS w SET {assignments}, _load_id = ?, _loaded_at = ?, "
            f"_row_hash = i._row_hash FROM {INCOMING} i WHERE {keys} "
            "AND w._row_hash IS DISTINCT FROM i._row_hash",
            stamp,
        )
    if inserted:
        names = ", ".join(_q(c) for c in values)
        con.execute(
            f"INSERT INTO {table} ({names}, _load_id, _loaded_at, _row_hash) "
            f"SELECT {', '.join('i.' + _q(c) for c in values)}, ?, ?, i._row_hash "
            f"FROM {INCOMING} i ANTI JOIN {table} w ON {keys}",
            stamp,
        )
    con.execute(f"DROP TABLE {INCOMING}")
    return int(inserted), int(updated), int(unchanged)


def _record_sql(stage: Stage, alias: str) -> str:
    if not stage.headers:
        return "'{}'"
    pairs = ", ".join(f"{literal(h)}, {alias}.c{i}" for i, h in enumerate(stage.headers))
    return f"json_object({pairs})::VARCHAR"


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    plan: TargetPlan,
    stage: Stage,
    joined: str,
    *,
    load_id: str,
    file: str,
) -> int:
    """Quarantine every problem of the invalid and superseded rows; return the row count.

    Typed rows carry no texts; the bad rows get theirs back from the relation (the join
    keeps only the few bad rows' positions).
    """
    superseded = "b._keep IS NOT NULL AND b._keep <> b._ord"
    structs = []
    for name in _problem_columns(plan):
        if name == "source_id":
            value = "b.source_id"
            reason = (
                f"coalesce(b._p_source_id, CASE WHEN {superseded} THEN 'superseded by row ' "
                f"|| {row_sql('b._keep', stage)} || ' (the last row with an id wins)' END)"
            )
        else:
            value, reason = f"b.{_q('_t_' + name)}", f"b.{_q('_p_' + name)}"
        label = plan.labels.get(name, literal(name)).replace("_melt_header", "b._melt_header")
        # every field as VARCHAR: a label or text may be a typed literal (or NULL), and
        # list_value() needs one struct type for all elements
        structs.append(
            f"{{'column': CAST({label} AS VARCHAR), 'value': CAST({value} AS VARCHAR), "
            f"'reason': CAST({reason} AS VARCHAR)}}"
        )
    keys = ", ".join(["_ord", *(["_melt_key"] if plan.melted else [])])
    texts = [f"{plan.texts[n]} AS {_q('_t_' + n)}" for n in _problem_columns(plan)[1:]]
    bad_rows = (
        f"SELECT t.*, d.keep AS _keep FROM {joined} "
        "WHERE NOT t._ok OR (d.keep IS NOT NULL AND d.keep <> t._ord)"
    )
    relation_texts = f"SELECT {', '.join([keys, *texts])} FROM {plan.relation}"
    con.execute(f"DROP TABLE IF EXISTS {BAD}")
    con.execute(
        f"CREATE TEMP TABLE {BAD} AS SELECT b.*, r.* EXCLUDE ({keys}) "
        f"FROM ({bad_rows}) b JOIN ({relation_texts}) r USING ({keys})"
    )
    bad = f"SELECT b._ord, unnest([{', '.join(structs)}]) AS p FROM {BAD} b"
    table = literal(plan.table.name)
    problems = _fetch(
        con,
        f"INSERT INTO {QUARANTINE_TABLE} SELECT ?, ?, {row_sql('q._ord', stage)}, {table}, "
        f"q.p.column, q.p.value, q.p.reason, {_record_sql(stage, 's')}, now()::TIMESTAMP "
        f"FROM ({bad}) q JOIN (SELECT rowid AS _rid, * FROM {STAGE}) s ON s._rid = q._ord "
        "WHERE q.p.reason IS NOT NULL",
        [load_id, file],
    )[0]
    count = _fetch(con, f"SELECT count(*) FROM {BAD}")[0] if problems else 0
    con.execute(f"DROP TABLE {BAD}")
    return int(count)


_REJECT_REASONS = {
    "MISSING COLUMNS": "the row has fewer fields than the header (a cut-off line, or a "
    "missing delimiter?)",
    "TOO MANY COLUMNS": "the row has more fields than the header (a delimiter inside an "
    "unquoted value?)",
    "UNQUOTED VALUE": "a quote in the middle of an unquoted value",
    "UNTERMINATED QUOTES": "a quoted value that is never closed (a cut-off file?)",
    "INVALID ENCODING": "bytes that are not valid UTF-8 (the file mixes encodings; save it as "
    "UTF-8)",
    "INVALID UNICODE": "bytes that are not valid UTF-8 (the file mixes encodings; save it as "
    "UTF-8)",
    "LINE SIZE OVER MAXIMUM": "the row is longer than the 8 MB limit",
}


def quarantine_rejects(
    con: duckdb.DuckDBPyConnection, stage: Stage, *, load_id: str, file: str
) -> None:
    """Quarantine the rows DuckDB could not split into fields (one row per line)."""
    if not stage.rejected:
        return
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in _REJECT_REASONS.items())
    names = " ".join(f"WHEN 'c{i}' THEN {literal(h)}" for i, h in enumerate(stage.headers))
    column = f"(CASE column_name {names} ELSE NULL END)" if names else "NULL"
    con.execute(
        f"INSERT INTO {QUARANTINE_TABLE} SELECT ?, ?, row, NULL, {column}, NULL, "
        f"(CASE error_type {cases} ELSE error_message END), to_json(csv_line)::VARCHAR, "
        f"now()::TIMESTAMP FROM (SELECT *, row_number() OVER (PARTITION BY row "
        f"ORDER BY error_type) AS n FROM {REJECTS}) WHERE n = 1",
        [load_id, file],
    )
