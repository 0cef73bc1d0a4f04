"""The public surface of the funnel and SLA engines: what ``__all__`` promises exists."""

from __future__ import annotations

import accord.engines.feedback as feedback
import accord.engines.forecast as forecast
import accord.engines.funnel as funnel
import accord.engines.sla as sla


def test_exported_names_exist_and_are_sorted() -> None:
    for module in (funnel, sla, feedback, forecast):
        assert list(module.__all__) == sorted(module.__all__), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_the_plug_in_surface() -> None:
    assert {"funnel_entries", "StageRule", "SideRule", "cohort_conversion", "period_conversion",
            "stage_timing", "side_exits", "sales_velocity", "funnel_over_time", "Report"} <= set(
        funnel.__all__
    )  # fmt: skip
    assert {"Clock", "SalesTerms", "MarketingTerms", "build_handoffs", "sales_compliance",
            "breach_list", "marketing_sla", "derive_targets"} <= set(sla.__all__)  # fmt: skip
