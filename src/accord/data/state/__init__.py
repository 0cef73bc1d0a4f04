"""The state store: users, teams, audit log, definitions, API tokens (and later workflows).

SQLAlchemy 2 models, Alembic migrations shipped in the package, and :class:`StateStore`.
"""

from __future__ import annotations

import accord.data.state.budget_proposals  # register the models on the metadata
import accord.data.state.identity_overrides  # noqa: F401
from accord.data.state.audit import AuditRecord
from accord.data.state.models import ROLES, Role
from accord.data.state.people import DEFAULT_TEAMS, TeamRecord, UserRecord
from accord.data.state.store import StateStore
from accord.data.state.tokens import TokenRecord

__all__ = [
    "DEFAULT_TEAMS",
    "ROLES",
    "AuditRecord",
    "Role",
    "StateStore",
    "TeamRecord",
    "TokenRecord",
    "UserRecord",
]
