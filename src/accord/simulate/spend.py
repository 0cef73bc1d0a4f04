"""Spend: what the touches cost, written once all blocks are done.

Paid channels: platforms report ``clicks = 3 x tracked ad clicks + Poisson(0.5)`` per
campaign and day (most clicks come from people outside the simulated accounts), and the
channel's spend is ``CPC x reported clicks`` spread over days in proportion to the media
plan (``world.spend_plan``); so spend and touch volume move together through the planted
media response. Content syndication costs $45 per download plus $6,000 per asset, a
webinar $1,200 plus $25 per registrant, an event $20,000 plus $150 per badge scan; sales
and marketing payroll and software are monthly ``other`` rows. Fixed costs scale with the
number of accounts (x accounts / 2000).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import numpy as np

from accord.simulate import params
from accord.simulate.clock import DAY
from accord.simulate.journeys import Touches
from accord.simulate.rng import Concern, stream
from accord.simulate.sinks import Plant, Sink
from accord.simulate.world import World

__all__ = ["SpendCounts", "write_spend"]

GOOGLE: Final = (
    "Day",
    "Campaign ID",
    "Campaign",
    "Campaign status",
    "Currency code",
    "Impr.",
    "Clicks",
    "Cost",
    "Conversions",
)
META: Final = (
    "Day",
    "Campaign name",
    "Campaign ID",
    "Amount spent (USD)",
    "Currency",
    "Impressions",
    "Reach",
    "Link clicks",
    "Results",
    "Result indicator",
    "Reporting starts",
    "Reporting ends",
)
SPEND: Final = (
    "source_system",
    "source_id",
    "date",
    "channel",
    "campaign_id",
    "campaign_name",
    "amount",
    "currency",
    "impressions",
    "clicks",
    "conversions",
)
CAMPAIGNS: Final = (
    "source_system",
    "source_id",
    "campaign_id",
    "name",
    "channel",
    "team",
    "start_date",
    "end_date",
    "budget",
    "currency",
)
_CONVERTING = ("form_submission", "demo_request")


@dataclass
class SpendCounts:
    """Touches per campaign and day, summed over blocks."""

    clicks: np.ndarray
    touches: np.ndarray
    conversions: np.ndarray
    totals: dict[str, float] = field(default_factory=dict)

    @classmethod
    def empty(cls, world: World) -> SpendCounts:
        shape = (len(world.campaigns), world.days)
        return cls(np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(shape, np.int64))

    def add(self, world: World, t: Touches) -> None:
        """Count a block's touches."""
        sel = t.campaign >= 0
        day = np.clip((t.ts[sel] - world.t0) // DAY, 0, world.days - 1)
        camp = t.campaign[sel]
        np.add.at(self.touches, (camp, day), 1)
        click = t.touch_type[sel] == "ad_click"
        np.add.at(self.clicks, (camp[click], day[click]), 1)
        conv = np.isin(t.touch_type[sel], _CONVERTING)
        np.add.at(self.conversions, (camp[conv], day[conv]), 1)


def _day(world: World, d: int) -> str:
    return (world.start + timedelta(days=d)).isoformat()


def write_spend(
    out: Path, world: World, counts: SpendCounts, accounts: int, truth: dict[str, Any]
) -> list[Sink | tuple[Path, str, int]]:
    """Write the Google Ads, Meta, canonical spend and campaign files."""
    rng = stream(world.seed, Concern.SPEND)
    scale = accounts / 2000
    cpc = {c.name: c.cpc for c in params.CHANNELS}
    ctr = {c.name: c.ctr for c in params.CHANNELS}
    reported = counts.clicks * 3 + rng.poisson(0.5, counts.clicks.shape) * (world.spend_plan > 0)
    amount = np.zeros(counts.clicks.shape)
    for ch in params.PAID_CHANNELS:
        rows = [c.index for c in world.campaigns if c.channel == ch]
        total = cpc[ch] * reported[rows].sum()
        plan = world.spend_plan[rows]
        amount[rows] = np.round(total * plan / max(plan.sum(), 1e-9), 2)
    impressions = np.round(
        reported
        / np.array([ctr.get(c.channel, 1.0) or 1.0 for c in world.campaigns])[:, None]
        * rng.lognormal(0, 0.1, reported.shape)
    ).astype(np.int64)
    conversions = np.round(counts.conversions * 1.3, 2)
    spend_rows: list[list[str]] = []
    files: list[Sink | tuple[Path, str, int]] = []
    google, meta = [], []
    for c in world.campaigns:
        k = c.index
        for d in np.flatnonzero(world.spend_plan[k] > 0).tolist():
            day = _day(world, d)
            if c.channel == "paid_search":
                google.append(
                    [
                        day,
                        c.campaign_id,
                        c.name,
                        "Enabled",
                        "USD",
                        f"{impressions[k, d]:,}",
                        f"{reported[k, d]:,}",
                        f"{amount[k, d]:,.2f}",
                        f"{conversions[k, d]:.2f}",
                    ]
                )
            elif c.channel == "paid_social":
                meta.append(
                    [
                        day,
                        c.name,
                        c.campaign_id,
                        f"{amount[k, d]:.2f}",
                        "USD",
                        str(impressions[k, d]),
                        str(int(impressions[k, d] * 0.7)),
                        str(reported[k, d]),
                        str(round(conversions[k, d])),
                        "actions:lead",
                        day,
                        day,
                    ]
                )
            else:
                spend_rows.append(
                    [
                        "dv360",
                        f"{day}:{c.campaign_id}",
                        day,
                        c.channel,
                        c.campaign_id,
                        c.name,
                        f"{amount[k, d]:.2f}",
                        "USD",
                        str(impressions[k, d]),
                        str(reported[k, d]),
                        f"{conversions[k, d]:.2f}",
                    ]
                )
    for c in world.campaigns:
        k = c.index
        used = counts.touches[k]
        if c.channel == "content":
            month_rows: dict[str, int] = {}
            for d in np.flatnonzero(used).tolist():
                first = _day(world, d)[:8] + "01"
                month_rows[first] = month_rows.get(first, 0) + int(used[d])
            release = _day(world, c.first_day)
            month_rows.setdefault(release[:8] + "01", 0)
            for first, n in sorted(month_rows.items()):
                cost = 45.0 * n + (6_000 * scale if first == release[:8] + "01" else 0.0)
                spend_rows.append(
                    [
                        "netsuite",
                        f"{first}:{c.campaign_id}",
                        first,
                        c.channel,
                        c.campaign_id,
                        c.name,
                        f"{cost:.2f}",
                        "USD",
                        "",
                        "",
                        str(n),
                    ]
                )
                amount[k, 0] += cost
        elif c.channel in ("webinar", "events"):
            n = int(used.sum())
            fixed, per = (1_200, 25.0) if c.channel == "webinar" else (20_000, 150.0)
            cost = fixed * scale + per * n
            day = _day(world, c.day)
            spend_rows.append(
                [
                    "netsuite",
                    f"{day}:{c.campaign_id}",
                    day,
                    c.channel,
                    c.campaign_id,
                    c.name,
                    f"{cost:.2f}",
                    "USD",
                    "",
                    "",
                    str(n),
                ]
            )
            amount[k, c.day] += cost
    sales = sum(1 for r in params.REPS if r.team in ("sales", "partners"))
    for m in range(world.months):
        first = _day(world, world.month_day(m))
        for cid, name, cost in (
            ("payroll-sales", "Sales team payroll", 9_000 * sales * scale),
            ("payroll-marketing", "Marketing team payroll", 9_000 * 6 * scale),
            ("software", "Sales and marketing software", 4_000 * scale),
        ):
            spend_rows.append(
                [
                    "netsuite",
                    f"{first}:{cid}",
                    first,
                    "other",
                    cid,
                    name,
                    f"{cost:.2f}",
                    "USD",
                    "",
                    "",
                    "",
                ]
            )

    g_path = out / "google-ads-campaigns.csv"
    with g_path.open("w", newline="", encoding="utf-8") as fh:
        fh.write("Campaign report\n")
        fh.write(f'"{_long(world, 0)} - {_long(world, world.days - 1)}"\n')
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(GOOGLE)
        w.writerows(google)
        g = [c.index for c in world.campaigns if c.channel == "paid_search"]
        for label in ("Total: Account", "Total: Search"):
            w.writerow(
                [
                    label,
                    "--",
                    "--",
                    "--",
                    "USD",
                    f"{impressions[g].sum():,}",
                    f"{reported[g].sum():,}",
                    f"{amount[g].sum():,.2f}",
                    f"{conversions[g].sum():.2f}",
                ]
            )
    files.append((g_path, "google-ads-campaigns", len(google)))

    m_sink = Sink(out, "meta-ads.csv", "meta-ads", META, "Campaign ID")
    m_sink.write({h: [r[i] for r in meta] for i, h in enumerate(META)})
    m_sink.close()
    files.append(m_sink)

    s_sink = Sink(out, "accord-spend.csv", "accord-spend", SPEND, "source_id")
    record = s_sink.write(
        {h: [r[i] for r in spend_rows] for i, h in enumerate(SPEND)},
        plant=Plant("amount", "-1250.00", "negative amount"),
        rng=stream(world.seed, Concern.BAD_ROWS),
    )
    s_sink.close()
    files.append(s_sink)
    truth["bad_rows"] = [record] if record else []

    camp_rows = []
    for c in world.campaigns:
        spent = float(amount[c.index].sum())
        budget = f"{round(spent * rng.uniform(0.95, 1.2), -2):.2f}" if spent else ""
        start = _day(world, c.first_day)
        end = _day(world, c.day if c.day >= 0 else c.last_day)
        camp_rows.append(
            [
                c.source_system,
                c.campaign_id,
                c.campaign_id,
                c.name,
                c.channel,
                c.team,
                start,
                end,
                budget,
                "USD" if budget else "",
            ]
        )
    c_sink = Sink(out, "accord-campaigns.csv", "accord-campaigns", CAMPAIGNS, "source_id")
    c_sink.write({h: [r[i] for r in camp_rows] for i, h in enumerate(CAMPAIGNS)})
    c_sink.close()
    files.append(c_sink)
    truth["spend"] = {
        ch: {
            "amount": round(
                float(amount[[c.index for c in world.campaigns if c.channel == ch]].sum()), 2
            ),
            "reported_clicks": int(
                reported[[c.index for c in world.campaigns if c.channel == ch]].sum()
            ),
            "tracked_clicks": int(
                counts.clicks[[c.index for c in world.campaigns if c.channel == ch]].sum()
            ),
        }
        for ch in sorted({c.channel for c in world.campaigns})
    }
    return files


def _long(world: World, d: int) -> str:
    day = world.start + timedelta(days=d)
    return f"{day.strftime('%B')} {day.day}, {day.year}"
