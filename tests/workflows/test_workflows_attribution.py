"""The attribution workflow on a hand-made workspace: every figure solved by hand.

Two people in HubSpot (``hubspot:p1``, ``hubspot:p2``); p1 touches email (marketing) on
day 1 and paid_search (sales, say) on day 3, becomes a lead on day 2 and gets an
opportunity of 100 on day 5; p2 touches email on day 2 and never converts. A crosswalk
then merges a Salesforce contact into p1 to check the resolved keys.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from accord.data.workspace import Workspace
from accord.definitions.memory_store import MemoryDefinitionStore
from accord.definitions.specs import parse_definition
from accord.definitions.store import InForceSnapshot
from accord.errors import Conflict, InputError
from accord.workflows.attribution import Scope, attribute, attribute_teams, parse_models


def day(d: int) -> datetime:
    return datetime(2025, 1, d, 12)


def definitions(model: dict[str, object] | None) -> InForceSnapshot:
    store = MemoryDefinitionStore()
    specs = [
        {"kind": "funnel", "name": "funnel", "owners": ["marketing", "sales"],
         "body": {"stages": [{"name": "lead", "enter": {"lifecycle_events": ["lead"]}},
                             {"name": "mql", "enter": {"lifecycle_events": ["mql"]}}]}},
    ]  # fmt: skip
    if model is not None:
        specs.append(
            {"kind": "attribution", "name": "attribution_model", "owners": ["marketing", "sales"],
             "body": {"model": model, "conversion": "opportunity_created", "lookback_days": 30}}
        )  # fmt: skip
    for spec in specs:
        d = parse_definition(spec)
        store.propose(d, by="ana")
        for team in ("marketing", "sales"):
            store.sign(d.name, version=1, team=team, by=f"{team}-lead")
    versions = {n: v for n in store.names() if (v := store.in_force(n)) is not None}
    return InForceSnapshot(versions=versions, store=store)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = Workspace.init(tmp_path / "ws")
    with w.warehouse() as wh:
        con = wh.duckdb
        touches = [
            ("t1", "p1", day(1), "email", "marketing"),
            ("t2", "p1", day(3), "paid_search", "sales"),
            ("t3", "p2", day(2), "email", "marketing"),
        ]
        for tid, person, ts, channel, team in touches:
            con.execute(
                "INSERT INTO touchpoints BY NAME SELECT 'hubspot' AS source_system, "
                "? AS source_id, ? AS touchpoint_id, ? AS contact_id, ? AS ts, ? AS channel, "
                "? AS team",
                [tid, tid, person, ts, channel, team],
            )
        con.execute(
            "INSERT INTO lifecycle_events BY NAME SELECT 'hubspot' AS source_system, 'e1' AS "
            "source_id, 'e1' AS event_id, 'p1' AS contact_id, 'lead' AS stage, ? AS ts",
            [day(2)],
        )
        con.execute(
            "INSERT INTO opportunities BY NAME SELECT 'salesforce' AS source_system, 'o1' AS "
            "source_id, 'o1' AS opportunity_id, 'c1' AS contact_id, ? AS created_at, "
            "100.0 AS amount",
            [day(5)],
        )
    return w


def crosswalk(w: Workspace) -> None:
    with w.warehouse() as wh:
        wh.duckdb.execute(
            "CREATE TABLE identity_people AS SELECT * FROM (VALUES "
            "('hubspot', 'p1', 'contact', 'P1', 'A1'), ('salesforce', 'c1', 'contact', 'P1', "
            "'A1'), ('hubspot', 'p2', 'contact', 'P2', 'A2')) "
            "t(source_system, record_id, record_kind, person_id, account_id)"
        )


def test_before_resolution_the_opportunity_has_no_touch_and_says_so(ws: Workspace) -> None:
    with ws.warehouse(read_only=True) as wh:
        r = attribute(wh, definitions({"name": "linear"}), models=["markov"])
    # the Salesforce contact c1 is not the HubSpot person p1 until resolved
    assert r.conversion_events == 1
    assert r.paths.total_conversions == 0
    assert r.result("in_force").conversions == (0.0, 0.0)
    assert any("accord resolve" in n for n in r.notes)


def test_after_resolution_hand_solved_credit(ws: Workspace) -> None:
    crosswalk(ws)
    with ws.warehouse(read_only=True) as wh:
        r = attribute(wh, definitions({"name": "linear"}), models=["first,last", "markov"])
        teams = attribute_teams(wh, definitions({"name": "linear"}))
    assert [x.model for x in r.results] == ["in_force", "first_touch", "last_touch", "markov"]
    assert r.in_force == "linear"
    assert r.conversion == "opportunity"
    assert r.lookback_days == 30
    assert [str(c) for c in r.citations] == [
        "attribution_model v1 (signed by marketing: marketing-lead, sales: sales-lead)",
        "funnel v1 (signed by marketing: marketing-lead, sales: sales-lead)",
    ]
    linear = r.result("in_force")
    assert linear.credit("email") == 0.5
    assert linear.credit_value("paid_search") == 50.0
    assert r.result("first_touch").credit("email") == 1.0
    assert r.result("last_touch").credit_value("paid_search") == 100.0
    # Markov by hand: start->email 2/2; email->search 1/2, email->null 1/2; search->conv 1.
    # P(conv) = 1/2; removing either channel leaves 0: both removal effects 1, credit 1/2.
    mk = r.result("markov")
    assert mk.markov is not None
    assert mk.markov.conversion_probability == pytest.approx(0.5)
    assert mk.credit("email") == pytest.approx(0.5)
    assert float(r.paths.nulls.sum()) == 1.0  # type: ignore[union-attr]  # p2's journey kept
    table = r.credit_table().to_pandas()
    assert table.groupby("model").conversions.sum().tolist() == [1.0] * 4
    # team credit: the lead (day 2) came after the email touch: marketing sourced it;
    # both teams influenced it; never summed
    tc = teams.table().to_pandas().set_index("team")
    assert tc.loc["marketing", "sourced"] == 1.0
    assert tc.loc["sales", "sourced"] == 0.0
    assert tc.loc["marketing", "influenced_value"] == 100.0
    assert tc.loc["sales", "influenced_value"] == 100.0
    assert tc.loc["sales", "credit_value"] == 50.0


def test_in_force_position_based_uses_the_definition_shares(ws: Workspace) -> None:
    crosswalk(ws)
    model = {"name": "position_based", "first": 0.7, "last": 0.3}
    with ws.warehouse(read_only=True) as wh:
        r = attribute(wh, definitions(model), scope=Scope(lookback_days=3))
    # a 3-day lookback before day 5 noon keeps only the day-3 touch
    assert r.lookback_days == 3
    assert r.result("in_force").credit("paid_search") == 1.0
    with ws.warehouse(read_only=True) as wh:
        r = attribute(wh, definitions(model))
    assert r.result("in_force").credit("email") == pytest.approx(0.7)


def test_window_and_account_level(ws: Workspace) -> None:
    crosswalk(ws)
    with ws.warehouse(read_only=True) as wh:
        later = attribute(wh, definitions({"name": "linear"}), scope=Scope(
            start=datetime(2025, 1, 6).date()))  # fmt: skip
        acct = attribute(wh, definitions({"name": "linear"}), scope=Scope(level="account"))
    assert later.conversion_events == 0
    assert acct.paths.total_conversions == 1
    assert acct.result("in_force").credit("email") == 0.5


def test_no_model_in_force_needs_an_explicit_model(ws: Workspace) -> None:
    with ws.warehouse(read_only=True) as wh:
        with pytest.raises(Conflict, match="No attribution model is in force"):
            attribute(wh, definitions(None))
        r = attribute(wh, definitions(None), models=["linear"])
    assert r.in_force is None
    assert any("no attribution definition" in n for n in r.notes)


def test_parse_models() -> None:
    assert parse_models(["first, markov", "last", "markov"]) == (
        "first_touch", "markov", "last_touch")  # fmt: skip
    assert len(parse_models(["all"])) == 10
    with pytest.raises(InputError, match="Unknown attribution model"):
        parse_models(["magic"])


def test_bad_window(ws: Workspace) -> None:
    with ws.warehouse(read_only=True) as wh, pytest.raises(InputError):
        attribute(wh, definitions({"name": "linear"}), scope=Scope(
            start=datetime(2025, 2, 1).date(), end=datetime(2025, 1, 1).date()))  # fmt: skip
