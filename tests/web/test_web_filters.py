"""Report filters on the Funnel & SLA, Credit and Economics pages and their REST twins,
and proposing a budget from the web, on a demo workspace (``accord demo --accounts 60``).

Every filtered figure must equal the workspace service called the way the CLI calls it
with the same arguments (computed here before the app opens the warehouse), and differ
from the unfiltered one. Preset windows are checked against a hand count of calendar
quarters and months. Bad values get a 422 in the app's error shape. A proposal made on
the page (with the CSRF token) or through the API appears pending, audited, with the
split the page recommends; one without the token is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from web_helpers import ClientFor, TestClient, csrf_of, plain_rows, same_rows

from accord.data.state.models import AuditEntry
from accord.data.state.tokens import create_token
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.attribution import MODELS
from accord.web.filters import Preset, preset_days
from accord.web.runtime import Runtime
from accord.workflows.attribution import Scope, attribute, attribute_teams
from accord.workflows.budget import fit_workspace, recommend
from accord.workflows.economics import unit_economics
from accord.workflows.revenue import funnel_report, sla_report


def _quarter(day: dt.date, shift: int) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar quarter *shift* quarters from *day*'s (by hand:
    quarters counted from year 0)."""
    q = day.year * 4 + (day.month - 1) // 3 + shift
    first = dt.date(q // 4, (q % 4) * 3 + 1, 1)
    n = q + 1
    return first, dt.date(n // 4, (n % 4) * 3 + 1, 1) - dt.timedelta(days=1)


def _rows(report: Any) -> list[dict[str, Any]]:
    return plain_rows(report.rows())


@dataclass
class Demo:
    workspace: Workspace
    newest: dt.date
    window: tuple[dt.date, dt.date]
    stages_default: list[dict[str, Any]]
    stages_window: list[dict[str, Any]]
    stages_by_channel: list[dict[str, Any]]
    stages_weekly: list[dict[str, Any]]
    sla_window: list[dict[str, Any]]
    sla_weekly: list[dict[str, Any]]
    compliance_window: list[dict[str, Any]]
    sla_teams_window: list[dict[str, Any]]
    credit_default: list[dict[str, Any]]
    credit_window: list[dict[str, Any]]
    teams_window: list[dict[str, Any]]
    credit_campaign: list[dict[str, Any]]
    cohorts_month: list[dict[str, Any]]
    cohorts_month_window: list[dict[str, Any]]
    channels: list[dict[str, Any]]
    budget: list[tuple[str, float]]
    weekly_budget: float


@pytest.fixture(scope="module")
def demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("filters") / "demo"
    shutil.copytree(demo_template, root, ignore=shutil.ignore_patterns("data"))
    ws = Workspace.open(root)
    with ws.state() as state:
        store = SqlDefinitionStore(state)
        default = funnel_report(ws, store)
        newest = default.as_of.date()
        first, last = _quarter(newest, -1)  # the quarter before the newest data's
        start, after = (dt.datetime.combine(d, dt.time()) for d in (first, last + dt.timedelta(1)))
        window = funnel_report(ws, store, start=start, end=after)
        by_channel = funnel_report(ws, store, start=start, end=after, by="channel")
        weekly = funnel_report(ws, store, start=start, end=after, grain="week")
        sla = sla_report(ws, store, start=start, end=after)
        sla_weekly = sla_report(ws, store, period="week")
        with ws.warehouse(read_only=True) as wh:
            snapshot = store.snapshot()
            credit = attribute(wh, snapshot, models=list(MODELS)).credit_table().to_pylist()
            scope = Scope(start=first, end=last)
            credit_window = attribute(wh, snapshot, models=list(MODELS), scope=scope)
            teams = attribute_teams(wh, snapshot, scope=Scope(by="team", start=first, end=last))
            campaign = attribute(wh, snapshot, models=["markov"], scope=Scope(by="campaign"))
            cohorts = unit_economics(wh, definitions=snapshot, by="cohort", period="month")
            windowed = unit_economics(wh, definitions=snapshot, by="cohort", period="month",
                                      start=first, end=last)  # fmt: skip
            channels = unit_economics(wh, definitions=snapshot, by="channel", period="month")
            rec = recommend(fit_workspace(wh, definitions=snapshot))
    return Demo(
        workspace=ws,
        newest=newest,
        window=(first, last),
        stages_default=_rows(default.stages),
        stages_window=_rows(window.stages),
        stages_by_channel=_rows(by_channel.stages),
        stages_weekly=_rows(weekly.stages),
        sla_window=_rows(sla.marketing),
        sla_weekly=_rows(sla_weekly.marketing),
        compliance_window=_rows(sla.compliance),
        sla_teams_window=_rows(sla.teams),
        credit_default=plain_rows(credit),
        credit_window=plain_rows(credit_window.credit_table().to_pylist()),
        teams_window=plain_rows(teams.table().to_pylist()),
        credit_campaign=plain_rows(campaign.credit_table().to_pylist()),
        cohorts_month=plain_rows([asdict(cohorts.total), *(asdict(r) for r in cohorts.rows)]),
        cohorts_month_window=plain_rows(
            [asdict(windowed.total), *(asdict(r) for r in windowed.rows)]
        ),
        channels=plain_rows([asdict(channels.total), *(asdict(r) for r in channels.rows)]),
        budget=[(c.channel, c.spend) for c in rec.allocation.channels],
        weekly_budget=rec.allocation.budget,
    )


@pytest.fixture(scope="module")
def workspace(demo: Demo) -> Workspace:
    """The demo workspace (overrides conftest's tiny company for this module)."""
    return demo.workspace


def _items(client: Any, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _window(demo: Demo) -> dict[str, str]:
    return {"from": demo.window[0].isoformat(), "to": demo.window[1].isoformat()}


def test_presets_are_calendar_periods_counted_back_from_a_day() -> None:
    day = dt.date(2025, 11, 20)
    assert preset_days(Preset.THIS_MONTH, day) == (dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    assert preset_days(Preset.LAST_MONTH, day) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert preset_days(Preset.THIS_QUARTER, day) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert preset_days(Preset.LAST_QUARTER, day) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert preset_days(Preset.YEAR_TO_DATE, day) == (dt.date(2025, 1, 1), day)
    assert preset_days(Preset.LAST_12_MONTHS, day) == (dt.date(2024, 12, 1), dt.date(2025, 11, 30))
    jan = dt.date(2026, 1, 5)  # across the year boundary
    assert preset_days(Preset.LAST_MONTH, jan) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert preset_days(Preset.LAST_QUARTER, jan) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_funnel_period_filter_equals_the_workflow_window(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("marketing-member")
    default = _items(c, "/api/v1/funnel/stages")
    same_rows(default, demo.stages_default)
    filtered = _items(c, "/api/v1/funnel/stages", **_window(demo))
    same_rows(filtered, demo.stages_window)
    assert filtered != default  # a quarter is not the 12-month default
    summary = c.get("/api/v1/funnel", params=_window(demo)).json()["parameters"]
    assert (summary["funnel_from"], summary["funnel_to"]) == tuple(_window(demo).values())
    assert (summary["sla_from"], summary["sla_to"]) == tuple(_window(demo).values())
    same_rows(_items(c, "/api/v1/funnel/sla_marketing", **_window(demo)), demo.sla_window)
    same_rows(_items(c, "/api/v1/funnel/sla_compliance", **_window(demo)), demo.compliance_window)


def test_a_preset_is_the_same_as_its_days(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("marketing-member")
    preset = _items(c, "/api/v1/funnel/stages", preset="last_quarter")
    same_rows(preset, demo.stages_window)  # the quarter before the newest data's, by hand
    this_year = c.get("/api/v1/funnel", params={"preset": "year_to_date"}).json()["parameters"]
    assert this_year["funnel_from"] == f"{demo.newest.year}-01-01"
    assert this_year["funnel_to"] == demo.newest.isoformat()


def test_the_team_filter_narrows_the_sales_side_to_one_teams_reps(
    demo: Demo, as_user: ClientFor
) -> None:
    c = as_user("sales-lead")
    window = _window(demo)
    teams = _items(c, "/api/v1/funnel/sla_teams", **window)
    same_rows(teams, demo.sla_teams_window)
    names = [r["group"] for r in teams if r["group"] != "(all)"]
    assert len(names) >= 2  # the demo loads its CRM's users: reps have teams
    every_rep = _items(c, "/api/v1/funnel/sla_compliance", **window)
    every_breach = _items(c, "/api/v1/funnel/sla_breaches", **window)
    for team in names:
        reps = _items(c, "/api/v1/funnel/sla_compliance", team=team, **window)
        *own, total = reps
        # the team's reps, as the unfiltered table has them, and the team's own total
        same_rows(own, [r for r in every_rep if r["team"] == team and r["group"] != "(all)"])
        [want] = [r for r in demo.sla_teams_window if r["group"] == team]
        assert total["group"] == "(all)"
        assert total["team"] == team
        assert total["handoffs"] == want["handoffs"] == sum(r["handoffs"] for r in own)
        assert total["first_touch_breached"] == want["first_touch_breached"]
        breaches = _items(c, "/api/v1/funnel/sla_breaches", team=team, **window)
        assert breaches == [r for r in every_breach if r["team"] == team]
        # the per-team table and marketing's side are not narrowed
        assert _items(c, "/api/v1/funnel/sla_teams", team=team, **window) == teams
    summary = c.get("/api/v1/funnel", params={"team": names[0], **window}).json()
    assert summary["parameters"]["team"] == names[0]
    page = c.get("/funnel", params={"team": names[0], **window}).text
    assert f'<option value="{names[0]}" selected>' in page
    assert "&amp;team=" in page  # CSV links keep the team


def test_funnel_grouping_and_grain(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("sales-lead")
    by_channel = _items(c, "/api/v1/funnel/stages", by="channel", **_window(demo))
    same_rows(by_channel, demo.stages_by_channel)
    assert {r["group"] for r in by_channel} != {"all"}
    weekly = _items(c, "/api/v1/funnel/stages", grain="week", **_window(demo))
    same_rows(weekly, demo.stages_weekly)
    assert len({r["period"] for r in weekly}) > 1
    same_rows(_items(c, "/api/v1/funnel/sla_marketing", sla_period="week"), demo.sla_weekly)
    # The chart adds the groups up: per stage, the people entering in the window.
    page = c.get("/funnel", params={"by": "channel", **_window(demo)}).text
    spec = json.loads(re.search(r'id="chart-funnel">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    want: dict[str, int] = {}
    for r in demo.stages_by_channel:
        want[r["stage"]] = want.get(r["stage"], 0) + r["entered"]
    assert {v["stage"]: v["entered"] for v in spec["data"]["values"]} == want
    alone = {r["stage"]: r["entered"] for r in demo.stages_window}
    assert want == alone  # each person has one channel: the split sums to the whole


def test_the_page_keeps_the_filters_in_its_form_and_csv_links(
    demo: Demo, as_user: ClientFor
) -> None:
    c = as_user("marketing-lead")
    window = _window(demo)
    page = c.get("/funnel", params={**window, "by": "channel"})
    assert page.status_code == 200
    text = page.text
    assert f'name="from" value="{window["from"]}"' in text
    assert '<option value="channel" selected>' in text
    link = f"/api/v1/funnel/stages?from={window['from']}&amp;to={window['to']}&amp;by=channel"
    assert link + "&amp;format=csv" in text
    csv_text = c.get(
        "/api/v1/funnel/stages", params={**window, "by": "channel", "format": "csv"}
    ).text
    assert len(csv_text.strip().splitlines()) == len(demo.stages_by_channel) + 1
    preset = c.get("/funnel", params={"preset": "last_quarter"}).text
    assert '<option value="last_quarter" selected>' in preset
    assert f"<strong>{window['from']}</strong> to <strong>{window['to']}</strong>" in preset


def test_credit_filters_equal_the_workflow(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("finance-member")
    default = _items(c, "/api/v1/credit/models")
    same_rows(default, demo.credit_default)
    filtered = _items(c, "/api/v1/credit/models", **_window(demo))
    same_rows(filtered, demo.credit_window)
    assert filtered != default
    same_rows(_items(c, "/api/v1/credit/teams", **_window(demo)), demo.teams_window)
    campaign = _items(c, "/api/v1/credit/models", by="campaign", model="markov")
    same_rows(campaign, demo.credit_campaign)
    assert {r["model"] for r in campaign} <= {"in_force", "markov"}
    page = c.get("/credit", params={"by": "campaign", "model": "markov"})
    assert page.status_code == 200
    assert "/api/v1/credit/models?by=campaign&amp;model=markov&amp;format=csv" in page.text


def test_economics_filters_equal_the_workflow(demo: Demo, as_user: ClientFor) -> None:
    c = as_user("sales-member")
    same_rows(_items(c, "/api/v1/economics/by_cohort", period="month"), demo.cohorts_month)
    only = c.get("/api/v1/economics", params={"by": "channel"}).json()
    names = {t["name"] for t in only["tables"]}
    assert "by_channel" in names
    assert "by_cohort" not in names
    assert "by_segment" not in names
    same_rows(_items(c, "/api/v1/economics/by_channel", by="channel"), demo.channels)
    # a window: the workflow's figures for those days, the page says which days
    window = _window(demo)
    windowed = _items(c, "/api/v1/economics/by_cohort", period="month", **window)
    same_rows(windowed, demo.cohorts_month_window)
    assert windowed[0]["new_customers"] < demo.cohorts_month[0]["new_customers"]
    page = c.get("/economics", params={"period": "month", **window}).text
    assert f"{window['from']} to {window['to']}" in page
    assert f"from={window['from']}&amp;to={window['to']}&amp;format=csv" in page
    preset = c.get("/api/v1/economics", params={"preset": "last_quarter"}).json()
    assert (preset["parameters"]["from"], preset["parameters"]["to"]) == tuple(window.values())
    missing = c.get("/api/v1/economics/by_cohort", params={"by": "channel"})
    assert missing.status_code == 404
    page = c.get("/economics", params={"by": "cohort", "period": "month"}).text
    assert "by month of acquisition" in page
    assert "/api/v1/economics/by_cohort?by=cohort&amp;period=month&amp;format=csv" in page


BAD = [
    ("/api/v1/funnel", {"from": "2025-13-01"}, "from="),
    ("/api/v1/funnel/stages", {"to": "yesterday"}, "to="),
    ("/api/v1/funnel", {"from": "2025-03-01", "to": "2025-02-01"}, "after"),
    ("/api/v1/funnel", {"preset": "next_year"}, "preset="),
    ("/api/v1/funnel", {"preset": "last_month", "from": "2025-01-01"}, "not both"),
    ("/api/v1/funnel", {"from": "0001-01-01"}, "out of range"),
    ("/api/v1/funnel", {"by": "planet"}, "by="),
    ("/api/v1/funnel/stages", {"grain": "day"}, "grain="),
    ("/api/v1/funnel", {"sla_period": "year"}, "sla_period="),
    ("/api/v1/funnel", {"business_hours": "maybe"}, "business_hours="),
    ("/api/v1/funnel/sla_breaches", {"team": "Atlantis"}, "team="),
    ("/api/v1/funnel", {"from": "2999-01-01"}, "out of range"),
    ("/api/v1/credit", {"level": "planet"}, "level="),
    ("/api/v1/credit/models", {"conversion": "signup"}, "conversion="),
    ("/api/v1/credit", {"model": "magic"}, "magic"),
    ("/api/v1/credit", {"to": "2025-02-30"}, "to="),
    ("/api/v1/economics", {"by": "planet"}, "by="),
    ("/api/v1/economics/by_cohort", {"period": "decade"}, "period="),
    ("/api/v1/economics", {"from": "2025-03-01", "to": "2025-02-01"}, "after"),
    ("/api/v1/economics", {"preset": "someday"}, "preset="),
]


@pytest.mark.parametrize(("path", "params", "words"), BAD, ids=[f"{p} {q}" for p, q, _ in BAD])
def test_bad_filters_are_422_in_the_error_shape(
    path: str, params: dict[str, str], words: str, as_user: ClientFor
) -> None:
    response = as_user("sales-member").get(path, params=params)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "hint"}
    assert error["code"] == "invalid_input"
    assert words in error["message"]
    assert error["hint"]


def test_a_bad_filter_on_a_page_is_a_page_not_a_traceback(as_user: ClientFor) -> None:
    page = as_user("sales-member").get("/funnel", params={"from": "31/01/2025"})
    assert page.status_code == 422
    assert "is not a date" in page.text
    assert "YYYY-MM-DD" in page.text
    assert "Traceback" not in page.text


def _proposals_audited(runtime: Runtime) -> int:
    with runtime.state.session() as db:
        found = db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "budget_proposal.propose")
        )
    return int(found or 0)


def test_propose_from_the_page_then_the_api(demo: Demo, as_user: ClientFor, app: Any) -> None:
    runtime: Runtime = app.state.runtime
    lead = as_user("marketing-lead")
    page = lead.get("/economics").text
    assert 'data-testid="propose"' in page
    before = _proposals_audited(runtime)
    forged = lead.post("/economics/proposals", data={"note": "no token"})
    assert forged.status_code == 403
    assert "security (CSRF) token" in forged.text
    made = lead.post(
        "/economics/proposals", data={"note": "from the page", "csrf_token": csrf_of(lead)}
    )
    assert made.status_code == 303
    pid = int(made.headers["location"].rsplit("-", 1)[1])
    shown = lead.get("/api/v1/budget/proposals/" + str(pid)).json()
    assert shown["status"] == "proposed"
    assert shown["created_by"] == "marketing-lead"
    assert shown["note"] == "from the page"
    assert shown["awaiting"] == ["finance", "marketing"]
    assert shown["budget"] == pytest.approx(demo.weekly_budget, rel=1e-9)
    assert [(ch["channel"], ch["after"]) for ch in shown["channels"]] == [
        (ch, pytest.approx(spend, rel=1e-9)) for ch, spend in demo.budget
    ]  # the split the page recommends
    assert _proposals_audited(runtime) == before + 1
    listed = lead.get("/economics").text
    assert f'data-proposal="{pid}"' in listed
    with runtime.state.session() as db:
        token, _ = create_token(db, "sales-member", name="filters-test", actor="test")
    api = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    half = demo.weekly_budget / 2
    response = api.post(
        "/api/v1/economics/proposals", json={"budget": half, "note": "half"}, headers=headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "proposed"
    assert body["created_by"] == "sales-member"
    assert body["budget"] == pytest.approx(half)
    assert sum(ch["after"] for ch in body["channels"]) == pytest.approx(half, rel=1e-6)
    assert _proposals_audited(runtime) == before + 2


@pytest.mark.parametrize("budget", ["-5", "0", "abc", "1e13"])
def test_a_bad_budget_is_a_message(budget: str, as_user: ClientFor) -> None:
    lead = as_user("finance-lead")
    page = lead.post("/economics/proposals", data={"budget": budget, "csrf_token": csrf_of(lead)})
    assert page.status_code == 422
    assert "is not a positive amount" in page.text
    assert "Traceback" not in page.text
    api = lead.post(
        "/api/v1/economics/proposals",
        json={"budget": -5.0},
        headers={"X-CSRF-Token": csrf_of(lead)},
    )
    assert api.status_code == 422
    assert api.json()["error"]["code"] == "invalid_input"
