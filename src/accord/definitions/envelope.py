"""The envelope every definition shares: kind, name, owners, description, body.

A definition is a frozen pydantic model. Its envelope says *what* it is (``kind``),
*which* one (``name``, unique across all kinds in a workspace), *who* must sign it
(``owners``: teams) and *what it means* in plain words (``description``); the ``body``
holds the kind-specific spec. Collections that are sets in meaning (owners, mappings such
as a metric's dimensions) are stored sorted, so two specs that mean the same are equal and
hash the same (:mod:`accord.definitions.hashing`).

Examples
--------
>>> from accord.definitions.term import TermDefinition
>>> t = TermDefinition.model_validate(
...     {"name": "mql", "owners": ["sales", "marketing"], "body": {"definition": "A lead..."}}
... )
>>> t.owners
('marketing', 'sales')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StringConstraints,
)

__all__ = [
    "KINDS",
    "DefinitionBase",
    "FrozenModel",
    "Kind",
    "Name",
    "NameMap",
    "Team",
]

Kind = Literal["term", "metric", "funnel", "sla", "goal", "attribution"]
KINDS: tuple[Kind, ...] = ("term", "metric", "funnel", "sla", "goal", "attribution")

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A definition, stage, dimension or team name: lower snake case, at most 64 characters."""

Team = Name
"""A team name (``marketing``, ``sales``, ... or any team the company adds)."""


def _sorted_unique(value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(value)))


def _to_pairs(value: Any) -> Any:
    """Accept a YAML mapping ``{key: value}`` (or pairs) and return sorted pairs."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), v) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(sorted(tuple(p) for p in value))
    return value


def _to_dict(value: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return dict(value)


NameMap = Annotated[
    tuple[tuple[Name, str], ...],
    BeforeValidator(_to_pairs),
    PlainSerializer(_to_dict, return_type=dict[str, str]),
]
"""A mapping from names to strings, written as a YAML mapping, stored as sorted pairs
(immutable, order-insensitive)."""


class FrozenModel(BaseModel):
    """Base of every spec model: immutable, unknown fields are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DefinitionBase(FrozenModel):
    """Fields every definition kind shares.

    Parameters
    ----------
    kind
        Which kind of definition (each subclass fixes it).
    name
        Unique across the workspace, lower snake case.
    owners
        Teams that own the definition; every one of them must sign a version before it is
        in force. Stored sorted and without duplicates.
    description
        What the definition means, in words every owning team accepts.
    """

    kind: Kind
    name: Name
    owners: Annotated[tuple[Team, ...], AfterValidator(_sorted_unique)] = ()
    description: str = ""
