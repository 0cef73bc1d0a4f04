"""Issue 3's "done when", end to end through the command line, as ``docs/definitions.md``
walks through it: on the demo company (starter pack signed by the team leads), marketing
changes the MQL definition; it is not in force, and ``accord metric mqls`` does not move,
until sales signs; then the number changes and cites the new version. The numbers are
checked against pandas on the warehouse's raw rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import yaml
from typer.testing import Result

from accord.data.workspace import Workspace

Invoke = Callable[..., Result]


def _mqls_pandas(ws: Path, *, with_account_only: bool) -> int:
    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    try:
        events = con.sql(
            "SELECT source_system, contact_id FROM lifecycle_events WHERE stage = 'mql'"
        ).df()
        contacts = con.sql("SELECT source_system, contact_id, account_id FROM contacts").df()
    finally:
        con.close()
    if with_account_only:
        events = events.merge(contacts, on=["source_system", "contact_id"], how="left")
        events = events[events.account_id.notna()]
    return len(events[["source_system", "contact_id"]].drop_duplicates())


def test_marketing_changes_the_mql_definition_and_it_counts_once_sales_signs(
    invoke: Invoke, demo_copy: Path, tmp_path: Path
) -> None:
    ws = demo_copy

    def run(*args: str | Path) -> Result:
        result = invoke(*args, "-w", ws)
        assert result.exit_code == 0, result.output
        return result

    def mqls() -> dict[str, Any]:
        data: dict[str, Any] = json.loads(run("metric", "mqls", "--format", "json").stdout)
        return data

    # 1. The starter definition, signed by both leads, counts every MQL.
    before = mqls()
    everyone = _mqls_pandas(ws, with_account_only=False)
    assert (before["version"], before["rows"]) == (1, [{"value": everyone}])

    # 2. Marketing exports the definitions and narrows MQLs to leads tied to a company.
    run("definitions", "export", tmp_path / "defs")
    path = tmp_path / "defs" / "metrics" / "mqls.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["body"]["measure"]["filters"].append({"column": "contact_id.account_id", "op": "not_null"})
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")

    proposed = run("definitions", "propose", path, "--as", "marketing-lead")
    assert "changed" in proposed.stdout
    signed = run("definitions", "sign", "mqls", "--as", "marketing-lead")
    assert "Signed mqls v2 for marketing as marketing-lead. Still awaiting sales (sales-lead)." in (
        signed.stdout
    )

    # 3. It is not in force until sales signs: the number and its citation stay at v1.
    show = run("definitions", "show", "mqls")
    assert "mqls v2: proposed" in show.stdout
    assert "awaiting    sales (sales-lead)" in show.stdout
    assert mqls() == before
    diff = run("definitions", "diff", "mqls", "1", "2")
    assert "+    - column: contact_id.account_id\n+      op: not_null\n" in diff.stdout

    # 4. Sales signs: v2 comes into force, v1 retires, and the number changes.
    done = run("definitions", "sign", "mqls", "--as", "sales-lead")
    assert "Every owner has signed: v2 is now in force; v1 retired." in done.stdout
    after = mqls()
    with_account = _mqls_pandas(ws, with_account_only=True)
    assert (after["version"], after["rows"]) == (2, [{"value": with_account}])
    assert with_account < everyone
    assert [(s["team"], s["user"]) for s in after["signed_by"]] == [
        ("marketing", "marketing-lead"), ("sales", "sales-lead")]  # fmt: skip
    table = run("metric", "mqls")
    assert table.stdout.startswith(
        "mqls v2 (signed by marketing: marketing-lead, sales: sales-lead)\n"
    )

    history = json.loads(run("definitions", "history", "mqls", "--format", "json").stdout)
    assert [(v["version"], v["status"]) for v in history] == [(1, "retired"), (2, "in_force")]

    # 5. Every step is in the audit log, with who did it and the state before and after.
    with Workspace.open(ws).state() as state:
        audit = [(a.action, a.actor) for a in state.audit(entity="definition:mqls")]
    assert audit[:4] == [
        ("definition.sign", "sales-lead"),
        ("definition.retire", "sales-lead"),
        ("definition.sign", "marketing-lead"),
        ("definition.propose", "marketing-lead"),
    ]
