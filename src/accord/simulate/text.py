"""Words customers and reps write: tickets, survey comments, reviews, sales notes.

Every text is built from one planted *theme* and a sentiment, so a voice-of-the-customer
analysis can be scored against the theme each row was written from
(``ground_truth/themes.csv``).
"""

from __future__ import annotations

from typing import Final

import numpy as np

__all__ = ["THEMES", "compose", "subject"]

THEMES: Final = (
    "pricing",
    "onboarding",
    "salesforce_sync",
    "reporting",
    "performance",
    "support_quality",
    "forecasting_feature",
    "data_quality",
)

_SUBJECTS: Final = {
    "pricing": (
        "Question about our invoice",
        "Seat pricing for next renewal",
        "Why did our bill go up?",
        "Discount for annual plan?",
    ),
    "onboarding": (
        "Help getting started",
        "Setting up our first funnel",
        "Onboarding call follow-up",
        "How do I invite my team?",
    ),
    "salesforce_sync": (
        "Salesforce sync failing",
        "Leads not syncing to Salesforce",
        "Duplicate records after sync",
        "Field mapping for SFDC",
    ),
    "reporting": (
        "Dashboard not showing last week",
        "Export report to CSV",
        "Custom report request",
        "Wrong numbers in pipeline report",
    ),
    "performance": (
        "App is very slow today",
        "Dashboard takes forever to load",
        "Timeouts when exporting",
        "Page keeps spinning",
    ),
    "support_quality": (
        "Still waiting for a reply",
        "Escalation: unresolved issue",
        "Thanks for the quick help",
        "Follow-up on my ticket",
    ),
    "forecasting_feature": (
        "Feature request: forecasting",
        "Can we forecast by segment?",
        "Pipeline forecast accuracy",
        "Need a weighted forecast view",
    ),
    "data_quality": (
        "Duplicate contacts everywhere",
        "Company names do not match",
        "Missing emails on leads",
        "Bad data after import",
    ),
}

_SENTENCES: Final = {
    "pricing": (
        (
            "The price per seat is hard to justify for our team.",
            "We were charged more than we expected this month.",
            "Finance is asking why the renewal costs more.",
        ),
        ("Pricing is fair for what we get.", "The annual plan saved us a lot."),
    ),
    "onboarding": (
        (
            "Onboarding took much longer than promised.",
            "We still have not finished the setup after three weeks.",
            "The setup guide skips the step we are stuck on.",
        ),
        ("Onboarding was smooth and quick.", "Our CSM walked us through the setup in one call."),
    ),
    "salesforce_sync": (
        (
            "The Salesforce sync keeps failing with a field error.",
            "Leads created in HubSpot never show up in Salesforce.",
            "Every sync creates duplicate contacts.",
        ),
        ("The Salesforce integration just works.", "Sync to Salesforce saved our ops team hours."),
    ),
    "reporting": (
        (
            "The pipeline report does not match what finance sees.",
            "We cannot build the report our board asks for.",
            "Exports drop columns we need.",
        ),
        (
            "The dashboards are exactly what our leadership wanted.",
            "Reporting is the best part of the product.",
        ),
    ),
    "performance": (
        (
            "The app is painfully slow with our data volume.",
            "Dashboards time out every Monday morning.",
            "Exports of large lists never finish.",
        ),
        (
            "Fast even with millions of records.",
            "Performance improved a lot after the last release.",
        ),
    ),
    "support_quality": (
        (
            "We waited four days for a first answer.",
            "Support closed the ticket without fixing anything.",
            "Nobody on support understood the question.",
        ),
        ("Support answered within the hour and fixed it.", "Great support team, very patient."),
    ),
    "forecasting_feature": (
        (
            "We need forecasting by segment to replace our spreadsheet.",
            "Without a weighted forecast we still export to Excel.",
            "Please add forecast categories like in our CRM.",
        ),
        (
            "The new forecast view is a game changer.",
            "Forecasting finally lets sales and finance agree.",
        ),
    ),
    "data_quality": (
        (
            "Our contacts are full of duplicates.",
            "Company names differ between systems and nothing matches.",
            "Half the leads arrive without an email.",
        ),
        ("Deduplication cleaned up years of mess.", "Data is finally consistent across teams."),
    ),
}
_OPENERS: Final = ("Hi team,", "Hello,", "Hi,", "Good morning,", "")
_CLOSERS: Final = ("Thanks.", "Thanks in advance!", "Regards,", "Please advise.", "")


def subject(theme: int, pick: int) -> str:
    """A ticket subject line for *theme*."""
    options = _SUBJECTS[THEMES[theme]]
    return options[pick % len(options)]


def compose(
    rng: np.random.Generator, theme: np.ndarray, positive: np.ndarray, *, letter: bool
) -> list[str]:
    """One text per row from its theme and sentiment; *letter* adds greeting, line breaks
    and sign-off as in support e-mails."""
    n = theme.size
    picks = rng.integers(0, 1_000, (n, 4))
    out: list[str] = []
    for i in range(n):
        neg, pos = _SENTENCES[THEMES[theme[i]]]
        pool = pos if positive[i] else neg
        body = pool[picks[i, 0] % len(pool)]
        if not positive[i] and picks[i, 1] % 2:
            body += " " + pool[(picks[i, 0] + 1) % len(pool)]
        if letter:
            opener = _OPENERS[picks[i, 2] % len(_OPENERS)]
            closer = _CLOSERS[picks[i, 3] % len(_CLOSERS)]
            body = "\n\n".join(x for x in (opener, body, closer) if x)
        out.append(body)
    return out
