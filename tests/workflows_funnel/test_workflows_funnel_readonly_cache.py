"""The per-person funnel entries are materialised once (Ibis ``Table.cache()``, a DuckDB
temporary table) and this works on a read-only warehouse, as the CLI and the web app open
it. Figures are checked against a hand count of the events below, and the lazy (not
materialised) path must give the same tables."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import duckdb
import ibis

from accord.engines.funnel import cohort_conversion, funnel_entries, stage_rules, stage_timing

D = dt.datetime
# a: lead 01-05, mql 01-10, customer 02-01 (skips opportunity)
# b: lead 01-07, mql 03-01
# c: lead 02-02 only
EVENTS = [
    ("a", "lead", D(2025, 1, 5)),
    ("a", "mql", D(2025, 1, 10)),
    ("a", "customer", D(2025, 2, 1)),
    ("b", "lead", D(2025, 1, 7)),
    ("b", "mql", D(2025, 3, 1)),
    ("c", "lead", D(2025, 2, 2)),
]
STAGES = stage_rules(["lead", "mql", "opportunity", "customer"])
KW = {"start": D(2025, 1, 1), "end": D(2025, 4, 1), "as_of": D(2025, 4, 1)}


def _read_only(tmp_path: Path) -> ibis.BaseBackend:
    path = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE ev (person_id VARCHAR, stage VARCHAR, ts TIMESTAMP)")
    con.executemany("INSERT INTO ev VALUES (?, ?, ?)", EVENTS)
    con.close()
    return ibis.duckdb.connect(str(path), read_only=True)


def _close(con: ibis.BaseBackend) -> None:
    gc.collect()  # cached tables drop themselves when collected: while the connection is open
    con.disconnect()


def test_materialised_entries_work_read_only_and_match_a_hand_count(tmp_path: Path) -> None:
    con = _read_only(tmp_path)
    _check_read_only(con)
    _close(con)


def _check_read_only(con: ibis.BaseBackend) -> None:
    fe = funnel_entries(con.table("ev"), stages=STAGES, entity_col="person_id")
    assert "ibis_cached" in fe.table.get_name()  # a temporary table, read-only or not
    got = {r["entity"]: r["mql"] for r in fe.table.to_pyarrow().to_pylist()}
    assert got == {"a": D(2025, 1, 10), "b": D(2025, 3, 1), "c": None}
    cohort = cohort_conversion(fe, pairs=[("lead", "mql"), ("lead", "customer")], **KW)
    rows = {r["to_stage"]: (r["entered"], r["converted"]) for r in cohort.rows()}
    # 3 leads; a and b reached mql; a reached customer
    assert rows == {"mql": (3, 2), "customer": (3, 1)}
    timing = stage_timing(fe, pairs=[("lead", "mql")], **KW)
    (row,) = timing.rows()
    # a: 5 days, b: 53 days (2025-01-07 to 2025-03-01)
    assert row["reached"] == 2
    assert abs(row["mean_days"] - (5 + 53) / 2) < 1e-9


def test_lazy_and_materialised_paths_give_the_same_tables(tmp_path: Path) -> None:
    con = _read_only(tmp_path)
    _check_same(con)
    _close(con)


def _check_same(con: ibis.BaseBackend) -> None:
    ev = con.table("ev")
    cached = funnel_entries(ev, stages=STAGES, entity_col="person_id")
    lazy = funnel_entries(ev, stages=STAGES, entity_col="person_id", materialize=False)
    for fn in (cohort_conversion, stage_timing):
        assert fn(cached, **KW).table.equals(fn(lazy, **KW).table)  # type: ignore[operator]
