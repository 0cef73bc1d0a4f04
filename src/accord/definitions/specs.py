"""Every definition kind in one discriminated union, and how to build one from plain data.

Examples
--------
>>> d = parse_definition({"kind": "term", "name": "sal", "owners": ["sales"],
...                       "body": {"definition": "A lead sales accepted."}})
>>> type(d).__name__, d.kind
('TermDefinition', 'term')
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from accord.definitions.attribution import AttributionDefinition
from accord.definitions.funnel import FunnelDefinition
from accord.definitions.goal import GoalDefinition
from accord.definitions.metric import MetricDefinition
from accord.definitions.sla import SlaDefinition
from accord.definitions.term import TermDefinition

__all__ = ["DEFINITION_ADAPTER", "Definition", "parse_definition"]

Definition = Annotated[
    TermDefinition
    | MetricDefinition
    | FunnelDefinition
    | SlaDefinition
    | GoalDefinition
    | AttributionDefinition,
    Field(discriminator="kind"),
]
"""Any definition; ``kind`` says which."""

DEFINITION_ADAPTER: TypeAdapter[Definition] = TypeAdapter(Definition)


def parse_definition(data: Any) -> Definition:
    """Validate plain data (e.g. loaded YAML) as a definition.

    Raises
    ------
    pydantic.ValidationError
        With every field error; :mod:`accord.definitions.yaml_io` turns them into issues
        with file and line.
    """
    return DEFINITION_ADAPTER.validate_python(data)
