"""Rules for SLAs: ``unknown-funnel``, ``unknown-stage`` (the handoff, accept and disposition
stages are states of the SLA's funnel) and ``unknown-metric`` (the volume and quality
commitments are measured by defined metrics)."""

from __future__ import annotations

from accord.definitions.catalog import Catalog, YamlPath
from accord.definitions.funnel import FunnelDefinition
from accord.definitions.issues import Issue
from accord.definitions.metric import MetricDefinition
from accord.definitions.sla import SlaDefinition
from accord.definitions.validation.context import Context

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report SLAs that reference unknown funnels, stages or metrics."""
    funnels = {f.name: f.body.state_names for _, f in catalog.of_kind(FunnelDefinition)}
    metrics = catalog.names(MetricDefinition)
    issues: list[Issue] = []
    for entry, sla in catalog.of_kind(SlaDefinition):
        body = sla.body
        marketing, sales = body.marketing, body.sales
        metric_refs: list[tuple[YamlPath, str]] = []
        if marketing.volume is not None:
            metric_refs.append((("body", "marketing", "volume", "metric"), marketing.volume.metric))
        if marketing.quality_floor is not None:
            metric_refs.append(
                (("body", "marketing", "quality_floor", "metric"), marketing.quality_floor.metric)
            )
        for path, name in metric_refs:
            if name not in metrics:
                issues.append(
                    entry.issue(
                        path,
                        code="unknown-metric",
                        message=f"metric {name!r} is not defined",
                        fix="define the metric, or correct the name",
                    )
                )
        states = funnels.get(body.funnel)
        if states is None:
            issues.append(
                entry.issue(
                    ("body", "funnel"),
                    code="unknown-funnel",
                    message=f"funnel {body.funnel!r} is not defined",
                    fix=f"use one of: {', '.join(sorted(funnels)) or '(define a funnel first)'}",
                )
            )
            continue
        stage_refs: list[tuple[YamlPath, str]] = [(("body", "handoff_stage"), body.handoff_stage)]
        if sales.decision is not None:
            stage_refs.append(
                (("body", "sales", "decision", "accept_stage"), sales.decision.accept_stage)
            )
        if sales.disposition is not None:
            stage_refs += [
                (("body", "sales", "disposition", "stages", i), s)
                for i, s in enumerate(sales.disposition.stages)
            ]
        for path, stage in stage_refs:
            if stage not in states:
                issues.append(
                    entry.issue(
                        path,
                        code="unknown-stage",
                        message=f"{stage!r} is not a stage of funnel {body.funnel!r}",
                        fix=f"use one of: {', '.join(states)}",
                    )
                )
    return issues
