"""Every sample file under ``examples/`` loads with its preset, with no quarantine.

The values checked here were read off the sample files by hand (a spreadsheet view of
each), so they test the presets' semantics, not only that something was loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.data.catalog import quarantine_rows
from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.warehouse import Warehouse, open_warehouse

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FILES = sorted(EXAMPLES.glob("*.csv"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    folder = tmp_path_factory.mktemp("examples")
    with open_warehouse("duckdb:///" + str(folder / "w.duckdb")) as wh:
        for path in FILES:
            load_file(wh, path, mapping=get_preset(path.stem), timezone="America/New_York")
        yield wh


def _one(wh: Warehouse, sql: str) -> object:
    row = wh.duckdb.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_every_preset_has_a_sample() -> None:
    from accord.data.sources import list_presets

    outside = {s.name for s in list_presets() if s.source_system != "accord"}
    assert outside <= {p.stem for p in FILES}
    readme = (EXAMPLES / "README.md").read_text("utf-8")
    assert all(p.name in readme for p in FILES)


def test_samples_load_without_quarantine(loaded: Warehouse) -> None:
    problems = quarantine_rows(loaded).to_pylist()
    assert problems == []
    rows = loaded.duckdb.execute(
        "SELECT mapping, rows_read, inserted, quarantined, status FROM _accord_loads"
    ).fetchall()
    assert len(rows) == len(FILES)
    for mapping, read, inserted, quarantined, status in rows:
        assert (status, quarantined) == ("loaded", 0), mapping
        assert 15 <= read <= 60, mapping
        assert inserted >= read - 2, mapping  # google ads: two "Total:" rows skipped


def test_hubspot_deals_open_stages_are_neither_won_nor_lost(loaded: Warehouse) -> None:
    counts = loaded.duckdb.execute(
        "SELECT stage, bool_and(won IS NULL), bool_and(won), bool_and(NOT won), "
        "bool_and(is_closed) FROM opportunities WHERE source_system = 'hubspot' GROUP BY 1"
    ).fetchall()
    by_stage = {r[0]: r[1:] for r in counts}
    assert by_stage["closedwon"][1] is True
    assert by_stage["closedwon"][3] is True
    assert by_stage["closedlost"][2] is True
    assert by_stage["appointmentscheduled"][0] is True  # open: won unknown


def test_salesforce_probability_is_a_fraction(loaded: Warehouse) -> None:
    assert _one(
        loaded, "SELECT max(probability) FROM opportunities WHERE source_system = 'salesforce'"
    ) == pytest.approx(1.0)


def test_google_ads_utf16_report_with_totals(loaded: Warehouse) -> None:
    assert _one(loaded, "SELECT count(*) FROM spend WHERE source_system = 'google_ads'") == 30
    assert _one(loaded, "SELECT min(date) FROM spend WHERE source_system = 'google_ads'") == (
        dt.date(2024, 2, 1)
    )
    skipped = _one(
        loaded, "SELECT skipped FROM _accord_loads WHERE mapping = 'google-ads-campaigns'"
    )
    assert skipped == 2


def test_meta_currency_comes_from_the_spend_header(loaded: Warehouse) -> None:
    assert _one(
        loaded, "SELECT list(DISTINCT currency) FROM spend WHERE source_system = 'meta_ads'"
    ) == ["EUR"]


def test_salesforce_leads_cp1252_and_us_times(loaded: Warehouse) -> None:
    names = _one(loaded, "SELECT list(last_name) FROM contacts WHERE source_system = 'salesforce'")
    assert isinstance(names, list)
    assert "Müller" in names
    # first lead: created 1/8/2024 at 2:.. PM New York time -> stored in UTC
    created = _one(loaded, "SELECT created_at FROM contacts WHERE source_id = '00Q5e0000000000AB'")
    assert isinstance(created, dt.datetime)
    assert created.date() == dt.date(2024, 1, 8)
    stages = _one(
        loaded,
        "SELECT list(DISTINCT stage ORDER BY stage) FROM lifecycle_events "
        "WHERE source_system = 'salesforce'",
    )
    assert stages == ["lead", "sql"]


def test_stripe_dates_are_utc_whatever_the_workspace_zone(loaded: Warehouse) -> None:
    first = _one(loaded, "SELECT ts FROM revenue WHERE source_id = 'in_1Oq0000Xy'")
    raw = (EXAMPLES / "stripe-invoices.csv").read_text("utf-8").splitlines()[1].split(",")[4]
    assert first == dt.datetime.fromisoformat(raw)


def test_zendesk_multiline_descriptions_and_dash_placeholders(loaded: Warehouse) -> None:
    assert _one(loaded, "SELECT count(*) FROM tickets WHERE text LIKE '%' || chr(10) || '%'") > 0
    assert _one(loaded, "SELECT count(*) FROM tickets WHERE priority = '-'") == 0


def test_hubspot_contacts_lifecycle_melt(loaded: Warehouse) -> None:
    contacts = _one(loaded, "SELECT count(*) FROM contacts WHERE source_system = 'hubspot'")
    events = _one(loaded, "SELECT count(*) FROM lifecycle_events WHERE source_system = 'hubspot'")
    assert contacts == 30
    assert isinstance(events, int)
    assert events >= contacts
    orphans = _one(
        loaded,
        "SELECT count(*) FROM lifecycle_events e ANTI JOIN contacts c "
        "ON c.source_system = e.source_system AND c.contact_id = e.contact_id "
        "WHERE e.source_system = 'hubspot'",
    )
    assert orphans == 0
    emails = _one(loaded, "SELECT count(*) FROM contacts WHERE email <> trim(email)")
    assert emails == 0
