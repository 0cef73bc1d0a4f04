"""Report filters and a budget proposal in a real browser (Debian's chromium, Playwright),
on a copy of the 60-account demo served by uvicorn.

A sales lead narrows the funnel to last quarter with the filter form: the report is
swapped in place (HTMX), the address keeps the filters and the charts are drawn again.
A marketing lead proposes the recommended allocation from the Economics page and sees it
pending; a finance lead approves it, then the marketing lead. Screenshots go with the
others (``test-artifacts/screenshots/``).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web_browser import Visit, _charts_drawn, approve_on_economics, serve_in_thread
from web_helpers import settings

from accord.data.workspace import Workspace
from accord.web import create_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def served_budget(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the demo (no budget proposal yet) served by uvicorn: its base URL."""
    root = tmp_path_factory.mktemp("browser-budget") / "demo"
    shutil.copytree(demo_template, root, ignore=shutil.ignore_patterns("data"))
    app = create_app(Workspace.open(root), settings=settings())
    with serve_in_thread(app, "uvicorn-budget") as base:
        yield base


def test_the_funnel_filter_swaps_the_report_and_keeps_the_address(
    served_budget: str, browser: object
) -> None:
    visit = Visit(browser, served_budget).login("sales-lead")
    page = visit.page
    page.goto("/funnel")
    _charts_drawn(page)
    before = page.inner_text('[data-testid="window"]')
    page.select_option("select[name=preset]", "last_quarter")
    page.select_option("select[name=by]", "channel")
    page.click('[data-testid="apply-filters"]')
    page.wait_for_url(re.compile(r".*/funnel\?preset=last_quarter&by=channel$"))
    page.wait_for_function(
        "document.querySelector('[data-testid=window]').innerText.includes('by channel')"
    )
    after = page.inner_text('[data-testid="window"]')
    assert after != before
    assert _charts_drawn(page) == 2  # drawn again after the swap
    csv = page.locator('section[data-table="stages"] a.csv').get_attribute("href")
    assert csv == "/api/v1/funnel/stages?preset=last_quarter&by=channel&format=csv"
    parquet = page.locator('section[data-table="stages"] a.parquet').get_attribute("href")
    assert parquet == "/api/v1/funnel/stages?preset=last_quarter&by=channel&format=parquet"
    visit.shot("funnel-filtered")
    page.reload()  # the address alone gives the same report
    assert page.inner_text('[data-testid="window"]') == after
    visit.close()


def test_a_marketing_lead_proposes_and_both_leads_approve(
    served_budget: str, browser: object
) -> None:
    marketing = Visit(browser, served_budget).login("marketing-lead")
    page = marketing.page
    page.goto("/economics")
    assert _charts_drawn(page) == 2
    assert page.locator("[data-proposal]").count() == 0
    page.fill("form.propose-budget input[name=note]", "the model's split")
    page.click('[data-testid="propose"]')
    page.wait_for_url(re.compile(r".*/economics#proposal-\d+$"))
    assert page.inner_text('[data-testid="proposal-status"]') == "proposed"
    assert "Awaits: finance, marketing" in page.inner_text('[data-testid="awaiting"]')
    assert "the model's split" in page.inner_text("[data-proposal]")
    marketing.shot("economics-proposed")
    marketing.close()
    finance = approve_on_economics(browser, served_budget, "finance-lead")
    assert finance.page.inner_text('[data-testid="proposal-status"]') == "proposed"
    assert "Awaits: marketing" in finance.page.inner_text('[data-testid="awaiting"]')
    finance.shot("economics-proposed-finance-approved")
    finance.close()
    again = approve_on_economics(browser, served_budget, "marketing-lead")
    assert again.page.inner_text('[data-testid="proposal-status"]') == "approved"
    again.close()
