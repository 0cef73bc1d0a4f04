"""Run several attribution models on the same paths and compare them side by side.

Examples
--------
>>> from accord.engines.attribution.paths import PathCounts
>>> pc = PathCounts.from_sequences([["a", "b"], ["b"]], conversions=[1, 1], nulls=[0, 2])
>>> cmp = compare(pc, models=("first_touch", "markov"))
>>> [r.model for r in cmp.results]
['first_touch', 'markov']
>>> cmp.records()[0]
{'channel': 'a', 'model': 'first_touch', 'conversions': 1.0, 'value': None}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, assert_never, get_args

from accord.engines.attribution import rules
from accord.engines.attribution.markov import markov
from accord.engines.attribution.paths import PathCounts
from accord.engines.attribution.result import AttributionResult
from accord.engines.attribution.shapley import Characteristic, shapley

__all__ = ["MODELS", "Comparison", "ModelName", "compare", "run_model"]

ModelName = Literal[
    "first_touch",
    "last_touch",
    "linear",
    "time_decay",
    "u_shaped",
    "w_shaped",
    "full_path",
    "markov",
    "shapley",
    "shapley_fitted",
]
MODELS: tuple[ModelName, ...] = get_args(ModelName)
"""Every model, in the order reports show them. ``shapley`` runs the game chosen by
``characteristic`` (Zhao et al.'s ``conversions`` by default); ``shapley_fitted`` is
always the ``fitted_rate`` game (logistic-regression conversion probabilities), so the
two can be compared side by side."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """Results of several models on the same paths.

    Parameters
    ----------
    channels
        Channels of the paths.
    results
        One result per model, in the order asked.
    """

    channels: tuple[str, ...]
    results: tuple[AttributionResult, ...]

    def result(self, model: str) -> AttributionResult:
        """The result of ``model``."""
        for r in self.results:
            if r.model == model:
                return r
        raise KeyError(model)

    def records(self) -> list[dict[str, str | float | None]]:
        """Long format: one ``{channel, model, conversions, value}`` per pair."""
        return [
            {
                "channel": ch,
                "model": r.model,
                "conversions": r.credit(ch),
                "value": None if r.value is None else r.credit_value(ch),
            }
            for ch in self.channels
            for r in self.results
        ]


def run_model(
    paths: PathCounts,
    model: ModelName,
    *,
    half_life: float = 7.0,
    order: int = 1,
    include_nulls: bool = True,
    characteristic: Characteristic = "conversions",
    ridge: float = 1.0,
) -> AttributionResult:
    """Run one model by name with the given parameters (``ridge``: the penalty of the
    ``fitted_rate`` game, used by ``shapley_fitted`` and ``shapley`` with that game)."""
    if model == "first_touch":
        return rules.first_touch(paths)
    if model == "last_touch":
        return rules.last_touch(paths)
    if model == "linear":
        return rules.linear(paths)
    if model == "time_decay":
        return rules.time_decay(paths, half_life=half_life)
    if model == "u_shaped":
        return rules.u_shaped(paths)
    if model == "w_shaped":
        return rules.w_shaped(paths)
    if model == "full_path":
        return rules.full_path(paths)
    if model == "markov":
        return markov(paths, order=order, include_nulls=include_nulls)
    if model == "shapley":
        return shapley(paths, characteristic=characteristic, ridge=ridge)
    if model == "shapley_fitted":
        fitted = shapley(paths, characteristic="fitted_rate", ridge=ridge)
        return replace(fitted, model="shapley_fitted")
    assert_never(model)


def compare(
    paths: PathCounts,
    *,
    models: Sequence[ModelName] = MODELS,
    half_life: float = 7.0,
    order: int = 1,
    include_nulls: bool = True,
    characteristic: Characteristic = "conversions",
    ridge: float = 1.0,
) -> Comparison:
    """Run ``models`` on ``paths``; see :func:`run_model` for the parameters."""
    results = tuple(
        run_model(
            paths,
            m,
            half_life=half_life,
            order=order,
            include_nulls=include_nulls,
            characteristic=characteristic,
            ridge=ridge,
        )
        for m in models
    )
    return Comparison(channels=paths.channels, results=results)
