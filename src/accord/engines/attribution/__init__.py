"""Multi-touch attribution: rules, exact Markov removal effects, Shapley, team credit.

The warehouse aggregates journeys into distinct paths (:func:`journeys`,
:func:`aggregate_paths`); only those aggregates come into Python as
:class:`PathCounts`, on which every model runs. See ``docs/attribution.md``.
"""

from accord.engines.attribution.compare import MODELS, Comparison, ModelName, compare, run_model
from accord.engines.attribution.journeys import journeys
from accord.engines.attribution.markov import markov
from accord.engines.attribution.paths import PathCounts, aggregate_paths
from accord.engines.attribution.result import (
    AttributionResult,
    MarkovDetails,
    ReasonCode,
    TeamCredit,
    TransitionMatrix,
)
from accord.engines.attribution.rules import (
    first_touch,
    full_path,
    last_touch,
    linear,
    time_decay,
    u_shaped,
    w_shaped,
)
from accord.engines.attribution.shapley import shapley
from accord.engines.attribution.teams import rollup, team_credit

__all__ = [
    "MODELS",
    "AttributionResult",
    "Comparison",
    "MarkovDetails",
    "ModelName",
    "PathCounts",
    "ReasonCode",
    "TeamCredit",
    "TransitionMatrix",
    "aggregate_paths",
    "compare",
    "first_touch",
    "full_path",
    "journeys",
    "last_touch",
    "linear",
    "markov",
    "rollup",
    "run_model",
    "shapley",
    "team_credit",
    "time_decay",
    "u_shaped",
    "w_shaped",
]
