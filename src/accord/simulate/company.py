"""Simulate a B2B company: the entry point.

:func:`simulate_company` generates accounts in blocks of ``params.BLOCK_ACCOUNTS`` and
streams every block's records to the export files, so memory stays bounded whatever the
number of accounts. Block *k* draws only from its own random streams (``rng.py``) and
takes the next record numbers, so its rows do not depend on how many blocks follow.
Spend files, whose rows sum over all blocks, are written last.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.simulate import (
    export_deals,
    export_events,
    export_owners,
    export_people,
    export_voice,
    ground_truth,
    params,
)
from accord.simulate.block import make_block
from accord.simulate.counters import Counters
from accord.simulate.rng import Concern, stream
from accord.simulate.sinks import Plant, Sink
from accord.simulate.spend import SpendCounts, write_spend
from accord.simulate.truth import Tally
from accord.simulate.world import build_world

__all__ = ["DEFAULT_START", "SimulatedFile", "SimulationSummary", "simulate_company"]

DEFAULT_START = date(2024, 1, 1)
Progress = Callable[[str, int, int], None]

LOAD_ORDER = (
    "accord-accounts.csv",
    "accord-campaigns.csv",
    "hubspot-users.csv",
    "hubspot-contacts.csv",
    "salesforce-leads.csv",
    "salesforce-opportunities.csv",
    "google-ads-campaigns.csv",
    "meta-ads.csv",
    "accord-spend.csv",
    "accord-touchpoints.csv",
    "accord-lifecycle_events.csv",
    "accord-activities.csv",
    "stripe-invoices.csv",
    "accord-subscriptions.csv",
    "accord-product_events.csv",
    "zendesk-tickets.csv",
    "accord-feedback.csv",
    "accord-exposures.csv",
)
"""Files in load order: companies and campaigns before the facts that refer to them."""

BAD_ROWS = (
    ("salesforce-opportunities.csv", Plant("Amount", "-4500.00", "negative amount")),
    ("zendesk-tickets.csv", Plant("Created at", "31/02/2024 25:61", "unparseable timestamp")),
    ("accord-touchpoints.csv", Plant("channel", "tiktok_organic", "unknown channel")),
    ("accord-activities.csv", Plant("type", "fax", "unknown activity type")),
    ("stripe-invoices.csv", Plant("Date (UTC)", "not a date", "unparseable timestamp")),
    ("accord-subscriptions.csv", Plant("mrr", "", "missing required value")),
    ("hubspot-contacts.csv", Plant("Lifecycle Stage", "Prospect", "unknown lifecycle stage")),
    ("salesforce-leads.csv", Plant("Create Date", "13/45/2024", "unparseable date")),
)
"""Bad rows planted so that quarantine has something to show: block *k* plants the
``k mod 8``-th kind in one of its rows of that file."""


@dataclass(frozen=True)
class SimulatedFile:
    """One written export file and the preset that loads it."""

    path: Path
    preset: str
    rows: int


@dataclass(frozen=True)
class SimulationSummary:
    """What :func:`simulate_company` wrote."""

    out_dir: Path
    seed: int
    accounts: int
    files: tuple[SimulatedFile, ...]
    ground_truth_path: Path


def _headers() -> dict[str, tuple[str, tuple[str, ...], str]]:
    """File name -> (preset, header, id column)."""
    return {
        "hubspot-contacts.csv": ("hubspot-contacts", export_people.HUBSPOT_CONTACTS, "Record ID"),
        "salesforce-leads.csv": ("salesforce-leads", export_people.SALESFORCE_LEADS, "Lead ID"),
        "salesforce-opportunities.csv": (
            "salesforce-opportunities",
            export_deals.OPPORTUNITIES,
            "Opportunity ID",
        ),
        "accord-accounts.csv": ("accord-accounts", export_deals.ACCOUNTS, "source_id"),
        "accord-touchpoints.csv": ("accord-touchpoints", export_events.TOUCHPOINTS, "source_id"),
        "accord-lifecycle_events.csv": (
            "accord-lifecycle_events",
            export_events.LIFECYCLE,
            "source_id",
        ),
        "accord-activities.csv": ("accord-activities", export_events.ACTIVITIES, "source_id"),
        "accord-exposures.csv": ("accord-exposures", export_events.EXPOSURES, "source_id"),
        "stripe-invoices.csv": ("stripe-invoices", export_deals.INVOICES, "id"),
        "accord-subscriptions.csv": (
            "accord-subscriptions",
            export_deals.SUBSCRIPTIONS,
            "source_id",
        ),
        "zendesk-tickets.csv": ("zendesk-tickets", export_voice.TICKETS, "Id"),
        "accord-product_events.csv": (
            "accord-product_events",
            export_voice.PRODUCT_EVENTS,
            "source_id",
        ),
        "accord-feedback.csv": ("accord-feedback", export_voice.FEEDBACK, "source_id"),
    }


def simulate_company(
    out_dir: Path,
    *,
    accounts: int = 2000,
    seed: int = 42,
    start: date | None = None,
    months: int = 24,
    progress: Progress | None = None,
) -> SimulationSummary:
    """Write a simulated company's exports and its ground truth to *out_dir*.

    Parameters
    ----------
    out_dir
        Folder to write to (created if missing; files in it are overwritten).
    accounts
        Number of companies; about 10 people, 100 touchpoints each.
    seed
        Everything is a function of the seed: the same seed writes the same bytes.
    start
        First day of the simulated window (default 2024-01-01).
    months
        Length of the window.
    progress
        Called as ``progress(stage, done, total)`` while generating.

    Returns
    -------
    SimulationSummary
        The files written (in load order) and where the ground truth is.

    Examples
    --------
    >>> import tempfile
    >>> summary = simulate_company(Path(tempfile.mkdtemp()), accounts=20, seed=1)
    >>> [f.preset for f in summary.files][:3]
    ['accord-accounts', 'accord-campaigns', 'hubspot-users']
    """
    if accounts < 1:
        raise InputError(f"--accounts must be at least 1, got {accounts}.")
    if not 3 <= months <= 120:
        raise InputError(
            f"--months must be between 3 and 120, got {months}.",
            hint="A window of 24 months shows renewals and churn.",
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "ground_truth").mkdir(exist_ok=True)
    start = start or DEFAULT_START
    world = build_world(seed, start, months)
    counters, tally, spend = Counters(), Tally(), SpendCounts.empty(world)
    sinks = {name: Sink(out_dir, name, *spec) for name, spec in _headers().items()}
    truth_dir = out_dir / "ground_truth"
    identity = Sink(truth_dir, "identity.csv", "", ground_truth.IDENTITY, "source_id")
    account_truth = Sink(truth_dir, "accounts.csv", "", ground_truth.ACCOUNTS, "source_id")
    themes = Sink(truth_dir, "themes.csv", "", ground_truth.THEMES, "source_id")
    blocks = -(-accounts // params.BLOCK_ACCOUNTS)
    try:
        for k in range(blocks):
            first = k * params.BLOCK_ACCOUNTS
            n = min(params.BLOCK_ACCOUNTS, accounts - first)
            b = make_block(world, seed, k, first, n, counters, tally)
            target, plant = BAD_ROWS[k % len(BAD_ROWS)]
            bad_rng = stream(seed, Concern.BAD_ROWS, k)

            def write(
                name: str,
                cols: dict[str, Any],
                target: str = target,
                plant: Plant = plant,
                bad_rng: np.random.Generator = bad_rng,
            ) -> None:
                record = sinks[name].write(
                    cols, plant=plant if name == target else None, rng=bad_rng
                )
                if record:
                    tally.bad_rows.append(record)

            cols, truth = export_deals.accounts(b)
            write("accord-accounts.csv", cols)
            account_truth.write(truth)
            account_truth.write(export_deals.account_truth(b))
            for name, fn in (
                ("hubspot-contacts.csv", export_people.hubspot_contacts),
                ("salesforce-leads.csv", export_people.salesforce_leads),
            ):
                cols, truth = fn(b)
                write(name, cols)
                identity.write(truth)
            write("salesforce-opportunities.csv", export_deals.opportunities(b))
            sales_touches, ae = export_events.activities_and_touches(b)
            spend.add(world, b.touches)
            write("accord-touchpoints.csv", export_events.touchpoints(b, sales_touches, counters))
            write("accord-lifecycle_events.csv", export_events.lifecycle_events(b, counters))
            write("accord-activities.csv", export_events.activities(b, ae, counters))
            write("accord-exposures.csv", export_events.exposures(b, counters))
            cols, truth = export_deals.invoices(b, counters)
            write("stripe-invoices.csv", cols)
            identity.write(truth)
            write("accord-subscriptions.csv", export_deals.subscriptions(b))
            cols, truth = export_voice.product_events(b, counters)
            write("accord-product_events.csv", cols)
            identity.write(truth)
            cols, truth, theme = export_voice.tickets(b, counters)
            write("zendesk-tickets.csv", cols)
            identity.write(truth)
            themes.write(theme)
            cols, truth, theme = export_voice.feedback(b, counters)
            write("accord-feedback.csv", cols)
            identity.write(truth)
            themes.write(theme)
            if progress is not None:
                progress("Generating accounts", first + n, accounts)
    finally:
        for sink in (*sinks.values(), identity, account_truth, themes):
            sink.close()
    if progress is not None:
        progress("Writing spend", accounts, accounts)
    spend_truth: dict[str, Any] = {}
    written = write_spend(out_dir, world, spend, accounts, spend_truth)
    tally.bad_rows.extend(spend_truth.pop("bad_rows"))
    users = export_owners.write_users(out_dir)
    rows = {name: s.rows for name, s in (*sinks.items(), (users.name, users))}
    presets = {name: s.preset for name, s in (*sinks.items(), (users.name, users))}
    for item in written:
        if isinstance(item, Sink):
            rows[item.name], presets[item.name] = item.rows, item.preset
        else:
            rows[item[0].name], presets[item[0].name] = item[2], item[1]
    files = tuple(SimulatedFile(out_dir / name, presets[name], rows[name]) for name in LOAD_ORDER)
    manifest: dict[str, Any] = {
        "seed": seed,
        "accounts": accounts,
        "files": [{"path": f.path.name, "preset": f.preset, "rows": f.rows} for f in files],
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    truth_path = out_dir / "ground_truth.json"
    document = ground_truth.document(
        world,
        tally,
        spend_truth["spend"],
        accounts=accounts,
        files=manifest["files"],
        sidecars={"identity": identity.rows, "accounts": account_truth.rows, "themes": themes.rows},
    )
    truth_path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")
    return SimulationSummary(out_dir, seed, accounts, files, truth_path)
