"""``accord metric``: a metric from its in-force definition on the demo company, checked
against pandas on the warehouse's raw rows, with the versions and signatories cited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from typer.testing import Result

Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def raw(demo_run: tuple[Path, Result]) -> dict[str, pd.DataFrame]:
    """The demo warehouse's tables as pandas frames, read with DuckDB's own SQL."""
    demo_dir, result = demo_run
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(demo_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {
            t: con.sql(f"SELECT * FROM {t}").df()
            for t in ("lifecycle_events", "contacts", "accounts", "opportunities")
        }
    finally:
        con.close()


def _metric(invoke: Invoke, demo_dir: Path, *args: str) -> dict[str, Any]:
    result = invoke("metric", *args, "-f", "json", "-w", demo_dir)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _distinct_contacts(events: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    kept = events[events.stage.isin(stages)]
    return kept.assign(month=kept.ts.dt.to_period("M").dt.start_time.dt.date.astype(str))


def test_mqls_by_month_match_pandas_and_cite_the_signed_version(
    invoke: Invoke, demo_run: tuple[Path, Result], raw: dict[str, pd.DataFrame]
) -> None:
    demo_dir, _ = demo_run
    data = _metric(invoke, demo_dir, "mqls", "--grain", "month")
    assert (data["metric"], data["version"], data["grain"]) == ("mqls", 1, "month")
    assert [(s["team"], s["user"]) for s in data["signed_by"]] == [
        ("marketing", "marketing-lead"), ("sales", "sales-lead")]  # fmt: skip
    mqls = _distinct_contacts(raw["lifecycle_events"], ["mql"])
    expected = (
        mqls.drop_duplicates(["month", "source_system", "contact_id"]).groupby("month").size()
    )
    got = {r["period"]: r["value"] for r in data["rows"]}
    assert got == {month: float(n) for month, n in expected.items()}
    assert sum(got.values()) > 50  # the demo company has MQLs in most months


def test_acceptance_rate_by_quarter_matches_pandas_and_cites_its_inputs(
    invoke: Invoke, demo_run: tuple[Path, Result], raw: dict[str, pd.DataFrame]
) -> None:
    demo_dir, _ = demo_run
    data = _metric(invoke, demo_dir, "mql_to_sal_rate", "--grain", "quarter")
    assert [u["name"] for u in data["uses"]] == ["mql_decisions", "sals"]
    assert all(u["version"] == 1 and len(u["signed_by"]) == 2 for u in data["uses"])
    events = raw["lifecycle_events"]
    events = events.assign(quarter=events.ts.dt.to_period("Q").dt.start_time.dt.date.astype(str))

    def distinct(stages: list[str]) -> pd.Series:
        kept = events[events.stage.isin(stages)]
        return kept.drop_duplicates(["quarter", "source_system", "contact_id"]).groupby(
            "quarter").size()  # fmt: skip

    rate = (distinct(["sal"]) / distinct(["sal", "rejected"])).dropna()
    got = {r["period"]: r["value"] for r in data["rows"]}
    assert got == pytest.approx(rate.to_dict())


def test_pipeline_by_segment_as_csv_matches_pandas(
    invoke: Invoke, demo_run: tuple[Path, Result], raw: dict[str, pd.DataFrame]
) -> None:
    demo_dir, _ = demo_run
    result = invoke(
        "metric", "pipeline_created", "--by", "segment", "--from", "2025-01-01",
        "--to", "2025-07-01", "-f", "csv", "-w", demo_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(rows[0]) == {"metric", "version", "segment", "value"}
    assert {(r["metric"], r["version"]) for r in rows} == {("pipeline_created", "1")}
    opps = raw["opportunities"]
    opps = opps[(opps.created_at >= "2025-01-01") & (opps.created_at < "2025-07-01")]
    accounts = raw["accounts"][["source_system", "account_id", "segment"]]
    joined = opps.merge(accounts, on=["source_system", "account_id"], how="left")
    expected = joined.groupby(joined.segment.fillna(""), dropna=False).amount.sum()
    got = {r["segment"]: float(r["value"]) for r in rows}
    assert got == pytest.approx(expected.to_dict())


def test_the_table_names_the_version_and_who_signed(
    invoke: Invoke, demo_run: tuple[Path, Result]
) -> None:
    demo_dir, _ = demo_run
    result = invoke("metric", "win_rate", "--grain", "year", "-w", demo_dir)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "win_rate v1 (signed by sales: sales-lead)"
    assert lines[1] == "  uses closed_opportunities v1 (signed by sales: sales-lead)"
    assert "%" in result.stdout  # the metric's own format, .1%


def test_engine_metrics_name_the_engine_and_its_command(
    invoke: Invoke, demo_run: tuple[Path, Result]
) -> None:
    demo_dir, _ = demo_run
    ltv = invoke("metric", "ltv_to_cac", "-w", demo_dir)
    assert ltv.exit_code == 2
    assert "computed by the clv engine (through its input 'ltv')" in ltv.stderr
    assert "accord clv --help" in ltv.stderr
    influenced = invoke("metric", "marketing_influenced_pipeline", "-w", demo_dir)
    assert "accord attribution --help" in influenced.stderr


def test_bad_requests(invoke: Invoke, demo_run: tuple[Path, Result]) -> None:
    demo_dir, _ = demo_run
    unknown = invoke("metric", "nope", "-w", demo_dir)
    assert (unknown.exit_code, "no definition called 'nope'" in unknown.stderr) == (3, True)
    dim = invoke("metric", "mqls", "--by", "colour", "-w", demo_dir)
    assert (dim.exit_code, "has no dimension 'colour'" in dim.stderr) == (2, True)
    date = invoke("metric", "mqls", "--from", "2025-13-01", "-w", demo_dir)
    assert (date.exit_code, "is not a date" in date.stderr) == (2, True)


def test_a_metric_not_in_force_names_who_still_has_to_sign(
    invoke: Invoke, initialised_copy: Path
) -> None:
    root = initialised_copy
    invoke("users", "add", "sam", "--team", "sales", "--role", "lead", "-w", root)
    result = invoke("metric", "mql_to_sal_rate", "-w", root)
    assert result.exit_code == 6
    assert (
        "mql_to_sal_rate has no version in force: mql_decisions v1 awaits the signature of "
        "marketing (no lead yet), sales (sam); mql_to_sal_rate v1 awaits"
    ) in result.stderr
    assert "accord definitions sign mql_decisions --as LEAD" in result.stderr
