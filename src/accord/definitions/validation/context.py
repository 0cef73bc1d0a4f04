"""What rules need besides the definitions: the teams that exist."""

from __future__ import annotations

from dataclasses import dataclass

from accord.data.schema import TEAMS

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
class Context:
    """Facts from outside the catalog.

    Parameters
    ----------
    teams
        Teams that exist in the workspace (the state store keeps them); by default the
        standard ones: marketing, sales, product, service, finance, partners.
    """

    teams: frozenset[str] = frozenset(TEAMS)
