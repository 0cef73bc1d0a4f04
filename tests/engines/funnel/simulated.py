"""A simulated company, loaded like a real workspace, keyed by the true person.

Shared by the funnel, SLA, feedback and forecast tests (loaded with
:func:`load_helper` under one module name, so the company is simulated and loaded once
per test session). The files go through the real loader and presets into a DuckDB
warehouse; the ground-truth identity clusters (``ground_truth/identity.csv``) stand in
for identity resolution: every event, activity and owner is re-keyed to ``person_id``,
as the workspace layer will do with its crosswalk.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.warehouse import Warehouse, open_warehouse
from accord.simulate import simulate_company

ACCOUNTS = 500
SEED = 11
LOADED = (
    "hubspot-contacts.csv",
    "salesforce-leads.csv",
    "salesforce-opportunities.csv",
    "accord-lifecycle_events.csv",
    "accord-activities.csv",
)
STAGES = ("subscriber", "lead", "mql", "sal", "sql", "opportunity", "customer")


@dataclass
class SimulatedCompany:
    """Warehouse tables re-keyed to ``person_id`` plus the raw files and the truth."""

    folder: Path
    truth: dict[str, Any]
    warehouse: Warehouse
    events: ir.Table
    """person_id, stage, ts, reason, actor, source_system (lifecycle events)."""
    lead_events: ir.Table
    """The same events keyed by the record id (contact_id) of their own system."""
    activities: ir.Table
    """person_id, rep_id, ts, type."""
    owners: ir.Table
    """person_id, owner_id (HubSpot contact owner = SDR of the MQL's lead), team."""
    sources: ir.Table
    """person_id, source (channel of the person's first identified marketing touch)."""
    opportunities: ir.Table
    start: dt.datetime
    end: dt.datetime

    def csv(self, name: str) -> Path:
        return self.folder / name


_CACHE: dict[tuple[int, int], SimulatedCompany] = {}


def simulated_company(base: Path, accounts: int = ACCOUNTS, seed: int = SEED) -> SimulatedCompany:
    """Simulate and load once per session (later calls return the same company)."""
    key = (accounts, seed)
    if key in _CACHE:
        return _CACHE[key]
    folder = base / f"company-{accounts}-{seed}"
    simulate_company(folder, accounts=accounts, seed=seed)
    manifest = json.loads((folder / "manifest.json").read_text())
    wh = open_warehouse(f"duckdb://{base / f'warehouse-{accounts}-{seed}.duckdb'}")
    for f in manifest["files"]:
        if f["path"] in LOADED:
            load_file(wh, folder / f["path"], mapping=get_preset(f["preset"]))
    con = wh.backend
    truth = json.loads((folder / "ground_truth.json").read_text())
    xw = con.read_csv(folder / "ground_truth" / "identity.csv", table_name="crosswalk")
    xw = xw.select("source_system", "source_id", "person_id").distinct()
    le = wh.table("lifecycle_events")
    j = le.join(xw, [le.source_system == xw.source_system, le.contact_id == xw.source_id])
    events = j.select("person_id", "stage", "ts", "reason", "actor", le.source_system)
    act = wh.table("activities")
    j = act.join(xw, [act.source_system == xw.source_system, act.contact_id == xw.source_id])
    activities = j.select("person_id", "rep_id", "ts", "type")
    contacts = wh.table("contacts")
    hs = contacts.filter(contacts.source_system == "hubspot")
    j = hs.join(xw, [hs.source_system == xw.source_system, hs.contact_id == xw.source_id])
    region = {r["name"]: r["region"] for r in truth["reps"]}
    teams = ibis.memtable({"t_owner": list(region), "team": list(region.values())})
    own = j.filter(j.owner_id.notnull() & (j.owner_id != ""))
    own = own.group_by("person_id").aggregate(owner_id=own.owner_id.max())
    own = own.left_join(teams, own.owner_id == teams.t_owner).drop("t_owner")
    tp = con.read_csv(folder / "accord-touchpoints.csv", table_name="touchpoints_raw")
    tp = tp.filter(tp.team == "marketing").join(
        xw.filter(xw.source_system == "hubspot"), tp.contact_id.cast("string") == xw.source_id
    )
    tp = tp.mutate(at=tp.ts.cast("timestamp"))
    sources = tp.group_by("person_id").aggregate(source=tp.channel.argmin(tp.at))
    start = dt.datetime.fromisoformat(truth["simulation"]["start"])
    end = dt.datetime.fromisoformat(truth["simulation"]["end"])
    company = SimulatedCompany(
        folder=folder,
        truth=truth,
        warehouse=wh,
        events=events,
        lead_events=le,
        activities=activities,
        owners=own,
        sources=sources,
        opportunities=wh.table("opportunities"),
        start=start,
        end=end,
    )
    _CACHE[key] = company
    return company
