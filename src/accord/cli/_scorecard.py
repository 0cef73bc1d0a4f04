"""Aggregates behind the demo scorecard, as Ibis expressions run inside the warehouse.

Pure functions: an ``ibis.Table`` in, an ``ibis.Table`` expression out; only the small
aggregate comes back to Python. (They move to ``accord.engines`` when the funnel and
economics engines land.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import ibis

__all__ = [
    "EXCLUDED_INVOICE_STATUSES",
    "FUNNEL_STAGES",
    "SIDE_STATES",
    "full_months",
    "monthly_revenue",
    "quarantine_summary",
    "stage_contacts",
]

FUNNEL_STAGES: tuple[str, ...] = (
    "subscriber",
    "lead",
    "mql",
    "sal",
    "sql",
    "opportunity",
    "customer",
)
"""The standard B2B funnel, in order (``accord.data.schema.LIFECYCLE_STAGES``)."""

SIDE_STATES: tuple[str, ...] = ("rejected", "recycled", "disqualified", "lost", "churned")

EXCLUDED_INVOICE_STATUSES: tuple[str, ...] = ("draft", "void", "uncollectible", "deleted")
"""Invoice statuses that are not revenue (Stripe's status names)."""


def stage_contacts(events: ibis.Table, *, stages: Sequence[str] = FUNNEL_STAGES) -> ibis.Table:
    """Distinct contacts that reached each of *stages*.

    A contact is ``source_system`` + ``contact_id`` (ids are only unique within their
    system; merging people across systems is identity resolution's job).

    Parameters
    ----------
    events
        The ``lifecycle_events`` table (``source_system``, ``contact_id``, ``stage``).
    stages
        The stages to count; stages nobody reached are absent from the result.

    Returns
    -------
    ibis.Table
        Columns ``stage`` and ``contacts``.
    """
    contact = events.source_system.concat(":", events.contact_id)
    return (
        events.filter(events.stage.isin(list(stages)), events.contact_id.notnull())
        .group_by("stage")
        .aggregate(contacts=contact.nunique())
    )


def monthly_revenue(
    revenue: ibis.Table,
    *,
    months: int = 12,
    excluded_statuses: Sequence[str] = EXCLUDED_INVOICE_STATUSES,
) -> ibis.Table:
    """Invoiced revenue per calendar month (UTC) and currency, for the last *months* months.

    "Last" is counted back from the newest invoice, not from today, so a historical export
    still shows its final year.

    Parameters
    ----------
    revenue
        The ``revenue`` table (``ts``, ``amount``, ``currency``, ``status``).
    months
        How many months, ending with the newest invoice's month.
    excluded_statuses
        Invoice statuses that do not count (compared lower-case).

    Returns
    -------
    ibis.Table
        Columns ``month`` (timestamp of the month's start), ``currency``, ``amount``,
        ``invoices``; ordered by month and currency.
    """
    kept = revenue.filter(
        revenue.status.isnull() | ~revenue.status.lower().isin(list(excluded_statuses))
    )
    month = kept.ts.truncate("M")
    newest = month.max()
    window = kept.filter(month >= newest - ibis.interval(months=months - 1))
    return (
        window.group_by(month=window.ts.truncate("M"), currency=window.currency)
        .aggregate(amount=window.amount.sum(), invoices=window.count())
        .order_by("month", "currency")
    )


def quarantine_summary(quarantine: ibis.Table) -> ibis.Table:
    """How many distinct source rows and problems are in quarantine.

    Loading the same file again quarantines its bad rows again (under the new load id);
    counting distinct ``file`` + ``row`` (+ ``table_name`` + ``column_name`` for problems)
    keeps the figure stable across such reloads.

    Parameters
    ----------
    quarantine
        The quarantine table: one row per problem (``file``, ``row``, ``table_name``,
        ``column_name``, ...).

    Returns
    -------
    ibis.Table
        One row: ``rows``, ``problems``.
    """
    row = quarantine.file.concat(":", quarantine.row.cast("string"))
    problem = row.concat(":", quarantine.table_name, ":", quarantine.column_name.fill_null(""))
    return quarantine.aggregate(rows=row.nunique(), problems=problem.nunique())


def full_months(first: datetime | None, last: datetime | None) -> tuple[date, date, date] | None:
    """The whole months of an activity window and the last one of them.

    Parameters
    ----------
    first, last
        The oldest and newest event times (e.g. ``lifecycle_events.ts``).

    Returns
    -------
    tuple or None
        ``(start, last_month, end)``: the first day of *first*'s month, the first day of
        the last month that ended by *last* (a month counts as ended when *last* falls on
        its last day), and the day after it; ``None`` without a whole month.

    Examples
    --------
    >>> full_months(datetime(2024, 1, 3), datetime(2025, 12, 31, 22, 0))
    (datetime.date(2024, 1, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1))
    >>> full_months(datetime(2024, 1, 3), datetime(2024, 1, 20)) is None
    True
    """
    if first is None or last is None:
        return None
    start = date(first.year, first.month, 1)
    after = last.date() + timedelta(days=1)
    end = date(after.year, after.month, 1)
    if end <= start:
        return None
    index = end.year * 12 + end.month - 2
    return start, date(index // 12, index % 12 + 1, 1), end
