"""The compiler's contract besides values: what it refuses, and what it says it used."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import accord.definitions
from accord.definitions import (
    Citation,
    CompiledMetric,
    MetricResult,
    compile_metric,
    parse_definition,
    starter_catalog,
)
from accord.definitions.graph import available_dimensions, effective_grain
from accord.definitions.results import Signatory
from accord.definitions.semantic import canonical_tables
from accord.errors import InputError, NotFound

METRICS = starter_catalog().metrics()
TABLES = canonical_tables()


def test_unknown_dimension_is_an_input_error() -> None:
    with pytest.raises(InputError, match="has no dimension 'colour'") as e:
        compile_metric("mqls", metrics=METRICS, tables=TABLES, by=["colour"])
    assert e.value.hint == "use one of: lead_source, region, rep, segment"


def test_a_composite_has_the_dimensions_all_its_inputs_share() -> None:
    assert set(available_dimensions("win_rate", METRICS)) == {
        "rep", "segment", "region", "lead_source"}  # fmt: skip
    # paid_spend has channel/campaign, new_customers has segment/region/lead_source
    assert available_dimensions("blended_cac", METRICS) == {}
    with pytest.raises(InputError):
        compile_metric("blended_cac", metrics=METRICS, tables=TABLES, by=["channel"])


def test_grain_finer_than_the_definition_is_refused() -> None:
    assert effective_grain("blended_cac", METRICS) == "month"
    with pytest.raises(InputError, match="cannot be computed by week"):
        compile_metric("blended_cac", metrics=METRICS, tables=TABLES, grain="week")


def test_monthly_constant_over_open_range_is_refused() -> None:
    with pytest.raises(InputError, match="open date range"):
        compile_metric("blended_cac", metrics=METRICS, tables=TABLES)


def test_empty_range_and_unknown_metric() -> None:
    with pytest.raises(InputError, match="empty date range"):
        compile_metric("mqls", metrics=METRICS, tables=TABLES, start=date(2025, 2, 1),
                       end=date(2025, 1, 1))  # fmt: skip
    with pytest.raises(NotFound):
        compile_metric("nope", metrics=METRICS, tables=TABLES)


def test_missing_table_is_an_input_error() -> None:
    with pytest.raises(InputError, match="'lifecycle_events' is needed"):
        compile_metric("mqls", metrics=METRICS, tables={})


def test_compiled_metric_lists_every_definition_it_uses() -> None:
    compiled = compile_metric("cac_payback_months", metrics=METRICS, tables=TABLES,
                              grain="month")  # fmt: skip
    assert isinstance(compiled, CompiledMetric)
    assert compiled.uses == (
        "blended_cac", "cac_payback_months", "gross_margin", "new_customer_revenue",
        "new_customers", "other_sales_marketing_cost", "paid_spend")  # fmt: skip


def _cite(name: str, version: int = 1) -> Citation:
    return Citation(name, "metric", version, f"sha256:{name}",
                    (Signatory("sales", "bo", datetime(2025, 1, 2)),))  # fmt: skip


def test_a_result_cannot_be_built_without_citing_every_definition_used() -> None:
    compiled = compile_metric("win_rate", metrics=METRICS, tables=TABLES, grain="month",
                              by=["rep"])  # fmt: skip
    assert isinstance(compiled, CompiledMetric)
    rows = [{"period": datetime(2025, 2, 1), "rep": "R1", "value": float("nan")}]
    with pytest.raises(ValueError, match="without a citation"):
        MetricResult.from_rows(compiled, rows, {"win_rate": _cite("win_rate")})
    with pytest.raises(ValueError, match="is for"):
        MetricResult.from_rows(compiled, rows, {n: _cite("win_rate") for n in compiled.uses})
    cites = {n: _cite(n, 2) for n in compiled.uses}
    result = MetricResult.from_rows(compiled, rows, cites)
    assert result.to_json() == {
        "metric": "win_rate",
        "version": 2,
        "content_hash": "sha256:win_rate",
        "signed_by": [{"team": "sales", "user": "bo", "at": "2025-01-02T00:00:00"}],
        "uses": [cites["closed_opportunities"].to_json(), cites["won_opportunities"].to_json()],
        "grain": "month",
        "by": ["rep"],
        "from": None,
        "to": None,
        "rows": [{"period": "2025-02-01", "rep": "R1", "value": None}],
    }


def test_a_metric_with_a_constant_only_is_folded() -> None:
    double = parse_definition({"kind": "metric", "name": "double_margin", "owners": ["finance"],
                               "body": {"measure": {"agg": "derived", "expr": "2 * gross_margin"},
                                        "direction": "higher", "unit": "ratio"}})  # fmt: skip
    metrics = {**METRICS, "double_margin": double}
    compiled = compile_metric("double_margin", metrics=metrics, tables={})
    assert isinstance(compiled, CompiledMetric)
    assert compiled.expr.execute().to_dict("records") == [{"value": 1.6}]


def test_public_surface() -> None:
    for name in accord.definitions.__all__:
        assert hasattr(accord.definitions, name), name
    assert {"compile_metric", "validate", "load_folder", "dump", "content_hash",
            "DefinitionStore", "MetricResult", "starter_catalog"} <= set(
        accord.definitions.__all__)  # fmt: skip
