"""The canonical data model: the revenue graph (DESIGN.md §5).

Every canonical table has two key columns, ``source_system`` and ``source_id``: the system
a row came from and the row's id there. Together they are the table's primary key, which
makes loads idempotent (the same row loaded twice is one row) and traceable. The entity id
column (``contact_id``, ``account_id``, ...) is the id *inside the source system*;
references to other entities (``account_id`` on a contact) are ids in the same source
system. Identity resolution (``accord.identity``) later maps records from different
systems to one ``person_id`` / ``account_id``.

Three bookkeeping columns are added by the loader to every table: ``_load_id`` (the load
that last wrote the row), ``_loaded_at`` and ``_row_hash`` (hash of the canonical values,
used to tell an updated row from an unchanged one).

Examples
--------
>>> from accord.data.schema import TABLES
>>> TABLES["contacts"].column("email").type
'string'
>>> sorted(TABLES["opportunities"].enum_columns())
['currency']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "BOOKKEEPING_COLUMNS",
    "KEY_COLUMNS",
    "LIFECYCLE_STAGES",
    "TABLES",
    "Column",
    "ColumnType",
    "Table",
    "table",
]

ColumnType = Literal["string", "integer", "float", "money", "boolean", "date", "timestamp"]
"""Logical column types. ``money`` is a float parsed with currency symbols and thousands
separators allowed; ``timestamp`` is stored in UTC (naive input is read in the
workspace's time zone)."""

KEY_COLUMNS: tuple[str, str] = ("source_system", "source_id")
BOOKKEEPING_COLUMNS: tuple[str, ...] = ("_load_id", "_loaded_at", "_row_hash")

LIFECYCLE_STAGES: tuple[str, ...] = (
    "subscriber",
    "lead",
    "mql",
    "sal",
    "sql",
    "opportunity",
    "customer",
    "evangelist",
    "other",
    # side states
    "rejected",
    "recycled",
    "disqualified",
    "lost",
    "churned",
)
"""Lifecycle stages, named after HubSpot's default lifecycle stages plus the side states
the funnel definitions use (``sal`` records sales' accept decision, ``rejected`` its
reject decision with a reason code)."""

CHANNELS: tuple[str, ...] = (
    "paid_search",
    "paid_social",
    "organic_search",
    "organic_social",
    "email",
    "display",
    "referral",
    "direct",
    "events",
    "webinar",
    "content",
    "partner",
    "outbound",
    "other",
)

TEAMS: tuple[str, ...] = ("marketing", "sales", "product", "service", "finance", "partners")

CURRENCIES: tuple[str, ...] = (
    "USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "NOK", "DKK", "INR", "BRL",
    "MXN", "NZD", "SGD", "HKD", "ZAR", "PLN", "CNY",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Column:
    """One canonical column.

    Parameters
    ----------
    name
        Column name in the warehouse.
    type
        Logical type; see :data:`ColumnType`.
    required
        A row without a value here is quarantined.
    enum
        Allowed values (compared after lower-casing, except currencies, upper-cased).
    minimum
        Smallest allowed numeric value (e.g. 0 for amounts that cannot be negative).
    description
        One line for docs and ``accord schema``.
    """

    name: str
    type: ColumnType
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """One canonical table: its columns, its entity id and its time column."""

    name: str
    columns: tuple[Column, ...]
    description: str
    id_column: str | None = None
    time_column: str | None = None
    _index: Mapping[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate column in canonical table {self.name}")
        object.__setattr__(self, "_index", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        """Return the column called *name* (``KeyError`` if there is none)."""
        return self._index[name]

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self) -> Iterator[Column]:
        return iter(self.columns)

    @property
    def column_names(self) -> tuple[str, ...]:
        """All canonical column names, key columns first."""
        return tuple(c.name for c in self.columns)

    def required_columns(self) -> tuple[str, ...]:
        """Names of the columns a row must have."""
        return tuple(c.name for c in self.columns if c.required)

    def enum_columns(self) -> dict[str, tuple[str, ...]]:
        """Columns restricted to a set of values."""
        return {c.name: c.enum for c in self.columns if c.enum is not None}


def _key() -> tuple[Column, ...]:
    return (
        Column("source_system", "string", True, description="System the row came from"),
        Column("source_id", "string", True, description="Row id in that system"),
    )


def table(
    name: str,
    description: str,
    *columns: Column,
    id_column: str | None = None,
    time_column: str | None = None,
) -> Table:
    """Build a canonical table with the key columns in front."""
    return Table(name, _key() + columns, description, id_column, time_column)


S: ColumnType = "string"
N: ColumnType = "integer"
F: ColumnType = "float"
M: ColumnType = "money"
B: ColumnType = "boolean"
D: ColumnType = "date"
T: ColumnType = "timestamp"

_TABLES: tuple[Table, ...] = (
    table(
        "accounts", "One row per company.",
        Column("account_id", S, True, description="Company id in the source system"),
        Column("name", S, description="Company name"),
        Column("domain", S, description="Web domain, e.g. acme.io"),
        Column("industry", S),
        Column("employees", N, minimum=0),
        Column("annual_revenue", M, minimum=0),
        Column("country", S),
        Column("city", S),
        Column("segment", S, description="e.g. smb, mid-market, enterprise"),
        Column("owner_id", S, description="Account owner (rep) id"),
        Column("created_at", T),
        id_column="account_id", time_column="created_at",
    ),
    table(
        "contacts", "One row per person record (contact or lead) in a source system.",
        Column("contact_id", S, True),
        Column("account_id", S, description="Company id in the same source system"),
        Column("email", S),
        Column("first_name", S),
        Column("last_name", S),
        Column("title", S),
        Column("phone", S),
        Column("company", S, description="Company name as typed on the record"),
        Column("website", S),
        Column("city", S),
        Column("state", S),
        Column("country", S),
        Column("lifecycle_stage", S, enum=LIFECYCLE_STAGES),
        Column("lead_status", S),
        Column("lead_source", S, description="Original source / lead source"),
        Column("owner_id", S),
        Column("created_at", T),
        Column("salesforce_id", S, description="The same person's record id in Salesforce "
               "(HubSpot's Salesforce Lead ID; a converted lead's contact id)"),
        id_column="contact_id", time_column="created_at",
    ),
    table(
        "touchpoints", "One row per marketing or sales interaction.",
        Column("touchpoint_id", S, True),
        Column("contact_id", S),
        Column("anonymous_id", S),
        Column("account_id", S),
        Column("ts", T, True),
        Column("channel", S, True, enum=CHANNELS),
        Column("campaign_id", S),
        Column("source", S),
        Column("medium", S),
        Column("touch_type", S, description="e.g. ad_click, form_fill, email_click, meeting"),
        Column("team", S, enum=TEAMS),
        id_column="touchpoint_id", time_column="ts",
    ),
    table(
        "campaigns", "One row per campaign.",
        Column("campaign_id", S, True),
        Column("name", S),
        Column("channel", S, enum=CHANNELS),
        Column("team", S, enum=TEAMS),
        Column("start_date", D),
        Column("end_date", D),
        Column("budget", M, minimum=0),
        Column("currency", S, enum=CURRENCIES),
        id_column="campaign_id", time_column="start_date",
    ),
    table(
        "spend", "One row per day x channel x campaign.",
        Column("date", D, True),
        Column("channel", S, True, enum=CHANNELS),
        Column("campaign_id", S),
        Column("campaign_name", S),
        Column("amount", M, True, minimum=0),
        Column("currency", S, enum=CURRENCIES),
        Column("impressions", N, minimum=0),
        Column("clicks", N, minimum=0),
        Column("conversions", F, minimum=0),
        time_column="date",
    ),
    table(
        "lifecycle_events", "One row per lifecycle stage change of a contact or account.",
        Column("event_id", S, True),
        Column("contact_id", S),
        Column("account_id", S),
        Column("stage", S, True, enum=LIFECYCLE_STAGES),
        Column("ts", T, True),
        Column("actor", S, description="Who made the change (user/rep id or system)"),
        Column("team", S, enum=TEAMS),
        Column("reason", S, description="Reason code, e.g. for a rejection"),
        id_column="event_id", time_column="ts",
    ),
    table(
        "activities", "One row per sales activity.",
        Column("activity_id", S, True),
        Column("contact_id", S),
        Column("account_id", S),
        Column("rep_id", S),
        Column("ts", T, True),
        Column("type", S, True, enum=("call", "email", "meeting", "task", "sms", "linkedin")),
        Column("outcome", S),
        id_column="activity_id", time_column="ts",
    ),
    table(
        "opportunities", "One row per deal.",
        Column("opportunity_id", S, True),
        Column("account_id", S),
        Column("account_name", S),
        Column("contact_id", S),
        Column("name", S),
        Column("created_at", T, True),
        Column("closed_at", T),
        Column("stage", S),
        Column("amount", M, minimum=0),
        Column("currency", S, enum=CURRENCIES),
        Column("probability", F, minimum=0),
        Column("is_closed", B),
        Column("won", B),
        Column("lost_reason", S),
        Column("lead_source", S),
        Column("type", S, description="e.g. new business, expansion, renewal"),
        Column("owner_id", S),
        id_column="opportunity_id", time_column="created_at",
    ),
    table(
        "product_events", "One row per product usage event.",
        Column("event_id", S, True),
        Column("account_id", S),
        Column("contact_id", S),
        Column("user_email", S),
        Column("ts", T, True),
        Column("event", S, True),
        Column("feature", S),
        id_column="event_id", time_column="ts",
    ),
    table(
        "tickets", "One row per support case.",
        Column("ticket_id", S, True),
        Column("account_id", S),
        Column("contact_id", S),
        Column("requester_name", S),
        Column("requester_email", S),
        Column("organization", S),
        Column("opened_at", T, True),
        Column("closed_at", T),
        Column("status", S),
        Column("priority", S, enum=("low", "normal", "high", "urgent")),
        Column("category", S),
        Column("csat", S, description="Satisfaction rating as given (good/bad or 1-5)"),
        Column("subject", S),
        Column("text", S),
        id_column="ticket_id", time_column="opened_at",
    ),
    table(
        "feedback", "One row per piece of customer voice.",
        Column("feedback_id", S, True),
        Column("channel", S, True,
               enum=("survey", "review", "ticket", "sales_note", "call", "nps", "other")),
        Column("account_id", S),
        Column("contact_id", S),
        Column("email", S),
        Column("ts", T, True),
        Column("text", S),
        Column("rating", F),
        id_column="feedback_id", time_column="ts",
    ),
    table(
        "revenue", "One row per invoice (or invoice line).",
        Column("invoice_id", S, True),
        Column("account_id", S),
        Column("customer_email", S),
        Column("customer_name", S),
        Column("ts", T, True),
        Column("amount", M, True),
        Column("currency", S, enum=CURRENCIES),
        Column("status", S),
        Column("kind", S, enum=("new", "expansion", "renewal", "contraction", "other")),
        Column("subscription_id", S),
        id_column="invoice_id", time_column="ts",
    ),
    table(
        "subscriptions", "One row per contract period.",
        Column("subscription_id", S, True),
        Column("account_id", S, True),
        Column("start_date", D, True),
        Column("end_date", D),
        Column("mrr", M, True, minimum=0),
        Column("currency", S, enum=CURRENCIES),
        Column("status", S, enum=("active", "renewed", "churned", "cancelled", "trial")),
        Column("plan", S),
        id_column="subscription_id", time_column="start_date",
    ),
    table(
        "owners", "One row per CRM user who owns records (a rep), and their team.",
        Column("owner_id", S, True, description="User id in the source system"),
        Column("full_name", S, description="Name as records' owner fields show it"),
        Column("first_name", S),
        Column("last_name", S),
        Column("email", S),
        Column("team", S, description="Sales team as the CRM names it, e.g. SDR - EMEA"),
        Column("department", S, enum=TEAMS, description="Accord team: sales, partners, ..."),
        Column("role", S, description="Role, seat or profile"),
        Column("region", S),
        Column("active", B),
        id_column="owner_id",
    ),
    table(
        "exposures", "One row per experiment assignment.",
        Column("experiment_id", S, True),
        Column("variant", S, True),
        Column("unit_id", S, True, description="Contact, account or anonymous id"),
        Column("ts", T, True),
        time_column="ts",
    ),
)  # fmt: skip

TABLES: Mapping[str, Table] = {t.name: t for t in _TABLES}
"""Every canonical table by name."""
