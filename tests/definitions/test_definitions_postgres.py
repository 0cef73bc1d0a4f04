"""Every compilable starter metric runs on a real PostgreSQL server and gives the same
values as on DuckDB (integration tier: needs PostgreSQL, see tests/conftest.py)."""

from __future__ import annotations

import math
from typing import Any

import ibis
import pandas as pd
import pytest

from accord.data.schema import TABLES
from accord.definitions import CompiledMetric, compile_metric, starter_catalog
from accord.definitions.measures import Constant

pytestmark = pytest.mark.integration

_TYPES = {"string": "string", "integer": "int64", "float": "float64", "money": "float64",
          "boolean": "boolean", "date": "date", "timestamp": "timestamp"}  # fmt: skip


def _rows(compiled: CompiledMetric) -> list[tuple[Any, ...]]:
    frame = compiled.expr.execute()
    out = []
    for row in frame.to_dict("records"):
        values = []
        for key in (*compiled.keys, "value"):
            v = row[key]
            if key == "period":
                v = pd.Timestamp(v).date()
            elif isinstance(v, float) and math.isnan(v):
                v = None
            values.append(v)
        out.append(tuple(values))
    return out


def test_starter_metrics_agree_on_postgres_and_duckdb(
    postgres_url: str, frames: dict[str, pd.DataFrame], workspace: dict[str, ibis.Table]
) -> None:
    url = postgres_url.replace("postgresql+psycopg://", "postgres://")
    con = ibis.connect(url)
    try:
        pg = {}
        for name, frame in frames.items():
            schema = ibis.schema({c.name: _TYPES[c.type] for c in TABLES[name]})
            pg[name] = con.create_table(name, schema=schema)
            if len(frame):
                con.insert(name, ibis.memtable(frame, schema=schema))
        metrics = starter_catalog().metrics()
        checked = 0
        for name, metric in sorted(metrics.items()):
            if metric.body.engine != "compiler" or isinstance(metric.body.measure, Constant):
                continue
            for query in ({"grain": "month"},):
                on_duckdb = compile_metric(name, metrics=metrics, tables=workspace, **query)
                on_postgres = compile_metric(name, metrics=metrics, tables=pg, **query)
                if not isinstance(on_duckdb, CompiledMetric):  # built on an engine metric
                    continue
                assert isinstance(on_postgres, CompiledMetric)
                expected = _rows(on_duckdb)
                got = _rows(on_postgres)
                assert [r[:-1] for r in got] == [r[:-1] for r in expected], name
                for g, e in zip(got, expected, strict=True):
                    assert g[-1] == (None if e[-1] is None else pytest.approx(e[-1])), name
                checked += 1
        assert checked >= 30
    finally:
        con.disconnect()
