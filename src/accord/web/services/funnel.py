"""The Funnel & SLA page: the funnel in force, both sides of the SLA, lead feedback.

Computed by the workspace services of :mod:`accord.workflows.revenue` (the same as
``accord funnel``, ``accord sla`` and ``accord feedback``) on one
:class:`~accord.workflows.revenue.RevenueContext`, so every table cites the same
``funnel`` and ``sla`` versions. Windows are the services' defaults: the funnel and lead
feedback over the 12 months to the end of the newest data's month, the SLA over the last
three of its periods.

A rep sees their own breaches first (:func:`mine`): a breach is theirs when its owner,
as the CRM writes it (``Priya Raman``), matches their user name (``priya-raman``) or the
part of their email before the ``@`` (``priya.raman@...``), ignoring case and
punctuation.
"""

from __future__ import annotations

import re
from typing import Any

from accord.data.state import UserRecord
from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.errors import AccordError
from accord.web.services.reports import Problem, Table, View, table_of
from accord.web.services.served import served
from accord.workflows.revenue.context import revenue_context
from accord.workflows.revenue.feedback import feedback_with
from accord.workflows.revenue.funnel import default_window, funnel_with
from accord.workflows.revenue.sla import period_window, sla_with

__all__ = ["TABLES", "for_user", "funnel_view", "mine"]

TABLES: dict[str, str] = {
    "stages": "Stage counts",
    "cohort": "Cohort conversion",
    "over_time": "Funnel over time",
    "timing": "Time between stages",
    "side_exits": "Side exits with reasons",
    "velocity": "Sales velocity",
    "sla_marketing": "SLA, marketing's side",
    "sla_compliance": "SLA, sales' side: compliance per rep",
    "sla_breaches": "SLA breaches",
    "feedback_acceptance": "Lead acceptance by source",
    "feedback_reasons": "Rejection reasons by source",
    "feedback_recycled": "Recycled leads by source",
    "feedback_lead_value": "Lead value by source",
}
"""Every table of the page, by URL name (``/api/v1/funnel/<name>``)."""


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def mine(user: UserRecord, owner: Any) -> bool:
    """Whether a breach owned by *owner* (the CRM's rep name or id) is *user*'s.

    >>> from datetime import datetime, UTC
    >>> now = datetime.now(UTC)
    >>> priya = UserRecord("priya-raman", "p@x.co", "sales", "member", True, now, True)
    >>> mine(priya, "Priya Raman"), mine(priya, "Chloe Martin")
    (True, False)
    """
    if not isinstance(owner, str) or not owner:
        return False
    keys = {_key(user.name)}
    if user.email:
        keys.add(_key(user.email.split("@")[0]))
    return _key(owner) in keys


def for_user(view: View, user: UserRecord) -> View:
    """*view* with *user*'s own breaches first."""
    from dataclasses import replace

    breaches = view.get("sla_breaches")
    if breaches is None:
        return view
    ordered: Table = breaches.first(lambda r: mine(user, r.get("owner")))
    own = sum(1 for r in ordered.rows if mine(user, r.get("owner")))
    tables = tuple(ordered if t.name == "sla_breaches" else t for t in view.tables)
    return replace(view, tables=tables, extra={**view.extra, "own_breaches": own})


def funnel_view(workspace: Workspace, store: SqlDefinitionStore, warehouse: Warehouse) -> View:
    """Every table of the page, or the reason there are none (nothing in force, no data)."""
    tables: list[Table] = []
    problems: list[Problem] = []
    try:
        with revenue_context(served(workspace, warehouse), store) as ctx:
            start, end = default_window(ctx.as_of)
            f = funnel_with(ctx, start=start, end=end)
            for name, report in f.reports().items():
                if name in TABLES:
                    tables.append(table_of(name, TABLES[name], report.table))
            parameters = [("as_of", ctx.as_of.isoformat(sep=" ")), ("time_zone", ctx.time_zone),
                          ("funnel_from", start.date().isoformat()),
                          ("funnel_to", end.date().isoformat())]  # fmt: skip
            if ctx.sla is None:
                problems.append(Problem(
                    "No SLA is in force: both sides of the SLA and lead feedback wait for it.",
                    "`accord definitions list --kind sla`; its owners sign it.",
                ))  # fmt: skip
            else:
                grain = ctx.sla_body.body.marketing.volume
                period = grain.per if grain else "month"
                s_start, s_end = period_window(ctx.as_of, period)
                sla = sla_with(ctx, start=s_start, end=s_end, period=period)
                tables += [
                    table_of("sla_marketing", TABLES["sla_marketing"], sla.marketing.table),
                    table_of("sla_compliance", TABLES["sla_compliance"], sla.compliance.table),
                    table_of("sla_breaches", TABLES["sla_breaches"], sla.breaches.table),
                ]
                parameters += [("sla_from", s_start.date().isoformat()),
                               ("sla_to", s_end.date().isoformat()),
                               ("sla_period", period)]  # fmt: skip
                fb = feedback_with(ctx, start=start, end=end, by="source")
                for name in ("acceptance", "reasons", "recycled", "lead_value"):
                    key = f"feedback_{name}"
                    tables.append(table_of(key, TABLES[key], getattr(fb, name).table))
            citations = ctx.citations
    except AccordError as exc:
        return View(problems=(Problem.of(exc),))
    return View(
        tables=tuple(tables),
        citations=citations,
        problems=tuple(problems),
        parameters=tuple(parameters),
    )
