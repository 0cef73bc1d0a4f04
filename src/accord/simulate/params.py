"""The planted truths: every parameter the simulated company is generated from.

Nothing here is random. ``ground_truth.json`` repeats these values (see
``docs/simulation.md``), so an analysis run on the simulated files can be scored against
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "CHANNELS",
    "DEALS",
    "EXPERIMENTS",
    "LEAD_QUALITY",
    "MARKETING_CHANNELS",
    "REASONS",
    "REPS",
    "RETENTION",
    "SEGMENTS",
    "Channel",
    "Experiment",
    "Rep",
    "Retention",
    "Segment",
]

BLOCK_ACCOUNTS: Final = 250
"""Accounts generated together. Part of the output: block *k* holds accounts
``250k .. 250k+249`` and draws from its own random streams."""


@dataclass(frozen=True, slots=True)
class Channel:
    """A marketing channel and its planted effect.

    ``beta`` is the channel's coefficient in the MQL conversion model: the log-odds of
    becoming an MQL rise by ``beta`` when the person's pre-conversion journey contains at
    least one touch of the channel. ``mix`` is its base share of marketing touches,
    ``accept`` its effect on sales' acceptance log-odds (lead quality by source).
    """

    name: str
    mix: float
    beta: float
    accept: float
    hubspot_source: str
    salesforce_source: str
    utm_source: str
    utm_medium: str
    touch_types: tuple[str, ...]
    cpc: float = 0.0
    ctr: float = 0.0


CHANNELS: Final = (
    Channel(
        "organic_search",
        0.17,
        0.45,
        0.10,
        "Organic Search",
        "Web",
        "google",
        "organic",
        ("page_view", "page_view", "form_submission"),
    ),
    Channel(
        "paid_search",
        0.14,
        0.70,
        0.20,
        "Paid Search",
        "Paid Search",
        "google",
        "cpc",
        ("ad_click",),
        cpc=6.5,
        ctr=0.045,
    ),
    Channel(
        "direct", 0.10, 0.30, 0.20, "Direct Traffic", "Web", "(direct)", "(none)", ("page_view",)
    ),
    Channel(
        "email",
        0.12,
        0.40,
        0.00,
        "Email Marketing",
        "Email",
        "hubspot",
        "email",
        ("email_open", "email_click"),
    ),
    Channel(
        "paid_social",
        0.10,
        0.25,
        -0.50,
        "Paid Social",
        "Advertisement",
        "facebook",
        "paid_social",
        ("ad_click",),
        cpc=2.8,
        ctr=0.011,
    ),
    Channel(
        "display",
        0.07,
        0.05,
        -0.60,
        "Other Campaigns",
        "Advertisement",
        "dv360",
        "display",
        ("ad_click", "ad_view"),
        cpc=1.9,
        ctr=0.004,
    ),
    Channel(
        "content",
        0.08,
        0.50,
        -0.30,
        "Other Campaigns",
        "Content Syndication",
        "syndication",
        "content",
        ("content_download",),
    ),
    Channel(
        "webinar",
        0.06,
        0.90,
        0.40,
        "Offline Sources",
        "Webinar",
        "zoom",
        "webinar",
        ("webinar_registration", "webinar_attended"),
    ),
    Channel(
        "events",
        0.04,
        1.00,
        0.50,
        "Offline Sources",
        "Trade Show",
        "event",
        "event",
        ("event_booth_scan", "event_meeting"),
    ),
    Channel(
        "organic_social",
        0.07,
        0.10,
        -0.20,
        "Social Media",
        "Social Media",
        "linkedin",
        "social",
        ("social_click",),
    ),
    Channel(
        "referral",
        0.05,
        0.80,
        0.60,
        "Referrals",
        "Customer Referral",
        "g2",
        "referral",
        ("page_view",),
    ),
)
"""Marketing channels (inbound). ``mix`` sums to 1."""

CHANNEL_INDEX: Final = MappingProxyType({c.name: i for i, c in enumerate(CHANNELS)})
MARKETING_CHANNELS: Final = tuple(c.name for c in CHANNELS)
PAID_CHANNELS: Final = ("paid_search", "paid_social", "display")

MQL_INTERCEPT: Final = -4.0
"""Intercept of the MQL model (log-odds for a person with no channel effect)."""
MQL_SENIORITY: Final = MappingProxyType(
    {
        "c_level": 0.3,
        "vp": 0.35,
        "director": 0.25,
        "manager": 0.1,
        "individual": 0.0,
        "student": -0.3,
    }
)
MQL_ICP_INDUSTRY: Final = 0.3


@dataclass(frozen=True, slots=True)
class Adstock:
    """Planted media response of a paid channel's touch volume to its spend.

    The daily share of touches of the channel is multiplied by
    ``saturation(adstock(spend))`` where adstock is geometric with ``decay`` and
    saturation is the logistic ``(1 - exp(-lam x)) / (1 + exp(-lam x))`` on spend divided by
    its mean (Jin et al. 2017, "Bayesian Methods for Media Mix Modeling with Carryover and
    Shape Effects", eq. 1 and the exponential saturation family).
    """

    channel: str
    decay: float
    lam: float


ADSTOCK: Final = (
    Adstock("paid_search", 0.30, 1.2),
    Adstock("paid_social", 0.55, 0.8),
    Adstock("display", 0.70, 0.5),
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A company segment: size, people, deal size, sales cycle and win rate."""

    name: str
    share: float
    employees_median: float
    people_mean: float
    acv_median: float
    acv_sigma: float
    cycle_days_mean: float
    accept: float
    sql: float
    win: float
    plan: str
    period_months: int


SEGMENTS: Final = (
    Segment("smb", 0.60, 40, 5.0, 7_200, 0.45, 30, 0.0, 0.0, -0.2, "Starter", 1),
    Segment("mid-market", 0.30, 400, 12.0, 36_000, 0.50, 60, 0.2, 0.2, 0.0, "Growth", 3),
    Segment("enterprise", 0.10, 6_000, 32.0, 180_000, 0.55, 110, 0.4, 0.3, -0.3, "Enterprise", 12),
)


@dataclass(frozen=True, slots=True)
class LeadQuality:
    """Planted lead-quality drivers: log-odds terms of sales' acceptance (MQL -> SAL),
    of qualification (SAL -> SQL) and of winning (opportunity -> won)."""

    accept_intercept: float = 0.15
    seniority: tuple[tuple[str, float], ...] = (
        ("c_level", 0.6),
        ("vp", 0.5),
        ("director", 0.3),
        ("manager", 0.0),
        ("individual", -0.4),
        ("student", -2.5),
    )
    icp_industry: float = 0.5
    micro_company: float = -1.2
    free_mail: float = -0.7
    engaged: float = 0.3
    """Added when the journey had 5 or more touches."""
    sql_intercept: float = 0.1
    sql_seniority: tuple[tuple[str, float], ...] = (
        ("c_level", 0.4),
        ("vp", 0.4),
        ("director", 0.2),
        ("manager", 0.0),
        ("individual", -0.3),
        ("student", -1.0),
    )
    opportunity_rate: float = 0.9
    """Share of SQLs whose conversion creates an opportunity (when none is open)."""
    win_intercept: float = -0.9
    win_source: tuple[tuple[str, float], ...] = (
        ("referral", 0.5),
        ("events", 0.3),
        ("webinar", 0.2),
        ("partner", 0.6),
        ("outbound", -0.2),
        ("paid_social", -0.2),
        ("display", -0.2),
    )
    outbound_accept: float = 0.3
    partner_accept: float = 0.8


LEAD_QUALITY: Final = LeadQuality()


@dataclass(frozen=True, slots=True)
class Rep:
    """A member of the revenue team and, for SDRs, their planted SLA behaviour.

    First touch of an MQL happens within 24 hours with probability ``1 - breach``; the
    delay is then log-normal with median ``median_hours`` (truncated to 24 h); otherwise
    (a breach) the lead is never touched with probability ``never`` and else touched
    24 h + a log-normal delay with median 20 h. Attempts within 14 days: ``1 +
    Poisson(attempts - 1)`` capped at 10.
    """

    name: str
    team: str
    role: str
    region: str
    breach: float = 0.0
    median_hours: float = 0.0
    attempts: float = 0.0
    never: float = 0.15


REPS: Final = (
    Rep("Dana Whitfield", "sales", "sdr", "NA", 0.04, 1.5, 5.5),
    Rep("Marcus Oyelaran", "sales", "sdr", "NA", 0.08, 2.5, 4.8),
    Rep("Priya Raman", "sales", "sdr", "NA", 0.12, 3.0, 5.0),
    Rep("Tom Becker", "sales", "sdr", "NA", 0.30, 8.0, 3.2),
    Rep("Sofia Alvarez", "sales", "sdr", "NA", 0.06, 2.0, 6.0),
    Rep("Liam O'Connor", "sales", "sdr", "NA", 0.10, 3.0, 4.5),
    Rep("Chloe Martin", "sales", "sdr", "EMEA", 0.45, 10.0, 2.4),
    Rep("Jonas Lindqvist", "sales", "sdr", "EMEA", 0.05, 1.0, 5.2),
    Rep("Amara Nwosu", "sales", "sdr", "EMEA", 0.22, 6.0, 3.8),
    Rep("Kenji Watanabe", "sales", "sdr", "APAC", 0.18, 5.0, 4.0),
    Rep("Rachel Goldberg", "sales", "ae", "NA"),
    Rep("Victor Chen", "sales", "ae", "NA"),
    Rep("Hannah Schmidt", "sales", "ae", "EMEA"),
    Rep("Olivia Brooks", "sales", "ae", "NA"),
    Rep("Mateo Rossi", "sales", "ae", "EMEA"),
    Rep("Aiko Tanaka", "sales", "ae", "APAC"),
    Rep("Grace Okafor", "partners", "partner_manager", "NA"),
    Rep("Lukas Weber", "partners", "partner_manager", "EMEA"),
    Rep("Nina Petrova", "service", "csm", "NA"),
    Rep("Samuel Adeyemi", "service", "csm", "EMEA"),
    Rep("Mei Lin", "service", "csm", "APAC"),
)
SLA_HOURS: Final = 24.0
ATTEMPT_DAYS: Final = 14.0


@dataclass(frozen=True, slots=True)
class Reason:
    """A rejection reason code and its effect on the lead."""

    code: str
    effect: str


REASONS: Final = (
    Reason("bad_fit", "disqualify"),
    Reason("no_budget", "recycle"),
    Reason("student", "disqualify"),
    Reason("competitor", "disqualify"),
    Reason("duplicate", "disqualify"),
    Reason("no_response", "recycle"),
    Reason("wrong_contact", "disqualify"),
    Reason("not_ready", "recycle"),
)
REMQL_RATE: Final = 0.35
"""Share of recycled leads that become MQLs again (30-180 days later)."""


@dataclass(frozen=True, slots=True)
class Retention:
    """Shifted-beta-geometric retention of a segment (Fader & Hardie 2007, "How to
    project customer retention", J. Interactive Marketing 21(1), eq. 1-2): each customer
    churns at the end of every contract period with probability ``theta ~ Beta(alpha,
    beta)``, fixed for the customer."""

    segment: str
    alpha: float
    beta: float
    period_months: int


RETENTION: Final = (
    Retention("smb", 0.8, 12.0, 1),
    Retention("mid-market", 1.2, 20.0, 3),
    Retention("enterprise", 2.0, 18.0, 12),
)
EXPANSION_RATE: Final = 0.06
"""Probability that MRR grows (x1.1-1.5) at a renewal."""


@dataclass(frozen=True, slots=True)
class Deals:
    """Opportunity outcomes."""

    lost_reasons: tuple[str, ...] = (
        "Price",
        "Competitor",
        "No Decision",
        "Timing",
        "Missing Features",
    )
    lost_weights: tuple[float, ...] = (0.28, 0.24, 0.26, 0.12, 0.10)


DEALS: Final = Deals()


@dataclass(frozen=True, slots=True)
class Experiment:
    """A planted A/B test: ``effect`` is added to the log-odds of ``outcome`` for the
    treatment (or multiplies the churn probability when ``outcome`` is ``churn``)."""

    experiment_id: str
    unit: str
    outcome: str
    effect: float
    start_month: int
    end_month: int


EXPERIMENTS: Final = (
    Experiment("pricing-page-v2", "anonymous_id", "mql", 0.30, 9, 21),
    Experiment("sdr-call-first", "salesforce_lead", "sql", 0.35, 3, 15),
    Experiment("onboarding-checklist", "product_workspace", "churn", 0.75, 6, 18),
)

SALES_CHANNELS: Final = ("outbound", "partner")
ALL_CHANNELS: Final = MARKETING_CHANNELS + SALES_CHANNELS
"""Channel numbering used for touches: marketing channels, then sales-made and partner."""
WEB_CHANNELS: Final = frozenset(
    {
        "organic_search",
        "paid_search",
        "direct",
        "paid_social",
        "display",
        "organic_social",
        "referral",
        "content",
    }
)
"""Channels whose touches carry the visitor's cookie (``anonymous_id``)."""
