"""The scorecard's numbers against the tiny company counted by hand, and the sign-off of a
changed MQL definition through the pages: proposed, pending, signed, the number changes.

By hand (``web_helpers``): MQLs by month in 2025 are 2, 2, 2 (January to March), one of
January's and one of March's from the OFFLINE source (which the preset maps to "other");
revenue is 1,200, 800, 1,200; the data ends 2025-03-31.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from web_helpers import ADMIN, MQLS_V2, ClientFor, TestClient, csrf_of

from accord.data.state.audit import record_change
from accord.web.routes import scorecard as scorecard_routes
from accord.web.runtime import Runtime
from accord.web.services.scorecard import build_scorecard


def _metric(card: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [m for m in card["metrics"] if m["name"] == name]
    return found


def _goal(card: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [g for g in card["goals"] if g["name"] == name]
    return found


def _post(c: TestClient, path: str, data: dict[str, str]) -> Any:
    return c.post(path, data=data | {"csrf_token": csrf_of(c)})


def test_scorecard_numbers_match_the_hand_count(as_user: ClientFor) -> None:
    card = as_user("product-member").get("/api/v1/scorecard").json()
    assert card["as_of"] == "2025-03-31"
    mqls = _metric(card, "mqls")
    assert (mqls["month"], mqls["value"], mqls["previous"]) == ("2025-03-01", 2.0, 2.0)
    trend = {p["period"]: p["value"] for p in mqls["trend"]}
    assert [trend[f"2025-0{m}-01"] for m in (1, 2, 3)] == [2.0, 2.0, 2.0]
    assert trend["2024-12-01"] is None
    revenue = _metric(card, "revenue")
    assert (revenue["value"], revenue["previous"]) == (1200.0, 800.0)
    goal = _goal(card, "mql_volume_2025")
    elapsed = (date(2025, 4, 1) - date(2025, 1, 1)).days / 365
    assert goal["value"] == 6.0
    assert goal["attainment"] == pytest.approx(6 / 4800)
    assert goal["elapsed"] == pytest.approx(elapsed)
    assert goal["pace"] == pytest.approx(6 / 4800 / elapsed)
    assert goal["status"] == "behind"
    assert [p["value"] for p in goal["monthly"]] == [2.0, 2.0, 2.0]
    assert _goal(card, "company_revenue_2025")["value"] == 3200.0


def test_every_number_cites_its_version_and_signatories(as_user: ClientFor) -> None:
    c = as_user("product-member")
    mqls = _metric(c.get("/api/v1/scorecard").json(), "mqls")
    assert mqls["version"]["version"] == 1
    assert {(s["team"], s["user"]) for s in mqls["version"]["signed_by"]} == {
        ("marketing", "marketing-lead"),
        ("sales", "sales-lead"),
    }
    page = c.get("/").text
    row = page[page.index('data-metric="mqls"') :]
    row = row[: row.index("</tr>")]
    assert 'href="/definitions/mqls?version=1"' in row
    assert "signed by marketing: marketing-lead, sales: sales-lead" in row
    assert 'data-vega-spec="chart-1"' in page  # the goals' charts


def test_scorecard_tables_download_as_csv(as_user: ClientFor) -> None:
    c = as_user("finance-member")
    response = c.get("/api/v1/scorecard/metrics?format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert rows["mqls"]["value"] == "2.0"
    assert rows["mqls"]["version"].startswith("mqls v1 (signed by marketing: marketing-lead")
    goals = list(csv.DictReader(io.StringIO(c.get("/api/v1/scorecard/goals?format=csv").text)))
    assert {g["name"] for g in goals} == {
        "company_revenue_2025",
        "marketing_pipeline_2025",
        "mql_volume_2025",
    }
    page = c.get("/api/v1/scorecard/metrics?limit=1&offset=1").json()
    assert (len(page["items"]), page["total"], page["offset"]) == (1, 4, 1)


def test_the_scorecard_is_cached_until_something_changes(
    app: FastAPI, as_user: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime: Runtime = app.state.runtime
    builds: list[object] = []

    def counting(*args: Any) -> Any:
        builds.append(args)
        return build_scorecard(*args)

    monkeypatch.setattr(scorecard_routes, "build_scorecard", counting)
    c = as_user("service-member")
    with runtime.state.session() as session:  # any change to the state store
        record_change(session, actor="test", action="test.touch", entity="test:x")
    c.get("/api/v1/scorecard")
    c.get("/")
    c.get("/api/v1/scorecard/goals")
    assert len(builds) == 1  # computed once, then served from the cache
    with runtime.state.session() as session:
        record_change(session, actor="test", action="test.touch", entity="test:y")
    c.get("/api/v1/scorecard")
    assert len(builds) == 2


def test_a_member_and_an_outsider_see_no_sign_button(as_user: ClientFor) -> None:
    for name in ("sales-member", "finance-lead", ADMIN):
        page = as_user(name).get("/definitions/mqls").text
        assert 'data-testid="sign"' not in page, name
    assert 'data-testid="propose"' not in as_user("sales-member").get("/definitions/mqls").text
    assert 'data-testid="propose"' in as_user(ADMIN).get("/definitions/mqls").text


def test_a_proposal_with_issues_is_refused_with_every_issue(as_user: ClientFor) -> None:
    lead = as_user("marketing-lead")
    bad = MQLS_V2.replace("contact_id.lead_source, op: ne", "contact_id.no_such_column, op: ne")
    page = _post(lead, "/definitions/mqls/propose", {"yaml": bad})
    assert page.status_code == 422
    assert 'data-testid="issues"' in page.text
    assert "no_such_column" in page.text
    api = lead.post(
        "/api/v1/definitions/mqls/proposals",
        json={"yaml": bad},
        headers={"X-CSRF-Token": csrf_of(lead)},
    )
    assert api.status_code == 422
    assert api.json()["issues"]
    assert api.json()["version"] is None
    renamed = lead.post(
        "/api/v1/definitions/mqls/proposals",
        json={"yaml": MQLS_V2.replace("name: mqls", "name: sqls")},
        headers={"X-CSRF-Token": csrf_of(lead)},
    )
    assert renamed.status_code == 422
    assert renamed.json()["error"]["code"] == "invalid_input"


def test_propose_sign_and_the_scorecard_number_changes(app: FastAPI, as_user: ClientFor) -> None:
    marketing, sales = as_user("marketing-lead"), as_user("sales-lead")
    proposed = _post(marketing, "/definitions/mqls/propose", {"yaml": MQLS_V2})
    assert proposed.status_code == 303
    page = marketing.get("/definitions/mqls").text
    assert "v2 proposed" in page
    assert re.search(r'data-testid="awaiting">marketing \(marketing-lead\); sales', page)
    assert "+    - column: contact_id.lead_source" in page  # the change, against v1
    card = marketing.get("/api/v1/scorecard").json()
    assert _metric(card, "mqls")["value"] == 2.0  # v1 stays in force until both sign
    assert {p["name"]: p["awaiting"] for p in card["pending"]} == {"mqls": ["marketing", "sales"]}
    assert 'data-testid="sign"' in page
    assert _post(marketing, "/definitions/mqls/sign", {"version": "2"}).status_code == 303
    sales_page = sales.get("/definitions/mqls").text
    assert 'signed by</dt><dd data-testid="signed-by">marketing: marketing-lead' in sales_page
    assert _post(sales, "/definitions/mqls/sign", {"version": "2"}).status_code == 303
    card = sales.get("/api/v1/scorecard").json()
    mqls = _metric(card, "mqls")
    assert (mqls["version"]["version"], mqls["value"], mqls["previous"]) == (2, 1.0, 2.0)
    assert card["pending"] == []
    assert _goal(card, "mql_volume_2025")["value"] == 4.0  # 102 and 106 were OFFLINE
    history = sales.get("/api/v1/definitions/mqls/history").json()["items"]
    assert [(v["version"], v["status"]) for v in history] == [(1, "retired"), (2, "in_force")]
    diff = sales.get("/api/v1/definitions/mqls/diff?from_version=1&to_version=2").json()
    assert (
        "+    - column: contact_id.lead_source\n+      op: ne\n+      value: other" in diff["diff"]
    )
    audit = as_user(ADMIN).get("/api/v1/audit?entity=definition:mqls").json()["items"]
    assert [(e["actor"], e["action"]) for e in audit[:4]] == [
        ("sales-lead", "definition.sign"),
        ("sales-lead", "definition.retire"),
        ("marketing-lead", "definition.sign"),
        ("marketing-lead", "definition.propose"),
    ]
    runtime: Runtime = app.state.runtime
    assert runtime.definitions.in_force("mqls").version == 2  # type: ignore[union-attr]


def test_definition_pages_list_show_and_diff(as_user: ClientFor) -> None:
    c = as_user("service-member")
    listing = c.get("/definitions?kind=metric").text
    assert 'data-definition="mqls"' in listing
    assert 'data-definition="company_revenue_2025"' not in listing
    assert c.get("/definitions/mqls?version=1").status_code == 200
    assert c.get("/definitions/nope").status_code == 404
    assert c.get("/api/v1/definitions/nope").json()["error"]["code"] == "not_found"
    rows = list(csv.DictReader(io.StringIO(c.get("/api/v1/definitions?format=csv").text)))
    assert {r["name"] for r in rows} >= {"mqls", "revenue", "mql_volume_2025"}
