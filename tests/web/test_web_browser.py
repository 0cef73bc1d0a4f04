"""The web app in a real browser (Debian's chromium driven by Playwright): sign-in, the
scorecard with its charts, an upload with a bad row, the MQL sign-off that changes the
scorecard, a member without a sign button whose forged post is refused, a screenshot of
every page (``test-artifacts/screenshots/``), and the CLI refused while the server holds
the warehouse.

The app runs under uvicorn on 127.0.0.1 (a free port) over the tiny company of
``web_helpers`` with the whole starter pack signed; nothing is loaded from the internet
(every request the pages make is checked).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from web_helpers import ADMIN, FIXTURES, PASSWORD, build_company, settings

from accord.data.workspace import Workspace
from accord.web import create_app

pytestmark = pytest.mark.integration

playwright_api = pytest.importorskip("playwright.sync_api")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
MQLS_V2_FILTER = "    - column: contact_id.lead_source\n      op: ne\n      value: other\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(app: object, name: str = "uvicorn") -> Iterator[str]:
    """*app* served by uvicorn in a daemon thread on a free port: its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app served by uvicorn in a thread: its base URL and workspace folder."""
    root = tmp_path_factory.mktemp("browser") / "acme"
    build_company(root, full_starter=True)
    with serve_in_thread(create_app(Workspace.open(root), settings=settings())) as base:
        yield base, root


class Visit:
    """A browser context on the served app that records what the pages ask for."""

    def __init__(self, browser: object, base: str, **context: object) -> None:
        self.base = base
        self.context = browser.new_context(base_url=base, **context)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def login(self, name: str, password: str = PASSWORD) -> Visit:
        self.page.goto("/login")
        self.page.fill("input[name=name]", name)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/($|\?)"))
        return self

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def expect_error(self, text: str) -> None:
        """Forget the console error of a page that was meant to fail."""
        assert any(text in e for e in self.errors), self.errors
        self.errors = [e for e in self.errors if text not in e]

    def close(self) -> None:
        outside = [u for u in self.requests if not u.startswith((self.base, "data:"))]
        assert outside == [], f"requests outside the app: {outside}"
        assert self.errors == [], f"browser errors: {self.errors}"
        self.context.close()


def approve_on_economics(browser: object, base: str, lead: str) -> Visit:
    """*lead* signs in and approves the pending budget proposal on the Economics page."""
    visit = Visit(browser, base).login(lead)
    visit.page.goto("/economics")
    visit.page.click('[data-testid="approve"]')
    visit.page.wait_for_url(re.compile(r".*/economics(#proposal-\d+)?$"))
    return visit


def _mqls_cell(page: object) -> str:
    text: str = page.inner_text('tr[data-metric="mqls"] td.value')  # type: ignore[attr-defined]
    return text.strip()


def test_a_marketing_lead_signs_in_and_sees_the_scorecard(
    served: tuple[str, Path], browser: object
) -> None:
    base, _ = served
    visit = Visit(browser, base)
    visit.page.goto("/")
    assert "/login" in visit.page.url  # not signed in: sent to sign in
    visit.shot("login")
    visit.login("marketing-lead")
    page = visit.page
    assert page.inner_text('[data-testid="whoami"]') == "marketing-lead · marketing lead"
    page.wait_for_selector('body[data-charts-ready="1"]')
    charts = page.locator(".chart").count()  # a goal's chart once its metric has data
    assert charts >= 2
    assert page.locator(".chart svg").count() == charts  # every Vega-Lite chart drawn
    assert _mqls_cell(page) == "2"
    row = page.inner_text('tr[data-metric="mqls"]')
    assert "signed by marketing: marketing-lead, sales: sales-lead" in row
    visit.shot("scorecard")
    visit.close()


def test_an_upload_with_one_bad_row_is_quarantined_with_its_reason(
    served: tuple[str, Path], browser: object
) -> None:
    base, _ = served
    visit = Visit(browser, base).login("marketing-lead")
    page = visit.page
    page.goto("/data")
    page.set_input_files("input[name=file]", str(FIXTURES / "one-bad-row.csv"))
    page.select_option("select[name=preset]", "hubspot-contacts")
    page.click("form[hx-post] button[type=submit]")
    page.wait_for_selector('.job[data-status="done"]', timeout=60_000)
    assert "1 quarantined" in page.inner_text('.job[data-status="done"]')
    visit.shot("data-upload-done")
    page.click('.job[data-status="done"] [data-testid="quarantined-link"]')
    page.wait_for_url(re.compile(r".*/data/quarantine\?load=.*"))
    table = page.inner_text("table.quarantine")
    assert "one-bad-row.csv" in table
    assert "Create Date" in table
    assert "not a date-time" in table
    assert "31/02/2025 25:61" in table
    visit.shot("quarantine")
    visit.close()


def test_mql_signoff_member_refused_and_the_scorecard_number_changes(
    served: tuple[str, Path], browser: object
) -> None:
    base, _ = served
    marketing = Visit(browser, base).login("marketing-lead")
    page = marketing.page
    assert _mqls_cell(page) == "2"
    page.goto("/definitions/mqls")
    page.click('[data-testid="propose"]')
    yaml = page.input_value("textarea[name=yaml]")
    changed = yaml.replace("      value: mql\n", "      value: mql\n" + MQLS_V2_FILTER, 1)
    assert changed != yaml
    page.fill("textarea[name=yaml]", changed)
    marketing.shot("definition-propose")
    page.click('[data-testid="submit-proposal"]')
    page.wait_for_url(re.compile(r".*/definitions/mqls$"))
    assert "v2 proposed" in page.inner_text('[data-testid="status"]')
    assert "sales (sales-lead)" in page.inner_text('[data-testid="awaiting"]')
    page.click('[data-testid="sign"]')
    page.wait_for_url(re.compile(r".*/definitions/mqls$"))
    assert page.inner_text('[data-testid="awaiting"]').startswith("sales")
    marketing.shot("definition-pending")
    page.goto("/")
    assert _mqls_cell(page) == "2"  # v1 stays in force until sales signs
    marketing.close()

    member = Visit(browser, base).login("sales-member")
    member.page.goto("/definitions/mqls")
    assert member.page.locator('[data-testid="sign"]').count() == 0
    token = member.page.get_attribute("body", "hx-headers") or ""
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', token)
    assert csrf
    forged = member.page.request.post(
        f"{base}/definitions/mqls/sign", form={"version": "2", "csrf_token": csrf.group(1)}
    )
    assert forged.status == 403
    cross_site = member.page.request.post(f"{base}/definitions/mqls/sign", form={"version": "2"})
    assert cross_site.status == 403
    member.shot("definition-member")
    member.close()

    sales = Visit(browser, base).login("sales-lead")
    sales.page.goto("/definitions/mqls")
    sales.page.click('[data-testid="sign"]')
    sales.page.wait_for_url(re.compile(r".*/definitions/mqls$"))
    assert "v2 in force" in sales.page.inner_text('[data-testid="status"]')
    sales.page.goto("/")
    assert _mqls_cell(sales.page) == "1"  # March without the OFFLINE (other) lead
    assert "mqls v2" in sales.page.inner_text('tr[data-metric="mqls"]')
    sales.shot("scorecard-after-signoff")
    sales.page.goto("/definitions/mqls/diff?from=1&to=2")
    assert "+      value: other" in sales.page.inner_text("pre.diff")
    sales.shot("diff")
    sales.close()


PAGES = (
    ("definitions", "/definitions"),
    ("definitions-glossary", "/definitions?kind=term"),
    ("definition", "/definitions/mql_to_sal_rate"),
    ("data", "/data"),
    ("quarantine-admin", "/data/quarantine"),
    ("users", "/admin/users"),
    ("audit", "/admin/audit"),
    ("error-404", "/definitions/no_such_definition"),
)


def test_a_screenshot_of_every_page_and_readable_on_a_phone(
    served: tuple[str, Path], browser: object
) -> None:
    base, _ = served
    visit = Visit(browser, base).login(ADMIN)
    for name, path in PAGES:
        response = visit.page.goto(path)
        assert response is not None
        assert response.status == (404 if name.startswith("error") else 200), path
        visit.shot(name)
    visit.expect_error("status of 404")
    visit.close()
    phone = Visit(browser, base, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.login("finance-lead")
    for name, path in (("phone-scorecard", "/"), ("phone-definition", "/definitions/mqls")):
        phone.page.goto(path)
        if path == "/":
            phone.page.wait_for_selector('body[data-charts-ready="1"]')
        overflow = phone.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone by {overflow}px"
        phone.shot(name)
    phone.page.goto("/admin/users")
    phone.shot("error-403")
    phone.expect_error("status of 403")
    phone.close()


def test_the_cli_cannot_load_while_the_server_holds_the_warehouse(
    served: tuple[str, Path],
) -> None:
    _, root = served
    result = subprocess.run(
        [sys.executable, "-m", "accord", "load", "-w", str(root), "-p", "stripe-invoices",
         str(FIXTURES / "stripe-invoices.csv")],
        capture_output=True, text=True, timeout=120, env=os.environ | {"COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert "is in use by" in result.stderr
    assert "uploads through the web app run inside the server" in result.stderr


def test_accord_serve_serves_a_workspace(tmp_path: Path) -> None:
    root = tmp_path / "acme"
    Workspace.init(root)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "accord", "serve", "-w", str(root), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        login = httpx.get(f"http://127.0.0.1:{port}/login")
        assert login.status_code == 200
        assert "accord_session=" in login.headers["set-cookie"]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert f"Accord serves {root} at http://127.0.0.1:{port}/" in output


@pytest.fixture(scope="session")
def served_demo(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A copy of the 60-account demo served by uvicorn, with one budget proposal: its
    base URL and the web domain of one of its accounts."""
    import shutil

    from accord.definitions.sql_store import SqlDefinitionStore
    from accord.workflows.budget import fit_workspace, recommend
    from accord.workflows.proposals import propose

    root = tmp_path_factory.mktemp("browser-demo") / "demo"
    shutil.copytree(demo_template, root, ignore=shutil.ignore_patterns("data"))
    ws = Workspace.open(root)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        rec = recommend(fit_workspace(wh, definitions=SqlDefinitionStore(state).snapshot()))
        propose(state, rec, user="marketing-lead", note="shift to paid search")
        accounts = wh.table("accounts")
        domain = accounts.filter(accounts.domain.notnull()).domain.min().to_pyarrow().as_py()
    with serve_in_thread(create_app(ws, settings=settings()), "uvicorn-demo") as base:
        yield base, str(domain)


def _charts_drawn(page: object) -> int:
    page.wait_for_selector('body[data-charts-ready="1"]', timeout=60_000)  # type: ignore[attr-defined]
    charts: int = page.locator(".chart").count()  # type: ignore[attr-defined]
    assert page.locator(".chart svg").count() == charts  # type: ignore[attr-defined]
    return charts


def test_funnel_page_draws_its_charts(served_demo: tuple[str, str], browser: object) -> None:
    base, _ = served_demo
    visit = Visit(browser, base).login("sales-member")
    visit.page.goto("/funnel")
    assert _charts_drawn(visit.page) == 2  # the funnel and the funnel over time
    assert visit.page.locator('section[data-table="sla_breaches"] tbody tr').count() > 0
    visit.shot("funnel")
    visit.close()
    phone = Visit(browser, base, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.login("marketing-member")
    phone.page.goto("/funnel")
    _charts_drawn(phone.page)
    overflow = phone.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"/funnel scrolls sideways on a phone by {overflow}px"
    phone.shot("phone-funnel")
    phone.close()


def test_credit_page_draws_its_charts(served_demo: tuple[str, str], browser: object) -> None:
    base, _ = served_demo
    visit = Visit(browser, base).login("finance-member")
    visit.page.goto("/credit")
    assert _charts_drawn(visit.page) == 2  # model comparison, team credit
    visit.shot("credit")
    visit.close()


def test_accounts_search_and_a_masked_account_360(
    served_demo: tuple[str, str], browser: object
) -> None:
    base, domain = served_demo
    visit = Visit(browser, base).login("sales-member")
    page = visit.page
    page.goto("/accounts")
    page.fill("input[name=q]", domain)
    page.click("form.search button")
    page.wait_for_selector("tr[data-account]")
    visit.shot("accounts-search")
    page.locator("tr[data-account] a").first.click()
    page.wait_for_selector("ol.timeline", timeout=60_000)
    assert page.locator('[data-testid="masked"]').count() == 1  # a member: masked
    visit.shot("account-360")
    visit.close()


def test_economics_and_a_budget_approval_by_both_leads(
    served_demo: tuple[str, str], browser: object
) -> None:
    base, _ = served_demo
    visit = Visit(browser, base).login("sales-member")
    visit.page.goto("/economics")
    assert _charts_drawn(visit.page) == 2  # CAC/LTV by cohort, the budget split
    assert visit.page.locator('[data-testid="approve"]').count() == 0  # a member may not
    visit.shot("economics-member")
    visit.close()
    finance = approve_on_economics(browser, base, "finance-lead")
    assert finance.page.inner_text('[data-testid="proposal-status"]') == "proposed"
    assert "Awaits: marketing" in finance.page.inner_text('[data-testid="awaiting"]')
    finance.shot("economics-awaiting-marketing")
    finance.close()
    marketing = approve_on_economics(browser, base, "marketing-lead")
    assert marketing.page.inner_text('[data-testid="proposal-status"]') == "approved"
    marketing.shot("economics-approved")
    marketing.close()
