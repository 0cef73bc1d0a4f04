"""The public surface of ``accord.engines.budget`` is small and importable (STYLE.md #7)."""

from __future__ import annotations

import accord.engines.budget as budget


def test_every_exported_name_exists_and_nothing_else_is_advertised() -> None:
    assert sorted(budget.__all__) == sorted(set(budget.__all__))
    for name in budget.__all__:
        assert getattr(budget, name) is not None
    assert set(budget.__all__) == {
        "Allocation", "Bounds", "ChannelAllocation", "ChannelFit", "ChannelIntervals",
        "FitSettings", "Interval", "MMMFit", "Priors", "ResponseCurve", "SearchSpace",
        "budget_scenarios", "fit_mmm", "geometric_adstock", "logistic_saturation",
        "optimize_budget",
    }  # fmt: skip
