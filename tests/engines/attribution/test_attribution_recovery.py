"""Recovery: planted per-channel incremental effects are ranked right by Markov and Shapley.

Journeys of 1 to 3 touches draw channels uniformly (equal exposure) and convert with
probability ``1 - (1 - base) * prod over distinct channels c of (1 - lift_c)``. The
planted incremental effect of a channel is the expected number of conversions lost
if it were switched off (computed from the same probabilities), which orders the
channels as their lifts do. Attribution credit should order them the same way.

Under unequal exposure removal effects (and Zhao et al.'s game) credit reach, not
incrementality; docs/attribution.md says so and this test does not claim otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest

from accord.engines.attribution import AttributionResult, PathCounts, markov, shapley

LIFT = np.array([0.0, 0.03, 0.06, 0.09, 0.12, 0.15])
NAMES = [f"ch{i}" for i in range(len(LIFT))]
BASE = 0.02


def simulate(seed: int, n: int = 40_000) -> tuple[PathCounts, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = len(LIFT)
    lengths = rng.integers(1, 4, n)
    touches = rng.integers(0, k, lengths.sum())
    owner = np.repeat(np.arange(n), lengths)
    seen = np.zeros((n, k), dtype=bool)
    seen[owner, touches] = True
    keep = np.where(seen, 1 - LIFT, 1.0)
    p = 1 - (1 - BASE) * keep.prod(axis=1)
    converted = rng.random(n) < p
    planted = np.array(
        [(p - (1 - (1 - BASE) * np.delete(keep, c, axis=1).prod(axis=1))).sum() for c in range(k)]
    )
    # aggregate journeys to distinct paths (what the warehouse does)
    width = 3
    padded = np.full((n, width), -1)
    pos = np.arange(len(touches)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    padded[owner, pos] = touches
    keys, inverse = np.unique(padded, axis=0, return_inverse=True)
    conv = np.bincount(inverse.ravel(), converted, minlength=len(keys))
    nulls = np.bincount(inverse.ravel(), ~converted, minlength=len(keys))
    paths = [[NAMES[c] for c in row if c >= 0] for row in keys]
    return PathCounts.from_sequences(paths, conversions=conv, nulls=nulls), planted


def ranking(r: AttributionResult) -> list[str]:
    return [NAMES[i] for i in np.argsort([r.credit(c) for c in NAMES])]


@pytest.mark.parametrize("seed", [11, 12])
def test_markov_and_shapley_recover_the_planted_ranking(seed: int) -> None:
    pc, planted = simulate(seed)
    truth = [NAMES[i] for i in np.argsort(planted)]
    assert truth == NAMES  # the planted effects increase with the lift
    for r in (
        markov(pc, order=1),
        markov(pc, order=2),
        shapley(pc),
        shapley(pc, characteristic="conversion_rate"),
    ):
        assert ranking(r) == truth, (r.model, r.parameters, r.conversions)
