"""The Funnel & SLA, Credit, Economics and Accounts pages and their REST twins, on a demo
workspace (``accord demo --accounts 60``).

Every figure the web app shows must be the workspace service's own result: the expected
values are computed here by calling the services the way the CLI does (opening the
workspace itself), before the app opens the warehouse, and compared with what the API
returns and the pages print. The budget proposal flow is driven through the pages and
the API: a finance lead and a marketing lead approve, a member and a forged POST are
refused, a rejection closes a proposal.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from web_helpers import ClientFor, csrf_of, plain_rows, same_password_for_everyone, same_rows

from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.attribution import MODELS
from accord.workflows.account360 import account_timeline
from accord.workflows.attribution import attribute, attribute_teams
from accord.workflows.budget import fit_workspace, recommend
from accord.workflows.economics import unit_economics
from accord.workflows.proposals import propose
from accord.workflows.revenue import funnel_report, sla_report


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class Demo:
    workspace: Workspace
    stages: list[dict[str, Any]]
    breaches: list[dict[str, Any]]
    funnel_citations: list[tuple[str, int]]
    rep: str
    rep_owner: str
    credit: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    cohorts: list[dict[str, Any]]
    budget: list[tuple[str, float]]
    proposals: tuple[int, int]
    domain: str
    account_id: str
    emails: list[str]
    counts: dict[str, int]


@pytest.fixture(scope="module")
def demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("capabilities") / "demo"
    shutil.copytree(demo_template, root, ignore=shutil.ignore_patterns("data"))
    ws = Workspace.open(root)
    with ws.state() as state:
        store = SqlDefinitionStore(state)
        funnel = funnel_report(ws, store)
        sla = sla_report(ws, store)
        breaches = sla.breaches.rows()
        assert breaches, "the demo should have SLA breaches"
        owner = str(breaches[-1]["owner"])  # not first in the service's order
        rep = _slug(owner)
        state.add_user(rep, team="sales", role="member", email=f"{rep}@example.com", actor="t")
        same_password_for_everyone(state)
        with ws.warehouse(read_only=True) as wh:
            snapshot = store.snapshot()
            credit = attribute(wh, snapshot, models=list(MODELS)).credit_table().to_pylist()
            teams = attribute_teams(wh, snapshot).table().to_pylist()
            cohorts = unit_economics(wh, definitions=snapshot, by="cohort", period="quarter")
            rec = recommend(fit_workspace(wh, definitions=snapshot))
            domain = str(
                wh.table("accounts").filter(lambda t: t.domain.notnull()).domain.min()
                .to_pyarrow().as_py()
            )  # fmt: skip
            account = account_timeline(wh, domain, limit=500)
        first = propose(state, rec, user="marketing-lead", note="first")
        second = propose(state, rec, user="marketing-lead", note="second")
    return Demo(
        workspace=ws,
        stages=plain_rows(funnel.stages.rows()),
        breaches=plain_rows(breaches),
        funnel_citations=[(c.name, c.version) for c in funnel.citations],
        rep=rep,
        rep_owner=owner,
        credit=plain_rows(credit),
        teams=plain_rows(teams),
        cohorts=plain_rows([asdict(cohorts.total), *(asdict(r) for r in cohorts.rows)]),
        budget=[(c.channel, c.spend) for c in rec.allocation.channels],
        proposals=(first.id, second.id),
        domain=domain,
        account_id=account.account.account_id,
        emails=sorted(e for p in account.people for e in p.emails),
        counts=dict(account.counts),
    )


@pytest.fixture(scope="module")
def workspace(demo: Demo) -> Workspace:
    """The demo workspace (overrides conftest's tiny company for this module)."""
    return demo.workspace


def test_funnel_page_and_api_show_the_service_figures(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("marketing-member")
    summary = c.get("/api/v1/funnel").json()
    assert summary["problems"] == []
    cited = [(d["name"], d["version"]) for d in summary["definitions"]]
    assert cited == demo.funnel_citations
    stages = c.get("/api/v1/funnel/stages", params={"limit": 1000}).json()
    same_rows(stages["items"], demo.stages)
    assert stages["total"] == len(demo.stages)
    csv_text = c.get("/api/v1/funnel/stages", params={"format": "csv"}).text
    assert len(csv_text.strip().splitlines()) == len(demo.stages) + 1
    page = c.get("/funnel")
    assert page.status_code == 200
    mql = next(r for r in demo.stages if r["stage"] == "mql" and r["group"] == "all")
    row = re.search(r"<td>mql</td><td class=\"num\">([\d,]+)</td>", page.text)
    assert row
    assert int(row.group(1).replace(",", "")) == mql["entered"]
    assert 'data-vega-spec="chart-funnel"' in page.text
    assert 'data-vega-spec="chart-over-time"' in page.text


def test_a_rep_sees_their_own_breaches_first(demo: Demo, as_user: ClientFor) -> None:
    own = [b for b in demo.breaches if b["owner"] == demo.rep_owner]
    assert 0 < len(own) < len(demo.breaches)
    mine = as_user(demo.rep).get("/api/v1/funnel/sla_breaches", params={"limit": 1000}).json()
    assert mine["total"] == len(demo.breaches)
    head = mine["items"][: len(own)]
    assert head == own  # theirs first, in the service's order
    assert all(b["owner"] != demo.rep_owner for b in mine["items"][len(own) :])
    other = as_user("sales-lead").get("/api/v1/funnel/sla_breaches", params={"limit": 1000})
    assert other.json()["items"] == demo.breaches[:1000]  # everyone else: the service's order
    page = as_user(demo.rep).get("/funnel").text
    assert f"<strong>{len(own)}</strong> of the breaches are yours" in page
    assert 'class="mine"' in page


def test_credit_page_and_api_show_the_service_figures(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("finance-member")
    models = c.get("/api/v1/credit/models", params={"limit": 1000}).json()
    same_rows(models["items"], demo.credit)
    teams = c.get("/api/v1/credit/teams").json()["items"]
    same_rows(teams, demo.teams)
    in_force = [r for r in demo.credit if r["model"] == "in_force"]
    shares = sum(r["share"] for r in in_force)
    assert shares == pytest.approx(1.0) or shares == 0.0  # credit shares sum to one
    page = c.get("/credit").text
    assert 'data-vega-spec="chart-models"' in page
    assert 'data-vega-spec="chart-teams"' in page
    for team in teams:
        assert f"<td>{team['team']}</td>" in page


def test_economics_page_and_api_show_the_service_figures(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("sales-member")
    cohorts = c.get("/api/v1/economics/by_cohort", params={"limit": 1000}).json()
    same_rows(cohorts["items"], demo.cohorts)
    total = cohorts["items"][0]
    assert total["group"] == "all"
    if total["new_customers"] and total["cost"]:  # blended CAC = cost / new customers
        assert total["blended_cac"] == pytest.approx(total["cost"] / total["new_customers"])
    budget = c.get("/api/v1/economics/budget_recommendation").json()["items"]
    assert [(r["channel"], r["spend_after"]) for r in budget] == [
        (ch, pytest.approx(spend, rel=1e-9)) for ch, spend in demo.budget
    ]
    page = c.get("/economics").text
    assert 'data-vega-spec="chart-cac-ltv"' in page
    assert 'data-vega-spec="chart-budget"' in page
    assert f'data-proposal="{demo.proposals[0]}"' in page
    assert 'data-testid="approve"' not in page  # a member may not decide


def _status(client: Any, pid: int) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/api/v1/budget/proposals/{pid}").json()
    return body


def test_budget_proposal_needs_a_finance_and_a_marketing_lead(
    demo: Demo, as_user: ClientFor
) -> None:
    first, second = demo.proposals
    finance, marketing = as_user("finance-lead"), as_user("marketing-lead")
    member = as_user("marketing-member")
    # a member is refused, even with a valid CSRF token
    refused = member.post(
        f"/economics/proposals/{first}/approve", data={"csrf_token": csrf_of(member)}
    )
    assert refused.status_code == 403
    # a forged POST (no CSRF token) is refused and changes nothing
    forged = finance.post(f"/economics/proposals/{first}/approve")
    assert forged.status_code == 403
    api_forged = finance.post(f"/api/v1/budget/proposals/{first}/approvals")
    assert api_forged.json()["error"]["code"] == "csrf_failed"
    assert _status(finance, first)["decisions"] == []
    # the finance lead approves through the page: it then awaits marketing
    page = finance.get("/economics").text
    assert f'action="/economics/proposals/{first}/approve"' in page
    done = finance.post(
        f"/economics/proposals/{first}/approve", data={"csrf_token": csrf_of(finance)}
    )
    assert done.status_code == 303
    after = _status(finance, first)
    assert (after["status"], after["awaiting"]) == ("proposed", ["marketing"])
    again = finance.post(
        f"/api/v1/budget/proposals/{first}/approvals",
        headers={"X-CSRF-Token": csrf_of(finance)},
    )
    assert again.status_code == 409  # one approval per team
    # the marketing lead approves through the API: approved
    approved = marketing.post(
        f"/api/v1/budget/proposals/{first}/approvals",
        headers={"X-CSRF-Token": csrf_of(marketing)},
    ).json()
    assert approved["status"] == "approved"
    assert approved["awaiting"] == []
    assert {(d["team"], d["user"]) for d in approved["decisions"]} == {
        ("finance", "finance-lead"),
        ("marketing", "marketing-lead"),
    }
    # a rejection (with its reason) closes the other proposal
    member_api = member.post(
        f"/api/v1/budget/proposals/{second}/rejections",
        json={"why": "no"},
        headers={"X-CSRF-Token": csrf_of(member)},
    )
    assert member_api.json()["error"]["code"] == "permission_denied"
    rejected = marketing.post(
        f"/economics/proposals/{second}/reject",
        data={"why": "too much on events", "csrf_token": csrf_of(marketing)},
    )
    assert rejected.status_code == 303
    closed = _status(marketing, second)
    assert closed["status"] == "rejected"
    assert closed["decisions"][0]["reason"] == "too much on events"
    late = finance.post(
        f"/api/v1/budget/proposals/{second}/approvals",
        headers={"X-CSRF-Token": csrf_of(finance)},
    )
    assert late.json()["error"]["code"] == "conflict"
    listed = finance.get("/api/v1/budget/proposals").json()
    assert {p["id"]: p["status"] for p in listed["items"]} == {
        first: "approved",
        second: "rejected",
    }


def test_accounts_search_and_360_mask_personal_data(demo: Demo, as_user: ClientFor) -> None:
    lead, member = as_user("sales-lead"), as_user("sales-member")
    found = member.get("/api/v1/accounts", params={"q": demo.domain}).json()
    assert demo.account_id in [m["account_id"] for m in found["items"]]
    page = member.get("/accounts", params={"q": demo.domain}).text
    assert f'data-account="{demo.account_id}"' in page
    full = lead.get(f"/api/v1/accounts/{demo.account_id}").json()
    assert sorted(e for p in full["people"] for e in p["emails"]) == demo.emails
    assert full["counts"] == demo.counts
    assert full["masked"] is False
    masked = member.get(f"/api/v1/accounts/{demo.account_id}").json()
    assert masked["masked"] is True
    shown = [e for p in masked["people"] for e in p["emails"]]
    assert len(shown) == len(demo.emails)
    assert not set(shown) & set(demo.emails)
    assert all("•••@" in e for e in shown)
    timeline = member.get(
        f"/api/v1/accounts/{demo.account_id}/timeline", params={"limit": 1000}
    ).json()
    stamps = [r["ts"] for r in timeline["items"]]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    html = member.get(f"/accounts/{demo.account_id}").text
    assert 'data-testid="masked"' in html
    assert not any(e in html for e in demo.emails)
    if demo.emails:
        assert demo.emails[0] in lead.get(f"/accounts/{demo.account_id}").text


def test_pages_have_csv_links_for_every_table(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("service-member")
    for page, api in (("/funnel", "funnel"), ("/credit", "credit"), ("/economics", "economics")):
        html = c.get(page).text
        for table in c.get(f"/api/v1/{api}").json()["tables"]:
            assert f'href="/api/v1/{api}/{table["name"]}?format=csv"' in html, table["name"]
            got = c.get(f"/api/v1/{api}/{table['name']}", params={"format": "csv"})
            assert got.headers["content-type"].startswith("text/csv")
            assert len(got.text.strip().splitlines()) == table["total"] + 1
            assert f'href="/api/v1/{api}/{table["name"]}?format=parquet"' in html
            _same_as_json(c, f"/api/v1/{api}/{table['name']}", table["total"])


def _same_as_json(c: Any, path: str, total: int) -> None:
    """The Parquet download holds every row of the JSON list, numbers as numbers."""
    got = c.get(path, params={"format": "parquet"})
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/vnd.apache.parquet"
    assert got.headers["content-disposition"].endswith('.parquet"')
    parquet = pq.read_table(io.BytesIO(got.content))
    items = c.get(path, params={"limit": 1000}).json()["items"]
    assert parquet.num_rows == total == len(items)
    if not items:
        return
    assert parquet.column_names == list(items[0])
    for field in parquet.schema:
        if pa.types.is_integer(field.type) or pa.types.is_floating(field.type):
            values = parquet.column(field.name).to_pylist()
            want = [row[field.name] for row in items]
            assert [None if v != v else v for v in values] == pytest.approx(want), field.name


def test_nan_is_served_as_null(demo: Demo, as_user: ClientFor) -> None:
    body = as_user("sales-member").get("/api/v1/economics/by_channel").text
    assert "NaN" not in body
    assert "Infinity" not in body
    assert not any(
        isinstance(v, float) and not math.isfinite(v)
        for row in json.loads(body)["items"]
        for v in row.values()
    )
    assert Path(demo.workspace.root).exists()
