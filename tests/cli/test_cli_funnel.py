"""``accord funnel`` on the demo workspace, checked against pandas on the demo's raw files
(people keyed as the workspace keys them: the resolved person when ``accord resolve`` has
written the crosswalk, else ``<system>:<id>``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from typer.testing import Result

from accord.cli.funnel import demo_section
from accord.data.workspace import Workspace

WINDOW = ("--from", "2024-01-01", "--to", "2026-01-01")


def _ok(demo_run: tuple[Path, Result]) -> Path:
    demo_dir, result = demo_run
    assert result.exit_code == 0, result.output
    return demo_dir


def crosswalk(root: Path) -> dict[str, str] | None:
    """``system:id`` -> person from the workspace's crosswalk, or None before resolution."""
    with Workspace.open(root).warehouse(read_only=True) as wh:
        if "identity_people" not in wh.tables():
            return None
        xw = wh.duckdb.execute(
            "SELECT source_system || ':' || record_id AS k, person_id FROM identity_people"
        ).fetchdf()
    return dict(zip(xw.k, xw.person_id, strict=True))


def raw_mql_keys(data: Path, root: Path) -> pd.DataFrame:
    """Person key and ts of every MQL event in the raw files."""
    hs = pd.read_csv(data / "hubspot-contacts.csv", dtype=str)
    col = "Became a Marketing Qualified Lead Date"
    hs = hs.dropna(subset=[col])
    a = pd.DataFrame({"key": "hubspot:" + hs["Record ID"], "ts": pd.to_datetime(hs[col])})
    lc = pd.read_csv(data / "accord-lifecycle_events.csv", dtype=str)
    lc = lc[(lc.stage == "mql") & lc.contact_id.notna()]
    b = pd.DataFrame(
        {
            "key": lc.source_system + ":" + lc.contact_id,
            "ts": pd.to_datetime(lc.ts, utc=True).dt.tz_localize(None),
        }
    )
    out = pd.concat([a, b], ignore_index=True)
    people = crosswalk(root)
    if people is not None:
        out["key"] = [people.get(k, k) for k in out.key]
    return out


def test_funnel_table_labels_both_forms_and_cites(invoke: Any, demo_run: Any) -> None:
    demo_dir = _ok(demo_run)
    r = invoke("funnel", "-w", demo_dir, *WINDOW)
    assert r.exit_code == 0, r.output
    for text in ("cohort_rate", "period_rate", "Side exits", "Sales velocity"):
        assert text in r.stdout
    assert "Definitions: b2b_funnel v1" in r.stdout
    assert "mql_handoff_sla v1" in r.stdout
    resolved = crosswalk(demo_dir) is not None
    assert ("until `accord resolve` runs" in r.stderr) is not resolved


def test_funnel_json_counts_equal_pandas(invoke: Any, demo_run: Any) -> None:
    """MQLs entered = distinct records whose first MQL event is in the window; the
    cohort MQL->SAL row says it is a cohort rate."""
    demo_dir = _ok(demo_run)
    r = invoke("funnel", "-w", demo_dir, *WINDOW, "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [d["name"] for d in data["definitions"]] == ["b2b_funnel", "mql_handoff_sla"]
    assert data["people_resolved"] is (crosswalk(demo_dir) is not None)
    entered = {x["stage"]: x["entered"] for x in data["reports"]["stages"]["rows"]}
    first = raw_mql_keys(demo_dir / "data", demo_dir).groupby("key").ts.min()
    assert entered["mql"] == int(((first >= "2024-01-01") & (first < "2026-01-01")).sum())
    assert data["reports"]["cohort"]["kind"] == "cohort"
    assert data["reports"]["period"]["kind"] == "period"


def test_funnel_by_channel_per_month_csv(invoke: Any, demo_run: Any) -> None:
    demo_dir = _ok(demo_run)
    r = invoke("funnel", "-w", demo_dir, *WINDOW, "--by", "channel", "--grain", "month",
               "-f", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("period,group,stage,entered,next_stage,cohort_rate")
    assert len({line.split(",")[0] for line in lines[1:]}) == 24


def test_funnel_refuses_bad_dates_with_a_hint(invoke: Any, demo_run: Any) -> None:
    demo_dir = _ok(demo_run)
    r = invoke("funnel", "-w", demo_dir, "--from", "last year")
    assert r.exit_code != 0
    assert "not a date" in r.output
    r = invoke("funnel", "-w", demo_dir, "--from", "2025-06-01", "--to", "2025-01-01")
    assert r.exit_code != 0
    assert "before" in r.output


def test_demo_section_prints_a_compact_funnel(demo_copy: Path, capsys: Any) -> None:
    demo_section(Workspace.open(demo_copy))
    printed = capsys.readouterr().out
    assert "cohort_rate" in printed
    assert "b2b_funnel v1" in printed
