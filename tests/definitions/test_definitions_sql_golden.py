"""Golden SQL: what every starter metric compiles to on DuckDB, PostgreSQL and PySpark.

One file per metric and dialect under ``snapshots/<dialect>/``; regenerate with
``ACCORD_SNAPSHOT_UPDATE=1`` (see conftest.py) and review the diff. The PySpark SQL is
produced by Ibis' PySpark compiler without PySpark installed (:mod:`accord.definitions.sql`).
Metrics computed by an engine have no SQL: the compiler says which engine they need.
Constants are parameters, not queries, and have no SQL either.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accord.definitions import CompiledMetric, NotCompilable, compile_metric, starter_catalog
from accord.definitions.measures import Constant
from accord.definitions.semantic import canonical_tables
from accord.definitions.sql import DIALECTS, to_sql

METRICS = starter_catalog().metrics()
TABLES = canonical_tables()
ENGINE = {"ltv": "clv", "ltv_to_cac": "clv", "marketing_influenced_pipeline": "attribution"}
QUERIED = sorted(
    n for n, m in METRICS.items() if n not in ENGINE and not isinstance(m.body.measure, Constant)
)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", QUERIED)
def test_metric_sql_by_month(name: str, dialect: str, snapshot: Callable[[str, str], None]) -> None:
    compiled = compile_metric(name, metrics=METRICS, tables=TABLES, grain="month")
    assert isinstance(compiled, CompiledMetric)
    snapshot(f"{dialect}/{name}.sql", to_sql(compiled, dialect))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_breakdown_and_range_sql(dialect: str, snapshot: Callable[[str, str], None]) -> None:
    from datetime import date

    compiled = compile_metric(
        "mql_to_sal_rate",
        metrics=METRICS,
        tables=TABLES,
        grain="week",
        by=["segment", "rep"],
        start=date(2025, 1, 1),
        end=date(2025, 4, 1),
    )
    assert isinstance(compiled, CompiledMetric)
    snapshot(
        f"{dialect}/_mql_to_sal_rate_by_segment_rep_weekly_2025q1.sql", to_sql(compiled, dialect)
    )


@pytest.mark.parametrize(("name", "engine"), sorted(ENGINE.items()))
def test_engine_metrics_are_not_compiled(name: str, engine: str) -> None:
    result = compile_metric(name, metrics=METRICS, tables=TABLES, grain="month")
    assert isinstance(result, NotCompilable)
    assert (result.reason, result.engine) == ("needs-engine", engine)
    assert name in result.uses


def test_every_starter_metric_is_covered() -> None:
    constants = {n for n, m in METRICS.items() if isinstance(m.body.measure, Constant)}
    assert set(QUERIED) | set(ENGINE) | constants == set(METRICS)
    assert constants == {"gross_margin", "other_sales_marketing_cost"}
