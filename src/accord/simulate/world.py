"""What the whole company shares: the calendar, the campaigns and the media plan.

The world depends only on the seed and the calendar, never on the number of accounts, so
every block of accounts sees the same campaigns and the same daily channel mix.

Arrivals follow a daily density with 30 % growth a year, weekends at 35 % of weekdays and
dips in August (85 %) and December (75 %). Paid channels get a daily spend plan (flights
of a few weeks for social and display, a monthly random walk for search); the share of
touches a paid channel gets on a day is its base share times the planted media response
(``params.ADSTOCK``) of its spend, so touch volume follows spend with carry-over and
diminishing returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from accord.simulate import params
from accord.simulate.clock import DAY, add_months, epoch
from accord.simulate.rng import Concern, stream

__all__ = ["Campaign", "World", "build_world"]


@dataclass(frozen=True, slots=True)
class Campaign:
    """One campaign; ``day`` is the date of an event or webinar (index into the calendar)."""

    index: int
    campaign_id: str
    name: str
    channel: str
    team: str
    source_system: str
    first_day: int
    last_day: int
    day: int = -1


@dataclass(frozen=True, slots=True)
class World:
    """Calendar, campaigns and daily mixes shared by every block."""

    seed: int
    start: date
    months: int
    t0: int
    t1: int
    days: int
    campaigns: tuple[Campaign, ...]
    arrival_cdf: np.ndarray
    hour_cdf: np.ndarray
    channel_cdf: np.ndarray
    """``(days, channels)`` cumulative daily channel mix of marketing touches."""
    campaign_cdf: dict[str, tuple[np.ndarray, np.ndarray]]
    """Per channel: campaign indices and a ``(days, k)`` cumulative pick weight."""
    dated: dict[str, tuple[np.ndarray, np.ndarray]]
    """Per dated channel (events, webinars): campaign indices and their days, sorted."""
    spend_plan: np.ndarray
    """``(campaigns, days)`` relative daily spend of each paid campaign."""
    media_response: dict[str, np.ndarray]
    """Per paid channel: the daily multiplier of its touch share (mean 1)."""

    def campaigns_of(self, channel: str) -> list[Campaign]:
        """Campaigns of *channel*."""
        return [c for c in self.campaigns if c.channel == channel]

    def month_day(self, month: int) -> int:
        """Calendar index of the first day of month *month* (0-based) of the window."""
        return (add_months(self.start, month) - self.start).days


def _campaign_specs(start: date, days: int) -> list[tuple[str, str, str, str, int, int, int]]:
    """(name, channel, team, system, first_day, last_day, day) of every campaign."""
    end = days - 1
    out: list[tuple[str, str, str, str, int, int, int]] = []
    for name, first in (
        ("Brand - Exact", 0),
        ("Generic - Revenue Operations Software", 0),
        ("Competitor - Broad", 0),
        ("Retargeting - RLSA", 30),
        ("DSA - All Pages", 120),
    ):
        out.append((name, "paid_search", "marketing", "google_ads", first, end, -1))
    for name, first in (
        ("Prospecting - Lookalike 1%", 0),
        ("Retargeting - Visitors 30d", 0),
        ("Lead Gen - RevOps Playbook", 60),
        ("Video - Brand Awareness", 200),
    ):
        out.append((name, "paid_social", "marketing", "meta_ads", first, end, -1))
    for name in ("Programmatic - ABM Target Accounts", "Display - Retargeting"):
        out.append((name, "display", "marketing", "hubspot", 0, end, -1))
    assets = (
        "Ebook - The RevOps Playbook",
        "Report - State of B2B Pipeline",
        "Template - Marketing-Sales SLA",
        "Guide - Lead Scoring That Sales Trusts",
        "Benchmark - Funnel Conversion Rates",
        "Checklist - Attribution Readiness",
    )
    for i, name in enumerate(assets):
        out.append((f"Content - {name}", "content", "marketing", "hubspot", i * days // 8, end, -1))
    for name in (
        "Newsletter - Monthly",
        "Nurture - New Leads",
        "Nurture - Recycled Leads",
        "Product Announcements",
    ):
        out.append((f"Email - {name}", "email", "marketing", "hubspot", 0, end, -1))
    topics = (
        "Pipeline Reviews That Work",
        "The Two-Sided SLA",
        "Attribution Without Tears",
        "Forecasting With Sales and Finance",
        "Lead Scoring From Rejections",
        "Voice of the Customer",
    )
    month = 0
    while True:
        first_thursday = add_months(start, month).replace(day=1)
        shift = (3 - first_thursday.weekday()) % 7 + 7
        webinar_day = (first_thursday + timedelta(days=shift) - start).days
        if webinar_day > end:
            break
        label = first_thursday.strftime("%b %Y")
        topic = topics[month % len(topics)]
        out.append(
            (
                f"Webinar - {topic} ({label})",
                "webinar",
                "marketing",
                "hubspot",
                max(0, webinar_day - 28),
                webinar_day,
                webinar_day,
            )
        )
        month += 1
    shows = (
        "SaaStr Annual",
        "RevOps Summit London",
        "Dreamforce",
        "B2B Marketing Exchange",
        "Pavilion CMO Summit",
        "Web Summit",
    )
    for k in range(days // 91):
        show_day = min(end, 45 + k * 91)
        year = (start + timedelta(days=show_day)).year
        out.append(
            (
                f"Event - {shows[k % len(shows)]} {year}",
                "events",
                "marketing",
                "hubspot",
                max(0, show_day - 45),
                show_day,
                show_day,
            )
        )
    for name in (
        "Partner - Northstar Consulting",
        "Partner - Bluebridge Agency",
        "Partner - Kestrel Systems Integrators",
    ):
        out.append((name, "partner", "partners", "salesforce", 0, end, -1))
    for name in (
        "Outbound - Enterprise Sequence",
        "Outbound - Mid-Market Sequence",
        "Outbound - SMB Sequence",
    ):
        out.append((name, "outbound", "sales", "salesforce", 0, end, -1))
    return out


def _campaign_id(system: str, k: int) -> str:
    if system == "google_ads":
        return str(20_745_800_123 + 7_919 * k)
    if system == "meta_ads":
        return str(120_208_754_110_000_000 + 104_729 * k)
    return f"701{'8c' if system == 'salesforce' else 'HS'}00000{k:07d}"


def _logistic_saturation(x: np.ndarray, lam: float) -> np.ndarray:
    out: np.ndarray = (1 - np.exp(-lam * x)) / (1 + np.exp(-lam * x))
    return out


def _adstock(x: np.ndarray, decay: float) -> np.ndarray:
    out = np.empty_like(x)
    carry = float(x[:30].mean()) / (1 - decay)  # start in the steady state
    for i, v in enumerate(x):
        carry = v + decay * carry
        out[i] = carry
    return out


def build_world(seed: int, start: date, months: int) -> World:
    """Build the shared world for a run."""
    rng = stream(seed, Concern.WORLD)
    end_day = add_months(start, months)
    days = (end_day - start).days
    specs = _campaign_specs(start, days)
    campaigns = tuple(
        Campaign(k, _campaign_id(system, k), name, channel, team, system, first, last, day)
        for k, (name, channel, team, system, first, last, day) in enumerate(specs)
    )
    d = np.arange(days)
    dates = [start + timedelta(days=int(i)) for i in d]
    month_of = np.array([x.month for x in dates])
    weekday = np.array([x.weekday() >= 5 for x in dates])
    month_idx = np.array([(x.year - start.year) * 12 + x.month - start.month for x in dates])
    season = np.where(month_of == 8, 0.85, 1.0) * np.where(month_of == 12, 0.75, 1.0)
    density = (1 + 0.3 * d / 365) * np.where(weekday, 0.35, 1.0) * season
    arrival_cdf = np.cumsum(density) / density.sum()
    hours = np.array([1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1.0])
    hour_cdf = np.cumsum(hours) / hours.sum()

    spend_plan = np.zeros((len(campaigns), days))
    for c in campaigns:
        if c.channel not in params.PAID_CHANNELS:
            continue
        base = rng.lognormal(0.0, 0.5)
        if c.channel == "paid_search":
            monthly = np.exp(np.cumsum(rng.normal(0, 0.15, months + 1)))
            level = monthly[month_idx]
        else:
            period = int(rng.integers(35, 70))
            on = int(period * rng.uniform(0.55, 0.8))
            phase = int(rng.integers(0, period))
            level = np.where((d + phase) % period < on, 1.0, 0.08)
        plan = base * level * np.where(weekday, 0.6, 1.0) * (1 + 0.25 * d / 365)
        plan[: c.first_day] = 0.0
        plan[c.last_day + 1 :] = 0.0
        spend_plan[c.index] = plan

    media_response: dict[str, np.ndarray] = {}
    weights = np.tile(np.array([ch.mix for ch in params.CHANNELS]), (days, 1))
    for ad in params.ADSTOCK:
        rows = [c.index for c in campaigns if c.channel == ad.channel]
        total = spend_plan[rows].sum(axis=0)
        response = _logistic_saturation(_adstock(total / total.mean(), ad.decay), ad.lam)
        response = response / response.mean()
        media_response[ad.channel] = response
        weights[:, params.CHANNEL_INDEX[ad.channel]] *= response
    channel_cdf = np.cumsum(weights, axis=1)
    channel_cdf /= channel_cdf[:, -1:]

    campaign_cdf: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    dated: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for channel in {c.channel for c in campaigns}:
        own = [c for c in campaigns if c.channel == channel]
        idx = np.array([c.index for c in own])
        if own[0].day >= 0:
            order = np.argsort([c.day for c in own])
            dated[channel] = (idx[order], np.array([c.day for c in own])[order])
            continue
        if channel in params.PAID_CHANNELS:
            w = spend_plan[idx].T.copy()
        else:
            w = np.array(
                [[1.0 if c.first_day <= i <= c.last_day else 0.0 for c in own] for i in range(days)]
            )
            w *= rng.uniform(0.5, 1.5, len(own))
        w[w.sum(axis=1) == 0] = 1.0
        cdf = np.cumsum(w, axis=1)
        campaign_cdf[channel] = (idx, cdf / cdf[:, -1:])
    return World(
        seed=seed,
        start=start,
        months=months,
        t0=epoch(start),
        t1=epoch(end_day),
        days=days,
        campaigns=campaigns,
        arrival_cdf=arrival_cdf,
        hour_cdf=hour_cdf,
        channel_cdf=channel_cdf,
        campaign_cdf=campaign_cdf,
        dated=dated,
        spend_plan=spend_plan,
        media_response=media_response,
    )


def pick_campaigns(world: World, channel: np.ndarray, day: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Campaign index of touches of *channel* names on calendar *day* (``-1``: none).

    Dated channels (events, webinars) take the next one on or after the day (the last
    one after the final date); the others draw by the day's campaign weights with *u*.
    """
    out = np.full(channel.shape, -1, dtype=np.int64)
    for name, (idx, days) in world.dated.items():
        sel = channel == name
        pos = np.minimum(np.searchsorted(days, day[sel]), len(days) - 1)
        out[sel] = idx[pos]
    for name, (idx, cdf) in world.campaign_cdf.items():
        sel = np.flatnonzero(channel == name)
        if sel.size:
            k = (u[sel, None] > cdf[day[sel]]).sum(axis=1)
            out[sel] = idx[np.minimum(k, len(idx) - 1)]
    return out


def draw_times(world: World, rng: np.random.Generator, n: int) -> np.ndarray:
    """*n* arrival times (epoch seconds) from the daily density and hour-of-day profile."""
    day = np.searchsorted(world.arrival_cdf, rng.random(n))
    hour = np.searchsorted(world.hour_cdf, rng.random(n))
    return world.t0 + day * DAY + hour * 3_600 + rng.integers(0, 3_600, n)
