"""The revenue team as HubSpot's users export shows it (``hubspot-users.csv``).

HubSpot (Settings > Users & Teams > Export users) exports, per user: user ID, first
name, last name, e-mail address, last login date, assigned teams, assigned role and
permissions (knowledge.hubspot.com/user-management/export-users). One row per member of
``params.REPS``: records' "Contact owner" shows ``First Last``; the team is the sales team
as a CRM admin would name it (role team, an en dash, region: ``SDR \u2013 EMEA``).
Nothing here is random: the file is the same for every seed and size, and no random
stream is touched, so every other planted figure is unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from accord.simulate import params
from accord.simulate.sinks import Sink

__all__ = ["HUBSPOT_USERS", "TEAM_LABELS", "sales_team", "write_users"]

HUBSPOT_USERS: Final = (
    "User ID",
    "First Name",
    "Last Name",
    "Email Address",
    "Last Login Date",
    "Assigned Teams",
    "Assigned Role",
    "Permissions",
)
TEAM_LABELS: Final = {
    "sdr": ("SDR", "Sales Development Rep"),
    "ae": ("Account Executives", "Account Executive"),
    "partner_manager": ("Partner Managers", "Partner Manager"),
    "csm": ("Customer Success", "Customer Success Manager"),
}
"""Role -> (team name prefix, role label)."""
FIRST_USER_ID: Final = 52_118_401
DOMAIN: Final = "accord-sim.example"
DASH: Final = "\u2013"
"""An en dash, as admins type team names ("SDR \u2013 EMEA")."""


def sales_team(rep: params.Rep) -> str:
    """The rep's sales team as the CRM names it: ``"<role team> \u2013 <region>"``."""
    return f"{TEAM_LABELS[rep.role][0]} {DASH} {rep.region}"


def _email(first: str, last: str) -> str:
    local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
    return f"{local}@{DOMAIN}"


def write_users(out_dir: Path) -> Sink:
    """Write ``hubspot-users.csv`` into *out_dir*; returns the closed sink."""
    sink = Sink(out_dir, "hubspot-users.csv", "hubspot-users", HUBSPOT_USERS, "User ID")
    firsts, lasts = zip(*(r.name.split(" ", 1) for r in params.REPS), strict=True)
    try:
        sink.write(
            {
                "User ID": [str(FIRST_USER_ID + 7 * i) for i in range(len(params.REPS))],
                "First Name": list(firsts),
                "Last Name": list(lasts),
                "Email Address": [_email(f, la) for f, la in zip(firsts, lasts, strict=True)],
                "Last Login Date": [""] * len(params.REPS),
                "Assigned Teams": [sales_team(r) for r in params.REPS],
                "Assigned Role": [TEAM_LABELS[r.role][1] for r in params.REPS],
                "Permissions": ["Sales Hub Professional"] * len(params.REPS),
            }
        )
    finally:
        sink.close()
    return sink
