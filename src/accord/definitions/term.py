"""The ``term`` definition: a glossary entry every owning team reads the same way.

Examples
--------
>>> t = TermDefinition.model_validate({
...     "name": "mql", "owners": ["marketing", "sales"],
...     "body": {"definition": "A lead marketing hands to sales.",
...              "synonyms": ["marketing-qualified lead"],
...              "readings": {"sales": "Worth a call within 24 hours."},
...              "metrics": ["mqls"], "stages": ["b2b_funnel.mql"]}})
>>> t.body.readings
(('sales', 'Worth a call within 24 hours.'),)
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from accord.definitions.envelope import DefinitionBase, FrozenModel, Name, NameMap

__all__ = ["StageRef", "TermBody", "TermDefinition"]

StageRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
"""``funnel.stage``, e.g. ``b2b_funnel.mql``."""


class TermBody(FrozenModel):
    """The body of a ``term`` definition.

    Parameters
    ----------
    definition
        The plain-language meaning all owners signed.
    synonyms
        Other words people use for it.
    readings
        Per team, what that team means by the word where it differs (``sales: ...``).
    metrics
        Metrics that compute it.
    stages
        Funnel stages that record it, as ``funnel.stage``.
    """

    definition: Annotated[str, StringConstraints(min_length=1)]
    synonyms: tuple[str, ...] = ()
    readings: NameMap = ()
    metrics: tuple[Name, ...] = ()
    stages: tuple[StageRef, ...] = ()


class TermDefinition(DefinitionBase):
    """A glossary term: envelope + :class:`TermBody`."""

    kind: Literal["term"] = "term"
    body: TermBody
