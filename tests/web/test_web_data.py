"""The Data page and API: uploads as background jobs, quarantine with reasons, personal
data masked for roles without view_pii, loads, CSV downloads, pagination."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import FastAPI
from web_helpers import ADMIN, ClientFor, TestClient, csrf_of

from accord.web.listing import to_parquet
from accord.web.runtime import Runtime

UPLOAD = (
    "Record ID,First Name,Last Name,Email,Phone Number,Original Source,Lifecycle Stage,"
    "Create Date,Became a Lead Date\n"
    "301,Ines,Duarte,ines.duarte@mu.pt,+351 21 123 4567,PAID_SEARCH,lead,"
    "2025-03-20 09:00,2025-03-20 09:00\n"
    "302,Karl,Weber,karl.weber@nu.de,+49 89 1234 5678,PAID_SEARCH,lead,"
    "not a date,2025-03-21 09:00\n"
)
"""Two contacts; the second's create date is not a date (row 3 of the file)."""


def _upload(c: TestClient, content: str, *, preset: str = "hubspot-contacts") -> Any:
    return c.post(
        "/api/v1/uploads",
        data={"preset": preset},
        files={"file": ("march-leads.csv", content.encode(), "text/csv")},
        headers={"X-CSRF-Token": csrf_of(c)},
    )


def _wait(c: TestClient, job_id: str) -> dict[str, Any]:
    """Poll the job until it is done or failed (the loader runs in the background)."""
    for _ in range(600):
        job: dict[str, Any] = c.get(f"/api/v1/uploads/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"upload {job_id} still {job['status']}")


def test_an_upload_loads_in_the_background_and_quarantines_the_bad_row(
    app: FastAPI, as_user: ClientFor
) -> None:
    lead = as_user("marketing-lead")
    before = app.state.runtime.warehouse.data_version
    queued = _upload(lead, UPLOAD)
    assert queued.status_code == 202
    assert queued.json()["status"] in ("queued", "running", "done")
    job = _wait(lead, queued.json()["id"])
    assert job["status"] == "done", job
    # inserted adds up over tables: one contact, and both rows' "lead" lifecycle events
    assert (job["rows_read"], job["inserted"], job["quarantined"]) == (2, 3, 1)
    assert job["filename"] == "march-leads.csv"
    assert app.state.runtime.warehouse.data_version != before
    [row] = lead.get(f"/api/v1/quarantine?load={job['load_id']}").json()["items"]
    assert (row["file"], row["row"], row["table"], row["column"]) == (
        "march-leads.csv",
        3,
        "contacts",
        "Create Date",
    )
    assert row["value"] == "not a date"
    assert "not a date-time" in row["reason"]
    assert row["record"]["Email"] == "karl.weber@nu.de"  # a marketing lead sees personal data
    loads = lead.get("/api/v1/loads").json()["items"]
    assert (loads[0]["load_id"], loads[0]["actor"]) == (job["load_id"], "marketing-lead")
    audit = as_user(ADMIN).get(f"/api/v1/audit?entity=load:{job['load_id']}").json()["items"]
    assert [(e["actor"], e["action"]) for e in audit] == [("marketing-lead", "data.load")]


def test_personal_data_is_masked_for_roles_without_view_pii(as_user: ClientFor) -> None:
    for name in ("marketing-member", "finance-lead", "product-member"):
        rows = as_user(name).get("/api/v1/quarantine").json()["items"]
        assert rows, name
        for row in rows:
            record = row["record"]
            assert "@" not in record["Email"] or record["Email"].split("@")[0].endswith("•••")
            assert record["Email"].endswith(("@kappa.cz", "@nu.de"))
            assert "•••" in record["Phone Number"]
            assert record["First Name"].endswith("•••")
            assert record["Last Name"].endswith("•••")
            assert record["Original Source"] == "PAID_SEARCH"  # not personal: kept
        page = as_user(name).get("/data/quarantine").text
        assert 'data-testid="masked-notice"' in page
        assert "tomas.kral@kappa.cz" not in page
        exported = as_user(name).get("/api/v1/quarantine?format=csv").text
        assert "tomas.kral@kappa.cz" not in exported
        assert "not a date-time" in exported
    for name in ("marketing-lead", "service-lead", ADMIN):
        rows = as_user(name).get("/api/v1/quarantine").json()["items"]
        assert "tomas.kral@kappa.cz" in {r["record"]["Email"] for r in rows}, name


def test_uploads_refuse_bad_input_and_report_a_rejected_file(as_user: ClientFor) -> None:
    lead = as_user("sales-lead")
    empty = _upload(lead, "")
    assert empty.status_code == 422
    assert "empty" in empty.json()["error"]["message"]
    unknown = _upload(lead, UPLOAD, preset="no-such-preset")
    assert unknown.status_code == 422
    assert "hubspot-contacts" in unknown.json()["error"]["hint"]
    rejected = _wait(lead, _upload(lead, "Deal Name,Amount\nAcme,12\n").json()["id"])
    assert rejected["status"] == "failed"
    assert rejected["error"]
    assert rejected["inserted"] is None


def test_the_data_page_polls_an_upload_with_htmx(as_user: ClientFor) -> None:
    lead = as_user(ADMIN)
    page = lead.get("/data").text
    assert 'hx-post="/data/uploads"' in page
    assert 'name="csrf_token"' in page
    fragment = lead.post(
        "/data/uploads",
        data={"preset": "stripe-invoices", "csrf_token": csrf_of(lead)},
        files={"file": ("inv.csv", b"id,Customer,Date (UTC),Total,Currency,Status\n", "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    job_id = fragment.text.split('data-job="')[1].split('"')[0]
    _wait(lead, job_id)
    final = lead.get(f"/data/uploads/{job_id}", headers={"HX-Request": "true"}).text
    assert "hx-trigger" not in final  # finished: the polling stops
    assert "<html" in lead.get(f"/data/uploads/{job_id}").text
    redirect = lead.post(
        "/data/uploads",
        data={"preset": "stripe-invoices", "csrf_token": csrf_of(lead)},
        files={"file": ("inv.csv", b"id,Customer,Date (UTC),Total,Currency,Status\n", "text/csv")},
    )
    assert redirect.status_code == 303
    assert redirect.headers["location"].startswith("/data/uploads/")
    assert "Upload an export" not in as_user("sales-member").get("/data").text


def test_loads_and_tables_page_and_download(as_user: ClientFor) -> None:
    c = as_user("product-member")
    loads = c.get("/api/v1/loads?limit=1").json()
    assert len(loads["items"]) == 1
    assert loads["total"] >= 3
    everything = list(csv.DictReader(io.StringIO(c.get("/api/v1/loads?format=csv").text)))
    assert len(everything) == loads["total"]
    tables = {t["table"]: t["rows"] for t in c.get("/api/v1/tables?limit=100").json()["items"]}
    assert tables["revenue"] == 3
    assert c.get("/api/v1/loads?limit=0").json()["error"]["code"] == "invalid_input"
    assert c.get("/api/v1/quarantine?limit=1").json()["limit"] == 1
    page = c.get("/data").text
    for link in ("/api/v1/loads?format=csv", "/api/v1/tables?format=csv",
                 "/api/v1/quarantine?format=csv"):  # fmt: skip
        assert f'href="{link}"' in page


def test_csv_cells_cannot_run_as_spreadsheet_formulas(app: FastAPI, as_user: ClientFor) -> None:
    runtime: Runtime = app.state.runtime
    lead = as_user("marketing-lead")
    evil = UPLOAD.replace("not a date", "=HYPERLINK(1)")
    job = _wait(lead, _upload(lead, evil).json()["id"])
    exported = lead.get(f"/api/v1/quarantine?format=csv&load={job['load_id']}").text
    assert "'=HYPERLINK(1)" in exported
    assert runtime.uploads.get(job["id"]).status == "done"


def test_parquet_keeps_types_and_writes_mixed_or_nested_columns_as_text() -> None:
    when = dt.datetime(2025, 3, 1, 9, 30)
    rows = [
        {"n": 1, "x": 0.5, "at": when, "ok": True, "mixed": 1, "nested": {"a": [1, 2]}},
        {"n": None, "x": 2.0, "at": None, "ok": False, "mixed": "two", "nested": None},
    ]
    table = pq.read_table(io.BytesIO(to_parquet(rows, list(rows[0]))))
    types = {f.name: f.type for f in table.schema}
    assert pa.types.is_integer(types["n"])
    assert pa.types.is_floating(types["x"])
    assert pa.types.is_timestamp(types["at"])
    assert pa.types.is_boolean(types["ok"])
    assert types["mixed"] == types["nested"] == pa.string()
    assert table.to_pylist() == [
        {"n": 1, "x": 0.5, "at": when, "ok": True, "mixed": "1", "nested": '{"a": [1, 2]}'},
        {"n": None, "x": 2.0, "at": None, "ok": False, "mixed": "two", "nested": None},
    ]
    empty = pq.read_table(io.BytesIO(to_parquet([], ["a", "b"])))
    assert (empty.num_rows, empty.column_names) == (0, ["a", "b"])
