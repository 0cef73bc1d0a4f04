"""The revenue funnel: first entries, cohort and period conversion, timing, side exits,
sales velocity and the funnel over time.

Everything starts from :func:`funnel_entries` (one wide row per entity with its first
entry into each stage, built in the warehouse); each figure is then a small aggregate
query returning a labelled :class:`Report`. See ``docs/funnel-and-sla.md``.
"""

from accord.engines.funnel.conversion import cohort_conversion, period_conversion, stage_counts
from accord.engines.funnel.overtime import funnel_over_time
from accord.engines.funnel.periods import Grain, period_grid, to_local
from accord.engines.funnel.result import Kind, Note, NoteCode, Parameters, Report
from accord.engines.funnel.side import SideRule, side_exits
from accord.engines.funnel.stages import FunnelEntries, StageRule, funnel_entries, stage_rules
from accord.engines.funnel.timing import stage_timing
from accord.engines.funnel.velocity import sales_velocity

__all__ = [
    "FunnelEntries",
    "Grain",
    "Kind",
    "Note",
    "NoteCode",
    "Parameters",
    "Report",
    "SideRule",
    "StageRule",
    "cohort_conversion",
    "funnel_entries",
    "funnel_over_time",
    "period_conversion",
    "period_grid",
    "sales_velocity",
    "side_exits",
    "stage_counts",
    "stage_rules",
    "stage_timing",
    "to_local",
]
