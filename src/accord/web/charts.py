"""Charts: Vega-Lite specs (rendered in the browser by the vendored vega-embed) and
server-drawn SVG sparklines (no script needed: a table of 30 trends stays light)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from accord.web.services.scorecard import GoalCard, Point

__all__ = [
    "funnel_chart",
    "funnel_over_time_chart",
    "goal_chart",
    "grouped_bars",
    "sparkline",
]


def goal_chart(goal: GoalCard) -> dict[str, Any]:
    """Monthly values of a goal's metric (bars) against the monthly target (a rule)."""
    metric = goal.progress.definition.body.metric
    values = [
        {"month": p.period.isoformat(), "value": p.value}
        for p in goal.monthly
        if p.value is not None
    ]
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "color": "#3b6ea8", "tooltip": True},
            "encoding": {
                "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth",
                      "title": None, "axis": {"format": "%b %y", "labelAngle": 0}},
                "y": {"field": "value", "type": "quantitative", "title": metric},
            },
        }
    ]  # fmt: skip
    if goal.monthly_target is not None:
        layers.append(
            {
                "data": {"values": [{"target": goal.monthly_target}]},
                "mark": {"type": "rule", "color": "#c0392b", "strokeDash": [4, 3]},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"{metric} by month against the monthly target of {goal.name}",
        "width": "container",
        "height": 140,
        "data": {"values": values},
        "layer": layers,
        "config": {"view": {"stroke": None}},
    }


def sparkline(points: Sequence[Point], *, width: int = 120, height: int = 28) -> Markup:
    """An inline SVG line of *points* (gaps where a value is missing)."""
    values = [p.value for p in points]
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return Markup("")
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    segments: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            segments.append([])
            continue
        y = height - 2 - (v - low) / span * (height - 4)
        segments[-1].append(f"{i * step:.1f},{y:.1f}")
    lines = "".join(
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{" ".join(s)}"/>'
        for s in segments
        if len(s) > 1
    )
    label = escape(f"trend over {len(values)} months, from {known[0]:,.4g} to {known[-1]:,.4g}")
    return Markup(
        f'<svg class="spark" role="img" aria-label="{label}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{lines}</svg>'
    )


SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def _spec(description: str, values: list[dict[str, Any]], **body: Any) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "data": {"values": values},
        "config": {"view": {"stroke": None}},
        **body,
    }


def funnel_chart(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Horizontal bars: people entering each stage, in the funnel's order."""
    values = [{"stage": r["stage"], "entered": r["entered"]} for r in rows]
    order = [v["stage"] for v in values]
    return _spec(
        "People entering each stage of the funnel",
        values,
        height={"step": 26},
        mark={"type": "bar", "color": "#3b6ea8", "tooltip": True},
        encoding={
            "y": {"field": "stage", "type": "nominal", "sort": order, "title": None},
            "x": {"field": "entered", "type": "quantitative", "title": "people entering"},
        },
    )


def funnel_over_time_chart(
    rows: Sequence[Mapping[str, Any]], grain: str = "month"
) -> dict[str, Any]:
    """Lines: people entering each stage by period (a ``week`` or a ``month``)."""
    weekly = grain == "week"
    values = [
        {"period": _iso(r["period_start"]), "stage": r["stage"], "entered": r["entered"]}
        for r in rows
        if r.get("period_start") is not None
    ]
    order = list(dict.fromkeys(v["stage"] for v in values))
    return _spec(
        f"People entering each stage, by {'week' if weekly else 'month'}",
        values,
        height=180,
        mark={"type": "line", "point": True, "tooltip": True},
        encoding={
            "x": {"field": "period", "type": "temporal",
                  "timeUnit": "yearmonthdate" if weekly else "yearmonth", "title": None,
                  "axis": {"format": "%d %b %y" if weekly else "%b %y", "labelAngle": 0}},
            "y": {"field": "entered", "type": "quantitative", "title": "people entering"},
            "color": {"field": "stage", "type": "nominal", "sort": order},
        },
    )  # fmt: skip


def grouped_bars(
    rows: Sequence[Mapping[str, Any]],
    *,
    x: str,
    y: str,
    group: str,
    description: str,
    y_title: str | None = None,
) -> dict[str, Any]:
    """Bars of *y* per *x*, one bar per *group* side by side (e.g. credit by model)."""
    values = [{x: str(r[x]), group: str(r[group]), y: r[y]} for r in rows if r.get(y) is not None]
    return _spec(
        description,
        values,
        height=200,
        mark={"type": "bar", "tooltip": True},
        encoding={
            "x": {"field": x, "type": "nominal", "title": None, "axis": {"labelAngle": -30}},
            "xOffset": {"field": group, "type": "nominal"},
            "y": {"field": y, "type": "quantitative", "title": y_title or y},
            "color": {"field": group, "type": "nominal"},
        },
    )


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
