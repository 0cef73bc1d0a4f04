"""One pass over a target's rows before typing them: date orders and duplicate ids.

Both questions need the whole file, so they are answered by one aggregate query:

- the day/month order of each date column (``date_format: auto``): a first number above
  12 somewhere in the column means DD/MM, a second one above 12 means MM/DD; a column
  with neither (or both) is read as MM/DD. ``us``, ``eu`` and ``iso`` force the order;
- the ids that occur more than once. Grouping by a 64-bit hash of the key is much
  cheaper than grouping by the key text; only the rare repeated hashes are then grouped
  by the key itself, into :data:`DUPS` with the position of the last row of each id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.data.loading.parsers import SLASH_DATE, DateOrder
from accord.data.loading.plan import TargetPlan

if TYPE_CHECKING:
    import duckdb

__all__ = ["DUPS", "Scan", "scan_target"]

DUPS = "_accord_dups"


@dataclass(frozen=True, slots=True)
class Scan:
    """What the pass found: each date column's order, whether ids repeat, the row count."""

    orders: dict[str, DateOrder]
    has_duplicates: bool
    rows: int


def _dated(plan: TargetPlan) -> list[str]:
    return [
        c.name
        for c in plan.table.columns
        if c.type in ("date", "timestamp") and plan.texts.get(c.name, "NULL") != "NULL"
    ]


def scan_target(con: duckdb.DuckDBPyConnection, plan: TargetPlan, date_format: str) -> Scan:
    """Decide the date orders and fill :data:`DUPS` for *plan*."""
    dated = _dated(plan)
    auto = date_format not in ("us", "eu", "iso")
    parts: list[str] = []
    if auto:
        for name in dated:
            text = plan.texts[name]
            for group in (1, 2):
                number = (
                    f"TRY_CAST(NULLIF(regexp_extract({text}, '{SLASH_DATE}', {group}), '') AS INT)"
                )
                parts.append(f"max({number}) FILTER (WHERE NOT ({text} LIKE '____-%'))")
    inner = ", ".join(["count(*) AS n", *(f"{p} AS m{i}" for i, p in enumerate(parts))])
    maxima = [f"max(m{i})" for i in range(len(parts))]
    outer = ", ".join(["list(h) FILTER (WHERE n > 1 AND h IS NOT NULL)", "sum(n)", *maxima])
    keys = (
        f"SELECT *, CASE WHEN source_id IS NOT NULL THEN hash(source_system, source_id) END AS h "
        f"FROM (SELECT _ord, {plan.system} AS source_system, {plan.source_id} AS source_id, * "
        f"EXCLUDE (_ord) FROM {plan.relation})"
    )
    grouped = f"SELECT h, {inner} FROM ({keys}) GROUP BY h"
    row = con.execute(f"SELECT {outer} FROM ({grouped})").fetchone()
    found: tuple[Any, ...] = tuple(row) if row else ([], 0)
    rows = int(found[1] or 0)
    orders: dict[str, DateOrder] = {}
    for i, name in enumerate(dated):
        if not auto:
            orders[name] = "us" if date_format == "us" else "eu" if date_format == "eu" else "iso"
            continue
        first, second = (found[2 + 2 * i] or 0), (found[3 + 2 * i] or 0)
        orders[name] = "eu" if first > 12 and second <= 12 else "us"
    repeated = found[0] or []
    con.execute(f"DROP TABLE IF EXISTS {DUPS}")
    if not repeated:
        con.execute(
            f"CREATE TEMP TABLE {DUPS} (source_system VARCHAR, source_id VARCHAR, keep BIGINT)"
        )
        return Scan(orders, False, rows)
    con.execute(
        f"CREATE TEMP TABLE {DUPS} AS SELECT source_system, source_id, max(_ord) AS keep "
        f"FROM ({keys}) WHERE h IS NOT NULL AND list_contains(?, h) "
        "GROUP BY source_system, source_id HAVING count(*) > 1",
        [repeated],
    )
    return Scan(orders, True, rows)
