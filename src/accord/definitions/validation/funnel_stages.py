"""Rules for funnels: ``duplicate-stage``, ``unknown-stage`` (an entry rule's ``after``, a
side state's ``from_stages``/``returns_to``, the recycle and disqualify states name stages
or side states of the same funnel), ``stage-order`` (``after`` names an earlier stage) and
``unknown-lifecycle-stage`` (lifecycle events are canonical lifecycle stages)."""

from __future__ import annotations

from accord.data.schema import LIFECYCLE_STAGES
from accord.definitions.catalog import Catalog, Entry, YamlPath
from accord.definitions.funnel import FunnelDefinition
from accord.definitions.issues import Issue
from accord.definitions.validation.context import Context

__all__ = ["check"]


def _lifecycle(entry: Entry, path: YamlPath, events: tuple[str, ...]) -> list[Issue]:
    return [
        entry.issue(
            (*path, i),
            code="unknown-lifecycle-stage",
            message=f"{event!r} is not a lifecycle stage",
            fix=f"use one of: {', '.join(LIFECYCLE_STAGES)}",
        )
        for i, event in enumerate(events)
        if event not in LIFECYCLE_STAGES
    ]


def _unknown(entry: Entry, path: YamlPath, name: str, known: tuple[str, ...]) -> Issue:
    return entry.issue(
        path,
        code="unknown-stage",
        message=f"{name!r} is not a stage of funnel {entry.name!r}",
        fix=f"use one of: {', '.join(dict.fromkeys(known))}",
    )


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report bad stage references and unknown lifecycle stages in funnels."""
    issues: list[Issue] = []
    for entry, funnel in catalog.of_kind(FunnelDefinition):
        body = funnel.body
        stages, states = body.stage_names, body.state_names
        seen: set[str] = set()
        for i, name in enumerate(states):
            section, j = ("stages", i) if i < len(stages) else ("side_states", i - len(stages))
            if name in seen:
                issues.append(
                    entry.issue(
                        ("body", section, j, "name"),
                        code="duplicate-stage",
                        message=f"stage {name!r} is defined twice",
                        fix="rename or remove one of them",
                    )
                )
            seen.add(name)
        for i, stage in enumerate(body.stages):
            path: YamlPath = ("body", "stages", i, "enter")
            issues += _lifecycle(entry, (*path, "lifecycle_events"), stage.enter.lifecycle_events)
            after = stage.enter.after
            if after is None:
                continue
            if after not in stages:
                issues.append(_unknown(entry, (*path, "after"), after, stages))
            elif stages.index(after) >= i:
                issues.append(
                    entry.issue(
                        (*path, "after"),
                        code="stage-order",
                        message=f"stage {stage.name!r} comes after {after!r}, "
                        "which is not an earlier stage",
                        fix=f"name one of the stages before {stage.name}: "
                        f"{', '.join(stages[:i]) or '(none)'}",
                    )
                )
        for i, side in enumerate(body.side_states):
            path = ("body", "side_states", i)
            issues += _lifecycle(entry, (*path, "lifecycle_events"), side.lifecycle_events)
            for j, origin in enumerate(side.from_stages):
                if origin not in stages:
                    issues.append(_unknown(entry, (*path, "from_stages", j), origin, stages))
            if side.returns_to is not None and side.returns_to not in stages:
                issues.append(_unknown(entry, (*path, "returns_to"), side.returns_to, stages))
        effects = {r.effect for r in body.rejection_reasons}
        for effect, field in (("recycle", "recycle_state"), ("disqualify", "disqualify_state")):
            target = getattr(body, field)
            if effect in effects and target not in states:
                issues.append(_unknown(entry, ("body", field), target, states))
    return issues
