"""What each role may do: ONE table, checked on every route and tested route by route.

Every route of the app declares one :class:`Action` (``tests/web`` fails for a route that
declares none); :data:`PERMISSIONS` says who may do it. A user is in one team with one
role: ``member``, ``lead`` (signs for the team) or ``admin`` (runs the workspace).

=======================  ==============================================================
action                   who may
=======================  ==============================================================
view_scorecard           everyone signed in
view_data                everyone signed in (personal data masked, see view_pii)
view_funnel              everyone signed in (Funnel & SLA: a rep sees their breaches first)
view_credit              everyone signed in (attribution, team credit)
view_economics           everyone signed in (CAC, LTV, payback, ROMI, budget proposals)
view_accounts            everyone signed in (search, account 360; personal data masked,
                         see view_pii)
view_pii                 admins; leads of marketing, sales and service (they act on
                         contacts); everyone else sees emails, phones, names masked
upload_data              admins; leads of marketing and sales (marketing/sales ops)
view_definitions         everyone signed in
propose_definition       admins; leads of a team that owns the definition
sign_definition          leads of a team that owns the definition, for their team
propose_budget           everyone signed in (as ``accord budget propose``: any active
                         user; a finance lead and a marketing lead still approve)
approve_budget           leads of finance and marketing
manage_users             admins
view_audit               admins
use_api                  everyone signed in (their own identity: /api/v1/me)
=======================  ==============================================================

"Owning team" rules are checked twice: the route admits anyone who could own some
definition (any lead), and the handler checks the definition's owners
(:func:`require` with ``owners=``).

Examples
--------
>>> from datetime import datetime, UTC
>>> from accord.data.state import UserRecord
>>> ana = UserRecord("ana", None, "marketing", "lead", True, datetime.now(UTC), True)
>>> allows(ana, Action.SIGN_DEFINITION, owners=("marketing", "sales"))
True
>>> allows(ana, Action.SIGN_DEFINITION, owners=("finance",))
False
>>> allows(ana, Action.MANAGE_USERS)
False
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from accord.data.state import ROLES, Role, UserRecord
from accord.errors import PermissionDenied

__all__ = ["PERMISSIONS", "Action", "Rule", "allows", "describe", "require"]


class Action(StrEnum):
    """Something a user does in the web app or API."""

    VIEW_SCORECARD = "view_scorecard"
    VIEW_DATA = "view_data"
    VIEW_FUNNEL = "view_funnel"
    VIEW_CREDIT = "view_credit"
    VIEW_ECONOMICS = "view_economics"
    VIEW_ACCOUNTS = "view_accounts"
    VIEW_PII = "view_pii"
    UPLOAD_DATA = "upload_data"
    VIEW_DEFINITIONS = "view_definitions"
    PROPOSE_DEFINITION = "propose_definition"
    SIGN_DEFINITION = "sign_definition"
    PROPOSE_BUDGET = "propose_budget"
    APPROVE_BUDGET = "approve_budget"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    USE_API = "use_api"


@dataclass(frozen=True, slots=True)
class Grant:
    """Users with one of *roles* in one of *teams* (``None``: any team)."""

    roles: frozenset[Role]
    teams: frozenset[str] | None = None

    def admits(self, user: UserRecord) -> bool:
        return user.role in self.roles and (self.teams is None or user.team in self.teams)


@dataclass(frozen=True, slots=True)
class Rule:
    """Who may do an action: any of *grants*; with *owning_team*, only for a resource
    their team owns (the user's team must be among the resource's owners)."""

    grants: tuple[Grant, ...]
    owning_team: tuple[Grant, ...] = ()

    def admits(self, user: UserRecord, owners: Collection[str] | None) -> bool:
        if any(g.admits(user) for g in self.grants):
            return True
        if not any(g.admits(user) for g in self.owning_team):
            return False
        return owners is None or user.team in owners


EVERYONE = Grant(frozenset(ROLES))
ADMINS = Grant(frozenset({"admin"}))
LEADS = Grant(frozenset({"lead"}))


def _leads_of(*teams: str) -> Grant:
    return Grant(frozenset({"lead"}), frozenset(teams))


PERMISSIONS: Mapping[Action, Rule] = {
    Action.VIEW_SCORECARD: Rule((EVERYONE,)),
    Action.VIEW_DATA: Rule((EVERYONE,)),
    Action.VIEW_FUNNEL: Rule((EVERYONE,)),
    Action.VIEW_CREDIT: Rule((EVERYONE,)),
    Action.VIEW_ECONOMICS: Rule((EVERYONE,)),
    Action.VIEW_ACCOUNTS: Rule((EVERYONE,)),
    Action.VIEW_PII: Rule((ADMINS, _leads_of("marketing", "sales", "service"))),
    Action.UPLOAD_DATA: Rule((ADMINS, _leads_of("marketing", "sales"))),
    Action.VIEW_DEFINITIONS: Rule((EVERYONE,)),
    Action.PROPOSE_DEFINITION: Rule((ADMINS,), owning_team=(LEADS,)),
    Action.SIGN_DEFINITION: Rule((), owning_team=(LEADS,)),
    Action.PROPOSE_BUDGET: Rule((EVERYONE,)),
    Action.APPROVE_BUDGET: Rule((_leads_of("finance", "marketing"),)),
    Action.MANAGE_USERS: Rule((ADMINS,)),
    Action.VIEW_AUDIT: Rule((ADMINS,)),
    Action.USE_API: Rule((EVERYONE,)),
}
"""The one permission table (documented in the module docstring and ``docs/web.md``)."""


def allows(user: UserRecord, action: Action, *, owners: Collection[str] | None = None) -> bool:
    """Whether *user* may do *action* (on a resource owned by *owners*, if given).

    Without *owners*, an owning-team rule admits anyone who could own a resource (the
    route-level check); the handler checks again with the resource's owners.
    """
    if not user.active:
        return False
    return PERMISSIONS[action].admits(user, owners)


def describe(action: Action) -> str:
    """Who may do *action*, in words (for messages and the docs)."""
    rule = PERMISSIONS[action]
    parts = [_grant_words(g) for g in rule.grants]
    parts += [f"{_grant_words(g)} of an owning team" for g in rule.owning_team]
    return "; ".join(parts) or "nobody"


def _grant_words(grant: Grant) -> str:
    roles = "everyone" if grant.roles == frozenset(ROLES) else " or ".join(sorted(grant.roles))
    roles = roles if roles == "everyone" else roles + "s"
    if grant.teams is None:
        return roles
    return f"{roles} of {', '.join(sorted(grant.teams))}"


def require(user: UserRecord, action: Action, *, owners: Collection[str] | None = None) -> None:
    """Raise :class:`~accord.errors.PermissionDenied` unless *user* may do *action*."""
    if allows(user, action, owners=owners):
        return
    where = f" (owned by {', '.join(owners)})" if owners is not None else ""
    raise PermissionDenied(
        f"{user.name} ({user.role} in {user.team}) may not {action.value.replace('_', ' ')}"
        f"{where}.",
        hint=f"Who may: {describe(action)}.",
    )
