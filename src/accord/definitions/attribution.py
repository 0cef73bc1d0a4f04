"""The ``attribution`` definition: which attribution model is in force, with its parameters.

Owned by marketing and sales because it decides how credit for pipeline is split between
them. The attribution engine (``accord.engines.attribution``) reads it.

========================  =====================================================================
``first_touch``           all credit to the first touch
``last_touch``            all credit to the last touch before conversion
``linear``                equal credit to every touch
``time_decay``            credit halves every ``half_life_days`` before conversion
``position_based``        ``first`` to the first touch, ``last`` to the last, the rest shared
                          (the "U-shaped" model; 40/20/40 by default)
``markov``                removal effects of a Markov chain of order ``order``
                          (Anderl et al. 2016, "Mapping the customer journey")
``shapley``               Shapley value over channel sets of the ``game``: ``conversions``
                          (Zhao et al. 2018), ``conversion_rate`` (raw rate per channel set) or
                          ``fitted_rate`` (logistic-regression conversion probabilities; Shao &
                          Li 2011, Dalessandro et al. 2012); ``ridge`` is the fitted game's
                          penalty. See ``accord.engines.attribution.shapley``.
========================  =====================================================================
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from accord.definitions.envelope import DefinitionBase, FrozenModel

__all__ = [
    "AttributionBody",
    "AttributionDefinition",
    "AttributionModel",
    "FirstTouch",
    "LastTouch",
    "Linear",
    "Markov",
    "PositionBased",
    "Shapley",
    "TimeDecay",
]


class FirstTouch(FrozenModel):
    """All credit to the first touch."""

    name: Literal["first_touch"]


class LastTouch(FrozenModel):
    """All credit to the last touch."""

    name: Literal["last_touch"]


class Linear(FrozenModel):
    """Equal credit to every touch."""

    name: Literal["linear"]


class TimeDecay(FrozenModel):
    """Credit proportional to ``2 ** (-age_days / half_life_days)``."""

    name: Literal["time_decay"]
    half_life_days: float = Field(default=7.0, gt=0)


class PositionBased(FrozenModel):
    """``first`` and ``last`` shares to the end touches, the rest spread over the middle."""

    name: Literal["position_based"]
    first: float = Field(default=0.4, ge=0, le=1)
    last: float = Field(default=0.4, ge=0, le=1)

    @model_validator(mode="after")
    def _shares(self) -> PositionBased:
        if self.first + self.last > 1:
            raise ValueError("first + last must not exceed 1")
        return self


class Markov(FrozenModel):
    """Removal effects of an order-``order`` Markov chain over channels."""

    name: Literal["markov"]
    order: int = Field(default=1, ge=1, le=4)


class Shapley(FrozenModel):
    """The exact Shapley value over channel sets of the characteristic function ``game``."""

    name: Literal["shapley"]
    game: Literal["conversions", "conversion_rate", "fitted_rate"] = "conversions"
    ridge: float = Field(default=1.0, ge=0)


AttributionModel = Annotated[
    FirstTouch | LastTouch | Linear | TimeDecay | PositionBased | Markov | Shapley,
    Field(discriminator="name"),
]


class AttributionBody(FrozenModel):
    """The body of an ``attribution`` definition.

    Parameters
    ----------
    model
        The model and its parameters.
    conversion
        The event that is credited.
    lookback_days
        Touches older than this before the conversion get no credit.
    """

    model: AttributionModel
    conversion: Literal["mql", "opportunity_created", "customer"] = "opportunity_created"
    lookback_days: int = Field(default=90, ge=1)


class AttributionDefinition(DefinitionBase):
    """An attribution model choice: envelope + :class:`AttributionBody`."""

    kind: Literal["attribution"] = "attribution"
    body: AttributionBody
